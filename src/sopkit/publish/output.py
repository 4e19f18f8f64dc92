"""Where sopkit writes and deletes when it publishes: `render --out DIR` and the site folder.

The rules (docs/publishing.md, "Where sopkit writes"):

- Nothing is written or deleted through a symbolic link: every part of a path below
  the folder sopkit was given is checked with ``lstat``, and files are opened with
  ``O_NOFOLLOW`` where the system has it.
- No file sopkit did not write is overwritten or deleted. ``render`` lists what it
  writes in ``DIR/.sopkit-render`` (before writing, so that a render stopped half-way
  leaves no unlisted file); ``build`` replaces only a site folder it marked with
  ``.sopkit-site``, or, with ``--force``, a folder of untracked files inside the
  handbook that is none of the handbook's own folders.
- The site gets the permissions a plain ``mkdocs build`` gives under the umask, and a
  build stopped by SIGTERM (a cancelled CI job, ``timeout``) cleans up as Ctrl+C does.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from types import FrameType
from typing import TYPE_CHECKING, TypeVar

from sopkit.check.cache import default_cache_dir
from sopkit.check.discover import display_name
from sopkit.review import git

if TYPE_CHECKING:
    from sopkit.config import Config

RENDER_MARKER = ".sopkit-render"
SITE_MARKER = ".sopkit-site"

_T = TypeVar("_T")

_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows: the lstat checks remain


class SiteError(Exception):
    """sopkit cannot publish where it was asked to; the message says why (exit 2)."""


class Terminated(BaseException):
    """SIGTERM (or SIGHUP: the terminal was closed) arrived during a build; raised like
    KeyboardInterrupt so that clean-up runs. ``name`` and ``exit_code`` (128 + the signal's
    number, as a shell reports it) say which."""

    def __init__(self, number: int = signal.SIGTERM) -> None:
        super().__init__(number)
        self.name = signal.Signals(number).name
        self.exit_code = 128 + number


_STOPPING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
"""The signals that stop a build or a preview cleanly (Windows has no SIGHUP)."""


# -- paths below a folder, never through a link -----------------------------------------------


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except FileNotFoundError:
        return None


def _no_link(path: Path) -> os.stat_result | None:
    """``path``'s own status (None if missing); a symbolic link is refused."""
    status = _lstat(path)
    if status is not None and stat.S_ISLNK(status.st_mode):
        raise SiteError(f"{path} is a symbolic link: sopkit does not write or delete through "
                        "links; remove the link, or choose a folder without links")
    return status


def relative_parts(name: str) -> tuple[str, ...]:
    """The parts of ``name``, a path relative to an output folder; ValueError if it leaves it."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"{name}: the path leaves the output folder")
    return path.parts


def _folder(top: Path, parts: tuple[str, ...], *, create: bool) -> Path | None:
    """``top/parts`` as a real folder below ``top`` (None if missing and not ``create``)."""
    folder = top
    for part in parts:
        folder = folder / part
        status = _no_link(folder)
        if status is None:
            if not create:
                return None
            folder.mkdir()
        elif not stat.S_ISDIR(status.st_mode):
            raise SiteError(f"{folder} is a file where sopkit puts a folder: move it away, or "
                            "choose another folder")
    return folder


def write_file(top: Path, name: str, text: str | bytes) -> Path:
    """Write ``text`` to ``top/name`` (UTF-8, LF; bytes as they are), creating folders;
    never through a link."""
    parts = relative_parts(name)
    folder = _folder(top, parts[:-1], create=True)
    assert folder is not None  # created
    target = folder / parts[-1]
    status = _no_link(target)
    if status is not None and not stat.S_ISREG(status.st_mode):
        raise SiteError(f"{target} is not a file: move it away, or choose another folder")
    # A new file renamed into place: a file hard-linked from elsewhere is replaced, not
    # written through (its other name keeps its content), and a reader never sees half a page.
    # O_EXCL | O_NOFOLLOW: nothing put at the temporary name is written through.
    temporary = folder / f".{parts[-1]}.sopkit-{secrets.token_hex(4)}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW, 0o666)
    try:
        with open(descriptor, "wb") as stream:
            stream.write(text if isinstance(text, bytes) else text.encode("utf-8"))
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def read_file(top: Path, name: str, *, read: bool = True) -> bytes | None:
    """The bytes of the regular file ``top/name`` (empty unless ``read``), None if there is
    none; a link on the way, or something other than a file there, is refused."""
    parts = relative_parts(name)
    folder = _folder(top, parts[:-1], create=False)
    if folder is None:
        return None
    target = folder / parts[-1]
    status = _no_link(target)
    if status is None:
        return None
    if not stat.S_ISREG(status.st_mode):
        raise SiteError(f"{target} is not a file: move it away, or choose another folder")
    return target.read_bytes() if read else b""


def remove_file(top: Path, name: str) -> None:
    """Delete the regular file ``top/name`` and the folders it leaves empty, below ``top``.

    Anything else there (a link, a folder, nothing) is left alone: a link may lead out of
    ``top``, and what is not a plain file is not what sopkit wrote."""
    parts = relative_parts(name)
    folder = top
    for part in parts[:-1]:
        folder = folder / part
        status = _lstat(folder)
        if status is None or not stat.S_ISDIR(status.st_mode):  # a link is not S_ISDIR
            return
    target = folder / parts[-1]
    status = _lstat(target)
    if status is None or not stat.S_ISREG(status.st_mode):
        return
    target.unlink()
    while folder != top:
        try:
            folder.rmdir()  # only if empty
        except OSError:
            return
        folder = folder.parent


# -- the site folder --------------------------------------------------------------------------


def check_site_dir(config: Config, site_dir: Path, *, force: bool) -> None:
    """Refuse a site folder sopkit may not replace (docs/publishing.md, "The site folder")."""
    status = _lstat(site_dir)
    shown = display_name(site_dir)
    if status is not None and stat.S_ISLNK(status.st_mode):
        raise SiteError(f"the site folder {shown} is a symbolic link (to "
                        f"{os.readlink(site_dir)}): sopkit build does not write through links; "
                        "set site_dir in mkdocs.yml to the folder itself, or remove the link")
    site = site_dir.resolve()
    # git is asked only about a folder that exists: a fresh CI checkout has no site yet,
    # and git may not be usable there (a container's "dubious ownership").
    _refuse_handbook_paths(config, shown, site, ask_git=status is not None)
    if status is None:
        return
    if not stat.S_ISDIR(status.st_mode):
        raise SiteError(f"{shown} is a file, not a folder: set site_dir in mkdocs.yml to a "
                        "folder of its own, like site")
    tracked = _asked_git(git.tracked_file, site)
    if tracked is not None:
        raise SiteError(f"the site folder {shown} holds files tracked by git ({tracked}); "
                        "sopkit build replaces the whole folder: set site_dir in mkdocs.yml to "
                        "a folder git does not track, like site (and list it in .gitignore)")
    marker = _lstat(site_dir / SITE_MARKER)
    if (marker is not None and stat.S_ISREG(marker.st_mode)) or not any(site_dir.iterdir()):
        return
    if not force:
        raise SiteError(f"{shown} exists and was not built by sopkit (no {SITE_MARKER} "
                        "file); pass --force to replace it, or set site_dir in mkdocs.yml")
    if not site.is_relative_to(config.root.resolve()):
        raise SiteError(f"{shown} is outside the handbook's folder and was not built by "
                        f"sopkit (no {SITE_MARKER} file), so it is not replaced even with "
                        "--force: empty it yourself, or set site_dir in mkdocs.yml to another "
                        "folder")
    repository = _repository_inside(site)
    if repository is not None:
        raise SiteError(f"the site folder {shown} holds a git repository "
                        f"({display_name(repository)}); set site_dir in mkdocs.yml to a "
                        "folder of its own, like site")


def _handbook_paths(config: Config, ask_git: bool) -> list[tuple[str, Path, bool]]:
    """What the site folder may not be or hold: (what, path, nor be inside it)."""
    root = config.root
    paths = [("the handbook's folder", root, False),
             ("the procedures folder", config.procedures, True),
             ("the templates folder", config.templates, True),
             ("the organization file", config.organization, False),
             ("the JSON Schemas folder", root / "schemas", True),  # sopkit init writes them
             ("the .github folder", root / ".github", True),
             ("the training records folder", root / "training", True),
             ("the approval records folder", root / "approvals", True),
             ("the validation cache folder", default_cache_dir(config.cache_dir),
              True)]
    if config.config_file is not None:
        docs = config.config_file.parent / str(config.mkdocs.get("docs_dir") or "docs")
        paths += [("mkdocs.yml", config.config_file, False), ("the docs folder", docs, True)]
    repository = _asked_git(git.toplevel, root) if ask_git and root.is_dir() else None
    if repository is not None:
        paths += [("the git repository", repository, False),
                  ("the .github folder", repository / ".github", True)]
    return paths


def _refuse_handbook_paths(config: Config, shown: str, site: Path, *,
                           ask_git: bool) -> None:
    if ".git" in site.parts:
        raise SiteError(f"the site folder {shown} is inside git's own folder (.git); set "
                        "site_dir in mkdocs.yml to a folder of its own, like site")
    for what, path, nor_inside in _handbook_paths(config, ask_git):
        path = path.resolve()
        relation = ("is" if site == path else "would hold" if site in path.parents
                    else "is inside" if nor_inside and path in site.parents else "")
        if relation:
            raise SiteError(f"the site folder {shown} {relation} {what} "
                            f"({display_name(path)}); set site_dir in mkdocs.yml to a folder "
                            "of its own, like site")


def _asked_git(question: Callable[[Path], _T], folder: Path) -> _T:
    """``question(folder)``, one of sopkit.review.git's questions; a failure is a SiteError."""
    try:
        return question(folder)
    except git.GitError as error:
        raise SiteError(f"cannot tell whether git tracks files in {folder} ({error}); fix "
                        "that, then build again") from None


def _repository_inside(folder: Path) -> Path | None:
    """A ``.git`` below ``folder`` (an untracked clone, which --force must not delete)."""
    for parent, folders, files in os.walk(folder):
        if ".git" in folders or ".git" in files:
            return Path(parent) / ".git"
    return None


@contextlib.contextmanager
def build_folder(site_dir: Path) -> Iterator[Path]:
    """A new folder beside ``site_dir`` to build into, removed on the way out if still there.
    Folders that builds killed before they could clean up (SIGKILL, a power cut) are
    removed first."""
    remove_abandoned(site_dir)
    temp = _new_folder(site_dir.parent, f".{site_dir.name}.sopkit-")
    try:
        yield temp
    finally:
        if temp.exists():
            shutil.rmtree(temp, ignore_errors=True)


OWNER_FILE = ".sopkit-pid"
"""In a folder sopkit builds in: the id of the process that made it, so that a later build
knows the folder is abandoned once that process is gone (:func:`remove_abandoned`)."""


def _new_folder(parent: Path, prefix: str) -> Path:
    """A new folder in ``parent``, with the mode a plain mkdir gives under the umask, and
    this process's id in :data:`OWNER_FILE`.

    Not ``tempfile.mkdtemp``: its mode 0700 would become the site's, and a web server
    running as another user would answer 403."""
    for _ in range(100):
        folder = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        (folder / OWNER_FILE).write_text(f"{os.getpid()}\n", encoding="ascii")
        return folder
    raise SiteError(f"cannot create a folder to build in, in {parent}: too many folders named "
                    f"{prefix}*; remove them")


def remove_abandoned(site_dir: Path) -> None:
    """Remove the folders beside ``site_dir`` that a build of it made (``.site.sopkit-*``)
    and could not remove: their :data:`OWNER_FILE` names a process that is gone. A
    folder of a build still running, a link, or one without the file is left alone."""
    parent, prefix = site_dir.parent, f".{site_dir.name}.sopkit-"
    try:
        names = [name for name in os.listdir(parent) if name.startswith(prefix)]
    except OSError:
        return
    for name in names:
        folder = parent / name
        status = _lstat(folder)
        if status is None or not stat.S_ISDIR(status.st_mode):
            continue  # never through a link
        try:
            owner = int((folder / OWNER_FILE).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            continue
        if owner != os.getpid() and not _alive(owner):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, as another user's
    return True


def publish(new: Path, site_dir: Path) -> None:
    """Mark ``new`` as a site sopkit built, put it in the place of ``site_dir``, delete the old."""
    (new / OWNER_FILE).unlink(missing_ok=True)
    (new / SITE_MARKER).write_text(
        "This folder was built by sopkit; `sopkit build` replaces it as a whole.\n",
        encoding="utf-8",
    )
    if not site_dir.exists():
        os.replace(new, site_dir)
        return
    trash = _new_folder(site_dir.parent, f".{site_dir.name}.sopkit-old-")
    try:
        # Stopped between the two renames, there would be no site at all: hold the
        # signals that stop a build until both are done.
        with _signals_held():
            os.replace(site_dir, trash / site_dir.name)
            try:
                os.replace(new, site_dir)
            except OSError:
                os.replace(trash / site_dir.name, site_dir)
                raise
    finally:
        shutil.rmtree(trash, ignore_errors=True)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    held = {signal.SIGINT, *_STOPPING}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def sigterm_stops_cleanly() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP (a closed terminal) raise
    :class:`Terminated` (as SIGINT raises KeyboardInterrupt), so that the temporary folders
    are removed on the way out. A signal ignored already (``nohup``) stays ignored.

    A process forked meanwhile (the render process) inherits the handler; there it dies
    as the signal's default would. A second signal during the clean-up is ignored."""
    if threading.current_thread() is not threading.main_thread():  # only it gets signals
        yield
        return
    owner = os.getpid()

    def stop(number: int, frame: FrameType | None) -> None:
        if os.getpid() != owner:
            signal.signal(number, signal.SIG_DFL)
            os.kill(os.getpid(), number)
            return
        for each in previous:
            signal.signal(each, signal.SIG_IGN)
        raise Terminated(number)

    previous = {number: signal.signal(number, stop) for number in _STOPPING
                if signal.getsignal(number) is not signal.SIG_IGN}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
