"""The content digest of a procedure (format 1.2, "Approval records"): what an approval
record is bound to.

SHA-256 over the procedure's content as canonical JSON: keys sorted, UTF-8 (characters
as they are, not ``\\u`` escapes), no insignificant whitespace (separators ``,`` and
``:``), without the keys ``status``, ``effective_date`` and ``review`` and without any key
starting with ``x-``. So approving (setting status and effective date) or a periodic review
that changes nothing keeps the approvals, while any other edit changes the digest.

Choices the spec leaves open, written down in docs/approvals.md:

- ``status``, ``effective_date`` and ``review`` are left out at the top level only (where
  the format has them); an ``x-`` key is left out at every level (sopkit ignores them
  wherever they are).
- Values are taken as the loader reads them (sopkit.format.load): dates and times stay the
  text written (``2026-01-15``, quoted or not, is the string ``"2026-01-15"``); numbers are
  JSON numbers as Python writes them (``12`` stays ``12``, ``1.50`` is ``1.5``, ``1e3`` is
  ``1000.0``); ``true`` and ``false`` are JSON booleans; an empty value is ``null``.
- Comments, key order, quoting, indentation and YAML anchors are not content: two files
  that load to the same data have the same digest.

Pure: no file, no clock. ``hashlib`` and ``json`` are imported when first used (not at
every start of `sopkit validate`: only a handbook with approval records needs them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LEFT_OUT = frozenset({"status", "effective_date", "review"})
"""The top-level keys that are not content: approving and reviewing set them."""
PREFIX = "sha256:"


def _content(value: Any) -> Any:
    """``value`` without its ``x-`` keys, at every level."""
    if isinstance(value, Mapping):
        return {key: _content(item) for key, item in value.items()
                if not (isinstance(key, str) and key.startswith("x-"))}
    if isinstance(value, list):
        return [_content(item) for item in value]
    return value


def canonical_json(data: Mapping[str, Any]) -> bytes:
    """The content of a procedure's data as canonical JSON, UTF-8 (what is hashed)."""
    import json

    content = _content({key: value for key, value in data.items() if key not in LEFT_OUT})
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=True).encode("utf-8", "surrogatepass")


def procedure_digest(data: Mapping[str, Any]) -> str:
    """``sha256:`` and the hex SHA-256 of :func:`canonical_json` of a procedure's data."""
    import hashlib

    return PREFIX + hashlib.sha256(canonical_json(data)).hexdigest()
