"""How the program's commands are put together: `--db` before or after the command name,
and help screens that name values as people do (FILE…, KIND), never as Python types, and
cut no text at any width (Click's plain help, wrapped; Rich's tables cut option names)."""

from __future__ import annotations

import copy
from typing import Any

from typer.core import TyperGroup

OPTION = "db"
"""The name of the `--db` parameter, as the program's callback declares it."""


class Chosen:
    """The `--db` of this run (None: COERCIONWATCH_DB or the default)."""

    location: str | None = None


chosen = Chosen()


def given_before(value: str | None) -> None:
    """`coercionwatch --db X command`, or COERCIONWATCH_DB: the program's callback resets the
    choice for every run."""
    chosen.location = value


def given_after(_context: Any, _parameter: Any, value: str | None) -> str | None:
    """`coercionwatch command --db X`: typed last, it wins over one typed before."""
    if value is not None:
        chosen.location = value
    return value


class ProgramGroup(TyperGroup):
    """The program's command group. Every command, those of sub-groups too, also takes the
    group's own `--db` (one definition, copied), so that it may follow the command name."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        option = next((p for p in self.params if p.name == OPTION), None)
        after = None
        if option is not None:
            after = copy.copy(option)
            after.expose_value = False  # the commands' functions do not take it
            after.envvar = None  # the variable was read before the command: no second reading
            after.callback = given_after
        for command in commands_under(self):
            if after is not None and command is not self:
                command.params.append(after)
            for parameter in command.params:
                name_value(parameter)
            whole_summary(command)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            name_value(command.get_help_option(ctx))
        return command

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        name_value(option)
        return option


def commands_under(command: Any) -> list[Any]:
    """A command, and if it is a group, every command under it."""
    found = [command]
    for sub_command in getattr(command, "commands", {}).values():
        found.extend(commands_under(sub_command))
    return found


def whole_summary(command: Any) -> None:
    """List a command in its group's help by the whole first paragraph of its help, which
    the help screen wraps to the terminal: Click would cut it at the width left over."""
    if command.help and not command.short_help:
        command.short_help = " ".join(command.help.split("\n\n")[0].split())


def name_value(parameter: Any) -> None:
    """Give a parameter declared without a metavar one from its name (`files` is FILE,
    `limit` is LIMIT) and show no Python type beside it (`<list[Path]>`); a flag takes no
    value and shows none."""
    if parameter is None:
        return
    if getattr(parameter, "param_type_name", "") == "argument":
        parameter.display_type_rich = no_type  # the metavar says it; Typer would add a type
    if parameter.metavar is not None:
        return
    if getattr(parameter, "is_flag", False):
        parameter.metavar = ""
        return
    name = (parameter.name or "value").upper().replace("_", "-")
    # Several values: one is named (FILE), and the usage line adds "..." itself.
    parameter.metavar = name.removesuffix("S") if parameter.nargs == -1 else name


def no_type(*_args: Any, **_kwargs: Any) -> None:
    return None
