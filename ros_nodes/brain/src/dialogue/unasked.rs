//! Steps that nothing in the utterance asked for are dropped. The model, shown a phrasing
//! unlike any it learned, can answer with a step of a request it knows; that is harmless for a
//! question or a status report, but not when it erases memory ("can you remember my name?"
//! answered with a forget) or moves the robot ("order a pizza" answered by driving 1 m, "roger
//! that" by turning left). Every phrasing of such a request in `config/corpus/` has a word of
//! its kind (tests check all of them, and the near misses the corpus's noise makes of them), so
//! an answer to an utterance without one is not what was asked.

use embodied_world::PlaceId;

use crate::actions::{Action, Understanding};
use crate::prompt::{MemoryOp, THEN};
use crate::slots::SlotLexicon;

/// `utterance`'s words, lowercase, apostrophes kept ("don’t" is "don't").
fn words(utterance: &str) -> Vec<String> {
    crate::corpus::noise::plain_words(&utterance.replace('’', "'"))
}

/// Whether one of `words` is one of `cues`.
fn has_cue(words: &[String], cues: &[&str]) -> bool {
    words.iter().any(|word| cues.contains(&word.as_str()))
}

/// Words of which a request to forget has at least one (`config/corpus/memory.tpl`'s forget
/// phrasings all do: "forget ...", "delete ...", "never mind ...", "don't keep track of ...",
/// "... doesn't matter anymore", "get rid of ..."), with the near misses of
/// `config/corpus/language.tpl`'s confusions ("stopped").
pub const FORGET_CUES: &[&str] = &[
    "forget",
    "forgot",
    "forgotten",
    "delete",
    "erase",
    "clear",
    "wipe",
    "drop",
    "remove",
    "disregard",
    "ignore",
    "stop",
    "stops",
    "stopped",
    "don't",
    "dont",
    "never",
    "no",
    "anymore",
    "rather",
    "rid",
    "throw",
];

/// What the robot says when the model's answer would forget something nobody asked it to.
pub const KEPT_SAY: &str =
    "I haven't forgotten anything. To make me forget something, ask me to forget it.";

/// Drops the forget operations of an answer to an utterance with none of the
/// [`FORGET_CUES`], and says [`KEPT_SAY`] instead of the answer: the model answered "can you
/// remember my name?" with "Okay, I've forgotten your name." and a forget, and a question
/// must never erase what the robot knows. Returns the say text replaced, if any.
pub fn keep_unasked_forgets(
    say: &mut String,
    ops: &mut Vec<MemoryOp>,
    utterance: &str,
) -> Option<String> {
    let forgets = |op: &MemoryOp| matches!(op, MemoryOp::Forget { .. });
    if !ops.iter().any(forgets) {
        return None;
    }
    if has_cue(&words(utterance), FORGET_CUES) {
        return None;
    }
    ops.retain(|op| !forgets(op));
    Some(std::mem::replace(say, KEPT_SAY.to_owned()))
}

/// Words of which every request to move has at least one, with the near misses of
/// `config/corpus/language.tpl`'s confusions ("foreword", "for word"), and a few ways to ask
/// that no template has yet ("budge", "make way", "move aside").
pub const MOVE_CUES: &[&str] = &[
    "forward",
    "forwards",
    "foreword",
    "word",
    "back",
    "backward",
    "backwards",
    "ahead",
    "move",
    "moving",
    "go",
    "drive",
    "roll",
    "straight",
    "reverse",
    "closer",
    "close",
    "step",
    "away",
    "scoot",
    "inch",
    "nudge",
    "creep",
    "edge",
    "advance",
    "retreat",
    "walk",
    "travel",
    "push",
    "pull",
    "proceed",
    "continue",
    "carry",
    "keep",
    "room",
    "space",
    "further",
    "onward",
    "onwards",
    "up",
    "come",
    "along",
    "head",
    "budge",
    "shift",
    "aside",
    "way",
    "approach",
    "nearer",
];

/// Words of which every request to turn has at least one, with the near misses of
/// `config/corpus/language.tpl`'s confusions ("tern", "lift", "rite"), and a few ways to ask
/// that no template has yet ("swivel", "twist").
pub const TURN_CUES: &[&str] = &[
    "turn",
    "turning",
    "turned",
    "tern",
    "left",
    "lift",
    "laughed",
    "right",
    "write",
    "rite",
    "around",
    "round",
    "rotate",
    "rotation",
    "spin",
    "face",
    "pivot",
    "swing",
    "circle",
    "veer",
    "clockwise",
    "counterclockwise",
    "anticlockwise",
    "angle",
    "bear",
    "flip",
    "whip",
    "pirouette",
    "twirl",
    "revolution",
    "behind",
    "opposite",
    "direction",
    "other",
    "look",
    "hook",
    "u",
    "swivel",
    "twist",
    "sideways",
];

/// Words of which every request to go and charge has at least one ("go recharge", "back to
/// your dock", "time to top up"), with the near misses of `config/corpus/language.tpl`'s
/// confusions ("charting", "battle ray"); other drives name their place.
pub const CHARGE_CUES: &[&str] = &[
    "charge",
    "charger",
    "charging",
    "charting",
    "charged",
    "recharge",
    "dock",
    "base",
    "home",
    "plug",
    "power",
    "juice",
    "top",
    "battery",
    "battery's",
    "batteries",
    "batteries'",
    "battle",
];

/// Units, which ask for a move or a turn of that size, as numbers do ("then 360").
const UNITS: &[&str] = &[
    "meter",
    "meters",
    "metre",
    "metres",
    "centimeter",
    "centimeters",
    "centimetre",
    "centimetres",
    "foot",
    "feet",
    "inches",
    "degree",
    "degrees",
];

/// Words of which every question where an object is has one ("where ...", "have you seen
/// ...", "what room is ... in", "which room ...", "did you see ... anywhere"), with the near
/// misses of `config/corpus/language.tpl`'s confusions ("wear", "were"), and no request to find
/// one.
pub const WHERE_CUES: &[&str] = &[
    "where", "where's", "where'd", "where're", "wear", "were", "did", "seen", "noticed", "spotted",
    "which", "what", "what's", "across",
];

/// Whether `utterance` asks where something is rather than for it to be found: it has one of
/// the [`WHERE_CUES`] or asks "is ... around?".
pub fn asks_where(utterance: &str) -> bool {
    let words = words(utterance);
    has_cue(&words, WHERE_CUES) || words.first().is_some_and(|first| first == "is")
}

/// What the robot says when none of the answer's steps was asked for: that it is not sure,
/// and what it can do.
pub fn unsure_say() -> String {
    format!(
        "Sorry, I'm not sure what you'd like me to do. {}",
        crate::corpus::generate::CAPABILITIES
    )
}

/// Drops the moves of an answer to an utterance with none of the [`MOVE_CUES`], the turns
/// of one with none of the [`TURN_CUES`] (a number or unit counts for both), and the drives to
/// a place it does not name (`places_named`; the charging dock also by a [`CHARGE_CUES`]
/// word: "sleep well, robot" was answered by driving to the dock), with what the say text
/// says of them: the clause of each dropped step when the say text has one per action, else
/// all of it with every action but a stop; [`unsure_say`] when nothing is left. Returns the
/// say text replaced, if any.
pub fn drop_unasked_motion(
    understanding: &mut Understanding,
    utterance: &str,
    places_named: &[PlaceId],
) -> Option<String> {
    let words = words(utterance);
    let measured = has_cue(&words, UNITS)
        || words.iter().any(|word| {
            crate::numbers::is_number_word(word) || word.starts_with(|c: char| c.is_ascii_digit())
        });
    let asked_to_move = measured || has_cue(&words, MOVE_CUES);
    let asked_to_turn = measured || has_cue(&words, TURN_CUES);
    let asked_to_charge = has_cue(&words, CHARGE_CUES);
    let asked = |action: &Action| match action {
        Action::Move { .. } => asked_to_move,
        Action::Turn { .. } => asked_to_turn,
        Action::Navigate { target } => {
            places_named.contains(target) || (*target == PlaceId::ChargingDock && asked_to_charge)
        }
        _ => true,
    };
    if understanding.actions.iter().all(asked) {
        return None;
    }
    let clauses: Vec<&str> = understanding.say.split(THEN).collect();
    let kept: Vec<&str> = clauses
        .iter()
        .zip(&understanding.actions)
        .filter(|(_, action)| asked(action))
        .map(|(clause, _)| *clause)
        .collect();
    // A say text with a clause per action loses the clauses of the dropped ones. Of one that
    // cannot be taken apart so, nothing is said and nothing done (a wrong half of it would be
    // worse), but a stop: stopping is never dropped.
    let say = if clauses.len() == understanding.actions.len() && !kept.is_empty() {
        understanding.actions.retain(asked);
        crate::corpus::generate::capitalize(&kept.join(THEN))
    } else {
        understanding
            .actions
            .retain(|action| matches!(action, Action::Stop));
        if understanding.actions.is_empty() {
            unsure_say()
        } else {
            crate::corpus::generate::step_sentence(&Action::Stop, true).unwrap_or_default()
        }
    };
    Some(std::mem::replace(&mut understanding.say, say))
}

/// Drops what nothing in `utterance` asked for: forgets ([`keep_unasked_forgets`]) and moves,
/// turns and drives ([`drop_unasked_motion`], the places named as `lexicon` reads them).
/// Returns what the model said where it was replaced.
pub fn keep_to_what_was_asked(
    understanding: &mut Understanding,
    memory_ops: &mut Vec<MemoryOp>,
    utterance: &str,
    lexicon: &SlotLexicon,
) -> Option<String> {
    let forget = keep_unasked_forgets(&mut understanding.say, memory_ops, utterance);
    let places = lexicon.places_named(&words(utterance).join(" "));
    let motion = drop_unasked_motion(understanding, utterance, &places);
    forget.or(motion)
}

#[cfg(test)]
mod tests {
    use embodied_world::ObjectId;

    use super::*;
    use crate::dialogue::recall::{NAME_RELATION, USER};
    use crate::prompt::Fact;

    /// Every phrasing of the corpus's templates that `pick` keeps (each slot read as "it": a
    /// number counts as a motion cue, and the words must ask by themselves), as written
    /// and with each word heard as one of its near misses, with the template.
    fn corpus_phrasings(
        pick: impl Fn(&crate::corpus::Template) -> bool,
    ) -> Vec<(crate::corpus::Template, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let (_, set) = crate::corpus::load_from_root(&root).unwrap();
        let mut phrasings = Vec::new();
        for template in set.templates.iter().filter(|t| pick(t)) {
            let text: String = template
                .text
                .split_whitespace()
                .map(|word| if word.starts_with('{') { "it" } else { word })
                .collect::<Vec<_>>()
                .join(" ");
            let words: Vec<&str> = text.split_whitespace().collect();
            phrasings.push((template.clone(), text.clone()));
            for (at, word) in words.iter().enumerate() {
                for miss in set.confusions.get(*word).into_iter().flatten() {
                    let mut heard = words.clone();
                    heard[at] = miss;
                    phrasings.push((template.clone(), heard.join(" ")));
                }
            }
        }
        phrasings
    }

    #[test]
    fn every_forget_phrasing_of_the_corpus_has_a_forget_cue() {
        let phrasings = corpus_phrasings(|t| t.intent.name().starts_with("forget"));
        for (template, utterance) in &phrasings {
            let mut ops = vec![MemoryOp::Forget {
                subject: USER.into(),
                relation: None,
            }];
            let mut say = String::from("Okay.");
            assert_eq!(
                keep_unasked_forgets(&mut say, &mut ops, utterance),
                None,
                "{}: {utterance}",
                template.id
            );
            assert_eq!(ops.len(), 1);
        }
        assert!(
            phrasings.len() > 150,
            "{} forget phrasings",
            phrasings.len()
        );
    }

    #[test]
    fn a_forget_nobody_asked_for_is_dropped_and_said_so() {
        for utterance in ["can you remember my name", "You remember my name, right?"] {
            let mut ops = vec![
                MemoryOp::Forget {
                    subject: USER.into(),
                    relation: Some(NAME_RELATION.into()),
                },
                MemoryOp::Remember(Fact::location(ObjectId::Cup, PlaceId::Kitchen)),
            ];
            let mut say = String::from("Okay, I've forgotten your name.");
            assert_eq!(
                keep_unasked_forgets(&mut say, &mut ops, utterance).as_deref(),
                Some("Okay, I've forgotten your name.")
            );
            assert_eq!(say, KEPT_SAY);
            assert_eq!(
                ops,
                [MemoryOp::Remember(Fact::location(
                    ObjectId::Cup,
                    PlaceId::Kitchen
                ))]
            );
        }
        let mut ops = vec![MemoryOp::Forget {
            subject: USER.into(),
            relation: Some(NAME_RELATION.into()),
        }];
        let mut say = String::from("Okay, I've forgotten your name.");
        assert_eq!(
            keep_unasked_forgets(&mut say, &mut ops, "Don’t keep my name."),
            None
        );
        assert_eq!(ops.len(), 1);
    }

    #[test]
    fn every_move_and_turn_phrasing_of_the_corpus_has_a_cue_of_its_kind() {
        use crate::actions::ActionKind;
        let motion = |template: &crate::corpus::Template| match template.intent.action_kinds() {
            [ActionKind::Move] => Some(Action::Move { distance_m: 1.0 }),
            [ActionKind::Turn] => Some(Action::Turn { angle_deg: 90.0 }),
            _ => None,
        };
        let phrasings = corpus_phrasings(|t| motion(t).is_some());
        for (template, utterance) in &phrasings {
            let mut answer = Understanding {
                say: "Okay.".into(),
                actions: motion(template).into_iter().collect(),
            };
            assert_eq!(
                drop_unasked_motion(&mut answer, utterance, &[]),
                None,
                "{}: {utterance}",
                template.id
            );
        }
        assert!(
            phrasings.len() > 1500,
            "{} motion phrasings",
            phrasings.len()
        );
    }

    #[test]
    fn every_request_to_go_and_charge_names_the_dock_or_asks_to_charge() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let (map, set) = crate::corpus::load_from_root(&root).unwrap();
        let lexicon = SlotLexicon::new(Default::default(), &map, &set.confusions);
        let phrasings = corpus_phrasings(|t| t.intent == crate::corpus::Intent::GoCharge);
        for (template, utterance) in &phrasings {
            let mut answer = Understanding {
                say: "Going to my charging dock.".into(),
                actions: vec![Action::Navigate {
                    target: PlaceId::ChargingDock,
                }],
            };
            assert_eq!(
                keep_to_what_was_asked(&mut answer, &mut Vec::new(), utterance, &lexicon),
                None,
                "{}: {utterance}",
                template.id
            );
        }
        assert!(phrasings.len() > 80, "{} phrasings", phrasings.len());
    }

    #[test]
    fn a_drive_goes_only_where_the_utterance_names() {
        let lexicon = SlotLexicon::for_tests();
        let drive = |target| Understanding {
            say: "Going somewhere.".into(),
            actions: vec![Action::Navigate { target }],
        };
        let mut kitchen = drive(PlaceId::Kitchen);
        let mut ops = Vec::new();
        assert_eq!(
            keep_to_what_was_asked(
                &mut kitchen,
                &mut ops,
                "Go to the kitchen, please.",
                &lexicon
            ),
            None
        );
        let mut dock = drive(PlaceId::ChargingDock);
        assert!(
            keep_to_what_was_asked(&mut dock, &mut ops, "sleep well robot", &lexicon).is_some()
        );
        assert_eq!((dock.say, dock.actions.len()), (unsure_say(), 0));
        let mut elsewhere = drive(PlaceId::Office);
        assert!(
            keep_to_what_was_asked(&mut elsewhere, &mut ops, "go to the kitchen", &lexicon)
                .is_some()
        );
    }

    #[test]
    fn a_motion_nobody_asked_for_is_dropped_and_said_so() {
        let forward = Action::Move { distance_m: 1.0 };
        let left = Action::Turn { angle_deg: 90.0 };
        for (utterance, action, say) in [
            ("Order a pizza.", &forward, "Moving forward 1 meter."),
            ("Roger that.", &left, "Turning left."),
            ("follow me", &forward, "Backing up half a meter."),
            ("could you go to the mall", &left, "Turning left."),
        ] {
            let mut answer = Understanding {
                say: say.into(),
                actions: vec![*action],
            };
            assert_eq!(
                drop_unasked_motion(&mut answer, utterance, &[]).as_deref(),
                Some(say),
                "{utterance}"
            );
            assert_eq!(answer.say, unsure_say());
            assert_eq!(answer.actions, []);
        }
        // The clause of a dropped step goes with it, the rest is kept.
        let mut status = Understanding {
            say: "I'm in the office and my battery is at 60 percent. Then moving forward 1 meter."
                .into(),
            actions: vec![Action::Status, forward],
        };
        assert!(
            drop_unasked_motion(&mut status, "can you update me on your status", &[]).is_some()
        );
        assert_eq!(
            status.say,
            "I'm in the office and my battery is at 60 percent."
        );
        assert_eq!(status.actions, [Action::Status]);
        let mut joined = Understanding {
            say: "Turning left. Then bringing you the cup.".into(),
            actions: vec![
                left,
                Action::Bring {
                    object: ObjectId::Cup,
                    to: crate::actions::Destination::User,
                },
            ],
        };
        assert!(drop_unasked_motion(&mut joined, "I need a drink", &[]).is_some());
        assert_eq!(joined.say, "Bringing you the cup.");
        // A say text that cannot be taken apart goes whole, and its actions with it, but a stop.
        let mut tangled = Understanding {
            say: "Stopping and turning.".into(),
            actions: vec![Action::Stop, left],
        };
        assert!(drop_unasked_motion(&mut tangled, "hey you", &[]).is_some());
        assert_eq!(
            (tangled.say.as_str(), tangled.actions.as_slice()),
            ("Stopping.", &[Action::Stop][..])
        );
        // Asked for by a word of its kind or a size.
        for (utterance, action) in [
            ("creep foreword", &forward),
            ("give me some room", &forward),
            ("then 360", &left),
            ("two meters please", &forward),
            ("hang a rite", &left),
            ("get out of the way", &forward),
            ("swivel", &left),
        ] {
            let mut answer = Understanding {
                say: "Okay.".into(),
                actions: vec![*action],
            };
            assert_eq!(
                drop_unasked_motion(&mut answer, utterance, &[]),
                None,
                "{utterance}"
            );
        }
    }

    #[test]
    fn where_questions_and_requests_to_find_are_told_apart() {
        use crate::corpus::Intent;
        let questions = corpus_phrasings(|t| t.intent == Intent::WhereIs);
        for (template, utterance) in &questions {
            assert!(asks_where(utterance), "{}: {utterance}", template.id);
        }
        let requests = corpus_phrasings(|t| t.intent == Intent::Find);
        for (template, utterance) in &requests {
            assert!(!asks_where(utterance), "{}: {utterance}", template.id);
        }
        assert!(questions.len() > 100 && requests.len() > 100);
    }
}
