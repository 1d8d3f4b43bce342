//! Spoken quantities: number words, fractions and units to numbers, and back.
//!
//! The model learns these mappings from the corpus; this module is their reference: the corpus
//! renders quantities with [`sample_distance`] and [`sample_angle`], and tests check that
//! [`parse_distance_m`] and [`parse_angle_deg`] read every rendering back to the value in the
//! answer. Decisions (documented in `notes/brain_format.md` too):
//! - Distances are metres with at most 2 decimals; feet and inches are converted
//!   (1 ft = 0.3048 m, so "two feet" is 0.61 m) and centimetres divided by 100.
//! - "a meter" is 1 m, "half a meter" 0.5 m, "three quarters of a meter" 0.75 m.
//! - Angles are whole degrees; "a quarter turn" is 90, "half a turn" and "turn around" 180, "a
//!   full turn" 360. Left is positive, right negative: "turn right" is -90.
//! - Without an amount: "move forward" is 1 m, "back up" -0.5 m, "a little"/"a bit" 0.25 m or
//!   15 degrees.

use rand::Rng;
use rand::seq::IndexedRandom;

/// Metres per foot.
pub const METRES_PER_FOOT: f64 = 0.3048;
/// Metres per inch.
pub const METRES_PER_INCH: f64 = 0.0254;
/// Distance of "move forward" without an amount, metres.
pub const DEFAULT_FORWARD_M: f64 = 1.0;
/// Distance of "back up" without an amount, metres (negative: backwards).
pub const DEFAULT_BACKWARD_M: f64 = -0.5;
/// Distance of "a little"/"a bit", metres.
pub const NUDGE_M: f64 = 0.25;
/// Angle of "turn left"/"turn right" without an amount, degrees.
pub const DEFAULT_TURN_DEG: f64 = 90.0;
/// Angle of "a little"/"a bit", degrees.
pub const NUDGE_DEG: f64 = 15.0;

const UNITS: [&str; 20] = [
    "zero",
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
];
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// A length unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthUnit {
    /// Metres.
    Metre,
    /// Centimetres.
    Centimetre,
    /// Feet.
    Foot,
    /// Inches.
    Inch,
}

impl LengthUnit {
    /// The unit a word names ("cm", "feet", "metres").
    pub fn from_word(word: &str) -> Option<Self> {
        Some(match word {
            "m" | "meter" | "meters" | "metre" | "metres" => LengthUnit::Metre,
            "cm" | "centimeter" | "centimeters" | "centimetre" | "centimetres" => {
                LengthUnit::Centimetre
            }
            "ft" | "foot" | "feet" => LengthUnit::Foot,
            "inch" | "inches" => LengthUnit::Inch,
            _ => return None,
        })
    }

    /// Metres per unit.
    pub fn metres(self) -> f64 {
        match self {
            LengthUnit::Metre => 1.0,
            LengthUnit::Centimetre => 0.01,
            LengthUnit::Foot => METRES_PER_FOOT,
            LengthUnit::Inch => METRES_PER_INCH,
        }
    }
}

/// `n` in words, 0..=999 ("one hundred twenty five").
pub fn number_words(n: u32) -> String {
    let mut parts = Vec::new();
    let hundreds = n / 100;
    let rest = n % 100;
    if hundreds > 0 {
        parts.push(format!("{} hundred", UNITS[(hundreds % 10) as usize]));
    }
    if rest > 0 || n == 0 {
        if rest < 20 {
            parts.push(UNITS[rest as usize].to_owned());
        } else if rest.is_multiple_of(10) {
            parts.push(TENS[(rest / 10) as usize].to_owned());
        } else {
            parts.push(format!(
                "{} {}",
                TENS[(rest / 10) as usize],
                UNITS[(rest % 10) as usize]
            ));
        }
    }
    parts.join(" ")
}

/// Whether `word` is a number word ("seven", "ninety", "hundred"; not "a").
pub fn is_number_word(word: &str) -> bool {
    word == "hundred" || word_value(word).is_some()
}

fn word_value(word: &str) -> Option<u32> {
    if let Some(i) = UNITS.iter().position(|u| *u == word) {
        return Some(i as u32);
    }
    TENS.iter()
        .position(|t| !t.is_empty() && *t == word)
        .map(|i| i as u32 * 10)
}

/// An integer in words ("ninety", "one hundred and eighty", "a hundred").
fn parse_integer_words(words: &[&str]) -> Option<u32> {
    if words.is_empty() {
        return None;
    }
    let mut total = 0;
    let mut rest = words;
    if let Some(pos) = rest.iter().position(|w| *w == "hundred") {
        let head = &rest[..pos];
        let hundreds = match head {
            ["a"] | [] => 1,
            [w] => word_value(w).filter(|v| (1..10).contains(v))?,
            _ => return None,
        };
        total = hundreds * 100;
        rest = &rest[pos + 1..];
        if rest.first() == Some(&"and") {
            rest = &rest[1..];
            if rest.is_empty() {
                return None;
            }
        }
        if rest.is_empty() {
            return Some(total);
        }
    }
    match rest {
        [w] => Some(total + word_value(w)?),
        [tens, units] => {
            let tens = word_value(tens).filter(|v| *v >= 20 && v % 10 == 0)?;
            let units = word_value(units).filter(|v| (1..10).contains(v))?;
            Some(total + tens + units)
        }
        _ => None,
    }
}

/// A number in digits or words, with fractions: "1.5", "ninety", "one and a half",
/// "half", "a half", "a quarter", "three quarters", "a", "two point five".
pub fn parse_number(words: &[&str]) -> Option<f64> {
    let words: Vec<&str> = match words {
        [head @ .., "of", "a" | "an"] => head.to_vec(),
        _ => words.to_vec(),
    };
    match words.as_slice() {
        [] => return None,
        [single] => {
            if let Ok(value) = single.parse::<f64>() {
                return value.is_finite().then_some(value);
            }
        }
        _ => {}
    }
    let fraction = |w: &[&str]| -> Option<f64> {
        match w {
            ["half"] | ["a", "half"] | ["half", "a" | "an"] => Some(0.5),
            ["quarter"] | ["a", "quarter"] | ["one", "quarter"] => Some(0.25),
            ["three", "quarters"] => Some(0.75),
            _ => None,
        }
    };
    if let Some(value) = fraction(&words) {
        return Some(value);
    }
    // "100 and 80": whisper's digits for "one hundred and eighty".
    if let [hundreds, "and", rest] = words.as_slice()
        && let (Some(hundreds), Some(rest)) = (parse_digits(hundreds), parse_digits(rest))
        && hundreds % 100 == 0
        && (100..1000).contains(&hundreds)
        && (1..100).contains(&rest)
    {
        return Some(f64::from(hundreds + rest));
    }
    // "one and a half"; "one hundred and eighty" falls through to the integer words.
    if let Some(pos) = words.iter().position(|w| *w == "and")
        && let (Some(whole), Some(part)) = (parse_whole(&words[..pos]), fraction(&words[pos + 1..]))
    {
        return Some(whole + part);
    }
    if let Some(pos) = words.iter().position(|w| *w == "point") {
        let whole = parse_whole(&words[..pos])?;
        let digits: Option<String> = words[pos + 1..]
            .iter()
            .map(|w| word_value(w).filter(|v| *v < 10).map(|v| v.to_string()))
            .collect();
        let digits = digits.filter(|d| !d.is_empty())?;
        return format!("{whole}.{digits}").parse().ok();
    }
    parse_whole(&words)
}

fn parse_whole(words: &[&str]) -> Option<f64> {
    match words {
        ["a" | "an"] => Some(1.0),
        [word] if let Some(value) = parse_digits(word) => Some(f64::from(value)),
        _ => parse_integer_words(words).map(f64::from),
    }
}

/// A whole number written in digits ("180").
fn parse_digits(word: &str) -> Option<u32> {
    word.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| word.parse().ok())
        .flatten()
}

fn tokens(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| c.is_whitespace() || (c.is_ascii_punctuation() && c != '.' && c != '\''))
        .map(|w| w.trim_end_matches('.').to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Rounds to hundredths (the output format's precision).
pub fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// The first distance in `text`, in metres (rounded to hundredths): "one and a half meters",
/// "50 cm", "a meter and a half", "two feet".
pub fn parse_distance_m(text: &str) -> Option<f64> {
    let words = tokens(text);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    // The first unit word with a number before it ("inch forward 2 meters" is 2 m).
    let (unit_at, unit, amount) = words.iter().enumerate().find_map(|(i, w)| {
        let unit = LengthUnit::from_word(w)?;
        Some((i, unit, longest_number_before(&words[..i])?))
    })?;
    let extra = if and_a_half(&words[unit_at + 1..]) {
        0.5
    } else {
        0.0
    };
    Some(round2((amount + extra) * unit.metres()))
}

/// Whether the words after a unit add half of it ("a meter and a half").
pub fn and_a_half(after_unit: &[&str]) -> bool {
    after_unit.starts_with(&["and", "a", "half"])
}

fn longest_number_before(words: &[&str]) -> Option<f64> {
    (0..words.len()).find_map(|start| parse_number(&words[start..]))
}

/// The first angle in `text`, in degrees: "ninety degrees", "45 degrees", "a quarter turn",
/// "half a turn", "a full turn".
pub fn parse_angle_deg(text: &str) -> Option<f64> {
    let words = tokens(text);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    if let Some(at) = words
        .iter()
        .position(|w| matches!(*w, "degree" | "degrees" | "deg"))
    {
        return longest_number_before(&words[..at]);
    }
    let joined = words.join(" ");
    [
        ("quarter turn", 90.0),
        ("half a turn", 180.0),
        ("half turn", 180.0),
        ("full turn", 360.0),
        ("full circle", 360.0),
        ("all the way around", 360.0),
    ]
    .iter()
    .find(|(phrase, _)| joined.contains(phrase))
    .map(|(_, value)| *value)
}

/// The signed turn a plain command asks for: left positive, right negative; "turn around"
/// is 180; no amount means [`DEFAULT_TURN_DEG`], "a little" [`NUDGE_DEG`].
pub fn parse_turn_deg(text: &str) -> Option<f64> {
    let words = tokens(text);
    let has = |w: &str| words.iter().any(|x| x == w);
    let joined = words.join(" ");
    if joined.contains("turn around") || joined.contains("turn back around") {
        return Some(180.0);
    }
    let sign = if has("right") || has("clockwise") {
        -1.0
    } else if has("left") || has("counterclockwise") {
        1.0
    } else {
        return None;
    };
    let amount = parse_angle_deg(text).unwrap_or(
        if joined.contains("a little") || joined.contains("a bit") {
            NUDGE_DEG
        } else {
            DEFAULT_TURN_DEG
        },
    );
    Some(sign * amount)
}

/// The signed distance a plain command asks for: backwards negative ("back up", "reverse",
/// "backward"); no amount means [`DEFAULT_FORWARD_M`] / [`DEFAULT_BACKWARD_M`].
pub fn parse_move_m(text: &str) -> Option<f64> {
    let words = tokens(text);
    let backwards = words
        .iter()
        .any(|w| matches!(w.as_str(), "back" | "backward" | "backwards" | "reverse"));
    let forwards = words
        .iter()
        .any(|w| matches!(w.as_str(), "forward" | "forwards" | "ahead" | "straight"));
    if !backwards && !forwards {
        return None;
    }
    let joined = words.join(" ");
    let sign = if backwards { -1.0 } else { 1.0 };
    Some(match parse_distance_m(text) {
        Some(distance) => sign * distance,
        None if joined.contains("a little") || joined.contains("a bit") => sign * NUDGE_M,
        None if backwards => DEFAULT_BACKWARD_M,
        None => DEFAULT_FORWARD_M,
    })
}

fn unit_word(unit: LengthUnit, plural: bool, rng: &mut impl Rng) -> &'static str {
    let choices: &[&str] = match (unit, plural) {
        (LengthUnit::Metre, false) => &["meter", "metre"],
        (LengthUnit::Metre, true) => &["meters", "metres", "meters", "m"],
        (LengthUnit::Centimetre, _) => &["centimeters", "centimetres", "cm"],
        (LengthUnit::Foot, false) => &["foot"],
        (LengthUnit::Foot, true) => &["feet", "feet", "ft"],
        (LengthUnit::Inch, false) => &["inch"],
        (LengthUnit::Inch, true) => &["inches"],
    };
    choices.choose(rng).copied().unwrap_or("meters")
}

/// A spoken distance and its value in metres (rounded to hundredths), e.g.
/// ("one and a half meters", 1.5), ("50 cm", 0.5), ("two feet", 0.61).
pub fn sample_distance(rng: &mut impl Rng) -> (String, f64) {
    let digits = rng.random_bool(0.4);
    match rng.random_range(0..10) {
        // Metres, whole.
        0..=3 => {
            let n = *[1u32, 2, 3, 4, 5, 6, 8, 10].choose(rng).unwrap_or(&1);
            let amount = if n == 1 && !digits {
                ["one", "a"]
                    .choose(rng)
                    .copied()
                    .unwrap_or("one")
                    .to_owned()
            } else if digits {
                n.to_string()
            } else {
                number_words(n)
            };
            let unit = unit_word(LengthUnit::Metre, n != 1, rng);
            (format!("{amount} {unit}"), f64::from(n))
        }
        // Metres with a fraction.
        4..=6 => {
            let (text, value) = match rng.random_range(0..7) {
                0 => ("half a meter".to_owned(), 0.5),
                1 => ("three quarters of a meter".to_owned(), 0.75),
                2 => ("a quarter of a meter".to_owned(), 0.25),
                3 => ("a meter and a half".to_owned(), 1.5),
                _ => {
                    let whole = rng.random_range(1..=4u32);
                    let (words, frac) = if rng.random_bool(0.7) {
                        ("and a half", 0.5)
                    } else {
                        ("and a quarter", 0.25)
                    };
                    let value = f64::from(whole) + frac;
                    if digits {
                        let unit = unit_word(LengthUnit::Metre, true, rng);
                        (
                            format!("{} {unit}", crate::prompt::format_decimal(value)),
                            value,
                        )
                    } else {
                        let unit = unit_word(LengthUnit::Metre, true, rng);
                        (format!("{} {words} {unit}", number_words(whole)), value)
                    }
                }
            };
            (text, value)
        }
        // Centimetres.
        7 | 8 => {
            let n = *[10u32, 20, 25, 30, 40, 50, 60, 75, 80]
                .choose(rng)
                .unwrap_or(&50);
            let amount = if digits {
                n.to_string()
            } else {
                number_words(n)
            };
            let unit = unit_word(LengthUnit::Centimetre, true, rng);
            (format!("{amount} {unit}"), f64::from(n) / 100.0)
        }
        // Feet and inches.
        _ => {
            if rng.random_bool(0.8) {
                let n = *[1u32, 2, 3, 4, 5, 6, 10].choose(rng).unwrap_or(&2);
                let amount = if n == 1 {
                    ["one", "a"]
                        .choose(rng)
                        .copied()
                        .unwrap_or("one")
                        .to_owned()
                } else if digits {
                    n.to_string()
                } else {
                    number_words(n)
                };
                let unit = unit_word(LengthUnit::Foot, n != 1, rng);
                (
                    format!("{amount} {unit}"),
                    round2(f64::from(n) * METRES_PER_FOOT),
                )
            } else {
                let n = *[6u32, 12, 18].choose(rng).unwrap_or(&6);
                let amount = if digits {
                    n.to_string()
                } else {
                    number_words(n)
                };
                let unit = unit_word(LengthUnit::Inch, true, rng);
                (
                    format!("{amount} {unit}"),
                    round2(f64::from(n) * METRES_PER_INCH),
                )
            }
        }
    }
}

/// A spoken angle and its value in degrees, e.g. ("ninety degrees", 90), ("a quarter turn", 90).
pub fn sample_angle(rng: &mut impl Rng) -> (String, f64) {
    if rng.random_bool(0.15) {
        let (text, value) = [
            ("a quarter turn", 90.0),
            ("half a turn", 180.0),
            ("a half turn", 180.0),
            ("a full turn", 360.0),
        ]
        .choose(rng)
        .copied()
        .unwrap_or(("a quarter turn", 90.0));
        return (text.to_owned(), value);
    }
    let n = *[
        5u32, 10, 15, 20, 30, 45, 45, 60, 90, 90, 90, 120, 135, 150, 180, 180, 270, 360,
    ]
    .choose(rng)
    .unwrap_or(&90);
    let amount = if rng.random_bool(0.4) {
        n.to_string()
    } else {
        let words = number_words(n);
        // "one hundred and eighty" is as common as "one hundred eighty".
        if n > 100 && !n.is_multiple_of(100) && rng.random_bool(0.5) {
            words.replacen("hundred", "hundred and", 1)
        } else {
            words
        }
    };
    (format!("{amount} degrees"), f64::from(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn words_and_digits() {
        assert_eq!(number_words(0), "zero");
        assert_eq!(number_words(90), "ninety");
        assert_eq!(number_words(135), "one hundred thirty five");
        assert_eq!(number_words(360), "three hundred sixty");
        for n in 0..=999 {
            let words = number_words(n);
            let words: Vec<&str> = words.split(' ').collect();
            assert_eq!(parse_number(&words), Some(f64::from(n)), "{n}");
        }
        assert_eq!(parse_number(&["one", "and", "a", "half"]), Some(1.5));
        assert_eq!(parse_number(&["two", "point", "five"]), Some(2.5));
        assert_eq!(parse_number(&["three", "quarters", "of", "a"]), Some(0.75));
        assert_eq!(parse_number(&["forward"]), None);
    }

    #[test]
    fn whispers_digits_for_hundred_and_tens_join() {
        assert_eq!(parse_number(&["100", "and", "80"]), Some(180.0));
        assert_eq!(parse_number(&["300", "and", "60"]), Some(360.0));
        // Not a hundred and its tens: two numbers.
        assert_eq!(parse_number(&["2", "and", "3"]), None);
        assert_eq!(parse_number(&["100", "and", "180"]), None);
        assert_eq!(parse_number(&["100", "and", "0"]), None);
    }

    #[test]
    fn the_documented_phrases() {
        assert_eq!(parse_distance_m("one and a half meters"), Some(1.5));
        assert_eq!(parse_distance_m("half a meter"), Some(0.5));
        assert_eq!(parse_distance_m("a meter and a half"), Some(1.5));
        assert_eq!(parse_distance_m("move 50 cm"), Some(0.5));
        assert_eq!(parse_distance_m("inch forward 2 meters"), Some(2.0));
        assert_eq!(parse_angle_deg("ninety degrees"), Some(90.0));
        assert_eq!(
            parse_angle_deg("one hundred and eighty degrees"),
            Some(180.0)
        );
        assert_eq!(parse_turn_deg("turn right"), Some(-90.0));
        assert_eq!(parse_turn_deg("turn left"), Some(90.0));
        assert_eq!(parse_turn_deg("turn around"), Some(180.0));
        assert_eq!(parse_turn_deg("turn right 45 degrees"), Some(-45.0));
        assert_eq!(parse_turn_deg("turn left a little"), Some(15.0));
        assert_eq!(parse_move_m("back up two feet"), Some(-0.61));
        assert_eq!(parse_move_m("move forward"), Some(1.0));
        assert_eq!(parse_move_m("back up"), Some(-0.5));
        assert_eq!(parse_move_m("go forward one and a half meters"), Some(1.5));
        assert_eq!(parse_move_m("go to the kitchen"), None);
    }

    #[test]
    fn every_sampled_rendering_reads_back() {
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..2000 {
            let (text, metres) = sample_distance(&mut rng);
            assert_eq!(parse_distance_m(&text), Some(metres), "{text}");
            assert!(
                metres > 0.0 && metres <= crate::prompt::MAX_MOVE_M,
                "{text}"
            );
            let (text, degrees) = sample_angle(&mut rng);
            assert_eq!(parse_angle_deg(&text), Some(degrees), "{text}");
        }
    }
}
