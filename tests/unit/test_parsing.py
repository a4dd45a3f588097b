"""Numbers and JSON from callers and Front are read as their wire formats have them: ASCII,
finite, within Python's digit limit; everything else is refused, never a crash or a nan."""

from __future__ import annotations

import math

import pytest

from connector_front.auth.tokens import TokenSet
from connector_front.commands.sandbox import seed_plan
from connector_front.errors import InvalidInputError
from connector_front.transport.pacing import RateLimitInfo
from connector_front.transport.retry import parse_reset, parse_retry_after
from connector_front.util.parsing import load_json, parse_decimal, parse_whole

OTHER_DIGITS = ["\u00b2", "\u0661", "\uff11", "1_0", " 1", "1 ", "+1", "-1", "", "0x10"]


@pytest.mark.parametrize("text", OTHER_DIGITS)
def test_a_whole_number_is_ascii_digits_only(text: str) -> None:
    assert parse_whole(text) is None


def test_a_whole_number_has_at_most_its_digits() -> None:
    assert parse_whole("007") == 7
    assert parse_whole("9" * 18) == int("9" * 18)
    assert parse_whole("9" * 19) is None and parse_whole("12", max_digits=1) is None


@pytest.mark.parametrize(
    "text", ["nan", "NaN", "inf", "-Infinity", "1e400", "-1e400", "\u0661", "1_0", "1.2.3", "e5"]
)
def test_a_decimal_is_finite_and_ascii(text: str) -> None:
    assert parse_decimal(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", 12.0), ("-1.5", -1.5), ("1.7e9", 1.7e9), (".5", 0.5), ("1e+20", 1e20)],
)
def test_decimals_read(text: str, value: float) -> None:
    assert parse_decimal(text) == value


@pytest.mark.parametrize("document", ["[NaN]", "[Infinity]", "[-Infinity]", "[1e400]", "7" * 4400])
def test_json_that_python_reads_too_generously_is_a_value_error(document: str) -> None:
    with pytest.raises(ValueError):
        load_json(document)


def test_standard_json_still_reads() -> None:
    assert load_json('{"a": [1, 2.5, -3e2, true, null]}') == {"a": [1, 2.5, -300.0, True, None]}


@pytest.mark.parametrize("value", ["inf", "nan", "1e400", "\u0661"])
def test_rate_limit_headers_that_are_not_finite_numbers_are_ignored(value: str) -> None:
    headers = {"x-ratelimit-limit": "5", "x-ratelimit-remaining": "5", "x-ratelimit-reset": value}
    assert RateLimitInfo.from_headers(headers, now=0.0) is None
    if value.isascii():  # an infinite limit raised OverflowError
        limited = {**headers, "x-ratelimit-limit": value, "x-ratelimit-reset": "9"}
        assert RateLimitInfo.from_headers(limited, now=0.0) is None
    assert parse_reset(value, now=0.0) is None
    assert parse_retry_after(value, now=0.0) is None


@pytest.mark.parametrize("lifetime", [math.inf, math.nan, "Infinity"])
def test_a_token_lifetime_that_is_not_finite_is_unknown(lifetime: object) -> None:
    token = TokenSet.from_response({"access_token": "a", "expires_in": lifetime}, now=100.0)
    assert token.expires_at is None
    token = TokenSet.from_response({"access_token": "a", "expires_at": lifetime}, now=100.0)
    assert token.expires_at is None


@pytest.mark.parametrize("flag", ["contacts=\u00b2", "contacts=\u0661\u0660", "contacts=1_000"])
def test_a_seed_count_of_other_digits_is_refused_naming_the_flag(flag: str) -> None:
    with pytest.raises(InvalidInputError, match="--seed"):
        seed_plan([flag])
