//! Facts as the memory stores them, and their conversion to and from `MemoryFact`.

use embodied_msgs::msg::MemoryFact;

use crate::error::Error;

/// A point in time, as ROS `builtin_interfaces/Time` (nanoseconds since the Unix epoch, or
/// simulated time).
pub type Time = embodied_msgs::builtin_interfaces::msg::Time;

/// What a fact is about: the `MemoryFact.msg` `KIND_*` values (`KIND_UNKNOWN` is only a
/// wildcard in queries, never stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A general fact about the world or the user.
    Fact,
    /// Where an object is.
    ObjectLocation,
    /// Something about a person.
    Person,
    /// A taught phrase and what it means.
    Phrase,
    /// Something that happened.
    Episode,
}

impl Kind {
    /// The `MemoryFact.kind` value.
    pub fn as_u8(self) -> u8 {
        match self {
            Self::Fact => MemoryFact::KIND_FACT,
            Self::ObjectLocation => MemoryFact::KIND_OBJECT_LOCATION,
            Self::Person => MemoryFact::KIND_PERSON,
            Self::Phrase => MemoryFact::KIND_PHRASE,
            Self::Episode => MemoryFact::KIND_EPISODE,
        }
    }

    /// The kind of a `MemoryFact.kind` value; `None` for `KIND_UNKNOWN` and unknown values.
    pub fn from_u8(value: u8) -> Option<Self> {
        [
            Self::Fact,
            Self::ObjectLocation,
            Self::Person,
            Self::Phrase,
            Self::Episode,
        ]
        .into_iter()
        .find(|kind| kind.as_u8() == value)
    }
}

/// A fact to remember.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFact {
    /// What it is about.
    pub kind: Kind,
    /// E.g. "keys", "Alice", "user".
    pub subject: String,
    /// E.g. "location", "likes", "name".
    pub relation: String,
    /// E.g. "kitchen", "tea", "Alice".
    pub value: String,
    /// In [0, 1].
    pub confidence: f32,
    /// The words it was learnt from; empty if not from speech.
    pub source_utterance: String,
    /// Id of the utterance it was learnt from; empty if not from speech.
    pub source_utterance_id: String,
}

impl NewFact {
    /// A fact with confidence 1 and no source utterance.
    pub fn new(kind: Kind, subject: &str, relation: &str, value: &str) -> Self {
        Self {
            kind,
            subject: subject.to_owned(),
            relation: relation.to_owned(),
            value: value.to_owned(),
            confidence: 1.0,
            source_utterance: String::new(),
            source_utterance_id: String::new(),
        }
    }

    /// The same, learnt from `utterance` (id and words).
    #[must_use]
    pub fn from_utterance(mut self, utterance_id: &str, utterance: &str) -> Self {
        utterance_id.clone_into(&mut self.source_utterance_id);
        utterance.clone_into(&mut self.source_utterance);
        self
    }

    /// The fact of a `Remember` request (`id`, `created` and `updated` are ignored).
    ///
    /// # Errors
    /// [`Error::Invalid`] for `KIND_UNKNOWN` or an unknown kind.
    pub fn from_msg(fact: &MemoryFact) -> Result<Self, Error> {
        let kind = Kind::from_u8(fact.kind).ok_or_else(|| Error::Invalid {
            field: "fact.kind",
            reason: format!("{} is not a storable MemoryFact KIND_* value", fact.kind),
        })?;
        Ok(Self {
            kind,
            subject: fact.subject.clone(),
            relation: fact.relation.clone(),
            value: fact.value.clone(),
            confidence: fact.confidence,
            source_utterance: String::new(),
            source_utterance_id: fact.source_utterance_id.clone(),
        })
    }

    /// Trims the text fields and checks every field, naming the one at fault.
    pub(crate) fn validated(mut self) -> Result<Self, Error> {
        for (field, text) in [
            ("fact.subject", &mut self.subject),
            ("fact.relation", &mut self.relation),
            ("fact.value", &mut self.value),
        ] {
            let trimmed = text.trim();
            if trimmed.is_empty() {
                return Err(Error::Invalid {
                    field,
                    reason: "must not be empty".to_owned(),
                });
            }
            if trimmed.len() != text.len() {
                *text = trimmed.to_owned();
            }
        }
        if !(self.confidence.is_finite() && (0.0..=1.0).contains(&self.confidence)) {
            return Err(Error::Invalid {
                field: "fact.confidence",
                reason: format!("{} is not in [0, 1]", self.confidence),
            });
        }
        Ok(self)
    }
}

/// A stored fact.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// Row id, stable for the life of the fact (corrections keep it).
    pub id: u64,
    /// What it is about.
    pub kind: Kind,
    /// Subject.
    pub subject: String,
    /// Relation.
    pub relation: String,
    /// Value.
    pub value: String,
    /// In [0, 1].
    pub confidence: f32,
    /// The words it was learnt from (last correction's); empty if not from speech.
    pub source_utterance: String,
    /// Id of that utterance.
    pub source_utterance_id: String,
    /// When first stored.
    pub created: Time,
    /// When last changed.
    pub updated: Time,
}

impl Fact {
    /// As a `MemoryFact` message.
    pub fn to_msg(&self) -> MemoryFact {
        MemoryFact {
            id: self.id,
            kind: self.kind.as_u8(),
            subject: self.subject.clone(),
            relation: self.relation.clone(),
            value: self.value.clone(),
            confidence: self.confidence,
            source_utterance_id: self.source_utterance_id.clone(),
            created: self.created.clone(),
            updated: self.updated.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_message_constants() {
        for value in 1..=5 {
            assert_eq!(Kind::from_u8(value).unwrap().as_u8(), value);
        }
        assert_eq!(Kind::from_u8(MemoryFact::KIND_UNKNOWN), None);
        assert_eq!(Kind::from_u8(6), None);
    }

    #[test]
    fn validation_trims_and_names_the_field() {
        let fact = NewFact::new(Kind::Fact, " Alice ", "likes", "tea")
            .validated()
            .unwrap();
        assert_eq!(fact.subject, "Alice");
        let error = NewFact::new(Kind::Fact, "Alice", " ", "tea")
            .validated()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid fact.relation: must not be empty"
        );
        let mut bad = NewFact::new(Kind::Fact, "a", "b", "c");
        bad.confidence = f32::NAN;
        assert!(bad.validated().is_err());
    }
}
