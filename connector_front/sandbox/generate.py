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


def generated_contact(n: int) -> Contact:
    """The n-th generated contact (n >= 1)."""
    first = FIRST_NAMES[n % len(FIRST_NAMES)]
    last = LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)]
    created = GENERATED_EPOCH + n * 60.0
    handles = [Handle("email", f"{first.lower()}.{last.lower()}.{n}@customers.example")]
    if n % 3 == 0:
        handles.append(Handle("phone", f"+1555{n:07d}"))
    custom: dict[str, object] = {"Loyalty tier": TIERS[n % len(TIERS)]}
    if n % 5 == 0:
        custom["VIP"] = True
    return Contact(
        id=f"crd_g{base36(n).rjust(5, '0')}",
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
    for _ in range(count):
        db.generated_contacts += 1
        contact = generated_contact(db.generated_contacts)
        db.contacts[contact.id] = contact
        ids.append(contact.id)
    return ids
