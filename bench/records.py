"""A generated record of mixed kinds for the serving benchmark: deterministic, importable.

N records in the native format, one kind per JSON Lines file and each file under the import
size limit, in an order that lets one `coercionwatch import` resolve every reference:
sources, actors and incidents before the measures, countermeasures and responses that name
them. The mix follows a real archive's shape: many measures and responses, fewer actors.

    .venv/bin/python bench/records.py 10000 bench/out/records
"""

from __future__ import annotations

import datetime
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import orjson

from coercionwatch.ingest import DEFAULT_MAX_FILE_BYTES
from coercionwatch.model import vocabulary
from incidents import WORDS, incident, sentence

SHARES = {
    "source": 0.10,
    "actor": 0.05,
    "incident": 0.10,
    "measure": 0.35,
    "countermeasure": 0.10,
    "response": 0.30,
}
"""Each kind's share of the records, in import order: what is named comes first."""

TABLES = {
    "source": "sources",
    "actor": "actors",
    "incident": "incidents",
    "measure": "measures",
    "countermeasure": "countermeasures",
    "response": "responses",
}

TEXT_FIELDS = {
    "source": ("title", "publisher", "text"),
    "actor": ("name", "summary", "roles"),
    "incident": (
        "title",
        "summary",
        "victims",
        "perpetrators",
        "legalBasis",
        "tags",
        "keyPoints",
        "description",
        "contentHtml",
    ),
    "measure": ("agency", "program", "legalBasis", "reason", "summary", "effects"),
    "countermeasure": ("name", "summary"),
    "response": ("speaker", "quote", "summary"),
}
"""The text a reader searches in each kind: the peer's full-text index covers these."""

STATES = (
    ("US", "United States", "western-european-others"),
    ("GB", "United Kingdom", "western-european-others"),
    ("FR", "France", "western-european-others"),
    ("DE", "Germany", "western-european-others"),
    ("NL", "Netherlands", "western-european-others"),
    ("CA", "Canada", "western-european-others"),
    ("ES", "Spain", "western-european-others"),
    ("IT", "Italy", "western-european-others"),
    ("NO", "Norway", "western-european-others"),
    ("AU", "Australia", "western-european-others"),
    ("NZ", "New Zealand", "western-european-others"),
    ("IE", "Ireland", "western-european-others"),
    ("RU", "Russia", "eastern-european"),
    ("PL", "Poland", "eastern-european"),
    ("GE", "Georgia", "eastern-european"),
    ("SI", "Slovenia", "eastern-european"),
    ("HU", "Hungary", "eastern-european"),
    ("RO", "Romania", "eastern-european"),
    ("UA", "Ukraine", "eastern-european"),
    ("CZ", "Czechia", "eastern-european"),
    ("CN", "China", "asia-pacific"),
    ("JP", "Japan", "asia-pacific"),
    ("IN", "India", "asia-pacific"),
    ("MN", "Mongolia", "asia-pacific"),
    ("FJ", "Fiji", "asia-pacific"),
    ("PS", "State of Palestine", "asia-pacific"),
    ("IL", "Israel", "western-european-others"),
    ("KR", "Republic of Korea", "asia-pacific"),
    ("PH", "Philippines", "asia-pacific"),
    ("JO", "Jordan", "asia-pacific"),
    ("SN", "Senegal", "african"),
    ("ZA", "South Africa", "african"),
    ("UG", "Uganda", "african"),
    ("BJ", "Benin", "african"),
    ("NG", "Nigeria", "african"),
    ("KE", "Kenya", "african"),
    ("GH", "Ghana", "african"),
    ("ML", "Mali", "african"),
    ("BF", "Burkina Faso", "african"),
    ("NE", "Niger", "african"),
    ("PE", "Peru", "latin-american-caribbean"),
    ("BR", "Brazil", "latin-american-caribbean"),
    ("MX", "Mexico", "latin-american-caribbean"),
    ("AR", "Argentina", "latin-american-caribbean"),
    ("CL", "Chile", "latin-american-caribbean"),
    ("CO", "Colombia", "latin-american-caribbean"),
    ("VE", "Venezuela", "latin-american-caribbean"),
    ("TT", "Trinidad and Tobago", "latin-american-caribbean"),
)
"""Real ISO codes and UN regional groups: the states that impose, answer and protect."""

GIVEN = "Amara Bruno Chen Dalia Emeka Farah Goran Hana Ivo Jun Kemal Lina Mateus Nadia".split()
FAMILY = "Okafor Petrov Quispe Rahman Silva Tanaka Umarov Vidal Weber Xu Yilmaz Zeller".split()
PLACES = tuple(
    "Abuja Accra Addis Algiers Amman Ankara Arusha Asuncion Athens Baghdad Baku Bamako Bangkok "
    "Beirut Belgrade Berlin Bishkek Bogota Brasilia Bratislava Brussels Bucharest Budapest Cairo "
    "Canberra Caracas Colombo Conakry Dakar Damascus Dhaka Dili Doha Dublin Freetown Gaborone "
    "Geneva Hanoi Harare Helsinki Islamabad Jakarta Juba Kabul Kampala Kathmandu Khartoum Kigali "
    "Kinshasa Kyiv Libreville Lilongwe Lisbon Lome Luanda Lusaka Madrid Managua Manila Maputo "
    "Maseru Minsk Monrovia Montevideo Moscow Nairobi Niamey Nicosia Oslo Ottawa Ouagadougou "
    "Panama Paris Prague Pretoria Quito Rabat Riga Santiago Sarajevo Seoul Skopje Sofia Stockholm "
    "Taipei Tallinn Tashkent Tbilisi Tehran Tirana Tokyo Tripoli Tunis Ulaanbaatar Vienna "
    "Vilnius Warsaw Windhoek Yaounde Yerevan Zagreb".split()
)
"""Where a record says something was reported from: one place a record, so a search for a
place finds about one record in a hundred, where each of WORDS is in most of them."""
SOURCE_TYPES = ("article", "statement", "legal-text", "court-record", "fact-check")
LAST_DAY = datetime.date(2026, 10, 31)
"""No record is dated after this: the generated archive ends before the benchmark runs."""


def zipf(terms: tuple[str, ...]) -> list[float]:
    """Weights falling as 1/rank: the first term of a vocabulary is the common one, as
    designations and measures in force are in a real record."""
    return [1 / (rank + 1) for rank in range(len(terms))]


def terms(name: str) -> tuple[str, ...]:
    return tuple(vocabulary(name).terms)


def counts(records: int) -> dict[str, int]:
    """How many records of each kind make up N (rounding goes to measures)."""
    share = {kind: int(records * part) for kind, part in SHARES.items()}
    share["measure"] += records - sum(share.values())
    return share


def day(rng: random.Random) -> datetime.date:
    return min(
        datetime.date(rng.randint(2000, 2026), rng.randint(1, 12), rng.randint(1, 28)), LAST_DAY
    )


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng, rng.randint(10, 18)) for _ in range(sentences))


def reported(rng: random.Random, sentences: int) -> str:
    """A paragraph that names one of PLACES."""
    return f"{paragraph(rng, sentences)} Reported from {rng.choice(PLACES)}."


@dataclass
class Cast:
    """The ids later kinds point at, held while the earlier kinds are written."""

    sources: int
    states: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    incidents: int = 0
    measure_dates: list[datetime.date] = field(default_factory=list)

    def cite(self, rng: random.Random) -> list[str]:
        picked = {rng.randrange(self.sources) for _ in range(rng.randint(1, 3))}
        return [f"source-{n:07d}" for n in sorted(picked)]


def sources(rng: random.Random, cast: Cast) -> Iterator[dict]:
    for n in range(cast.sources):
        yield {
            "kind": "source",
            "id": f"source-{n:07d}",
            "type": rng.choice(SOURCE_TYPES),
            "title": sentence(rng, 8)[:-1],
            "url": f"https://news.example.org/{n}",
            "publisher": f"The {rng.choice(WORDS).title()} Review",
            "published": day(rng).isoformat(),
            "language": "en",
            "text": reported(rng, 3),
        }


def actors(rng: random.Random, cast: Cast, total: int) -> Iterator[dict]:
    """States first (one a country, up to the list's length), then persons and organisations
    in three to one."""
    state_count = max(1, min(len(STATES), total // 10))
    for code, name, region in STATES[:state_count]:
        state = f"state-{code.lower()}"
        cast.states.append(state)
        cast.codes.append(code)
        yield {
            "kind": "actor",
            "id": state,
            "type": "state",
            "name": name,
            "country": code,
            "region": region,
            "romeStatute": rng.choice(terms("rome-statute-status")),
            "summary": reported(rng, 2),
            "sources": cast.cite(rng),
        }
    for n in range(total - state_count):
        if n % 4 == 3:
            actor = f"organisation-{n:07d}"
            record = {
                "kind": "actor",
                "id": actor,
                "type": "organisation",
                "name": f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} Network",
                "country": rng.choice(cast.codes),
                "summary": reported(rng, 2),
                "sources": cast.cite(rng),
            }
        else:
            actor = f"person-{n:07d}"
            record = {
                "kind": "actor",
                "id": actor,
                "type": "person",
                "name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                "nationality": [rng.choice(cast.codes)],
                "roles": [{"title": rng.choice(("Judge", "Prosecutor", "Registrar", "Counsel"))}],
                "summary": reported(rng, 2),
                "sources": cast.cite(rng),
            }
        cast.targets.append(actor)
        yield record


def incidents(rng: random.Random, cast: Cast, total: int) -> Iterator[dict]:
    cast.incidents = total
    for n in range(total):
        yield incident(rng, n)


def measures(rng: random.Random, cast: Cast, total: int) -> Iterator[dict]:
    """Measures come in waves, as designations do (EO 14203's came in fours and sixes): one
    imposer, one day, one order, one to twelve targets; a third of the waves' measures are
    also acts naming several targets at once."""
    types, statuses = terms("measure-types"), terms("measure-statuses")
    type_weights, status_weights = zipf(types), zipf(statuses)
    n = 0
    while n < total:
        size = rng.randint(1, 12)
        imposer = rng.choice(cast.states)
        kind = rng.choices(types, type_weights)[0]
        taken = day(rng)
        order = f"Order {rng.randint(1000, 99999)}"
        act = f"act-{n:07d}" if size > 1 and rng.random() < 0.3 else None
        for _ in range(min(size, total - n)):
            record = {
                "kind": "measure",
                "id": f"measure-{n:07d}",
                "type": kind,
                "imposer": imposer,
                "target": rng.choice(cast.targets),
                "date": taken.isoformat(),
                "status": rng.choices(statuses, status_weights)[0],
                "agency": f"Ministry of {rng.choice(WORDS).title()}",
                "legalBasis": [{"text": order}],
                "reason": sentence(rng, 18),
                "summary": reported(rng, 2),
                "effects": [sentence(rng, 12) for _ in range(2)],
                "sources": cast.cite(rng),
            }
            if act:
                record["act"] = act
            if cast.incidents and rng.random() < 0.2:
                record["incident"] = f"incident-{rng.randrange(cast.incidents):07d}"
            cast.measure_dates.append(taken)
            n += 1
            yield record


def countermeasures(rng: random.Random, cast: Cast, total: int) -> Iterator[dict]:
    layers, kinds, statuses = (
        terms("layers"),
        terms("countermeasure-types"),
        terms("countermeasure-statuses"),
    )
    for n in range(total):
        decider = rng.randrange(len(cast.states))
        covered = sorted({rng.randrange(len(cast.measure_dates)) for _ in range(rng.randint(1, 3))})
        yield {
            "kind": "countermeasure",
            "id": f"countermeasure-{n:07d}",
            "name": sentence(rng, 6)[:-1],
            "layer": rng.choice(layers),
            "type": rng.choice(kinds),
            "jurisdiction": cast.codes[decider],
            "actors": [{"actor": cast.states[decider], "role": "decider"}],
            "status": rng.choice(statuses),
            "date": day(rng).isoformat(),
            "covers": [f"measure-{m:07d}" for m in covered],
            "summary": reported(rng, 3),
            "sources": cast.cite(rng),
        }


def responses(rng: random.Random, cast: Cast, total: int) -> Iterator[dict]:
    """Each answers one measure, on its day or up to two years later."""
    stances, forums, channels = terms("stances"), terms("forums"), terms("channels")
    for n in range(total):
        answered = rng.randrange(len(cast.measure_dates))
        said = min(
            cast.measure_dates[answered] + datetime.timedelta(days=rng.randint(0, 730)), LAST_DAY
        )
        yield {
            "kind": "response",
            "id": f"response-{n:07d}",
            "actor": rng.choice(cast.states),
            "speaker": {"name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", "role": "minister"},
            "date": said.isoformat(),
            "stance": rng.choice(stances),
            "forum": rng.choice(forums),
            "channel": rng.choice(channels),
            "answers": [{"measure": f"measure-{answered:07d}"}],
            "quote": sentence(rng, 10),
            "summary": reported(rng, 2),
            "sources": cast.cite(rng),
        }


class Files:
    """JSON Lines files for one kind, a new one begun before a line would pass the limit."""

    def __init__(self, folder: Path, kind: str, limit: int) -> None:
        self.folder, self.kind, self.limit = folder, kind, limit
        self.paths: list[Path] = []
        self.stream: IO[bytes] | None = None
        self.written = 0

    def write(self, record: dict) -> None:
        line = orjson.dumps(record) + b"\n"
        if self.stream is None or self.written + len(line) > self.limit:
            self.close()
            path = self.folder / f"{TABLES[self.kind]}-{len(self.paths):02d}.jsonl"
            self.paths.append(path)
            self.stream = path.open("wb")
            self.written = 0
        self.stream.write(line)
        self.written += len(line)

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None


def generate(
    folder: Path, records: int, limit: int = DEFAULT_MAX_FILE_BYTES
) -> dict[str, list[Path]]:
    """Write N records; the files of each kind, in import order."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(14203)
    share = counts(records)
    cast = Cast(sources=max(1, share["source"]))
    makers = {
        "source": lambda: sources(rng, cast),
        "actor": lambda: actors(rng, cast, max(2, share["actor"])),
        "incident": lambda: incidents(rng, cast, share["incident"]),
        "measure": lambda: measures(rng, cast, max(1, share["measure"])),
        "countermeasure": lambda: countermeasures(rng, cast, share["countermeasure"]),
        "response": lambda: responses(rng, cast, share["response"]),
    }
    files = {}
    for kind, make in makers.items():
        out = Files(folder, kind, limit)
        for record in make():
            out.write(record)
        out.close()
        files[kind] = out.paths
    return files


if __name__ == "__main__":
    written = generate(Path(sys.argv[2]), int(sys.argv[1]))
    for kind, paths in written.items():
        print(kind, *paths)
