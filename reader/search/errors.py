"""What searching and indexing raise, and how a failure while reading is classified."""

from __future__ import annotations

import pickle
import struct
import zlib

from whoosh.filedb.filetables import FileFormatError

from reader.text.i18n import N_, Message

__all__ = [
    "LOCKED",
    "IndexCorruptError",
    "IndexLockedError",
    "IndexNotReadyError",
    "SearchError",
    "SearchFailedError",
    "is_damage",
]

LOCKED = N_(
    "the search index is being updated by another program: another newsreader is "
    "indexing; try again when it finishes"
)


class SearchError(Exception):
    """Base class for search errors; messages are meant for the user."""


class IndexLockedError(SearchError):
    """Another process (or thread) is writing the index. Its message (LOCKED) is a Message:
    English as a string (`index --progress json`), translated as `.shown`."""

    def __init__(self, message: str = LOCKED) -> None:
        super().__init__(Message(LOCKED) if message == LOCKED else message)


class IndexCorruptError(SearchError):
    """The index exists but cannot be opened or read: rebuilding it from the store helps."""


class SearchFailedError(SearchError):
    """An unexpected failure that is not damage to the index: rebuilding will not help."""


class IndexNotReadyError(SearchError):
    """There is no usable index yet (never built, or built by another version)."""


# What reading damaged Whoosh files raises, measured by overwriting, zeroing and truncating
# segment files at random: EOFError, UnpicklingError, struct.error, zlib.error, ValueError
# ("negative seek value", UnicodeDecodeError), FileFormatError, and a bare Exception
# ("Block tag error"). OSError covers missing or unreadable files.
_DAMAGE = (
    OSError,
    EOFError,
    ValueError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
    FileFormatError,
)


def is_damage(error: Exception) -> bool:
    """Whether `error`, raised while reading the index, means damaged files."""
    return isinstance(error, _DAMAGE) or type(error) is Exception
