#!/usr/bin/env python3
"""Checks Trisam's event contracts with a real JSON Schema validator (Draft 2020-12).

  validate-contracts.py            check contracts/: every schema is valid, every example message
                                   validates, and asyncapi.yaml names every event type exactly once.
  validate-contracts.py --stdin    validate messages given as JSON lines
                                   {"key": ..., "headers": {...}, "value": {...}}; prints one line per
                                   message, "ok" or "error: <where>: <why>"; exit status 1 if any failed.
"""
import json
import pathlib
import sys

import jsonschema
import referencing
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent / "contracts"
SCHEMAS = ROOT / "schemas"
BASE = "https://trisam.se/contracts/schemas/"
SHARED = {"common", "cloudevents-headers"}


def load_registry():
    resources = []
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        expected_id = BASE + path.name
        if schema.get("$id") != expected_id:
            raise SystemExit(f"{path}: $id must be {expected_id}")
        resources.append((expected_id, referencing.Resource.from_contents(schema)))
    return referencing.Registry().with_resources(resources)


def event_types():
    return sorted(p.stem for p in SCHEMAS.glob("*.json") if p.stem not in SHARED)


def validator(registry, name):
    schema = registry[BASE + name + ".json"].contents
    return jsonschema.Draft202012Validator(schema, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def first_error(v, instance):
    error = jsonschema.exceptions.best_match(v.iter_errors(instance))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "(root)"
    return f"{where}: {error.message}"


def check_message(registry, message, validators):
    """Returns None if the message is valid, else the reason."""
    headers = message.get("headers")
    if not isinstance(headers, dict):
        return "headers: missing"
    error = first_error(validators["cloudevents-headers"], headers)
    if error:
        return f"headers {error}"
    if message.get("key") != headers["ce_subject"]:
        return "key: must equal ce_subject"
    ce_type = headers["ce_type"]
    name = ce_type[len("se.trisam."):-len(".v1")] if ce_type.startswith("se.trisam.") and ce_type.endswith(".v1") else None
    if name not in validators or name in SHARED:
        return f"headers ce_type: unknown event type {ce_type}"
    error = first_error(validators[name], message.get("value"))
    return f"value {error}" if error else None


def check_asyncapi(types):
    doc = yaml.safe_load((ROOT / "asyncapi.yaml").read_text(encoding="utf-8"))
    problems = []
    if doc.get("asyncapi") != "3.0.0":
        problems.append("asyncapi.yaml: asyncapi must be 3.0.0")
    messages = doc["components"]["messages"]
    referenced = {}
    for mid, message in messages.items():
        ref = message.get("payload", {}).get("schema", {}).get("$ref")
        if ref is None:
            continue
        path = (ROOT / ref).resolve()
        if not path.exists():
            problems.append(f"asyncapi.yaml: message {mid} refers to missing {ref}")
        referenced.setdefault(path.stem, []).append(mid)
        if message.get("name") != f"se.trisam.{path.stem}.v1":
            problems.append(f"asyncapi.yaml: message {mid} must be named se.trisam.{path.stem}.v1")
    for name in types:
        if len(referenced.get(name, [])) != 1:
            problems.append(f"asyncapi.yaml: event type {name} must have exactly one message, has {len(referenced.get(name, []))}")
    used = set()
    for cid, channel in doc["channels"].items():
        for key, ref in (channel.get("messages") or {}).items():
            target = ref["$ref"].split("/")[-1]
            if target not in messages:
                problems.append(f"asyncapi.yaml: channel {cid} refers to unknown message {target}")
            used.add(target)
    for oid, operation in doc["operations"].items():
        channel = operation["channel"]["$ref"].split("/")[-1]
        if channel not in doc["channels"]:
            problems.append(f"asyncapi.yaml: operation {oid} refers to unknown channel {channel}")
        for ref in operation.get("messages", []):
            parts = ref["$ref"].split("/")
            if parts[2] != channel or parts[4] not in (doc["channels"][channel].get("messages") or {}):
                problems.append(f"asyncapi.yaml: operation {oid} refers to {ref['$ref']}, not a message of its channel")
    for mid in messages:
        if mid not in used:
            problems.append(f"asyncapi.yaml: message {mid} is on no channel")
    return problems, {ch["address"] for ch in doc["channels"].values()}


def main():
    registry = load_registry()
    types = event_types()
    validators = {name: validator(registry, name) for name in types + sorted(SHARED)}
    if sys.argv[1:] == ["--stdin"]:
        failed = False
        for line in sys.stdin:
            if not line.strip():
                continue
            reason = check_message(registry, json.loads(line), validators)
            failed |= reason is not None
            print("ok" if reason is None else f"error: {reason}", flush=True)
        return 1 if failed else 0
    if sys.argv[1:]:
        print(__doc__, file=sys.stderr)
        return 2
    problems = []
    for name in types:
        example = ROOT / "examples" / f"{name}.json"
        if not example.exists():
            problems.append(f"examples/{name}.json: missing")
            continue
        message = json.loads(example.read_text(encoding="utf-8"))
        reason = check_message(registry, message, validators)
        if reason:
            problems.append(f"examples/{name}.json: {reason}")
        elif message["headers"]["ce_type"] != f"se.trisam.{name}.v1":
            problems.append(f"examples/{name}.json: ce_type must be se.trisam.{name}.v1")
    for example in (ROOT / "examples").glob("*.json"):
        if example.stem not in types:
            problems.append(f"examples/{example.name}: no schema of that name")
    asyncapi_problems, addresses = check_asyncapi(types)
    problems += asyncapi_problems
    for problem in problems:
        print(problem)
    print(f"{len(types)} event types, {len(addresses)} topics: {'FAILED' if problems else 'all schemas, examples and asyncapi.yaml check out'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
