"""Memory across incidents: search every timeline and postmortem, find similar
past incidents.

Search uses the same word rules as one incident's search (services/timeline):
every word must match, the last one also as a prefix; SQLite's FTS5 index
ignores case and accents, PostgreSQL matches substrings with ILIKE. Postmortem
sections and action items follow the same rules, matched here in Python
(``text_matches``): there is no FTS table for them, and an organisation writes
a postmortem for few incidents, so reading them all is cheap and needs no
schema change.

Similarity is TF-IDF cosine over words, computed here in Python rather than
with an FTS5 index, because (1) it gives the same answer on SQLite and
PostgreSQL, (2) it needs no schema change, and (3) each incident's words are
few (title, summary, the pinned entries and the actions, decisions and
observations), so scoring a few thousand past incidents takes milliseconds
(bench/memory.py prints the figure). Title words weigh three times, summary
words and the postmortem's summary and root causes twice, entry words once: a
past incident with a written postmortem is the one worth finding, and its
postmortem says best what the incident was about. The ``service`` label an
incident kept from its alerts counts as a word of its own (``service=checkout``,
which no text can spell: ``=`` splits words) with the title's weight: two
incidents of one service are more alike than their wording alone says, and less
so the more incidents that service had (its IDF).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from commander.domain import EntryKind, Phase, Severity
from commander.domain.entry_facts import RunbookAttached, decode
from commander.domain.labels import SERVICE
from commander.domain.refs import format_ref
from commander.services.incident_labels import label_values
from commander.services.incidents import load_incident
from commander.services.timeline import _fts_match, _like, search_words
from commander.store.engine import Store
from commander.store.orm import Incident, TimelineEntry
from commander.store.orm_postmortem import ActionItem, Postmortem

SNIPPET_WIDTH = 160
# Entry kinds whose words describe what happened and what was done.
_TELLING_KINDS = (EntryKind.ACTION, EntryKind.DECISION, EntryKind.OBSERVATION)
_APP_KINDS = (EntryKind.DECLARED.value, EntryKind.SEVERITY.value, EntryKind.PHASE.value)


# -- search across incidents ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchHit:
    entry_id: int
    occurred_at: datetime
    kind: str
    author: str
    snippet: str
    # (start, end) of each matched word inside ``snippet``, for highlighting.
    marks: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class PostmortemHit:
    """A postmortem section, or one action item, that matches."""

    section: str  # the section key, or "action_item"
    section_title: str  # as the postmortem's template names it
    snippet: str
    marks: tuple[tuple[int, int], ...]
    action_item_id: int | None = None


ACTION_ITEM_SECTION = "action_item"


@dataclass(frozen=True, slots=True)
class IncidentHits:
    incident_id: int
    ref: str
    title: str
    severity: Severity
    phase: Phase
    declared_at: datetime
    matches: int  # live entries of this incident that match
    hits: tuple[SearchHit, ...]  # the first few, in time order
    # Matching postmortem sections and live action items, and the first few of
    # them (sections in template order, then items).
    postmortem_matches: int = 0
    postmortem_hits: tuple[PostmortemHit, ...] = ()

    @property
    def total_matches(self) -> int:
        return self.matches + self.postmortem_matches


def search_all(
    store: Store, query: str, incident_limit: int = 50, hits_per_incident: int = 3
) -> list[IncidentHits]:
    """Every incident whose timeline or postmortem matches, most matches first, then newest."""
    words = search_words(query)
    if not words:
        return []
    with store.read() as session:
        postmortem = _postmortem_hits(session, words, store.is_sqlite)
        matching = cast(
            "Select[Any]",
            select(TimelineEntry.id, TimelineEntry.incident_id).where(
                TimelineEntry.deleted_at.is_(None)
            ),
        )
        matching = _fts_match(matching, words) if store.is_sqlite else _like(matching, words)
        found = matching.subquery()
        count = func.count().label("matches")
        per_incident = select(found.c.incident_id, count).group_by(found.c.incident_id)
        # The top ``incident_limit`` by timeline matches, plus the counts of the
        # incidents whose postmortem matches: an incident without postmortem hits
        # can only rank where its timeline count puts it, so nothing is missed.
        timeline_counts = {
            int(row.incident_id): int(row.matches)
            for row in session.execute(
                per_incident.order_by(count.desc(), found.c.incident_id.desc()).limit(
                    incident_limit
                )
            )
        }
        if postmortem:
            timeline_counts |= {
                int(row.incident_id): int(row.matches)
                for row in session.execute(
                    per_incident.where(found.c.incident_id.in_(list(postmortem)))
                )
            }
        totals = {
            incident_id: timeline_counts.get(incident_id, 0) + len(postmortem.get(incident_id, ()))
            for incident_id in timeline_counts.keys() | postmortem.keys()
        }
        ids = sorted(totals, key=lambda incident_id: (-totals[incident_id], -incident_id))
        ids = ids[:incident_limit]
        if not ids:
            return []
        hits = _first_hits(session, found, ids, hits_per_incident, words)
        incidents = {
            row.id: row for row in session.scalars(select(Incident).where(Incident.id.in_(ids)))
        }
        return [
            IncidentHits(
                incident_id=incident_id,
                ref=incidents[incident_id].ref,
                title=incidents[incident_id].title,
                severity=Severity(incidents[incident_id].severity),
                phase=Phase(incidents[incident_id].phase),
                declared_at=incidents[incident_id].declared_at,
                matches=timeline_counts.get(incident_id, 0),
                hits=tuple(hits.get(incident_id, ())),
                postmortem_matches=len(postmortem.get(incident_id, ())),
                postmortem_hits=tuple(postmortem.get(incident_id, ())[:hits_per_incident]),
            )
            for incident_id in ids
        ]


def text_matches(text: str, words: list[str], whole_words: bool) -> bool:
    """The timeline search's rules applied to any text.

    ``whole_words`` (SQLite, like its FTS5 unicode61 index): each word's tokens
    appear one after another in the text's tokens, case and accents ignored,
    the very last token as a prefix. Otherwise (PostgreSQL, like ILIKE): each
    word appears anywhere in the text, case ignored.
    """
    if not whole_words:
        haystack = text.casefold()
        return all(word.casefold() in haystack for word in words)
    tokens = _WORD.findall(_fold_fast(text))
    for number, word in enumerate(words):
        phrase = _WORD.findall(_fold_fast(word))
        prefix = number == len(words) - 1
        if not phrase or not _has_phrase(tokens, phrase, prefix):
            return False
    return True


def _has_phrase(tokens: list[str], phrase: list[str], last_is_prefix: bool) -> bool:
    width = len(phrase)
    for start in range(len(tokens) - width + 1):
        window = tokens[start : start + width]
        if window[:-1] != phrase[:-1]:
            continue
        if window[-1] == phrase[-1] or (last_is_prefix and window[-1].startswith(phrase[-1])):
            return True
    return False


def _postmortem_hits(
    session: Session, words: list[str], whole_words: bool
) -> dict[int, list[PostmortemHit]]:
    """Every incident's matching postmortem sections and live action items."""
    from commander.errors import CommanderError
    from commander.services.postmortem_templates import get_template

    found: dict[int, list[PostmortemHit]] = defaultdict(list)
    titles: dict[str, dict[str, str]] = {}
    for postmortem in session.scalars(select(Postmortem).order_by(Postmortem.incident_id)):
        if postmortem.template not in titles:
            try:
                specs = get_template(postmortem.template).sections
                titles[postmortem.template] = {spec.key: spec.title for spec in specs}
            except CommanderError:  # a user template since removed: show the keys
                titles[postmortem.template] = {}
        named = titles[postmortem.template]
        order = list(named)
        sections = sorted(
            (postmortem.sections or {}).items(),
            key=lambda item: (order.index(item[0]) if item[0] in order else len(order), item[0]),
        )
        for key, text in sections:
            if isinstance(text, str) and text_matches(text, words, whole_words):
                shown, marks = snippet(text, words)
                found[postmortem.incident_id].append(
                    PostmortemHit(key, named.get(key, key), shown, marks)
                )
    items = session.execute(
        select(ActionItem.id, ActionItem.incident_id, ActionItem.description)
        .where(ActionItem.deleted_at.is_(None))
        .order_by(ActionItem.incident_id, ActionItem.id)
    )
    for item_id, incident_id, description in items:
        if text_matches(description, words, whole_words):
            shown, marks = snippet(description, words)
            found[incident_id].append(
                PostmortemHit(ACTION_ITEM_SECTION, "Action item", shown, marks, item_id)
            )
    return dict(found)


def _first_hits(
    session: Session, found: Any, ids: list[int], per_incident: int, words: list[str]
) -> dict[int, list[SearchHit]]:
    # A window function keeps this one query however many entries match.
    position = (
        func.row_number()
        .over(
            partition_by=TimelineEntry.incident_id,
            order_by=(TimelineEntry.occurred_at, TimelineEntry.id),
        )
        .label("position")
    )
    ranked = (
        select(TimelineEntry.id.label("entry_id"), position)
        .join(found, found.c.id == TimelineEntry.id)
        .where(TimelineEntry.incident_id.in_(ids))
        .subquery()
    )
    rows = session.scalars(
        select(TimelineEntry)
        .join(ranked, ranked.c.entry_id == TimelineEntry.id)
        .where(ranked.c.position <= per_incident)
        .order_by(TimelineEntry.incident_id, TimelineEntry.occurred_at, TimelineEntry.id)
    )
    hits: dict[int, list[SearchHit]] = defaultdict(list)
    for entry in rows:
        text, marks = snippet(entry.text, words)
        hits[entry.incident_id].append(
            SearchHit(entry.id, entry.occurred_at, entry.kind, entry.author, text, marks)
        )
    return hits


def _fold(text: str) -> tuple[str, list[int]]:
    """Text without case and accents, with the original index of each folded character."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        ).casefold()
        folded.append(plain)
        origin += [index] * len(plain)
    return "".join(folded), origin


def snippet(
    text: str, words: list[str], width: int = SNIPPET_WIDTH
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A one-line window of ``text`` around the first matched word, and where the words are."""
    flat = " ".join(text.split())
    folded, origin = _fold(flat)
    spans: list[tuple[int, int]] = []
    for word in words:
        needle = _fold(word)[0]
        start = folded.find(needle) if needle else -1
        while start >= 0:
            spans.append((origin[start], origin[start + len(needle) - 1] + 1))
            start = folded.find(needle, start + len(needle))
    spans.sort()
    first = spans[0][0] if spans else 0
    begin = max(0, min(first - width // 3, len(flat) - width))
    end = min(len(flat), begin + width)
    prefix = "…" if begin > 0 else ""
    suffix = "…" if end < len(flat) else ""
    shift = len(prefix) - begin
    marks = tuple(
        (start + shift, stop + shift) for start, stop in spans if start >= begin and stop <= end
    )
    return prefix + flat[begin:end] + suffix, marks


# -- similar past incidents -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SimilarIncident:
    incident_id: int
    ref: str
    title: str
    severity: Severity
    phase: Phase
    declared_at: datetime
    resolved_at: datetime | None
    score: float  # cosine similarity, 0..1
    shared_terms: tuple[str, ...]  # the words that weigh most in the match
    # Where its postmortem opens (commander://incident/INC-3/postmortem) when the
    # store has a postmortem for it; None otherwise.
    postmortem_link: str | None
    runbooks: tuple[str, ...]  # runbooks its timeline entries recorded using


MIN_SCORE = 0.08
# Split from one string: a list of single words would run to a hundred lines.
_STOPWORDS = frozenset(
    """
    a an and are as at be been but by for from has have in into is it its of on or our not
    no so that the their then there this to was we were will with after before again all
    also any can could did do does down up out over under very more most some than too via
    per while when where which who why how what about because
    """.split()  # noqa: SIM905
)
_WORD = re.compile(r"[^\W_]+")


def _fold_fast(text: str) -> str:
    """``_fold`` without the index map; plain ASCII (most text) skips normalising."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _term(word: str) -> str | None:
    if len(word) < 2 or word in _STOPWORDS:
        return None
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def term_counts(text: str) -> Counter[str]:
    """Words for similarity and how often: case and accents folded, no stop words,
    plurals as singular. Counts raw words first so each distinct word is looked at once."""
    counts: Counter[str] = Counter()
    for word, count in Counter(_WORD.findall(_fold_fast(text))).items():
        term = _term(word)
        if term is not None:
            counts[term] += count
    return counts


def terms(text: str) -> list[str]:
    """The words ``term_counts`` counts, in order (for tests and explanations)."""
    return [t for t in map(_term, _WORD.findall(_fold_fast(text))) if t is not None]


# Postmortem sections that say what the incident was and why it happened.
POSTMORTEM_TELLING_SECTIONS = ("summary", "root_causes")


def incident_terms(
    title: str, summary: str, entry_texts: Iterable[str], postmortem_texts: Iterable[str] = ()
) -> Counter[str]:
    bag = term_counts("\n".join(entry_texts))
    for word, count in term_counts(title).items():
        bag[word] += 3 * count
    for word, count in term_counts("\n".join([summary, *postmortem_texts])).items():
        bag[word] += 2 * count
    return bag


def similar_incidents(store: Store, ref: str, limit: int = 5) -> list[SimilarIncident]:
    """Incidents declared before ``ref`` that look like it, best match first."""
    with store.read() as session:
        target = load_incident(session, ref)
        bags = _bags(session, before_id=target.id + 1)
        query = bags.pop(target.id)
        return _rank(session, query, bags, limit)


def similar_to_text(
    store: Store, title: str, summary: str = "", limit: int = 5
) -> list[SimilarIncident]:
    """Past incidents that look like one being written (before it is declared)."""
    with store.read() as session:
        bags = _bags(session, before_id=None)
        return _rank(session, incident_terms(title, summary, ()), bags, limit)


SERVICE_WEIGHT = 3  # as a title word


def service_term(service: str) -> str:
    return f"{SERVICE}={service}"


def _bags(session: Session, before_id: int | None) -> dict[int, Counter[str]]:
    """Each incident's weighted words (ids below ``before_id`` when given), and its
    service label's term."""
    incidents = select(Incident.id, Incident.title, Incident.summary)
    entries = select(TimelineEntry.incident_id, TimelineEntry.text).where(
        TimelineEntry.deleted_at.is_(None),
        or_(
            TimelineEntry.pinned.is_(True),
            TimelineEntry.kind.in_([kind.value for kind in _TELLING_KINDS]),
        ),
        TimelineEntry.kind != EntryKind.DECLARED.value,  # it repeats the title
    )
    if before_id is not None:
        incidents = incidents.where(Incident.id < before_id)
        entries = entries.where(TimelineEntry.incident_id < before_id)
    postmortems = select(Postmortem.incident_id, Postmortem.sections)
    if before_id is not None:
        postmortems = postmortems.where(Postmortem.incident_id < before_id)
    texts: dict[int, list[str]] = defaultdict(list)
    for incident_id, text in session.execute(entries):
        texts[incident_id].append(text)
    written: dict[int, list[str]] = defaultdict(list)
    for incident_id, sections in session.execute(postmortems):
        for key in POSTMORTEM_TELLING_SECTIONS:
            section = (sections or {}).get(key)
            if isinstance(section, str) and section.strip():
                written[incident_id].append(section)
    services = label_values(session, SERVICE)
    bags: dict[int, Counter[str]] = {}
    for row in session.execute(incidents):
        bag = incident_terms(row.title, row.summary, texts.get(row.id, ()), written.get(row.id, ()))
        for service in services.get(row.id, ()):
            bag[service_term(service)] += SERVICE_WEIGHT
        bags[row.id] = bag
    return bags


def _weights(bag: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    return {word: (1 + math.log(count)) * idf[word] for word, count in bag.items()}


def _rank(
    session: Session, query: Counter[str], bags: dict[int, Counter[str]], limit: int
) -> list[SimilarIncident]:
    if not query or not bags:
        return []
    documents = len(bags) + 1
    frequency: Counter[str] = Counter(query.keys())
    for bag in bags.values():
        frequency.update(bag.keys())
    idf = {word: math.log((documents + 1) / (count + 1)) + 1 for word, count in frequency.items()}
    wanted = _weights(query, idf)
    wanted_norm = math.sqrt(sum(v * v for v in wanted.values()))
    scored: list[tuple[float, int, tuple[str, ...]]] = []
    for incident_id, bag in bags.items():
        shared = wanted.keys() & bag.keys()
        if not shared:
            continue
        weights = _weights(bag, idf)
        norm = math.sqrt(sum(v * v for v in weights.values()))
        products = {word: wanted[word] * weights[word] for word in shared}
        score = sum(products.values()) / (wanted_norm * norm)
        if score >= MIN_SCORE:
            top = sorted(products, key=lambda word: (-products[word], word))[:5]
            scored.append((score, incident_id, tuple(top)))
    # Best score first; on a tie the more recent incident (higher id).
    scored.sort(key=lambda item: (-round(item[0], 9), -item[1]))
    best = scored[:limit]
    ids = [incident_id for _, incident_id, _ in best]
    incidents = {i.id: i for i in session.scalars(select(Incident).where(Incident.id.in_(ids)))}
    postmortems = postmortem_links(session, ids)
    runbooks = runbooks_used(session, ids)
    return [
        SimilarIncident(
            incident_id=incident_id,
            ref=incidents[incident_id].ref,
            title=incidents[incident_id].title,
            severity=Severity(incidents[incident_id].severity),
            phase=Phase(incidents[incident_id].phase),
            declared_at=incidents[incident_id].declared_at,
            resolved_at=incidents[incident_id].resolved_at,
            score=round(score, 4),
            shared_terms=shared,
            postmortem_link=postmortems.get(incident_id),
            runbooks=runbooks.get(incident_id, ()),
        )
        for score, incident_id, shared in best
    ]


def postmortem_link(ref: str) -> str:
    return f"commander://incident/{ref}/postmortem"


def postmortem_links(session: Session, incident_ids: list[int]) -> dict[int, str]:
    """Links for the incidents that have a postmortem."""
    if not incident_ids:
        return {}
    rows = session.scalars(
        select(Postmortem.incident_id).where(Postmortem.incident_id.in_(incident_ids))
    )
    return {int(incident_id): postmortem_link(format_ref(incident_id)) for incident_id in rows}


def runbooks_used(session: Session, incident_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Runbooks each incident used, in first-use order: the ones attached, and any
    named in the data of an entry the app did not write (a key naming a runbook)."""
    if not incident_ids:
        return {}
    rows = session.execute(
        select(TimelineEntry.incident_id, TimelineEntry.kind, TimelineEntry.data)
        .where(
            TimelineEntry.incident_id.in_(incident_ids),
            TimelineEntry.deleted_at.is_(None),
            TimelineEntry.kind.not_in(_APP_KINDS),
        )
        .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for incident_id, kind, data in rows:
        fact = decode(kind, data)
        names = [fact.name] if isinstance(fact, RunbookAttached) else []
        for name in names if fact is not None else _runbook_names(data):
            if name not in found[incident_id]:
                found[incident_id].append(name)
    return {incident_id: tuple(names) for incident_id, names in found.items()}


def _runbook_names(data: object) -> list[str]:
    if not isinstance(data, dict):
        return []
    names: list[str] = []
    for key, value in data.items():
        if "runbook" in str(key).lower():
            names += _names_in(value)
    return names


def _names_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, dict):
        for key in ("title", "name", "id", "slug"):
            if isinstance(value.get(key), str) and value[key].strip():
                return [value[key].strip()]
        return []
    if isinstance(value, list):
        return [name for item in value for name in _names_in(item)]
    return []
