#!/usr/bin/python3
"""Checks docs/scenario.schema.json against real files: every shipped scenario and every
tests/sim/scenario/good/*.yaml must validate; every bad/*.yaml marked '# schema-rejects' must not.
Fails naming the Debian packages when python3-jsonschema or python3-yaml is missing."""
import json
import pathlib
import sys

try:
    import jsonschema
    import yaml
except ImportError as e:  # pragma: no cover
    print(f"missing {e.name}: install the Debian packages python3-jsonschema python3-yaml "
          "(scripts/install-deps.sh)")
    sys.exit(1)

root = pathlib.Path(sys.argv[1])
schema = json.loads((root / "docs/scenario.schema.json").read_text())
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

failures = []
good = sorted((root / "scenarios").glob("*.yaml")) + sorted((root / "tests/sim/scenario/good").glob("*.yaml"))
for path in good:
    doc = yaml.safe_load(path.read_text())
    errors = list(validator.iter_errors(doc))
    if errors:
        failures.append(f"{path}: schema rejects a valid scenario: {errors[0].message} at {list(errors[0].path)}")
checked_bad = 0
for path in sorted((root / "tests/sim/scenario/bad").glob("*.yaml")):
    # Only files marked '# schema-rejects' are checked; the mark is ASCII, so look for it in the
    # bytes (some bad files are not UTF-8 on purpose, and only marked ones need to be text).
    if b"# schema-rejects" not in path.read_bytes():
        continue
    text = path.read_text()
    checked_bad += 1
    if validator.is_valid(yaml.safe_load(text)):
        failures.append(f"{path}: schema accepts a scenario it should reject")
print(f"{len(good)} valid scenarios, {checked_bad} invalid ones checked against the schema")
for f in failures:
    print(f)
sys.exit(1 if failures else 0)
