"""Who may see and do what: the one access rule (DESIGN.md, "Trust boundary").

Pure: no SQL, no Flask. The store hands in facts (a definition's visibility, access list and
owners; an instance's starter and the parties of its items) and every endpoint, page and command
asks here. The lists' queries filter by a ``Scope`` built here, the set form of the same rule.

Roles: administrators may do everything; analysts create, import, edit and deploy definitions
(and so write scripts and expressions); plain users work cartables and records and start the
processes they may see; integration users are machine callers that may also post messages.
A definition's owners (its creator, plus the analysts its owners add) edit, deploy and administer
it. A private definition, its instances and their items are seen only by its access list, its
owners and administrators.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from .errors import Forbidden, Invalid
from .parties import parties_of_person

PRIVATE = "private"


@dataclass(frozen=True)
class Caller:
    """Who is acting, their roles, and the parties whose items they may act on."""

    name: str
    is_admin: bool
    groups: frozenset[str]
    is_analyst: bool = False
    is_integration: bool = False
    # Holds a role that other roles report to, or belongs to the "supervisors" group or role
    # (engine/store/people.py): sees who works on what (issue 15).
    is_supervisor: bool = False

    @cached_property
    def principals(self) -> list[str]:
        """The cartable parties that are this caller: ``u:<name>`` and ``g:<group or role>``."""
        return parties_of_person(self.name, self.groups)

    @property
    def models(self) -> bool:
        """Whether the caller may create, import and deploy definitions."""
        return self.is_admin or self.is_analyst


@dataclass(frozen=True)
class DefinitionFacts:
    """What the rule needs to know of a definition."""

    key: str
    visibility: str = "public"
    owners: frozenset[str] = frozenset()
    access: frozenset[str] = frozenset()


@dataclass(frozen=True)
class InstanceFacts:
    """What the rule needs to know of an instance: its definition, who started it, and the parties
    of every item it has or had (``u:``/``g:`` principals, and the names that claimed or
    completed one)."""

    definition: DefinitionFacts
    started_by: str | None
    parties: frozenset[str] = frozenset()
    actors: frozenset[str] = frozenset()


# (key, visibility if just read, else None) -> the definition's facts; the engine answers from a
# short-lived copy, read again when the visibility given disagrees with it.
FactsOf = Callable[[str, "str | None"], DefinitionFacts]


# --- definitions ------------------------------------------------------------------------------

def may_see_definition(caller: Caller, definition: DefinitionFacts) -> bool:
    """See, open, export and start: public ones, and private ones from their access list."""
    return (definition.visibility != PRIVATE or caller.is_admin or caller.name in definition.access
            or caller.name in definition.owners)


def may_edit_definition(caller: Caller, definition: DefinitionFacts) -> bool:
    """Add a version, deploy, rename, (de)activate, set visibility, access and owners, delete.
    An owner who is no longer an analyst keeps nothing: editing a model is writing its scripts."""
    return caller.is_admin or (caller.is_analyst and caller.name in definition.owners)


def may_create_definitions(caller: Caller) -> bool:
    """Create or import a definition under a new key; validate models and use the designer's
    pickers (which list every user, group and role)."""
    return caller.models


def check_see_definition(caller: Caller, definition: DefinitionFacts) -> None:
    if not may_see_definition(caller, definition):
        raise Forbidden(f"definition {definition.key!r} is private and you are not on its access list")


def check_edit_definition(caller: Caller, definition: DefinitionFacts) -> None:
    if not may_edit_definition(caller, definition):
        who = ", ".join(sorted(definition.owners)) or "none"
        raise Forbidden(f"only an administrator or an analyst who owns definition {definition.key!r} "
                        f"(owners: {who}) may change it")


def check_create_definitions(caller: Caller) -> None:
    if not may_create_definitions(caller):
        raise Forbidden("only analysts and administrators create, import, validate and deploy definitions")


def check_admin(caller: Caller, what: str) -> None:
    if not caller.is_admin:
        raise Forbidden(f"only an administrator may {what}")


# --- instances and work items ----------------------------------------------------------------

def _takes_part(caller: Caller, instance: InstanceFacts) -> bool:
    return (caller.name == instance.started_by or caller.name in instance.actors
            or not instance.parties.isdisjoint(caller.principals))


def may_see_instance(caller: Caller, instance: InstanceFacts) -> bool:
    """Admins, the definition's owners, supervisors within the definitions they may see, and,
    within a private definition's access list, whoever started it or has or had an item on it.
    An instance's items are seen with it."""
    return scope(caller, [instance.definition]).admits(caller, instance)


def may_message(caller: Caller, instance: InstanceFacts) -> bool:
    """Post a message: whoever may see the instance, and integration users (machine callers that
    know an instance's id), within a private definition's access list."""
    if may_see_instance(caller, instance):
        return True
    return caller.is_integration and may_see_definition(caller, instance.definition)


def may_post_event(caller: Caller, definition: DefinitionFacts) -> bool:
    """An inbound event (engine/inbound_events.py) starts a process and reaches the waiting
    instances of a record for whoever may start that process by hand: anyone signed in for a
    public one; a private one's access list, owners and administrators. An event names a record,
    not an instance, so it asks of the definition what may_message asks of integration users; a
    private process's instances are never started or moved for anyone off its list."""
    return may_see_definition(caller, definition)


def check_see_instance(caller: Caller, instance: InstanceFacts, what: str) -> None:
    if not may_see_instance(caller, instance):
        raise Forbidden(f"{what} is not yours to see: you neither started it nor have an item on it")


def check_message(caller: Caller, instance: InstanceFacts, instance_id: int | str) -> None:
    if not may_message(caller, instance):
        raise Forbidden(f"you may not post messages to instance {instance_id}: you take no part in it "
                        "and are not an integration user")


def may_act_on_item(caller: Caller, item_parties: frozenset[str], claimed_by: str | None,
                    definition: DefinitionFacts) -> bool:
    """Claim or complete: the item is assigned to the caller, their groups or roles, or claimed
    by them (an unassigned item: administrators); never outside a private definition's list."""
    if not may_see_definition(caller, definition):
        return False
    return (not item_parties.isdisjoint(caller.principals) or claimed_by == caller.name
            or (not item_parties and caller.is_admin))


def check_act_on_item(caller: Caller, item_parties: frozenset[str], claimed_by: str | None,
                      definition: DefinitionFacts, item_id: int | str) -> None:
    if not may_act_on_item(caller, item_parties, claimed_by, definition):
        raise Forbidden(f"work item {item_id} is not assigned to {caller.name}, their groups or their roles")


# --- supervising work (issue 15) ----------------------------------------------------------------

# Members of the group (or holders of the role) of this name supervise, besides managers.
SUPERVISORS = "supervisors"


def may_supervise(caller: Caller) -> bool:
    """See another user's cartable, a group's or role's, all open work and its counts per
    person: administrators and supervisors (managers of a role, members of "supervisors")."""
    return caller.is_admin or caller.is_supervisor


def check_see_work_of(caller: Caller, user: str | None, parties: Iterable[str]) -> None:
    """A plain user's cartable may be narrowed to their own name, groups and roles only."""
    if may_supervise(caller):
        return
    if user is not None and user != caller.name:
        raise Forbidden(f"only supervisors and administrators see another user's cartable ({user!r})")
    for party in parties:
        if party not in caller.groups:
            raise Forbidden(f"only supervisors and administrators see the work of {party!r}, "
                            "which you are not part of")


def may_release(caller: Caller, claimed_by: str | None) -> bool:
    """Give a claimed item back to its parties: whoever claimed it, or an administrator."""
    return caller.is_admin or claimed_by == caller.name


def may_forward(caller: Caller, item_parties: frozenset[str], claimed_by: str | None,
                definition: DefinitionFacts) -> bool:
    """Hand an item to another party: whoever may act on it, supervisors and administrators."""
    if may_act_on_item(caller, item_parties, claimed_by, definition):
        return True
    return may_supervise(caller) and may_see_definition(caller, definition)


def assignable_users(definition: DefinitionFacts) -> frozenset[str] | None:
    """The users a definition's steps may go to: a private one's access list and owners (MISSION
    F5); None for anyone."""
    return definition.access | definition.owners if definition.visibility == PRIVATE else None


def check_assignable(user: str, definition: DefinitionFacts) -> None:
    """A private definition's steps go only to people on its access list (MISSION F5)."""
    allowed = assignable_users(definition)
    if allowed is not None and user not in allowed:
        raise Invalid(f"{user!r} is not on the access list of the private process {definition.key!r}; "
                      "ask its owners to add them first")


# --- lists ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """Which instances (and so which items) a caller may list, as facts a query filters on.

    ``everything``: no filter. Otherwise an instance is in scope when its definition is in
    ``owned`` (its owners', or a supervisor's), or when its definition is not in ``hidden`` and
    the caller started it, claimed or completed one of its items, or one of its items names one of
    ``principals``. The store's query is this method written in SQL; tests hold the two together.
    """

    everything: bool
    name: str
    principals: tuple[str, ...] = ()
    owned: frozenset[str] = frozenset()
    hidden: frozenset[str] = field(default_factory=frozenset)

    def admits(self, caller: Caller, instance: InstanceFacts) -> bool:
        key = instance.definition.key
        if self.everything or key in self.owned:
            return True
        return key not in self.hidden and _takes_part(caller, instance)


def scope(caller: Caller, definitions: Iterable[DefinitionFacts]) -> Scope:
    """The caller's scope over the given definitions (those not given count as public, unowned)."""
    if caller.is_admin:
        return Scope(everything=True, name=caller.name)
    owned, hidden = set(), set()
    for definition in definitions:
        # supervisors see all work, and so every case, of the definitions they may see
        if caller.name in definition.owners or (caller.is_supervisor and may_see_definition(caller, definition)):
            owned.add(definition.key)
        elif not may_see_definition(caller, definition):
            hidden.add(definition.key)
    return Scope(everything=False, name=caller.name, principals=tuple(caller.principals),
                 owned=frozenset(owned), hidden=frozenset(hidden))


def hidden_definitions(caller: Caller, definitions: Iterable[DefinitionFacts]) -> frozenset[str]:
    """The definitions (and so instances and items) the caller may not see at all."""
    return frozenset(d.key for d in definitions if not may_see_definition(caller, d))


# --- office work: calendar tasks, events, notifications (MISSION F6) ---------------------------
# Someone else's task, event or notification is answered as missing (404), never as forbidden:
# even its existence is theirs. Administrators may see and act on tasks and events (support);
# notifications are each person's own. The lists' queries (engine/store/tasks.py, events.py) are
# these rules written in SQL.

@dataclass(frozen=True)
class TaskFacts:
    """What the rule needs to know of a calendar task: its owner (a user or a group) and its
    followers (its creator, and whoever forwarded it)."""

    owner_user: str | None
    owner_group: str | None
    followers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class EventFacts:
    """What the rule needs to know of a calendar event: who owns it and whom it invites."""

    owner: str
    invitees: frozenset[str] = frozenset()


def may_see_task(caller: Caller, task: TaskFacts) -> bool:
    """See, update, forward and complete: its owner, the members of its owner group, its
    followers, administrators."""
    return (caller.is_admin or caller.name == task.owner_user or caller.name in task.followers
            or (task.owner_group is not None and task.owner_group in caller.groups))


def may_see_event(caller: Caller, event: EventFacts) -> bool:
    return caller.is_admin or caller.name == event.owner or caller.name in event.invitees


def may_change_event(caller: Caller, event: EventFacts) -> bool:
    """Move, re-invite or cancel: its owner and administrators; invitees only see it."""
    return caller.is_admin or caller.name == event.owner


def check_change_event(caller: Caller, event: EventFacts, event_id: int | str) -> None:
    if not may_change_event(caller, event):
        raise Forbidden(f"only {event.owner}, who owns event {event_id}, may change or cancel it")


def check_answer_invitation(caller: Caller, event: EventFacts, event_id: int | str) -> None:
    """Only an invitee answers an invitation (for themselves)."""
    if caller.name not in event.invitees:
        raise Forbidden(f"you are not invited to event {event_id}, so there is no invitation to answer")


def check_manage_rooms(caller: Caller) -> None:
    check_admin(caller, "add rooms")
