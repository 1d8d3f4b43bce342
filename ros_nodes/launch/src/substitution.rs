//! `$(name arg ...)` substitutions: the grammar of launch's frontend (`grammar.lark`) and the
//! subset this launcher performs.
//!
//! Text outside substitutions has backslash escapes removed (`\$(x)` is the literal `$(x)`),
//! arguments are separated by single spaces and may be quoted with `'...'` or `"..."` (which may
//! contain spaces and nested substitutions).

/// Substitutions this launcher performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubstKind {
    /// `$(var name [default])`: a launch configuration.
    Var,
    /// `$(env NAME [default])`: an environment variable of the launch context.
    Env,
    /// `$(find-pkg-share pkg)`: `<prefix>/share/<pkg>`.
    FindPkgShare,
    /// `$(find-pkg-prefix pkg)`: the package's install prefix.
    FindPkgPrefix,
    /// `$(dirname)`: the directory of the launch file being read.
    Dirname,
    /// `$(filename)`: the launch file being read.
    Filename,
}

impl SubstKind {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "var" => Self::Var,
            "env" => Self::Env,
            "find-pkg-share" => Self::FindPkgShare,
            "find-pkg-prefix" => Self::FindPkgPrefix,
            "dirname" => Self::Dirname,
            "filename" => Self::Filename,
            _ => return None,
        })
    }

    /// Accepted argument counts, as launch's `parse` methods check them.
    fn arity(self) -> (usize, usize) {
        match self {
            Self::Var | Self::Env => (1, 2),
            Self::FindPkgShare | Self::FindPkgPrefix => (1, 1),
            Self::Dirname | Self::Filename => (0, 0),
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Var => "var",
            Self::Env => "env",
            Self::FindPkgShare => "find-pkg-share",
            Self::FindPkgPrefix => "find-pkg-prefix",
            Self::Dirname => "dirname",
            Self::Filename => "filename",
        }
    }
}

/// One piece of a substitution expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fragment {
    /// Literal text (escapes already removed).
    Text(String),
    /// A substitution call.
    Call {
        /// Which substitution.
        kind: SubstKind,
        /// Its arguments, each itself an expression.
        args: Vec<Subst>,
    },
}

/// A parsed attribute value: text and substitutions concatenated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Subst(pub(crate) Vec<Fragment>);

impl Subst {
    /// A literal value, no substitutions.
    pub(crate) fn text(text: impl Into<String>) -> Self {
        Self(vec![Fragment::Text(text.into())])
    }

    /// The literal text if the expression has no substitution.
    pub(crate) fn as_literal(&self) -> Option<String> {
        let mut out = String::new();
        for fragment in &self.0 {
            match fragment {
                Fragment::Text(text) => out.push_str(text),
                Fragment::Call { .. } => return None,
            }
        }
        Some(out)
    }
}

/// Why a substitution expression was rejected while parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SubstParseError {
    /// The text does not follow the grammar.
    Malformed(String),
    /// A substitution name this launcher does not perform.
    Unsupported {
        /// The name.
        name: String,
        /// Advice.
        hint: String,
    },
}

/// Parses an attribute value as launch's `parse_substitution` does.
pub(crate) fn parse(text: &str) -> Result<Subst, SubstParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut parser = Parser {
        chars: &chars,
        pos: 0,
    };
    let mut fragments = Vec::new();
    let mut literal = String::new();
    while parser.pos < chars.len() {
        if parser.at_call() {
            flush_text(&mut literal, &mut fragments);
            fragments.push(parser.call(Context::Unquoted)?);
        } else {
            let ch = chars[parser.pos];
            parser.pos += 1;
            if ch == '\\' && parser.pos < chars.len() {
                literal.push(chars[parser.pos]);
                parser.pos += 1;
            } else {
                literal.push(ch);
            }
        }
    }
    flush_text(&mut literal, &mut fragments);
    if fragments.is_empty() {
        fragments.push(Fragment::Text(String::new()));
    }
    Ok(Subst(fragments))
}

/// Removes backslash escapes as launch's `escape_characters` does (for `arg` names etc.).
pub(crate) fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        if ch == '\\' {
            match chars.next() {
                Some(next) => out.push(next),
                None => out.push(ch),
            }
        } else {
            out.push(ch);
        }
    }
    out
}

fn flush_text(literal: &mut String, fragments: &mut Vec<Fragment>) {
    if !literal.is_empty() {
        fragments.push(Fragment::Text(std::mem::take(literal)));
    }
}

/// Where an argument is being read: the quote that encloses it, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Unquoted,
    Quoted(char),
}

struct Parser<'a> {
    chars: &'a [char],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn at_call(&self) -> bool {
        self.peek() == Some('$') && self.chars.get(self.pos + 1) == Some(&'(')
    }

    fn malformed(&self, message: &str) -> SubstParseError {
        SubstParseError::Malformed(format!("{message} at character {}", self.pos + 1))
    }

    /// `$(` IDENTIFIER (` ` argument)* `)`.
    fn call(&mut self, context: Context) -> Result<Fragment, SubstParseError> {
        self.pos += 2;
        let start = self.pos;
        match self.peek() {
            Some(ch) if ch.is_ascii_alphabetic() => self.pos += 1,
            _ => return Err(self.malformed("expected a substitution name after `$(`")),
        }
        while matches!(self.peek(), Some(ch) if ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
        {
            self.pos += 1;
        }
        let name: String = self.chars[start..self.pos].iter().collect();
        let mut args = Vec::new();
        loop {
            match self.peek() {
                Some(')') => {
                    self.pos += 1;
                    break;
                }
                Some(' ') => {
                    self.pos += 1;
                    args.push(self.argument(context)?);
                }
                Some(_) => {
                    return Err(
                        self.malformed(&format!("expected a space or `)` in $({name} ...)"))
                    );
                }
                None => return Err(self.malformed(&format!("unclosed $({name} ...)"))),
            }
        }
        let Some(kind) = SubstKind::from_name(&name) else {
            return Err(unsupported(&name));
        };
        let (min, max) = kind.arity();
        if args.len() < min || args.len() > max {
            let expected = if min == max {
                format!("{min}")
            } else {
                format!("{min} or {max}")
            };
            return Err(SubstParseError::Malformed(format!(
                "$({name} ...) expects {expected} argument(s), got {}",
                args.len()
            )));
        }
        Ok(Fragment::Call { kind, args })
    }

    /// One argument: a quoted template (only outside quotes) or a run of parts.
    fn argument(&mut self, context: Context) -> Result<Subst, SubstParseError> {
        if context == Context::Unquoted
            && let Some(quote @ ('\'' | '"')) = self.peek()
        {
            return self.quoted_template(quote);
        }
        let mut fragments = Vec::new();
        let mut literal = String::new();
        loop {
            if self.at_call() {
                flush_text(&mut literal, &mut fragments);
                fragments.push(self.call(context)?);
                continue;
            }
            let Some(ch) = self.peek() else { break };
            let stops = match context {
                Context::Unquoted => matches!(ch, ' ' | '\'' | '"' | '(' | ')'),
                Context::Quoted(quote) => ch == ' ' || ch == quote || ch == '(' || ch == ')',
            };
            if stops {
                break;
            }
            self.pos += 1;
            if ch == '\\' {
                if let Some(next) = self.peek() {
                    literal.push(next);
                    self.pos += 1;
                } else {
                    literal.push(ch);
                }
            } else {
                literal.push(ch);
            }
        }
        flush_text(&mut literal, &mut fragments);
        if fragments.is_empty() {
            return Err(self.malformed("empty substitution argument"));
        }
        Ok(Subst(fragments))
    }

    /// `'...'` or `"..."`: text with spaces and nested substitutions.
    fn quoted_template(&mut self, quote: char) -> Result<Subst, SubstParseError> {
        self.pos += 1;
        let mut fragments = Vec::new();
        let mut literal = String::new();
        loop {
            if self.at_call() {
                flush_text(&mut literal, &mut fragments);
                fragments.push(self.call(Context::Quoted(quote))?);
                continue;
            }
            let Some(ch) = self.peek() else {
                return Err(self.malformed(&format!("unclosed {quote}")));
            };
            self.pos += 1;
            if ch == quote {
                break;
            }
            if ch == '\\' {
                if let Some(next) = self.peek() {
                    literal.push(next);
                    self.pos += 1;
                } else {
                    literal.push(ch);
                }
            } else {
                literal.push(ch);
            }
        }
        flush_text(&mut literal, &mut fragments);
        if fragments.is_empty() {
            fragments.push(Fragment::Text(String::new()));
        }
        Ok(Subst(fragments))
    }
}

fn unsupported(name: &str) -> SubstParseError {
    let hint = match name {
        "eval" => {
            ": Python expressions need a Python interpreter; compute the value with <arg>/<let> \
             or pass it on the command line"
        }
        "command" => ": running shell commands while parsing is not supported",
        "exec-in-pkg" | "find-exec" | "anon" | "not" | "and" | "or" | "equals" | "not-equals"
        | "file-content" | "path-join" | "if" | "param" | "dirname-of" => {
            ": not implemented by embodied launch"
        }
        _ => ": unknown substitution",
    };
    SubstParseError::Unsupported {
        name: name.to_owned(),
        hint: format!(
            "{hint} (supported: var, env, find-pkg-share, find-pkg-prefix, dirname, filename)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(kind: SubstKind, args: Vec<Subst>) -> Fragment {
        Fragment::Call { kind, args }
    }

    #[test]
    fn plain_text_has_escapes_removed() {
        assert_eq!(parse("a\\$(b)c").unwrap(), Subst::text("a$(b)c"));
        assert_eq!(parse("").unwrap(), Subst::text(""));
    }

    #[test]
    fn nested_and_quoted_arguments() {
        let parsed = parse("$(find-pkg-share $(var pkg))/launch/x.xml").unwrap();
        assert_eq!(
            parsed,
            Subst(vec![
                call(
                    SubstKind::FindPkgShare,
                    vec![Subst(vec![call(SubstKind::Var, vec![Subst::text("pkg")])])]
                ),
                Fragment::Text("/launch/x.xml".into()),
            ])
        );
        let parsed = parse("$(env HOME 'a b $(var x)')").unwrap();
        assert_eq!(
            parsed,
            Subst(vec![call(
                SubstKind::Env,
                vec![
                    Subst::text("HOME"),
                    Subst(vec![
                        Fragment::Text("a b ".into()),
                        call(SubstKind::Var, vec![Subst::text("x")])
                    ])
                ]
            )])
        );
        assert_eq!(
            parse("$(env X '')").unwrap(),
            Subst(vec![call(
                SubstKind::Env,
                vec![Subst::text("X"), Subst::text("")]
            )])
        );
    }

    #[test]
    fn rejects_eval_command_and_bad_syntax() {
        assert!(matches!(
            parse("$(eval '1 + 1')"),
            Err(SubstParseError::Unsupported { name, .. }) if name == "eval"
        ));
        assert!(matches!(
            parse("$(command 'ls')"),
            Err(SubstParseError::Unsupported { name, .. }) if name == "command"
        ));
        assert!(matches!(
            parse("$(var x"),
            Err(SubstParseError::Malformed(_))
        ));
        assert!(matches!(
            parse("$(var)"),
            Err(SubstParseError::Malformed(_))
        ));
        assert!(matches!(
            parse("$(var  x)"),
            Err(SubstParseError::Malformed(_))
        ));
        assert!(matches!(
            parse("$(dirname x)"),
            Err(SubstParseError::Malformed(_))
        ));
    }
}
