"""What the cache's answers are known by: digests of contents, and the fingerprint of the
code and schemas that made them."""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

import sopkit

try:  # hashlib would also load OpenSSL, a few milliseconds of a run that has little to do
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - not CPython
    from hashlib import blake2b

FORMAT = 5
"""Bump when the layout of the cache file or of an entry changes (a file of another format
is ignored, not misread)."""

DIGEST_SIZE = 20
"""Bytes of :func:`content_digest`."""


def content_digest(content: bytes) -> bytes:
    """What a file's bytes are known by."""
    return blake2b(content, digest_size=DIGEST_SIZE).digest()


def context_digest(*parts: bytes) -> bytes:
    """What the answers of a whole handbook depend on besides each file's bytes."""
    hasher = blake2b(digest_size=20)
    for part in parts:
        hasher.update(len(part).to_bytes(8, "little"))
        hasher.update(part)
    return hasher.digest()


def name_digest(name: str) -> str:
    """The hex digest a handbook's cache file is named by."""
    return blake2b(name.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()


@cache
def code_fingerprint() -> bytes:
    """Everything besides a file's own bytes that can change what checking it gives."""
    digest = blake2b(digest_size=16)
    digest.update(f"{FORMAT}|{sopkit.__version__}|{sys.version_info[:3]}".encode())
    package = os.path.dirname(sopkit.__file__)
    for folder, subfolders, files in os.walk(package):
        subfolders.sort()
        for name in sorted(files):
            if name.endswith(".py"):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}|{stat.st_size}|{stat.st_mtime_ns}".encode(
                    "utf-8", "surrogateescape"))
    from sopkit.format.schema import schema_path

    for kind in ("procedure", "organization", "training", "approval"):
        digest.update(schema_path(kind).read_bytes())
    for module in ("yaml", "yaml._yaml", "jsonschema", "jsonschema_rs"):
        origin = _origin(module)
        if origin is not None:
            stat = origin.stat()
            digest.update(f"{module}|{origin}|{stat.st_size}|{stat.st_mtime_ns}".encode(
                "utf-8", "surrogateescape"))
    return digest.digest()


def _origin(module: str) -> Path | None:
    from importlib.util import find_spec

    try:
        spec = find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None or not os.path.isfile(spec.origin):
        return None
    return Path(spec.origin)
