"""Small validated string types shared by unified models."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from connector_front.models.messages import Described

Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    Described("an email address like ada@example.com"),
]
"""An e-mail address: something@domain.tld, no spaces (a pragmatic check, not RFC 5322)."""

PhoneNumber = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=40, pattern=r"^\+?[0-9 ().\-]+$"
    ),
    Described("a phone number like +1 415 555 0100 (digits, spaces, dots, dashes, brackets)"),
]
"""A phone number: digits with optional leading +, spaces, dots, dashes and parentheses."""

Domain = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        max_length=253,
        pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$",
    ),
    Described("a domain name like example.com"),
]
"""A domain name such as example.com (lower-cased)."""
