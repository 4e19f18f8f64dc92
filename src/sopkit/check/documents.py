"""The procedures a check found valid, loaded when first asked for (:class:`Documents`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple, overload

from sopkit.check.diagnostics import Diagnostic
from sopkit.check.workers import map_in_processes, workers_for
from sopkit.format.load import Document, load_bytes, read_file


class Source(NamedTuple):
    """A procedure that passed the schema, as the check left it."""

    path: str
    name: str
    """As reports name it."""
    digest: bytes | None
    """The digest of its content, when the cache knows it."""
    content: bytes | Document | None
    """Its bytes or its document, when they are at hand (None: the cache vouched for the
    file unread)."""


class FileChangedError(OSError):
    """A procedure changed between being checked and being loaded for publishing."""


class Documents(Sequence[Document]):
    """The procedures that passed the schema, in file order, loaded when first asked for.

    A check that took its answers from the cache, or from worker processes, has
    not got the documents at hand; most callers (``sopkit validate``) never ask
    for them, and those that do (rendering) get them loaded from the bytes that
    were checked (read again when the cache vouched for them unread; if they
    changed meanwhile, :class:`FileChangedError` says so).
    """

    def __init__(self, sources: Sequence[Source]) -> None:
        self._sources = list(sources)
        self._loaded: tuple[Document, ...] | None = None

    def _documents(self) -> tuple[Document, ...]:
        if self._loaded is None:
            self._loaded = _load_all(self._sources, positions=True)
            self._sources = []
        return self._loaded

    def contents(self) -> tuple[Document, ...]:
        """The documents with their data and names only, no positions: what publishing
        reads. A fraction of the memory (positions are most of a loaded document: some
        200 MB at 1,000 procedures) and of the time to send from worker processes."""
        if self._loaded is not None:
            return tuple(_content(document) for document in self._loaded)
        return _load_all(self._sources, positions=False)

    def __len__(self) -> int:
        return len(self._loaded) if self._loaded is not None else len(self._sources)

    @overload
    def __getitem__(self, index: int) -> Document: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Document]: ...

    def __getitem__(self, index: int | slice) -> Document | Sequence[Document]:
        return self._documents()[index]

    def __iter__(self) -> Iterator[Document]:
        return iter(self._documents())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Documents | tuple | list):
            return tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Documents({len(self)} procedures)"


_KEPT: dict[tuple[str, bytes], Document] = {}
"""Contents loaded before in this process, by file name and content digest: `sopkit
serve` loads the handbook again after every save, and only the saved file changed."""
KEPT_MAX = 20_000


def _load_all(sources: Sequence[Source], *, positions: bool) -> tuple[Document, ...]:
    """The documents of ``sources`` (without their positions unless asked), loading those
    not at hand: on every idle core when there are many (a large handbook whose answers
    came from the cache). Contents (no positions) loaded before are kept (:data:`_KEPT`)."""
    load = _documents_of if positions else _contents_of
    kept = {} if positions else {index: _KEPT.get((source.name, source.digest))
                                 for index, source in enumerate(sources)
                                 if source.digest is not None}
    pending = [source for index, source in enumerate(sources)
               if not isinstance(source.content, Document) and kept.get(index) is None]
    workers = workers_for(len(pending), None)
    loaded = iter(map_in_processes(load, pending, workers) if workers > 1 else load(pending))
    documents: list[Document] = []
    for index, source in enumerate(sources):
        document = kept.get(index)
        if document is None:
            document = (next(loaded) if not isinstance(source.content, Document)
                        else source.content if positions else _content(source.content))
            if not positions and source.digest is not None and len(_KEPT) < KEPT_MAX:
                _KEPT[(source.name, source.digest)] = document
        documents.append(document)
    return tuple(documents)


def _documents_of(sources: list[Source]) -> list[Document]:
    return [_document(source) for source in sources]


def _contents_of(sources: list[Source]) -> list[Document]:
    return [_content(_document(source)) for source in sources]


def _content(document: Document) -> Document:
    return Document(document.file, document.data, {}, {}, {})


def _document(source: Source) -> Document:
    content = source.content
    if isinstance(content, Document):
        return content
    if content is None:
        from sopkit.check.cache import content_digest

        again = read_file(Path(source.path), source.name)
        if isinstance(again, Diagnostic) or content_digest(again) != source.digest:
            raise FileChangedError(
                f"{source.name} changed while sopkit was checking it: run again")
        content = again
    loaded = load_bytes(content, source.name)
    if not isinstance(loaded, Document):  # it loaded when it was checked
        raise FileChangedError(f"{source.name} changed while sopkit was checking it: run again")
    return loaded
