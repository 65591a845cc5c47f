"""The pieces nearly every page repeats (record links, cards, field tables, the coverage
pages' long tables and their links), written in Python for the templates to call.

They were Jinja macros; a macro call costs more than the HTML it writes, and a site build
makes some hundred thousand of them. Each writes exactly what its macro wrote, whitespace
included, and escapes every value it is given, as autoescaping did.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from typing import Any

from markupsafe import Markup, escape

from coercionwatch.model.types import display_date

from .links import Links

CARD_LABELS = (
    "typeLabel",
    "statusLabel",
    "stanceLabel",
    "forumLabel",
    "channelLabel",
    "layerLabel",
    "severityLabel",
    "categoryLabel",
)
"""The labels a card shows after its date, in this order, those it has."""


@lru_cache(maxsize=16_384)
def nice_date(value: str | None) -> str:
    """Memoised: a site of 10,000 records formats the same few thousand dates again and again."""
    return display_date(value) if value else "undated"


@cache
def field_label(name: str) -> str:
    spaced = "".join(" " + c.lower() if c.isupper() else c for c in name)
    return spaced[:1].upper() + spaced[1:]


def record_link(links: Links, item: Mapping[str, Any]) -> Markup:
    return Markup(
        f'<a href="{escape(links.record(item["kind"], item["id"]))}">{escape(item["title"])}</a>'
    )


def linked(links: Links, item: Mapping[str, Any]) -> Markup:
    """A record's link, or its title alone where it is not a record (a region's name)."""
    return record_link(links, item) if item["kind"] else escape(item["title"])


def linked_all(links: Links, items: Iterable[Mapping[str, Any]], separator: str = "; ") -> Markup:
    return escape(separator).join(linked(links, item) for item in items)


def state_name(links: Links, state: Mapping[str, Any]) -> Markup:
    """A state's name, linked to its page where the record holds one."""
    return _state_name(links, state["id"], state["name"])


@lru_cache(maxsize=4096)
def _state_name(links: Links, actor_id: str | None, name: str) -> Markup:
    """The same two hundred states, named on every wave's page."""
    if actor_id:
        return Markup(f'<a href="{escape(links.record("actor", actor_id))}">{escape(name)}</a>')
    return escape(name)


def state_names(links: Links, states: Iterable[Mapping[str, Any]]) -> Markup:
    """States as the items of a list, each named by `state_name`."""
    return Markup("".join(f"<li>{state_name(links, state)}</li>" for state in states))


def card_list(
    links: Links, items: list[Mapping[str, Any]], empty: str = "None recorded."
) -> Markup:
    """Records as a list shows them (`pages.common.card`), or `empty` if there are none."""
    if not items:
        return Markup(f'<p class="empty">{escape(empty)}</p>\n')
    out = ['<ul class="cards">\n']
    for item in items:
        date = item["date"]
        when = f' datetime="{escape(date)}"' if date else ""
        labels = "".join(f" · {escape(item[key])}" for key in CARD_LABELS if key in item)
        summary = item["summary"]
        out.append(
            '  <li class="card">\n'
            f'    <p class="card-title">{record_link(links, item)}</p>\n'
            f'    <p class="meta"><time{when}>{escape(nice_date(date))}</time>\n'
            f"{labels}</p>\n"
            f"{f'<p>{escape(summary)}</p>' if summary else ''}  </li>\n"
        )
    out.append("</ul>\n")
    return Markup("".join(out))


def field_table(links: Links, rows: list[dict[str, Any]], caption: str) -> Markup:
    """A record's fields as `pages.records.field_rows` gives them: a row a field."""
    out = [f'<table class="fields">\n  <caption>{escape(caption)}</caption>\n  <tbody>\n']
    for row in rows:
        out.append(
            "    <tr>\n"
            f'      <th scope="row">{escape(field_label(row["name"]))}</th>\n'
            f"      <td>{_cells(links, row)}</td>\n"
            "    </tr>\n"
        )
    out.append("  </tbody>\n</table>")
    return Markup("".join(out))


def _cells(links: Links, row: dict[str, Any]) -> str:
    """One field's value: its links, its parts (each a row of the same kind), or its text."""
    if "links" in row:
        return ", ".join(
            record_link(links, link) if link["exists"] else escape(link["id"])
            for link in row["links"]
        )
    if "parts" in row:
        parts = "".join(
            "<li>"
            + "; ".join(
                f'<span class="part-field">{escape(field_label(cell["name"]))}:</span> '
                + _cells(links, cell)
                for cell in part
            )
            + "</li>"
            for part in row["parts"]
        )
        return f'  <ul class="parts">{parts}</ul>\n'
    value = row["value"]
    if isinstance(value, str):
        if value.startswith(("https://", "http://")):
            return f'<a href="{escape(value)}" rel="noopener noreferrer">{escape(value)}</a>\n'
        return f"{escape(value)}\n"
    if isinstance(value, Mapping):
        items = "".join(
            f"<dt>{escape(field_label(k))}</dt><dd>{escape(v)}</dd>" for k, v in value.items()
        )
        return f"<dl>{items}</dl>\n"
    if _iterable(value):
        return "<ul>" + "".join(f"<li>{_item(v)}</li>" for v in value) + "</ul>\n"
    return f"{escape(value)}\n"


def _item(value: Any) -> str:
    if isinstance(value, Mapping):
        return "; ".join(f"{escape(field_label(k))}: {escape(w)}" for k, w in value.items())
    return escape(value)


def _iterable(value: Any) -> bool:
    """Jinja's `iterable` test."""
    try:
        iter(value)
    except TypeError:
        return False
    return True


def wave_states(links: Links, states: list[Mapping[str, Any]], within: int | None) -> Markup:
    """The rows of a wave page's table of States Parties (`pages.coverage._state_rows`),
    some hundred and twenty of them on every wave's page, most of them silent."""
    out = []
    for state in states:
        if state["ever"] or state["within7"] or state["within30"] or state["withinGiven"]:
            out.append(_state_row(links, state, within))
        else:
            key = (state["code"], state["id"], state["name"], state["region"])
            out.append(_silent_row(links, *key, within is not None))
    return Markup("".join(out))


@lru_cache(maxsize=4096)
def _silent_row(
    links: Links, code: str, actor_id: str | None, name: str, region: str, windowed: bool
) -> str:
    """A State Party's row where it did not answer: the same on every wave it kept silent
    on, and so written once (`windowed`: the page has a column for a window given)."""
    state = {"code": code, "id": actor_id, "name": name, "region": region, "ever": False}
    nothing = dict.fromkeys(("within7", "within30", "withinGiven"), False)
    said = dict.fromkeys(("leans", "channels", "forums", "responses"), ())
    return _state_row(links, {**state, **nothing, **said}, 0 if windowed else None)


def _state_row(links: Links, state: Mapping[str, Any], within: int | None) -> str:
    ever = "no"
    if state["ever"]:
        first = state["firstDate"]
        ever = (
            f'yes, <time datetime="{escape(first)}">{escape(nice_date(first))}</time>'
            f" ({escape(state['days'])} d)"
            if first
            else "yes"
        )
    given = f"<td>{_yes(state['withinGiven'])}</td>" if within is not None else ""
    return (
        f'    <tr class="{"answered" if state["ever"] else "silent"}">\n'
        f"      <td>{escape(state['code'])}</td>\n"
        f'      <th scope="row">{state_name(links, state)}</th>\n'
        f"      <td>{escape(state['region'])}</td>\n"
        f"      <td>{_yes(state['within7'])}</td>\n"
        f"      <td>{_yes(state['within30'])}</td>\n"
        f"{given}      <td>{ever}</td>\n"
        f"      <td>{_joined(state['leans'])}</td>\n"
        f"      <td>{_joined(state['channels'])}</td>\n"
        f"      <td>{_joined(state['forums'])}</td>\n"
        f"      <td>{linked_all(links, state['responses'])}</td>\n"
        "    </tr>\n"
    )


def state_waves(links: Links, waves: list[Mapping[str, Any]]) -> Markup:
    """The rows of a state page's table of waves (`pages.coverage.state_coverage`): every
    wave recorded, on every state's page."""
    out = []
    for wave in waves:
        first = wave["firstDate"]
        when = (
            f'<time datetime="{escape(first)}">{escape(nice_date(first))}</time>'
            f" ({escape(wave['days'])} d)"
            if first
            else ""
        )
        out.append(
            "    <tr>\n"
            f'      <th scope="row"><a href="{escape(links.section("coverage/" + wave["id"]))}">'
            f"{escape(wave['label'])}</a></th>\n"
            f"      <td>{escape(wave['statusLabel'])}</td>\n"
            f"      <td>{when}</td>\n"
            f"      <td>{_joined(wave['leans'])}</td>\n"
            f"      <td>{linked_all(links, wave['responses'])}</td>\n"
            "    </tr>\n"
        )
    return Markup("".join(out))


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _joined(values: Iterable[Any]) -> str:
    """Jinja's `join(', ')`, escaping each value."""
    return ", ".join(escape(v) for v in values)
