//! The database schema and its migrations. `PRAGMA user_version` holds the version; each
//! migration runs in its own transaction together with the version bump, so a crash during
//! an upgrade leaves the previous version intact. A file with a newer version is refused.
//!
//! - v1: `facts`, `people`, `object_locations`, `episodes`.
//! - v2: full-text indexes (`facts_fts`, FTS5 over subject, relation, value and source
//!   utterance, kept in step by triggers) and `taught_examples` (+ `taught_fts`) for phrases
//!   users teach (issue 9).
//! - v3: `taught_examples.meaning`, what a taught utterance stands for in words the model
//!   already understands (rewritten into utterances at once, before consolidation).
//!
//! Times are integer nanoseconds (ROS time). Names are compared case-insensitively through
//! the `*_key` columns (lowercase words, see `text::normalize`).

/// Schema version 1.
const V1: &str = "
CREATE TABLE facts (
    id INTEGER PRIMARY KEY,
    kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 5),
    subject TEXT NOT NULL,
    relation TEXT NOT NULL,
    value TEXT NOT NULL,
    subject_key TEXT NOT NULL,
    relation_key TEXT NOT NULL,
    value_key TEXT NOT NULL,
    confidence REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    source_utterance TEXT NOT NULL DEFAULT '',
    source_utterance_id TEXT NOT NULL DEFAULT '',
    created_ns INTEGER NOT NULL,
    updated_ns INTEGER NOT NULL
);
CREATE INDEX facts_by_subject ON facts (subject_key, relation_key);
CREATE INDEX facts_by_value ON facts (value_key);

CREATE TABLE people (
    role_key TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    source_utterance_id TEXT NOT NULL DEFAULT '',
    created_ns INTEGER NOT NULL,
    updated_ns INTEGER NOT NULL
);

CREATE TABLE object_locations (
    object_key TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('user', 'perception')),
    object TEXT NOT NULL,
    place TEXT NOT NULL,
    observed_ns INTEGER NOT NULL,
    source_utterance_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (object_key, source)
);

CREATE TABLE episodes (
    id INTEGER PRIMARY KEY,
    session TEXT NOT NULL,
    utterance_id TEXT NOT NULL,
    user_text TEXT NOT NULL,
    reply_text TEXT NOT NULL,
    actions TEXT NOT NULL,
    speech_end_ns INTEGER,
    transcript_ns INTEGER,
    reply_ns INTEGER NOT NULL
);
CREATE INDEX episodes_by_session ON episodes (session, id);
";

/// Schema version 2.
const V2: &str = "
CREATE VIRTUAL TABLE facts_fts USING fts5 (
    subject, relation, value, source_utterance,
    content = 'facts', content_rowid = 'id', tokenize = 'porter unicode61'
);
CREATE TRIGGER facts_fts_insert AFTER INSERT ON facts BEGIN
    INSERT INTO facts_fts (rowid, subject, relation, value, source_utterance)
    VALUES (new.id, new.subject, new.relation, new.value, new.source_utterance);
END;
CREATE TRIGGER facts_fts_delete AFTER DELETE ON facts BEGIN
    INSERT INTO facts_fts (facts_fts, rowid, subject, relation, value, source_utterance)
    VALUES ('delete', old.id, old.subject, old.relation, old.value, old.source_utterance);
END;
CREATE TRIGGER facts_fts_update AFTER UPDATE ON facts BEGIN
    INSERT INTO facts_fts (facts_fts, rowid, subject, relation, value, source_utterance)
    VALUES ('delete', old.id, old.subject, old.relation, old.value, old.source_utterance);
    INSERT INTO facts_fts (rowid, subject, relation, value, source_utterance)
    VALUES (new.id, new.subject, new.relation, new.value, new.source_utterance);
END;
INSERT INTO facts_fts (facts_fts) VALUES ('rebuild');

CREATE TABLE taught_examples (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('phrase', 'alias', 'correction')),
    utterance TEXT NOT NULL,
    utterance_key TEXT NOT NULL UNIQUE,
    output TEXT NOT NULL,
    source_utterance_id TEXT NOT NULL DEFAULT '',
    created_ns INTEGER NOT NULL,
    updated_ns INTEGER NOT NULL,
    consolidated_ns INTEGER
);
CREATE VIRTUAL TABLE taught_fts USING fts5 (
    utterance, content = 'taught_examples', content_rowid = 'id', tokenize = 'porter unicode61'
);
CREATE TRIGGER taught_fts_insert AFTER INSERT ON taught_examples BEGIN
    INSERT INTO taught_fts (rowid, utterance) VALUES (new.id, new.utterance);
END;
CREATE TRIGGER taught_fts_delete AFTER DELETE ON taught_examples BEGIN
    INSERT INTO taught_fts (taught_fts, rowid, utterance) VALUES ('delete', old.id, old.utterance);
END;
CREATE TRIGGER taught_fts_update AFTER UPDATE OF utterance ON taught_examples BEGIN
    INSERT INTO taught_fts (taught_fts, rowid, utterance) VALUES ('delete', old.id, old.utterance);
    INSERT INTO taught_fts (rowid, utterance) VALUES (new.id, new.utterance);
END;
";

/// Schema version 3.
const V3: &str = "
ALTER TABLE taught_examples ADD COLUMN meaning TEXT NOT NULL DEFAULT '';
";

/// The migrations in order: entry `i` upgrades version `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[V1, V2, V3];

/// The schema version this build writes and the newest it can read.
pub const LATEST_VERSION: u32 = 3;

const _: () = assert!(MIGRATIONS.len() == LATEST_VERSION as usize);
