//! `yaml.dump(default_flow_style=False)` for the parameter files launch_ros writes, and the
//! Python `repr`/`str` forms launch_ros puts on command lines.

use std::collections::BTreeMap;

use super::ParamValue;
use super::load::{Tag, implicit_tag};

/// Python `repr(float)` (`1e-05`, `1e+16`, `0.5`, `inf`).
pub(crate) fn python_float_repr(value: f64) -> String {
    if value.is_nan() {
        return "nan".into();
    }
    if value.is_infinite() {
        return if value > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
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
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        let mantissa = match &digits[1..] {
            "" => digits[..1].to_owned(),
            rest => format!("{}.{}", &digits[..1], rest),
        };
        format!("{mantissa}e{exp_sign}{:02}", exponent.unsigned_abs())
    };
    format!("{sign}{text}")
}

/// Python `repr(float)` as PyYAML's representer adjusts it (`1e-05` becomes `1.0e-05`).
pub(crate) fn represent_float(value: f64) -> String {
    if value.is_nan() {
        return ".nan".into();
    }
    if value.is_infinite() {
        return if value > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        };
    }
    let text = python_float_repr(value);
    if !text.contains('.') && text.contains('e') {
        text.replacen('e', ".0e", 1)
    } else {
        text
    }
}

/// Python `str()` of a value as launch_ros formats `-p name:=value` for `<set_parameter>`
/// (`True`, `1e-05`, `(1, 2)`, `('a', 'b')`).
pub(crate) fn python_str(value: &ParamValue) -> String {
    fn repr(value: &ParamValue) -> String {
        match value {
            ParamValue::Str(s) => {
                let quote = if s.contains('\'') && !s.contains('"') {
                    '"'
                } else {
                    '\''
                };
                let mut out = String::from(quote);
                for ch in s.chars() {
                    match ch {
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        '\t' => out.push_str("\\t"),
                        c if c == quote => {
                            out.push('\\');
                            out.push(c);
                        }
                        c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                            out.push_str(&format!("\\x{:02x}", c as u32));
                        }
                        c => out.push(c),
                    }
                }
                out.push(quote);
                out
            }
            other => python_str(other),
        }
    }
    match value {
        ParamValue::Bool(true) => "True".into(),
        ParamValue::Bool(false) => "False".into(),
        ParamValue::Int(i) => i.to_string(),
        ParamValue::Float(f) => python_float_repr(*f),
        ParamValue::Str(s) => s.clone(),
        ParamValue::List(items) => {
            let inner: Vec<String> = items.iter().map(repr).collect();
            if inner.len() == 1 {
                format!("({},)", inner[0])
            } else {
                format!("({})", inner.join(", "))
            }
        }
    }
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
        Self {
            out: String::new(),
            column: 0,
            indent: 0,
            whitespace: true,
            indention: true,
        }
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
        if !self.indention
            || self.column > self.indent
            || (self.column == self.indent && !self.whitespace)
        {
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
        if implicit_str
            && !(simple_key && (analysis.empty || analysis.multiline))
            && analysis.allow_block_plain
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
                matches!(
                    c,
                    '"' | '\\' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}'
                ) || !(' '..='~').contains(&c)
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
        return Analysis {
            empty: true,
            multiline: false,
            allow_block_plain: true,
            allow_single_quoted: true,
        };
    }
    let chars: Vec<char> = text.chars().collect();
    let is_blank = |c: char| {
        matches!(
            c,
            '\0' | ' ' | '\t' | '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}'
        )
    };
    let mut block_indicators = text.starts_with("---") || text.starts_with("...");
    let mut line_breaks = false;
    let mut special = false;
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
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
    Analysis {
        empty: false,
        multiline: line_breaks,
        allow_block_plain,
        allow_single_quoted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(python_float_repr(1e-5), "1e-05");
        assert_eq!(python_float_repr(1.5e16), "1.5e+16");
        use ParamValue::*;
        assert_eq!(python_str(&Bool(true)), "True");
        assert_eq!(python_str(&List(vec![Int(1), Int(2)])), "(1, 2)");
        assert_eq!(python_str(&List(vec![Str("a".into())])), "('a',)");
        assert_eq!(
            python_str(&List(vec![Str("it's".into()), Str("b".into())])),
            "(\"it's\", 'b')"
        );
    }

    fn map(entries: Vec<(&str, ParamValue)>) -> BTreeMap<String, ParamValue> {
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect()
    }

    /// Golden files written by PyYAML 6.0 `yaml.dump(..., default_flow_style=False)`.
    #[test]
    fn dump_matches_pyyaml() {
        use ParamValue::*;
        let s = |t: &str| Str(t.to_owned());
        let long_words: Vec<String> = (0..40).map(|i| format!("word{i}")).collect();
        let strings = map(vec![
            ("plain", s("hello")),
            ("digits", s("1")),
            ("empty", s("")),
            ("word_true", s("true")),
            ("word_yes", s("yes")),
            ("colon", s("a: b")),
            ("hash", s("#x")),
            ("dash", s("- a")),
            ("quote", s("it's")),
            ("lead", s(" lead")),
            ("trail", s("trail ")),
            ("unicode", s("ünï")),
            ("newline", s("line\nbreak")),
            ("long_words", s(&long_words.join(" "))),
            (
                "long_path",
                s(&format!("/opt/ros/jazzy/share/{}", "x".repeat(120))),
            ),
            ("null_word", s("null")),
            ("tilde", s("~")),
            ("sci", s("1e3")),
            ("float_text", s("1.0")),
            ("at", s("@at")),
            ("inner_hash", s("a #b")),
            ("tab", s("tab\there")),
            ("quotes_long", s(&"it's a b ".repeat(15))),
            ("dq_long", s(&"ü ".repeat(60))),
            ("percent", s("%x")),
            ("star", s("*x")),
            ("brace", s("{a}")),
            ("comma", s("a,b")),
            ("q", s("?x")),
            ("bang", s("!x")),
            ("dots", s("...")),
            ("dashes", s("---x")),
            ("backslash", s("a\\b")),
            ("url", s("http://x:80/y")),
        ]);
        assert_eq!(
            dump_params_file("/**", &strings),
            include_str!("../../tests/fixtures/pyyaml/strings.yaml")
        );
        let numbers = map(vec![
            ("i", Int(16000)),
            ("neg", Int(-3)),
            ("f", Float(0.5)),
            ("tiny", Float(1e-5)),
            ("big", Float(1e16)),
            ("bigger", Float(1.5e16)),
            ("whole", Float(3.0)),
            ("inf", Float(f64::INFINITY)),
            ("ninf", Float(f64::NEG_INFINITY)),
            ("nan", Float(f64::NAN)),
            ("t", Bool(true)),
            ("fa", Bool(false)),
            ("vad.threshold", Float(0.25)),
        ]);
        assert_eq!(
            dump_params_file("/robot1/voice", &numbers),
            include_str!("../../tests/fixtures/pyyaml/numbers.yaml")
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
            include_str!("../../tests/fixtures/pyyaml/lists.yaml")
        );
    }
}
