"""Review routing: a `.github/CODEOWNERS` that asks the owners of a procedure to review it.

Each procedure file gets one line naming the GitHub accounts of the people who
hold its owner role (organization.yml ``people[].roles`` and ``people[].github``).
Approvers are not added: the owner role is accountable for the procedure, and
approval is the business of branch protection and the owner's own judgement. An approval
records file named after a person (``approvals/li-na.yml``, format 1.2) goes to that
person alone: a record of their signature is theirs to review.

The handbook's own sources decide who reviews and what the site shows
(organization.yml, mkdocs.yml, CODEOWNERS itself, the templates, training, approvals,
docs and .github folders, the pre-commit config, the hooks, theme custom_dir and INHERIT file
mkdocs.yml names, and the procedures folder for a file
no line below routes). They go to the people of the roles that the plugin option
``handbook_owners`` names; without it they are listed as not routed, and the
command prints a hint.

sopkit writes its lines between ``# BEGIN sopkit`` and ``# END sopkit``
(:mod:`sopkit.review.codeowners_file` reads, checks and writes the file, keeping
every line outside that section). The section is a pure function of the
handbook: lines sorted by path, paths anchored at the repository root with a
leading ``/``, spaces escaped. Something nobody can be asked about gets a comment
line that says why, so the gap is visible in review rather than silent.

Nothing read from the handbook reaches the file unchecked, since a line of
CODEOWNERS decides who may approve a change: a path is written only when every
character is printable and none is a pattern character, an owner only when it is
a GitHub account name. Anything else becomes a comment with its odd characters
escaped, so no value can start a line of its own.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sopkit.config import LOCAL_ID, Config
from sopkit.format.load import Document, load_file
from sopkit.format.terminal import printable

# The command line reads and writes the file through this module: what it uses from
# codeowners_file is re-exported (the `as` imports).
from sopkit.review.codeowners_file import DEFAULT_OUTPUT as DEFAULT_OUTPUT
from sopkit.review.codeowners_file import FOOTER, HEADER, display
from sopkit.review.codeowners_file import CodeownersError as CodeownersError
from sopkit.review.codeowners_file import check_target as check_target
from sopkit.review.codeowners_file import default_output as default_output
from sopkit.review.codeowners_file import difference as difference
from sopkit.review.codeowners_file import is_generated as is_generated
from sopkit.review.codeowners_file import read_existing as read_existing
from sopkit.review.codeowners_file import repository_root as repository_root
from sopkit.review.codeowners_file import write as write

if TYPE_CHECKING:
    from sopkit.check.discover import Boundary

_UNSAFE = set("*?[]!\\#")
"""Characters that GitHub's CODEOWNERS reads as patterns (or cannot escape)."""

_ACCOUNT = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
"""A GitHub account name, as organization.schema.json has it (fullmatch only)."""
ACCOUNT_LENGTH = 39


@dataclass(frozen=True)
class OwnerLine:
    """One path and who reviews it; ``reason`` says why nobody does."""

    path: str
    """The file relative to the repository root, with '/' separators; a folder ends in '/'."""
    owners: tuple[str, ...]
    """GitHub account names, each checked against the account pattern."""
    reason: str = ""

    def line(self) -> str:
        if self.owners and writable(self.path):
            return f"/{escape(self.path)} {' '.join('@' + owner for owner in self.owners)}"
        return f"# /{printable(self.path)}: {printable(self.reason)}"


def escape(path: str) -> str:
    """A path as CODEOWNERS spells it: spaces escaped with a backslash."""
    return path.replace(" ", "\\ ")


def writable(path: str) -> bool:
    """Whether CODEOWNERS can name ``path`` as it is: printable, with no pattern character."""
    return all(char.isprintable() and char not in _UNSAFE for char in path)


def is_account(name: str) -> bool:
    """Whether ``name`` is a GitHub account name (letters, digits, single inner hyphens)."""
    return len(name) <= ACCOUNT_LENGTH and _ACCOUNT.fullmatch(name) is not None


# -- the generated section --------------------------------------------------------------------


def generate(config: Config, repo_root: Path, findings: list[str] | None = None) -> str:
    """The sopkit section of CODEOWNERS for the handbook of ``config``, paths relative to
    ``repo_root``; ``findings`` receives a line for each value left out and hints."""
    from sopkit.check.discover import Boundary, discover

    notes: list[str] = []
    # sopkit validate's policy: a file that is a link out of the handbook is never read.
    boundary = Boundary(config.root, config.procedures)
    organization = _organization(config, boundary)
    holders, left_out = _holders(organization, config, repo_root, notes)
    sources = _sources(config, repo_root, holders, notes)
    files = discover(config.procedures) if config.procedures.is_dir() else []
    owner_lines = sorted((_owner_line(path, repo_root, holders, notes)
                          if not boundary.leaves(str(path))
                          else OwnerLine(_relative(path, repo_root), (), "not routed: the file "
                                         "is a link out of the handbook (run sopkit validate)")
                          for path in files), key=lambda owner_line: owner_line.path)
    procedures = [owner_line.line() for owner_line in owner_lines]
    signers = _signers(config, repo_root, organization, boundary)
    if not procedures:
        where = printable(_relative(config.procedures, repo_root))
        procedures = [f"# No procedures found under {where}/."]
    if findings is not None:
        findings.extend(notes)
    # Procedure lines come last: GitHub follows the last match, so a procedure's owners
    # win over the procedures folder's fallback line.
    groups = [group for group in (left_out, sources, signers, procedures) if group]
    return HEADER + "\n" + "\n\n".join("\n".join(group) for group in groups) + "\n" + FOOTER


def _signers(config: Config, repo_root: Path, organization: Document | None,
             boundary: Boundary) -> list[str]:
    """A line for each approvals file named after a person with a GitHub account
    (``approvals/li-na.yml``, as `sopkit approve` writes them): only its signer reviews
    it (format 1.2). Other approvals files fall to the approvals folder's line."""
    from sopkit.check.discover import discover

    folder = config.approvals()
    if organization is None or not folder.is_dir() or boundary.leaves(str(folder)):
        return []
    accounts: dict[str, str] = {}
    for _, person in _mappings(organization.data.get("people")):
        value = person.get("github")
        account = value.strip().removeprefix("@") if isinstance(value, str) else ""
        if isinstance(person.get("id"), str) and is_account(account):
            accounts.setdefault(person["id"], account)
    lines = []
    for path in discover(folder):
        relative = _relative(path, repo_root)
        if (path.stem in accounts and not _outside(relative) and writable(relative)
                and not boundary.leaves(str(path))):
            lines.append(OwnerLine(relative, (accounts[path.stem],)))
    return [line.line() for line in sorted(lines, key=lambda line: line.path)]


def _relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root``, with '/' separators. The folder is resolved, not
    the file: a procedure that is a link is named where it is in the repository."""
    try:
        return Path(os.path.relpath(path.parent.resolve() / path.name, root.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def _outside(relative: str) -> bool:
    return relative == ".." or relative.startswith("../") or relative.startswith("/")


def _owner_line(path: Path, repo_root: Path, holders: Mapping[str, tuple[str, ...]] | None,
                notes: list[str]) -> OwnerLine:
    relative = _relative(path, repo_root)
    if _outside(relative):
        raise CodeownersError(
            f"{printable(str(path))} is outside {printable(str(repo_root))}, the folder CODEOWNERS "
            "paths start from; write the file into the repository's .github/ folder with "
            "--output"
        )
    if not writable(relative):
        return OwnerLine(relative, (), "the file name has a character CODEOWNERS cannot match "
                                       "(* ? [ ] ! \\ #, a control character or a byte that is "
                                       "not UTF-8): rename the file")
    document = load_file(path, relative)
    if not isinstance(document, Document):
        return OwnerLine(relative, (), "not routed: the file does not load (run sopkit validate)")
    owner = document.data.get("owner")
    if not isinstance(owner, str) or not owner:
        return OwnerLine(relative, (), "not routed: the procedure names no owner role")
    if LOCAL_ID.fullmatch(owner) is None:
        line, column = document.position(("owner",))
        notes.append(f"{display(path)}:{line}:{column}: warning: the owner '{printable(owner)}' "
                     "is not a role id, so no one is asked to review the procedure: name a "
                     "role of organization.yml, like hr-manager")
        return OwnerLine(relative, (), "not routed: the owner is not a role id (run sopkit "
                                       "validate)")
    if holders is None:
        return OwnerLine(relative, (), f"no one to review it: there is no organization.yml saying "
                                       f"who holds the owner role '{owner}'")
    owners = holders.get(owner, ())
    if not owners:
        return OwnerLine(relative, (), f"no one to review it: no person with a github account "
                                       f"holds the owner role '{owner}' in organization.yml")
    return OwnerLine(relative, owners)


def _organization(config: Config, boundary: Boundary) -> Document | None:
    from sopkit.check.discover import LINKED_FILE

    if not config.organization.is_file():
        return None
    if boundary.leaves(str(config.organization)):
        raise CodeownersError(f"{display(config.organization)}: {LINKED_FILE}")
    document = load_file(config.organization, display(config.organization))
    if not isinstance(document, Document):
        raise CodeownersError(f"{document.file}:{document.line}:{document.column}: "
                              f"{printable(document.message)} (run sopkit validate)")
    return document


def _holders(organization: Document | None, config: Config, repo_root: Path,
             notes: list[str]) -> tuple[dict[str, tuple[str, ...]] | None, list[str]]:
    """Role id -> the GitHub accounts of the people holding it (None without
    organization.yml), and a comment line for each person left out for a github value
    that is not an account name."""
    if organization is None:
        return None, []
    where = printable(_relative(config.organization, repo_root))
    found: dict[str, dict[str, str]] = {}
    left_out: list[str] = []
    for index, person in _mappings(organization.data.get("people")):
        value = person.get("github")
        if value is None or value == "":
            continue  # no account: not asked to review, as the format allows
        account = value.strip().removeprefix("@") if isinstance(value, str) else ""
        if not is_account(account):
            name = printable(str(person.get("id", f"people[{index}]")))
            line, column = organization.position(("people", index, "github"))
            notes.append(f"{organization.file}:{line}:{column}: warning: person '{name}': "
                         f"github '{printable(str(value))}' is not a GitHub account name (letters, "
                         f"digits and single hyphens, at most {ACCOUNT_LENGTH}), so CODEOWNERS "
                         "leaves them out: write their account name, like lina-hr")
            left_out.append(f"# {where}: person '{name}' is left out: their github value is "
                            "not a GitHub account name")
            continue
        for role in _strings(person.get("roles")):
            # GitHub account names are case-insensitive: keep the first spelling.
            found.setdefault(role, {}).setdefault(account.casefold(), account)
    holders = {role: _sorted(accounts.values()) for role, accounts in found.items()}
    return holders, left_out


def _sorted(accounts: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(accounts, key=lambda name: (name.casefold(), name)))


def _mappings(value: Any) -> Iterable[tuple[int, Mapping[str, Any]]]:
    if isinstance(value, list):
        yield from ((index, item) for index, item in enumerate(value)
                    if isinstance(item, Mapping))


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, list):
        yield from (item for item in value if isinstance(item, str))


# -- the handbook's own sources ---------------------------------------------------------------


def source_paths(config: Config, repo_root: Path) -> list[tuple[Path, bool]]:
    """The files and folders (``True``) that decide who reviews and what the site shows."""
    root = config.root
    docs_dir = str(config.mkdocs.get("docs_dir") or "docs")
    return [
        (repo_root / ".github", True),  # CODEOWNERS and the workflow that checks the handbook
        (repo_root / "CODEOWNERS", False),  # where GitHub also looks for it
        (repo_root / "docs" / "CODEOWNERS", False),
        # GitLab's CODEOWNERS and pipeline, in a repository that has either (listed always,
        # every handbook on GitHub would see its CODEOWNERS go out of date)
        *_gitlab_paths(repo_root),
        (config.config_file or root / "mkdocs.yml", False),
        (config.organization, False),
        (config.templates, True),
        (root / "training", True),
        (config.approvals(), True),  # a file of no signer: see _signers
        (root / docs_dir, True),
        (root / ".pre-commit-config.yaml", False),
        *_named_by_mkdocs(config),
        (config.procedures, True),  # a procedure no line below routes, such as a new one
    ]


def _gitlab_paths(repo_root: Path) -> list[tuple[Path, bool]]:
    """GitLab's folder (its CODEOWNERS) and pipeline, when the repository has one of them."""
    paths = [(repo_root / ".gitlab", True), (repo_root / ".gitlab-ci.yml", False)]
    return paths if any(os.path.lexists(path) for path, _ in paths) else []


def _named_by_mkdocs(config: Config) -> list[tuple[Path, bool]]:
    """What mkdocs.yml names that runs or shapes the site: the file it INHERITs, its hooks
    (Python the build runs) and the theme's custom_dir (the pages' HTML templates)."""
    mkdocs, root = config.mkdocs, config.root
    theme = mkdocs.get("theme")
    hooks = mkdocs.get("hooks")
    named = [(mkdocs.get("INHERIT"), False),
             (theme.get("custom_dir") if isinstance(theme, dict) else None, True),
             *((hook, False) for hook in (hooks if isinstance(hooks, list) else ()))]
    return [(root / value, folder) for value, folder in named if isinstance(value, str) and value]


def _sources(config: Config, repo_root: Path, holders: Mapping[str, tuple[str, ...]] | None,
             notes: list[str]) -> list[str]:
    """Lines for the handbook's own sources, routed to the handbook_owners roles."""
    owners, reason = _handbook_owners(config, holders, notes)
    seen: dict[str, OwnerLine] = {}
    for path, folder in source_paths(config, repo_root):
        relative = _relative(path, repo_root)
        if relative == "." or relative in seen:
            continue  # never the whole repository: that is for lines outside the section
        if _outside(relative):
            seen[relative] = OwnerLine(relative, (), "outside the repository: not routed")
            continue
        if not writable(relative):
            seen[relative] = OwnerLine(relative, (), "the name has a character CODEOWNERS cannot "
                                                     "match: rename it")
            continue
        name = relative + "/" if folder else relative
        seen[relative] = OwnerLine(name, owners, reason)
    owner_lines = sorted(seen.values(), key=lambda owner_line: owner_line.path)
    folders = [owner_line.path for owner_line in owner_lines if owner_line.path.endswith("/")]
    # Every source has the same owners: a line inside a folder listed already says nothing.
    return [owner_line.line() for owner_line in owner_lines
            if not any(owner_line.path.startswith(folder) and owner_line.path != folder
                       for folder in folders)]


def _handbook_owners(config: Config, holders: Mapping[str, tuple[str, ...]] | None,
                     notes: list[str]) -> tuple[tuple[str, ...], str]:
    """The accounts of the handbook_owners roles, or none and the reason why."""
    mkdocs = display(config.config_file) if config.config_file else "mkdocs.yml"
    roles = config.handbook_owners
    if not roles:
        notes.append(f"{mkdocs}: hint: organization.yml, mkdocs.yml, CODEOWNERS, the "
                     "templates and the workflow have no reviewers in CODEOWNERS: name the "
                     "role that keeps the handbook in the sopkit plugin's options, like "
                     "handbook_owners: [operations-manager]")
        return (), "not routed: mkdocs.yml names no handbook_owners role"
    listed = ", ".join(f"'{role}'" for role in roles)
    if holders is None:
        return (), f"no one to review it: there is no organization.yml saying who holds " \
                   f"the handbook_owners role {listed}"
    accounts: dict[str, str] = {}
    for role in roles:
        held = holders.get(role, ())
        if not held:
            notes.append(f"{mkdocs}: warning: no person with a github account holds the "
                         f"handbook_owners role '{role}' in organization.yml: give its "
                         "people their github account there, or name another role")
        for account in held:
            accounts.setdefault(account.casefold(), account)
    if not accounts:
        return (), f"no one to review it: no person with a github account holds the " \
                   f"handbook_owners role {listed} in organization.yml"
    return _sorted(accounts.values()), ""
