//! One example from one template: fill the slots, sample a grounding consistent with the
//! intent, and write the answer the brain should give.

use embodied_world::{ObjectId, PlaceId, SemanticMap};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};

use super::intent::Intent;
use super::templates::TemplateSet;
use crate::actions::{Action, Destination};
use crate::numbers::{self, sample_angle, sample_distance};
use crate::prompt::{
    Fact, Grounding, MemoryOp, ModelOutput, OutputStep, Perceived, format_decimal,
};

/// Labels the detector may report besides the objects (things it cannot fetch).
const SCENERY: [&str; 8] = [
    "chair", "table", "sofa", "plant", "lamp", "shelf", "door", "person",
];

/// What filling a template chose.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filled {
    pub text: String,
    pub place: Option<PlaceId>,
    pub object: Option<ObjectId>,
    pub distance_m: Option<f64>,
    pub angle_deg: Option<f64>,
    pub name: Option<String>,
    pub thing: Option<String>,
    pub relative: Option<String>,
    pub unknown: Option<String>,
}

/// Reads the map and template lists while filling.
pub(crate) struct Filler<'a> {
    pub map: &'a SemanticMap,
    pub set: &'a TemplateSet,
}

fn pick<'v>(rng: &mut StdRng, values: &'v [String]) -> &'v str {
    values.choose(rng).map(String::as_str).unwrap_or_default()
}

impl Filler<'_> {
    fn list(&self, slot: &str) -> &[String] {
        self.set
            .slots
            .get(slot)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    fn place_phrase(&self, rng: &mut StdRng, place: PlaceId) -> String {
        let aliases = &self.map.place(place).aliases;
        let name = if !aliases.is_empty() && rng.random_bool(0.3) {
            pick(rng, aliases).to_owned()
        } else {
            place.name().to_owned()
        };
        if name.starts_with("my ") {
            name
        } else {
            format!("the {name}")
        }
    }

    fn object_phrase(&self, rng: &mut StdRng, object: ObjectId) -> String {
        let aliases = &self.map.object(object).aliases;
        let name = if !aliases.is_empty() && rng.random_bool(0.35) {
            pick(rng, aliases).to_owned()
        } else {
            object.name().to_owned()
        };
        let article = if rng.random_bool(0.5) { "the" } else { "my" };
        format!("{article} {name}")
    }

    /// Fills every slot of `text`; `avoid_place` is never chosen for `{place}` (the robot's
    /// room when "go there" would be a no-op inside a multi-step request).
    pub fn fill(&self, rng: &mut StdRng, text: &str, avoid_place: Option<PlaceId>) -> Filled {
        let mut filled = Filled::default();
        let mut out = String::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                break;
            };
            let slot = &after[..close];
            rest = &after[close + 1..];
            let phrase = match slot {
                "place" => {
                    let candidates: Vec<PlaceId> = PlaceId::ALL
                        .iter()
                        .copied()
                        .filter(|p| Some(*p) != avoid_place)
                        .collect();
                    let place = *candidates.choose(rng).unwrap_or(&PlaceId::Kitchen);
                    filled.place = Some(place);
                    self.place_phrase(rng, place)
                }
                "object" => {
                    let object = *ObjectId::ALL.choose(rng).unwrap_or(&ObjectId::Cup);
                    filled.object = Some(object);
                    self.object_phrase(rng, object)
                }
                "distance" => {
                    let (phrase, metres) = sample_distance(rng);
                    filled.distance_m = Some(metres);
                    phrase
                }
                "angle" => {
                    let (phrase, degrees) = sample_angle(rng);
                    filled.angle_deg = Some(degrees);
                    phrase
                }
                "unknown_place" => {
                    let name = pick(rng, self.list("unknown_place")).to_owned();
                    filled.unknown = Some(name.clone());
                    format!("the {name}")
                }
                "unknown_object" => {
                    let name = pick(rng, self.list("unknown_object")).to_owned();
                    filled.unknown = Some(name.clone());
                    let article = if rng.random_bool(0.5) { "the" } else { "my" };
                    format!("{article} {name}")
                }
                list => {
                    let value = pick(rng, self.list(list)).to_owned();
                    match list {
                        "name" => filled.name = Some(value.clone()),
                        "thing" => filled.thing = Some(value.clone()),
                        "relative" => filled.relative = Some(value.clone()),
                        _ => {}
                    }
                    value
                }
            };
            out.push_str(&phrase);
        }
        out.push_str(rest);
        filled.text = out;
        filled
    }
}

/// A random grounding: a room, a battery level, a few objects seen in that room and a few
/// unrelated memory facts.
pub(crate) fn sample_grounding(rng: &mut StdRng, filler: &Filler<'_>) -> Grounding {
    let rooms: Vec<PlaceId> = filler.map.rooms().map(|p| p.id).collect();
    let room = *rooms.choose(rng).unwrap_or(&PlaceId::LivingRoom);
    let battery_pct = if rng.random_bool(0.15) {
        rng.random_range(3..20)
    } else {
        rng.random_range(20..=100)
    };
    let mut perceived = Vec::new();
    let mut objects = ObjectId::ALL.to_vec();
    objects.shuffle(rng);
    for object in objects.iter().take(rng.random_range(0..=2)) {
        perceived.push(Perceived {
            label: object.name().to_owned(),
            room,
        });
    }
    if rng.random_bool(0.3) {
        let label = SCENERY.choose(rng).copied().unwrap_or("chair");
        perceived.push(Perceived {
            label: label.to_owned(),
            room,
        });
    }
    perceived.shuffle(rng);
    let mut facts = Vec::new();
    for _ in 0..rng.random_range(0..=2) {
        let fact = match rng.random_range(0..4) {
            0 | 1 => Fact::location(
                *ObjectId::ALL.choose(rng).unwrap_or(&ObjectId::Cup),
                *PlaceId::ALL.choose(rng).unwrap_or(&PlaceId::Kitchen),
            ),
            2 => user_fact("name", pick(rng, filler.list("name"))),
            _ => user_fact("likes", pick(rng, filler.list("thing"))),
        };
        if !facts
            .iter()
            .any(|f: &Fact| f.subject == fact.subject && f.relation == fact.relation)
        {
            facts.push(fact);
        }
    }
    Grounding {
        room,
        battery_pct,
        perceived,
        facts,
    }
}

fn user_fact(relation: &str, value: &str) -> Fact {
    Fact {
        subject: "user".into(),
        relation: relation.into(),
        value: value.into(),
    }
}

fn remove_facts(g: &mut Grounding, subject: &str, relation: &str) {
    g.facts
        .retain(|f| !(f.subject == subject && f.relation == relation));
}

fn insert_fact(rng: &mut StdRng, g: &mut Grounding, fact: Fact) {
    remove_facts(g, &fact.subject, &fact.relation);
    let at = rng.random_range(0..=g.facts.len());
    g.facts.insert(at, fact);
}

fn fact_value<'g>(g: &'g Grounding, subject: &str, relation: &str) -> Option<&'g str> {
    g.facts
        .iter()
        .find(|f| f.subject == subject && f.relation == relation)
        .map(|f| f.value.as_str())
}

pub(crate) fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The answer to "what's my name?" with the person's name known.
pub(crate) fn your_name_sentence(name: &str) -> String {
    format!("Your name is {}.", capitalize_words(name))
}

/// The answer to "what's my name?" with the person's name unknown.
pub(crate) const NAME_UNKNOWN: &str = "I don't know your name yet. What is it?";

/// The answer to "what's my sister's name?" with the name known.
pub(crate) fn relative_name_sentence(relative: &str, name: &str) -> String {
    format!("Your {relative}'s name is {}.", capitalize_words(name))
}

/// The answer to "what's my sister's name?" with the name unknown.
pub(crate) fn relative_name_unknown(relative: &str) -> String {
    format!("I don't know your {relative}'s name yet.")
}

/// The answer to "what do I like?" with a liking known.
pub(crate) fn likes_sentence(thing: &str) -> String {
    format!("You told me you like {thing}.")
}

/// The answer to "what do I like?" with nothing known.
pub(crate) const LIKES_UNKNOWN: &str = "You haven't told me yet.";

/// Each word with a capital letter ("mary jo" is "Mary Jo").
pub(crate) fn capitalize_words(text: &str) -> String {
    text.split(' ')
        .map(capitalize)
        .collect::<Vec<_>>()
        .join(" ")
}

/// "is", or "are" for a plural object ("the keys are in the hall").
pub(crate) fn be(object: ObjectId) -> &'static str {
    if object == ObjectId::Keys {
        "are"
    } else {
        "is"
    }
}

fn metres_text(value: f64) -> String {
    let text = format_decimal(value);
    if text == "1" {
        "1 meter".into()
    } else {
        format!("{text} meters")
    }
}

fn list_phrase(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The answer for `intent`, adjusting the grounding where the intent needs evidence (memory or
/// perception) to be present or absent.
/// What the robot can tell of where an object is: the evidence a where-question is answered
/// from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Whereabouts {
    /// It sees it now.
    Seen,
    /// Its memory holds where it is.
    Remembered(PlaceId),
    /// Neither: it goes and looks.
    Unknown,
}

/// What the robot says it can do.
pub(crate) const CAPABILITIES: &str =
    "I can go to rooms, move and turn, find and bring things, and remember what you tell me.";

/// The answer to "go to `room`" in that room.
pub(crate) fn already_there_sentence(room: PlaceId) -> String {
    format!("I'm already in the {room}.")
}

/// The answer to "go to `place`".
pub(crate) fn going_sentence(place: PlaceId) -> String {
    format!("Going to the {place}.")
}

/// What the robot says it does for `action`: with its size named ("Turning left 90 degrees.",
/// "Bringing you the cup.") or, with `named_size` false, as the corpus's phrasings that name
/// none answer where the size is theirs ("Turning left.", "Moving forward a little.", "I'll
/// bring you the cup." for a need). `None` for status and describe, whose sentences tell the
/// robot's state.
pub(crate) fn step_sentence(action: &Action, named_size: bool) -> Option<String> {
    let plain = !named_size;
    let sentence = match *action {
        Action::Navigate {
            target: PlaceId::ChargingDock,
        } if plain => "Going to my charging dock.".into(),
        Action::Navigate { target } => going_sentence(target),
        Action::Move { distance_m } if plain && distance_m == numbers::NUDGE_M => {
            "Moving forward a little.".into()
        }
        Action::Move { distance_m } if plain && distance_m == -numbers::NUDGE_M => {
            "Backing up a little.".into()
        }
        Action::Move { distance_m } if plain && distance_m == numbers::DEFAULT_BACKWARD_M => {
            "Backing up half a meter.".into()
        }
        Action::Move { distance_m } if distance_m >= 0.0 => {
            format!("Moving forward {}.", metres_text(distance_m))
        }
        Action::Move { distance_m } => format!("Backing up {}.", metres_text(-distance_m)),
        Action::Turn { angle_deg } => {
            let side = if angle_deg >= 0.0 { "left" } else { "right" };
            let size = angle_deg.abs();
            if plain && size == numbers::DEFAULT_TURN_DEG {
                format!("Turning {side}.")
            } else if plain && size == numbers::NUDGE_DEG {
                format!("Turning a little to the {side}.")
            } else if plain && angle_deg == 180.0 {
                "Turning around.".into()
            } else if plain && angle_deg == 360.0 {
                "Spinning all the way around.".into()
            } else {
                format!("Turning {side} {} degrees.", format_decimal(size))
            }
        }
        Action::Stop => "Stopping.".into(),
        Action::Find { object } if plain => {
            format!("{}, I'll go and look.", unknown_clause(object))
        }
        Action::Find { object } => format!("I'll look for the {object}."),
        Action::Bring {
            object,
            to: Destination::User,
        } if plain => format!("I'll bring you the {object}."),
        Action::Bring {
            object,
            to: Destination::User,
        } => format!("Bringing you the {object}."),
        Action::Bring {
            object,
            to: Destination::Place(place),
        } => format!("Taking the {object} to the {place}."),
        Action::Status | Action::Describe => return None,
    };
    Some(sentence)
}

/// Where `object` is when the robot sees it in `room`.
pub(crate) fn seen_sentence(object: ObjectId, room: PlaceId) -> String {
    format!("I can see the {object} right here in the {room}.")
}

/// Where `object` is when memory puts it in `place`.
pub(crate) fn remembered_sentence(object: ObjectId, place: PlaceId) -> String {
    format!(
        "As far as I know, the {object} {} in the {place}.",
        be(object)
    )
}

/// "I don't know where the keys are", without an ending.
pub(crate) fn unknown_clause(object: ObjectId) -> String {
    format!("I don't know where the {object} {}", be(object))
}

/// The answer to "where is `object`" given `whereabouts`, with `g` made to show that evidence
/// (the object perceived, a location fact, or neither).
pub(crate) fn where_is_answer(
    rng: &mut StdRng,
    object: ObjectId,
    whereabouts: Whereabouts,
    g: &mut Grounding,
) -> (String, Vec<OutputStep>) {
    g.perceived.retain(|p| p.label != object.name());
    remove_facts(g, object.name(), crate::prompt::LOCATION_RELATION);
    match whereabouts {
        Whereabouts::Seen => {
            let at = rng.random_range(0..=g.perceived.len());
            g.perceived.insert(
                at,
                Perceived {
                    label: object.name().into(),
                    room: g.room,
                },
            );
            (seen_sentence(object, g.room), vec![])
        }
        Whereabouts::Remembered(place) => {
            insert_fact(rng, g, Fact::location(object, place));
            (remembered_sentence(object, place), vec![])
        }
        Whereabouts::Unknown => {
            let find = Action::Find { object };
            (
                step_sentence(&find, false).unwrap_or_default(),
                vec![OutputStep::Action(find)],
            )
        }
    }
}

pub(crate) fn answer(
    rng: &mut StdRng,
    intent: Intent,
    filled: &Filled,
    g: &mut Grounding,
    filler: &Filler<'_>,
) -> ModelOutput {
    use Action as A;
    let act = |a: Action| OutputStep::Action(a);
    let said = |a: Action, named_size: bool| {
        let say = step_sentence(&a, named_size).unwrap_or_default();
        (say, vec![act(a)])
    };
    let remember = |f: Fact| OutputStep::Memory(MemoryOp::Remember(f));
    let place = filled.place.unwrap_or(PlaceId::Kitchen);
    let object = filled.object.unwrap_or(ObjectId::Cup);
    let name = filled.name.clone().unwrap_or_default();
    let (say, steps): (String, Vec<OutputStep>) = match intent {
        Intent::Navigate => {
            let is_room = filler.map.rooms().any(|r| r.id == place);
            if is_room && place == g.room {
                (already_there_sentence(place), vec![])
            } else {
                said(A::Navigate { target: place }, true)
            }
        }
        Intent::GoCharge => said(
            A::Navigate {
                target: PlaceId::ChargingDock,
            },
            false,
        ),
        Intent::MoveForward => said(
            A::Move {
                distance_m: filled.distance_m.unwrap_or(1.0),
            },
            true,
        ),
        Intent::MoveBackward => said(
            A::Move {
                distance_m: -filled.distance_m.unwrap_or(1.0),
            },
            true,
        ),
        Intent::MoveForwardDefault => said(
            A::Move {
                distance_m: numbers::DEFAULT_FORWARD_M,
            },
            false,
        ),
        Intent::MoveBackwardDefault => said(
            A::Move {
                distance_m: numbers::DEFAULT_BACKWARD_M,
            },
            false,
        ),
        Intent::NudgeForward => said(
            A::Move {
                distance_m: numbers::NUDGE_M,
            },
            false,
        ),
        Intent::NudgeBackward => said(
            A::Move {
                distance_m: -numbers::NUDGE_M,
            },
            false,
        ),
        Intent::TurnLeft | Intent::TurnRight => {
            let a = filled.angle_deg.unwrap_or(90.0);
            let sign = if intent == Intent::TurnLeft {
                1.0
            } else {
                -1.0
            };
            said(
                A::Turn {
                    angle_deg: sign * a,
                },
                true,
            )
        }
        Intent::TurnLeftDefault => said(
            A::Turn {
                angle_deg: numbers::DEFAULT_TURN_DEG,
            },
            false,
        ),
        Intent::TurnRightDefault => said(
            A::Turn {
                angle_deg: -numbers::DEFAULT_TURN_DEG,
            },
            false,
        ),
        Intent::TurnAround => said(A::Turn { angle_deg: 180.0 }, false),
        Intent::NudgeLeft => said(
            A::Turn {
                angle_deg: numbers::NUDGE_DEG,
            },
            false,
        ),
        Intent::NudgeRight => said(
            A::Turn {
                angle_deg: -numbers::NUDGE_DEG,
            },
            false,
        ),
        Intent::Spin => said(A::Turn { angle_deg: 360.0 }, false),
        Intent::Stop => said(A::Stop, true),
        Intent::Find => said(A::Find { object }, true),
        Intent::WhereIs => {
            let whereabouts = match rng.random_range(0..3) {
                0 => Whereabouts::Seen,
                1 => {
                    Whereabouts::Remembered(*PlaceId::ALL.choose(rng).unwrap_or(&PlaceId::Kitchen))
                }
                _ => Whereabouts::Unknown,
            };
            where_is_answer(rng, object, whereabouts, g)
        }
        Intent::BringToUser => said(
            A::Bring {
                object,
                to: Destination::User,
            },
            true,
        ),
        Intent::Need(needed) => said(
            A::Bring {
                object: needed,
                to: Destination::User,
            },
            false,
        ),
        Intent::BringToPlace => said(
            A::Bring {
                object,
                to: Destination::Place(place),
            },
            true,
        ),
        Intent::Describe => {
            let seen: Vec<String> = g
                .perceived
                .iter()
                .map(|p| format!("the {}", p.label))
                .collect();
            let say = if seen.is_empty() {
                format!("I don't see anything in particular here in the {}.", g.room)
            } else {
                format!("Here in the {} I can see {}.", g.room, list_phrase(&seen))
            };
            (say, vec![act(A::Describe)])
        }
        Intent::Status => (
            format!(
                "I'm in the {} and my battery is at {} percent.",
                g.room, g.battery_pct
            ),
            vec![act(A::Status)],
        ),
        Intent::Battery => {
            let mut say = format!("My battery is at {} percent.", g.battery_pct);
            if g.battery_pct < 20 {
                say.push_str(" I should recharge soon.");
            }
            (say, vec![act(A::Status)])
        }
        Intent::WhereAreYou => (format!("I'm in the {}.", g.room), vec![act(A::Status)]),
        Intent::Greeting => match fact_value(g, "user", "name") {
            Some(known) => (
                format!("Hello {}! How can I help?", capitalize(known)),
                vec![],
            ),
            None => ("Hello! How can I help?".into(), vec![]),
        },
        Intent::Thanks => ("You're welcome!".into(), vec![]),
        Intent::Farewell => match fact_value(g, "user", "name") {
            Some(known) => (
                format!("Goodbye {}, see you later!", capitalize(known)),
                vec![],
            ),
            None => ("Goodbye, see you later!".into(), vec![]),
        },
        Intent::HowAreYou => ("I'm doing well, thank you. How can I help?".into(), vec![]),
        Intent::AboutSelf => (
            "I'm your home robot assistant, and I run entirely on this device.".into(),
            vec![],
        ),
        Intent::Capabilities => (CAPABILITIES.into(), vec![]),
        Intent::SmallTalk => ("I hear you. Let me know if I can help.".into(), vec![]),
        Intent::Joke => (
            "Why did the robot go on vacation? It needed to recharge its batteries.".into(),
            vec![],
        ),
        Intent::Acknowledge => ("Okay.".into(), vec![]),
        Intent::Offline => (
            "Sorry, I can't check that. I work offline, without the internet.".into(),
            vec![],
        ),
        Intent::RememberLocation => (
            format!("Got it, the {object} {} in the {place}.", be(object)),
            vec![remember(Fact::location(object, place))],
        ),
        Intent::CorrectLocation => {
            let old: Vec<PlaceId> = PlaceId::ALL
                .iter()
                .copied()
                .filter(|p| *p != place)
                .collect();
            let old = *old.choose(rng).unwrap_or(&PlaceId::Kitchen);
            insert_fact(rng, g, Fact::location(object, old));
            (
                format!(
                    "Thanks, I've corrected that. The {object} {} in the {place}.",
                    be(object)
                ),
                vec![remember(Fact::location(object, place))],
            )
        }
        Intent::ForgetLocation => (
            format!("Okay, I've forgotten where the {object} {}.", be(object)),
            vec![OutputStep::Memory(MemoryOp::Forget {
                subject: object.name().into(),
                relation: None,
            })],
        ),
        Intent::RememberName => {
            remove_facts(g, "user", "name");
            (
                format!("Nice to meet you, {}.", capitalize_words(&name)),
                vec![remember(user_fact("name", &name))],
            )
        }
        Intent::CorrectName => {
            let others: Vec<&String> = filler.list("name").iter().filter(|n| **n != name).collect();
            let old = others.choose(rng).map(|s| s.as_str()).unwrap_or("alex");
            insert_fact(rng, g, user_fact("name", old));
            (
                format!(
                    "Sorry about that, {}. I'll remember.",
                    capitalize_words(&name)
                ),
                vec![remember(user_fact("name", &name))],
            )
        }
        Intent::AskName => {
            if rng.random_bool(0.6) {
                let known = pick(rng, filler.list("name")).to_owned();
                insert_fact(rng, g, user_fact("name", &known));
                (your_name_sentence(&known), vec![])
            } else {
                remove_facts(g, "user", "name");
                (NAME_UNKNOWN.into(), vec![])
            }
        }
        Intent::ForgetName => (
            "Okay, I've forgotten your name.".into(),
            vec![OutputStep::Memory(MemoryOp::Forget {
                subject: "user".into(),
                relation: Some("name".into()),
            })],
        ),
        Intent::RememberLikes => {
            let thing = filled.thing.clone().unwrap_or_default();
            (
                format!("Noted, you like {thing}."),
                vec![remember(user_fact("likes", &thing))],
            )
        }
        Intent::AskLikes => {
            if rng.random_bool(0.6) {
                let thing = pick(rng, filler.list("thing")).to_owned();
                insert_fact(rng, g, user_fact("likes", &thing));
                (likes_sentence(&thing), vec![])
            } else {
                remove_facts(g, "user", "likes");
                (LIKES_UNKNOWN.into(), vec![])
            }
        }
        Intent::RememberRelativeName => {
            let relative = filled.relative.clone().unwrap_or_default();
            (
                format!(
                    "Got it, your {relative}'s name is {}.",
                    capitalize_words(&name)
                ),
                vec![remember(Fact {
                    subject: relative,
                    relation: "name".into(),
                    value: name.clone(),
                })],
            )
        }
        Intent::AskRelativeName => {
            let relative = filled.relative.clone().unwrap_or_default();
            if rng.random_bool(0.6) {
                let known = pick(rng, filler.list("name")).to_owned();
                insert_fact(
                    rng,
                    g,
                    Fact {
                        subject: relative.clone(),
                        relation: "name".into(),
                        value: known.clone(),
                    },
                );
                (relative_name_sentence(&relative, &known), vec![])
            } else {
                remove_facts(g, &relative, "name");
                (relative_name_unknown(&relative), vec![])
            }
        }
        Intent::ForgetRelative => {
            let relative = filled.relative.clone().unwrap_or_default();
            (
                format!("Okay, I've forgotten what you told me about your {relative}."),
                vec![OutputStep::Memory(MemoryOp::Forget {
                    subject: relative,
                    relation: None,
                })],
            )
        }
        Intent::ClarifyPlace => {
            let unknown = filled.unknown.clone().unwrap_or_default();
            (
                format!(
                    "Sorry, I don't know a place called the {unknown}. Which room do you mean?"
                ),
                vec![],
            )
        }
        Intent::ClarifyObject => {
            let unknown = filled.unknown.clone().unwrap_or_default();
            (
                format!(
                    "Sorry, I don't know which object you mean by {unknown}. Can you say it another way?"
                ),
                vec![],
            )
        }
    };
    ModelOutput { say, steps }
}

/// Whether a template can take a politeness prefix (an imperative, not a question).
pub(crate) fn takes_prefix(text: &str) -> bool {
    const NO_PREFIX: [&str; 22] = [
        "what", "where", "how", "who", "can", "could", "would", "will", "do", "does", "is", "are",
        "i", "i'm", "i'd", "my", "let's", "please", "robot", "hey", "you", "your",
    ];
    let first = text.split(' ').next().unwrap_or_default();
    !NO_PREFIX.contains(&first)
}
