#!/usr/bin/env python3
"""Validates Backstage catalog entities (a multi-document YAML file) against the vendored
Backstage entity JSON schemas, with a small JSON-schema checker for the subset they use:
type, required, properties, additionalProperties (bool), patternProperties, enum, minLength,
minimum, pattern, items, allOf and $ref by $id (`Entity`, `EntityMeta`, `common#relation`).
Also checks Backstage's entity name rule, which its validators apply outside the schemas.

    check_entities.py catalog-info.yaml     # exit 1 and every problem listed when invalid
"""

import json
import pathlib
import re
import sys

import yaml

SCHEMAS = pathlib.Path(__file__).parent / "packages/catalog-model/src/schema"
KINDS = {"Component": "ComponentV1alpha1", "Resource": "ResourceV1alpha1"}
NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")


def load_schemas():
    by_id = {}
    for path in SCHEMAS.rglob("*.schema.json"):
        schema = json.loads(path.read_text())
        by_id[schema["$id"]] = schema
        for definition in schema.get("definitions", {}).values():
            if definition.get("$id", "").startswith("#"):
                by_id[schema["$id"] + definition["$id"]] = definition
    return by_id


def resolve(ref, base, by_id):
    if ref.startswith("#"):
        ref = base + ref
    if ref not in by_id:
        raise KeyError(f"unresolved $ref {ref!r}")
    return by_id[ref]


TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
}


def check(value, schema, by_id, base, where, problems):
    if "$ref" in schema:
        target = resolve(schema["$ref"], base, by_id)
        ref_base = target.get("$id", base) if not target.get("$id", "").startswith("#") else base
        check(value, target, by_id, ref_base, where, problems)
    for part in schema.get("allOf", []):
        check(value, part, by_id, base, where, problems)
    kind = schema.get("type")
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind is not None:
        ok = isinstance(value, TYPES[kind]) and not (kind != "boolean" and isinstance(value, bool))
    else:
        ok = True
    if not ok:
        problems.append(f"{where}: expected {kind}, got {type(value).__name__}")
        return
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            problems.append(f"{where}: shorter than {schema['minLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            problems.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, int) and "minimum" in schema and value < schema["minimum"]:
        problems.append(f"{where}: below {schema['minimum']}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            check(item, schema["items"], by_id, base, f"{where}[{i}]", problems)
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                problems.append(f"{where}: {key!r} is required")
        properties = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        for key, item in value.items():
            matched = False
            if key in properties:
                matched = True
                check(item, properties[key], by_id, base, f"{where}.{key}", problems)
            for pattern, sub in patterns.items():
                if re.search(pattern, key):
                    matched = True
                    check(item, sub, by_id, base, f"{where}.{key}", problems)
            if not matched and schema.get("additionalProperties") is False:
                problems.append(f"{where}: {key!r} is not allowed")


def main(path):
    by_id = load_schemas()
    documents = [d for d in yaml.safe_load_all(pathlib.Path(path).read_text()) if d is not None]
    problems = []
    if not documents:
        problems.append("no entity in the file")
    for index, entity in enumerate(documents):
        where = f"document {index}"
        kind = entity.get("kind") if isinstance(entity, dict) else None
        if kind not in KINDS:
            problems.append(f"{where}: kind {kind!r} is not one of {sorted(KINDS)}")
            continue
        schema = by_id[KINDS[kind]]
        check(entity, schema, by_id, schema["$id"], where, problems)
        name = entity.get("metadata", {}).get("name", "")
        if not (isinstance(name, str) and len(name) <= 63 and NAME.match(name)):
            problems.append(f"{where}: metadata.name {name!r} breaks Backstage's name rule")
    for problem in problems:
        print(problem)
    print(f"{len(documents)} entities, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
