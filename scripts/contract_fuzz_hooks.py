"""schemathesis hooks for scripts/contract-fuzz.

Some rules of the agency API are relative to today or to the agency serving the request, so
OpenAPI cannot state them; contracts/openapi.yaml states them in the field descriptions (see
"Rules the schemas cannot state" in its info). A schema-valid request that breaks one of them is
rightly refused with 400, which `positive_data_acceptance` would count as a failure. This hook
makes the generated *positive* cases also keep those stated rules, by moving a value that
breaks one into its window (deterministically, so a seed replays): dates into their windows,
SIP times ahead of now, the personnummer's check digit, the other party of a referral or
handover away from the serving agency, the serving agency into a consent's agencies, a status
type into the serving agency's vocabulary. Negative cases are left as generated, so every
check still runs on them, and nothing else of a positive case is touched.

Environment: CONTRACT_FUZZ_AGENCY, the agency the service under test serves.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pathlib
import zlib
from zoneinfo import ZoneInfo

import schemathesis

AGENCY = os.environ.get("CONTRACT_FUZZ_AGENCY", "kommun")
AGENCIES = ["kommun", "af", "fk", "region"]
STOCKHOLM = ZoneInfo("Europe/Stockholm")
EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "contracts" / "examples"
PAST_DAYS = 3653  # DateRules.maxPastDays
HAPPENED = {"registeredOn", "attemptedOn", "assessedOn", "deregisteredOn", "reachedOn"}
AHEAD = {"startDate", "effectiveDate", "from", "until", "endDate", "endedOn"}
VOCABULARY = sorted(path.name[: -len(".json")] for path in EXAMPLES.glob(f"{AGENCY}.*.json"))


def _today() -> dt.date:
    return dt.datetime.now(STOCKHOLM).date()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _spread(seed: str, low: int, high: int) -> int:
    """A number in [low, high] that depends only on `seed`."""
    return low + zlib.crc32(seed.encode()) % (high - low + 1)


def _date(text, low: dt.date, high: dt.date) -> str:
    """`text` if it is a date in [low, high], else a date in that window chosen from it."""
    try:
        value = dt.date.fromisoformat(text)
        if low <= value <= high:
            return text
    except (TypeError, ValueError):
        pass
    return (low + dt.timedelta(days=_spread(str(text), 0, (high - low).days))).isoformat()


def _past(text) -> str:
    today = _today()
    return _date(text, today - dt.timedelta(days=PAST_DAYS), today)


def _ahead(text, days: int) -> str:
    today = _today()
    return _date(text, today - dt.timedelta(days=PAST_DAYS), today + dt.timedelta(days=days))


def _from_today(text, first: int, last: int) -> str:
    today = _today()
    return _date(text, today + dt.timedelta(days=first), today + dt.timedelta(days=last))


def _time(seed: str, hours_ahead_low: int, hours_ahead_high: int) -> dt.datetime:
    hours = _spread(seed, hours_ahead_low, hours_ahead_high)
    return (_now() + dt.timedelta(hours=hours)).replace(minute=0, second=0, microsecond=0)


def _iso(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(text):
    try:
        return dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


def _slot(slot: dict, seed: str) -> dict:
    """A slot that ends after now, starts at most a year ahead and lasts at most 12 hours."""
    start, end = _parse_time(slot.get("start")), _parse_time(slot.get("end"))
    now = _now()
    if start and end and now < end and start < end and end - start <= dt.timedelta(hours=12) and start <= now + dt.timedelta(days=365):
        return slot
    begin = _time(seed, 24, 24 * 300)
    return {"start": _iso(begin), "end": _iso(begin + dt.timedelta(hours=_spread(seed + "h", 1, 4)))}


def _luhn(digits: str) -> int:
    total = 0
    for index, character in enumerate(digits):
        value = int(character) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def _personnummer(text: str) -> str:
    """A valid number in the written form of `text` (with or without century and separator)."""
    text = str(text)
    separator = "+" if "+" in text else ("-" if "-" in text else "")
    century = len(text.replace("-", "").replace("+", "")) == 12
    if separator == "+":
        born = dt.date(1900, 1, 1) + dt.timedelta(days=_spread(text, 0, 9000))
    else:
        born = _today() - dt.timedelta(days=_spread(text, 20 * 365, 80 * 365))
    serial = f"{_spread(text + 's', 0, 999):03d}"
    short = born.strftime("%y%m%d") + serial
    number = short + str(_luhn(short))
    date = born.strftime("%Y%m%d") if century else born.strftime("%y%m%d")
    return date + separator + number[6:]


def _other_agency(seed: str) -> str:
    others = [agency for agency in AGENCIES if agency != AGENCY]
    return others[_spread(seed, 0, len(others) - 1)]


def _status(body: dict) -> None:
    if body.get("type") not in VOCABULARY:
        chosen = VOCABULARY[_spread(json.dumps(body, sort_keys=True, default=str), 0, len(VOCABULARY) - 1)]
        example = json.loads((EXAMPLES / f"{chosen}.json").read_text())
        body["type"], body["payload"] = chosen, example["value"]
    payload = body.get("payload")
    if not isinstance(payload, dict):
        return
    for key, value in list(payload.items()):
        if key in HAPPENED:
            payload[key] = _past(value)
        elif key in AHEAD:
            long = body["type"] == "fk.aktivitetsersattning.granted" and key == "until"
            payload[key] = _ahead(value, 1096 if long else 366)
        elif key == "month" and isinstance(value, str):
            today = _today()
            first = today - dt.timedelta(days=PAST_DAYS)
            if not (f"{first:%Y-%m}" <= value <= f"{today:%Y-%m}"):
                payload[key] = f"{today:%Y-%m}"
    for start in ("from", "effectiveDate"):
        if start in payload and "until" in payload and payload["until"] < payload[start]:
            payload[start], payload["until"] = payload["until"], payload[start]


def _plan(body: dict, seed: str) -> None:
    if "followUpOn" in body:
        body["followUpOn"] = _from_today(body["followUpOn"], 1, 366)
    participants = body.get("participants")
    if isinstance(participants, list) and body.get("leadAgency") in AGENCIES and body["leadAgency"] not in participants:
        if len(participants) >= 4:
            participants.pop()
        participants.append(body["leadAgency"])
    for index, action in enumerate(body.get("actions") or []):
        if not isinstance(action, dict):
            continue
        if "dueDate" in action:
            action["dueDate"] = _from_today(action["dueDate"], 0, 731)
        if isinstance(participants, list) and participants and action.get("owner") not in participants:
            action["owner"] = participants[index % len(participants)]
        elif participants is None:
            # A revision: only the lead revises, and the lead is always a participant.
            action["owner"] = AGENCY


def _keep_stated_rules(operation: str, body) -> None:
    if not isinstance(body, dict):
        return
    seed = json.dumps(body, sort_keys=True, default=str)
    path = operation.partition(" ")[2]
    if path in ("/persons", "/persons/search") and "personnummer" in body:
        body["personnummer"] = _personnummer(body["personnummer"])
    elif path.endswith("/consents"):
        agencies = body.get("agencies")
        if isinstance(agencies, list) and AGENCY not in agencies:
            agencies[-1] = AGENCY
        if "givenOn" in body:
            today = _today()
            body["givenOn"] = _date(body["givenOn"], today - dt.timedelta(days=1826), today)
            given = dt.date.fromisoformat(body["givenOn"])
            if "validUntil" in body:
                body["validUntil"] = _date(body["validUntil"], today, given + dt.timedelta(days=1827))
    elif path.endswith("/statuses"):
        _status(body)
    elif path.endswith("/handovers") or path.endswith("/referrals"):
        if body.get("to") == AGENCY:
            body["to"] = _other_agency(seed)
        if "answerBy" in body:
            body["answerBy"] = _from_today(body["answerBy"], 0, 366)
    elif path.endswith("/sips"):
        invited = body.get("invited")
        if isinstance(invited, list) and AGENCY in invited:
            invited.remove(AGENCY)
            if not invited:
                invited.append(_other_agency(seed))
        contacts = body.get("contacts")
        if isinstance(contacts, dict) and isinstance(invited, list):
            # Only the caller (the serving agency) and the invited agencies have contacts.
            for key in [key for key in contacts if key != AGENCY and key not in invited]:
                del contacts[key]
        if "answerBy" in body:
            body["answerBy"] = _from_today(body["answerBy"], 0, 366)
    elif path.endswith("/answer"):
        slots = body.get("availability")
        if isinstance(slots, list):
            body["availability"] = [_slot(slot, f"{seed}{index}") if isinstance(slot, dict) else slot for index, slot in enumerate(slots)]
    elif path.endswith("/schedule") or path.endswith("/reschedule"):
        if "start" in body and "end" in body:
            fixed = _slot({"start": body["start"], "end": body["end"]}, seed)
            body["start"], body["end"] = fixed["start"], fixed["end"]
        if "notBefore" in body:
            value = _parse_time(body["notBefore"])
            if value is None or value > _now() + dt.timedelta(days=365):
                body["notBefore"] = _iso(_time(seed, 0, 24 * 300))
    elif path.endswith("/plans") or path.endswith("/revise"):
        _plan(body, seed)
    if path.endswith("/withdraw") and "withdrawnOn" in body:
        # Not before the consent's givenOn, which lies in the last ten years: today always fits.
        body["withdrawnOn"] = _today().isoformat()
    for key in ("openedOn", "closedOn", "changedOn", "acceptedOn", "withdrawnOn", "heldOn", "completedOn"):
        if key in body:
            body[key] = _past(body[key])


@schemathesis.hook
def before_call(context, case, **kwargs):
    meta = getattr(case, "meta", None)
    mode = getattr(getattr(meta, "generation", None), "mode", None)
    if mode is None or not mode.is_positive:
        return
    _keep_stated_rules(case.operation.label, case.body)
