//! The memory database: opening (checks, migrations, durability settings), writes grouped
//! in [`Batch`]es (one transaction each), and reads.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{
    Connection, ErrorCode, OptionalExtension as _, Row, Transaction, TransactionBehavior, params,
};
use tracing::{debug, info};

use crate::error::Error;
use crate::fact::{Fact, Kind, NewFact, Time};
use crate::params::Durability;
use crate::recall::{self, Aliases, RecallQuery, Recalled};
use crate::schema::{LATEST_VERSION, MIGRATIONS};
use crate::text::{fts_literal, normalize, words};

/// The first 16 bytes of every SQLite 3 database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";
/// How long a write waits for another connection's lock (e.g. the CLI reading the file).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Relations that hold one value per subject: a new value replaces the old one even when
/// the request is not marked as a correction.
const SINGLE_VALUED_RELATIONS: &[&str] = &["location", "name"];
/// Problems of `PRAGMA quick_check` quoted in [`Error::Corrupt`].
const REPORTED_PROBLEMS: usize = 3;

/// How [`Batch::remember`] treats an existing fact with the same subject and relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RememberMode {
    /// Add the value next to existing ones ("Alice likes tea", "Alice likes coffee");
    /// single-valued relations (`location`, `name`, and every object location) are still
    /// replaced. The same triple again only refreshes it.
    Add,
    /// Replace the value of the same subject and relation ("actually, ...").
    Correct,
}

/// What [`Batch::remember`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Remembered {
    /// Id of the stored fact.
    pub id: u64,
    /// The fact as it was before, when a different value was replaced.
    pub previous: Option<Fact>,
}

/// What to forget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Forget {
    /// One relation of a subject ("forget where my keys are": `keys`, `location`).
    Relation {
        /// Subject.
        subject: String,
        /// Relation.
        relation: String,
    },
    /// Every fact whose subject or value is this, the person of that role or name, and the
    /// object's locations ("forget everything about Alice").
    Everything {
        /// Subject.
        subject: String,
    },
}

/// Where an object location came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocationSource {
    /// A user said it.
    User,
    /// The robot saw it.
    Perception,
}

impl LocationSource {
    fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Perception => "perception",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "user" => Some(Self::User),
            "perception" => Some(Self::Perception),
            _ => None,
        }
    }
}

/// One report of where an object is.
#[derive(Debug, Clone, PartialEq)]
pub struct LocationReport {
    /// Place name as reported.
    pub place: String,
    /// Who reported it.
    pub source: LocationSource,
    /// When.
    pub observed: Time,
    /// How long ago, at the time of the lookup (0 if reported "in the future").
    pub age: Duration,
    /// Utterance it came from; empty for perception.
    pub source_utterance_id: String,
}

/// Where an object is, as far as the memory knows.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectLocation {
    /// The object, as last reported.
    pub object: String,
    /// The newer of the two reports.
    pub best: LocationReport,
    /// What a user last said.
    pub user: Option<LocationReport>,
    /// What perception last saw.
    pub perception: Option<LocationReport>,
}

/// A person the robot knows by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// Who they are to the robot: "user", "my wife", ...
    pub role: String,
    /// Their name.
    pub name: String,
    /// When last told.
    pub updated: Time,
}

/// What a taught example teaches (issue 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaughtKind {
    /// "When I say 'movie time' go to the living room".
    Phrase,
    /// "'The study' means the office".
    Alias,
    /// "No, I meant the bedroom" right after a misunderstood command.
    Correction,
}

impl TaughtKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Phrase => "phrase",
            Self::Alias => "alias",
            Self::Correction => "correction",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "phrase" => Some(Self::Phrase),
            "alias" => Some(Self::Alias),
            "correction" => Some(Self::Correction),
            _ => None,
        }
    }
}

/// A training example a user taught: an utterance and the output it must produce.
#[derive(Debug, Clone, PartialEq)]
pub struct TaughtExample {
    /// What was taught.
    pub kind: TaughtKind,
    /// The utterance ("movie time").
    pub utterance: String,
    /// The model output it means, in the brain's format (e.g. its JSON).
    pub output: String,
    /// What the utterance stands for in words the model already understands (the request of
    /// a phrase or correction, the name of an alias); may be empty.
    pub meaning: String,
    /// Utterance that taught it.
    pub source_utterance_id: String,
}

/// A stored taught example.
#[derive(Debug, Clone, PartialEq)]
pub struct Taught {
    /// Row id.
    pub id: u64,
    /// The example.
    pub example: TaughtExample,
    /// When first taught.
    pub created: Time,
    /// When last taught.
    pub updated: Time,
    /// When consolidated into the model's weights; `None` while only retrieval knows it.
    pub consolidated: Option<Time>,
}

/// One dialogue turn.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Turn {
    /// Conversation it belongs to.
    pub session: String,
    /// The utterance's id.
    pub utterance_id: String,
    /// What the user said (as transcribed).
    pub user_text: String,
    /// What the robot answered.
    pub reply_text: String,
    /// The actions decided, in the brain's format (e.g. JSON).
    pub actions: String,
    /// When the user stopped speaking.
    pub speech_end: Option<Time>,
    /// When the transcript was ready.
    pub transcript: Option<Time>,
    /// When the reply was ready.
    pub reply: Time,
}

/// A stored dialogue turn.
#[derive(Debug, Clone, PartialEq)]
pub struct Episode {
    /// Row id (increasing with time).
    pub id: u64,
    /// The turn.
    pub turn: Turn,
}

/// The robot's memory: one SQLite connection. Writes go through [`Memory::batch`] (or the
/// one-write shorthands); each batch is one transaction, so a killed process loses at most
/// the batch in flight.
#[derive(Debug)]
pub struct Memory {
    connection: Connection,
    path: Option<PathBuf>,
    default_max_results: u32,
    max_results_limit: u32,
}

/// Writes of one utterance, committed together by [`Memory::batch`].
#[derive(Debug)]
pub struct Batch<'a> {
    transaction: Transaction<'a>,
    now: i64,
}

fn to_u64(id: i64) -> u64 {
    u64::try_from(id).unwrap_or_default()
}

fn to_i64(id: u64) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

fn conversion_error(column: usize, what: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, what.into())
}

/// A [`Fact`] from a row of the ten fact columns, in table order.
pub(crate) fn fact_from_row(row: &Row<'_>) -> rusqlite::Result<Fact> {
    let kind_value: u8 = row.get(1)?;
    let kind = Kind::from_u8(kind_value)
        .ok_or_else(|| conversion_error(1, format!("fact kind {kind_value}")))?;
    Ok(Fact {
        id: to_u64(row.get(0)?),
        kind,
        subject: row.get(2)?,
        relation: row.get(3)?,
        value: row.get(4)?,
        confidence: row.get::<_, f64>(5)? as f32,
        source_utterance: row.get(6)?,
        source_utterance_id: row.get(7)?,
        created: Time::from_nanos(row.get(8)?),
        updated: Time::from_nanos(row.get(9)?),
    })
}

const FACT_SELECT: &str = "SELECT id, kind, subject, relation, value, confidence, \
     source_utterance, source_utterance_id, created_ns, updated_ns FROM facts";

impl Memory {
    /// Opens (or creates) the memory at `path`, creating its directory: checks that an
    /// existing file is an intact SQLite database of a schema this build knows, switches to
    /// WAL with the given durability and upgrades the schema. A file that fails a check is
    /// left untouched.
    ///
    /// # Errors
    /// [`Error::NotADatabase`], [`Error::Corrupt`], [`Error::NewerSchema`],
    /// [`Error::Migration`], [`Error::Open`], [`Error::CreateDir`].
    pub fn open(path: &Path, durability: Durability) -> Result<Self, Error> {
        Self::open_at_version(path, durability, LATEST_VERSION)
    }

    /// A memory that lives only as long as this value (e.g. `embodied understand` without
    /// `--memory`).
    ///
    /// # Errors
    /// [`Error::Open`] or [`Error::Migration`].
    pub fn open_in_memory() -> Result<Self, Error> {
        let connection = Connection::open_in_memory().map_err(|source| Error::Open {
            path: PathBuf::from(":memory:"),
            source,
        })?;
        let mut memory = Self::from_connection(connection, None);
        memory.migrate(LATEST_VERSION)?;
        Ok(memory)
    }

    /// [`Memory::open`], upgrading only up to `target` (for migration tests).
    pub(crate) fn open_at_version(
        path: &Path,
        durability: Durability,
        target: u32,
    ) -> Result<Self, Error> {
        check_header(path)?;
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::CreateDir {
                path: dir.to_owned(),
                source,
            })?;
        }
        let open_error = |source| Error::Open {
            path: path.to_owned(),
            source,
        };
        let connection = Connection::open(path).map_err(open_error)?;
        connection.busy_timeout(BUSY_TIMEOUT).map_err(open_error)?;
        check_intact(&connection, path)?;
        let version: u32 = connection
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(open_error)?;
        if version > LATEST_VERSION {
            return Err(Error::NewerSchema {
                path: path.to_owned(),
                found: version,
                supported: LATEST_VERSION,
            });
        }
        // WAL: a commit appends to the log, so a killed writer never leaves a half-written
        // page in the database file, and readers do not block the writer.
        let mode = switch_to_wal(&connection).map_err(open_error)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Open {
                path: path.to_owned(),
                source: rusqlite::Error::InvalidParameterName(format!(
                    "journal_mode stayed {mode}, WAL is required"
                )),
            });
        }
        connection
            .pragma_update(None, "synchronous", durability.pragma())
            .map_err(open_error)?;
        let mut memory = Self::from_connection(connection, Some(path.to_owned()));
        memory.migrate(target)?;
        info!(path = %path.display(), schema_version = target.max(version), durability = durability.pragma(), "memory opened");
        Ok(memory)
    }

    fn from_connection(connection: Connection, path: Option<PathBuf>) -> Self {
        Self {
            connection,
            path,
            default_max_results: 5,
            max_results_limit: 50,
        }
    }

    /// The same memory with recall limits: `default` results when a query asks for 0, never
    /// more than `limit`.
    #[must_use]
    pub fn with_result_limits(mut self, default: u32, limit: u32) -> Self {
        self.default_max_results = default.max(1);
        self.max_results_limit = limit.max(self.default_max_results);
        self
    }

    fn display_path(&self) -> PathBuf {
        self.path
            .clone()
            .unwrap_or_else(|| PathBuf::from(":memory:"))
    }

    /// Upgrades the schema one version at a time up to `to`. Each step reads the version
    /// inside an IMMEDIATE transaction (the write lock first): two processes opening a new file
    /// at once (the brain and the memory node) upgrade it one after the other, and the second
    /// finds the work done instead of failing on "table facts already exists".
    fn migrate(&mut self, to: u32) -> Result<(), Error> {
        let path = self.display_path();
        loop {
            let migration_error = |version: u32| {
                let path = path.clone();
                move |source| Error::Migration {
                    path,
                    version,
                    source,
                }
            };
            let transaction = self
                .connection
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(migration_error(to))?;
            let version: u32 = transaction
                .pragma_query_value(None, "user_version", |row| row.get(0))
                .map_err(migration_error(to))?;
            if version >= to {
                return Ok(());
            }
            let next = version + 1;
            let sql = MIGRATIONS
                .get(usize::try_from(version).unwrap_or(usize::MAX))
                .ok_or_else(|| migration_error(next)(rusqlite::Error::InvalidQuery))?;
            transaction
                .execute_batch(sql)
                .map_err(migration_error(next))?;
            transaction
                .pragma_update(None, "user_version", next)
                .map_err(migration_error(next))?;
            transaction.commit().map_err(migration_error(next))?;
            debug!(path = %path.display(), version = next, "memory schema upgraded");
        }
    }

    /// The schema version of the file (`PRAGMA user_version`).
    ///
    /// # Errors
    /// [`Error::Sql`].
    pub fn schema_version(&self) -> Result<u32, Error> {
        self.connection
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(Error::sql("read the schema version"))
    }

    /// Runs SQLite's full `PRAGMA integrity_check`.
    ///
    /// # Errors
    /// [`Error::Corrupt`] listing the first problems, or [`Error::Sql`].
    pub fn integrity_check(&self) -> Result<(), Error> {
        let problems = pragma_problems(&self.connection, "integrity_check")
            .map_err(Error::sql("check integrity"))?;
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Corrupt {
                path: self.display_path(),
                detail: problems.join("; "),
            })
        }
    }

    /// Runs `write` in one transaction at time `now`: all its writes are stored, or (on an
    /// error, or if the process dies first) none.
    ///
    /// # Errors
    /// `write`'s error, or [`Error::Sql`] when the transaction cannot start or commit.
    pub fn batch<T>(
        &mut self,
        now: &Time,
        write: impl FnOnce(&mut Batch<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let transaction = self
            .connection
            .transaction()
            .map_err(Error::sql("begin a write"))?;
        let mut batch = Batch {
            transaction,
            now: now.as_nanos(),
        };
        let result = write(&mut batch)?;
        batch
            .transaction
            .commit()
            .map_err(Error::sql("commit a write"))?;
        Ok(result)
    }

    /// Stores one fact in its own transaction; see [`Batch::remember`].
    ///
    /// # Errors
    /// As [`Batch::remember`].
    pub fn remember(
        &mut self,
        fact: NewFact,
        mode: RememberMode,
        now: &Time,
    ) -> Result<Remembered, Error> {
        self.batch(now, |batch| batch.remember(fact, mode))
    }

    /// Forgets in its own transaction; see [`Batch::forget`].
    ///
    /// # Errors
    /// As [`Batch::forget`].
    pub fn forget(&mut self, target: &Forget, now: &Time) -> Result<usize, Error> {
        self.batch(now, |batch| batch.forget(target))
    }

    /// Records what perception sees, `(object, place)` pairs, in one transaction.
    ///
    /// # Errors
    /// As [`Batch::observe_object`].
    pub fn observe_objects(&mut self, seen: &[(&str, &str)], now: &Time) -> Result<(), Error> {
        self.batch(now, |batch| {
            seen.iter().try_for_each(|(object, place)| {
                batch.observe_object(object, place, LocationSource::Perception, "")
            })
        })
    }

    /// Stores a taught example in its own transaction; see [`Batch::teach`].
    ///
    /// # Errors
    /// As [`Batch::teach`].
    pub fn teach(&mut self, example: &TaughtExample, now: &Time) -> Result<Option<String>, Error> {
        self.batch(now, |batch| batch.teach(example))
    }

    /// Facts relevant to `query`, best first; see [`RecallQuery`] and [`Recalled::score`].
    ///
    /// # Errors
    /// [`Error::Sql`].
    pub fn recall(&self, query: &RecallQuery, aliases: &Aliases) -> Result<Vec<Recalled>, Error> {
        let limit = match query.max_results {
            0 => self.default_max_results,
            asked => asked.min(self.max_results_limit),
        };
        recall::recall(&self.connection, query, aliases, limit)
    }

    /// The fact with this id.
    ///
    /// # Errors
    /// [`Error::Sql`].
    pub fn fact(&self, id: u64) -> Result<Option<Fact>, Error> {
        self.connection
            .query_row(
                &format!("{FACT_SELECT} WHERE id = ?1"),
                [to_i64(id)],
                fact_from_row,
            )
            .optional()
            .map_err(Error::sql("read a fact"))
    }

    /// How many facts are stored.
    ///
    /// # Errors
    /// [`Error::Sql`].
    pub fn fact_count(&self) -> Result<u64, Error> {
        self.connection
            .query_row("SELECT count(*) FROM facts", [], |row| row.get::<_, i64>(0))
            .map(to_u64)
            .map_err(Error::sql("count facts"))
    }

    /// Where `object` (a name or alias) is: the newer of what a user last said and what
    /// perception last saw, both with their ages at `now`.
    ///
    /// # Errors
    /// [`Error::Sql`].
    pub fn object_location(
        &self,
        object: &str,
        aliases: &Aliases,
        now: &Time,
    ) -> Result<Option<ObjectLocation>, Error> {
        let key = normalize(object);
        let canonical = aliases.canonical(&key).unwrap_or(&key).to_owned();
        let keys: Vec<String> = aliases.names_of(&canonical).map(str::to_owned).collect();
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT source, object, place, observed_ns, source_utterance_id \
                 FROM object_locations WHERE object_key IN (SELECT value FROM json_each(?1)) \
                 ORDER BY observed_ns DESC",
            )
            .map_err(Error::sql("look up an object"))?;
        let keys_json = json_string_array(&keys);
        let rows = statement
            .query_map([keys_json], |row| {
                let source: String = row.get(0)?;
                let source = LocationSource::parse(&source)
                    .ok_or_else(|| conversion_error(0, format!("location source {source}")))?;
                let observed = Time::from_nanos(row.get(3)?);
                Ok((
                    row.get::<_, String>(1)?,
                    LocationReport {
                        place: row.get(2)?,
                        source,
                        age: age_at(&observed, now),
                        observed,
                        source_utterance_id: row.get(4)?,
                    },
                ))
            })
            .map_err(Error::sql("look up an object"))?;
        let mut newest: Option<(String, LocationReport)> = None;
        let (mut user, mut perception) = (None, None);
        for row in rows {
            let (name, report) = row.map_err(Error::sql("look up an object"))?;
            let slot = match report.source {
                LocationSource::User => &mut user,
                LocationSource::Perception => &mut perception,
            };
            if slot.is_none() {
                *slot = Some(report.clone());
            }
            if newest.is_none() {
                newest = Some((name, report));
            }
        }
        Ok(newest.map(|(object, best)| ObjectLocation {
            object,
            best,
            user,
            perception,
        }))
    }

    /// Everyone the robot knows by name, most recently told first.
    ///
    /// # Errors
    /// [`Error::Sql`].
    pub fn people(&self) -> Result<Vec<Person>, Error> {
        let mut statement = self
            .connection
            .prepare_cached("SELECT role, name, updated_ns FROM people ORDER BY updated_ns DESC")
            .map_err(Error::sql("list people"))?;
        let rows = statement
            .query_map([], |row| {
                Ok(Person {
                    role: row.get(0)?,
                    name: row.get(1)?,
                    updated: Time::from_nanos(row.get(2)?),
                })
            })
            .map_err(Error::sql("list people"))?;
        rows.collect::<Result<_, _>>()
            .map_err(Error::sql("list people"))
    }

    /// The name of the person with this role ("user").
    ///
    /// # Errors
    /// [`Error::Sql`].
    pub fn person_name(&self, role: &str) -> Result<Option<String>, Error> {
        self.connection
            .query_row(
                "SELECT name FROM people WHERE role_key = ?1",
                [normalize(role)],
                |row| row.get(0),
            )
            .optional()
            .map_err(Error::sql("look up a person"))
    }

    /// Every taught example, oldest first.
    ///
    /// # Errors
    /// [`Error::Sql`].
    pub fn taught_examples(&self) -> Result<Vec<Taught>, Error> {
        self.query_taught(&format!("{TAUGHT_SELECT} ORDER BY id"), [])
    }

    /// The example taught for exactly this utterance (case, spacing and punctuation aside).
    ///
    /// # Errors
    /// [`Error::Sql`].
    pub fn taught_for(&self, utterance: &str) -> Result<Option<Taught>, Error> {
        Ok(self
            .query_taught(
                &format!("{TAUGHT_SELECT} WHERE utterance_key = ?1"),
                [normalize(utterance)],
            )?
            .pop())
    }

    /// Up to `limit` taught examples whose utterance shares words with `utterance`, best
    /// first (FTS5 bm25): the examples to put in the model's context.
    ///
    /// # Errors
    /// [`Error::Sql`].
    pub fn taught_similar(&self, utterance: &str, limit: u32) -> Result<Vec<Taught>, Error> {
        let terms: Vec<String> = words(utterance).iter().map(|w| fts_literal(w)).collect();
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "{TAUGHT_SELECT_T} JOIN taught_fts ON taught_fts.rowid = t.id \
             WHERE taught_fts MATCH ?1 ORDER BY bm25(taught_fts) LIMIT ?2"
        );
        let mut statement = self
            .connection
            .prepare_cached(&sql)
            .map_err(Error::sql("search taught examples"))?;
        let rows = statement
            .query_map(params![terms.join(" OR "), limit], taught_from_row)
            .map_err(Error::sql("search taught examples"))?;
        rows.collect::<Result<_, _>>()
            .map_err(Error::sql("search taught examples"))
    }

    fn query_taught<P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
    ) -> Result<Vec<Taught>, Error> {
        let mut statement = self
            .connection
            .prepare_cached(sql)
            .map_err(Error::sql("read taught examples"))?;
        let rows = statement
            .query_map(params, taught_from_row)
            .map_err(Error::sql("read taught examples"))?;
        rows.collect::<Result<_, _>>()
            .map_err(Error::sql("read taught examples"))
    }

    /// The last `limit` turns of `session`, oldest first.
    ///
    /// # Errors
    /// [`Error::Sql`].
    pub fn episodes(&self, session: &str, limit: u32) -> Result<Vec<Episode>, Error> {
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT id, session, utterance_id, user_text, reply_text, actions, \
                 speech_end_ns, transcript_ns, reply_ns FROM episodes \
                 WHERE session = ?1 ORDER BY id DESC LIMIT ?2",
            )
            .map_err(Error::sql("read episodes"))?;
        let rows = statement
            .query_map(params![session, limit], |row| {
                Ok(Episode {
                    id: to_u64(row.get(0)?),
                    turn: Turn {
                        session: row.get(1)?,
                        utterance_id: row.get(2)?,
                        user_text: row.get(3)?,
                        reply_text: row.get(4)?,
                        actions: row.get(5)?,
                        speech_end: row.get::<_, Option<i64>>(6)?.map(Time::from_nanos),
                        transcript: row.get::<_, Option<i64>>(7)?.map(Time::from_nanos),
                        reply: Time::from_nanos(row.get(8)?),
                    },
                })
            })
            .map_err(Error::sql("read episodes"))?;
        let mut episodes: Vec<Episode> = rows
            .collect::<Result<_, _>>()
            .map_err(Error::sql("read episodes"))?;
        episodes.reverse();
        Ok(episodes)
    }
}

const TAUGHT_SELECT: &str = "SELECT id, kind, utterance, output, source_utterance_id, \
     created_ns, updated_ns, consolidated_ns, meaning FROM taught_examples";
const TAUGHT_SELECT_T: &str = "SELECT t.id, t.kind, t.utterance, t.output, \
     t.source_utterance_id, t.created_ns, t.updated_ns, t.consolidated_ns, t.meaning \
     FROM taught_examples t";

fn taught_from_row(row: &Row<'_>) -> rusqlite::Result<Taught> {
    let kind: String = row.get(1)?;
    let kind = TaughtKind::parse(&kind)
        .ok_or_else(|| conversion_error(1, format!("taught kind {kind}")))?;
    Ok(Taught {
        id: to_u64(row.get(0)?),
        example: TaughtExample {
            kind,
            utterance: row.get(2)?,
            output: row.get(3)?,
            source_utterance_id: row.get(4)?,
            meaning: row.get(8)?,
        },
        created: Time::from_nanos(row.get(5)?),
        updated: Time::from_nanos(row.get(6)?),
        consolidated: row.get::<_, Option<i64>>(7)?.map(Time::from_nanos),
    })
}

/// `items` as a JSON array of strings, for `json_each` (one bound parameter for a list).
fn json_string_array(items: &[String]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|item| {
            let escaped: String = item
                .chars()
                .flat_map(|c| match c {
                    '"' => vec!['\\', '"'],
                    '\\' => vec!['\\', '\\'],
                    c if u32::from(c) < 0x20 => {
                        format!("\\u{:04x}", u32::from(c)).chars().collect()
                    }
                    c => vec![c],
                })
                .collect();
            format!("\"{escaped}\"")
        })
        .collect();
    format!("[{}]", quoted.join(","))
}

fn age_at(observed: &Time, now: &Time) -> Duration {
    let nanos = now.as_nanos().saturating_sub(observed.as_nanos()).max(0);
    Duration::from_nanos(u64::try_from(nanos).unwrap_or_default())
}

/// Refuses, without opening it, a non-empty file that does not start with the SQLite
/// header (opening it could let SQLite create journal files next to it).
fn check_header(path: &Path) -> Result<(), Error> {
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(Error::NotADatabase {
                path: path.to_owned(),
                detail: format!("cannot read it: {e}"),
            });
        }
    };
    let mut header = Vec::with_capacity(SQLITE_HEADER.len());
    file.by_ref()
        .take(SQLITE_HEADER.len() as u64)
        .read_to_end(&mut header)
        .map_err(|e| Error::NotADatabase {
            path: path.to_owned(),
            detail: format!("cannot read it: {e}"),
        })?;
    if header.is_empty() || header == SQLITE_HEADER {
        Ok(())
    } else {
        Err(Error::NotADatabase {
            path: path.to_owned(),
            detail: "no SQLite header".to_owned(),
        })
    }
}

/// Sets WAL mode, the journal mode it ends up in. SQLite answers "database is locked" at once,
/// without waiting for the busy timeout, when another connection opens the same new file at
/// the same moment (the brain and the memory node starting together): the switch is retried
/// until [`BUSY_TIMEOUT`].
fn switch_to_wal(connection: &Connection) -> rusqlite::Result<String> {
    let started = std::time::Instant::now();
    loop {
        match connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0)) {
            Err(rusqlite::Error::SqliteFailure(failure, _))
                if failure.code == ErrorCode::DatabaseBusy && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            result => return result,
        }
    }
}

/// `PRAGMA quick_check` before anything is written: a damaged file is refused as is.
fn check_intact(connection: &Connection, path: &Path) -> Result<(), Error> {
    match pragma_problems(connection, "quick_check") {
        Ok(problems) if problems.is_empty() => Ok(()),
        Ok(problems) => Err(Error::Corrupt {
            path: path.to_owned(),
            detail: problems.join("; "),
        }),
        Err(rusqlite::Error::SqliteFailure(failure, message))
            if matches!(
                failure.code,
                ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt
            ) =>
        {
            Err(Error::Corrupt {
                path: path.to_owned(),
                detail: message.unwrap_or_else(|| failure.to_string()),
            })
        }
        Err(source) => Err(Error::Open {
            path: path.to_owned(),
            source,
        }),
    }
}

/// The problems an `integrity_check`/`quick_check` pragma reports (none when it says "ok").
fn pragma_problems(connection: &Connection, pragma: &str) -> rusqlite::Result<Vec<String>> {
    let mut statement = connection.prepare(&format!("PRAGMA {pragma}"))?;
    let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
    let mut problems = Vec::new();
    for row in rows {
        let line = row?;
        if line != "ok" && problems.len() < REPORTED_PROBLEMS {
            problems.push(line);
        }
    }
    Ok(problems)
}

impl Batch<'_> {
    /// The batch's time.
    pub fn now(&self) -> Time {
        Time::from_nanos(self.now)
    }

    /// Stores `fact`. With [`RememberMode::Correct`], or for a single-valued relation, the
    /// value of the same subject and relation is replaced (the fact keeps its id) and the
    /// old fact returned. An object location also becomes the object's user-reported
    /// location; a person's `name` becomes their entry in the people table.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the field, [`Error::Sql`].
    pub fn remember(&mut self, fact: NewFact, mode: RememberMode) -> Result<Remembered, Error> {
        let fact = fact.validated()?;
        let subject_key = normalize(&fact.subject);
        let relation_key = normalize(&fact.relation);
        let value_key = normalize(&fact.value);
        let single_valued = mode == RememberMode::Correct
            || fact.kind == Kind::ObjectLocation
            || SINGLE_VALUED_RELATIONS.contains(&relation_key.as_str());
        let sql_error = Error::sql("remember");
        let existing: Vec<Fact> = {
            let mut statement = self
                .transaction
                .prepare_cached(&format!(
                    "{FACT_SELECT} WHERE subject_key = ?1 AND relation_key = ?2 \
                     AND (?3 OR value_key = ?4) ORDER BY updated_ns DESC, id DESC"
                ))
                .map_err(&sql_error)?;
            let rows = statement
                .query_map(
                    params![subject_key, relation_key, single_valued, value_key],
                    fact_from_row,
                )
                .map_err(&sql_error)?;
            rows.collect::<Result<_, _>>().map_err(&sql_error)?
        };
        // A generic fact replacing a specific one ("keys location office" after an object
        // location) keeps the specific kind, so the side tables stay in step.
        let kind = match existing.first() {
            Some(current) if fact.kind == Kind::Fact => current.kind,
            _ => fact.kind,
        };
        let (id, previous) = if let Some(current) = existing.first() {
            self.transaction
                .execute(
                    "UPDATE facts SET kind = ?2, subject = ?3, relation = ?4, value = ?5, \
                     value_key = ?6, confidence = ?7, source_utterance = ?8, \
                     source_utterance_id = ?9, updated_ns = ?10 WHERE id = ?1",
                    params![
                        to_i64(current.id),
                        kind.as_u8(),
                        fact.subject,
                        fact.relation,
                        fact.value,
                        value_key,
                        f64::from(fact.confidence),
                        fact.source_utterance,
                        fact.source_utterance_id,
                        self.now
                    ],
                )
                .map_err(&sql_error)?;
            // Older duplicates of a single-valued relation are superseded too.
            for stale in existing.iter().skip(1) {
                self.transaction
                    .execute("DELETE FROM facts WHERE id = ?1", [to_i64(stale.id)])
                    .map_err(&sql_error)?;
            }
            let changed = normalize(&current.value) != value_key;
            (current.id, changed.then(|| current.clone()))
        } else {
            self.transaction
                .execute(
                    "INSERT INTO facts (kind, subject, relation, value, subject_key, \
                     relation_key, value_key, confidence, source_utterance, \
                     source_utterance_id, created_ns, updated_ns) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
                    params![
                        fact.kind.as_u8(),
                        fact.subject,
                        fact.relation,
                        fact.value,
                        subject_key,
                        relation_key,
                        value_key,
                        f64::from(fact.confidence),
                        fact.source_utterance,
                        fact.source_utterance_id,
                        self.now
                    ],
                )
                .map_err(&sql_error)?;
            (to_u64(self.transaction.last_insert_rowid()), None)
        };
        if kind == Kind::ObjectLocation {
            self.observe_object(
                &fact.subject,
                &fact.value,
                LocationSource::User,
                &fact.source_utterance_id,
            )?;
        }
        if kind == Kind::Person && relation_key == "name" {
            self.transaction
                .execute(
                    "INSERT INTO people (role_key, role, name, source_utterance_id, created_ns, \
                     updated_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?5) \
                     ON CONFLICT (role_key) DO UPDATE SET role = excluded.role, \
                     name = excluded.name, source_utterance_id = excluded.source_utterance_id, \
                     updated_ns = excluded.updated_ns",
                    params![
                        subject_key,
                        fact.subject,
                        fact.value,
                        fact.source_utterance_id,
                        self.now
                    ],
                )
                .map_err(&sql_error)?;
        }
        debug!(id, subject = %fact.subject, relation = %fact.relation, replaced = previous.is_some(), "remembered");
        Ok(Remembered { id, previous })
    }

    /// Forgets `target`; returns how many records went.
    ///
    /// # Errors
    /// [`Error::Invalid`] for an empty subject or relation, [`Error::Sql`].
    pub fn forget(&mut self, target: &Forget) -> Result<usize, Error> {
        let sql_error = Error::sql("forget");
        let key_of = |field: &'static str, text: &str| {
            let key = normalize(text);
            if key.is_empty() {
                Err(Error::Invalid {
                    field,
                    reason: "must not be empty".to_owned(),
                })
            } else {
                Ok(key)
            }
        };
        let forgotten = match target {
            Forget::Relation { subject, relation } => {
                let subject = key_of("forget.subject", subject)?;
                let relation = key_of("forget.relation", relation)?;
                let mut count = self
                    .transaction
                    .execute(
                        "DELETE FROM facts WHERE subject_key = ?1 AND relation_key = ?2",
                        [&subject, &relation],
                    )
                    .map_err(&sql_error)?;
                if relation == "location" {
                    count += self
                        .transaction
                        .execute(
                            "DELETE FROM object_locations WHERE object_key = ?1",
                            [&subject],
                        )
                        .map_err(&sql_error)?;
                }
                if relation == "name" {
                    count += self
                        .transaction
                        .execute("DELETE FROM people WHERE role_key = ?1", [&subject])
                        .map_err(&sql_error)?;
                }
                count
            }
            Forget::Everything { subject } => {
                let subject_key = key_of("forget.subject", subject)?;
                let mut count = self
                    .transaction
                    .execute(
                        "DELETE FROM facts WHERE subject_key = ?1 OR value_key = ?1",
                        [&subject_key],
                    )
                    .map_err(&sql_error)?;
                count += self
                    .transaction
                    .execute(
                        "DELETE FROM people WHERE role_key = ?1 OR name = ?2 COLLATE NOCASE",
                        [&subject_key, subject.trim()],
                    )
                    .map_err(&sql_error)?;
                count += self
                    .transaction
                    .execute(
                        "DELETE FROM object_locations WHERE object_key = ?1",
                        [&subject_key],
                    )
                    .map_err(&sql_error)?;
                count
            }
        };
        debug!(?target, forgotten, "forgot");
        Ok(forgotten)
    }

    /// Records where `object` is according to `source`, replacing that source's previous
    /// report for the object.
    ///
    /// # Errors
    /// [`Error::Invalid`] for an empty name, [`Error::Sql`].
    pub fn observe_object(
        &mut self,
        object: &str,
        place: &str,
        source: LocationSource,
        utterance_id: &str,
    ) -> Result<(), Error> {
        let object_key = normalize(object);
        if object_key.is_empty() || place.trim().is_empty() {
            return Err(Error::Invalid {
                field: if object_key.is_empty() {
                    "object"
                } else {
                    "place"
                },
                reason: "must not be empty".to_owned(),
            });
        }
        self.transaction
            .execute(
                "INSERT INTO object_locations (object_key, source, object, place, observed_ns, \
                 source_utterance_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                 ON CONFLICT (object_key, source) DO UPDATE SET object = excluded.object, \
                 place = excluded.place, observed_ns = excluded.observed_ns, \
                 source_utterance_id = excluded.source_utterance_id",
                params![
                    object_key,
                    source.as_str(),
                    object.trim(),
                    place.trim(),
                    self.now,
                    utterance_id
                ],
            )
            .map_err(Error::sql("record an object location"))?;
        Ok(())
    }

    /// Stores a taught example; teaching the same utterance again replaces its output,
    /// which is returned, and marks it not consolidated.
    ///
    /// # Errors
    /// [`Error::Invalid`] for an empty utterance or output, [`Error::Sql`].
    pub fn teach(&mut self, example: &TaughtExample) -> Result<Option<String>, Error> {
        let key = normalize(&example.utterance);
        if key.is_empty() || example.output.trim().is_empty() {
            return Err(Error::Invalid {
                field: if key.is_empty() {
                    "example.utterance"
                } else {
                    "example.output"
                },
                reason: "must not be empty".to_owned(),
            });
        }
        let sql_error = Error::sql("teach");
        let previous: Option<String> = self
            .transaction
            .query_row(
                "SELECT output FROM taught_examples WHERE utterance_key = ?1",
                [&key],
                |row| row.get(0),
            )
            .optional()
            .map_err(&sql_error)?;
        self.transaction
            .execute(
                "INSERT INTO taught_examples (kind, utterance, utterance_key, output, \
                 source_utterance_id, created_ns, updated_ns, meaning) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7) \
                 ON CONFLICT (utterance_key) DO UPDATE SET kind = excluded.kind, \
                 utterance = excluded.utterance, output = excluded.output, \
                 source_utterance_id = excluded.source_utterance_id, \
                 updated_ns = excluded.updated_ns, consolidated_ns = NULL, \
                 meaning = excluded.meaning",
                params![
                    example.kind.as_str(),
                    example.utterance.trim(),
                    key,
                    example.output,
                    example.source_utterance_id,
                    self.now,
                    example.meaning
                ],
            )
            .map_err(&sql_error)?;
        Ok(previous)
    }

    /// Forgets the example taught for `utterance`; whether there was one.
    ///
    /// # Errors
    /// [`Error::Sql`].
    pub fn unteach(&mut self, utterance: &str) -> Result<bool, Error> {
        self.transaction
            .execute(
                "DELETE FROM taught_examples WHERE utterance_key = ?1",
                [normalize(utterance)],
            )
            .map(|count| count > 0)
            .map_err(Error::sql("unteach"))
    }

    /// Marks taught examples as consolidated into the model's weights at the batch's time.
    ///
    /// # Errors
    /// [`Error::Sql`].
    pub fn mark_consolidated(&mut self, ids: &[u64]) -> Result<(), Error> {
        for id in ids {
            self.transaction
                .execute(
                    "UPDATE taught_examples SET consolidated_ns = ?2 WHERE id = ?1",
                    params![to_i64(*id), self.now],
                )
                .map_err(Error::sql("mark examples consolidated"))?;
        }
        Ok(())
    }

    /// Appends a dialogue turn; returns its id.
    ///
    /// # Errors
    /// [`Error::Sql`].
    pub fn record_turn(&mut self, turn: &Turn) -> Result<u64, Error> {
        self.transaction
            .execute(
                "INSERT INTO episodes (session, utterance_id, user_text, reply_text, actions, \
                 speech_end_ns, transcript_ns, reply_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    turn.session,
                    turn.utterance_id,
                    turn.user_text,
                    turn.reply_text,
                    turn.actions,
                    turn.speech_end.as_ref().map(Time::as_nanos),
                    turn.transcript.as_ref().map(Time::as_nanos),
                    turn.reply.as_nanos()
                ],
            )
            .map_err(Error::sql("record a turn"))?;
        Ok(to_u64(self.transaction.last_insert_rowid()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table_exists(memory: &Memory, name: &str) -> bool {
        memory
            .connection
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = ?1",
                [name],
                |row| row.get::<_, i64>(0),
            )
            .unwrap()
            > 0
    }

    /// The brain and the memory node open the same new file as they start (the end-to-end
    /// tests' race): both must open it, at the latest version.
    #[test]
    fn processes_opening_a_new_file_at_once_both_open_it() {
        for round in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("memory.sqlite");
            let barrier = std::sync::Barrier::new(4);
            std::thread::scope(|scope| {
                let openers: Vec<_> = (0..4)
                    .map(|_| {
                        scope.spawn(|| {
                            barrier.wait();
                            Memory::open(&path, Durability::Normal)
                                .and_then(|memory| memory.schema_version())
                        })
                    })
                    .collect();
                for opener in openers {
                    let version = opener.join().unwrap();
                    assert_eq!(
                        version.as_ref().ok(),
                        Some(&LATEST_VERSION),
                        "round {round}: {version:?}"
                    );
                }
            });
        }
    }

    #[test]
    fn a_v1_database_is_upgraded_and_its_facts_become_searchable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memory.sqlite");
        {
            let memory = Memory::open_at_version(&path, Durability::Normal, 1).unwrap();
            assert_eq!(memory.schema_version().unwrap(), 1);
            assert!(!table_exists(&memory, "facts_fts"));
            assert!(!table_exists(&memory, "taught_examples"));
            // Rows as the v1 program wrote them.
            memory
                .connection
                .execute_batch(
                    "INSERT INTO facts (kind, subject, relation, value, subject_key, relation_key, \
                     value_key, confidence, source_utterance, source_utterance_id, created_ns, \
                     updated_ns) VALUES \
                     (2, 'Keys', 'location', 'kitchen', 'keys', 'location', 'kitchen', 1.0, \
                      'my keys are in the kitchen', 'u1', 5, 5), \
                     (1, 'user', 'allergic to', 'peanuts', 'user', 'allergic to', 'peanuts', 0.9, \
                      '', '', 6, 6); \
                     INSERT INTO object_locations VALUES ('keys', 'user', 'Keys', 'kitchen', 5, 'u1');",
                )
                .unwrap();
        }
        let mut memory = Memory::open(&path, Durability::Full).unwrap();
        assert_eq!(memory.schema_version().unwrap(), LATEST_VERSION);
        let recalled = memory
            .recall(
                &RecallQuery {
                    text: "where did I leave my keys".into(),
                    ..RecallQuery::default()
                },
                &Aliases::new(),
            )
            .unwrap();
        assert_eq!(recalled.len(), 1);
        assert_eq!(recalled[0].fact.value, "kitchen");
        assert_eq!(recalled[0].fact.source_utterance_id, "u1");
        // v2 features work on the upgraded file, and v1 rows stay editable.
        memory
            .teach(
                &TaughtExample {
                    kind: TaughtKind::Alias,
                    utterance: "the study".into(),
                    output: "office".into(),
                    source_utterance_id: String::new(),
                    meaning: String::new(),
                },
                &Time::from_nanos(7),
            )
            .unwrap();
        let corrected = memory
            .remember(
                NewFact::new(Kind::Fact, "user", "allergic to", "cats"),
                RememberMode::Correct,
                &Time::from_nanos(8),
            )
            .unwrap();
        assert_eq!(corrected.previous.unwrap().value, "peanuts");
        let found = memory
            .recall(
                &RecallQuery {
                    text: "cats".into(),
                    ..RecallQuery::default()
                },
                &Aliases::new(),
            )
            .unwrap();
        assert_eq!(found.len(), 1, "the index follows updates of migrated rows");
        memory.integrity_check().unwrap();
    }

    #[test]
    fn json_arrays_escape_quotes_and_controls() {
        let items = ["a\"b".to_owned(), "c\\d\n".to_owned()];
        assert_eq!(json_string_array(&items), r#"["a\"b","c\\d\u000a"]"#);
    }
}
