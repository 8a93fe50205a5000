"""Memory across incidents: search every timeline, similar past incidents."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from commander.domain import EntryKind, Phase, Severity
from commander.errors import NotFoundError
from commander.services.action_items import ActionItemFields, add_action_item, delete_action_item
from commander.services.incidents import change_phase, declare_incident
from commander.services.memory import (
    ACTION_ITEM_SECTION,
    search_all,
    similar_incidents,
    similar_to_text,
    snippet,
    terms,
)
from commander.services.postmortem import get_postmortem, save_postmortem
from commander.services.timeline import add_entry, delete_entry, log_entry
from tests.commander.services.test_timeline_search import HOSTILE

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def declare(store, title, summary="", severity=Severity.P2, minutes=0, entries=()):
    made = declare_incident(
        store, title, severity, author="ana", summary=summary, now=T0 + timedelta(minutes=minutes)
    )
    for n, (kind, words) in enumerate(entries):
        log_entry(
            store, made.ref, words, "bo", kind=kind, now=T0 + timedelta(minutes=minutes + n + 1)
        )
    return made


def test_search_groups_by_incident_most_matches_first(store) -> None:
    one = declare(store, "Checkout slow", entries=[(EntryKind.NOTE, "redis latency high")])
    two = declare(
        store,
        "Login errors",
        minutes=60,
        entries=[(EntryKind.NOTE, "Redis failover started"), (EntryKind.ACTION, "restarted redis")],
    )
    declare(store, "Disk full", minutes=120, entries=[(EntryKind.NOTE, "cleaned /var/log")])

    groups = search_all(store, "redis")

    assert [(g.ref, g.matches) for g in groups] == [(two.ref, 2), (one.ref, 1)]
    assert [hit.snippet for hit in groups[0].hits] == ["Redis failover started", "restarted redis"]
    assert groups[0].title == "Login errors" and groups[0].severity is Severity.P2


def test_search_needs_every_word_last_as_prefix_and_ignores_deleted(store) -> None:
    declare(
        store,
        "Payments",
        entries=[(EntryKind.NOTE, "rolled back deploy"), (EntryKind.NOTE, "deploy went fine")],
    )
    (group,) = search_all(store, "ROLLED deplo")
    assert [h.snippet for h in group.hits] == ["rolled back deploy"]
    assert search_all(store, "rolled fine") == []
    delete_entry(store, group.hits[0].entry_id, "ana")
    assert search_all(store, "rolled deplo") == []


def test_search_caps_hits_per_incident_but_counts_them_all(store) -> None:
    entries = [(EntryKind.NOTE, f"retry {n} failed") for n in range(7)]
    declare(store, "Queue stuck", entries=entries)
    (group,) = search_all(store, "failed", hits_per_incident=3)
    assert group.matches == 7
    assert [h.snippet for h in group.hits] == ["retry 0 failed", "retry 1 failed", "retry 2 failed"]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_fail(store, query: str) -> None:
    declare(store, "Anything", entries=[(EntryKind.NOTE, "x " + query.replace("\x00", ""))])
    assert isinstance(search_all(store, query), list)


def write_postmortem(store, ref, **sections):
    draft = get_postmortem(store, ref)
    save_postmortem(store, replace(draft, template="sre", sections=sections), "ana")


def test_search_finds_postmortem_sections_and_action_items_with_the_incident(store) -> None:
    logged = declare(store, "Checkout slow", entries=[(EntryKind.NOTE, "pgbouncer pool full")])
    quiet = declare(store, "Login errors", minutes=60)
    declare(store, "Disk full", minutes=120, entries=[(EntryKind.NOTE, "nothing to see")])
    write_postmortem(
        store, logged.ref, summary="The PgBouncer pool was exhausted.", impact="Slow pages."
    )
    write_postmortem(store, quiet.ref, root_causes="A pgbouncer restart dropped sessions.")
    add_action_item(store, quiet.ref, ActionItemFields("Alert on pgbouncer waiting clients"), "bo")
    gone = add_action_item(store, quiet.ref, ActionItemFields("pgbouncer old idea"), "bo")
    delete_action_item(store, gone.id, "bo")

    groups = search_all(store, "pgbounc")

    assert [(g.ref, g.matches, g.postmortem_matches) for g in groups] == [
        # Adding and deleting items logs entries that quote them; the deleted
        # item itself is no postmortem match.
        (quiet.ref, 3, 2),
        (logged.ref, 1, 1),
    ]
    by_ref = {g.ref: g for g in groups}
    assert [h.snippet for h in by_ref[logged.ref].hits] == ["pgbouncer pool full"]
    (summary,) = by_ref[logged.ref].postmortem_hits
    assert (summary.section, summary.section_title) == ("summary", "Summary")
    assert summary.snippet == "The PgBouncer pool was exhausted."
    assert summary.snippet[summary.marks[0][0] : summary.marks[0][1]] == "PgBounc"
    cause, item = by_ref[quiet.ref].postmortem_hits
    assert cause.section == "root_causes" and cause.section_title.startswith("Root cause")
    assert item.section == ACTION_ITEM_SECTION and item.action_item_id is not None
    assert item.snippet == "Alert on pgbouncer waiting clients"
    # Every word must appear in the same section; the last one may be a prefix.
    assert [g.ref for g in search_all(store, "restart dropp")] == [quiet.ref]
    assert search_all(store, "restart exhausted") == []
    # Like timeline search: SQLite's index wants whole words before the last one,
    # PostgreSQL's ILIKE finds any substring.
    assert bool(search_all(store, "dropp restart")) is not store.is_sqlite


def test_search_ranks_postmortem_matches_with_timeline_matches(store) -> None:
    logged = declare(
        store,
        "Checkout slow",
        entries=[(EntryKind.NOTE, "etcd leader lost"), (EntryKind.NOTE, "etcd back")],
    )
    written = declare(store, "Login errors", minutes=60)
    write_postmortem(
        store, written.ref, summary="etcd quorum", trigger="etcd upgrade", detection="etcd alarm"
    )
    groups = search_all(store, "etcd", incident_limit=1)
    assert [(g.ref, g.matches, g.postmortem_matches) for g in groups] == [(written.ref, 0, 3)]
    assert [g.ref for g in search_all(store, "etcd")] == [written.ref, logged.ref]
    (group,) = search_all(store, "etcd", incident_limit=1, hits_per_incident=2)
    assert group.postmortem_matches == 3 and len(group.postmortem_hits) == 2


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_in_postmortems_never_fail(store, query: str) -> None:
    made = declare(store, "Anything")
    text = "x " + query.replace("\x00", "")
    write_postmortem(store, made.ref, summary=text)
    add_action_item(store, made.ref, ActionItemFields(text[:500]), "bo")
    assert isinstance(search_all(store, query), list)


def test_postmortem_text_is_searched_as_text_not_markup(store) -> None:
    made = declare(store, "Anything")
    write_postmortem(store, made.ref, summary='Saw <script>alert("x")</script> in a form')
    (group,) = search_all(store, "<script>")
    (hit,) = group.postmortem_hits
    assert "<script>" in hit.snippet and not search_all(store, "scripted")


def test_snippet_windows_long_text_and_marks_words_ignoring_accents() -> None:
    long = "a" * 300 + " Déployé le correctif " + "b" * 300
    shown, marks = snippet(long, ["deploye", "correctif"], width=60)
    assert shown.startswith("…") and shown.endswith("…") and len(shown) == 62
    assert [shown[start:end] for start, end in marks] == ["Déployé", "correctif"]


def test_terms_fold_case_accents_plurals_and_drop_stop_words() -> None:
    assert terms("The Payments API returned 5xx errors to Café users") == [
        "payment",
        "api",
        "returned",
        "5xx",
        "error",
        "cafe",
        "user",
    ]


def test_similar_finds_the_past_incident_that_shares_rare_words(store) -> None:
    redis = declare(
        store,
        "Checkout errors: redis connection pool exhausted",
        summary="payments failing",
        entries=[(EntryKind.ACTION, "raised redis maxclients and restarted workers")],
    )
    declare(store, "Login page slow", summary="auth latency", minutes=60)
    declare(store, "Checkout button misaligned", summary="cosmetic", minutes=120)
    new = declare(store, "Redis pool exhausted again", summary="checkout errors", minutes=180)

    found = similar_incidents(store, new.ref)

    assert found[0].ref == redis.ref
    assert {"redi", "pool", "exhausted"} & set(found[0].shared_terms)
    assert all(item.ref != new.ref for item in found)
    assert found == sorted(found, key=lambda item: -item.score)


def test_similar_only_looks_at_the_past_and_skips_unrelated(store) -> None:
    old = declare(store, "Disk full on db-3", summary="postgres volume")
    target = declare(store, "Disk full on db-4", minutes=60)
    declare(store, "Disk full on db-5", minutes=120)  # after the target: not "past"
    declare(store, "Marketing banner typo", minutes=180)
    assert [item.ref for item in similar_incidents(store, target.ref)] == [old.ref]
    assert similar_incidents(store, old.ref) == []


def test_similar_reports_resolution_runbooks_and_no_postmortem_without_table(store) -> None:
    old = declare(store, "Kafka consumer lag", summary="orders delayed")
    with store.write() as session:
        from commander.services.incidents import load_incident

        entry = add_entry(
            session,
            load_incident(session, old.ref),
            kind=EntryKind.ACTION,
            text="followed the runbook",
            author="bo",
            occurred_at=T0 + timedelta(minutes=5),
            recorded_at=T0 + timedelta(minutes=5),
        )
        # Data another tool wrote: no fact of the app's, read by its keys.
        entry.data = {"runbook": {"title": "Kafka lag", "id": "kafka-lag"}, "other": 1}
    change_phase(store, old.ref, Phase.RESOLVE, "ana", now=T0 + timedelta(minutes=30))
    (item,) = similar_to_text(store, "Kafka lag on orders topic")
    assert item.ref == old.ref
    assert item.resolved_at == T0 + timedelta(minutes=30)
    assert item.runbooks == ("Kafka lag",)
    assert item.postmortem_link is None


def test_similar_links_a_saved_postmortem(store) -> None:
    old = declare(store, "Kafka consumer lag")
    (item,) = similar_to_text(store, "consumer lag")
    assert item.postmortem_link is None  # none written yet
    draft = get_postmortem(store, old.ref)
    save_postmortem(store, replace(draft, sections={"summary": "Lag from a slow consumer."}), "ana")
    (item,) = similar_to_text(store, "consumer lag")
    assert item.postmortem_link == f"commander://incident/{old.ref}/postmortem"


def test_similar_weighs_the_past_postmortem_summary_and_root_causes(store) -> None:
    plain = declare(store, "Checkout errors", entries=[(EntryKind.ACTION, "restarted pods")])
    written = declare(store, "Checkout errors", minutes=60)
    assert [i.ref for i in similar_to_text(store, "certificate expired")] == []
    write_postmortem(
        store,
        written.ref,
        summary="Checkout failed for an hour.",
        root_causes="The payment provider's TLS certificate expired.",
        went_wrong="Nobody owned the certificate renewal calendar.",
    )
    (item,) = similar_to_text(store, "certificate expired")
    assert item.ref == written.ref and "certificate" in item.shared_terms
    # Only the summary and root causes count: other sections are not weighed.
    assert similar_to_text(store, "renewal calendar") == []
    # With the same title, the incident whose postmortem says more of it ranks first.
    now = declare(store, "Checkout errors: TLS certificate expired", minutes=120)
    assert [i.ref for i in similar_incidents(store, now.ref)][:2] == [written.ref, plain.ref]


def test_similar_of_unknown_incident_is_not_found(store) -> None:
    with pytest.raises(NotFoundError):
        similar_incidents(store, "INC-9")
