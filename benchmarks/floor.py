"""The floor: what validating a handbook costs with nothing but libyaml and a compiled schema.

    python benchmarks/floor.py SCHEMA FILE...

For each file, in one process: libyaml's C parser builds the data (PyYAML's
CSafeLoader, with dates left as text, as sopkit reads them) and jsonschema-rs
checks it against the schema. No positions, no messages, no rules, no cache:
no tool that reports problems usefully can be faster than this by much, so
benchmarks/run.py compares `sopkit validate` with it. Prints how many files
were valid; the exit code is 0.
"""

from __future__ import annotations

import json
import sys

import jsonschema_rs
import yaml


class _Loader(yaml.CSafeLoader):
    """CSafeLoader, with timestamps kept as strings (JSON has no dates)."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp",  # type: ignore[type-var]
                        yaml.constructor.SafeConstructor.construct_yaml_str)


def main(argv: list[str]) -> int:
    schema_path, *files = argv
    with open(schema_path, encoding="utf-8") as stream:
        validator = jsonschema_rs.Draft7Validator(json.load(stream), validate_formats=True)
    valid = 0
    for name in files:
        with open(name, "rb") as stream:
            data = yaml.load(stream.read(), Loader=_Loader)  # a safe loader
        valid += bool(validator.is_valid(data))
    print(f"{valid} of {len(files)} valid")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
