"""Action items: add, edit, delete with timeline entries; open and overdue across incidents."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from commander.domain import Severity
from commander.errors import InvalidInputError, NotFoundError
from commander.services.action_items import (
    ActionItemFields,
    ItemStatus,
    ItemType,
    Priority,
    add_action_item,
    check_tracker_url,
    delete_action_item,
    list_action_items,
    open_action_items,
    update_action_item,
)
from commander.services.incidents import declare_incident
from commander.services.timeline import read_timeline

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def _declare(store, title="Disk full"):
    return declare_incident(store, title, Severity.P2, author="ana", now=NOW).ref


def _entries(store, ref):
    return [e for e in read_timeline(store, ref) if e.kind == "postmortem"]


def test_add_edit_delete_each_log_an_entry(store) -> None:
    ref = _declare(store)
    fields = ActionItemFields(
        "  Add disk alerts ",
        "bo",
        ItemType.DETECT,
        Priority.HIGH,
        date(2026, 12, 1),
        tracker_url="https://tracker.example/OPS-1",
    )
    item = add_action_item(store, ref, fields, "ana", now=NOW)
    assert (item.description, item.incident_ref, item.status) == (
        "Add disk alerts",
        ref,
        ItemStatus.OPEN,
    )
    done = update_action_item(
        store, item.id, replace(item.fields(), status=ItemStatus.DONE, owner="cy"), "bo", now=NOW
    )
    assert (done.status, done.owner, done.updated_by) == (ItemStatus.DONE, "cy", "bo")
    delete_action_item(store, item.id, "ana", now=NOW)
    assert list_action_items(store, ref) == []
    assert [i.deleted_by for i in list_action_items(store, ref, include_deleted=True)] == ["ana"]
    texts = [e.text for e in _entries(store, ref)]
    assert texts == [
        f"Action item #{item.id} added (detect, owner bo, due 2026-12-01): Add disk alerts",
        f"Action item #{item.id} updated: owner bo → cy; status open → done",
        f"Action item #{item.id} deleted: Add disk alerts",
    ]
    assert _entries(store, ref)[1].data == {
        "action_item": {
            "id": item.id,
            "change": "updated",
            "fields": {"owner": ["bo", "cy"], "status": ["open", "done"]},
        }
    }


def test_open_items_across_incidents_overdue_first(store) -> None:
    first, second = _declare(store, "A"), _declare(store, "B")
    late = add_action_item(store, first, ActionItemFields("late", due_on=date(2026, 11, 1)), "a")
    soon = add_action_item(store, second, ActionItemFields("soon", due_on=date(2026, 12, 1)), "a")
    undated = add_action_item(store, second, ActionItemFields("whenever"), "a")
    finished = add_action_item(
        store, first, ActionItemFields("done", status=ItemStatus.DONE, due_on=date(2026, 1, 1)), "a"
    )
    dropped = add_action_item(store, first, ActionItemFields("dropped"), "a")
    delete_action_item(store, dropped.id, "a")
    items = open_action_items(store, now=NOW)
    assert [(i.id, i.overdue, i.incident_title) for i in items] == [
        (late.id, True, "A"),
        (soon.id, False, "B"),
        (undated.id, False, "B"),
    ]
    assert finished.id not in [i.id for i in items]
    # The day after the due date it is overdue; on the day itself it is not.
    later = open_action_items(store, now=datetime(2026, 12, 1, 23, 59, tzinfo=UTC))
    assert [i.overdue for i in later][:2] == [True, False]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,x",
        "ftp://x/y",
        "https://",
        "http://a b",
    ],
)
def test_tracker_links_must_be_http(url: str) -> None:
    with pytest.raises(InvalidInputError, match="tracker link"):
        check_tracker_url(url)


def test_bad_input_changes_nothing(store) -> None:
    ref = _declare(store)
    count = len(read_timeline(store, ref))
    with pytest.raises(InvalidInputError, match="needs a description"):
        add_action_item(store, ref, ActionItemFields("   "), "ana")
    with pytest.raises(InvalidInputError, match="tracker link"):
        add_action_item(store, ref, ActionItemFields("x", tracker_url="javascript:x"), "ana")
    item = add_action_item(store, ref, ActionItemFields("x"), "ana")
    with pytest.raises(InvalidInputError, match="nothing to change"):
        update_action_item(store, item.id, item.fields(), "ana")
    with pytest.raises(NotFoundError, match="no action item #999"):
        update_action_item(store, 999, item.fields(), "ana")
    delete_action_item(store, item.id, "ana")
    with pytest.raises(InvalidInputError, match="is deleted"):
        delete_action_item(store, item.id, "ana")
    assert len(read_timeline(store, ref)) == count + 2


def test_choices_parse_and_explain() -> None:
    assert ItemType.parse("Prevent") is ItemType.PREVENT
    assert ItemStatus.parse("in progress") is ItemStatus.IN_PROGRESS
    with pytest.raises(InvalidInputError, match="prevent, mitigate, detect, process"):
        ItemType.parse("fix")
