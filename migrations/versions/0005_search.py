"""full-text search: every event revision's words, indexed as the revision is written

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

Search answers "every event that mentions article 42", today or as known on a past day, so the
index covers revisions (immutable, one per change) rather than the current rows: a replay
searches the words an event had then. A revision's words are its title, summary, location,
tags, and its sources' titles and quotes.

The index is dialect-specific and lives outside the models (like the append-only triggers):
SQLite keeps a contentless FTS5 table keyed by the revision id, PostgreSQL a table of weighted
tsvectors with a GIN index. A trigger on `event_revisions` fills it in the transaction that
appends the revision, whoever writes it (the API, `seed`, a bundle import); existing revisions
are indexed here. `migrations/env.py` leaves `event_search*` out of `alembic check`.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite: the five columns of an FTS5 row, read from a revision `r`'s JSON snapshot.
_SQLITE_WORDS = """
    json_extract(r.snapshot, '$.title'),
    json_extract(r.snapshot, '$.summary'),
    json_extract(r.snapshot, '$.location'),
    (SELECT group_concat(t.value, ' ') FROM json_each(r.snapshot, '$.tags') AS t),
    (SELECT group_concat(
         coalesce(json_extract(s.value, '$.title'), '') || ' '
         || coalesce(json_extract(s.value, '$.quote'), ''), ' ')
     FROM json_each(r.snapshot, '$.sources') AS s)
"""


def _vector(text: str, weight: str) -> str:
    # Punctuation becomes space first, so words split as SQLite's tokenizer splits them
    # (the parser alone would read "article-42" as "article" and the number -42).
    return (
        f"setweight(to_tsvector('simple', regexp_replace(coalesce({text}, ''),"
        f" '[^[:alnum:]]+', ' ', 'g')), '{weight}')"
    )


def _array(field: str) -> str:
    return (
        f"jsonb_array_elements(CASE jsonb_typeof(r.snapshot->'{field}') WHEN 'array'"
        f" THEN r.snapshot->'{field}' ELSE '[]'::jsonb END)"
    )


# PostgreSQL: one weighted tsvector of a revision `r` (title A, summary, location and tags B,
# sources C), with the 'simple' configuration: no stemming, as SQLite's tokenizer.
_POSTGRES_WORDS = " || ".join(
    [
        _vector("r.snapshot->>'title'", "A"),
        _vector("r.snapshot->>'summary'", "B"),
        _vector("r.snapshot->>'location'", "B"),
        _vector(f"(SELECT string_agg(t #>> '{{}}', ' ') FROM {_array('tags')} AS t)", "B"),
        _vector(
            "(SELECT string_agg(coalesce(s->>'title', '') || ' ' || coalesce(s->>'quote', ''),"
            f" ' ') FROM {_array('sources')} AS s)",
            "C",
        ),
    ]
)


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE event_search ("
            " revision_id INTEGER PRIMARY KEY REFERENCES event_revisions (id),"
            " words TSVECTOR NOT NULL)"
        )
        op.execute("CREATE INDEX ix_event_search_words ON event_search USING gin (words)")
        op.execute(
            "CREATE FUNCTION timeline_index_revision() RETURNS trigger AS $$ BEGIN "
            "INSERT INTO event_search (revision_id, words) SELECT r.id, "
            f"{_POSTGRES_WORDS} FROM (SELECT NEW.id AS id, NEW.snapshot AS snapshot) AS r; "
            "RETURN NEW; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER event_revisions_search AFTER INSERT ON event_revisions "
            "FOR EACH ROW EXECUTE FUNCTION timeline_index_revision()"
        )
        op.execute(
            f"INSERT INTO event_search (revision_id, words) SELECT r.id, {_POSTGRES_WORDS} "
            "FROM event_revisions AS r"
        )
        return
    op.execute(
        "CREATE VIRTUAL TABLE event_search USING fts5("
        "title, summary, location, tags, sources, "
        "content='', tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER event_revisions_search AFTER INSERT ON event_revisions BEGIN "
        "INSERT INTO event_search (rowid, title, summary, location, tags, sources) "
        f"SELECT r.id, {_SQLITE_WORDS} FROM (SELECT NEW.id AS id, NEW.snapshot AS snapshot) AS r; "
        "END"
    )
    op.execute(
        "INSERT INTO event_search (rowid, title, summary, location, tags, sources) "
        f"SELECT r.id, {_SQLITE_WORDS} FROM event_revisions AS r"
    )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS event_revisions_search ON event_revisions")
        op.execute("DROP FUNCTION IF EXISTS timeline_index_revision()")
    else:
        op.execute("DROP TRIGGER IF EXISTS event_revisions_search")
    op.execute("DROP TABLE IF EXISTS event_search")
