"""The clocks a commander reads: they stop at resolution and count from the impact start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commander.domain import Phase
from commander.domain.durations import human_duration
from commander.domain.timing import incident_clocks, time_per_phase

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
M = timedelta(minutes=1)


def clocks_at(now: datetime, **stamps: datetime | None) -> object:
    times: dict[str, datetime | None] = {
        "declared_at": T0,
        "impact_started_at": None,
        "severity_since": T0,
        "phase_since": T0,
        "mitigated_at": None,
        "resolved_at": None,
    }
    times.update(stamps)
    return incident_clocks(now=now, **times)  # type: ignore[arg-type]


def test_a_running_incident_counts_from_the_declaration_until_an_impact_start_is_known() -> None:
    running = clocks_at(T0 + 20 * M, phase_since=T0 + 5 * M)
    assert (running.running, running.since_label) == (True, "since declared")
    assert (running.elapsed, running.in_phase) == (20 * M, 15 * M)
    started = clocks_at(T0 + 20 * M, impact_started_at=T0 - 9 * M)
    assert (started.since_label, started.elapsed) == ("since impact start", 29 * M)


def test_the_clocks_stop_at_resolution() -> None:
    resolved = clocks_at(
        T0 + 3 * 60 * M,  # two hours after the resolution
        impact_started_at=T0 - 9 * M,
        severity_since=T0 + 30 * M,
        phase_since=T0 + 72 * M,
        mitigated_at=T0 + 13 * M,
        resolved_at=T0 + 72 * M,
    )
    assert not resolved.running
    assert resolved.elapsed == 81 * M  # impact start → resolved: the total
    assert (resolved.to_mitigated, resolved.mitigated_to_resolved) == (22 * M, 59 * M)
    assert (resolved.in_severity, resolved.in_phase) == (42 * M, timedelta(0))


def test_stamps_out_of_order_give_no_impact_duration_rather_than_a_negative_one() -> None:
    # Mitigated (as typed) before the impact started; resolved before mitigated.
    odd = clocks_at(
        T0 + 60 * M, impact_started_at=T0, mitigated_at=T0 - 5 * M, resolved_at=T0 + 30 * M
    )
    assert (odd.to_mitigated, odd.mitigated_to_resolved, odd.elapsed) == (None, None, 30 * M)
    early = clocks_at(T0 + 60 * M, mitigated_at=T0 + 40 * M, resolved_at=T0 + 30 * M)
    assert (early.to_mitigated, early.mitigated_to_resolved) == (40 * M, None)


def test_phase_times_measured_up_to_a_moment_ignore_later_moves() -> None:
    moves = [
        (T0 + 4 * M, Phase.TRIAGE),
        (T0 + 72 * M, Phase.RESOLVE),
        (T0 + 900 * M, Phase.POSTMORTEM),
    ]
    totals = time_per_phase(T0, moves, T0 + 72 * M)
    assert totals[Phase.TRIAGE] == 68 * M
    assert totals[Phase.RESOLVE] == totals[Phase.POSTMORTEM] == timedelta(0)


@pytest.mark.parametrize(
    ("span", "written"),
    [
        (timedelta(0), "0s"),
        (timedelta(seconds=-30), "0s"),
        (timedelta(seconds=42.7), "42s"),
        (timedelta(minutes=11, seconds=35), "11m 35s"),
        (timedelta(minutes=47), "47m"),
        (timedelta(hours=1, minutes=12, seconds=59), "1h 12m"),
        (timedelta(hours=2), "2h"),
        (timedelta(hours=2, seconds=5), "2h"),
        (timedelta(days=3, hours=4, minutes=5), "3d 4h"),
        (timedelta(days=21), "21d"),
    ],
)
def test_durations_read_like_a_person_writes_them(span: timedelta, written: str) -> None:
    assert human_duration(span) == written
