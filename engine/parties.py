"""Cartable parties: who an item waits for, as the cartable index (work_item_parties) stores them.

A party is ``u:<user>`` for one person, or ``g:<name>`` for a group or a role: candidateGroups
may name either, and a person belongs to both the same way. Every place that writes or matches
parties builds them here.
"""
from __future__ import annotations

from collections.abc import Iterable


def user_party(name: str) -> str:
    return f"u:{name}"


def group_party(name: str) -> str:
    return f"g:{name}"


def parties_of_person(name: str, groups: Iterable[str]) -> list[str]:
    """The parties that are this person: theirs, then their groups' and roles' in name order."""
    return [user_party(name)] + [group_party(g) for g in sorted(groups)]


def parties_of_item(assignee: str | None, users: Iterable[str], groups: Iterable[str],
                    roles: Iterable[str]) -> set[str]:
    """The parties who may act on an item: its assignee and users, its groups and roles."""
    found = {user_party(u) for u in users}
    if assignee:
        found.add(user_party(assignee))
    found |= {group_party(g) for g in (*groups, *roles)}
    return found
