"""The lease of an owner's sync pass (leases themselves: ``connector_front.store.leases``)."""

from __future__ import annotations

from connector_front.store.leases import LEASE_TTL, Leases

__all__ = ["LEASE_TTL", "Leases", "pass_lease"]


def pass_lease(owner_id: str) -> str:
    """The lease of an owner's sync pass."""
    return f"sync:{owner_id}"
