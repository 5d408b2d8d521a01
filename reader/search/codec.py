"""The codec the index is written with: Whoosh's W3Codec, with the field lengths of a new
segment read once instead of once per posting.

When a segment is flushed, Whoosh asks the per-document reader for the length of the
field in the document of every posting (for the block's min/max length), and W3's reader
answers each question with a seek and a read of the lengths column: about a fifth of the
indexing time. This reader loads each field's column once (a list of doc_count ints) and
answers from memory, with the same values. Segments are still plain W3 segments: reading
them needs nothing from here.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, _lenfield
from whoosh.util.numeric import byte_to_length

__all__ = ["IndexCodec"]

_LENGTH_OF_BYTE = [byte_to_length(b) if b else None for b in range(256)]


class _LengthsInMemory(W3PerDocReader):
    def __init__(self, storage: Any, segment: Any) -> None:
        super().__init__(storage, segment)
        self._lengths: dict[str, list[int | None] | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        lengths = self._lengths.get(fieldname, _LengthsInMemory)
        if lengths is _LengthsInMemory:
            reader = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            lengths = None if reader is None else [_LENGTH_OF_BYTE[b] for b in reader]
            self._lengths[fieldname] = lengths
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        if lengths is None:
            return default
        return lengths[docnum]  # type: ignore[index]


class IndexCodec(W3Codec):
    """W3Codec (same files, same settings) whose segment flush reads lengths from memory."""

    def per_document_reader(self, storage: Any, segment: Any) -> W3PerDocReader:
        return _LengthsInMemory(storage, segment)
