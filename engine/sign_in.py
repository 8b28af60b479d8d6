"""When sign-ins back off: the rule, without storage (store/sign_in_failures.py keeps the counts).

Failures are counted per user name (from every address) and per client address (for every
name). Past a few free failures each further one locks its subject for a time that doubles from
one second up to a cap. A locked attempt is refused before its password is hashed: argon2 costs
CPU, and that cost is what guessing clients used to starve real users.

Denial of service: a per-name lock that held for everyone would let anyone lock a user out by
guessing wrong under their name. So a locked *name* refuses only addresses that have failed
themselves lately; a client address with a clean record may still try it, which lets the real
user sign in from their own machine while someone elsewhere keeps failing. A guesser spread
over many addresses gets one try per fresh address per lock, and then each of those addresses
counts as failing too. A locked *address* refuses every name.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# Failures older than this are forgotten: a subject starts again from zero.
FORGET_AFTER = timedelta(hours=24)


def name_subject(name: str) -> str:
    # Names compare without case here so "Ana" and "ana" share one count; the column holds 200.
    return ("name:" + name.strip().casefold())[:200]


def address_subject(address: str) -> str:
    return ("addr:" + address)[:200]


@dataclass(frozen=True)
class Failures:
    """One subject's count of recent failed sign-ins and the lock they earned."""

    failures: int
    locked_until: datetime | None
    updated_at: datetime

    def count_at(self, at: datetime) -> int:
        return 0 if at - self.updated_at > FORGET_AFTER else self.failures

    def locked_at(self, at: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > at


@dataclass(frozen=True)
class SignInPolicy:
    """free_failures: per name; address_free_failures: per address; max_lock_seconds: the cap."""

    free_failures: int = 5
    address_free_failures: int = 20
    max_lock_seconds: int = 900

    def lock_for(self, subject: str, failures: int) -> timedelta | None:
        """How long a subject is locked after its ``failures``-th failure, if at all."""
        free = self.address_free_failures if subject.startswith("addr:") else self.free_failures
        beyond = failures - free
        if beyond <= 0:
            return None
        return timedelta(seconds=min(2 ** min(beyond - 1, 30), self.max_lock_seconds))

    def refusal(self, name: Failures | None, address: Failures | None, at: datetime) -> datetime | None:
        """Until when an attempt for this name from this address is refused unheard, if it is."""
        if address is not None and address.locked_at(at):
            return address.locked_until
        if name is not None and name.locked_at(at) and address is not None and address.count_at(at) > 0:
            return name.locked_until
        return None
