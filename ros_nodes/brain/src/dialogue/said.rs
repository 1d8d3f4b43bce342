//! A size or direction said in so many words holds. The model, shown a phrasing unlike any it
//! learned, can keep the kind of a motion and lose what was said about it: "turn right 120"
//! turned left, "move 3" backed up 3 m, "turn 45" and "spin 360" (whisper writes the digits
//! that the corpus spells out) turned around. A request of one turn or one move whose words
//! give its size (one number) or its direction (left or right, forward or back, and not both)
//! gets that size and direction, or, beyond what the robot does at once ("move forward 12
//! meters" moved 1 m, "turn left 400 degrees" turned around), says so. So does a search: "find the keys" said right after "bring
//! me the keys" was answered with another fetch; a request to find that says nothing of
//! bringing is a find. Every example of the corpus keeps its answer (tested), so what the
//! words leave open stays the model's.

use crate::actions::{Action, Destination, Understanding};

/// Words that ask to search ("look" only in "look for").
const SEARCH: &[&str] = &["find", "search", "locate", "hunt", "seek"];
/// Words of bringing, handing over or needing: a search said with one of them may be a
/// fetch ("find the keys and give them to me", "I need to find my keys").
const FETCH: &[&str] = &[
    "bring", "fetch", "get", "give", "hand", "take", "carry", "deliver", "grab", "pass", "send",
    "need", "want", "pick", "return", "me", "here",
];

/// Whether `words` ask to search for something and say nothing of having it brought.
fn asks_only_to_search(words: &[&str]) -> bool {
    let search = words
        .iter()
        .enumerate()
        .any(|(i, w)| SEARCH.contains(w) || (*w == "look" && words.get(i + 1) == Some(&"for")));
    search && !words.iter().any(|w| FETCH.contains(w))
}

/// Words that say a turn goes left (counterclockwise, positive angles).
const LEFT: &[&str] = &["left", "counterclockwise", "anticlockwise"];
/// Words that say a turn goes right (clockwise, negative angles).
const RIGHT: &[&str] = &["right", "clockwise"];
/// Words after "right" that make it an adverb ("right now", "right away"), not a side.
const RIGHT_AS_ADVERB: &[&str] = &["now", "away", "there", "here", "then", "so", "ok", "okay"];

/// Words that say a move goes forward (positive distances).
const FORWARD: &[&str] = &["forward", "forwards", "ahead", "onward", "onwards"];
/// Words that say a move goes backward (negative distances).
const BACKWARD: &[&str] = &["back", "backward", "backwards", "backup", "reverse"];

/// The side `words` give, +1 or -1, when exactly one of the two is said.
fn side(positive: bool, negative: bool) -> Option<f64> {
    match (positive, negative) {
        (true, false) => Some(1.0),
        (false, true) => Some(-1.0),
        _ => None,
    }
}

/// Which way a turn goes by `words`, +1 left or -1 right; "counter clockwise" is left, and
/// "right" before [`RIGHT_AS_ADVERB`] or after "all" is no side.
fn turn_side(words: &[&str]) -> Option<f64> {
    let (mut left, mut right) = (false, false);
    for (i, word) in words.iter().enumerate() {
        let before = i.checked_sub(1).map(|b| words[b]);
        let after = words.get(i + 1).copied();
        match *word {
            "clockwise" if matches!(before, Some("counter" | "anti")) => left = true,
            "right"
                if before == Some("all") || after.is_some_and(|a| RIGHT_AS_ADVERB.contains(&a)) => {
            }
            w if LEFT.contains(&w) => left = true,
            w if RIGHT.contains(&w) => right = true,
            _ => {}
        }
    }
    side(left, right)
}

/// Which way a move goes by `words`, +1 forward or -1 back.
fn move_side(words: &[&str]) -> Option<f64> {
    let said = |cues: &[&str]| words.iter().any(|w| cues.contains(w));
    side(said(FORWARD), said(BACKWARD))
}

/// Words that may follow a turn's size: "turn 45", "45 degrees", "90 to the left".
const AFTER_AN_ANGLE: &[&str] = &[
    "degrees",
    "degree",
    "left",
    "right",
    "clockwise",
    "counterclockwise",
    "anticlockwise",
    "counter",
    "anti",
    "to",
    "please",
    "now",
];

/// Words of a fraction: a size said with one is read by the model ("a quarter of um a meter"
/// reads as one meter, "a meter er and a half" as one).
const FRACTIONS: &[&str] = &["half", "halves", "quarter", "quarters", "third", "thirds"];

/// The one number `said` holds (an `N` slot, as the slot lexicon reads it; a length is
/// `N1 meters`), with the word after it; `None` with no number, several, or one beside a
/// number word the slot lexicon left out ("one hundred hundred and twenty" reads as "one
/// hundred hundred and N1").
fn said_number<'a>(said: &[&'a str], numbers: &[String]) -> Option<(f64, Option<&'a str>)> {
    let mut slots = said.iter().enumerate().filter(|(_, w)| {
        w.strip_prefix('N')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    });
    let (at, slot) = slots.next()?;
    if slots.next().is_some() {
        return None;
    }
    // "... hundred and N1": the number word may stand before an "and".
    let before_and = (at >= 2 && said[at - 1] == "and").then(|| at - 2);
    let beside = [at.checked_sub(1), before_and, Some(at + 1)];
    if beside
        .into_iter()
        .flatten()
        .filter_map(|i| said.get(i))
        .any(|w| crate::numbers::is_number_word(&w.to_lowercase()))
    {
        return None;
    }
    let index: usize = slot[1..].parse().ok()?;
    let value: f64 = numbers.get(index.checked_sub(1)?)?.parse().ok()?;
    Some((value, said.get(at + 1).copied()))
}

/// What the robot says to a move longer than one step of a task may be
/// ([`crate::prompt::MAX_MOVE_M`]).
pub fn too_far_to_move() -> String {
    format!(
        "Sorry, I can move at most {} meters at a time.",
        crate::prompt::MAX_MOVE_M
    )
}

/// What the robot says to a turn of more than one full turn.
pub fn too_far_to_turn() -> String {
    format!(
        "Sorry, I can turn at most {} degrees at a time.",
        crate::prompt::MAX_TURN_DEG
    )
}

/// Answers a request beyond the robot's reach with `say` and no step (rather than with a
/// smaller motion than was asked for, which the model, bound by the grammar, made of it).
fn beyond_reach(understanding: &mut Understanding, say: &str) -> bool {
    understanding.actions.clear();
    understanding.say = say.to_owned();
    true
}

/// Gives a request of one turn or one move the size and direction its words say, and a
/// request to search the search it asks for: `plain` is
/// the utterance's plain words (the side), `said` the same as the model read it, numbers as
/// `N` slots whose values are `numbers` (the size). Returns whether the step changed; its say
/// text is then the step's own sentence's business
/// ([`crate::dialogue::state::enforce_said_steps`]).
pub fn hold_said_size_and_side(
    understanding: &mut Understanding,
    plain: &str,
    said: &str,
    numbers: &[String],
) -> bool {
    use crate::prompt::{MAX_MOVE_M, MAX_TURN_DEG};
    let [action] = understanding.actions.as_mut_slice() else {
        return false;
    };
    let lower = plain.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let said: Vec<&str> = said.split_whitespace().collect();
    let number =
        said_number(&said, numbers).filter(|_| !words.iter().any(|w| FRACTIONS.contains(w)));
    let before = *action;
    match action {
        Action::Turn { angle_deg } => {
            if let Some((degrees, after)) = number
                && after.is_none_or(|a| AFTER_AN_ANGLE.contains(&a))
            {
                if degrees > f64::from(MAX_TURN_DEG) {
                    return beyond_reach(understanding, &too_far_to_turn());
                }
                if degrees >= 1.0 && degrees.fract() == 0.0 {
                    *angle_deg = angle_deg.signum() * degrees;
                }
            }
            // A full turn ends where it began: its side is left to the model.
            if let Some(sign) = turn_side(&words).filter(|_| angle_deg.abs() < 360.0) {
                *angle_deg = sign * angle_deg.abs();
            }
        }
        Action::Bring {
            object,
            to: Destination::User,
        } if asks_only_to_search(&words) => *action = Action::Find { object: *object },
        Action::Move { distance_m } => {
            if let Some((metres, Some("meters"))) = number {
                if metres > MAX_MOVE_M {
                    return beyond_reach(understanding, &too_far_to_move());
                }
                if metres > 0.0 {
                    *distance_m = distance_m.signum() * metres;
                }
            }
            if let Some(sign) = move_side(&words) {
                *distance_m = sign * distance_m.abs();
            }
        }
        _ => return false,
    }
    *action != before
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::{ModelOutput, Prompt};
    use crate::slots::SlotLexicon;
    use embodied_world::ObjectId;

    fn turn(angle_deg: f64) -> Understanding {
        Understanding {
            say: "Turning.".into(),
            actions: vec![Action::Turn { angle_deg }],
        }
    }

    fn moving(distance_m: f64) -> Understanding {
        Understanding {
            say: "Moving.".into(),
            actions: vec![Action::Move { distance_m }],
        }
    }

    fn fetch(object: ObjectId) -> Understanding {
        Understanding {
            say: "Bringing it.".into(),
            actions: vec![Action::Bring {
                object,
                to: Destination::User,
            }],
        }
    }

    /// The shipped checkpoint's slot lexicon: the words the model knows.
    fn lexicon() -> SlotLexicon {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        SlotLexicon::load(&root.join(crate::assistant::CHECKPOINT_DIR)).unwrap()
    }

    /// [`hold_said_size_and_side`] on `utterance` read as the model reads it.
    fn hold(lexicon: &SlotLexicon, understanding: &mut Understanding, utterance: &str) -> bool {
        let plain =
            crate::corpus::noise::plain_words(&crate::corpus::noise::american_spelling(utterance))
                .join(" ");
        let prompt = Prompt::new(crate::Grounding::default(), &plain).unwrap();
        let (text, slots) = lexicon.abstract_prompt(&prompt, |_| false);
        let said = text.rsplit_once("|u ").unwrap().1;
        hold_said_size_and_side(understanding, &plain, said, slots.numbers())
    }

    #[test]
    fn what_was_said_about_a_turn_or_move_holds() {
        let lexicon = lexicon();
        let cases = [
            (
                "turn right 120",
                turn(120.0),
                Action::Turn { angle_deg: -120.0 },
            ),
            ("turn 45", turn(180.0), Action::Turn { angle_deg: 45.0 }),
            ("spin 360", turn(180.0), Action::Turn { angle_deg: 360.0 }),
            (
                "rotate counter clockwise 30 degrees",
                turn(-90.0),
                Action::Turn { angle_deg: 30.0 },
            ),
            (
                "go forward 2 meters",
                moving(-1.0),
                Action::Move { distance_m: 2.0 },
            ),
            (
                "back up 50 centimeters",
                moving(0.25),
                Action::Move { distance_m: -0.5 },
            ),
        ];
        for (utterance, mut understanding, expected) in cases {
            assert!(hold(&lexicon, &mut understanding, utterance), "{utterance}");
            assert_eq!(understanding.actions, vec![expected], "{utterance}");
        }
    }

    #[test]
    fn a_motion_beyond_reach_is_declined_and_said_so() {
        let lexicon = lexicon();
        let cases = [
            ("move forward 12 meters", moving(1.0), too_far_to_move()),
            ("turn left 400 degrees", turn(180.0), too_far_to_turn()),
            ("spin 720 degrees", turn(360.0), too_far_to_turn()),
        ];
        for (utterance, mut understanding, say) in cases {
            assert!(hold(&lexicon, &mut understanding, utterance), "{utterance}");
            assert_eq!(understanding.actions, vec![], "{utterance}");
            assert_eq!(understanding.say, say, "{utterance}");
        }
    }

    #[test]
    fn what_the_words_leave_open_stays_the_models() {
        let lexicon = lexicon();
        let cases = [
            ("turn left right now", turn(90.0)),
            ("turn around 2 times", turn(360.0)),
            ("move 3", moving(3.0)),
            ("turn left then back up", turn(90.0)),
            ("find the keys and give them to me", fetch(ObjectId::Keys)),
            ("i need to look at my messages", fetch(ObjectId::Phone)),
        ];
        for (utterance, mut understanding) in cases {
            let before = understanding.clone();
            assert!(
                !hold(&lexicon, &mut understanding, utterance),
                "{utterance}"
            );
            assert_eq!(understanding, before, "{utterance}");
        }
    }

    /// Every example of the corpus (training and held-out, clean and noisy) whose answer is
    /// one turn, move or fetch keeps its answer.
    #[test]
    fn every_turn_move_and_fetch_of_the_corpus_keeps_its_answer() {
        let lexicon = lexicon();
        let corpus = crate::corpus::sample_for_tests();
        let mut checked = 0;
        let mut changed = Vec::new();
        for example in corpus.train.iter().chain(&corpus.heldout) {
            let (understanding, memory) = ModelOutput::parse(&example.answer).unwrap().into_parts();
            if !memory.is_empty()
                || !matches!(
                    understanding.actions.as_slice(),
                    [Action::Turn { .. } | Action::Move { .. } | Action::Bring { .. }]
                )
            {
                continue;
            }
            let utterance = Prompt::parse(&example.prompt).unwrap().utterance;
            let mut held = understanding.clone();
            hold(&lexicon, &mut held, &utterance);
            if held.actions != understanding.actions {
                changed.push(format!(
                    "{utterance}: {:?} -> {:?}",
                    understanding.actions, held.actions
                ));
            }
            checked += 1;
        }
        changed.sort();
        changed.dedup();
        assert!(
            changed.is_empty(),
            "{} changed:\n{}",
            changed.len(),
            changed.join("\n")
        );
        assert!(checked > 3_000, "{checked} examples");
    }
}
