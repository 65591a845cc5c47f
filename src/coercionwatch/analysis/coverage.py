"""Who answered: for each wave of measures, which States Parties spoke, when, how, and
which stayed silent; per state, the legal, reputational and commercial protections.

Membership is counted as of the wave's first day from the states table (model/states):
a state whose ratification had not yet entered into force, or whose withdrawal had taken
effect, is not a party then. Everyone a response speaks for counts as having answered
(`checklist.speaking_for`: its actor, its named members, a group actor's members); a count
a source reports without names (`memberCount`) is kept apart, never spread over states.

Dates may be partial (`2025-06`): a response counts within N days only if its latest
possible day is within them, and times are measured from its earliest possible day; a
state's first answer is given as its date is recorded, never with a day made up. An
undated response counts as answered "ever" but within no window, and not at all `as_of`
a date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter
from typing import Any

import orjson
from sqlalchemy.engine import Connection

from coercionwatch.model import IN_FORCE, Actor, Countermeasure, Measure, Record
from coercionwatch.model import states as reference
from coercionwatch.model.vocabulary import vocabularies, vocabulary
from coercionwatch.model.waves import first_day, last_day, wave_id
from coercionwatch.store import counts, reader
from coercionwatch.store import coverage as queries
from coercionwatch.store.journal import ChainFault
from coercionwatch.store.writer import fewer_collections

from .checklist import Answering, Step, checked_steps, checklist, speaking_for

WINDOWS = (7, 30)
PROPOSED = frozenset({"proposed", "pending", "requested", "available"})
"""Countermeasure statuses that mean a protection is on the table but not working yet."""


class UnknownWave(LookupError):
    """No wave (or measure) of that id in the record as seen."""


@dataclass
class Wave:
    id: str
    date: str
    imposer: str
    measures: list[Measure]

    @property
    def start(self) -> dt.date:
        return first_day(self.date)


@dataclass(slots=True)
class StateAnswer:
    """One State Party's answers to one wave."""

    code: str
    responses: list[str] = field(default_factory=list)
    first: dt.date | None = None
    """Its first answer's earliest possible day, or the wave's first day if that is later:
    what times are measured from."""
    first_date: str | None = None
    """Its first answer's date as the record has it (`2025-08` stays a month)."""
    latest_first: dt.date | None = None
    """The earliest of its answers' latest possible days: what a window is judged by."""
    leans: set[str] = field(default_factory=set)
    channels: set[str] = field(default_factory=set)
    forums: set[str] = field(default_factory=set)


NEVER = dt.date.max
"""The first and last day of an undated response: later than any date, so a minimum over
a state's answers never takes it."""


@dataclass(slots=True, eq=False)
class Said:
    """What every wave's count reads of one response, worked out once for the report rather
    than once a wave: its date's first and last days (NEVER when undated), the codes of the
    states it speaks for (parties or not), how it was given, and, when it leans against the
    measures, what the checklist reads of it."""

    row: queries.AnswerRow
    response: str
    first: dt.date
    last: dt.date
    codes: tuple[str, ...]
    style: tuple[str, str, str]
    """Its lean, channel and forum: one value to gather per state, the same tuple for equal ones."""
    answering: Answering | None


@dataclass
class WaveCount:
    """A wave's figures that no window changes: what `_count_wave` finds, and what the table
    of counted waves keeps of it (`store.counts`, one JSON body a wave and projection)."""

    parties: list[str]
    answers: dict[str, StateAnswer]
    first_answer_days: int | None
    first_cross_regional_days: int | None
    first_cross_regional: str | None
    joint_counts: list[dict[str, Any]]
    nationality: list[dict[str, Any]]
    host_state: dict[str, Any]
    checklist: list[Step]
    channels_against: dict[str, set[str]]
    """Each state's channels of this wave's answers against it (the reputational layer)."""


@dataclass
class WaveCoverage(WaveCount):
    """A wave's count judged: who answered within each window, who was silent, by region."""

    wave: Wave
    answered: list[str]
    silent: list[str]
    within: dict[int, list[str]]
    by_region: dict[str, dict[str, int]]
    disputes: list[reference.MembershipDispute]


@dataclass
class Layer:
    status: str  # present, proposed, absent
    by: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)


@dataclass
class StateLayers:
    code: str
    actor_id: str | None
    layers: dict[str, Layer]

    @property
    def gaps(self) -> list[str]:
        return [name for name, layer in self.layers.items() if layer.status == "absent"]


@dataclass
class CoverageReport:
    as_of: dt.date | None
    within: int | None
    public_only: bool
    waves: list[WaveCoverage]
    states: list[StateLayers]
    undated: list[str]
    state_ids: dict[str, str]
    """Actor id of each state the record holds, by ISO code (for links)."""


# --- waves


def waves_of(measures: Iterable[Measure], countries: Mapping[str, str]) -> list[Wave]:
    """The waves these measures form, oldest first; `countries` gives a state imposer's code."""
    found: dict[str, Wave] = {}
    for measure in measures:
        wid = wave_id(measure, countries.get(measure.imposer))
        if wid is None:
            continue
        wave = found.setdefault(wid, Wave(wid, measure.date or "", measure.imposer, []))
        wave.measures.append(measure)
    for wave in found.values():
        wave.measures.sort(key=lambda m: m.id)
    return sorted(found.values(), key=lambda w: (w.start, w.id))


# --- counting


def _day(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _table_code(actor_id: str) -> str | None:
    """The ISO code of the state the table gives this actor id, if any."""
    return next((s.code for s in reference.states().values() if s.actor_id == actor_id), None)


def _state_actors(state_ids: Mapping[str, str]) -> dict[str, Actor]:
    """Light actors for the checklist's regional and nationality steps."""
    return {
        actor_id: Actor(
            id=actor_id,
            name=actor_id,
            type="state",
            country=code,
            region=reference.regional_group(code),
        )
        for actor_id, code in state_ids.items()
    }


ByMeasure = defaultdict[str, list[Said]]
"""Every response worked out once for the report (`Said`), found by the measures it answers."""


def _tally(
    rows: Iterable[queries.AnswerRow], actors: Mapping[str, Actor], country_of: Mapping[str, str]
) -> ByMeasure:
    """One pass over the responses. Members are looked up only for responses with more
    than one speaker or a speaker that is not a state (most responses are one state's)."""
    stances = vocabulary("stances")
    leans = {term: stances.lean(term) or "neither" for term in stances.terms}
    days: dict[str | None, tuple[dt.date, dt.date]] = {None: (NEVER, NEVER)}
    styles: dict[tuple[str, str, str], tuple[str, str, str]] = {}
    by_measure: ByMeasure = defaultdict(list)
    for row in rows:
        if row.date not in days:
            days[row.date] = (first_day(row.date), last_day(row.date))
        first, last = days[row.date]
        speakers = row.speakers
        if len(speakers) == 1 and (code := country_of.get(speakers[0])) is not None:
            speaks, codes = None, (code,)
        else:
            speaks = frozenset(speaking_for(speakers, actors))
            codes = tuple(sorted({c for c in map(country_of.get, speaks) if c}))
        lean = leans[row.stance]
        style = (lean, row.channel, row.forum)
        style = styles.setdefault(style, style)
        answering = None
        if lean == "against":
            answering = Answering(row.response, row.forum, speaks or frozenset(speakers))
        one = Said(row, row.response, first, last, codes, style, answering)
        for m in row.measures:
            by_measure[m].append(one)
    return by_measure


def _channels_against(said: Iterable[Said]) -> dict[str, set[str]]:
    """Each state's channels of answers against the measures (any of these responses'
    states, parties or not): its condemnation on record, the reputational layer."""
    found: defaultdict[str, set[str]] = defaultdict(set)
    for one in said:
        if one.answering is not None:
            for code in one.codes:
                found[code].add(one.style[1])
    return found


_EARLIEST = attrgetter("first", "last")
_LAST = attrgetter("last")
_STYLE = attrgetter("style")
_RESPONSE = attrgetter("response")
_SPEAKERS = attrgetter("speakers")


def _state_answer(code: str, said: Sequence[Said], start: dt.date) -> StateAnswer:
    """A state's answers to a wave from the responses that speak for it, gathered by C-level
    maps over them: a joint statement of 80 states is read 80 times a wave, so the
    per-member step is one append and the rest is done here."""
    earliest = min(said, key=_EARLIEST)  # the most precise of those on its first day
    first = earliest.first
    latest_first = min(map(_LAST, said))
    leans, channels, forums = map(set, zip(*set(map(_STYLE, said)), strict=True))
    return StateAnswer(
        code,
        sorted(set(map(_RESPONSE, said))),
        None if first is NEVER else max(first, start),  # an answer before the wave: its first day
        None if first is NEVER else earliest.row.date,
        None if latest_first is NEVER else latest_first,
        leans,
        channels,
        forums,
    )


def _count_wave(
    wave: Wave,
    said: Sequence[Said],
    actors: Mapping[str, Actor],
    host: tuple[str | None, str | None],
    targets: Mapping[str, Actor],
    covering: Sequence[Countermeasure],
) -> WaveCount:
    """One wave's figures from the responses to its measures (each once)."""
    start = wave.start
    parties = [s.code for s in reference.parties_as_of(start)]
    party_set = frozenset(parties)
    region = {code: reference.regional_group(code) for code in parties}
    speaking: dict[str, list[Said]] = {code: [] for code in parties}
    answering: list[Answering] = []
    cross: tuple[dt.date, str] | None = None
    joint: list[dict[str, Any]] = []
    for one in said:
        codes = one.codes
        if not party_set.issuperset(codes):
            codes = tuple(c for c in codes if c in party_set)
        for code in codes:
            speaking[code].append(one)
        if one.answering is not None:
            answering.append(one.answering)
        row = one.row
        if len(codes) > 1 and one.first is not NEVER:
            earliest = max(one.first, start)
            if (cross is None or (earliest, row.response) < cross) and len(
                {region[c] for c in codes} - {None}
            ) >= 2:
                cross = (earliest, row.response)
        if row.member_count is not None and row.member_count > len(codes):
            joint.append(
                {
                    "response": row.response,
                    "actor": row.actor,
                    "memberCount": row.member_count,
                    "namedStatesParties": list(codes),
                }
            )
    answers = {code: _state_answer(code, found, start) for code, found in speaking.items() if found}
    first_any = min((a.first for a in answers.values() if a.first), default=None)
    nationality = [
        {"target": target.id, "code": code, "answered": code in answers}
        for m in wave.measures
        if (target := targets.get(m.target)) is not None
        for code in target.nationality
    ]
    host_id, host_code = host
    host_state = {"actor": host_id, "code": host_code, "answered": host_code in answers}
    steps = checked_steps(answering, covering, {n["code"] for n in nationality}, actors)
    return WaveCount(
        parties=parties,
        answers=answers,
        first_answer_days=(first_any - start).days if first_any else None,
        first_cross_regional_days=(cross[0] - start).days if cross else None,
        first_cross_regional=cross[1] if cross else None,
        joint_counts=joint,
        nationality=nationality,
        host_state=host_state,
        checklist=steps,
        channels_against=_channels_against(said),
    )


def _judged(wave: Wave, count: WaveCount, within: int | None) -> WaveCoverage:
    """A wave's coverage from its count: who answered within each window (and `within`
    days), who was silent, by regional group."""
    start = wave.start
    answers = count.answers
    windows = sorted({*WINDOWS, *([within] if within is not None else [])})
    answered_within = {
        days: sorted(
            c
            for c, a in answers.items()
            if a.latest_first is not None and (a.latest_first - start).days <= days
        )
        for days in windows
    }
    answered = answered_within[within] if within is not None else sorted(answers)
    silent = sorted(frozenset(count.parties) - set(answered))
    groups = vocabulary("un-regions").terms
    by_region = {group: {"parties": 0, "answered": 0} for group in groups}
    for codes, figure in ((count.parties, "parties"), (answered, "answered")):
        for code in codes:
            if (group := reference.regional_group(code)) in by_region:
                by_region[group][figure] += 1
    return WaveCoverage(
        **vars(count),
        wave=wave,
        answered=answered,
        silent=silent,
        within=answered_within,
        by_region=by_region,
        disputes=reference.membership_disputes(start),
    )


# --- the table of counted waves

COUNT_FORMAT = 1
"""The version of a counted wave's body: raised whenever what it holds or means changes."""


def counts_digest() -> str:
    """What a wave's count depends on outside the database: the vocabularies in force, the
    states table, the checklist, the body's format. A row of another digest is counted again."""
    held = [COUNT_FORMAT, vocabularies(), reference.states(), checklist()]
    return hashlib.sha256(
        orjson.dumps(held, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    ).hexdigest()


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def count_body(count: WaveCount) -> str:
    """The JSON a counted wave is kept as."""
    return orjson.dumps(
        {
            "parties": count.parties,
            "answers": [
                [
                    a.code,
                    a.responses,
                    _iso(a.first),
                    a.first_date,
                    _iso(a.latest_first),
                    sorted(a.leans),
                    sorted(a.channels),
                    sorted(a.forums),
                ]
                for a in count.answers.values()
            ],
            "firstAnswerDays": count.first_answer_days,
            "firstCrossRegionalDays": count.first_cross_regional_days,
            "firstCrossRegional": count.first_cross_regional,
            "jointCounts": count.joint_counts,
            "nationality": count.nationality,
            "hostState": count.host_state,
            "checklist": [[s.id, s.label, s.done, s.by, s.missing] for s in count.checklist],
            "channelsAgainst": {code: sorted(c) for code, c in count.channels_against.items()},
        }
    ).decode()


def _read_count(body: str) -> WaveCount:
    data = orjson.loads(body)
    return WaveCount(
        parties=data["parties"],
        answers={
            code: StateAnswer(
                code,
                responses,
                _day(first),
                first_date,
                _day(latest_first),
                set(leans),
                set(channels),
                set(forums),
            )
            for code, responses, first, first_date, latest_first, leans, channels, forums in data[
                "answers"
            ]
        },
        first_answer_days=data["firstAnswerDays"],
        first_cross_regional_days=data["firstCrossRegionalDays"],
        first_cross_regional=data["firstCrossRegional"],
        joint_counts=data["jointCounts"],
        nationality=data["nationality"],
        host_state=data["hostState"],
        checklist=[Step(*step) for step in data["checklist"]],
        channels_against={code: set(c) for code, c in data["channelsAgainst"].items()},
    )


def _measure_ids(wave: Wave) -> str:
    return " ".join(m.id for m in wave.measures)


def _kept_counts(
    connection: Connection,
    public_only: bool,
    digest: str,
    found: Sequence[Wave],
    asked: Collection[str] | None,
) -> dict[str, WaveCount]:
    """The counts of these waves the table keeps under `digest` and from the wave's
    measures (of the waves `asked`; of every wave: None)."""
    stored = counts.stored_counts(connection, public_only, asked, digest)
    return {
        w.id: _read_count(row.body)
        for w in found
        if (row := stored.get(w.id)) is not None and row.measures == _measure_ids(w)
    }


def _keep(
    connection: Connection,
    seen: int,
    public_only: bool,
    digest: str,
    waves: Sequence[Wave],
    fresh: Mapping[str, WaveCount],
) -> None:
    """Keep these waves' fresh counts, made by a reader that saw the journal at `seen`."""
    keeping = [(w.id, _measure_ids(w), count_body(fresh[w.id])) for w in waves]
    counts.keep_counts(connection, seen, public_only, digest, keeping)


def _layers(
    code: str,
    actor_id: str | None,
    taking_part: Sequence[Countermeasure],
    channels: set[str],
) -> StateLayers:
    """A state's layers from the countermeasures it takes part in (its jurisdiction's, or
    those it decides or joins), in the record's order."""
    layers: dict[str, Layer] = {}
    for name in vocabulary("layers").terms:
        present = [c.id for c in taking_part if c.layer == name and c.status in IN_FORCE]
        proposed = [c.id for c in taking_part if c.layer == name and c.status in PROPOSED]
        if name == "reputational" and channels:
            layers[name] = Layer("present", present, sorted(channels))
        elif present:
            layers[name] = Layer("present", present)
        elif proposed:
            layers[name] = Layer("proposed", proposed)
        else:
            layers[name] = Layer("absent")
    return StateLayers(code, actor_id, layers)


def _taking_part(
    countermeasures: Sequence[Countermeasure],
    actors: Mapping[str, Actor],
    ids: Mapping[str, str],
) -> dict[str, list[Countermeasure]]:
    """Each state's countermeasures by its ISO code (`ids` gives its actor id), in one pass
    over them: those of its jurisdiction and those whose actors speak for it."""
    codes_of = {actor_id: code for code, actor_id in ids.items()}
    found: dict[str, list[Countermeasure]] = {}
    for c in countermeasures:
        codes = {c.jurisdiction} if c.jurisdiction else set()
        codes |= {code for a in speaking_for(c.actor_ids(), actors) if (code := codes_of.get(a))}
        for code in codes:
            found.setdefault(code, []).append(c)
    return found


def _covering(countermeasures: Sequence[Countermeasure]) -> Callable[[Wave], list[Countermeasure]]:
    """The protections in force covering a wave's measures, in the record's order, from an
    index of them by measure made once for every wave. One only proposed (a case states
    could bring) fulfils no step of the checklist."""
    by_measure: defaultdict[str, list[int]] = defaultdict(list)
    for place, c in enumerate(countermeasures):
        if c.status in IN_FORCE:
            for m in c.covers:
                by_measure[m].append(place)

    def covering(wave: Wave) -> list[Countermeasure]:
        places = {p for m in wave.measures for p in by_measure.get(m.id, ())}
        return [countermeasures[p] for p in sorted(places)]

    return covering


@fewer_collections(none=True)
def coverage(
    connection: Connection,
    *,
    public_only: bool = True,
    wave: str | None = None,
    measure: str | None = None,
    as_of: dt.date | str | None = None,
    within: int | None = None,
    state: str | None = None,
    every_state: bool = False,
) -> CoverageReport:
    """The coverage report for every wave (or one wave, or one measure as a wave of its
    own), counting answers given by `as_of`. With `public_only`, only what the public
    projection shows counts. `state` (an ISO code) limits the per-state layers to it;
    `every_state` gives them for every state the record holds too, parties or not (the
    state pages read them all from one report).

    Without `as_of` (or `measure`), the waves are read from the table of counted waves,
    and only those it lacks are counted (and kept); with it, every wave is counted, as
    the table holds the count of today's record only."""
    as_of = _day(as_of)
    kept = as_of is None and measure is None
    seen = counts.epoch(connection) if kept else 0  # before anything counted is read
    state_ids = queries.state_actors(connection, public_only=public_only)
    country_of = dict(state_ids)
    measures = list(queries.every(connection, "measure", public_only=public_only))
    imposers = {m.imposer: country_of[m.imposer] for m in measures if m.imposer in country_of}
    undated = sorted(m.id for m in measures if not m.date)
    if measure is not None:
        chosen = [m for m in measures if m.id == measure and m.date]
        if not chosen:
            raise UnknownWave(f"no dated measure {measure!r}")
        found = waves_of(chosen, imposers)
        found[0].id = measure
    else:
        found = waves_of(measures, imposers)
        if wave is not None:
            found = [w for w in found if w.id == wave]
            if not found:
                raise UnknownWave(f"no wave {wave!r}")
    if as_of is not None:
        found = [w for w in found if w.start <= as_of]
    digest = counts_digest()
    counted: dict[str, WaveCount] = {}
    if kept:
        counted = _kept_counts(
            connection, public_only, digest, found, None if wave is None else [wave]
        )
    missing = [w for w in found if w.id not in counted]
    in_waves = {m.id for w in missing for m in w.measures}
    # The whole report's layers read the answers to undated measures too: in no wave's count.
    besides = set(undated) if kept and wave is None else set()
    if kept and wave is None and len(missing) < len(found):
        scope: set[str] | None = in_waves | besides
    else:
        scope = None if wave is None and measure is None else in_waves
    rows = queries.answer_rows(connection, scope, public_only=public_only) if scope != set() else {}
    if as_of is not None:
        rows = {pk: r for pk, r in rows.items() if r.date and first_day(r.date) <= as_of}
    countermeasures = [
        c
        for c in queries.every(connection, "countermeasure", public_only=public_only)
        if isinstance(c, Countermeasure)
        and (as_of is None or not c.date or first_day(c.date) <= as_of)  # not yet, as of then
    ]
    actors = _actors(connection, state_ids, rows.values(), countermeasures, public_only)
    by_measure = _tally(rows.values(), actors, country_of)
    if missing:
        targets = _records_by_id(
            queries.some(
                connection,
                [("actor", m.target) for m in measures if m.id in in_waves],
                public_only=public_only,
            )
        )
        host = _host(country_of)
        covering = _covering(countermeasures)
        fresh = {
            w.id: _count_wave(w, _answering(w, by_measure), actors, host, targets, covering(w))
            for w in missing
        }
        counted.update(fresh)
        if kept:
            _keep(connection, seen, public_only, digest, missing, fresh)
    covered = [_judged(w, counted[w.id], within) for w in found]
    if kept:
        channels = _channels_against(
            dict.fromkeys(chain.from_iterable(by_measure.get(m, ()) for m in sorted(besides)))
        )
        for w in found:
            for code, used in counted[w.id].channels_against.items():
                channels.setdefault(code, set()).update(used)
    else:
        channels = _channels_against(chain.from_iterable(by_measure.values()))
    day = as_of or dt.date.today()
    codes = [s.code for s in reference.parties_as_of(day)] if state is None else [state]
    if every_state:
        codes = sorted({*codes, *state_ids.values()})
    ids = {code: a for a, code in state_ids.items()}
    taking_part = _taking_part(countermeasures, actors, ids)
    layers = [
        _layers(code, ids.get(code), taking_part.get(code, []), channels.get(code, set()))
        for code in codes
    ]
    return CoverageReport(as_of, within, public_only, covered, layers, undated, ids)


def _actors(
    connection: Connection,
    state_ids: Mapping[str, str],
    rows: Iterable[queries.AnswerRow],
    countermeasures: Sequence[Countermeasure],
    public_only: bool,
) -> dict[str, Actor]:
    """The actors the checklist and the layers look up: every state as a light actor, and
    each speaker or countermeasure actor that is not a state (a group, a body) in full."""
    others = set(chain.from_iterable(map(_SPEAKERS, rows))) | {
        a for c in countermeasures for a in c.actor_ids()
    }
    others -= set(state_ids)
    actors: dict[str, Actor] = _state_actors(state_ids)
    actors.update(
        _records_by_id(
            queries.some(connection, [("actor", a) for a in others], public_only=public_only)
        )
    )
    return actors


def _answering(wave: Wave, by_measure: ByMeasure) -> list[Said]:
    """The responses to any of a wave's measures, each once."""
    if len(wave.measures) == 1:
        return by_measure.get(wave.measures[0].id, [])
    return list(dict.fromkeys(chain.from_iterable(by_measure.get(m.id, ()) for m in wave.measures)))


def _host(country_of: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The checklist's host state: its actor id and ISO code."""
    host_id = checklist().get("host_state")
    return host_id, (country_of.get(host_id) or _table_code(host_id)) if host_id else None


def _records_by_id(found: Iterable[Record]) -> dict[str, Any]:
    return {r.id: r for r in found}


# --- the report as data for scripts


def _days(value: dt.date | None, start: dt.date) -> int | None:
    return (value - start).days if value else None


def wave_json(item: WaveCoverage) -> dict[str, Any]:
    start = item.wave.start
    return {
        "id": item.wave.id,
        "date": item.wave.date,
        "imposer": item.wave.imposer,
        "measures": [m.id for m in item.wave.measures],
        "statesParties": len(item.parties),
        "answered": item.answered,
        "silent": item.silent,
        "answeredWithin7": item.within[7],
        "answeredWithin30": item.within[30],
        "answeredEver": sorted(item.answers),
        "byRegion": item.by_region,
        "firstAnswerDays": item.first_answer_days,
        "firstCrossRegionalDays": item.first_cross_regional_days,
        "firstCrossRegionalResponse": item.first_cross_regional,
        "answers": [
            {
                "code": a.code,
                "region": reference.regional_group(a.code),
                "firstDate": a.first_date,
                "days": _days(a.first, start),
                "leans": sorted(a.leans),
                "channels": sorted(a.channels),
                "forums": sorted(a.forums),
                "responses": sorted(set(a.responses)),
            }
            for a in sorted(item.answers.values(), key=lambda a: a.code)
        ],
        "reportedCounts": item.joint_counts,
        "nationality": item.nationality,
        "hostState": item.host_state,
        "checklist": [
            {"id": s.id, "label": s.label, "done": s.done, "by": s.by, "missing": s.missing}
            for s in item.checklist
        ],
        "membershipDisputes": [
            {"state": d.code, "field": d.field, "other": d.other, "note": d.note}
            for d in item.disputes
        ],
    }


def layers_json(item: StateLayers) -> dict[str, Any]:
    return {
        "code": item.code,
        "actor": item.actor_id,
        "region": reference.regional_group(item.code),
        "layers": {
            name: {"status": layer.status, "by": layer.by, "channels": layer.channels}
            for name, layer in item.layers.items()
        },
        "gaps": item.gaps,
    }


@fewer_collections(none=True)
def report_json(report: CoverageReport) -> dict[str, Any]:
    """The report as JSON data. No collection runs while it is made: each one would re-walk
    the report, a few million objects for every wave of a large record (most of the time
    this takes, otherwise)."""
    return {
        "asOf": report.as_of.isoformat() if report.as_of else None,
        "within": report.within,
        "public": report.public_only,
        "waves": [wave_json(w) for w in report.waves],
        "states": [layers_json(s) for s in report.states],
        "undatedMeasures": report.undated,
    }


# --- a few waves at a time (a static site build)


@dataclass(frozen=True, slots=True)
class WaveEntry:
    """A wave without its measures' records: what a build needs to share the waves out
    between its processes and count each group apart, holding none of their answers."""

    id: str
    measure_ids: tuple[str, ...]


def wave_entries(
    connection: Connection, *, public_only: bool = True
) -> tuple[list[WaveEntry], list[str]]:
    """Every wave, oldest first, in the order and with the ids `coverage()` gives, and the
    undated measures, reading the measures one batch at a time and keeping only their ids."""
    country_of = queries.state_actors(connection, public_only=public_only)
    found: dict[str, tuple[dt.date, list[str]]] = {}
    undated = []
    for measure in queries.every(connection, "measure", public_only=public_only):
        wid = wave_id(measure, country_of.get(measure.imposer))
        if wid is not None:
            found.setdefault(wid, (first_day(measure.date or ""), []))[1].append(measure.id)
        else:
            undated.append(measure.id)
    ordered = sorted(found.items(), key=lambda item: (item[1][0], item[0]))
    return [WaveEntry(wid, tuple(sorted(ids))) for wid, (_, ids) in ordered], sorted(undated)


@fewer_collections(none=True)
def count_waves(
    connection: Connection, entries: Sequence[WaveEntry], *, public_only: bool = True
) -> CoverageReport:
    """These waves' report as `coverage()` counts them (every answer, today), reading only
    their measures and their rows of the table of counted waves, or, for a wave it lacks,
    the responses to them and the countermeasures covering them (the count is then kept);
    without the per-state layers (`state_layers`) and the undated measures. A site build
    reads its waves a group at a time this way, so that no process holds every wave's
    answers."""
    found, counted, state_ids = _wave_counts(connection, entries, public_only, kept=True)
    covered = [_judged(w, counted[w.id], None) for w in found]
    ids = {code: a for a, code in state_ids.items()}
    return CoverageReport(None, None, public_only, covered, [], [], ids)


WAVES_KEPT = 256
"""Waves counted and kept at a time by `keep_counted_waves`: their answers are dropped
before the next are counted."""


def keep_counted_waves(connection: Connection, *, public_only: bool = True) -> None:
    """Count and keep every wave the table of counted waves lacks, a group at a time. A
    site build does this before it opens the transaction its pages are read in: a SQLite
    reader sees the table as its transaction began, so rows kept during the build would
    serve none of its processes, each of which reads every wave more than once."""
    entries, _ = wave_entries(connection, public_only=public_only)
    for start in range(0, len(entries), WAVES_KEPT):
        _wave_counts(connection, entries[start : start + WAVES_KEPT], public_only, kept=True)


def _wave_counts(
    connection: Connection, entries: Sequence[WaveEntry], public_only: bool, *, kept: bool
) -> tuple[list[Wave], dict[str, WaveCount], dict[str, str]]:
    """These waves, each one's count, and the states' actor ids with their codes. With
    `kept`, a wave's count is read from its row of the table of counted waves where that
    was counted from the wave's measures, and made afresh and kept otherwise; without it,
    every count is made afresh (what `verify` compares the rows with)."""
    seen = counts.epoch(connection) if kept else 0  # before anything counted is read
    state_ids = queries.state_actors(connection, public_only=public_only)
    country_of = dict(state_ids)
    wanted = {m for entry in entries for m in entry.measure_ids}
    measures = sorted(
        (
            m
            for m in queries.some(
                connection, [("measure", m) for m in wanted], public_only=public_only
            )
            if isinstance(m, Measure)
        ),
        key=lambda m: m.id,
    )
    imposers = {m.imposer: country_of[m.imposer] for m in measures if m.imposer in country_of}
    chosen = {entry.id for entry in entries}
    found = [w for w in waves_of(measures, imposers) if w.id in chosen]
    counted: dict[str, WaveCount] = {}
    digest = counts_digest() if kept else ""
    if kept:
        counted = _kept_counts(connection, public_only, digest, found, [w.id for w in found])
    missing = [w for w in found if w.id not in counted]
    if not missing:
        return found, counted, state_ids
    in_waves = {m.id for w in missing for m in w.measures}
    rows = queries.answer_rows(connection, in_waves, public_only=public_only)
    covering_ids = reader.pointing_ids(connection, "measure", in_waves, "countermeasure", "covers")
    countermeasures = sorted(
        (
            c
            for c in queries.some(
                connection, [("countermeasure", c) for c in covering_ids], public_only=public_only
            )
            if isinstance(c, Countermeasure)
        ),
        key=lambda c: c.id,
    )
    actors = _actors(connection, state_ids, rows.values(), countermeasures, public_only)
    targets = _records_by_id(
        queries.some(
            connection,
            [("actor", m.target) for m in measures if m.id in in_waves],
            public_only=public_only,
        )
    )
    by_measure = _tally(rows.values(), actors, country_of)
    host = _host(country_of)
    covering = _covering(countermeasures)
    fresh = {
        w.id: _count_wave(w, _answering(w, by_measure), actors, host, targets, covering(w))
        for w in missing
    }
    counted.update(fresh)
    if kept:
        _keep(connection, seen, public_only, digest, missing, fresh)
    return found, counted, state_ids


def check_counted_waves(connection: Connection) -> Iterator[ChainFault]:
    """Every counted wave the table keeps under today's digest, counted afresh and compared
    with its row: a hand edit there would change the figures every report gives."""
    digest = counts_digest()
    kept = counts.every_count(connection)
    for public_only in (True, False):
        side = counts.projection(public_only)
        mine = [
            (wave, measures, body)
            for p, wave, measures, d, body in kept
            if p == side and d == digest
        ]
        if not mine:
            continue
        entries, _ = wave_entries(connection, public_only=public_only)
        found, counted, _ = _wave_counts(connection, entries, public_only, kept=False)
        fresh = {w.id: (_measure_ids(w), count_body(counted[w.id])) for w in found}
        for wave, measures, body in mine:
            want = fresh.get(wave)
            if want is None:
                message = f"the {side} counted waves hold {wave!r}, a wave the record does not have"
            elif want[0] != measures:
                message = f"the {side} count of wave {wave!r} is of other measures than the wave's"
            elif want[1] != body:
                message = f"the {side} count of wave {wave!r} differs from a fresh count"
            else:
                continue
            yield ChainFault(None, None, None, message)


@fewer_collections(none=True)
def state_layers(connection: Connection, *, public_only: bool = True) -> list[StateLayers]:
    """Every state's layers today, as `coverage(every_state=True)` gives them, without
    counting any wave: from each response's speakers and channel, and every countermeasure."""
    state_ids = queries.state_actors(connection, public_only=public_only)
    country_of = dict(state_ids)
    rows = queries.answer_rows(connection, None, public_only=public_only)
    countermeasures = [
        c
        for c in queries.every(connection, "countermeasure", public_only=public_only)
        if isinstance(c, Countermeasure)
    ]
    actors = _actors(connection, state_ids, rows.values(), countermeasures, public_only)
    channels = _channels_against(
        chain.from_iterable(_tally(rows.values(), actors, country_of).values())
    )
    codes = sorted(
        {*(s.code for s in reference.parties_as_of(dt.date.today())), *country_of.values()}
    )
    ids = {code: a for a, code in state_ids.items()}
    taking_part = _taking_part(countermeasures, actors, ids)
    return [
        _layers(code, ids.get(code), taking_part.get(code, []), channels.get(code, set()))
        for code in codes
    ]
