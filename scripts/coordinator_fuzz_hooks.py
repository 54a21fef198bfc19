"""schemathesis hooks for scripts/coordinator-fuzz.

Some rules of the coordinator's API cannot be stated in OpenAPI, and contracts/coordinator.openapi.yaml
states them in words: a personnummer must name a real date and carry its Luhn check digit, and
`POST /admin/clock` moves the fixed clock forward only, and work on a flag takes dates from the
coordinator's today on (a next step due today or later, set aside until 1–365 days ahead). A schema-valid request that breaks one
of them is rightly refused with 400, which `positive_data_acceptance` would count as a failure.
This hook makes the generated *positive* cases keep those rules (deterministically, so a seed
replays): a personnummer gets a real birth date and its check digit (now and then the one
registered person's number, so a search also finds someone), and a clock time earlier than the
last one sent, or unreadable here, becomes a minute after it; a flag's dates fall within range. Negative cases are left as
generated, and nothing else of a positive case is touched.

Environment: COORDINATOR_FUZZ_PERSONNUMMER (the registered person's number),
COORDINATOR_FUZZ_CLOCK (the coordinator's fixed clock at start, RFC 3339).
"""

from __future__ import annotations

import datetime as dt
import os
import zlib

import schemathesis

KNOWN = os.environ.get("COORDINATOR_FUZZ_PERSONNUMMER", "19121212-1212")
_last = dt.datetime.fromisoformat(os.environ.get("COORDINATOR_FUZZ_CLOCK", "2026-11-24T09:00:00+00:00").replace("Z", "+00:00"))
_LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)


def _spread(seed: str, low: int, high: int) -> int:
    return low + zlib.crc32(seed.encode()) % (high - low + 1)


def _luhn(digits: str) -> int:
    total = 0
    for index, character in enumerate(digits):
        value = int(character) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def _personnummer(text: str) -> str:
    """A valid number in the written form of `text` (with or without century and separator)."""
    text = str(text)
    if _spread(text + "k", 0, 3) == 0:
        return KNOWN
    separator = "+" if "+" in text else ("-" if "-" in text else "")
    century = len(text.replace("-", "").replace("+", "")) == 12
    today = dt.date.today()
    if separator == "+":
        born = dt.date(1900, 1, 1) + dt.timedelta(days=_spread(text, 0, 9000))
    else:
        born = today - dt.timedelta(days=_spread(text, 20 * 365, 80 * 365))
    serial = f"{_spread(text + 's', 0, 999):03d}"
    short = born.strftime("%y%m%d") + serial
    number = short + str(_luhn(short))
    date = born.strftime("%Y%m%d") if century else born.strftime("%y%m%d")
    return date + separator + number[6:]


def _clock(text) -> str:
    """`text` if it is a time after the last one sent (and before 2100), else a minute after it."""
    global _last
    try:
        value = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00").replace("z", "+00:00"))
        if value.tzinfo is not None and _last <= value < _LATEST and "T" in str(text).upper():
            _last = value
            return text
    except ValueError:
        pass
    _last = _last + dt.timedelta(minutes=1)
    return _last.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@schemathesis.hook
def before_call(context, case, **kwargs):
    meta = getattr(case, "meta", None)
    mode = getattr(getattr(meta, "generation", None), "mode", None)
    if mode is None or not mode.is_positive or not isinstance(case.body, dict):
        return
    path = case.operation.label.partition(" ")[2]
    if path == "/persons/search" and isinstance(case.body.get("personnummer"), str):
        case.body["personnummer"] = _personnummer(case.body["personnummer"])
    elif path == "/admin/clock" and "now" in case.body:
        case.body["now"] = _clock(case.body["now"])
    elif path.endswith("/next-step") and "dueOn" in case.body:
        case.body["dueOn"] = _day_ahead(case.body["dueOn"], 0)
    elif path.endswith("/set-aside") and "until" in case.body:
        case.body["until"] = _day_ahead(case.body["until"], 1)


def _day_ahead(text, first: int) -> str:
    """A day from `first` to 300 days after the coordinator's today, chosen from `text`."""
    return (_last.date() + dt.timedelta(days=_spread(str(text), first, 300))).isoformat()
