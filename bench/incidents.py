"""Realistic generated incidents for the benchmarks: a few KB each, deterministic."""

from __future__ import annotations

import random
from pathlib import Path

import orjson

WORDS = tuple(
    "court judge prosecutor sanction designation order treasury assets frozen visa travel "
    "statement condemn ministry assembly resolution blocking statute licence appeal ruling "
    "investigation situation victims witnesses evidence cooperation jurisdiction treaty "
    "independence pressure threat retaliation bank account email provider contract staff "
    "registry chamber appeals hearing warrant arrest immunity diplomatic protection fund".split(" ")
)
CATEGORIES = ["rule-of-law", "judicial-independence", "human-rights-defenders", "cyber"]
SEVERITIES = ["critical", "severe", "significant", "limited"]
TEXT_COLUMNS = (
    "title",
    "summary",
    "victims",
    "perpetrators",
    "legalBasis",
    "tags",
    "keyPoints",
    "internationalLaw",
    "legalAnalyses",
    "description",
    "postureNote",
    "sources",
    "timeline",
    "contentHtml",
)
"""Every text column: the peer indexes what our search indexes."""


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def incident(rng: random.Random, n: int) -> dict:
    day = f"20{rng.randint(20, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return {
        "kind": "incident",
        "slug": f"incident-{n:07d}",
        "title": sentence(rng, 9)[:-1],
        "date": day,
        "lastUpdated": day,
        "summary": sentence(rng, 45),
        "category": rng.choice(CATEGORIES),
        "severity": rng.choice(SEVERITIES),
        "posture": "reported",
        "ongoing": rng.random() < 0.5,
        "victims": sentence(rng, 20),
        "perpetrators": sentence(rng, 12),
        "legalBasis": sentence(rng, 15),
        "tags": rng.sample(WORDS, 6),
        "keyPoints": [sentence(rng, 22) for _ in range(4)],
        "warCrimeClassification": "enabling",
        "internationalLaw": [
            {
                "statute": "Rome Statute",
                "article": f"Article {rng.randint(1, 128)}",
                "provision": sentence(rng, 18),
            }
            for _ in range(2)
        ],
        "civilianCasualties": 0,
        "iccRelevance": True,
        "legalAnalyses": [{"title": sentence(rng, 7), "organization": "Analysis Desk"}],
        "description": sentence(rng, 40),
        "postureNote": sentence(rng, 15),
        "relatedIncidents": [],
        "sources": [{"title": sentence(rng, 8), "publisher": "Newsroom"} for _ in range(4)],
        "timeline": [
            {"date": day, "title": sentence(rng, 6), "summary": sentence(rng, 20)} for _ in range(3)
        ],
        "contentHtml": "".join(f"<p>{sentence(rng, 30)}</p>" for _ in range(3)),
    }


def generate(folder: Path, records: int, per_file: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(14203)
    files = []
    for start in range(0, records, per_file):
        path = folder / f"incidents-{start // per_file:02d}.jsonl"
        with path.open("wb") as stream:
            for n in range(start, min(start + per_file, records)):
                stream.write(orjson.dumps(incident(rng, n)) + b"\n")
        files.append(path)
    return files
