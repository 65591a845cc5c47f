"""Reading files and stored versions written before model v2.

Version 1 had no `channel`, folded joint statements, UN bodies and civil society into
`forum`, named what a response answers by measure id alone, gave a measure's legal basis as
free text (`authority`) and the rules it breaches as bare provision ids, and listed a
countermeasure's actors without their parts. Each function takes a record as read and returns
it in the v2 form, leaving v2 input untouched, so old files, old stored versions and the
journal's history all read through one model.
"""

from __future__ import annotations

from typing import Any

FORUMS_V1 = {"joint": "unknown", "un-body": "other", "civil-society": "other"}
"""v1 forums that are not venues, and the venue v2 records for them."""


def response(data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    upgraded = dict(data)
    forum = upgraded.get("forum")
    if isinstance(forum, str) and forum in FORUMS_V1:
        upgraded["forum"] = FORUMS_V1[forum]
        if forum == "joint":
            upgraded.setdefault("channel", "joint-statement")
    answers = upgraded.get("answers")
    if isinstance(answers, list):
        upgraded["answers"] = [{"measure": a} if isinstance(a, str) else a for a in answers]
    return upgraded


def measure(data: Any) -> Any:
    if not isinstance(data, dict) or not ({"authority", "provisions"} & data.keys()):
        return data
    upgraded = dict(data)
    authority = upgraded.pop("authority", None)
    if authority is not None:
        upgraded["legalBasis"] = [*upgraded.get("legalBasis", []), {"text": authority}]
    if isinstance(upgraded.get("provisions"), list):  # anything else: the model says why
        provisions = upgraded.pop("provisions")
        upgraded["breaches"] = [
            *upgraded.get("breaches", []),
            *({"provision": p} for p in provisions),
        ]
    return upgraded


def countermeasure(data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    actors = data.get("actors")
    if isinstance(actors, list) and any(isinstance(a, str) for a in actors):
        return {**data, "actors": [{"actor": a} if isinstance(a, str) else a for a in actors]}
    return data
