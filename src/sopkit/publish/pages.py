"""Where each page of the handbook lives: one path per procedure, department and role.

Every id the format allows must publish, and two things must never share a page. The
paths are the ids themselves (``procedures/hr/HR-001.md``, ``roles/hr-manager.md``) except
where an id would not make a good file name:

- an id longer than :data:`MAX_NAME` characters (the format sets no limit, file systems
  allow 255 bytes a name) is cut and ends with a short hash of the whole id, so two long
  ids that start alike still get two pages, and a page keeps its name when others come
  and go;
- a role named ``index`` or ``readme`` gets ``roles/<id>-role.md``: ``roles/index.md``
  would be the page at ``roles.md``'s URL;
- a name that would share a file or a URL with another page (also when letters differ
  only in case: macOS and Windows file systems ignore it; also as MkDocs lays out URLs,
  where ``a/README.md`` and ``a.md`` are both ``a/``) gets the hash too.

Plain names are given first, so a page with an ordinary id never moves because of an
unusual one. The result depends only on the handbook's ids.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

__all__ = ["MAX_NAME", "TRAINING_PAGE", "PagePaths", "flowchart_path", "page_paths",
           "run_sheet_path", "training_paths"]

TRAINING_PAGE = "training.md"
"""The training overview (format 1.1); the matrices are under ``training/``, the people
under ``people/``."""

MAX_NAME = 100
"""The longest file or folder name of a page, without ``.md`` or ``.svg``: well under the
255 bytes file systems allow, and short enough for the names MkDocs and temporary files add."""

_HASH = 8
"""Hex digits of the hash that ends a changed name."""

_RESERVED_ROLES = ("index", "readme")

_PROCEDURE_NAME = re.compile(r"[^A-Za-z0-9-]+")
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class PagePaths:
    """The page of each procedure, department and role, by id (paths without the section)."""

    procedures: Mapping[str, str]
    departments: Mapping[str, str]
    roles: Mapping[str, str]

    def department(self, department_id: str) -> str:
        """The page of a department (of one the handbook does not have: as if it had)."""
        path = self.departments.get(department_id)
        return path if path is not None else (
            f"departments/{_lowercase_name(department_id)[0]}.md")

    def role(self, role_id: str) -> str:
        """The page of a role (of one the handbook does not have: as if it had)."""
        path = self.roles.get(role_id)
        return path if path is not None else (
            f"roles/{_lowercase_name(role_id, _RESERVED_ROLES)[0]}.md")


def flowchart_path(page: str) -> str:
    """The flowchart file beside a procedure's page."""
    return page[: -len(".md")] + ".svg"


def run_sheet_path(page: str) -> str:
    """The run sheet of the procedure whose page is ``page``: the same path in the
    ``run-sheets`` folder (``procedures/hr/HR-001.md`` -> ``run-sheets/hr/HR-001.md``),
    so that no two pages share a path (procedure pages never do) and no run sheet meets
    another page."""
    return "run-sheets/" + page.removeprefix("procedures/")


def page_paths(fixed: Iterable[str], departments: Iterable[str], roles: Iterable[str],
               procedures: Iterable[tuple[str, str | None]]) -> PagePaths:
    """The pages of the given ids, none sharing a file or URL with another or with the
    ``fixed`` pages (``index.md``, ``roles.md``...). ``procedures`` are (id, department id)
    pairs; a procedure with a department lives in that department's folder. A repeated id
    gets one page (the first pair's department)."""
    taken: set[str] = set()
    for path in fixed:
        taken |= _keys(path)
    in_department: dict[str, str | None] = {}
    for procedure_id, department_id in procedures:
        in_department.setdefault(procedure_id, department_id)
    department_ids = sorted({*departments,
                             *(d for d in in_department.values() if d is not None)})
    # Departments, roles and procedures live in folders of their own: each kind can only
    # meet its own kind (and the fixed pages).
    department_names = _assign({d: _lowercase_name(d) for d in department_ids},
                               lambda name, _id: [f"departments/{name}.md"], taken, lower=True)
    role_names = _assign({r: _lowercase_name(r, _RESERVED_ROLES) for r in sorted(set(roles))},
                         lambda name, _id: [f"roles/{name}.md"], taken, lower=True)

    def folder(procedure_id: str) -> str:
        department_id = in_department[procedure_id]
        return ("procedures" if department_id is None
                else f"procedures/{department_names[department_id]}")

    procedure_names = _assign(
        {p: _procedure_name(p) for p in sorted(in_department)},
        lambda name, procedure_id: [f"{folder(procedure_id)}/{name}.md",
                                    f"{folder(procedure_id)}/{name}.svg"],
        taken, lower=False)
    return PagePaths(
        procedures={p: f"{folder(p)}/{name}.md" for p, name in procedure_names.items()},
        departments={d: f"departments/{name}.md" for d, name in department_names.items()},
        roles={r: f"roles/{name}.md" for r, name in role_names.items()},
    )


def training_paths(departments: Iterable[str],
                   people: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The training matrix page of each department (``training/hr.md``) and the page of
    each person (``people/li-na.md``), none sharing a file or URL with another or with
    :data:`TRAINING_PAGE`."""
    taken = _keys(TRAINING_PAGE)
    matrices = _assign({d: _lowercase_name(d, _RESERVED_ROLES) for d in sorted(set(departments))},
                       lambda name, _id: [f"training/{name}.md"], taken, lower=True)
    persons = _assign({p: _lowercase_name(p, _RESERVED_ROLES) for p in sorted(set(people))},
                      lambda name, _id: [f"people/{name}.md"], taken, lower=True)
    return ({d: f"training/{name}.md" for d, name in matrices.items()},
            {p: f"people/{name}.md" for p, name in persons.items()})


def _lowercase_name(value: str, reserved: tuple[str, ...] = ()) -> tuple[str, bool]:
    """The file name of a department or role id, and whether it is the id itself."""
    name = _SLUG.sub("-", value.lower()).strip("-") or "x"
    if name in reserved:
        name += "-role"
    plain = name == value and len(name) <= MAX_NAME
    return (name if plain else _shortened(name, value, lower=True)), plain


def _procedure_name(value: str) -> tuple[str, bool]:
    """The file name of a procedure id (capitals kept), and whether it is the id itself."""
    name = _PROCEDURE_NAME.sub("-", value).strip("-") or "procedure"
    plain = name == value and len(name) <= MAX_NAME
    return (name if plain else _shortened(name, value, lower=False)), plain


def _digest(value: str, lower: bool) -> str:
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH]
    return digest if lower else digest.upper()


def _shortened(name: str, value: str, *, lower: bool) -> str:
    """``name`` when short enough; else cut, ending with the hash of the id ``value``."""
    if len(name) <= MAX_NAME:
        return name
    return _with_digest(name, value, lower)


def _with_digest(name: str, value: str, lower: bool) -> str:
    digest = _digest(value, lower)
    if name.endswith(f"-{digest}"):
        return name
    return f"{name[: MAX_NAME - _HASH - 1].rstrip('-')}-{digest}"


def _keys(path: str) -> set[str]:
    """What a file must not share with another: its path and, for a page, its URLs (MkDocs'
    with and without directory URLs, where ``a/README.md`` is ``a/index.html``), all with
    case ignored."""
    keys = {path.casefold()}
    if path.endswith(".md"):
        folder, name = posixpath.split(path[: -len(".md")])
        if name in ("index", "README"):
            keys.add(posixpath.join(folder, "index.html").casefold())
        else:
            keys.add(posixpath.join(folder, name, "index.html").casefold())
            keys.add(posixpath.join(folder, f"{name}.html").casefold())
    return keys


def _assign(wanted: Mapping[str, tuple[str, bool]], files: Callable[[str, str], list[str]],
            taken: set[str], *, lower: bool) -> dict[str, str]:
    """A name for each id of ``wanted`` (id -> its name, and whether that is the id itself)
    whose files (``files(name, id)``) meet no file or URL in ``taken``; ``taken`` learns them.

    The ids that are their own names go first, so that an ordinary id keeps its page
    whatever other ids the handbook has; then, in order of id, the others take their
    name, else the name with the hash of the id, else that with a number."""
    names: dict[str, str] = {}
    later: list[str] = []
    for key, (name, plain) in wanted.items():
        if plain and _claim(files(name, key), taken):
            names[key] = name
        else:
            later.append(key)
    for key in later:
        name = wanted[key][0]
        if not _claim(files(name, key), taken):
            name = base = _with_digest(name, key, lower)
            number = 1
            while not _claim(files(name, key), taken):
                number += 1
                name = f"{base}-{number}"
        names[key] = name
    return dict(sorted(names.items()))


def _claim(files: list[str], taken: set[str]) -> bool:
    keys: set[str] = set()
    for path in files:
        keys |= _keys(path)
    if keys & taken:
        return False
    taken |= keys
    return True
