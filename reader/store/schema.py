"""The tables, version by version: the SQL that brings a library from one schema to the next.

`PRAGMA user_version` holds the version a library file is at; `reader.store.migrations`
applies the missing steps (and their data steps) when a store opens it.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

SCHEMA_VERSION = 5

MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        guid TEXT,
        url TEXT,
        content_hash TEXT NOT NULL,
        title TEXT NOT NULL,
        author TEXT,
        source TEXT,
        language TEXT,
        published TEXT,
        fetched TEXT,
        body TEXT NOT NULL,
        summary TEXT,
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        translation_group TEXT,
        feed_id INTEGER,
        seq INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX articles_guid ON articles(guid) WHERE guid IS NOT NULL;
    CREATE INDEX articles_url ON articles(url) WHERE url IS NOT NULL;
    CREATE INDEX articles_hash ON articles(content_hash);
    CREATE INDEX articles_date ON articles(published DESC, id DESC);
    CREATE INDEX articles_seq ON articles(seq);
    CREATE INDEX articles_group ON articles(translation_group)
        WHERE translation_group IS NOT NULL;
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta VALUES ('seq', '0');
    """,
    2: """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        title TEXT,
        category TEXT,
        etag TEXT,
        last_modified TEXT,
        added TEXT NOT NULL
    );
    CREATE INDEX articles_source ON articles(source, published DESC);
    CREATE INDEX articles_unread ON articles(read, published DESC);
    """,
    3: """
    ALTER TABLE articles ADD COLUMN url_key TEXT;
    CREATE INDEX articles_url_key ON articles(url_key) WHERE url_key IS NOT NULL;
    DROP INDEX articles_url;  -- dedupe looks links up by url_key now; nothing else by url
    """,
    4: """
    -- Stories (reader.store.stories): story_id is the id of the story's first article,
    -- NULL until the clustering of reader.search.stories has seen the article.
    ALTER TABLE articles ADD COLUMN story_id INTEGER;
    CREATE INDEX articles_story ON articles(story_id);
    -- Each clustered article's MinHash signature, story and date (here, not read from
    -- the wide articles rows), and its LSH band hashes for lookups.
    CREATE TABLE story_signatures (
        article_id INTEGER PRIMARY KEY,
        story_id INTEGER NOT NULL,
        published TEXT,
        signature BLOB NOT NULL
    );
    CREATE TABLE story_bands (
        band INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        article_id INTEGER NOT NULL,
        PRIMARY KEY (hash, band, article_id)
    ) WITHOUT ROWID;
    """,
    5: """
    -- The starred-only list, newest first, without walking every article's date to find
    -- the few starred ones (4.6 s for its first page at a million articles).
    CREATE INDEX articles_starred ON articles(published DESC, id DESC) WHERE starred = 1;
    """,
}
