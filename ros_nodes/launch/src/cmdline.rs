//! Splitting of `args`, `ros_args`, `cmd` and `launch-prefix` into argv words, as launch does it
//! (Python's `shlex.split` in POSIX mode, applied to the text between substitutions).
//!
//! Hand-written instead of the `shlex` crate because that one follows sh (`\$` inside double
//! quotes is an escape there, not in Python) and the argv must match launch's byte for byte.

use crate::substitution::{Fragment, Subst};

/// Python `shlex.split(text)` (POSIX mode, no comments).
pub(crate) fn shlex_split(text: &str) -> Result<Vec<String>, String> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Space,
        Word,
        Quote(char),
        Escape(Option<char>),
    }
    let mut words = Vec::new();
    let mut token = String::new();
    let mut quoted = false;
    let mut state = State::Space;
    for ch in text.chars() {
        match state {
            State::Space | State::Word => match ch {
                ' ' | '\t' | '\r' | '\n' => {
                    if state == State::Word {
                        words.push(std::mem::take(&mut token));
                        quoted = false;
                    }
                    state = State::Space;
                }
                '\\' => state = State::Escape(None),
                '\'' | '"' => {
                    quoted = true;
                    state = State::Quote(ch);
                }
                _ => {
                    token.push(ch);
                    state = State::Word;
                }
            },
            State::Quote(quote) => {
                if ch == quote {
                    state = State::Word;
                } else if ch == '\\' && quote == '"' {
                    state = State::Escape(Some(quote));
                } else {
                    token.push(ch);
                }
            }
            State::Escape(inside) => {
                // Inside double quotes a backslash only escapes `"` and `\`.
                if let Some(quote) = inside
                    && ch != quote
                    && ch != '\\'
                {
                    token.push('\\');
                }
                token.push(ch);
                state = match inside {
                    Some(quote) => State::Quote(quote),
                    None => State::Word,
                };
            }
        }
    }
    match state {
        State::Quote(_) => return Err("no closing quotation".into()),
        State::Escape(_) => return Err("no escaped character".into()),
        State::Word => words.push(token),
        State::Space => {
            if quoted {
                words.push(token);
            }
        }
    }
    Ok(words)
}

/// Splits a command line that may contain substitutions into argv words, each still an
/// expression: text is split with [`shlex_split`], substitutions stay inside the word they touch
/// (`$(find-pkg-prefix p)/bin x` is two words), as launch's `ExecuteProcess._parse_cmdline`.
pub(crate) fn split_cmdline(cmd: &Subst) -> Result<Vec<Subst>, String> {
    let mut words: Vec<Subst> = Vec::new();
    let mut current: Vec<Fragment> = Vec::new();
    for fragment in &cmd.0 {
        match fragment {
            Fragment::Text(text) => {
                if text.is_empty() {
                    continue;
                }
                let tokens = shlex_split(text)?;
                let Some(first) = tokens.first() else {
                    // Only blanks: they separate the words around them (launch appends the
                    // current word even when it is empty).
                    words.push(Subst(std::mem::take(&mut current)));
                    continue;
                };
                let starts_blank = text.chars().next().is_some_and(char::is_whitespace);
                let ends_blank = text.chars().last().is_some_and(char::is_whitespace);
                if starts_blank && !current.is_empty() {
                    words.push(Subst(std::mem::take(&mut current)));
                }
                current.push(Fragment::Text(first.clone()));
                if tokens.len() > 1 {
                    words.push(Subst(std::mem::take(&mut current)));
                    words.extend(
                        tokens[1..tokens.len() - 1]
                            .iter()
                            .map(|t| Subst::text(t.clone())),
                    );
                    if let Some(last) = tokens.last() {
                        current.push(Fragment::Text(last.clone()));
                    }
                }
                if ends_blank {
                    words.push(Subst(std::mem::take(&mut current)));
                }
            }
            call @ Fragment::Call { .. } => current.push(call.clone()),
        }
    }
    if !current.is_empty() {
        words.push(Subst(current));
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::substitution::parse;

    #[test]
    fn shlex_matches_python() {
        assert_eq!(
            shlex_split("a 'b c' \"d\\\"e\" f\\ g").unwrap(),
            ["a", "b c", "d\"e", "f g"]
        );
        assert_eq!(shlex_split("\"a\\nb\"").unwrap(), ["a\\nb"]);
        assert_eq!(shlex_split("'' x").unwrap(), ["", "x"]);
        assert_eq!(shlex_split("  ").unwrap(), Vec::<String>::new());
        assert_eq!(shlex_split("a#b #c").unwrap(), ["a#b", "#c"]);
        assert!(shlex_split("'open").is_err());
    }

    #[test]
    fn substitutions_stay_in_their_word() {
        let words = split_cmdline(&parse("$(var a)/bin x y $(var b) z$(var c)").unwrap()).unwrap();
        let shapes: Vec<usize> = words.iter().map(|w| w.0.len()).collect();
        // [$(var a), "/bin"], ["x"], ["y"], [$(var b)], ["z", $(var c)]
        assert_eq!(shapes, [2, 1, 1, 1, 2]);
        assert_eq!(words[1], Subst::text("x"));
    }
}
