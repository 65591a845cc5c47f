"""The response checklist: which steps of a coordinated answer a measure has drawn so far."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from coercionwatch.model import IN_FORCE, Actor, Countermeasure, Measure, Response
from coercionwatch.model.vocabulary import SAFE_LOADER, vocabulary


@cache
def checklist() -> dict[str, Any]:
    override = os.environ.get("COERCIONWATCH_CHECKLIST")
    text = (
        Path(override).read_text("utf-8")
        if override
        else files("coercionwatch.analysis").joinpath("checklist.yaml").read_text("utf-8")
    )
    return yaml.load(text, Loader=SAFE_LOADER)


@dataclass
class Step:
    id: str
    label: str
    done: bool
    by: list[str]
    missing: list[str]


def speaking_for(ids: Iterable[str], actors: Mapping[str, Actor]) -> set[str]:
    """Everyone these actors speak for: themselves, and the members a group actor lists."""
    found = set(ids)
    for actor_id in list(found):
        actor = actors.get(actor_id)
        if actor is not None and actor.members:
            found.update(actor.members)
    return found


def participants(response: Response, actors: Mapping[str, Actor]) -> set[str]:
    """Everyone a response speaks for: its actor, its named members, and the members a
    group actor lists. Each of them counts as having answered."""
    return speaking_for(response.participants(), actors)


class Answering(NamedTuple):
    """A response that leans against the measures, as the checklist reads it: where it
    was given, and everyone it speaks for. A tuple: a coverage report makes one for
    every such response in the record."""

    id: str
    forum: str
    speaks_for: frozenset[str]


def steps_for(
    measure: Measure | None,
    target: Actor | None,
    responses: list[Response],
    countermeasures: list[Countermeasure],
    actors: dict[str, Actor],
) -> list[Step]:
    """Each step, done or open, from the responses and protections recorded for a measure."""
    stances = vocabulary("stances")
    answering = [
        Answering(r.id, r.forum, frozenset(participants(r, actors)))
        for r in responses
        if measure and measure.id in r.answered("measure") and stances.lean(r.stance) == "against"
    ]
    covering = [
        c for c in countermeasures if measure and measure.id in c.covers and c.status in IN_FORCE
    ]
    nationality = set(target.nationality) if target else set()
    return checked_steps(answering, covering, nationality, actors)


def _regions(
    answering: Iterable[Answering], actors: Mapping[str, Actor], every: Iterable[str]
) -> set[str]:
    """The regional groups these answers speak for, read only until every group is found:
    a wave's answers are thousands of names, and a joint statement often covers all five."""
    wanted = set(every)
    found: set[str] = set()
    for r in answering:
        found.update(region for a in r.speaks_for if a in actors and (region := actors[a].region))
        if wanted <= found:
            break
    return found


def checked_steps(
    answering: Sequence[Answering],
    covering: Sequence[Countermeasure],
    nationality: set[str],
    actors: Mapping[str, Actor],
) -> list[Step]:
    """Each step, done or open, from the answers against some measures (one, or a wave's),
    the protections in force covering them, and their targets' nationalities."""
    data = checklist()
    result = []
    for spec in data["steps"]:
        by: list[str] = []
        missing: list[str] = []
        if "actors" in spec:
            wanted = frozenset(spec["actors"])
            by = [r.id for r in answering if not wanted.isdisjoint(r.speaks_for)]
        elif "forums" in spec:
            forums = frozenset(spec["forums"])
            by = [r.id for r in answering if r.forum in forums]
        elif spec.get("every_region"):
            groups = vocabulary("un-regions")
            regions = _regions(answering, actors, groups.terms.keys())
            missing = [term.label for code, term in groups.terms.items() if code not in regions]
            by = [term.label for code, term in groups.terms.items() if code in regions]
            by = by if not missing else []
        elif spec.get("nationality_state"):
            states = {
                a.id for a in actors.values() if a.type == "state" and a.country in nationality
            }
            by = [r.id for r in answering if not states.isdisjoint(r.speaks_for)]
            by += [c.id for c in covering if states & speaking_for(c.actor_ids(), actors)]
            if not nationality:
                missing = ["the target's nationality is not recorded"]
        elif spec.get("host_state"):
            host = data.get("host_state")
            by = [r.id for r in answering if host in r.speaks_for]
            by += [c.id for c in covering if host in speaking_for(c.actor_ids(), actors)]
        result.append(Step(spec["id"], spec["label"], bool(by), by, missing))
    return result
