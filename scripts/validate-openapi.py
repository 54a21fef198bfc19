#!/usr/bin/env python3
"""Checks contracts/openapi.yaml, the HTTP API of the agency service (OpenAPI 3.1), or with
`--document coordinator.openapi.yaml` (before the other arguments) the coordinator's API.

  validate-openapi.py              check the document: valid OpenAPI 3.1 (openapi-spec-validator),
                                   every $ref resolves, every example validates against its schema,
                                   the status vocabulary matches schemas/, every secured operation
                                   documents 401/403 and every request body 400/413.
  validate-openapi.py --routes     print the documented operations, one "METHOD /path/{param}" a line.
  validate-openapi.py --responses  validate real answers given as JSON lines
                                   {"method": ..., "path": "/persons/abc", "status": 201, "body": {...}}
                                   against the documented response of that operation and status;
                                   prints one line per answer, "ok" or "error: <why>"; exit status 1
                                   if any failed.
"""
import json
import pathlib
import re
import sys

import jsonschema
import referencing
import referencing.exceptions
import referencing.jsonschema
import yaml
from openapi_spec_validator import validate as validate_spec

ROOT = pathlib.Path(__file__).resolve().parent.parent / "contracts"
DOCUMENT = ROOT / "openapi.yaml"
SCHEMAS = ROOT / "schemas"
AGENCIES = ("kommun", "af", "fk", "region")
METHODS = ("get", "put", "post", "delete", "patch")
DRAFT = referencing.jsonschema.DRAFT202012


def load():
    doc = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    resources = [(DOCUMENT.as_uri(), DRAFT.create_resource(doc))]
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resource = referencing.Resource.from_contents(schema)
        # Reachable both by the file path the document uses and by the $id the schemas use.
        resources.append((path.as_uri(), resource))
        resources.append((schema["$id"], resource))
    return doc, referencing.Registry().with_resources(resources)


def pointer(*parts):
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def validator_at(registry, json_pointer):
    """A validator for the schema at `json_pointer` inside the document, refs resolved."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": DOCUMENT.as_uri() + "#" + json_pointer}
    return jsonschema.Draft202012Validator(schema, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def first_error(validator, instance):
    try:
        error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    except (referencing.exceptions.Unresolvable, jsonschema.exceptions._WrappedReferencingError) as unresolved:
        return f"a $ref does not resolve: {unresolved}"
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "(root)"
    return f"{where}: {error.message}"


def walk_refs(node, where, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.append((where, value))
            else:
                walk_refs(value, f"{where}/{key}", found)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            walk_refs(value, f"{where}/{index}", found)


def check_refs(doc, registry):
    problems = []
    refs = []
    walk_refs(doc, "", refs)
    resolver = registry.resolver(base_uri=DOCUMENT.as_uri())
    for where, ref in refs:
        if not ref.startswith("#"):
            target = (DOCUMENT.parent / ref.split("#")[0]).resolve()
            if not target.exists():
                problems.append(f"{DOCUMENT.name}{where}: $ref {ref}: no such file")
                continue
        try:
            resolver.lookup(ref)
        except Exception as error:  # noqa: BLE001 - any resolution failure is a finding
            problems.append(f"{DOCUMENT.name}{where}: $ref {ref} does not resolve: {error}")
    return problems


def responses_of(doc, operation):
    """Resolves `$ref`s to components/responses."""
    result = {}
    for status, response in operation.get("responses", {}).items():
        if "$ref" in response:
            name = response["$ref"].split("/")[-1]
            result[status] = (pointer("components", "responses", name), doc["components"]["responses"][name])
        else:
            result[status] = (None, response)
    return result


def operations(doc):
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def check_examples(doc, registry):
    problems = []
    # Request bodies and responses of every operation.
    for path, method, operation in operations(doc):
        name = f"{method.upper()} {path}"
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None:
            if "example" not in body:
                problems.append(f"{name}: the request body has no example")
            else:
                v = validator_at(registry, pointer("paths", path, method, "requestBody", "content", "application/json", "schema"))
                error = first_error(v, body["example"])
                if error:
                    problems.append(f"{name}: request example: {error}")
        for status, (base, response) in responses_of(doc, operation).items():
            content = response.get("content", {}).get("application/json")
            if content is None:
                continue
            schema_pointer = (base or pointer("paths", path, method, "responses", status)) + pointer("content", "application/json", "schema")
            v = validator_at(registry, schema_pointer)
            samples = [content["example"]] if "example" in content else []
            samples += [e["value"] for e in content.get("examples", {}).values()]
            for sample in samples:
                error = first_error(v, sample)
                if error:
                    problems.append(f"{name} {status}: example: {error}")
    return problems


def check_statuses(doc, registry):
    problems = []
    status_types = sorted(p.stem for p in SCHEMAS.glob("*.json") if p.stem.split(".")[0] in AGENCIES)
    schemas = doc["components"]["schemas"]
    listed = [entry["$ref"].split("/")[-1] for entry in schemas["StatusChange"]["oneOf"]]
    if sorted(listed) != sorted(f"Status_{t}" for t in status_types):
        problems.append(f"StatusChange.oneOf must list exactly the status types of schemas/: {sorted(set(listed) ^ {f'Status_{t}' for t in status_types})}")
    for t in status_types:
        component = schemas.get(f"Status_{t}")
        if component is None:
            continue
        if component["properties"]["type"].get("const") != t or component["properties"]["payload"].get("$ref") != f"schemas/{t}.json":
            problems.append(f"Status_{t} must have type const {t} and payload schemas/{t}.json")
    # Every example payload of a status type is a valid status change request body.
    v = validator_at(registry, pointer("components", "schemas", "StatusChange"))
    for t in status_types:
        example = json.loads((ROOT / "examples" / f"{t}.json").read_text(encoding="utf-8"))
        error = first_error(v, {"type": t, "payload": example["value"]})
        if error:
            problems.append(f"StatusChange does not accept examples/{t}.json: {error}")
    wrong = first_error(v, {"type": "af.registered", "payload": {"registeredOn": "2026-11-02", "colour": "blue"}})
    if wrong is None:
        problems.append("StatusChange accepts a payload with an unknown field")
    return problems


def check_error_responses(doc):
    problems = []
    for path, method, operation in operations(doc):
        name = f"{method.upper()} {path}"
        statuses = set(operation.get("responses", {}))
        secured = operation.get("security", doc.get("security")) != []
        # The agency API refuses another agency's token with 403; the coordinator has no 403.
        required = {"401", "403"} if "Forbidden" in doc["components"]["responses"] else {"401"}
        if secured and not required <= statuses:
            problems.append(f"{name}: a secured operation must document {' and '.join(sorted(required))}")
        if "requestBody" in operation and not {"400", "413"} <= statuses:
            problems.append(f"{name}: an operation with a body must document 400 and 413")
        if "{" in path and "404" not in statuses:
            problems.append(f"{name}: an operation on an identified resource must document 404")
        for status in statuses:
            if status.startswith("4"):
                ref = operation["responses"][status].get("$ref", "")
                if not ref.startswith("#/components/responses/"):
                    problems.append(f"{name} {status}: must use a shared error response")
    return problems


def route_pattern(path):
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")


def check_responses(doc, registry, lines):
    routes = [(route_pattern(path), path, method, operation) for path, method, operation in operations(doc)]
    # Literal routes first, so /persons/x/cases wins over a parameter in the same place.
    routes.sort(key=lambda r: r[1].count("{"))
    failed = False
    for line in lines:
        if not line.strip():
            continue
        answer = json.loads(line)
        method = answer["method"].lower()
        path = answer["path"].split("?")[0]
        status = str(answer["status"])
        match = next((r for r in routes if r[2] == method and r[0].match(path)), None)
        other_methods = [r for r in routes if r[0].match(path)]
        if match is None and other_methods and status == "405":
            # A documented path with a method it does not have: the shared MethodNotAllowed answer.
            base, response = pointer("components", "responses", "MethodNotAllowed"), doc["components"]["responses"]["MethodNotAllowed"]
            error = first_error(validator_at(registry, base + pointer("content", "application/json", "schema")), answer.get("body"))
            reason = f"{answer['method']} {path} 405: body {error}" if error else None
        elif match is None and not other_methods and status == "404":
            # An undocumented path: the shared NotFound answer.
            base = pointer("components", "responses", "NotFound")
            error = first_error(validator_at(registry, base + pointer("content", "application/json", "schema")), answer.get("body"))
            reason = f"{answer['method']} {path} 404: body {error}" if error else None
        elif match is None:
            reason = f"{answer['method']} {path} is not documented"
        else:
            _, template, _, operation = match
            responses = responses_of(doc, operation)
            if status not in responses:
                reason = f"{answer['method']} {template}: status {status} is not documented (documented: {', '.join(sorted(responses))})"
            else:
                base, response = responses[status]
                if "application/json" not in response.get("content", {}):
                    reason = None
                else:
                    schema_pointer = (base or pointer("paths", template, method, "responses", status)) + pointer("content", "application/json", "schema")
                    error = first_error(validator_at(registry, schema_pointer), answer.get("body"))
                    reason = f"{answer['method']} {template} {status}: body {error}" if error else None
        failed |= reason is not None
        print("ok" if reason is None else f"error: {reason}", flush=True)
    return 1 if failed else 0


def main():
    global DOCUMENT
    arguments = sys.argv[1:]
    if arguments[:1] == ["--document"] and len(arguments) >= 2:
        DOCUMENT = ROOT / arguments[1]
        arguments = arguments[2:]
    doc, registry = load()
    if arguments == ["--routes"]:
        for path, method, _ in operations(doc):
            print(f"{method.upper()} {path}")
        return 0
    if arguments == ["--responses"]:
        return check_responses(doc, registry, sys.stdin)
    if arguments:
        print(__doc__, file=sys.stderr)
        return 2
    problems = []
    if doc.get("openapi") != "3.1.0":
        problems.append(f"{DOCUMENT.name}: openapi must be 3.1.0")
    try:
        validate_spec(doc, base_uri=DOCUMENT.as_uri())
    except Exception as error:  # noqa: BLE001 - report the validator's finding
        problems.append(f"{DOCUMENT.name} is not valid OpenAPI 3.1: {error}")
    problems += check_refs(doc, registry)
    if not problems:
        problems += check_examples(doc, registry)
        if "StatusChange" in doc["components"]["schemas"]:
            problems += check_statuses(doc, registry)
    problems += check_error_responses(doc)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    count = sum(1 for _ in operations(doc))
    print(f"{DOCUMENT.name}: valid OpenAPI 3.1, {count} operations, every $ref resolves, every example validates")
    return 0


if __name__ == "__main__":
    sys.exit(main())
