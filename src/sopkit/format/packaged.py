"""Where sopkit's own data folders (``schemas``, ``templates``) are.

The wheel puts them inside the package (pyproject.toml's ``force-include``); an
editable install or a source checkout has them at the repository's root. A plain
path test is enough for both: sopkit is never run from a zip file, and
importlib.resources would cost `sopkit validate` several milliseconds of imports.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).parent.parent  # src/sopkit/format/.. is the package


def data_folder(name: str) -> Path:
    """The folder ``name`` shipped with sopkit: in the installed package, else the checkout's."""
    packaged = _PACKAGE / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.resolve().parents[1] / name  # src/sopkit/../../name
