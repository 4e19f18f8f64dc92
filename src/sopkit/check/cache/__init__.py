"""What `sopkit validate` remembers between runs, so that a re-run checks only what changed.

Checking a procedure on its own (loading it, the schema, and the rules whose
findings depend on the file, or the file and organization.yml: ``depends_on``, see
sopkit.rules) gives the same answer for the same bytes every time. For each file
the cache keeps that answer under the digest of the file's bytes and the name it
is reported under, in a cache file that is valid only for one *context*:

* organization.yml's bytes (rules such as unknown-role read it);
* sopkit's version and the size and time of each of its source files (a
  changed rule changes answers), the bytes of the schemas, where PyYAML,
  libyaml, jsonschema and jsonschema-rs are installed (and their sizes and
  times), and Python's version.

Rule severities are not part of it: every finding is kept and the handbook's
settings are applied afterwards. Nor is `today`: the rules that read the date
or the other procedures (``depends_on="extracts"``: review-overdue,
unknown-related, ...) run over a small extract of each file that is kept with it;
their last findings (with those about organization.yml itself) are kept too, under
a digest of all the extracts and the date, so that an edit that leaves
ids, titles, statuses, related procedures and review dates alone (and their
lines) does not even re-run them.

Like git's index, the cache also keeps each file's stat (device, inode, size,
modification and change times): a file whose stat is unchanged is not read
again. A stat is only kept for a file that had not been modified for two
seconds when it was read, so that an edit in the same clock tick is not missed.

The answers of one handbook (one procedures folder, checked from one folder)
are kept in one file, with a checksum, rewritten whole through a temporary
file and ``os.replace``: two runs sharing the cache never see half a file, and
the last one to finish wins, which is harmless because every answer says what
it depends on. A file that cannot be read back (truncated, damaged, from
another version or context) is ignored and replaced. The cache folder is the
one passed in, or ``$SOPKIT_CACHE_DIR``, or the ``cache_dir`` option in mkdocs.yml, or
``platformdirs.user_cache_dir("sopkit")``; handbook files not used for 30 days
are removed, and at most KEEP_FILES are kept.

An answer from the cache is trusted as if sopkit had just worked it out, so the
cache must be the user's alone, as ssh (StrictModes) and pip require of their
folders: a cache folder that is a link, belongs to another user or can be
written by others (a shared ``SOPKIT_CACHE_DIR`` under /tmp, a self-hosted
runner's folder), or lies in a folder others could rename it in, is refused
(:func:`folder_problem`; the check says so in its notes and checks without the
cache). A folder sopkit creates is the user's only (0700). A cache file is read only when it is
a regular file of the user's that others cannot write, of at most MAX_BYTES, and
never through a link nor by blocking on a FIFO; anything else is ignored and
replaced.

The modules: :mod:`.lookup` (what the check calls: look up, store), :mod:`.entries` (the
form of an answer and of an extract), :mod:`.records` (the compact form of a file of
records, such as a training file: most of a large handbook's cache before it had one),
:mod:`.store` (the cache file of one handbook),
:mod:`.folder` (where it lives, and whether it can be trusted) and :mod:`.keys` (digests
and the code's fingerprint).
"""

from __future__ import annotations

from sopkit.check.cache.folder import (
    CACHE_ENV,
    KEEP_DAYS,
    KEEP_FILES,
    MAX_BYTES,
    default_cache_dir,
    folder_problem,
    read_private,
)
from sopkit.check.cache.keys import (
    DIGEST_SIZE,
    FORMAT,
    code_fingerprint,
    content_digest,
    context_digest,
)
from sopkit.check.cache.lookup import CheckCache, Found, open_cache
from sopkit.check.cache.store import TRUST_AFTER_NS, Cache, decode, encode

__all__ = [
    "CACHE_ENV",
    "DIGEST_SIZE",
    "FORMAT",
    "KEEP_DAYS",
    "KEEP_FILES",
    "MAX_BYTES",
    "TRUST_AFTER_NS",
    "Cache",
    "CheckCache",
    "Found",
    "code_fingerprint",
    "content_digest",
    "context_digest",
    "decode",
    "default_cache_dir",
    "encode",
    "folder_problem",
    "open_cache",
    "read_private",
]
