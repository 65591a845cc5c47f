"""Query parameters: empty means 'any'; anything else is checked, and a bad one named."""

from __future__ import annotations

from fastapi import HTTPException

from coercionwatch.model import vocabulary
from coercionwatch.model.types import check_partial_date

MAX_QUERY = 500


class BadParameter(HTTPException):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(422, detail=[{"loc": ["query", name], "msg": message}])
        self.parameter = name
        self.message = message


def optional(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def date_param(name: str, value: str | None) -> str | None:
    value = optional(value)
    if value is not None:
        try:
            check_partial_date(value)
        except ValueError as exc:
            raise BadParameter(name, str(exc)) from None
    return value


def term_param(name: str, value: str | None, vocab: str) -> str | None:
    value = optional(value)
    if value is not None and value not in vocabulary(vocab):
        raise BadParameter(name, f"not one of: {', '.join(vocabulary(vocab).terms)}")
    return value


def choice_param(name: str, value: str | None, choices: tuple[str, ...]) -> str | None:
    value = optional(value)
    if value is not None and value not in choices:
        raise BadParameter(name, f"not one of: {', '.join(choices)}")
    return value


def bool_param(name: str, value: str | None) -> bool | None:
    value = optional(value)
    if value is None:
        return None
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise BadParameter(name, "expected true or false")


def text_param(name: str, value: str | None) -> str | None:
    value = optional(value)
    if value is not None and len(value) > MAX_QUERY:
        raise BadParameter(name, f"longer than {MAX_QUERY} characters")
    return value
