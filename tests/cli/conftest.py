from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from typer.testing import Result

from tests.helpers import run_program

Run = Callable[..., Result]


@pytest.fixture
def cli(database: str) -> Run:
    """Run the program against this test's database, as a user would type it (at a terminal
    of 80 columns unless `env` gives COLUMNS)."""

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        return run_program(["--db", database, *args], env=env)

    return run


@pytest.fixture
def cli_json(cli: Run) -> Callable[..., object]:
    def run(*args: str) -> object:
        result = cli(*args, "--json")
        assert result.exit_code == 0, result.output + result.stderr
        return json.loads(result.stdout)

    return run
