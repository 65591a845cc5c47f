"""The response checklist: which steps of a coordinated answer a measure has drawn so far."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

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


def participants(response: Response, actors: dict[str, Actor]) -> set[str]:
    """Everyone a response speaks for: its actor, its named members, and the members a
    group actor lists. Each of them counts as having answered."""
    found = set(response.participants())
    for actor_id in list(found):
        if actor_id in actors:
            found.update(actors[actor_id].members)
    return found


def steps_for(
    measure: Measure | None,
    target: Actor | None,
    responses: list[Response],
    countermeasures: list[Countermeasure],
    actors: dict[str, Actor],
) -> list[Step]:
    """Each step, done or open, from the responses and protections recorded for a measure."""
    data = checklist()
    stances = vocabulary("stances")
    answering = [
        r
        for r in responses
        if measure and measure.id in r.answered("measure") and stances.lean(r.stance) == "against"
    ]
    covering = [
        c for c in countermeasures if measure and measure.id in c.covers and c.status in IN_FORCE
    ]
    who = {r.id: participants(r, actors) for r in answering}
    nationality = set(target.nationality) if target else set()
    result = []
    for spec in data["steps"]:
        by: list[str] = []
        missing: list[str] = []
        if "actors" in spec:
            by = [r.id for r in answering if who[r.id] & set(spec["actors"])]
        elif "forums" in spec:
            by = [r.id for r in answering if r.forum in spec["forums"]]
        elif spec.get("every_region"):
            regions = {
                region
                for r in answering
                for a in who[r.id]
                if a in actors and (region := actors[a].region)
            }
            groups = vocabulary("un-regions")
            missing = [term.label for code, term in groups.terms.items() if code not in regions]
            by = [term.label for code, term in groups.terms.items() if code in regions]
            by = by if not missing else []
        elif spec.get("nationality_state"):
            states = {
                a.id for a in actors.values() if a.type == "state" and a.country in nationality
            }
            by = [r.id for r in answering if states & who[r.id]]
            by += [c.id for c in covering if states & set(c.actor_ids())]
            if not nationality:
                missing = ["the target's nationality is not recorded"]
        elif spec.get("host_state"):
            host = data.get("host_state")
            by = [r.id for r in answering if host in who[r.id]]
            by += [c.id for c in covering if host in c.actor_ids()]
        result.append(Step(spec["id"], spec["label"], bool(by), by, missing))
    return result
