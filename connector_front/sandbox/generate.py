"""Deterministic extra contacts (`extra_contacts`, `POST /_sandbox/seed/contacts`).

Contact number n always gets the same id, name, handles and timestamps, so a
test over 1,000 contacts sees the same data on every run.
"""

from __future__ import annotations

from .database import Database, base36
from .records import Contact, Handle

FIRST_NAMES = (
    "Avery", "Jordan", "Riley", "Morgan", "Casey", "Quinn", "Harper", "Rowan",
    "Sage", "Emerson", "Finley", "Kai", "Noor", "Leila", "Mateo", "Yara",
    "Idris", "Linnea", "Tariq", "Wren",
)  # fmt: skip
LAST_NAMES = (
    "Alvarez", "Brennan", "Castillo", "Dubois", "Eriksen", "Fontaine", "Garrido",
    "Hollis", "Iwasaki", "Jansen", "Kowalski", "Lindqvist", "Mbeki", "Nakamura",
    "Oyelaran", "Petrov", "Quintero", "Rasmussen", "Sato", "Tremblay",
)  # fmt: skip
TIERS = ("Bronze", "Silver", "Gold", "Summit")
GENERATED_EPOCH = 1717200000.0  # 2024-06-01T00:00:00Z, after every seeded record


def numbers(db: Database, kind: str, count: int) -> range:
    """The next `count` sequence numbers of `kind` (1-based), reserved."""
    start = db.generated.get(kind, 0) + 1
    db.generated[kind] = start + count - 1
    return range(start, start + count)


def gen_id(prefix: str, n: int) -> str:
    """The id of generated record number n: `<prefix>_g` and n in base 36."""
    return f"{prefix}_g{base36(n).rjust(5, '0')}"


def person_name(n: int) -> tuple[str, str]:
    """The first and last name of generated person number n."""
    first = FIRST_NAMES[n % len(FIRST_NAMES)]
    return first, LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)]


def generated_contact(n: int) -> Contact:
    """The n-th generated contact (n >= 1)."""
    first, last = person_name(n)
    created = GENERATED_EPOCH + n * 60.0
    handles = [Handle("email", f"{first.lower()}.{last.lower()}.{n}@customers.example")]
    if n % 3 == 0:
        handles.append(Handle("phone", f"+1555{n:07d}"))
    custom: dict[str, object] = {"Loyalty tier": TIERS[n % len(TIERS)]}
    if n % 5 == 0:
        custom["VIP"] = True
    return Contact(
        id=gen_id("crd", n),
        name=f"{first} {last}",
        handles=handles,
        created_at=created,
        updated_at=created + (n % 7) * 3600.0,
        description=f"Generated customer #{n}",
        custom_fields=custom,
    )


def add_generated_contacts(db: Database, count: int) -> list[str]:
    """Append `count` more generated contacts, continuing the sequence; answers their ids."""
    ids: list[str] = []
    for n in numbers(db, "contacts", count):
        contact = generated_contact(n)
        db.contacts[contact.id] = contact
        ids.append(contact.id)
    return ids
