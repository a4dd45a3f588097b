"""Small validated string types shared by unified models."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]
"""An e-mail address: something@domain.tld, no spaces (a pragmatic check, not RFC 5322)."""

PhoneNumber = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=40, pattern=r"^\+?[0-9 ().\-]+$"
    ),
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
]
"""A domain name such as example.com (lower-cased)."""
