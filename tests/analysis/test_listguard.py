from pathlib import Path

import pytest

from coercionwatch.analysis.listguard import ChangeLimits, check_removals
from coercionwatch.model import InvalidInput
from coercionwatch.model.lists import ListRow

PREVIOUS = {str(n): f"digest-{n}" for n in range(100)}


def _rows(count):
    return [ListRow(str(n), f"digest-{n}") for n in range(count)]


def test_removals_up_to_the_share_pass_and_beyond_it_are_refused():
    check_removals(Path("list.csv"), PREVIOUS, _rows(90), ChangeLimits())  # exactly 10 %
    with pytest.raises(InvalidInput) as caught:
        check_removals(Path("list.csv"), PREVIOUS, _rows(89), ChangeLimits())
    (problem,) = caught.value.problems
    assert problem.location.file == "list.csv"
    assert "removes 11 of the 100 entries" in problem.message


def test_the_share_is_configurable_and_a_large_change_can_be_accepted():
    check_removals(Path("list.csv"), PREVIOUS, _rows(50), ChangeLimits(max_removed_share=0.5))
    check_removals(Path("list.csv"), PREVIOUS, [], ChangeLimits(accept_large_change=True))
    with pytest.raises(InvalidInput):
        check_removals(Path("list.csv"), PREVIOUS, _rows(99), ChangeLimits(max_removed_share=0))


def test_additions_do_not_offset_removals():
    replaced = [ListRow(f"new-{n}", "d") for n in range(200)] + _rows(50)
    with pytest.raises(InvalidInput, match="removes 50 of the 100"):
        check_removals(Path("list.csv"), PREVIOUS, replaced, ChangeLimits())


def test_a_first_reading_removes_nothing():
    check_removals(Path("list.csv"), {}, [], ChangeLimits())
