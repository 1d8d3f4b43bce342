//! YAML as launch_ros sees it: values are typed with PyYAML's `safe_load` (YAML 1.1 rules:
//! `yes`/`on` are booleans, `010` is octal, `1e3` is a string) and the parameter file is written
//! with PyYAML's `dump(default_flow_style=False)` (sorted keys, block style, PyYAML quoting).
//!
//! yaml-rust2 supplies the syntax (events with scalar styles); the YAML 1.1 resolution and the
//! emitter's style choices are reimplemented here so the written file matches PyYAML's.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

/// A ROS 2 parameter value (scalars and homogeneous arrays).
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// `bool`.
    Bool(bool),
    /// `int64`.
    Int(i64),
    /// `double`.
    Float(f64),
    /// `string`.
    Str(String),
    /// An array; launch_ros requires all items to have the same type.
    List(Vec<ParamValue>),
}

impl ParamValue {
    /// The launch/Python name of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Bool(_) => "bool",
            Self::Int(_) => "int",
            Self::Float(_) => "float",
            Self::Str(_) => "str",
            Self::List(_) => "list",
        }
    }
}

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
    let mut next = || parser.next_token().map(|(event, _)| event).map_err(|e| e.to_string());
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
        Tag::Int => construct_int(text).map(ParamValue::Int).ok_or("integer out of int64 range"),
        Tag::Float => Ok(ParamValue::Float(construct_float(text))),
        Tag::Null => Err("null"),
        Tag::Timestamp => Err("timestamp"),
        Tag::Other => Err("YAML merge/value indicator"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Str,
    Bool,
    Int,
    Float,
    Null,
    Timestamp,
    Other,
}

/// PyYAML `Resolver.resolve` for plain scalars: the implicit resolvers in registration order.
fn implicit_tag(text: &str) -> Tag {
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
        let end = rest.find(|c: char| !is_digit_or_underscore(c)).unwrap_or(rest.len());
        return is_digits_run(&rest[..end]) && is_optional_exponent(&rest[end..]);
    }
    // `[-+]?[0-9][0-9_]*\.[0-9_]*(exp)?` and `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`
    let Some(dot) = unsigned.find('.') else {
        return false;
    };
    let (whole, after) = (&unsigned[..dot], &unsigned[dot + 1..]);
    let frac_end = after.find(|c: char| !is_digit_or_underscore(c)).unwrap_or(after.len());
    let (frac_rest, tail) = (&after[..frac_end], &after[frac_end..]);
    let _ = frac_rest;
    if is_digits_run(whole) {
        return is_optional_exponent(tail);
    }
    if let Some(colon) = whole.find(':') {
        return is_digits_run(&whole[..colon]) && is_sexagesimal_tail(&whole[colon..]) && tail.is_empty();
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

fn is_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| b.get(range).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    // Only the date form and the common `YYYY-MM-DD[Tt ]HH:MM:SS...` prefix are checked: both
    // are unsupported values either way, and anything else PyYAML would accept here also
    // starts like this.
    b.len() >= 10 && digits(0..4) && b[4] == b'-' && b[1..].contains(&b'-') && {
        let rest = &text[5..];
        let mut parts = rest.splitn(2, '-');
        let month = parts.next().unwrap_or("");
        let day_and_time = parts.next().unwrap_or("");
        let day: String = day_and_time.chars().take_while(char::is_ascii_digit).collect();
        (1..=2).contains(&month.len())
            && all_of(month, |c| c.is_ascii_digit())
            && (1..=2).contains(&day.len())
            && (text.len() == 10 && month.len() == 2 && day.len() == 2
                || day_and_time[day.len()..].starts_with(['T', 't', ' ', '\t']))
    }
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
            value = value.checked_mul(60)?.checked_add(part.parse::<i128>().ok()?)?;
        }
        value
    } else {
        unsigned.parse::<i128>().ok()?
    };
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

fn construct_float(text: &str) -> f64 {
    let cleaned: String = text.chars().filter(|&c| c != '_').collect::<String>().to_lowercase();
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
    let patched = if patched.ends_with('.') { format!("{patched}0") } else { patched };
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

/// Python `repr(float)` as PyYAML's representer adjusts it (`1e-05` becomes `1.0e-05`).
pub(crate) fn represent_float(value: f64) -> String {
    if value.is_nan() {
        return ".nan".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { ".inf".into() } else { "-.inf".into() };
    }
    let sci = format!("{:e}", value.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if value.is_sign_negative() { "-" } else { "" };
    let text = if (-4..16).contains(&exponent) {
        let point = exponent + 1;
        if point <= 0 {
            format!("0.{}{}", "0".repeat(point.unsigned_abs() as usize), digits)
        } else {
            let point = point as usize;
            if digits.len() <= point {
                format!("{}{}.0", digits, "0".repeat(point - digits.len()))
            } else {
                format!("{}.{}", &digits[..point], &digits[point..])
            }
        }
    } else {
        let rest = &digits[1..];
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        let mantissa = if rest.is_empty() {
            format!("{}.0", &digits[..1])
        } else {
            format!("{}.{}", &digits[..1], rest)
        };
        format!("{mantissa}e{exp_sign}{:02}", exponent.unsigned_abs())
    };
    format!("{sign}{text}")
}

/// The YAML that launch_ros writes for inline `<param>`s:
/// `{node_key: {ros__parameters: params}}` dumped by PyYAML.
pub(crate) fn dump_params_file(node_key: &str, params: &BTreeMap<String, ParamValue>) -> String {
    let mut emitter = Emitter::default();
    emitter.key(node_key, 0);
    emitter.key("ros__parameters", 2);
    for (name, value) in params {
        emitter.key(name, 4);
        match value {
            ParamValue::List(items) if items.is_empty() => emitter.raw(" []"),
            ParamValue::List(items) => {
                for item in items {
                    emitter.indent = 4;
                    emitter.write_indent();
                    emitter.raw("-");
                    emitter.whitespace = false;
                    emitter.scalar(item, 6);
                }
            }
            scalar => emitter.scalar(scalar, 6),
        }
    }
    emitter.indent = 0;
    emitter.write_indent();
    emitter.out
}

/// Tracks what PyYAML's emitter tracks to decide where folding happens.
struct Emitter {
    out: String,
    column: usize,
    indent: usize,
    whitespace: bool,
    indention: bool,
}

impl Default for Emitter {
    fn default() -> Self {
        Self { out: String::new(), column: 0, indent: 0, whitespace: true, indention: true }
    }
}

const BEST_WIDTH: usize = 80;

fn is_break(ch: char) -> bool {
    matches!(ch, '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

impl Emitter {
    fn raw(&mut self, text: &str) {
        self.column += text.chars().count();
        self.out.push_str(text);
    }

    fn line_break(&mut self, text: &str) {
        self.out.push_str(text);
        self.whitespace = true;
        self.indention = true;
        self.column = 0;
    }

    fn write_indent(&mut self) {
        if !self.indention || self.column > self.indent || (self.column == self.indent && !self.whitespace) {
            self.line_break("\n");
        }
        if self.column < self.indent {
            self.whitespace = true;
            let pad = " ".repeat(self.indent - self.column);
            self.raw(&pad);
        }
    }

    fn indicator(&mut self, indicator: &str, need_whitespace: bool) {
        if !self.whitespace && need_whitespace {
            self.raw(" ");
        }
        self.raw(indicator);
        self.whitespace = false;
        self.indention = false;
    }

    /// A mapping key at `indent`, followed by `:`.
    fn key(&mut self, key: &str, indent: usize) {
        self.indent = indent;
        self.write_indent();
        self.string(key, true);
        self.indicator(":", false);
    }

    fn scalar(&mut self, value: &ParamValue, indent: usize) {
        self.indent = indent;
        match value {
            ParamValue::Bool(b) => self.plain(if *b { "true" } else { "false" }, true),
            ParamValue::Int(i) => self.plain(&i.to_string(), true),
            ParamValue::Float(f) => self.plain(&represent_float(*f), true),
            ParamValue::Str(s) => self.string(s, false),
            ParamValue::List(_) => {
                // Nested lists never reach the dumper (launch rejects them earlier).
                self.plain("[]", false);
            }
        }
    }

    fn string(&mut self, text: &str, simple_key: bool) {
        let analysis = analyze(text);
        let implicit_str = implicit_tag(text) == Tag::Str;
        let split = !simple_key;
        if implicit_str && !(simple_key && (analysis.empty || analysis.multiline)) && analysis.allow_block_plain
        {
            self.plain(text, split);
        } else if analysis.allow_single_quoted && !(simple_key && analysis.multiline) {
            self.single_quoted(text, split);
        } else {
            self.double_quoted(text, split);
        }
    }

    fn plain(&mut self, text: &str, split: bool) {
        if text.is_empty() {
            return;
        }
        if !self.whitespace {
            self.raw(" ");
        }
        self.whitespace = false;
        self.indention = false;
        let chars: Vec<char> = text.chars().collect();
        let (mut spaces, mut breaks) = (false, false);
        let mut start = 0;
        for end in 0..=chars.len() {
            let ch = chars.get(end).copied();
            if spaces {
                if ch != Some(' ') {
                    if start + 1 == end && self.column > BEST_WIDTH && split {
                        self.write_indent();
                        self.whitespace = false;
                        self.indention = false;
                    } else {
                        self.raw(&chars[start..end].iter().collect::<String>());
                    }
                    start = end;
                }
            } else if breaks {
                if !ch.is_some_and(is_break) {
                    self.write_breaks(&chars[start..end]);
                    self.write_indent();
                    self.whitespace = false;
                    self.indention = false;
                    start = end;
                }
            } else if ch.is_none_or(|c| c == ' ' || is_break(c)) {
                self.raw(&chars[start..end].iter().collect::<String>());
                start = end;
            }
            if let Some(c) = ch {
                spaces = c == ' ';
                breaks = is_break(c);
            }
        }
    }

    fn write_breaks(&mut self, breaks: &[char]) {
        if breaks.first() == Some(&'\n') {
            self.line_break("\n");
        }
        for br in breaks {
            if *br == '\n' {
                self.line_break("\n");
            } else {
                self.line_break(&br.to_string());
            }
        }
    }

    fn single_quoted(&mut self, text: &str, split: bool) {
        self.indicator("'", true);
        let chars: Vec<char> = text.chars().collect();
        let (mut spaces, mut breaks) = (false, false);
        let mut start = 0;
        for end in 0..=chars.len() {
            let ch = chars.get(end).copied();
            if spaces {
                if ch != Some(' ') {
                    if start + 1 == end
                        && self.column > BEST_WIDTH
                        && split
                        && start != 0
                        && end != chars.len()
                    {
                        self.write_indent();
                    } else {
                        self.raw(&chars[start..end].iter().collect::<String>());
                    }
                    start = end;
                }
            } else if breaks {
                if !ch.is_some_and(is_break) {
                    self.write_breaks(&chars[start..end]);
                    self.write_indent();
                    start = end;
                }
            } else if ch.is_none_or(|c| c == ' ' || c == '\'' || is_break(c)) && start < end {
                self.raw(&chars[start..end].iter().collect::<String>());
                start = end;
            }
            if ch == Some('\'') {
                self.raw("''");
                start = end + 1;
            }
            if let Some(c) = ch {
                spaces = c == ' ';
                breaks = is_break(c);
            }
        }
        self.indicator("'", false);
    }

    fn double_quoted(&mut self, text: &str, split: bool) {
        self.indicator("\"", true);
        let chars: Vec<char> = text.chars().collect();
        let mut start = 0;
        let mut end = 0;
        while end <= chars.len() {
            let ch = chars.get(end).copied();
            let needs_escape = ch.is_none_or(|c| {
                matches!(c, '"' | '\\' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}')
                    || !(' '..='~').contains(&c)
            });
            if needs_escape {
                if start < end {
                    self.raw(&chars[start..end].iter().collect::<String>());
                    start = end;
                }
                if let Some(c) = ch {
                    let escaped = match c {
                        '\0' => "\\0".to_owned(),
                        '\x07' => "\\a".to_owned(),
                        '\x08' => "\\b".to_owned(),
                        '\t' => "\\t".to_owned(),
                        '\n' => "\\n".to_owned(),
                        '\x0B' => "\\v".to_owned(),
                        '\x0C' => "\\f".to_owned(),
                        '\r' => "\\r".to_owned(),
                        '\x1B' => "\\e".to_owned(),
                        '"' => "\\\"".to_owned(),
                        '\\' => "\\\\".to_owned(),
                        '\u{85}' => "\\N".to_owned(),
                        '\u{A0}' => "\\_".to_owned(),
                        '\u{2028}' => "\\L".to_owned(),
                        '\u{2029}' => "\\P".to_owned(),
                        c if (c as u32) <= 0xFF => format!("\\x{:02X}", c as u32),
                        c if (c as u32) <= 0xFFFF => format!("\\u{:04X}", c as u32),
                        c => format!("\\U{:08X}", c as u32),
                    };
                    self.raw(&escaped);
                    start = end + 1;
                }
            }
            if 0 < end
                && end + 1 < chars.len()
                && (ch == Some(' ') || start >= end)
                && self.column + end.saturating_sub(start) > BEST_WIDTH
                && split
            {
                let mut data: String = chars[start.min(end)..end].iter().collect();
                data.push('\\');
                if start < end {
                    start = end;
                }
                self.raw(&data);
                self.write_indent();
                self.whitespace = false;
                self.indention = false;
                if chars.get(start) == Some(&' ') {
                    self.raw("\\");
                }
            }
            end += 1;
        }
        self.indicator("\"", false);
    }
}

struct Analysis {
    empty: bool,
    multiline: bool,
    allow_block_plain: bool,
    allow_single_quoted: bool,
}

/// PyYAML `Emitter.analyze_scalar` (block context, `allow_unicode=False`).
fn analyze(text: &str) -> Analysis {
    if text.is_empty() {
        return Analysis { empty: true, multiline: false, allow_block_plain: true, allow_single_quoted: true };
    }
    let chars: Vec<char> = text.chars().collect();
    let is_blank = |c: char| matches!(c, '\0' | ' ' | '\t' | '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}');
    let mut block_indicators = text.starts_with("---") || text.starts_with("...");
    let mut line_breaks = false;
    let mut special = false;
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) = (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let mut followed_by_whitespace = chars.len() == 1 || is_blank(chars[1]);
    let (mut previous_space, mut previous_break) = (false, false);
    for (index, &ch) in chars.iter().enumerate() {
        if index == 0 {
            if "#,[]{}&*!|>'\"%@`".contains(ch) {
                block_indicators = true;
            }
            if (ch == '?' || ch == ':' || ch == '-') && followed_by_whitespace {
                block_indicators = true;
            }
        } else {
            if ch == ':' && followed_by_whitespace {
                block_indicators = true;
            }
            if ch == '#' && preceded_by_whitespace {
                block_indicators = true;
            }
        }
        if is_break(ch) {
            line_breaks = true;
        }
        if !(ch == '\n' || (' '..='~').contains(&ch)) {
            // Any non-ASCII character is special without allow_unicode.
            special = true;
        }
        if ch == ' ' {
            if index == 0 {
                leading_space = true;
            }
            if index == chars.len() - 1 {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(ch) {
            if index == 0 {
                leading_break = true;
            }
            if index == chars.len() - 1 {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank(ch);
        followed_by_whitespace = index + 2 >= chars.len() || is_blank(chars[index + 2]);
    }
    let mut allow_block_plain = true;
    let mut allow_single_quoted = true;
    if leading_space || leading_break || trailing_space || trailing_break {
        allow_block_plain = false;
    }
    if break_space {
        allow_block_plain = false;
        allow_single_quoted = false;
    }
    if space_break || special {
        allow_block_plain = false;
        allow_single_quoted = false;
    }
    if line_breaks || block_indicators {
        allow_block_plain = false;
    }
    Analysis { empty: false, multiline: line_breaks, allow_block_plain, allow_single_quoted }
}

/// Renders a value as `key:=value` text for messages (not used for files).
pub(crate) fn describe(value: &ParamValue) -> String {
    let mut out = String::new();
    match value {
        ParamValue::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&describe(item));
            }
            out.push(']');
        }
        ParamValue::Str(s) => {
            let _ = write!(out, "{s:?}");
        }
        ParamValue::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        ParamValue::Int(i) => {
            let _ = write!(out, "{i}");
        }
        ParamValue::Float(f) => out.push_str(&represent_float(*f)),
    }
    out
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
        assert_eq!(plain("9223372036854775808"), Err("integer out of int64 range"));
    }

    #[test]
    fn safe_load_shapes() {
        use ParamValue::*;
        assert_eq!(safe_load("'1'"), Ok(Loaded::Scalar(Str("1".into()))));
        assert_eq!(safe_load("[1, 2, 3]"), Ok(Loaded::List(vec![Int(1), Int(2), Int(3)])));
        assert_eq!(safe_load("a: 1"), Ok(Loaded::Unsupported("mapping")));
        assert_eq!(safe_load("[[1]]"), Ok(Loaded::Unsupported("list of non-scalars")));
        assert!(safe_load("[1, 2").is_err());
    }

    #[test]
    fn float_repr_matches_python() {
        for (value, text) in [
            (0.5, "0.5"),
            (1.0, "1.0"),
            (-2.0, "-2.0"),
            (1e-5, "1.0e-05"),
            (0.0001, "0.0001"),
            (1e16, "1.0e+16"),
            (1.5e16, "1.5e+16"),
            (1e15, "1000000000000000.0"),
            (123.456, "123.456"),
            (0.1 + 0.2, "0.30000000000000004"),
        ] {
            assert_eq!(represent_float(value), text, "{value}");
        }
    }

    fn map(entries: Vec<(&str, ParamValue)>) -> BTreeMap<String, ParamValue> {
        entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }

    /// Golden files written by PyYAML 6.0 `yaml.dump(..., default_flow_style=False)`.
    #[test]
    fn dump_matches_pyyaml() {
        use ParamValue::*;
        let s = |t: &str| Str(t.to_owned());
        let long_words: Vec<String> = (0..40).map(|i| format!("word{i}")).collect();
        let strings = map(vec![
            ("plain", s("hello")), ("digits", s("1")), ("empty", s("")), ("word_true", s("true")),
            ("word_yes", s("yes")), ("colon", s("a: b")), ("hash", s("#x")), ("dash", s("- a")),
            ("quote", s("it's")), ("lead", s(" lead")), ("trail", s("trail ")), ("unicode", s("ünï")),
            ("newline", s("line\nbreak")), ("long_words", s(&long_words.join(" "))),
            ("long_path", s(&format!("/opt/ros/jazzy/share/{}", "x".repeat(120)))),
            ("null_word", s("null")), ("tilde", s("~")), ("sci", s("1e3")), ("float_text", s("1.0")),
            ("at", s("@at")), ("inner_hash", s("a #b")), ("tab", s("tab\there")),
            ("quotes_long", s(&"it's a b ".repeat(15))), ("dq_long", s(&"ü ".repeat(60))),
            ("percent", s("%x")), ("star", s("*x")), ("brace", s("{a}")), ("comma", s("a,b")),
            ("q", s("?x")), ("bang", s("!x")), ("dots", s("...")), ("dashes", s("---x")),
            ("backslash", s("a\\b")), ("url", s("http://x:80/y")),
        ]);
        assert_eq!(
            dump_params_file("/**", &strings),
            include_str!("../tests/fixtures/pyyaml/strings.yaml")
        );
        let numbers = map(vec![
            ("i", Int(16000)), ("neg", Int(-3)), ("f", Float(0.5)), ("tiny", Float(1e-5)),
            ("big", Float(1e16)), ("bigger", Float(1.5e16)), ("whole", Float(3.0)),
            ("inf", Float(f64::INFINITY)), ("ninf", Float(f64::NEG_INFINITY)), ("nan", Float(f64::NAN)),
            ("t", Bool(true)), ("fa", Bool(false)), ("vad.threshold", Float(0.25)),
        ]);
        assert_eq!(
            dump_params_file("/robot1/voice", &numbers),
            include_str!("../tests/fixtures/pyyaml/numbers.yaml")
        );
        let lists = map(vec![
            ("ints", List(vec![Int(1), Int(2), Int(3)])),
            ("floats", List(vec![Float(0.5), Float(1.0)])),
            ("strs", List(vec![s("a"), s("1"), s(""), s("b c")])),
            ("bools", List(vec![Bool(true), Bool(false)])),
            ("empty", List(vec![])),
            ("long_strs", List(vec![s(&"word ".repeat(30))])),
        ]);
        assert_eq!(
            dump_params_file("/ns/node", &lists),
            include_str!("../tests/fixtures/pyyaml/lists.yaml")
        );
    }
}
