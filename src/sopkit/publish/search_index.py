"""The search index Material writes, written again in UTF-8.

Material's search plugin writes ``search/search_index.json`` with every character outside
ASCII escaped: six bytes (``\\u6d41``) for each Chinese character, and six more for each
zero-width space its Chinese word splitter puts between words. Written again as UTF-8 (three
bytes each) it is the same JSON for the browser (which reads JSON as UTF-8), and about a
quarter smaller for a handbook in Chinese; every reader downloads it on their first search.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

INDEX = Path("search") / "search_index.json"


def utf8_search_index(site_dir: Path) -> None:
    """Write the site's search index again in UTF-8, if there is one that escapes
    characters; leave it as it is if it cannot be read or written so."""
    path = site_dir / INDEX
    try:
        raw = path.read_bytes()
    except OSError:
        return
    if b"\\u" not in raw:
        return
    try:
        text = json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":"))
        encoded = text.encode("utf-8")  # a lone surrogate (\ud800) cannot be: kept escaped
    except (ValueError, RecursionError):
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(encoded)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
