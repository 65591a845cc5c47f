"""Who answered: for each wave of measures, which States Parties spoke, when, how, and
which stayed silent; per state, the legal, reputational and commercial protections.

Membership is counted as of the wave's first day from the states table (model/states):
a state whose ratification had not yet entered into force, or whose withdrawal had taken
effect, is not a party then. Everyone a response speaks for counts as having answered
(`checklist.speaking_for`: its actor, its named members, a group actor's members); a count
a source reports without names (`memberCount`) is kept apart, never spread over states.

Dates may be partial (`2025-06`): a response counts within N days only if its latest
possible day is within them, and times are measured from its earliest possible day. An
undated response counts as answered "ever" but within no window, and not at all `as_of`
a date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from coercionwatch.model import IN_FORCE, Actor, Countermeasure, Measure, Record
from coercionwatch.model import states as reference
from coercionwatch.model.vocabulary import vocabulary
from coercionwatch.model.waves import first_day, last_day, wave_id
from coercionwatch.store import coverage as queries
from coercionwatch.store import reader
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
    latest_first: dt.date | None = None
    """The earliest of its answers' latest possible days: what a window is judged by."""
    leans: set[str] = field(default_factory=set)
    channels: set[str] = field(default_factory=set)
    forums: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Said:
    """What every wave's count reads of one response, worked out once for the report rather
    than once a wave: its lean, its date's first and last days, and the codes of the
    states it speaks for (parties or not)."""

    row: queries.AnswerRow
    lean: str
    first: dt.date | None
    last: dt.date | None
    codes: tuple[str, ...]
    speaks: frozenset[str] | None
    """Everyone it speaks for, when that is not its one speaker (joint statements, groups)."""


@dataclass
class WaveCoverage:
    wave: Wave
    parties: list[str]
    answers: dict[str, StateAnswer]
    answered: list[str]
    silent: list[str]
    within: dict[int, list[str]]
    by_region: dict[str, dict[str, int]]
    first_answer_days: int | None
    first_cross_regional_days: int | None
    first_cross_regional: str | None
    joint_counts: list[dict[str, Any]]
    nationality: list[dict[str, Any]]
    host_state: dict[str, Any]
    checklist: list[Step]
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


def _tally(
    rows: Sequence[queries.AnswerRow], actors: Mapping[str, Actor], country_of: Mapping[str, str]
) -> list[Said]:
    """Members are looked up only for responses with more than one speaker or a speaker
    that is not a state (most responses are one state's)."""
    stances = vocabulary("stances")
    leans = {term: stances.lean(term) or "neither" for term in stances.terms}
    days: dict[str | None, tuple[dt.date | None, dt.date | None]] = {None: (None, None)}
    said: list[Said] = []
    for row in rows:
        if row.date not in days:
            days[row.date] = (first_day(row.date), last_day(row.date)) if row.date else (None, None)
        first, last = days[row.date]
        if len(row.speakers) > 1 or row.speakers[0] not in country_of:
            speaks = frozenset(speaking_for(row.speakers, actors))
            codes = tuple(sorted({c for a in speaks if (c := country_of.get(a))}))
        else:
            speaks, codes = None, (country_of[row.speakers[0]],)
        said.append(Said(row, leans[row.stance], first, last, codes, speaks))
    return said


def _count_wave(
    wave: Wave,
    said: Sequence[Said],
    actors: Mapping[str, Actor],
    host: tuple[str | None, str | None],
    targets: Mapping[str, Actor],
    covering: Sequence[Countermeasure],
    within: int | None,
) -> WaveCoverage:
    """One wave's figures from the responses to its measures, each answer folded into its
    states' as it is read (a response is read once a wave)."""
    start = wave.start
    parties = [s.code for s in reference.parties_as_of(start)]
    party_set = set(parties)
    region = {code: reference.regional_group(code) for code in parties}
    answers: dict[str, StateAnswer] = {}
    answering: list[Answering] = []
    cross: tuple[dt.date, str] | None = None
    joint: list[dict[str, Any]] = []
    for one in said:
        row = one.row
        codes = [c for c in one.codes if c in party_set]
        if one.lean == "against":
            answering.append(
                Answering(row.response, row.forum, one.speaks or frozenset(row.speakers))
            )
        for code in codes:
            answer = answers.get(code)
            if answer is None:
                answer = answers[code] = StateAnswer(code)
            answer.responses.append(row.response)
            if one.first and (answer.first is None or one.first < answer.first):
                answer.first = one.first
            if one.last and (answer.latest_first is None or one.last < answer.latest_first):
                answer.latest_first = one.last
            answer.leans.add(one.lean)
            answer.channels.add(row.channel)
            answer.forums.add(row.forum)
        if len(codes) > 1 and one.first:
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
                    "namedStatesParties": codes,
                }
            )
    for answer in answers.values():
        if answer.first is not None and answer.first < start:
            answer.first = start  # an answer given before the wave counts from its first day
    first_any = min((a.first for a in answers.values() if a.first), default=None)
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
    silent = sorted(party_set - set(answered))
    groups = vocabulary("un-regions").terms
    by_region = {group: {"parties": 0, "answered": 0} for group in groups}
    for code in parties:
        if region[code] in by_region:
            by_region[region[code]]["parties"] += 1
    for code in answered:
        if region[code] in by_region:
            by_region[region[code]]["answered"] += 1
    nationality = [
        {"target": target.id, "code": code, "answered": code in answers}
        for m in wave.measures
        if (target := targets.get(m.target)) is not None
        for code in target.nationality
    ]
    host_id, host_code = host
    host_state = {"actor": host_id, "code": host_code, "answered": host_code in answers}
    steps = checked_steps(answering, covering, {n["code"] for n in nationality}, actors)
    return WaveCoverage(
        wave=wave,
        parties=parties,
        answers=answers,
        answered=answered,
        silent=silent,
        within=answered_within,
        by_region=by_region,
        first_answer_days=(first_any - start).days if first_any else None,
        first_cross_regional_days=(cross[0] - start).days if cross else None,
        first_cross_regional=cross[1] if cross else None,
        joint_counts=joint,
        nationality=nationality,
        host_state=host_state,
        checklist=steps,
        disputes=reference.membership_disputes(start),
    )


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


def _covering(countermeasures: Sequence[Countermeasure], wave: Wave) -> list[Countermeasure]:
    wanted = {m.id for m in wave.measures}
    return [c for c in countermeasures if not wanted.isdisjoint(c.covers)]


@fewer_collections()
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
    state pages read them all from one report)."""
    as_of = _day(as_of)
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
    in_waves = {m.id for w in found for m in w.measures}
    rows = queries.answer_rows(
        connection, None if wave is None and measure is None else in_waves, public_only=public_only
    )
    if as_of is not None:
        rows = {pk: r for pk, r in rows.items() if r.date and first_day(r.date) <= as_of}
    countermeasures = [
        c
        for c in queries.every(connection, "countermeasure", public_only=public_only)
        if isinstance(c, Countermeasure)
    ]
    actors = _actors(connection, state_ids, rows.values(), countermeasures, public_only)
    targets = _records_by_id(
        queries.some(
            connection,
            [("actor", m.target) for m in measures if m.id in in_waves],
            public_only=public_only,
        )
    )
    said = _tally(list(rows.values()), actors, country_of)
    by_measure = _by_measure(said)
    host = _host(country_of)
    covered: list[WaveCoverage] = []
    for w in found:
        answering = _answering(w, by_measure)
        covered.append(
            _count_wave(w, answering, actors, host, targets, _covering(countermeasures, w), within)
        )
    channels = _channels_against(said)
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
    others = {s for r in rows for s in r.speakers} | {
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


def _by_measure(said: Iterable[Said]) -> dict[str, list[Said]]:
    found: dict[str, list[Said]] = {}
    for one in said:
        for m in one.row.measures:
            found.setdefault(m, []).append(one)
    return found


def _answering(wave: Wave, by_measure: Mapping[str, list[Said]]) -> list[Said]:
    """The responses to any of a wave's measures, each once."""
    if len(wave.measures) == 1:
        return by_measure.get(wave.measures[0].id, [])
    seen = {id(one): one for m in wave.measures for one in by_measure.get(m.id, [])}
    return list(seen.values())


def _host(country_of: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The checklist's host state: its actor id and ISO code."""
    host_id = checklist().get("host_state")
    return host_id, (country_of.get(host_id) or _table_code(host_id)) if host_id else None


def _records_by_id(found: Iterable[Record]) -> dict[str, Any]:
    return {r.id: r for r in found}


def _channels_against(said: Iterable[Said]) -> dict[str, set[str]]:
    """For each state, the channels of its answers against any measure: its condemnation on
    record, the reputational layer."""
    found: dict[str, set[str]] = {}
    for one in said:
        if one.lean == "against":
            for code in one.codes:
                found.setdefault(code, set()).add(one.row.channel)
    return found


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
                "firstDate": a.first.isoformat() if a.first else None,
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


def report_json(report: CoverageReport) -> dict[str, Any]:
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


@fewer_collections()
def count_waves(
    connection: Connection, entries: Sequence[WaveEntry], *, public_only: bool = True
) -> CoverageReport:
    """These waves' report as `coverage()` counts them (every answer, today), reading only
    their measures, the responses to them and the countermeasures covering them; without
    the per-state layers (`state_layers`) and the undated measures. A site build counts
    its waves a group at a time this way, so that no process holds every wave's answers."""
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
    in_waves = {m.id for w in found for m in w.measures}
    rows = dict(sorted(queries.answer_rows(connection, in_waves, public_only=public_only).items()))
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
        queries.some(connection, [("actor", m.target) for m in measures], public_only=public_only)
    )
    said = _tally(list(rows.values()), actors, country_of)
    by_measure = _by_measure(said)
    host = _host(country_of)
    covered = []
    for w in found:
        answering = _answering(w, by_measure)
        covered.append(
            _count_wave(w, answering, actors, host, targets, _covering(countermeasures, w), None)
        )
    ids = {code: a for a, code in state_ids.items()}
    return CoverageReport(None, None, public_only, covered, [], [], ids)


@fewer_collections()
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
    channels = _channels_against(_tally(list(rows.values()), actors, country_of))
    codes = sorted(
        {*(s.code for s in reference.parties_as_of(dt.date.today())), *country_of.values()}
    )
    ids = {code: a for a, code in state_ids.items()}
    taking_part = _taking_part(countermeasures, actors, ids)
    return [
        _layers(code, ids.get(code), taking_part.get(code, []), channels.get(code, set()))
        for code in codes
    ]
