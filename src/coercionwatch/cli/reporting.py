"""`coercionwatch report coverage`: who answered which wave or measure, who stayed silent.

The report counts what the public projection shows, so its figures are those the site
publishes and can be quoted as such; `--include-restricted` counts everything in the
database, for work that stays inside the team (the output says so).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from coercionwatch.analysis.coverage import UnknownWave, coverage, report_json
from coercionwatch.model import states as reference
from coercionwatch.model.vocabulary import vocabulary

from .output import console, emit_json
from .program import ProgramGroup

report_app = typer.Typer(
    cls=ProgramGroup, help="Reports computed from the record.", no_args_is_help=True
)


def _date(value: str | None) -> dt.date | None:
    from .app import fail

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise fail(f"--as-of {value!r} is not an ISO 8601 date (YYYY-MM-DD)") from None


@report_app.command("coverage")
def coverage_command(
    wave: Annotated[
        str | None, typer.Option(help="Only this wave (`us-eo14203-2025-08-20`).")
    ] = None,
    measure: Annotated[
        str | None, typer.Option(help="Only this measure, as a wave of its own.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Count only answers given by this date.")
    ] = None,
    within: Annotated[
        int | None,
        typer.Option(min=0, help="`answered` means within this many days of the wave."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout, camelCase.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="A CSV row per wave on stdout.")] = False,
    as_markdown: Annotated[bool, typer.Option("--markdown", help="Markdown tables.")] = False,
    include_restricted: Annotated[
        bool,
        typer.Option(help="Count restricted records too (never for publication)."),
    ] = False,
) -> None:
    """Per wave: the States Parties as of its date, who answered (within 7 and 30 days,
    and ever) and how, who was silent, by regional group; the response checklist; per
    state, the legal, reputational and commercial layers and the gaps."""
    from .app import fail, opened

    if wave and measure:
        raise fail("give --wave or --measure, not both")
    if sum((as_json, as_csv, as_markdown)) > 1:
        raise fail("choose one of --json, --csv, --markdown")
    day = _date(as_of)
    with opened() as store, store.reading() as connection:
        try:
            report = coverage(
                connection,
                public_only=not include_restricted,
                wave=wave,
                measure=measure,
                as_of=day,
                within=within,
            )
        except UnknownWave as exc:
            raise fail(str(exc)) from None
    data = report_json(report)
    if as_json:
        emit_json(data)
    elif as_csv:
        sys.stdout.write(coverage_csv(data))
    elif as_markdown:
        sys.stdout.write(coverage_markdown(data))
    else:
        print_coverage(data, detailed=bool(wave or measure))


GROUPS = list(vocabulary("un-regions").terms)


def _share(answered: int, parties: int) -> str:
    return f"{answered}/{parties}" + (f" ({answered / parties:.0%})" if parties else "")


def wave_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for w in data["waves"]:
        row = {
            "wave": w["id"],
            "date": w["date"],
            "imposer": w["imposer"],
            "measures": len(w["measures"]),
            "statesParties": w["statesParties"],
            "answered": len(w["answered"]),
            "answeredWithin7": len(w["answeredWithin7"]),
            "answeredWithin30": len(w["answeredWithin30"]),
            "silent": len(w["silent"]),
            "firstAnswerDays": w["firstAnswerDays"],
            "firstCrossRegionalDays": w["firstCrossRegionalDays"],
            "checklistDone": sum(1 for s in w["checklist"] if s["done"]),
            "checklistSteps": len(w["checklist"]),
        }
        for group in GROUPS:
            cell = w["byRegion"][group]
            name = _camel(group)
            row[f"{name}Answered"] = cell["answered"]
            row[f"{name}Parties"] = cell["parties"]
        rows.append(row)
    return rows


def _camel(term: str) -> str:
    """`asia-pacific` → `asiaPacific`, for CSV column names."""
    first, *rest = term.split("-")
    return first + "".join(word.title() for word in rest)


def coverage_csv(data: dict[str, Any]) -> str:
    rows = wave_rows(data)
    out = io.StringIO()
    columns = list(rows[0]) if rows else ["wave"]
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
    return out.getvalue()


def _label(group: str) -> str:
    return vocabulary("un-regions").terms[group].label


def coverage_markdown(data: dict[str, Any]) -> str:
    lines = [
        "| wave | date | measures | States Parties | answered | silent | first answer (days) |"
    ]
    lines.append("|---|---|---|---|---|---|---|")
    for w in data["waves"]:
        first = "" if w["firstAnswerDays"] is None else w["firstAnswerDays"]
        lines.append(
            f"| {w['id']} | {w['date']} | {len(w['measures'])} | {w['statesParties']} | "
            f"{_share(len(w['answered']), w['statesParties'])} | {len(w['silent'])} | {first} |"
        )
    for w in data["waves"]:
        lines += ["", f"## {w['id']}", "", "| regional group | answered |", "|---|---|"]
        lines += [
            f"| {_label(g)} | {_share(c['answered'], c['parties'])} |"
            for g, c in w["byRegion"].items()
        ]
        lines += ["", "| step | done | by |", "|---|---|---|"]
        lines += [
            f"| {s['label']} | {'done' if s['done'] else 'open'} | {', '.join(s['by'])} |"
            for s in w["checklist"]
        ]
        for d in w["membershipDisputes"]:
            lines += ["", f"Disputed: {d['note']}"]
    return "\n".join(lines) + "\n"


def print_coverage(data: dict[str, Any], *, detailed: bool) -> None:
    scope = "public record" if data["public"] else "whole record, restricted included"
    table = Table(title=f"Coverage by wave ({scope})", title_justify="left")
    table.add_column("wave", overflow="fold")
    for column in ("parties", "answered", "≤7 d", "≤30 d", "silent", "checklist"):
        table.add_column(column, justify="right")
    for w in data["waves"]:
        done = sum(1 for s in w["checklist"] if s["done"])
        table.add_row(
            w["id"],
            str(w["statesParties"]),
            _share(len(w["answered"]), w["statesParties"]),
            str(len(w["answeredWithin7"])),
            str(len(w["answeredWithin30"])),
            str(len(w["silent"])),
            f"{done}/{len(w['checklist'])}",
        )
    console.print(table)
    if not detailed:
        return
    for w in data["waves"]:
        regions = Table(title=f"By regional group, {w['id']}", title_justify="left")
        regions.add_column("regional group")
        regions.add_column("answered", justify="right")
        for group, counted in w["byRegion"].items():
            regions.add_row(_label(group), _share(counted["answered"], counted["parties"]))
        console.print(regions)
        answers = Table(title=f"Who answered {w['id']}", title_justify="left")
        for column in ("state", "region", "first", "days", "lean", "channel", "forum"):
            answers.add_column(column)
        for a in w["answers"]:
            state = reference.state(a["code"])
            answers.add_row(
                f"{state.name if state else a['code']} ({a['code']})",
                _label(a["region"]) if a["region"] else "",
                a["firstDate"] or "undated",
                "" if a["days"] is None else str(a["days"]),
                ", ".join(a["leans"]),
                ", ".join(a["channels"]),
                ", ".join(a["forums"]),
            )
        console.print(answers)
        for counted in w["reportedCounts"]:
            console.print(
                f"{counted['response']}: {counted['memberCount']} reported, "
                f"{len(counted['namedStatesParties'])} States Parties named (counted apart)"
            )
        steps = Table(title="Response checklist", title_justify="left")
        for column in ("step", "", "by", "missing"):
            steps.add_column(column)
        for s in w["checklist"]:
            steps.add_row(
                s["label"],
                "done" if s["done"] else "open",
                ", ".join(s["by"]),
                ", ".join(s["missing"]),
            )
        console.print(steps)
        console.print(f"Silent ({len(w['silent'])}): {' '.join(w['silent'])}")
        for d in w["membershipDisputes"]:
            console.print(f"Disputed membership: {d['note']}")
