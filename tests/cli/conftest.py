from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from typer.testing import CliRunner, Result

from coercionwatch.cli.app import app

Run = Callable[..., Result]


@pytest.fixture
def cli(database: str) -> Run:
    """Run the program against this test's database, as a user would type it."""
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, ["--db", database, *args], env=env, catch_exceptions=False)

    return run


@pytest.fixture
def cli_json(cli: Run) -> Callable[..., object]:
    def run(*args: str) -> object:
        result = cli(*args, "--json")
        assert result.exit_code == 0, result.output + result.stderr
        return json.loads(result.stdout)

    return run
