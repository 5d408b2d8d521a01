"""The SQLite article store, the source of truth. No UI imports here.

The rest of the application imports from here; the modules inside are

- `store`: the `Store` (articles, meta, feeds) and its duplicate rules;
- `index_reads`: the `Store`'s reads that feed the search index (a mixin);
- `filters`: the list filter and the result of adding articles;
- `records`: rows ↔ models, the dedupe hash, the change sequence;
- `schema`: the SQL of each schema version;
- `migrations`: bringing an older library file up to the current version;
- `stories`: articles grouped into stories, and the clustering's stored state.
"""

from reader.store.filters import AddResult, ListFilter
from reader.store.records import SAME_TEXT_MIN_CHARS, content_hash
from reader.store.schema import SCHEMA_VERSION
from reader.store.store import Store, StoreError
from reader.store.stories import StoryRow

__all__ = [
    "SAME_TEXT_MIN_CHARS",
    "SCHEMA_VERSION",
    "AddResult",
    "ListFilter",
    "Store",
    "StoreError",
    "StoryRow",
    "content_hash",
]
