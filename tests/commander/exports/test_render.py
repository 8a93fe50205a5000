"""Exports: golden files, byte-identical output, what the document holds, no XSS."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from commander.domain import Severity
from commander.exports.document import Response, load_document
from commander.exports.render import export_incident
from commander.exports.timing import span_text
from commander.safe_html import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from commander.services.incidents import declare_incident
from commander.services.postmortem import get_postmortem, save_postmortem
from commander.services.timeline import log_entry
from commander.store.engine import open_store
from tests.support.cli import child_env
from tests.support.postmortem_sample import GENERATED_AT, T0, at, build_sample

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_golden_files(store, fmt: str) -> None:
    """The sample incident renders exactly as the reviewed file (UPDATE_GOLDEN=1 rewrites)."""
    ref = build_sample(store)
    produced = export_incident(store, ref, fmt, GENERATED_AT)
    path = GOLDEN / f"postmortem.{fmt}"
    if UPDATE:
        path.write_bytes(produced)
    assert produced == path.read_bytes()


def test_exports_are_byte_identical_and_only_generated_at_differs(sqlite_store) -> None:
    ref = build_sample(sqlite_store)
    for fmt in ("md", "html", "json"):
        first = export_incident(sqlite_store, ref, fmt, GENERATED_AT)
        assert export_incident(sqlite_store, ref, fmt, GENERATED_AT) == first
        later = export_incident(sqlite_store, ref, fmt, GENERATED_AT.replace(hour=13))
        assert later != first
        assert later.replace(b"13:00:00", b"12:00:00") == first


def test_the_json_export_is_the_show_document_plus_everything(sqlite_store) -> None:
    from commander.exports.json_doc import incident_document
    from commander.services.incidents import get_incident

    ref = build_sample(sqlite_store)
    document = json.loads(export_incident(sqlite_store, ref, "json", GENERATED_AT))
    shown = incident_document(get_incident(sqlite_store, ref))
    assert {key: document[key] for key in shown} == shown
    audit = document["audit"]
    deleted = [e for e in audit["entries"] if e["deleted_at"]]
    assert [e["text"] for e in deleted] == ["Maybe the DB"]
    assert deleted[0]["history"][0]["text"] == "Maybe the DB"
    edited = next(e for e in audit["entries"] if e["text"] == "Roll back payments to v1.4.2")
    assert [h["text"] for h in edited["history"]] == ["Roll back payments"]
    assert [r["revision"] for r in audit["postmortem_revisions"]] == [1, 2]
    assert [i["description"] for i in audit["action_items"] if i["deleted_at"]] == ["Duplicate"]
    assert len(document["action_items"]) == 2
    timing = document["postmortem"]["timing"]
    assert [m["seconds"] for m in timing["measures"]] == [720, 1080, 1920, 2520]
    assert timing["severity_seconds"] == {"P1": 1200, "P2": 600}
    assert [c["change"] for c in document["postmortem"]["changes_deployed"]] == ["rollback"]


def test_timeline_section_key_entries_by_default_then_the_picked_ones(sqlite_store) -> None:
    ref = build_sample(sqlite_store)
    doc = load_document(sqlite_store, ref, GENERATED_AT)
    kinds = {e.kind for e in doc.timeline}
    assert kinds == {"action", "decision", "severity", "phase", "note"}
    assert all(e.pinned for e in doc.timeline if e.kind == "note")
    assert "Maybe the DB" not in [e.text for e in doc.timeline]  # deleted
    times = [e.occurred_at for e in doc.timeline]
    assert times == sorted(times)
    observation = next(e for e in doc.incident.timeline if e.kind == "observation")
    deleted = next(e for e in doc.audit.entries if e.deleted_at is not None)
    picked = save_postmortem(
        sqlite_store,
        replace(get_postmortem(sqlite_store, ref), entry_ids=(observation.id, deleted.id)),
        "ana",
        now=at(100),
    )
    doc = load_document(sqlite_store, ref, GENERATED_AT)
    assert [e.id for e in doc.timeline] == [observation.id]
    assert picked.entry_ids == tuple(sorted((observation.id, deleted.id)))


def test_timing_falls_back_to_declared_and_says_so(sqlite_store) -> None:
    ref = declare_incident(sqlite_store, "No impact start", Severity.P3, "ana", now=T0).ref
    doc = load_document(sqlite_store, ref, at(30))
    timing = doc.timing
    assert timing.anchor_name == "declared" and "not recorded" in timing.anchor_note
    assert [span_text(m.value) for m in timing.measures] == [
        "0m 00s",
        "not reached",
        "not reached",
        "not reached",
    ]
    assert "not resolved yet" in timing.spans_note
    assert [(s.severity.value, s.duration.total_seconds()) for s in timing.spans] == [("P3", 1800)]
    markdown = export_incident(sqlite_store, ref, "md", at(30)).decode()
    assert "measured from when the incident was declared" in markdown
    assert "detected − declared = 2026-11-20 09:00:00+00:00 − 2026-11-20 09:00:00+00:00" in markdown


def test_span_text() -> None:
    from datetime import timedelta

    assert span_text(timedelta(seconds=59)) == "0m 59s"
    assert span_text(timedelta(hours=2, minutes=3, seconds=4)) == "2h 03m 04s"
    assert span_text(timedelta(days=3, hours=4, minutes=5)) == "3d 04h 05m"
    assert span_text(timedelta(minutes=-5)) == "−5m 00s"


# -- XSS ------------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    "<a href='jav&#x09;ascript:alert(1)'>tab</a>",
    '<p style="background:url(javascript:alert(1))" onmouseover="alert(1)">hover</p>',
    "<<script>script>alert(1)<</script>/script>",
    "<object data='javascript:alert(1)'></object><embed src=x>",
    "<form action='javascript:alert(1)'><button>b</button></form>",
    '"><script>alert(1)</script>',
    "<math><mi xlink:href='javascript:alert(1)'>m</mi></math>",
    "<details open ontoggle=alert(1)>",
    "<base href='javascript:alert(1)//'>",
    "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'>",
]
SAFE_SCHEMES = {"http", "https", "mailto", ""}


class _Inspector(HTMLParser):
    """Every tag, attribute and link in the body, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.in_body = True
            return
        if not self.in_body:
            return
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"] | {"rel"}
        for name, value in attrs:
            if name.startswith("on") or name not in allowed:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href":
                scheme = urlsplit((value or "").strip()).scheme.lower()
                if scheme not in SAFE_SCHEMES:
                    self.problems.append(f"link {value!r}")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_script_survives_into_html_from_any_field(sqlite_store, payload: str) -> None:
    text = {
        "title": f"Title {payload}",
        "summary": f"Summary {payload}",
        "entry": f"Entry {payload}",
        "section": f"Section {payload}",
        "item": f"Item {payload}",
        "owner": f"Owner {payload}"[:200],
        "author": f"Author {payload}",
        "role": f"Role {payload}",
    }
    ref = build_sample(sqlite_store, text)
    page = export_incident(sqlite_store, ref, "html", GENERATED_AT).decode()
    inspector = _Inspector()
    inspector.feed(page)
    assert inspector.problems == []
    head = page.split("<body>")[0]
    assert head.count("<script") == 0 and "<style>" in head
    assert "<script" not in page.lower()
    assert all("javascript:" not in tag.lower() for tag in re.findall(r"<[^>]*>", page))
    # The text of each field is still there for a reader, as text.
    assert "Title" in page and "Entry" in page and "Item" in page


def test_a_tracker_link_cannot_break_out_of_its_attribute(sqlite_store) -> None:
    ref = build_sample(sqlite_store, {"tracker": 'https://x.example/"onmouseover="alert(1)'})
    page = export_incident(sqlite_store, ref, "html", GENERATED_AT).decode()
    inspector = _Inspector()
    inspector.feed(page)
    assert inspector.problems == []
    assert 'href="https://x.example/%22onmouseover=%22alert(1)"' in page or (
        'href="https://x.example/&quot;onmouseover=&quot;alert(1)"' in page
    )


def test_tracker_links_are_the_only_links_and_stay_http(sqlite_store) -> None:
    ref = build_sample(sqlite_store)
    page = export_incident(sqlite_store, ref, "html", GENERATED_AT).decode()
    assert re.findall(r'href="([^"]*)"', page) == ["https://tracker.example/PAY-17"]
    # An entry's text is text: a URL in it is shown, not turned into a link.
    log_entry(sqlite_store, ref, "see <https://status.example>", "ana", pinned=True, now=at(1))
    page = export_incident(sqlite_store, ref, "html", GENERATED_AT).decode()
    assert "see &lt;https://status.example&gt;" in page
    assert re.findall(r'href="([^"]*)"', page) == ["https://tracker.example/PAY-17"]


def test_the_documents_entries_are_the_timeline_with_deleted_ones(store) -> None:
    """The export's fast reader (raw rows on SQLite) gives exactly what the services give."""
    from commander.services.timeline import read_timeline

    ref = build_sample(store)
    doc = load_document(store, ref, GENERATED_AT)
    assert doc.audit.entries == read_timeline(store, ref, include_deleted=True)
    assert doc.incident.timeline == read_timeline(store, ref)


def test_an_open_code_fence_stays_inside_its_section() -> None:
    from commander.exports.markdown import closed_fences

    assert closed_fences("```\ncode") == "```\ncode\n```"
    assert closed_fences("```\ncode\n```") == "```\ncode\n```"
    assert closed_fences("~~~\n```\nstill code") == "~~~\n```\nstill code\n~~~"


def test_raw_html_in_a_section_shows_as_text_like_in_the_runbook_viewer(sqlite_store) -> None:
    # One sanitiser for both: what an author types as HTML is shown, not interpreted.
    ref = build_sample(sqlite_store, {"section": "Section <b>bold</b> <u>under</u>"})
    page = export_incident(sqlite_store, ref, "html", GENERATED_AT).decode()
    assert "&lt;b&gt;bold&lt;/b&gt; &lt;u&gt;under&lt;/u&gt;" in page


def test_only_the_json_export_reads_the_response_record(sqlite_store) -> None:
    """Left out for the other formats, the record is empty and the rest is the same."""
    from commander.domain.deploys import DeployChange, DeployKind
    from commander.domain.roles import Role
    from commander.services.deploys import record_deploy
    from commander.services.roles import assign_role

    ref = build_sample(sqlite_store)
    assign_role(sqlite_store, ref, Role.COMMANDER, "ana", "ana", now=at(40))
    assign_role(sqlite_store, ref, Role.COMMANDER, "bo", "ana", now=at(41))
    change = DeployChange(DeployKind.HOTFIX, "v1.4.3", "v1.4.2", "payments")
    record_deploy(sqlite_store, ref, change, "bo", now=at(42))
    full = load_document(sqlite_store, ref, GENERATED_AT)
    short = load_document(sqlite_store, ref, GENERATED_AT, response=False)
    assert full.response.roles and full.response.handovers and full.response.deploys
    assert short == replace(full, response=Response())


def test_a_markdown_export_imports_none_of_the_response_services(db_path: Path) -> None:
    """A CLI export pays for every import (bench/export.py): Markdown needs no response reads."""
    store = open_store(str(db_path), create=True)
    ref = build_sample(store)
    store.close()
    response_only = (
        "commander.services.checklist",
        "commander.services.messages",
        "commander.services.roles",
        "commander.services.deploys",
        "commander.store.orm_comms",
        "commander.store.orm_response",
    )
    code = (
        "import sys\n"
        "from commander.cli import main\n"
        "assert main(sys.argv[1:]) == 0\n"
        f"print(sorted(m for m in sys.modules if m in {response_only!r}))"
    )
    argv = ["--db", str(db_path), "export", ref, "--format", "md", "-o", os.devnull]
    ran = subprocess.run(
        [sys.executable, "-c", code, *argv],
        capture_output=True,
        text=True,
        check=False,
        env=child_env(),
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "[]"
