//! A procedurally generated, deterministic corpus of home-robot dialogue for tests and the
//! quality benchmark (no downloads).
//!
//! Each example describes a random household scene (rooms, furniture, objects with colours and
//! counts, the robot's room and battery) and asks one question whose answer follows from the
//! scene: locating, counting, yes/no checks, fetching, moving, arithmetic, navigation, listing
//! and comparing. Answers must be read off the prompt, so validation loss measures more than
//! memorised phrasing.

use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::tokenizer::{Special, Tokenizer};

/// One dialogue example: the prompt (context and question) and the answer the model learns.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Example {
    /// User side: scene description and question.
    pub prompt: String,
    /// Robot side: the answer (the only part that is trained on).
    pub answer: String,
}

/// An example as token ids with its loss mask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedExample {
    /// `<s><user>prompt<robot>answer</s>`.
    pub ids: Vec<u32>,
    /// `loss_mask[i]` is true when token `i` is a training target (answer tokens and `</s>`).
    pub loss_mask: Vec<bool>,
}

impl Example {
    /// Encodes the example in the dialogue format of [`Tokenizer::encode_prompt`].
    ///
    /// # Errors
    /// [`Error::Tokenizer`] when encoding fails.
    pub fn encode(&self, tokenizer: &Tokenizer) -> Result<EncodedExample> {
        let mut ids = tokenizer.encode_prompt(&self.prompt)?;
        let prompt_len = ids.len();
        ids.extend(tokenizer.encode(&self.answer)?);
        ids.push(tokenizer.special_id(Special::Eos));
        let loss_mask = (0..ids.len()).map(|i| i >= prompt_len).collect();
        Ok(EncodedExample { ids, loss_mask })
    }

    /// Prompt and answer as one line of text (for tokenizer training).
    pub fn text(&self) -> String {
        format!("{} {}", self.prompt, self.answer)
    }
}

/// Size and seed of a generated corpus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CorpusConfig {
    /// Seed of the generator; the same seed gives the same corpus.
    pub seed: u64,
    /// Number of training examples.
    pub train_examples: usize,
    /// Number of validation examples (drawn from the same distribution, disjoint worlds).
    pub validation_examples: usize,
}

impl Default for CorpusConfig {
    fn default() -> Self {
        Self {
            seed: 1234,
            train_examples: 20_000,
            validation_examples: 500,
        }
    }
}

/// Training and validation examples.
#[derive(Debug, Clone, PartialEq)]
pub struct Corpus {
    /// Training split.
    pub train: Vec<Example>,
    /// Validation split.
    pub validation: Vec<Example>,
}

impl Corpus {
    /// Generates the corpus described by `cfg`.
    ///
    /// # Errors
    /// [`Error::Invalid`] when either split would be empty.
    pub fn generate(cfg: &CorpusConfig) -> Result<Self> {
        if cfg.train_examples == 0 || cfg.validation_examples == 0 {
            return Err(Error::Invalid {
                what: "corpus",
                reason: "train_examples and validation_examples must both be > 0".into(),
            });
        }
        // Separate streams so that changing one split's size leaves the other unchanged.
        let mut train_rng = StdRng::seed_from_u64(cfg.seed);
        let mut validation_rng = StdRng::seed_from_u64(cfg.seed ^ 0x9E37_79B9_7F4A_7C15);
        let train = (0..cfg.train_examples)
            .map(|_| generate_example(&mut train_rng))
            .collect();
        let validation = (0..cfg.validation_examples)
            .map(|_| generate_example(&mut validation_rng))
            .collect();
        Ok(Self { train, validation })
    }

    /// All text, for tokenizer training.
    pub fn texts(&self) -> impl Iterator<Item = String> + Send + '_ {
        self.train.iter().chain(&self.validation).map(Example::text)
    }
}

const ROOMS: &[&str] = &[
    "kitchen",
    "living room",
    "bedroom",
    "bathroom",
    "hallway",
    "office",
    "garage",
    "dining room",
    "laundry room",
    "guest room",
];
const FURNITURE: &[&str] = &[
    "table",
    "shelf",
    "counter",
    "sofa",
    "bed",
    "desk",
    "chair",
    "cabinet",
    "windowsill",
    "floor",
    "dresser",
    "bench",
];
/// (singular, plural)
const OBJECTS: &[(&str, &str)] = &[
    ("cup", "cups"),
    ("book", "books"),
    ("apple", "apples"),
    ("ball", "balls"),
    ("plate", "plates"),
    ("sock", "socks"),
    ("key", "keys"),
    ("box", "boxes"),
    ("bottle", "bottles"),
    ("pen", "pens"),
    ("towel", "towels"),
    ("banana", "bananas"),
    ("glass", "glasses"),
    ("toy car", "toy cars"),
    ("pillow", "pillows"),
    ("spoon", "spoons"),
    ("candle", "candles"),
    ("shoe", "shoes"),
];
const COLOURS: &[&str] = &[
    "red", "blue", "green", "yellow", "white", "black", "orange", "purple", "pink", "grey",
];
const NUMBERS: &[&str] = &[
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];
const POLITE: &[&str] = &[
    "",
    "Please ",
    "Could you ",
    "Hey robot, ",
    "Robot, ",
    "Can you ",
];

fn number(n: usize) -> String {
    NUMBERS
        .get(n)
        .map(|s| (*s).to_string())
        .unwrap_or_else(|| n.to_string())
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

#[derive(Debug, Clone)]
struct Item {
    count: usize,
    colour: &'static str,
    object: (&'static str, &'static str),
    room: &'static str,
    furniture: &'static str,
}

impl Item {
    /// "two red cups" / "a red cup"
    fn phrase(&self) -> String {
        if self.count == 1 {
            format!("{} {} {}", article(self.colour), self.colour, self.object.0)
        } else {
            format!("{} {} {}", number(self.count), self.colour, self.object.1)
        }
    }
    /// "the red cups" / "the red cup"
    fn definite(&self) -> String {
        format!("the {} {}", self.colour, self.noun())
    }
    fn noun(&self) -> &'static str {
        if self.count == 1 {
            self.object.0
        } else {
            self.object.1
        }
    }
    fn verb(&self) -> &'static str {
        if self.count == 1 { "is" } else { "are" }
    }
}

struct World {
    rooms: Vec<&'static str>,
    items: Vec<Item>,
    robot_room: &'static str,
    battery: usize,
}

fn random_world(rng: &mut StdRng) -> World {
    let n_rooms = rng.random_range(2..=4);
    let rooms: Vec<&'static str> = ROOMS.choose_multiple(rng, n_rooms).copied().collect();
    let n_items = rng.random_range(2..=6);
    let mut items: Vec<Item> = Vec::new();
    while items.len() < n_items {
        let object = *OBJECTS.choose(rng).unwrap_or(&OBJECTS[0]);
        let colour = *COLOURS.choose(rng).unwrap_or(&COLOURS[0]);
        // One item per (colour, object) so that "the red cup" names one place.
        if items
            .iter()
            .any(|i| i.object == object && i.colour == colour)
        {
            continue;
        }
        items.push(Item {
            count: if rng.random_bool(0.6) {
                1
            } else {
                rng.random_range(2..=5)
            },
            colour,
            object,
            room: rooms.choose(rng).unwrap_or(&rooms[0]),
            furniture: FURNITURE.choose(rng).unwrap_or(&FURNITURE[0]),
        });
    }
    let robot_room = if rng.random_bool(0.2) {
        "hallway"
    } else {
        *rooms.choose(rng).unwrap_or(&rooms[0])
    };
    World {
        rooms,
        items,
        robot_room,
        battery: rng.random_range(1..=20) * 5,
    }
}

fn join_list(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}

impl World {
    fn describe(&self, rng: &mut StdRng) -> String {
        let mut sentences = Vec::new();
        let mut rooms = self.rooms.clone();
        rooms.shuffle(rng);
        for room in rooms {
            let here: Vec<String> = self
                .items
                .iter()
                .filter(|i| i.room == room)
                .map(|i| format!("{} on the {}", i.phrase(), i.furniture))
                .collect();
            if here.is_empty() {
                sentences.push(format!("The {room} is empty."));
            } else {
                let verb = if here.len() == 1 && here[0].starts_with('a') {
                    "is"
                } else {
                    "are"
                };
                sentences.push(format!("In the {room} there {verb} {}.", join_list(&here)));
            }
        }
        sentences.push(format!("You are in the {}.", self.robot_room));
        if rng.random_bool(0.5) {
            sentences.push(format!("Your battery is at {} percent.", self.battery));
        }
        sentences.join(" ")
    }

    fn count_in_room(&self, object: (&str, &str), room: &str) -> usize {
        self.items
            .iter()
            .filter(|i| i.object == object && i.room == room)
            .map(|i| i.count)
            .sum()
    }
}

fn there_are(count: usize, object: (&str, &str), place: &str) -> String {
    match count {
        0 => format!("There are no {} {place}.", object.1),
        1 => format!("There is one {} {place}.", object.0),
        n => format!("There are {} {} {place}.", number(n), object.1),
    }
}

fn generate_example(rng: &mut StdRng) -> Example {
    let world = random_world(rng);
    let scene = world.describe(rng);
    let polite = *POLITE.choose(rng).unwrap_or(&"");
    let item = world.items.choose(rng).unwrap_or(&world.items[0]).clone();
    let room = *world.rooms.choose(rng).unwrap_or(&world.rooms[0]);
    let (question, answer) = match rng.random_range(0..10) {
        0 => (
            format!("Where {} {}?", item.verb(), item.definite()),
            format!(
                "{} {} on the {} in the {}.",
                capitalise(&item.definite()),
                item.verb(),
                item.furniture,
                item.room
            ),
        ),
        1 => {
            let count = world.count_in_room(item.object, room);
            (
                format!("How many {} are in the {room}?", item.object.1),
                there_are(count, item.object, &format!("in the {room}")),
            )
        }
        2 => {
            // Ask about a present item or a plausible absent one.
            let colour = if rng.random_bool(0.5) {
                item.colour
            } else {
                *COLOURS.choose(rng).unwrap_or(&COLOURS[0])
            };
            let found = world
                .items
                .iter()
                .find(|i| i.colour == colour && i.object == item.object && i.room == room);
            let question = format!(
                "Is there {} {colour} {} in the {room}?",
                article(colour),
                item.object.0
            );
            let answer = match found {
                Some(i) => format!(
                    "Yes, there {} {} on the {} in the {room}.",
                    i.verb(),
                    i.phrase(),
                    i.furniture
                ),
                None => format!("No, there is no {colour} {} in the {room}.", item.object.0),
            };
            (question, answer)
        }
        3 => {
            let colour = if rng.random_bool(0.8) {
                item.colour
            } else {
                *COLOURS.choose(rng).unwrap_or(&COLOURS[0])
            };
            let found = world
                .items
                .iter()
                .find(|i| i.colour == colour && i.object == item.object);
            let question = format!("{polite}bring me the {colour} {}.", item.object.0);
            let answer = match found {
                Some(i) => format!(
                    "Okay. I will go to the {}, pick up the {colour} {} from the {} and bring it to you.",
                    i.room, item.object.0, i.furniture
                ),
                None => format!(
                    "Sorry, I cannot find a {colour} {} anywhere.",
                    item.object.0
                ),
            };
            (capitalise(&question), answer)
        }
        4 => {
            let target = *FURNITURE.choose(rng).unwrap_or(&FURNITURE[0]);
            (
                capitalise(&format!(
                    "{polite}put {} on the {target} in the {room}.",
                    item.definite()
                )),
                format!(
                    "Okay. I will take {} from the {} in the {} to the {target} in the {room}.",
                    item.definite(),
                    item.furniture,
                    item.room
                ),
            )
        }
        5 => {
            let added = rng.random_range(1..=6);
            let count = world.count_in_room(item.object, item.room);
            (
                format!(
                    "If I put {} more {} in the {}, how many {} will be there?",
                    number(added),
                    if added == 1 {
                        item.object.0
                    } else {
                        item.object.1
                    },
                    item.room,
                    item.object.1
                ),
                format!(
                    "There will be {} {} in the {}.",
                    number(count + added),
                    item.object.1,
                    item.room
                ),
            )
        }
        6 => {
            let question = capitalise(&format!("{polite}go to the {room}."));
            let answer = if room == world.robot_room {
                format!("I am already in the {room}.")
            } else {
                format!(
                    "Okay, I am going from the {} to the {room}.",
                    world.robot_room
                )
            };
            (question, answer)
        }
        7 => {
            let question = "Do you need to charge?".to_string();
            let answer = if world.battery < 30 {
                format!(
                    "Yes, my battery is at {} percent, so I will go to the charger.",
                    world.battery
                )
            } else {
                format!(
                    "No, my battery is at {} percent, that is enough.",
                    world.battery
                )
            };
            // The battery is only known when the scene states it.
            let scene_has_battery = scene.contains("battery");
            if scene_has_battery {
                (question, answer)
            } else {
                (
                    question,
                    "I do not know my battery level right now, let me check it first.".to_string(),
                )
            }
        }
        8 => {
            let furniture = item.furniture;
            let on: Vec<String> = world
                .items
                .iter()
                .filter(|i| i.room == item.room && i.furniture == furniture)
                .map(Item::phrase)
                .collect();
            (
                format!("What is on the {furniture} in the {}?", item.room),
                format!(
                    "On the {furniture} in the {} there {} {}.",
                    item.room,
                    if on.len() == 1 && on[0].starts_with('a') {
                        "is"
                    } else {
                        "are"
                    },
                    join_list(&on)
                ),
            )
        }
        _ => {
            let other = *world
                .rooms
                .iter()
                .find(|r| **r != item.room)
                .unwrap_or(&world.rooms[0]);
            let a = world.count_in_room(item.object, item.room);
            let b = world.count_in_room(item.object, other);
            let answer = match a.cmp(&b) {
                std::cmp::Ordering::Greater => format!(
                    "The {} has more {}: {} against {}.",
                    item.room,
                    item.object.1,
                    number(a),
                    number(b)
                ),
                std::cmp::Ordering::Less => format!(
                    "The {other} has more {}: {} against {}.",
                    item.object.1,
                    number(b),
                    number(a)
                ),
                std::cmp::Ordering::Equal => {
                    format!("Both rooms have {} {}.", number(a), item.object.1)
                }
            };
            (
                format!(
                    "Which room has more {}, the {} or the {other}?",
                    item.object.1, item.room
                ),
                answer,
            )
        }
    };
    Example {
        prompt: format!("{scene} {question}"),
        answer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(seed: u64) -> CorpusConfig {
        CorpusConfig {
            seed,
            train_examples: 300,
            validation_examples: 50,
        }
    }

    #[test]
    fn same_seed_same_corpus_other_seed_other_corpus() {
        let a = Corpus::generate(&cfg(1)).unwrap();
        let b = Corpus::generate(&cfg(1)).unwrap();
        let c = Corpus::generate(&cfg(2)).unwrap();
        assert_eq!(a, b);
        assert_ne!(a.train, c.train);
        assert_eq!(a.train.len(), 300);
        assert_eq!(a.validation.len(), 50);
    }

    #[test]
    fn corpus_is_varied_and_splits_are_disjoint() {
        let corpus = Corpus::generate(&cfg(3)).unwrap();
        let train: std::collections::HashSet<_> = corpus.train.iter().collect();
        assert!(train.len() > 290, "too many duplicate examples");
        let overlap = corpus
            .validation
            .iter()
            .filter(|e| train.contains(e))
            .count();
        assert!(overlap < 3);
        let kinds = [
            "Where",
            "How many",
            "Is there",
            "bring me",
            "go to",
            "charge",
            "Which room",
        ];
        for kind in kinds {
            assert!(
                corpus.train.iter().any(|e| e.prompt.contains(kind)),
                "no {kind} question"
            );
        }
    }

    #[test]
    fn answers_follow_from_the_scene() {
        let corpus = Corpus::generate(&cfg(4)).unwrap();
        for ex in &corpus.train {
            if let Some(rest) = ex.answer.strip_prefix("Okay, I am going from the ") {
                let from = rest.split(" to the ").next().unwrap();
                assert!(ex.prompt.contains(&format!("You are in the {from}.")));
            }
        }
    }

    #[test]
    fn encoding_masks_only_the_answer() {
        let corpus = Corpus::generate(&cfg(5)).unwrap();
        let tok = Tokenizer::train(corpus.texts(), 400).unwrap();
        let ex = &corpus.train[0];
        let enc = ex.encode(&tok).unwrap();
        let prompt_len = tok.encode_prompt(&ex.prompt).unwrap().len();
        assert_eq!(enc.ids.len(), enc.loss_mask.len());
        assert!(enc.loss_mask[..prompt_len].iter().all(|m| !m));
        assert!(enc.loss_mask[prompt_len..].iter().all(|m| *m));
        assert_eq!(*enc.ids.last().unwrap(), tok.special_id(Special::Eos));
        assert_eq!(tok.decode(&enc.ids[prompt_len..]), ex.answer);
    }
}
