//! `yaml.safe_load` for parameter values: yaml-rust2 for the syntax, PyYAML's YAML 1.1
//! implicit resolvers and constructors for plain scalars.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

use super::ParamValue;

/// What `yaml.safe_load` produced for a string.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Loaded {
    /// A scalar (bool, int, float or str).
    Scalar(ParamValue),
    /// A flow or block sequence of scalars.
    List(Vec<ParamValue>),
    /// Anything a parameter cannot hold (null, mapping, nested list, timestamp, ...).
    Unsupported(&'static str),
}

/// `yaml.safe_load(text)`; `Err` carries the parser's message (PyYAML would raise too).
pub(crate) fn safe_load(text: &str) -> Result<Loaded, String> {
    let mut parser = Parser::new_from_str(text);
    let mut next = || {
        parser
            .next_token()
            .map(|(event, _)| event)
            .map_err(|e| e.to_string())
    };
    let mut documents = 0;
    let mut result = Loaded::Unsupported("null");
    loop {
        match next()? {
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            Event::StreamEnd => break,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err("expected a single document in the stream".into());
                }
            }
            Event::Scalar(value, style, _, tag) => {
                result = match scalar(&value, style, tag.is_some()) {
                    Ok(value) => Loaded::Scalar(value),
                    Err(kind) => Loaded::Unsupported(kind),
                };
            }
            Event::SequenceStart(..) => {
                let mut items = Vec::new();
                let mut nested = false;
                let mut depth = 1;
                while depth > 0 {
                    match next()? {
                        Event::SequenceStart(..) | Event::MappingStart(..) => {
                            nested = true;
                            depth += 1;
                        }
                        Event::SequenceEnd | Event::MappingEnd => depth -= 1,
                        Event::Scalar(value, style, _, tag) if depth == 1 => {
                            match scalar(&value, style, tag.is_some()) {
                                Ok(item) => items.push(item),
                                Err(_) => nested = true,
                            }
                        }
                        Event::StreamEnd => return Err("unexpected end of stream".into()),
                        _ => {}
                    }
                }
                result = if nested {
                    Loaded::Unsupported("list of non-scalars")
                } else {
                    Loaded::List(items)
                };
            }
            Event::MappingStart(..) => {
                let mut depth = 1;
                while depth > 0 {
                    match next()? {
                        Event::SequenceStart(..) | Event::MappingStart(..) => depth += 1,
                        Event::SequenceEnd | Event::MappingEnd => depth -= 1,
                        Event::StreamEnd => return Err("unexpected end of stream".into()),
                        _ => {}
                    }
                }
                result = Loaded::Unsupported("mapping");
            }
            Event::Alias(_) => result = Loaded::Unsupported("alias"),
            Event::SequenceEnd | Event::MappingEnd => {}
        }
    }
    Ok(result)
}

fn scalar(value: &str, style: TScalarStyle, tagged: bool) -> Result<ParamValue, &'static str> {
    if tagged {
        return Err("explicitly tagged value");
    }
    match style {
        TScalarStyle::Plain => resolve_plain(value),
        _ => Ok(ParamValue::Str(value.to_owned())),
    }
}

/// What PyYAML's implicit resolver makes of a plain scalar.
pub(crate) fn resolve_plain(text: &str) -> Result<ParamValue, &'static str> {
    match implicit_tag(text) {
        Tag::Str => Ok(ParamValue::Str(text.to_owned())),
        Tag::Bool => Ok(ParamValue::Bool(matches!(
            text,
            "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON"
        ))),
        Tag::Int => construct_int(text)
            .map(ParamValue::Int)
            .ok_or("integer out of int64 range"),
        Tag::Float => Ok(ParamValue::Float(construct_float(text))),
        Tag::Null => Err("null"),
        Tag::Timestamp => Err("timestamp"),
        Tag::Other => Err("YAML merge/value indicator"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tag {
    Str,
    Bool,
    Int,
    Float,
    Null,
    Timestamp,
    Other,
}

/// PyYAML `Resolver.resolve` for plain scalars: the implicit resolvers in registration order.
pub(super) fn implicit_tag(text: &str) -> Tag {
    const BOOLS: [&str; 18] = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
    ];
    if BOOLS.contains(&text) {
        Tag::Bool
    } else if is_yaml11_float(text) {
        Tag::Float
    } else if is_yaml11_int(text) {
        Tag::Int
    } else if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        Tag::Null
    } else if is_timestamp(text) {
        Tag::Timestamp
    } else if matches!(text, "<<" | "=" | "!" | "&" | "*") {
        Tag::Other
    } else {
        Tag::Str
    }
}

fn strip_sign(text: &str) -> &str {
    text.strip_prefix(['-', '+']).unwrap_or(text)
}

fn all_of(text: &str, allowed: impl Fn(char) -> bool) -> bool {
    text.chars().all(allowed)
}

fn is_digit_or_underscore(ch: char) -> bool {
    ch.is_ascii_digit() || ch == '_'
}

/// `[0-9][0-9_]*`
fn is_digits_run(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_digit()) && all_of(text, is_digit_or_underscore)
}

/// `(?::[0-5]?[0-9])+`
fn is_sexagesimal_tail(text: &str) -> bool {
    let Some(rest) = text.strip_prefix(':') else {
        return false;
    };
    rest.split(':').all(|part| {
        let bytes = part.as_bytes();
        match bytes {
            [d] => d.is_ascii_digit(),
            [a, b] => (b'0'..=b'5').contains(a) && b.is_ascii_digit(),
            _ => false,
        }
    })
}

/// `(?:[eE][-+][0-9]+)?` followed by end of text.
fn is_optional_exponent(text: &str) -> bool {
    if text.is_empty() {
        return true;
    }
    let Some(rest) = text.strip_prefix(['e', 'E']) else {
        return false;
    };
    let Some(digits) = rest.strip_prefix(['-', '+']) else {
        return false;
    };
    !digits.is_empty() && all_of(digits, |c| c.is_ascii_digit())
}

fn is_yaml11_float(text: &str) -> bool {
    let unsigned = strip_sign(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    // `\.[0-9][0-9_]*(exp)?` (no sign allowed here)
    if let Some(rest) = text.strip_prefix('.') {
        let end = rest
            .find(|c: char| !is_digit_or_underscore(c))
            .unwrap_or(rest.len());
        return is_digits_run(&rest[..end]) && is_optional_exponent(&rest[end..]);
    }
    // `[-+]?[0-9][0-9_]*\.[0-9_]*(exp)?` and `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`
    let Some(dot) = unsigned.find('.') else {
        return false;
    };
    let (whole, after) = (&unsigned[..dot], &unsigned[dot + 1..]);
    let frac_end = after
        .find(|c: char| !is_digit_or_underscore(c))
        .unwrap_or(after.len());
    let tail = &after[frac_end..];
    if is_digits_run(whole) {
        return is_optional_exponent(tail);
    }
    if let Some(colon) = whole.find(':') {
        return is_digits_run(&whole[..colon])
            && is_sexagesimal_tail(&whole[colon..])
            && tail.is_empty();
    }
    false
}

fn is_yaml11_int(text: &str) -> bool {
    let unsigned = strip_sign(text);
    if let Some(bits) = unsigned.strip_prefix("0b") {
        return !bits.is_empty() && all_of(bits, |c| matches!(c, '0' | '1' | '_'));
    }
    if let Some(hex) = unsigned.strip_prefix("0x") {
        return !hex.is_empty() && all_of(hex, |c| c.is_ascii_hexdigit() || c == '_');
    }
    if unsigned == "0" {
        return true;
    }
    if let Some(octal) = unsigned.strip_prefix('0') {
        return !octal.is_empty() && all_of(octal, |c| matches!(c, '0'..='7' | '_'));
    }
    if !unsigned.starts_with(|c: char| ('1'..='9').contains(&c)) {
        return false;
    }
    match unsigned.find(':') {
        None => all_of(unsigned, is_digit_or_underscore),
        Some(colon) => {
            all_of(&unsigned[..colon], is_digit_or_underscore)
                && is_sexagesimal_tail(&unsigned[colon..])
        }
    }
}

/// PyYAML's timestamp pattern: `YYYY-MM-DD`, or `YYYY-M-D` followed by a time
/// (`[Tt]` or blanks, `H:MM:SS`, optional fraction, optional `Z`/`±H[:MM]` zone).
fn is_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize, min: usize, max: usize| -> bool {
        let start = *i;
        while *i < b.len() && *i - start < max && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start >= min
    };
    let byte = |i: &mut usize, wanted: u8| -> bool {
        let ok = b.get(*i) == Some(&wanted);
        if ok {
            *i += 1;
        }
        ok
    };
    if !(digits(&mut i, 4, 4) && byte(&mut i, b'-')) {
        return false;
    }
    let month_start = i;
    if !(digits(&mut i, 1, 2) && byte(&mut i, b'-')) {
        return false;
    }
    let month_len = i - month_start - 1;
    let day_start = i;
    if !digits(&mut i, 1, 2) {
        return false;
    }
    if i == b.len() {
        return month_len == 2 && i - day_start == 2;
    }
    // The time part.
    if matches!(b[i], b'T' | b't') {
        i += 1;
    } else {
        let blanks = i;
        while i < b.len() && matches!(b[i], b' ' | b'\t') {
            i += 1;
        }
        if i == blanks {
            return false;
        }
    }
    if !(digits(&mut i, 1, 2)
        && byte(&mut i, b':')
        && digits(&mut i, 2, 2)
        && byte(&mut i, b':')
        && digits(&mut i, 2, 2))
    {
        return false;
    }
    if byte(&mut i, b'.') {
        digits(&mut i, 0, usize::MAX);
    }
    let before_zone = i;
    while i < b.len() && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    if i == b.len() {
        // Blanks are only allowed before a zone.
        return i == before_zone;
    }
    if byte(&mut i, b'Z') {
        return i == b.len();
    }
    if !matches!(b.get(i), Some(b'-' | b'+')) {
        return false;
    }
    i += 1;
    if !digits(&mut i, 1, 2) {
        return false;
    }
    if byte(&mut i, b':') && !digits(&mut i, 2, 2) {
        return false;
    }
    i == b.len()
}

fn construct_int(text: &str) -> Option<i64> {
    let cleaned: String = text.chars().filter(|&c| c != '_').collect();
    let negative = cleaned.starts_with('-');
    let unsigned = strip_sign(&cleaned);
    let magnitude: i128 = if unsigned == "0" {
        0
    } else if let Some(bits) = unsigned.strip_prefix("0b") {
        i128::from_str_radix(bits, 2).ok()?
    } else if let Some(hex) = unsigned.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()?
    } else if unsigned.starts_with('0') {
        i128::from_str_radix(unsigned, 8).ok()?
    } else if unsigned.contains(':') {
        let mut value: i128 = 0;
        for part in unsigned.split(':') {
            value = value
                .checked_mul(60)?
                .checked_add(part.parse::<i128>().ok()?)?;
        }
        value
    } else {
        unsigned.parse::<i128>().ok()?
    };
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

fn construct_float(text: &str) -> f64 {
    let cleaned: String = text
        .chars()
        .filter(|&c| c != '_')
        .collect::<String>()
        .to_lowercase();
    let sign = if cleaned.starts_with('-') { -1.0 } else { 1.0 };
    let unsigned = strip_sign(&cleaned);
    if unsigned == ".inf" {
        return sign * f64::INFINITY;
    }
    if unsigned == ".nan" {
        return f64::NAN;
    }
    if unsigned.contains(':') {
        let mut value = 0.0;
        for part in unsigned.split(':') {
            value = value * 60.0 + python_float(part).unwrap_or(0.0);
        }
        return sign * value;
    }
    sign * python_float(unsigned).unwrap_or(f64::NAN)
}

/// Python's `float(text)` for the forms that reach it (`1.`, `.5`, `1.e+3`, `inf`, ...).
pub(crate) fn python_float(text: &str) -> Option<f64> {
    let trimmed = text.trim();
    let cleaned: String = trimmed.chars().filter(|&c| c != '_').collect();
    if let Ok(value) = cleaned.parse::<f64>() {
        return Some(value);
    }
    // Rust rejects a dot with no digits after it before an exponent; Python accepts `1.e5`.
    let lower = cleaned.to_lowercase();
    let patched = lower.replacen(".e", ".0e", 1);
    let patched = if patched.ends_with('.') {
        format!("{patched}0")
    } else {
        patched
    };
    patched.parse::<f64>().ok()
}

/// Python's `int(text)`: optional blanks and sign, decimal digits with single `_` between them.
pub(crate) fn python_int(text: &str) -> Option<i64> {
    let trimmed = text.trim();
    let digits = strip_sign(trimmed);
    let valid = !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && all_of(digits, is_digit_or_underscore);
    if !valid {
        return None;
    }
    let cleaned: String = trimmed.chars().filter(|&c| c != '_').collect();
    cleaned.parse::<i64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Result<ParamValue, &'static str> {
        resolve_plain(text)
    }

    #[test]
    fn yaml11_resolution_matches_pyyaml() {
        use ParamValue::*;
        assert_eq!(plain("16000"), Ok(Int(16000)));
        assert_eq!(plain("-0x1F"), Ok(Int(-31)));
        assert_eq!(plain("010"), Ok(Int(8)));
        assert_eq!(plain("0b101"), Ok(Int(5)));
        assert_eq!(plain("1_000"), Ok(Int(1000)));
        assert_eq!(plain("1:30"), Ok(Int(90)));
        assert_eq!(plain("0.5"), Ok(Float(0.5)));
        assert_eq!(plain("1."), Ok(Float(1.0)));
        assert_eq!(plain(".5"), Ok(Float(0.5)));
        assert_eq!(plain("1.0e+3"), Ok(Float(1000.0)));
        assert_eq!(plain("-.inf"), Ok(Float(f64::NEG_INFINITY)));
        assert_eq!(plain("1e3"), Ok(Str("1e3".into())));
        assert_eq!(plain("1.0e5"), Ok(Str("1.0e5".into())));
        assert_eq!(plain("yes"), Ok(Bool(true)));
        assert_eq!(plain("Off"), Ok(Bool(false)));
        assert_eq!(plain("asd"), Ok(Str("asd".into())));
        assert_eq!(plain("null"), Err("null"));
        assert_eq!(plain("2001-12-14"), Err("timestamp"));
        assert_eq!(plain("2001-12-14t21:59:43.10-05:00"), Err("timestamp"));
        assert_eq!(plain("2001-12-14 21:59:43.10 Z"), Err("timestamp"));
        assert_eq!(plain("2001-12-14_run"), Ok(Str("2001-12-14_run".into())));
        assert_eq!(plain("2001-1-5 junk"), Ok(Str("2001-1-5 junk".into())));
        assert_eq!(
            plain("9223372036854775808"),
            Err("integer out of int64 range")
        );
    }

    #[test]
    fn safe_load_shapes() {
        use ParamValue::*;
        assert_eq!(safe_load("'1'"), Ok(Loaded::Scalar(Str("1".into()))));
        assert_eq!(
            safe_load("[1, 2, 3]"),
            Ok(Loaded::List(vec![Int(1), Int(2), Int(3)]))
        );
        assert_eq!(safe_load("a: 1"), Ok(Loaded::Unsupported("mapping")));
        assert_eq!(
            safe_load("[[1]]"),
            Ok(Loaded::Unsupported("list of non-scalars"))
        );
        assert!(safe_load("[1, 2").is_err());
    }

    /// Plain scalars resolved by PyYAML 6.0 `safe_load` (`tests/fixtures/pyyaml/resolve.json`).
    #[test]
    fn resolution_matches_pyyaml_golden() {
        let golden = include_str!("../../tests/fixtures/pyyaml/resolve.json");
        let mut checked = 0;
        // A tiny reader for the fixture's flat objects: {"text": .., "type": .., "value": ..}.
        for record in golden.split('{').skip(1) {
            let field = |name: &str| -> String {
                let start = record.find(&format!("\"{name}\": ")).unwrap() + name.len() + 4;
                let rest = &record[start..];
                let end = rest.find([',', '\n', '}']).unwrap();
                rest[..end].trim().trim_matches('"').to_owned()
            };
            let (text, kind, value) = (field("text"), field("type"), field("value"));
            let ours = plain(&text);
            match kind.as_str() {
                "int" => assert_eq!(
                    ours,
                    Ok(ParamValue::Int(value.parse().unwrap())),
                    "{text:?}"
                ),
                "bool" => assert_eq!(ours, Ok(ParamValue::Bool(value == "true")), "{text:?}"),
                "str" => assert_eq!(ours, Ok(ParamValue::Str(text.clone())), "{text:?}"),
                "float" => {
                    let Ok(ParamValue::Float(f)) = ours else {
                        panic!("{text:?}: {ours:?}")
                    };
                    match value.as_str() {
                        "nan" => assert!(f.is_nan(), "{text:?}"),
                        "inf" => assert_eq!(f, f64::INFINITY, "{text:?}"),
                        "-inf" => assert_eq!(f, f64::NEG_INFINITY, "{text:?}"),
                        v => assert!(
                            (f - v.parse::<f64>().unwrap()).abs() < 1e-9,
                            "{text:?}: {f}"
                        ),
                    }
                }
                _ => assert!(
                    ours.is_err(),
                    "{text:?} is a {kind} in PyYAML, got {ours:?}"
                ),
            }
            checked += 1;
        }
        assert!(checked > 60);
    }
}
