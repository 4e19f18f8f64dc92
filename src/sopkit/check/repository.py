"""What CI checks beside the procedures' content, checked by `sopkit validate` too: the
procedures' place in the repository.

- ``codeowners-outdated``: the CODEOWNERS file sopkit wrote, at the top of the git
  repository the handbook is in, no longer says who reviews what (CI's
  `sopkit codeowners --check` would fail);
- ``department-folder``: a procedure sits in a folder named after another department;
- ``schema-comment-missing``: a procedure's first-line ``yaml-language-server`` comment
  points at no file (the editor says "Unable to load schema", and checks nothing).

They read more than one procedure's bytes (the folder a file is in, the file a comment
names, CODEOWNERS and what it is made from), so they are not rules of the registry, whose
findings the cache keeps with a file's answer: :func:`repository_findings` runs them at
every check, over the files' folders and first lines, and keeps only the CODEOWNERS
verdict in the cache, under a key of every file it is made from (names, sizes and
modification times). Their findings go through the same path as the rules' (a
:class:`~sopkit.check.findings.Finding`, then the severity the handbook's settings give).
The folder of a procedure is its place under the procedures folder, never a path as
given on the command line: how a file is named never changes a verdict.
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sopkit.check.diagnostics import RuleInfo
from sopkit.check.discover import display_name
from sopkit.check.findings import Finding
from sopkit.config import Config
from sopkit.format.load import Document
from sopkit.format.terminal import printable

if TYPE_CHECKING:
    from sopkit.check.cache import CheckCache
    from sopkit.check.files import ProcedureFile

CODEOWNERS_OUTDATED = RuleInfo(
    name="codeowners-outdated",
    severity="error",
    summary="The CODEOWNERS file sopkit wrote no longer matches the handbook.",
    doc="""\
## What it does

Where the handbook's git repository has a `.github/CODEOWNERS` (on GitLab,
`.gitlab/CODEOWNERS`) that `sopkit codeowners` wrote
(it has the `# BEGIN sopkit` section), checks that the section is what the
command would write now. People, roles, owners and procedures change; the file
does not follow until someone runs the command. CI runs
`sopkit codeowners --check`, which fails on the same difference: this rule says
so before the pull request does. A CODEOWNERS file without sopkit's section is
not looked at.

## Why it matters

GitHub asks the people CODEOWNERS names to review a change. A stale file asks
someone who left, or nobody, to review a new procedure.

## Example

```yaml
# organization.yml: wang-wei now holds the owner role of HR-001
people:
  - id: wang-wei
    github: wangwei
    roles: [hr-manager]
```

```text
# .github/CODEOWNERS, written before wang-wei was added
/procedures/hr/onboarding.yml @lina-hr
```

## Use instead

```sh
sopkit codeowners        # rewrites sopkit's section of .github/CODEOWNERS
git add .github/CODEOWNERS
```
""",
)

DEPARTMENT_FOLDER = RuleInfo(
    name="department-folder",
    severity="warning",
    summary="A procedure is in a folder named after another department.",
    doc="""\
## What it does

Where organization.yml declares departments and the procedures folder has
folders named after them, checks that a procedure in such a folder belongs to
that department (its `department`). Folders whose names are not department ids
are not looked at, so a handbook organised some other way is never warned. The
folder is the one under the procedures folder, wherever sopkit runs from.

## Why it matters

Writers and reviewers find procedures by folder, and CODEOWNERS often routes
by folder too: a warehouse procedure in `procedures/hr/` is reviewed by the
wrong people and found in the wrong place. Usually the file was copied from a
procedure of another department and `department` was left as it was.

## Example

```yaml
# procedures/hr/stock-count.yml
id: WH-001
department: warehouse
```

## Use instead

```yaml
# procedures/warehouse/stock-count.yml  (moved with git mv)
id: WH-001
department: warehouse
```
""",
)

SCHEMA_COMMENT = RuleInfo(
    name="schema-comment-missing",
    severity="warning",
    summary="The first-line schema comment of a procedure points at no file.",
    doc="""\
## What it does

Checks the first line of each procedure file: when it is a
`# yaml-language-server: $schema=...` comment naming a file (not an http or
https address), that file must exist, relative to the procedure file. A file
moved to another folder keeps its comment, which then points at nothing.

## Why it matters

Editors with the YAML language server read the schema from that comment: for
completion, hover texts and checking as the writer types. When it points at
nothing the editor says "Unable to load schema" and checks nothing at all.

## Example

```yaml
# procedures/hr/people/onboarding.yml, moved one folder down
# yaml-language-server: $schema=../../schemas/procedure.schema.json
id: HR-001
```

## Use instead

```yaml
# yaml-language-server: $schema=../../../schemas/procedure.schema.json
id: HR-001
```

(`sopkit init` also sets `yaml.schemas` in `.vscode/settings.json`, which
needs no comment at all.)
""",
)

RULES = (CODEOWNERS_OUTDATED, DEPARTMENT_FOLDER, SCHEMA_COMMENT)

_SCHEMA_LINE = re.compile(rb"#\s*yaml-language-server:\s*\$schema=(\S+)")
_DEPARTMENT_LINE = re.compile(
    rb"""^(department:[ \t]*)(["']?)([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\2[ \t]*(?:#.*)?\r?$""",
    re.MULTILINE)
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
CODEOWNERS_ASIDE = "codeowners"
"""Under this name the cache keeps the CODEOWNERS verdict and the key it holds for."""
SETTLED_NS = 2_000_000_000
"""A file changed this recently may change again within the same modification time: the
CODEOWNERS verdict is not kept then."""


def repository_findings(config: Config, files: Sequence[ProcedureFile],
                        valid: Iterable[str], organization: Document | None,
                        store: CheckCache | None) -> tuple[list[Finding], set[str]]:
    """What the three checks find, and the names of files outside the procedures that a
    whole-handbook check reports on (CODEOWNERS). ``valid`` names the procedure files that
    passed the schema (the folder check reads only those)."""
    departments = _department_ids(organization)
    places = _Places(config.procedures)
    valid_names = set(valid)
    found: list[Finding] = []
    for file in files:
        head = _head(file.path)
        if not head:
            continue
        found += _schema_comment(file, head, places)
        if departments and file.name in valid_names:
            found += _department_folder(file, head, places, departments)
    codeowners = _codeowners(config, files, store)
    found += codeowners
    return found, {finding.file for finding in codeowners}


HEAD = 8192
"""Bytes of a procedure read first: its schema comment, and its department (near the top
where writers put it; the rest of the file is read only when it is not there)."""


def _head(path: str) -> bytes:
    """The first :data:`HEAD` bytes of a procedure file; nothing for a file that is not a
    regular file (a pipe would block) or cannot be read (reported as its own problem)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return b""
        with open(path, "rb") as stream:
            return stream.read(HEAD)
    except OSError:
        return b""


class _Places:
    """Where procedure files are, folder by folder: each folder resolved once."""

    def __init__(self, procedures: Path) -> None:
        self.procedures = procedures.resolve()
        self._folders: dict[str, tuple[str, ...] | None] = {}
        self._files: dict[tuple[str, str], bool] = {}

    def folders(self, path: str) -> tuple[str, ...] | None:
        """The folders of ``path`` under the procedures folder (None when not under it)."""
        parent = os.path.dirname(os.path.abspath(path))
        if parent not in self._folders:
            try:
                relative = Path(parent).resolve().relative_to(self.procedures)
                self._folders[parent] = relative.parts
            except ValueError:
                self._folders[parent] = None
        return self._folders[parent]

    def is_file(self, path: str, target: str) -> bool:
        """Whether ``target``, relative to the folder of ``path``, is a file."""
        key = (os.path.dirname(os.path.abspath(path)), target)
        if key not in self._files:
            self._files[key] = os.path.isfile(os.path.join(key[0], target))
        return self._files[key]


# -- the first-line schema comment ----------------------------------------------------------


def _schema_comment(file: ProcedureFile, head: bytes, places: _Places) -> list[Finding]:
    line = head.split(b"\n", 1)[0].removeprefix(b"\xef\xbb\xbf")
    match = _SCHEMA_LINE.match(line)
    if match is None:
        return []
    target = match.group(1).decode("utf-8", errors="replace")
    if _URL.match(target) or places.is_file(file.path, target):
        return []  # an address is not checked (no network)
    return [Finding(SCHEMA_COMMENT.name, file.name, 1, match.start(1) + 1,
                    f"the schema comment points at {target}, which is no file from here (was "
                    "the file moved?): correct the path, relative to this file, or remove "
                    "the line")]


# -- the department's folder ----------------------------------------------------------------


def _department_folder(file: ProcedureFile, head: bytes, places: _Places,
                       departments: set[str]) -> list[Finding]:
    named = [folder for folder in places.folders(file.path) or () if folder in departments]
    if not named:
        return []  # folders that are not departments: nothing to say
    found = _department(file.path, head)
    if found is None or found[0] in named:
        return []
    department, line, column = found
    return [Finding(DEPARTMENT_FOLDER.name, file.name, line, column,
                    f"this procedure of department '{department}' is in the folder of "
                    f"department '{named[-1]}': move it to the folder of its department "
                    "(git mv), or correct department")]


def _department_ids(organization: Document | None) -> set[str]:
    if organization is None:
        return set()
    departments = organization.data.get("departments")
    return {item["id"] for item in departments if isinstance(item, dict)
            and isinstance(item.get("id"), str)} if isinstance(departments, list) else set()


def _department(path: str, head: bytes) -> tuple[str, int, int] | None:
    """The procedure's top-level ``department`` and where its value is: found on a line
    of its own (``department: id``) as writers put it, else read as YAML does."""
    text = head if len(head) < HEAD else head[: head.rfind(b"\n") + 1]  # whole lines only
    match = _DEPARTMENT_LINE.search(text)
    if match is None and len(head) == HEAD:
        try:
            with open(path, "rb") as stream:
                text = stream.read()
        except OSError:
            return None
        match = _DEPARTMENT_LINE.search(text)
    if match is None:  # parsed only when the key may be there in another spelling
        return _parsed_department(path, text) if b"department" in text else None
    line = text.count(b"\n", 0, match.start()) + 1
    column = len(match.group(1).decode("utf-8", errors="replace")) + len(match.group(2)) + 1
    return match.group(3).decode("ascii"), line, column


def _parsed_department(path: str, raw: bytes) -> tuple[str, int, int] | None:
    """``department`` as YAML reads it from ``raw`` (the whole file), where no line is a
    plain ``department: id`` (an anchor, a tag, a quoted key, the value on the next line):
    rare, so the file is parsed only then."""
    from sopkit.format.load import load_bytes

    document = load_bytes(raw, path)
    if not isinstance(document, Document):
        return None
    department = document.data.get("department")
    if not isinstance(department, str):
        return None
    line, column = document.position(("department",))
    return department, line, column


# -- CODEOWNERS -----------------------------------------------------------------------------


def _codeowners(config: Config, files: Sequence[ProcedureFile],
                store: CheckCache | None) -> list[Finding]:
    from sopkit.review import codeowners as routing

    path = routing.default_output(config.root)
    if not (path.parent.parent / ".git").exists():
        return []  # no repository, so no pull requests to route
    try:
        raw = path.read_bytes()
    except OSError:
        return []  # no CODEOWNERS: nothing is checked
    if b"# BEGIN sopkit" not in raw:
        return []  # not written by sopkit
    name = display_name(path)
    key, settled = _codeowners_key(config, path, raw, files)
    kept = store.aside(CODEOWNERS_ASIDE) if store is not None else None
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == key:
        difference = str(kept[1])
    else:
        try:
            current = raw.decode("utf-8")
            expected = routing.generate(config, routing.repository_root(path))
            difference = routing.difference(current, expected)
        except (UnicodeDecodeError, routing.CodeownersError):
            return []  # `sopkit codeowners --check` says what is wrong
        if store is not None and settled:
            store.keep_aside(CODEOWNERS_ASIDE, (key, difference))
    if not difference:
        return []
    return [Finding(CODEOWNERS_OUTDATED.name, name, 0, 0,
                    f"{printable(name)} is out of date: {difference}; run 'sopkit "
                    "codeowners' and commit the result")]


def _codeowners_key(config: Config, path: Path, raw: bytes,
                    files: Sequence[ProcedureFile]) -> tuple[bytes, bool]:
    """What CODEOWNERS is made from, as a digest: its own bytes, mkdocs.yml's and
    organization.yml's, the handbook's source files and folders that exist, and every
    procedure file's name, size and modification time; and whether all of them are older
    than :data:`SETTLED_NS` (else the verdict is not kept)."""
    from sopkit.check.cache.keys import context_digest
    from sopkit.review.codeowners import repository_root, source_paths

    parts = [raw, os.fsencode(os.path.abspath(path)), os.fsencode(config.procedures.resolve())]
    for extra in (config.config_file, config.organization):
        try:
            parts.append(extra.read_bytes() if extra is not None else b"-")
        except OSError:
            parts.append(b"-")
    parts += [os.fsencode(source) + (b"+" if source.exists() else b"-")
              for source, _ in source_paths(config, repository_root(path))]
    newest = 0
    for file in sorted(files, key=lambda f: f.path):
        try:
            found = os.stat(file.path)
        except OSError:
            parts.append(os.fsencode(file.path) + b"|-")
            continue
        newest = max(newest, found.st_mtime_ns)
        parts.append(f"{file.path}|{found.st_size}|{found.st_mtime_ns}".encode(
            "utf-8", "surrogateescape"))
    return context_digest(*parts), newest < time.time_ns() - SETTLED_NS
