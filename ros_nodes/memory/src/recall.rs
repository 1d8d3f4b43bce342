//! Retrieval: exact filters, and free text ranked by FTS5 `bm25` plus alias-aware matching
//! of the object and place names an utterance mentions.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{Connection, params};

use crate::error::Error;
use crate::fact::{Fact, Kind};
use crate::store::fact_from_row;
use crate::text::{fts_literal, is_stop_word, normalize, words};

/// Other names of places and objects ("the study" for "office", "clicker" for "remote
/// control"), from the semantic map. Matching is by whole words, case-insensitive.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Aliases {
    /// Normalised alias or canonical name -> canonical name.
    to_canonical: BTreeMap<String, String>,
    /// Normalised canonical name -> its normalised aliases.
    by_canonical: BTreeMap<String, BTreeSet<String>>,
}

impl Aliases {
    /// No aliases.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `canonical` and its `aliases`.
    pub fn add<'a>(&mut self, canonical: &str, aliases: impl IntoIterator<Item = &'a str>) {
        let canonical = normalize(canonical);
        if canonical.is_empty() {
            return;
        }
        self.to_canonical
            .insert(canonical.clone(), canonical.clone());
        let known = self.by_canonical.entry(canonical.clone()).or_default();
        for alias in aliases {
            let alias = normalize(alias);
            if !alias.is_empty() && alias != canonical {
                known.insert(alias.clone());
                self.to_canonical.insert(alias, canonical.clone());
            }
        }
    }

    /// The aliases of every place and object of the world's semantic map (the one source of
    /// names; the `aliases` parameter only adds to it).
    pub fn from_semantic_map(map: &embodied_world::SemanticMap) -> Self {
        let mut aliases = Self::new();
        for (phrase, named) in map.vocabulary() {
            let canonical = match named {
                embodied_world::Named::Place(place) => place.name(),
                embodied_world::Named::Object(object) => object.name(),
            };
            aliases.add(canonical, [phrase]);
        }
        aliases
    }

    /// Adds every name of `other`.
    pub fn extend(&mut self, other: &Aliases) {
        for (canonical, aliases) in &other.by_canonical {
            self.add(canonical, aliases.iter().map(String::as_str));
        }
    }

    /// The canonical name of `name` (an alias or a canonical name), normalised.
    pub fn canonical(&self, name: &str) -> Option<&str> {
        self.to_canonical.get(&normalize(name)).map(String::as_str)
    }

    /// The canonical names mentioned in `text` (directly or through an alias), as whole
    /// words; a longer name wins over a name inside it ("remote control" over "control").
    pub fn mentioned_in(&self, text: &str) -> BTreeSet<String> {
        let padded = format!(" {} ", normalize(text));
        let mut names: Vec<&String> = self.to_canonical.keys().collect();
        names.sort_by_key(|name| std::cmp::Reverse(name.len()));
        let mut remaining = padded;
        let mut found = BTreeSet::new();
        for name in names {
            let needle = format!(" {name} ");
            if remaining.contains(&needle) {
                if let Some(canonical) = self.to_canonical.get(name) {
                    found.insert(canonical.clone());
                }
                remaining = remaining.replace(&needle, " | ");
            }
        }
        found
    }

    /// `canonical` and all its aliases, normalised.
    pub(crate) fn names_of<'a>(&'a self, canonical: &'a str) -> impl Iterator<Item = &'a str> {
        std::iter::once(canonical).chain(
            self.by_canonical
                .get(canonical)
                .into_iter()
                .flatten()
                .map(String::as_str),
        )
    }
}

/// What to recall. Empty strings and `kind: None` match anything; with `text` empty only the
/// exact filters apply.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecallQuery {
    /// Only facts of this kind.
    pub kind: Option<Kind>,
    /// Only facts with this subject (case-insensitive).
    pub subject: String,
    /// Only facts with this relation (case-insensitive).
    pub relation: String,
    /// Free text, e.g. the user's utterance: facts are ranked by relevance to it.
    pub text: String,
    /// Most facts to return; 0 for the memory's default.
    pub max_results: u32,
}

/// One recalled fact and its relevance.
#[derive(Debug, Clone, PartialEq)]
pub struct Recalled {
    /// The fact.
    pub fact: Fact,
    /// Relevance in [0, 1]: 1 for exact-filter matches; for free text, grows with the FTS5
    /// bm25 score and with names of the utterance found as the fact's subject or value.
    pub score: f32,
}

/// Score added when the fact's subject is a name the utterance mentions.
const SUBJECT_MENTION_BOOST: f64 = 2.0;
/// Score added when the fact's value is a name the utterance mentions.
const VALUE_MENTION_BOOST: f64 = 1.0;
/// Free-text candidates fetched per result asked for, before re-ranking.
const CANDIDATES_PER_RESULT: u32 = 4;
/// bm25 column weights: subject, relation, value, source utterance.
const BM25_WEIGHTS: &str = "4.0, 1.0, 3.0, 0.5";

/// The FTS5 query for `text`: its content words and the names it mentions with all their
/// aliases, each a quoted literal, OR-ed; `None` if nothing is left to search for.
fn fts_query(text: &str, aliases: &Aliases) -> Option<String> {
    let mut terms: BTreeSet<String> = words(text)
        .into_iter()
        .filter(|word| !is_stop_word(word))
        .collect();
    for canonical in aliases.mentioned_in(text) {
        terms.extend(aliases.names_of(&canonical).map(str::to_owned));
    }
    if terms.is_empty() {
        return None;
    }
    Some(
        terms
            .iter()
            .map(|term| fts_literal(term))
            .collect::<Vec<_>>()
            .join(" OR "),
    )
}

const FACT_COLUMNS: &str = "f.id, f.kind, f.subject, f.relation, f.value, f.confidence, \
     f.source_utterance, f.source_utterance_id, f.created_ns, f.updated_ns";

/// Runs `query` against the facts.
pub(crate) fn recall(
    connection: &Connection,
    query: &RecallQuery,
    aliases: &Aliases,
    limit: u32,
) -> Result<Vec<Recalled>, Error> {
    let kind = query.kind.map_or(0, |kind| i64::from(kind.as_u8()));
    let subject = normalize(&query.subject);
    let relation = normalize(&query.relation);
    let filters = "(?1 = 0 OR f.kind = ?1) AND (?2 = '' OR f.subject_key = ?2) \
                   AND (?3 = '' OR f.relation_key = ?3)";
    let Some(fts) = fts_query(&query.text, aliases) else {
        if !query.text.trim().is_empty() {
            // Only stop words: nothing to rank by, and listing everything would mislead.
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {FACT_COLUMNS} FROM facts f WHERE {filters} \
             ORDER BY f.updated_ns DESC, f.id DESC LIMIT ?4"
        );
        let mut statement = connection
            .prepare_cached(&sql)
            .map_err(Error::sql("recall"))?;
        let rows = statement
            .query_map(params![kind, subject, relation, limit], fact_from_row)
            .map_err(Error::sql("recall"))?;
        return rows
            .map(|fact| {
                Ok(Recalled {
                    fact: fact.map_err(Error::sql("recall"))?,
                    score: 1.0,
                })
            })
            .collect();
    };
    let sql = format!(
        "SELECT {FACT_COLUMNS}, -bm25(facts_fts, {BM25_WEIGHTS}) AS relevance \
         FROM facts_fts JOIN facts f ON f.id = facts_fts.rowid \
         WHERE facts_fts MATCH ?5 AND {filters} \
         ORDER BY relevance DESC LIMIT ?4"
    );
    let mut statement = connection
        .prepare_cached(&sql)
        .map_err(Error::sql("recall"))?;
    let candidates = limit.saturating_mul(CANDIDATES_PER_RESULT);
    let rows = statement
        .query_map(params![kind, subject, relation, candidates, fts], |row| {
            Ok((fact_from_row(row)?, row.get::<_, f64>(10)?))
        })
        .map_err(Error::sql("recall"))?;
    let mentioned = aliases.mentioned_in(&query.text);
    let mentioned_words: BTreeSet<String> = words(&query.text)
        .into_iter()
        .filter(|word| !is_stop_word(word))
        .collect();
    let mentions = |name: &str| {
        let key = normalize(name);
        let canonical = aliases.canonical(&key).unwrap_or(&key).to_owned();
        mentioned.contains(&canonical) || mentioned_words.contains(&key)
    };
    let mut ranked = Vec::new();
    for row in rows {
        let (fact, bm25) = row.map_err(Error::sql("recall"))?;
        let mut raw = bm25.max(0.0);
        if mentions(&fact.subject) {
            raw += SUBJECT_MENTION_BOOST;
        }
        if mentions(&fact.value) {
            raw += VALUE_MENTION_BOOST;
        }
        ranked.push((raw, fact));
    }
    // Stable: equal scores keep bm25 order; then newer first.
    ranked.sort_by(|(a, fa), (b, fb)| {
        b.total_cmp(a)
            .then_with(|| fb.updated.as_nanos().cmp(&fa.updated.as_nanos()))
    });
    ranked.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(ranked
        .into_iter()
        .map(|(raw, fact)| Recalled {
            fact,
            // raw / (1 + raw) maps [0, inf) onto [0, 1) monotonically.
            score: (raw / (1.0 + raw)) as f32,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home() -> Aliases {
        let mut aliases = Aliases::new();
        aliases.add("office", ["the study", "study"]);
        aliases.add("remote control", ["remote", "clicker"]);
        aliases.add("living room", ["lounge"]);
        aliases
    }

    #[test]
    fn mentions_resolve_aliases_longest_first() {
        let aliases = home();
        let found = aliases.mentioned_in("Is the clicker in the Study?");
        assert_eq!(
            found.into_iter().collect::<Vec<_>>(),
            ["office", "remote control"]
        );
        let found = aliases.mentioned_in("where is the remote control");
        assert_eq!(found.len(), 1);
        assert!(aliases.mentioned_in("studying").is_empty());
    }

    #[test]
    fn fts_query_keeps_content_words_and_expands_names() {
        let query = fts_query("where is the clicker", &home()).unwrap();
        assert_eq!(query, "\"clicker\" OR \"remote\" OR \"remote control\"");
        assert_eq!(fts_query("where is it", &home()), None);
        // Query syntax in user text stays literal.
        assert_eq!(
            fts_query("keys NEAR kitchen*", &Aliases::new()).unwrap(),
            "\"keys\" OR \"kitchen\" OR \"near\""
        );
    }
}
