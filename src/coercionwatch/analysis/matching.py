"""Does a list entry name someone already in the record? Names and aliases compared with
rapidfuzz after transliteration (anyascii), tolerant of word order; date of birth and
nationality break ties. Every match carries its score and the reasons for it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from anyascii import anyascii
from rapidfuzz import fuzz, process

from coercionwatch.model import Actor
from coercionwatch.model.lists import ListEntry

THRESHOLD = 88.0
_NON_WORD = re.compile(r"[^a-z0-9 ]+")


@cache
def normal(name: str) -> str:
    """Transliterated, lower-case, punctuation gone: 'KHAN, Karim' → 'khan karim'."""
    return " ".join(_NON_WORD.sub(" ", anyascii(name).lower()).split())


@dataclass
class ActorMatch:
    actor_id: str
    actor_name: str
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class ActorIndex:
    """The record's actors, ready to be matched against many list entries."""

    actors: dict[str, Actor]
    names: list[str]
    owners: list[str]

    @classmethod
    def of(cls, actors: Iterable[Actor]) -> ActorIndex:
        by_id, names, owners = {}, [], []
        for actor in actors:
            if actor.type not in ("person", "organisation", "company", "un-mandate"):
                continue
            by_id[actor.id] = actor
            for name in {actor.name, *actor.aliases}:
                names.append(normal(name))
                owners.append(actor.id)
        return cls(by_id, names, owners)

    def match(self, entry: ListEntry, threshold: float = THRESHOLD) -> list[ActorMatch]:
        best: dict[str, ActorMatch] = {}
        for listed in {entry.name, *entry.aliases}:
            query = normal(listed)
            if not query or not self.names:
                continue
            hits = process.extract(
                query,
                self.names,
                scorer=fuzz.token_set_ratio,
                score_cutoff=threshold - 15,
                limit=10,
            )
            for name, score, index in hits:
                actor_id = self.owners[index]
                order_free = fuzz.token_sort_ratio(query, name)
                score = (score + order_free) / 2 if len(query.split()) > 1 else order_free
                if actor_id not in best or score > best[actor_id].score:
                    best[actor_id] = ActorMatch(
                        actor_id,
                        self.actors[actor_id].name,
                        score,
                        [f"name {listed!r} ~ {name!r} ({score:.0f})"],
                    )
        matches = []
        for found in best.values():
            self._tie_breakers(entry, self.actors[found.actor_id], found)
            if found.score >= threshold:
                matches.append(found)
        return sorted(matches, key=lambda m: -m.score)

    @staticmethod
    def _tie_breakers(entry: ListEntry, actor: Actor, found: ActorMatch) -> None:
        if actor.birth_date and entry.birth_dates:
            if any(
                d.startswith(actor.birth_date) or actor.birth_date.startswith(d)
                for d in entry.birth_dates
            ):
                found.score = min(100.0, found.score + 5)
                found.reasons.append(f"date of birth {actor.birth_date} agrees")
            else:
                found.score -= 20
                found.reasons.append(f"date of birth differs ({actor.birth_date})")
        if actor.nationality and entry.nationalities:
            if set(actor.nationality) & set(entry.nationalities):
                found.score = min(100.0, found.score + 5)
                found.reasons.append(f"nationality {', '.join(actor.nationality)} agrees")
            else:
                found.score -= 10
                found.reasons.append(f"nationality differs ({', '.join(actor.nationality)})")
