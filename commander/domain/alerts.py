"""Alert notifications from monitoring: their two wire formats, checked strictly, and
the rules the inbox applies to them (severity from labels, what counts as a repeat).

Two senders are understood, each on its own path of the receiver:

- Prometheus Alertmanager's webhook, payload ``version`` "4": ``receiver``,
  ``status``, ``alerts``, ``groupLabels``, ``commonLabels``, ``commonAnnotations``,
  ``externalURL`` and ``groupKey`` are required (``truncatedAlerts``, added in
  Alertmanager 0.22, may be missing); each alert needs ``status``, ``labels``,
  ``annotations``, ``startsAt``, ``endsAt``, ``generatorURL`` and ``fingerprint``.
- Grafana alerting's webhook contact point, ``version`` "1": the same fields plus
  ``orgId``; ``title``, ``state`` and ``message`` are deprecated and not read, nor
  are an alert's ``values``, ``silenceURL``, ``dashboardURL``, ``panelURL``, ``imageURL``.

Fields neither format defines are ignored, so a newer sender keeps working. Each
``version`` belongs to one path: a Grafana payload posted to the Alertmanager
path is refused, and the other way round. Every error is one line naming the
field, e.g. ``alerts[2].startsAt: not an RFC 3339 time``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from commander.domain.severity import Severity
from commander.errors import InvalidInputError

# Labels and annotations every alert may carry that the app reads by name.
NAME_LABEL = "alertname"
SUMMARY_ANNOTATIONS = ("summary", "description", "message")
# The severity label and its values, as most Prometheus rule sets write them.
DEFAULT_SEVERITY_LABEL = "severity"
DEFAULT_SEVERITY_LEVELS: Mapping[str, Severity] = {
    "critical": Severity.P1,
    "error": Severity.P2,
    "major": Severity.P2,
    "warning": Severity.P3,
    "info": Severity.P4,
}

# Go's zero time: what both senders write as the end of an alert still firing.
_ZERO_TIME_YEAR = 1
_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$"
)
_SHOWN = 60  # characters of a bad value quoted back in an error


class AlertSource(StrEnum):
    """Who sent a notification; also the receiver's path (``POST /alertmanager``)."""

    ALERTMANAGER = "alertmanager"
    GRAFANA = "grafana"

    @property
    def payload_version(self) -> str:
        return "4" if self is AlertSource.ALERTMANAGER else "1"

    @property
    def label(self) -> str:
        return "Alertmanager" if self is AlertSource.ALERTMANAGER else "Grafana"

    @property
    def webhook(self) -> str:
        if self is AlertSource.ALERTMANAGER:
            return "an Alertmanager webhook"
        return "a Grafana webhook"


class AlertStatus(StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"


class PayloadError(InvalidInputError):
    """A notification that is not what its path expects; nothing is kept of it."""


@dataclass(frozen=True, slots=True)
class Alert:
    status: AlertStatus
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    starts_at: datetime
    # Only a resolved alert has an end: a firing one's ``endsAt`` is empty (Go's
    # zero time) or when the sender would consider it stale, not when it ended.
    ends_at: datetime | None
    fingerprint: str
    generator_url: str = ""

    @property
    def name(self) -> str:
        return self.labels.get(NAME_LABEL) or self.fingerprint

    @property
    def summary(self) -> str:
        return next(
            (self.annotations[k] for k in SUMMARY_ANNOTATIONS if self.annotations.get(k)), ""
        )


@dataclass(frozen=True, slots=True)
class Notification:
    """One webhook call: a group of alerts as the sender grouped them."""

    source: AlertSource
    receiver: str
    status: AlertStatus
    group_key: str
    alerts: tuple[Alert, ...]
    group_labels: Mapping[str, str] = field(default_factory=dict)
    common_labels: Mapping[str, str] = field(default_factory=dict)
    common_annotations: Mapping[str, str] = field(default_factory=dict)
    external_url: str = ""
    truncated_alerts: int = 0

    @property
    def group_hash(self) -> str:
        """The group's identity, short enough for an index (group keys can be long)."""
        return _digest([self.source.value, self.group_key])

    @property
    def dedup_key(self) -> str:
        """Equal for a repeat of the same notification, different for anything new.

        A sender repeats a notification unchanged while nothing happens
        (Alertmanager's ``repeat_interval``, retries after a timeout). Each alert
        counts with its status and start: when one alert of a group resolves,
        the group's status stays firing and its fingerprints stay the same, yet
        the notification says something new; an alert that fires again after it
        resolved starts anew.
        """
        alerts = sorted(
            f"{alert.fingerprint}|{alert.status.value}|{alert.starts_at.isoformat()}"
            for alert in self.alerts
        )
        return _digest([self.source.value, self.group_key, self.status.value, *alerts])

    @property
    def names(self) -> tuple[str, ...]:
        """The alert names, each once, in the order the sender listed them."""
        return tuple(dict.fromkeys(alert.name for alert in self.alerts))


def _digest(parts: list[str]) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


# -- severity from labels ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeverityMapping:
    """Which label says how bad an alert is, and what each of its values means.

    Values are matched without regard to case; an alert without the label, or
    with a value not listed, has no severity (it never declares by itself).
    """

    label: str = DEFAULT_SEVERITY_LABEL
    levels: Mapping[str, Severity] = field(default_factory=lambda: dict(DEFAULT_SEVERITY_LEVELS))

    def severity_of(self, labels: Mapping[str, str]) -> Severity | None:
        value = labels.get(self.label)
        return None if value is None else self.levels.get(value.strip().lower())

    def worst(self, alerts: tuple[Alert, ...] | list[Alert]) -> Severity | None:
        """The most severe level among ``alerts``; None when none has one."""
        found = [s for s in (self.severity_of(a.labels) for a in alerts) if s is not None]
        return min(found, key=lambda severity: severity.rank) if found else None


def severity_mapping(label: str, levels: Mapping[str, str]) -> SeverityMapping:
    """The mapping as the settings hold it (strings), checked; one line on error."""
    if not isinstance(label, str) or not label.strip():
        raise InvalidInputError("alert_severity_label: name the label that holds the severity")
    if not isinstance(levels, Mapping) or not levels:
        raise InvalidInputError(
            'alert_severities: map label values to levels, e.g. {"critical": "P1"}'
        )
    parsed: dict[str, Severity] = {}
    for value, level in levels.items():
        if not isinstance(value, str) or not isinstance(level, str):
            raise InvalidInputError(f"alert_severities: {value!r}: {level!r} is not text")
        try:
            parsed[value.strip().lower()] = Severity.parse(level)
        except InvalidInputError as error:
            raise InvalidInputError(f"alert_severities: {value!r}: {error}") from None
    return SeverityMapping(label.strip(), parsed)


def declares(severity: Severity | None, threshold: Severity | None) -> bool:
    """Whether a firing group of ``severity`` declares an incident by itself."""
    return threshold is not None and severity is not None and severity.rank <= threshold.rank


# -- the payloads -----------------------------------------------------------------------


def parse_body(source: AlertSource, body: bytes) -> Notification:
    """The notification a request body holds, or a ``PayloadError`` saying why not."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError("the body is not UTF-8 text") from None
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise PayloadError(
            f"malformed JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except RecursionError:
        raise PayloadError("malformed JSON: nested too deeply") from None
    return parse_notification(source, document)


def _refuse_constant(name: str) -> Any:
    raise PayloadError(f"malformed JSON: {name} is not a JSON value")


def parse_notification(source: AlertSource, document: object) -> Notification:
    top = _object(document, "the body")
    version = _text(top, "version", "")
    if version != source.payload_version:
        raise PayloadError(
            f"version: expected {source.payload_version!r} ({source.webhook}), "
            f"got {_shown(version)}"
        )
    if source is AlertSource.GRAFANA:
        _number(top, "orgId", "")
    alerts = _list(top, "alerts", "")
    if not alerts:
        raise PayloadError("alerts: empty; a notification carries at least one alert")
    truncated = _number(top, "truncatedAlerts", "") if "truncatedAlerts" in top else 0
    return Notification(
        source=source,
        receiver=_text(top, "receiver", ""),
        status=_status(top, ""),
        group_key=_text(top, "groupKey", ""),
        alerts=tuple(_alert(item, f"alerts[{index}]") for index, item in enumerate(alerts)),
        group_labels=_strings(top, "groupLabels", ""),
        common_labels=_strings(top, "commonLabels", ""),
        common_annotations=_strings(top, "commonAnnotations", ""),
        external_url=_text(top, "externalURL", ""),
        truncated_alerts=truncated,
    )


def _alert(item: object, path: str) -> Alert:
    alert = _object(item, path)
    status = _status(alert, path)
    fingerprint = _text(alert, "fingerprint", path)
    if not fingerprint:
        raise PayloadError(f"{path}.fingerprint: empty")
    ends_at = _time(alert, "endsAt", path)
    return Alert(
        status=status,
        labels=_strings(alert, "labels", path),
        annotations=_strings(alert, "annotations", path),
        starts_at=_required_time(alert, "startsAt", path),
        ends_at=ends_at if status is AlertStatus.RESOLVED else None,
        fingerprint=fingerprint,
        generator_url=_text(alert, "generatorURL", path),
    )


def _where(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _object(value: object, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(f"{path}: expected a JSON object, got {_json_type(value)}")
    return value


def _field(container: dict[str, Any], key: str, path: str) -> Any:
    if key not in container:
        raise PayloadError(f"{_where(path, key)}: missing")
    return container[key]


def _text(container: dict[str, Any], key: str, path: str) -> str:
    value = _field(container, key, path)
    if not isinstance(value, str):
        raise PayloadError(f"{_where(path, key)}: expected text, got {_json_type(value)}")
    if "\x00" in value:
        raise PayloadError(f"{_where(path, key)}: contains a NUL character")
    return value


def _number(container: dict[str, Any], key: str, path: str) -> int:
    value = _field(container, key, path)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PayloadError(f"{_where(path, key)}: expected a whole number, got {_shown(value)}")
    return value


def _list(container: dict[str, Any], key: str, path: str) -> list[Any]:
    value = _field(container, key, path)
    if not isinstance(value, list):
        raise PayloadError(f"{_where(path, key)}: expected a list, got {_json_type(value)}")
    return value


def _strings(container: dict[str, Any], key: str, path: str) -> dict[str, str]:
    """A map of text to text (labels, annotations)."""
    where = _where(path, key)
    value = _object(_field(container, key, path), where)
    for name, item in value.items():
        if not isinstance(item, str):
            raise PayloadError(f"{where}.{name}: expected text, got {_json_type(item)}")
        if "\x00" in name or "\x00" in item:
            raise PayloadError(f"{where}: contains a NUL character")
    return value


def _status(container: dict[str, Any], path: str) -> AlertStatus:
    value = _text(container, "status", path)
    try:
        return AlertStatus(value)
    except ValueError:
        raise PayloadError(
            f"{_where(path, 'status')}: expected 'firing' or 'resolved', got {_shown(value)}"
        ) from None


def _required_time(container: dict[str, Any], key: str, path: str) -> datetime:
    moment = _time(container, key, path)
    if moment is None:
        raise PayloadError(f"{_where(path, key)}: the zero time; a start is needed")
    return moment


def _time(container: dict[str, Any], key: str, path: str) -> datetime | None:
    """An RFC 3339 time in UTC; None for Go's zero time (``0001-01-01T00:00:00Z``)."""
    text = _text(container, key, path)
    if not _RFC3339.match(text):
        raise PayloadError(f"{_where(path, key)}: not an RFC 3339 time: {_shown(text)}")
    try:
        # Go writes nanoseconds; Python keeps microseconds (3.11 reads and cuts the rest).
        moment = datetime.fromisoformat(text)
        if moment.year == _ZERO_TIME_YEAR:
            return None
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise PayloadError(f"{_where(path, key)}: not a valid time: {_shown(text)}") from None


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


# -- how a group reads ------------------------------------------------------------------


def group_title(names: tuple[str, ...] | list[str], summary: str = "") -> str:
    """``HighErrorRate``, ``HighErrorRate +2 more``, with the summary after a colon."""
    if not names:
        title = "Alert"
    elif len(names) == 1:
        title = names[0]
    else:
        title = f"{names[0]} +{len(names) - 1} more"
    return f"{title}: {summary}" if summary else title
