"""`sopkit pdf --out DIR`: the PDFs written where sopkit may write (the rules of
:mod:`sopkit.publish.output`).

Each PDF is a file directly in DIR (``<id>.pdf``, ``<id>-run-sheet.pdf``, ``handbook.pdf``).
``DIR/.sopkit-pdf`` lists every file `sopkit pdf` wrote there (listed before it is
written); a file of DIR that is not listed is not overwritten unless ``--force``.
Nothing is written through a symbolic link, and nothing outside DIR. Files are never
deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sopkit.publish.output import SiteError, read_file, write_file
from sopkit.publish.render_out import render_folder

__all__ = ["PDF_MARKER", "PdfFiles"]

PDF_MARKER = ".sopkit-pdf"


def _plain_name(name: str) -> str:
    if not name or "/" in name or "\\" in name or name in {".", ".."} or name.startswith("."):
        raise SiteError(f"{name!r} cannot be the name of a PDF in the output folder")
    return name


class PdfFiles:
    """The output folder of `sopkit pdf`: checks first, then writes one PDF at a time."""

    def __init__(self, out: Path, *, force: bool) -> None:
        self.out = out
        self.top = render_folder(out)
        self.force = force
        self.listed = self._listed()

    def _listed(self) -> set[str]:
        if not self.top.exists():
            return set()
        raw = read_file(self.top, PDF_MARKER)
        if raw is None:
            return set()
        try:
            lines = raw.decode("utf-8").splitlines()
        except UnicodeDecodeError:
            raise SiteError(f"{self.out / PDF_MARKER} is not the list of files sopkit pdf "
                            "writes (not UTF-8): delete it, then run again with --force") \
                from None
        return {line for line in lines if line and not line.startswith("#")}

    def check(self, names: list[str]) -> None:
        """Refuse, before anything is written, a name sopkit may not write to."""
        for name in names:
            _plain_name(name)
            if self.top.exists() and name not in self.listed and not self.force:
                existing = read_file(self.top, name, read=False)
                if existing is not None:
                    raise SiteError(f"{self.out / name} exists and was not written by sopkit "
                                    "pdf: move it away, choose another folder, or pass "
                                    "--force to replace it")

    def write(self, name: str, data: bytes) -> Path:
        """Write one PDF (its name listed first)."""
        _plain_name(name)
        self.top.mkdir(parents=True, exist_ok=True)
        if name not in self.listed:
            self.listed.add(name)
            self._write_marker()
        return write_file(self.top, name, data)

    def _write_marker(self) -> None:
        listed = "".join(f"{name}\n" for name in sorted(self.listed))
        write_file(self.top, PDF_MARKER, "# Written by `sopkit pdf`; the PDFs it wrote, which "
                                         "the next run may replace.\n" + listed)

    def write_all(self, files: Mapping[str, bytes]) -> list[Path]:
        self.check(list(files))
        return [self.write(name, data) for name, data in files.items()]
