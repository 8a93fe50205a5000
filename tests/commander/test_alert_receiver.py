"""The alert receiver over real HTTP on 127.0.0.1, with a real SQLite store: what it
accepts, what it refuses (and that a refusal stores nothing), and that it answers
while the store is busy."""

from __future__ import annotations

import json
import logging
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from commander.alert_receiver import AlertReceiver, ReceiverEvent, Rejected, check_token
from commander.domain import Severity
from commander.domain.alerts import SeverityMapping
from commander.errors import CommanderError, InvalidInputError
from commander.services.alert_inbox import InboxPolicy, list_inbox
from commander.store.engine import Store
from commander.views.alerts import Intake
from tests.support.alert_payloads import alert, alertmanager, body, grafana, recorded

TOKEN = "t0ken-for-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class Events:
    """What the receiver reported, for a test to wait on."""

    def __init__(self) -> None:
        self.seen: list[ReceiverEvent] = []
        self._changed = threading.Condition()

    def __call__(self, event: ReceiverEvent) -> None:
        with self._changed:
            self.seen.append(event)
            self._changed.notify_all()

    def wait_for(self, wanted: Callable[[list[ReceiverEvent]], bool], timeout: float = 15) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: wanted(self.seen), timeout), self.seen

    def intakes(self) -> list[Intake]:
        return [event for event in self.seen if isinstance(event, Intake)]


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def receiver(sqlite_store: Store, events: Events) -> Iterator[AlertReceiver]:
    running = AlertReceiver(
        sqlite_store, TOKEN, InboxPolicy(SeverityMapping(), Severity.P1), on_event=events
    ).start()
    yield running
    running.stop()


def _post(receiver: AlertReceiver, path: str, data: bytes, **headers: str) -> requests.Response:
    return requests.post(
        receiver.url + path,
        data=data,
        headers={**AUTH, "Content-Type": "application/json", **headers},
        timeout=10,
    )


def _nothing_stored(receiver: AlertReceiver, store: Store) -> None:
    assert receiver.queue.counts() == (0, 0)
    assert list_inbox(store) == []


def test_it_listens_on_loopback_only_unless_told(receiver: AlertReceiver) -> None:
    assert receiver.host == "127.0.0.1"
    assert receiver.url == f"http://127.0.0.1:{receiver.port}"


def test_an_alertmanager_notification_is_accepted_then_taken_in(
    receiver: AlertReceiver, sqlite_store: Store, events: Events
) -> None:
    response = _post(receiver, "/alertmanager", body(alertmanager(alert("HighErrorRate"))))
    assert (response.status_code, response.json()) == (200, {"status": "accepted"})
    events.wait_for(lambda seen: any(isinstance(e, Intake) for e in seen))
    [intake] = events.intakes()
    assert (intake.source, intake.outcome, intake.incident_ref) == (
        "alertmanager",
        "declared",
        "INC-1",
    )
    [group] = list_inbox(sqlite_store)
    assert group.state == "declared" and receiver.queue.counts() == (0, 0)


def test_a_grafana_notification_shaped_as_published_is_taken_in(
    receiver: AlertReceiver, sqlite_store: Store, events: Events
) -> None:
    response = _post(receiver, "/grafana", body(recorded("grafana_firing.json")))
    assert response.status_code == 200
    events.wait_for(lambda seen: len(events.intakes()) == 1)
    [group] = list_inbox(sqlite_store)
    # "Replica lag" is critical but resolved: only firing alerts declare.
    assert (group.source, group.state, group.severity) == ("grafana", "waiting", Severity.P1)
    assert {(a.name, a.status) for a in group.alerts} == {
        ("Disk almost full", "firing"),
        ("Replica lag", "resolved"),
    }


def test_a_repeat_is_answered_and_kept_once(
    receiver: AlertReceiver, sqlite_store: Store, events: Events
) -> None:
    data = body(alertmanager(alert("DiskFilling", severity="warning")))
    assert _post(receiver, "/alertmanager", data).status_code == 200
    assert _post(receiver, "/alertmanager", data).status_code == 200
    events.wait_for(lambda seen: len(events.intakes()) == 2)
    assert [i.outcome for i in events.intakes()] == ["waiting", "duplicate"]
    [group] = list_inbox(sqlite_store)
    assert group.notifications == 1


def test_unknown_fields_are_accepted(
    receiver: AlertReceiver, sqlite_store: Store, events: Events
) -> None:
    payload = alertmanager(alert("DiskFilling", severity="warning"))
    payload["fromTheFuture"] = {"x": [1]}
    payload["alerts"][0]["newAlertField"] = True
    assert _post(receiver, "/alertmanager", body(payload)).status_code == 200
    events.wait_for(lambda seen: len(events.intakes()) == 1)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token-0123456789"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": "Bearer"},
    ],
    ids=["missing", "wrong", "other scheme", "longer", "empty"],
)
def test_a_missing_or_wrong_token_is_refused_and_nothing_stored(
    receiver: AlertReceiver, sqlite_store: Store, events: Events, headers: dict[str, str]
) -> None:
    response = requests.post(
        receiver.url + "/alertmanager",
        data=body(alertmanager(alert("HighErrorRate"))),
        headers=headers,
        timeout=10,
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json() == {"error": "missing or wrong token"}
    assert events.seen == [
        Rejected(401, "POST", "/alertmanager", "missing or wrong token", "127.0.0.1")
    ]
    _nothing_stored(receiver, sqlite_store)


@pytest.mark.parametrize(
    ("path", "data", "error"),
    [
        ("/alertmanager", b'{"version": "4", ', "malformed JSON (line 1, column 18"),
        ("/alertmanager", b"\xff", "the body is not UTF-8 text"),
        (
            "/alertmanager",
            json.dumps(recorded("grafana_firing.json")).encode(),
            "version: expected '4' (an Alertmanager webhook), got '1'",
        ),
        (
            "/grafana",
            json.dumps(recorded("alertmanager_0.25_partly_resolved.json")).encode(),
            "version: expected '1' (a Grafana webhook), got '4'",
        ),
        ("/alertmanager", b"[]", "the body: expected a JSON object, got a list"),
    ],
    ids=["malformed", "not utf-8", "grafana on alertmanager", "alertmanager on grafana", "list"],
)
def test_a_body_of_the_wrong_shape_is_refused_and_nothing_stored(
    receiver: AlertReceiver, sqlite_store: Store, path: str, data: bytes, error: str
) -> None:
    response = _post(receiver, path, data)
    assert response.status_code == 400
    assert response.json()["error"].startswith(error)
    _nothing_stored(receiver, sqlite_store)


def test_a_ten_megabyte_body_is_refused_before_it_is_read(
    receiver: AlertReceiver, sqlite_store: Store
) -> None:
    """The declared length decides: the answer comes with only 64 KB of 10 MB sent."""
    declared = 10 * 1024 * 1024
    with socket.create_connection((receiver.host, receiver.port), timeout=10) as client:
        client.sendall(
            (
                "POST /alertmanager HTTP/1.1\r\n"
                f"Host: {receiver.host}\r\nAuthorization: Bearer {TOKEN}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {declared}\r\n\r\n"
            ).encode()
            + b"[" * 65536
        )
        answer = _read_answer(client)
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"the limit is 1048576" in answer
    _nothing_stored(receiver, sqlite_store)


def _read_answer(client: socket.socket) -> bytes:
    received = b""
    while b"\r\n\r\n" not in received or not received.rstrip().endswith(b"}"):
        chunk = client.recv(4096)
        if not chunk:
            break
        received += chunk
    return received


@pytest.mark.parametrize("length", ["\u00b2", "-5", "1e3", "9" * 30])
def test_a_length_that_is_no_number_is_refused(
    receiver: AlertReceiver, sqlite_store: Store, length: str
) -> None:
    with socket.create_connection((receiver.host, receiver.port), timeout=10) as client:
        client.sendall(
            (
                f"POST /alertmanager HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
                f"Content-Length: {length}\r\n\r\n{{}}"
            ).encode("latin-1")
        )
        answer = _read_answer(client)
    assert answer.startswith(b"HTTP/1.1 400 ") and b"is not a length" in answer
    _nothing_stored(receiver, sqlite_store)


def test_a_body_just_over_the_limit_sent_whole_gets_413_too(
    receiver: AlertReceiver, sqlite_store: Store
) -> None:
    response = _post(receiver, "/alertmanager", b" " * (receiver.max_body + 1))
    assert response.status_code == 413
    _nothing_stored(receiver, sqlite_store)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("POST", "/prometheus", 404), ("GET", "/alertmanager", 405), ("PUT", "/grafana", 405)],
)
def test_other_paths_and_methods_are_refused(
    receiver: AlertReceiver, sqlite_store: Store, method: str, path: str, status: int
) -> None:
    response = requests.request(method, receiver.url + path, data=b"{}", headers=AUTH, timeout=10)
    assert response.status_code == status
    _nothing_stored(receiver, sqlite_store)


def test_a_body_without_a_length_is_refused(receiver: AlertReceiver, sqlite_store: Store) -> None:
    chunks = iter([body(alertmanager(alert("HighErrorRate")))])
    response = requests.post(
        receiver.url + "/alertmanager", data=chunks, headers=AUTH, timeout=10
    )  # a generator is sent chunked
    assert response.status_code == 411
    _nothing_stored(receiver, sqlite_store)


def test_it_answers_while_the_store_is_locked_and_takes_in_once_it_is_free(
    receiver: AlertReceiver, sqlite_store: Store, db_path: Path, events: Events
) -> None:
    """The answer does not wait for the store: another writer holds it throughout."""
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        response = _post(receiver, "/alertmanager", body(alertmanager(alert("HighErrorRate"))))
        answered = time.monotonic() - started
        assert response.status_code == 200
        assert answered < 1.0  # the store stays locked for longer than this test waits
        assert events.intakes() == []
        assert receiver.queue.counts() == (1, 0)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    events.wait_for(lambda seen: len(events.intakes()) == 1)
    assert receiver.queue.counts() == (0, 0)
    assert [g.state for g in list_inbox(sqlite_store)] == ["declared"]


def test_what_was_queued_before_a_stop_is_taken_in_at_the_next_start(
    sqlite_store: Store,
) -> None:
    """A receiver that stopped (or crashed) after answering left its queue behind."""
    from commander.alert_receiver import queue_path_for
    from commander.clock import now
    from commander.store.alert_queue import AlertQueue

    left_behind = AlertQueue(queue_path_for(sqlite_store))
    data = body(alertmanager(alert("DiskFilling", severity="warning")))
    left_behind.put("alertmanager", data.decode(), now())
    left_behind.close()
    events = Events()
    receiver = AlertReceiver(sqlite_store, TOKEN, InboxPolicy(), on_event=events).start()
    try:
        events.wait_for(lambda seen: len(events.intakes()) == 1)
        assert receiver.queue.counts() == (0, 0)
    finally:
        receiver.stop()
    assert [g.state for g in list_inbox(sqlite_store)] == ["waiting"]


def test_the_token_never_reaches_the_log(
    receiver: AlertReceiver, caplog: pytest.LogCaptureFixture, events: Events
) -> None:
    caplog.set_level(logging.DEBUG)
    _post(receiver, "/alertmanager", body(alertmanager(alert("HighErrorRate"))))
    requests.post(receiver.url + "/alertmanager", data=b"{}", timeout=10)
    events.wait_for(lambda seen: len(seen) == 2)
    assert "POST /alertmanager" in caplog.text
    assert TOKEN not in caplog.text


def test_tokens_must_be_long_and_plain(sqlite_store: Store) -> None:
    assert check_token(f"  {TOKEN}\n") == TOKEN
    with pytest.raises(InvalidInputError, match="has 5 characters; use at least 16"):
        check_token("short")
    with pytest.raises(InvalidInputError, match="printable ASCII"):
        check_token("a token with spaces in it")
    with pytest.raises(InvalidInputError, match="needs a token"):
        AlertReceiver(sqlite_store, " ", InboxPolicy())


def test_a_receiver_never_started_stops_at_once(sqlite_store: Store) -> None:
    idle = AlertReceiver(sqlite_store, TOKEN, InboxPolicy())
    idle.stop(timeout=1)  # must not wait for a server loop that never ran


def test_a_port_in_use_is_one_clear_error(receiver: AlertReceiver, sqlite_store: Store) -> None:
    with pytest.raises(CommanderError, match=f"cannot listen on 127.0.0.1 port {receiver.port}"):
        AlertReceiver(sqlite_store, TOKEN, InboxPolicy(), port=receiver.port)


def test_grafana_payloads_use_the_grafana_path(
    receiver: AlertReceiver, sqlite_store: Store, events: Events
) -> None:
    payload: dict[str, Any] = grafana(alert("Disk", severity="warning"))
    assert _post(receiver, "/grafana", body(payload)).status_code == 200
    assert _post(receiver, "/alertmanager", body(payload)).status_code == 400
    events.wait_for(lambda seen: len(events.intakes()) == 1)
    assert [g.source for g in list_inbox(sqlite_store)] == ["grafana"]


def test_the_queue_lives_beside_a_sqlite_store_and_per_store_otherwise(store: Store) -> None:
    from commander import paths
    from commander.alert_receiver import queue_path_for
    from commander.services.store_identity import store_id

    if store.sqlite_file is not None:
        assert queue_path_for(store) == store.sqlite_file.with_name("incidents.alert-queue.sqlite")
    else:  # PostgreSQL: one queue per store, on this machine
        assert queue_path_for(store) == paths.data_dir() / f"alert-queue-{store_id(store)}.sqlite"
