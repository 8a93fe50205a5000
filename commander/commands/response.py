"""CLI: checklists, roles, rollbacks and hotfixes, milestone corrections, runbooks."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from commander.commands.common import (
    TIME_TYPE,
    Handler,
    add_at_option,
    argument_type,
    author_of,
    say,
    say_block,
    warn,
)
from commander.domain import Phase
from commander.domain.roles import Role
from commander.domain.when import HELP as TIME_HELP

if TYPE_CHECKING:
    from commander.services.checklist import ChecklistItemView
    from commander.store.engine import Store

ITEM_HELP = "the item's number (see `checklist REF`) or a piece of its text"


def register(sub: Any) -> dict[str, Handler]:
    phase_type = argument_type(Phase.parse)
    role_type = argument_type(Role.parse)
    roles_help = "; ".join(f"{r.value}: {r.label}" for r in Role)

    show = sub.add_parser("checklist", help="show an incident's phase checklists")
    show.add_argument("ref")
    show.add_argument("--phase", type=phase_type, help="only this phase")
    show.add_argument("--json", action="store_true")

    for name, verb in (("check", "check"), ("uncheck", "uncheck"), ("applicable", "undo n/a on")):
        command = sub.add_parser(name, help=f"{verb} a checklist item (logged)")
        command.add_argument("ref")
        command.add_argument("item", help=ITEM_HELP)
        add_at_option(command, "it happened")
        command.add_argument("--author")

    not_applicable = sub.add_parser("not-applicable", help="mark a checklist item not applicable")
    not_applicable.add_argument("ref")
    not_applicable.add_argument("item", help=ITEM_HELP)
    not_applicable.add_argument("--reason", required=True)
    add_at_option(not_applicable, "it was set aside")
    not_applicable.add_argument("--author")

    add = sub.add_parser("checklist-add", help="add an item to one incident's checklist")
    add.add_argument("ref")
    add.add_argument("text")
    add.add_argument("--phase", type=phase_type, help="default: the current phase")
    add_at_option(add, "it was added")
    add.add_argument("--author")

    role = sub.add_parser("role", help="assign a role or hand it over (logged)")
    role.add_argument("ref")
    role.add_argument("role", type=role_type, help=roles_help)
    role.add_argument("person")
    add_at_option(role, "it was assigned; a handover not before the last holder's start")
    role.add_argument("--author")

    release = sub.add_parser("unassign", help="nobody (or not PERSON) holds the role any more")
    release.add_argument("ref")
    release.add_argument("role", type=role_type, help=roles_help)
    release.add_argument("person", nargs="?")
    add_at_option(release, "it ended, not before the holder's start")
    release.add_argument("--author")

    roles = sub.add_parser("roles", help="who holds which role")
    roles.add_argument("ref")
    roles.add_argument("--json", action="store_true")

    for kind, verb in (("rollback", "rolled back to"), ("hotfix", "deployed")):
        deploy = sub.add_parser(kind, help=f"record a {kind}: what, from, to, by whom")
        deploy.add_argument("ref")
        deploy.add_argument("--to", required=True, metavar="VERSION", help=f"the version {verb}")
        deploy.add_argument("--from", dest="from_version", default="", metavar="VERSION")
        deploy.add_argument("--what", default="", help="the service or component")
        deploy.add_argument("--reason", default="")
        deploy.add_argument("--at", type=TIME_TYPE, metavar="TIME", help=TIME_HELP)
        deploy.add_argument("--author")

    deploys = sub.add_parser("deploys", help="the incident's rollbacks and hotfixes, in order")
    deploys.add_argument("ref")
    deploys.add_argument("--json", action="store_true")

    milestone = sub.add_parser("milestone", help="correct when the incident was mitigated, ...")
    milestone.add_argument("ref")
    milestone.add_argument("name", help="impact_started, detected, acknowledged, mitigated, ...")
    when = milestone.add_mutually_exclusive_group(required=True)
    when.add_argument("--at", type=TIME_TYPE, metavar="TIME", help=TIME_HELP)
    when.add_argument("--clear", action="store_true", help="unset it")
    milestone.add_argument("--reason", default="")
    milestone.add_argument("--author")

    history = sub.add_parser("history", help="severity history and time spent in each phase")
    history.add_argument("ref")
    history.add_argument("--json", action="store_true")

    runbooks = sub.add_parser("runbooks", help="list runbooks, or those containing every word")
    runbooks.add_argument("query", nargs="*")

    attach = sub.add_parser("runbook-attach", help="add a runbook's steps to the current phase")
    attach.add_argument("ref")
    attach.add_argument("name", help="the runbook's file name (without .md) or title")
    attach.add_argument("--author")

    draft = sub.add_parser("runbook-draft", help="draft a runbook from an incident's actions")
    draft.add_argument("ref")
    draft.add_argument("--save", action="store_true", help="save it to the user runbook folder")

    return {
        "runbooks": _runbooks,
        "runbook-attach": _runbook_attach,
        "runbook-draft": _runbook_draft,
        "checklist": _checklist,
        "check": _check,
        "uncheck": _check,
        "applicable": _check,
        "not-applicable": _not_applicable,
        "checklist-add": _add,
        "role": _role,
        "unassign": _unassign,
        "roles": _roles,
        "rollback": _deploy,
        "hotfix": _deploy,
        "deploys": _deploys,
        "milestone": _milestone,
        "history": _history,
    }


def _dumps(document: Any) -> None:
    from commander.exports.json_doc import dumps

    sys.stdout.write(dumps(document))


def item_document(item: ChecklistItemView) -> dict[str, Any]:
    from commander.domain.when import iso

    return {
        "id": item.id,
        "phase": item.phase.value,
        "text": item.text,
        "origin": item.origin,
        "checked_at": iso(item.checked_at),
        "checked_by": item.checked_by,
        "auto_reason": item.auto_reason,
        "not_applicable_reason": item.not_applicable_reason,
        "not_applicable_by": item.not_applicable_by,
        "superseded_at": iso(item.superseded_at),
        "superseded_by": item.superseded_by,
    }


def _checklist(store: Store, args: argparse.Namespace) -> int:
    from commander.services.checklist import checklist

    view = checklist(store, args.ref)
    if view.template_problem:
        warn(view.template_problem)
    items = view.of_phase(args.phase) if args.phase else list(view.items)
    if args.json:
        replaced = [i for i in view.superseded if not args.phase or i.phase is args.phase]
        _dumps(
            {
                "ref": view.ref,
                "phase": view.phase.value,
                "items": [item_document(i) for i in items],
                "superseded": [item_document(i) for i in replaced],
            }
        )
        return 0
    shown: Phase | None = None
    for item in items:
        if item.phase is not shown:
            shown = item.phase
            current = "  (current)" if shown is view.phase else ""
            say(f"{shown.label}{current}")
        mark = "x" if item.checked else "-" if item.not_applicable else " "
        note = f"  (n/a: {item.not_applicable_reason})" if item.not_applicable else ""
        who = f"  {item.auto_mark or f'({item.checked_by})'}" if item.checked else ""
        say(f"  [{mark}] {item.id:>4}  {item.text}{who}{note}")
        for old in view.replaced_by(item):
            done = f" (checked by {old.checked_by})" if old.checked else ""
            say(f"            replaces {old.id} “{old.text}”{done}")
    return 0


def _check(store: Store, args: argparse.Namespace) -> int:
    from commander.services import checklist

    action = {
        "check": checklist.check_item,
        "uncheck": checklist.uncheck_item,
        "applicable": checklist.mark_applicable,
    }[args.command]
    action(store, args.ref, args.item, author=author_of(args), occurred_at=args.at)
    return 0


def _not_applicable(store: Store, args: argparse.Namespace) -> int:
    from commander.services.checklist import mark_not_applicable

    mark_not_applicable(
        store, args.ref, args.item, args.reason, author=author_of(args), occurred_at=args.at
    )
    return 0


def _add(store: Store, args: argparse.Namespace) -> int:
    from commander.services.checklist import add_item

    item = add_item(
        store, args.ref, args.text, author=author_of(args), phase=args.phase, occurred_at=args.at
    )
    say(str(item.id))
    return 0


def _role(store: Store, args: argparse.Namespace) -> int:
    from commander.services.roles import assign_role

    assign_role(
        store, args.ref, args.role, args.person, author=author_of(args), occurred_at=args.at
    )
    return 0


def _unassign(store: Store, args: argparse.Namespace) -> int:
    from commander.services.roles import release_role

    release_role(
        store,
        args.ref,
        args.role,
        author=author_of(args),
        person=args.person,
        occurred_at=args.at,
    )
    return 0


def _roles(store: Store, args: argparse.Namespace) -> int:
    from commander.domain.when import iso
    from commander.services.roles import current_roles

    roles = current_roles(store, args.ref)
    if args.json:
        _dumps(
            [
                {"role": h.role.value, "person": h.person, "since": iso(h.since)}
                for h in roles.holders
            ]
        )
        return 0
    for holder in roles.holders:
        say(f"{holder.role.label:<22} {holder.person}")
    return 0


def _deploy(store: Store, args: argparse.Namespace) -> int:
    from commander.domain.deploys import DeployKind, make_change
    from commander.services.deploys import record_deploy

    change = make_change(
        DeployKind(args.command), args.to, args.from_version, what=args.what, note=args.reason
    )
    record_deploy(store, args.ref, change, author=author_of(args), occurred_at=args.at)
    return 0


def _deploys(store: Store, args: argparse.Namespace) -> int:
    from commander.domain.when import iso
    from commander.services.deploys import rollbacks_and_hotfixes

    records = rollbacks_and_hotfixes(store, args.ref)
    if args.json:
        _dumps(
            [
                {
                    "kind": r.change.kind.value,
                    "what": r.change.what,
                    "from": r.change.from_version,
                    "to": r.change.to_version,
                    "note": r.change.note,
                    "by": r.by,
                    "at": iso(r.occurred_at),
                }
                for r in records
            ]
        )
        return 0
    for r in records:
        say(f"{r.occurred_at:%Y-%m-%d %H:%MZ}  {r.by:<12} {r.change.describe()}")
    return 0


def _milestone(store: Store, args: argparse.Namespace) -> int:
    from commander.services.milestones import edit_milestone

    moment = None if args.clear else args.at
    edit_milestone(store, args.ref, args.name, moment, author=author_of(args), reason=args.reason)
    return 0


def _history(store: Store, args: argparse.Namespace) -> int:
    from commander.domain.timing import clock_stop
    from commander.domain.when import format_duration, iso, utc_now
    from commander.services.incidents import get_incident
    from commander.services.phase_times import phase_times
    from commander.services.severity_history import severity_history

    # A resolved incident's clocks stopped at its resolution: so does the current level.
    resolved_at = get_incident(store, args.ref, with_timeline=False).resolved_at
    now = clock_stop(resolved_at, utc_now())
    periods = severity_history(store, args.ref)
    times = phase_times(store, args.ref, now)
    if args.json:
        _dumps(
            {
                "severity": [
                    {
                        "severity": p.severity.value,
                        "since": iso(p.since),
                        "until": iso(p.until),
                        "by": p.by,
                        "reason": p.reason,
                        "seconds": int(p.duration(now).total_seconds()),
                    }
                    for p in periods
                ],
                "phase_seconds": {p.value: int(t.total_seconds()) for p, t in times.items()},
            }
        )
        return 0
    for p in periods:
        reason = f"  ({p.reason})" if p.reason else ""
        lasted = format_duration(p.duration(now))
        say(f"{p.severity.value}  since {p.since:%Y-%m-%d %H:%MZ}  {lasted}{reason}")
    for phase, spent in times.items():
        say(f"{phase.label:<11} {format_duration(spent)}")
    return 0


def _runbooks(store: Store, args: argparse.Namespace) -> int:
    from commander.services.runbooks import load_library

    library = load_library()
    for problem in library.problems:
        warn(problem)
    for runbook in library.search(" ".join(args.query)):
        where = "user" if runbook.user else "shipped"
        say(f"{runbook.name:<34} {runbook.title}  ({where}, {len(runbook.steps)} steps)")
    return 0


def _runbook_attach(store: Store, args: argparse.Namespace) -> int:
    from commander.services.runbooks import attach_runbook, load_library

    runbook = load_library().get(args.name)
    attach_runbook(store, args.ref, runbook, author=author_of(args))
    return 0


def _runbook_draft(store: Store, args: argparse.Namespace) -> int:
    from commander.services.runbooks import draft_from_incident, save_runbook

    text = draft_from_incident(store, args.ref)
    if args.save:
        say(str(save_runbook(text)))
        return 0
    say_block(text)  # drafted from the timeline's entries
    return 0
