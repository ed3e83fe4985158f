//! The subset of GN a component's `BUILD.gn` uses: `import(..)`, target calls with a body
//! (`rustc_library("lib") { .. }`), assignments (`=`, `+=`) of strings, integers, booleans,
//! identifiers, lists and scopes (`{ .. }`), and `#` comments. Anything else (conditionals,
//! templates, expressions) is an error naming its line, so that a check never silently
//! skips part of a file.

use std::fmt;

/// A parse error: the 1-based line and what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.line, self.message)
    }
}

/// A value on the right of an assignment or in an argument list.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string literal, as written between the quotes (escapes kept).
    Str(String),
    Int(i64),
    Bool(bool),
    /// A variable reference.
    Ident(String),
    List(Vec<Value>),
    Scope(Scope),
}

/// `name = value` or `name += value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    pub name: String,
    pub append: bool,
    pub value: Value,
    pub line: usize,
}

/// `function(args) { body }`; `body` is `None` for a call without one (`import(..)`).
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub function: String,
    pub args: Vec<Value>,
    pub body: Option<Scope>,
    pub line: usize,
}

/// The statements of a file or of a `{ .. }` block, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scope {
    pub assignments: Vec<Assignment>,
    pub calls: Vec<Call>,
}

impl Scope {
    /// The value of `name` after every assignment in this scope: the last `=`, with the
    /// lists of later `+=` appended.
    pub fn get(&self, name: &str) -> Option<Value> {
        let mut value: Option<Value> = None;
        for assignment in self.assignments.iter().filter(|a| a.name == name) {
            value = match (value, assignment.append, &assignment.value) {
                (Some(Value::List(mut items)), true, Value::List(more)) => {
                    items.extend(more.iter().cloned());
                    Some(Value::List(items))
                }
                (_, _, new) => Some(new.clone()),
            };
        }
        value
    }

    /// The strings of list `name` (empty if unset or not a list of strings).
    pub fn strings(&self, name: &str) -> Vec<String> {
        match self.get(name) {
            Some(Value::List(items)) => items
                .into_iter()
                .filter_map(|item| match item {
                    Value::Str(s) => Some(s),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The string `name`, if set to one.
    pub fn string(&self, name: &str) -> Option<String> {
        match self.get(name) {
            Some(Value::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// Whether `name` is set to `true`.
    pub fn flag(&self, name: &str) -> bool {
        self.get(name) == Some(Value::Bool(true))
    }

    /// The nested scope `name`, if set to one.
    pub fn scope(&self, name: &str) -> Option<Scope> {
        match self.get(name) {
            Some(Value::Scope(scope)) => Some(scope),
            _ => None,
        }
    }
}

/// A target: a call with a body and one string argument, its name.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    /// The template, e.g. `rustc_library`.
    pub kind: &'a str,
    pub name: &'a str,
    pub scope: &'a Scope,
    pub line: usize,
}

/// A parsed `BUILD.gn`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BuildFile {
    pub root: Scope,
}

impl BuildFile {
    /// The file's targets, in order.
    pub fn targets(&self) -> impl Iterator<Item = Target<'_>> {
        self.root.calls.iter().filter_map(|call| match (&call.body, call.args.as_slice()) {
            (Some(scope), [Value::Str(name)]) => {
                Some(Target { kind: &call.function, name, scope, line: call.line })
            }
            _ => None,
        })
    }

    /// The target named `name` (without the leading `:`).
    pub fn target(&self, name: &str) -> Option<Target<'_>> {
        self.targets().find(|target| target.name == name)
    }

    /// Every string literal of the file with its line: labels, paths, names.
    pub fn strings(&self) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        collect_scope_strings(&self.root, &mut out);
        out
    }
}

fn collect_scope_strings(scope: &Scope, out: &mut Vec<(String, usize)>) {
    for assignment in &scope.assignments {
        collect_value_strings(&assignment.value, assignment.line, out);
    }
    for call in &scope.calls {
        for arg in &call.args {
            collect_value_strings(arg, call.line, out);
        }
        if let Some(body) = &call.body {
            collect_scope_strings(body, out);
        }
    }
}

fn collect_value_strings(value: &Value, line: usize, out: &mut Vec<(String, usize)>) {
    match value {
        Value::Str(s) => out.push((s.clone(), line)),
        Value::List(items) => items.iter().for_each(|item| collect_value_strings(item, line, out)),
        Value::Scope(scope) => collect_scope_strings(scope, out),
        Value::Int(_) | Value::Bool(_) | Value::Ident(_) => {}
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Int(i64),
    Punct(&'static str),
}

fn tokenize(text: &str) -> Result<Vec<(Token, usize)>, Error> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '"' => {
                let start_line = line;
                let mut value = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None | Some('\n') => {
                            return Err(Error {
                                line: start_line,
                                message: "unterminated string".into(),
                            });
                        }
                        Some('"') => break,
                        Some('\\') if chars.get(i + 1).is_some() => {
                            value.push('\\');
                            value.push(chars[i + 1]);
                            i += 2;
                        }
                        Some(&c) => {
                            value.push(c);
                            i += 1;
                        }
                    }
                }
                i += 1;
                tokens.push((Token::Str(value), start_line));
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                tokens.push((Token::Ident(chars[start..i].iter().collect()), line));
            }
            c if c.is_ascii_digit()
                || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let start = i;
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                let value = text
                    .parse()
                    .map_err(|_| Error { line, message: format!("bad integer {text}") })?;
                tokens.push((Token::Int(value), line));
            }
            _ => {
                let punct = ["+=", "=", "(", ")", "{", "}", "[", "]", ","]
                    .into_iter()
                    .find(|p| p.chars().zip(&chars[i..]).all(|(a, b)| a == *b))
                    .ok_or_else(|| Error {
                        line,
                        message: format!("'{c}' is outside the GN subset this parser reads"),
                    })?;
                i += punct.len();
                tokens.push((Token::Punct(punct), line));
            }
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<(Token, usize)>,
    pos: usize,
}

impl Parser {
    fn line(&self) -> usize {
        self.tokens.get(self.pos).or(self.tokens.last()).map_or(1, |(_, line)| *line)
    }

    fn error(&self, message: impl Into<String>) -> Error {
        Error { line: self.line(), message: message.into() }
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(token, _)| token)
    }

    fn eat(&mut self, punct: &str) -> bool {
        if matches!(self.peek(), Some(Token::Punct(p)) if *p == punct) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, punct: &str) -> Result<(), Error> {
        if self.eat(punct) { Ok(()) } else { Err(self.error(format!("expected '{punct}'"))) }
    }

    /// Statements until `}` (consumed) or, at top level, the end.
    fn statements(&mut self, nested: bool) -> Result<Scope, Error> {
        let mut scope = Scope::default();
        loop {
            match self.peek() {
                None if nested => return Err(self.error("missing '}'")),
                None => return Ok(scope),
                Some(Token::Punct("}")) if nested => {
                    self.pos += 1;
                    return Ok(scope);
                }
                Some(Token::Ident(name)) => {
                    let (name, line) = (name.clone(), self.line());
                    if name == "if" || name == "else" || name == "template" {
                        return Err(self.error(format!("'{name}' is outside the GN subset")));
                    }
                    self.pos += 1;
                    if self.eat("(") {
                        let args = self.values_until(")")?;
                        let body = if self.eat("{") { Some(self.statements(true)?) } else { None };
                        scope.calls.push(Call { function: name, args, body, line });
                    } else {
                        let append = if self.eat("+=") {
                            true
                        } else {
                            self.expect("=")?;
                            false
                        };
                        let value = self.value()?;
                        scope.assignments.push(Assignment { name, append, value, line });
                    }
                }
                Some(_) => return Err(self.error("expected a statement")),
            }
        }
    }

    /// Comma-separated values until `close` (consumed); a trailing comma is allowed.
    fn values_until(&mut self, close: &str) -> Result<Vec<Value>, Error> {
        let mut values = Vec::new();
        while !self.eat(close) {
            values.push(self.value()?);
            if !self.eat(",") {
                self.expect(close)?;
                break;
            }
        }
        Ok(values)
    }

    fn value(&mut self) -> Result<Value, Error> {
        let token = self.peek().cloned().ok_or_else(|| self.error("expected a value"))?;
        self.pos += 1;
        Ok(match token {
            Token::Str(s) => Value::Str(s),
            Token::Int(n) => Value::Int(n),
            Token::Ident(word) if word == "true" => Value::Bool(true),
            Token::Ident(word) if word == "false" => Value::Bool(false),
            Token::Ident(word) => Value::Ident(word),
            Token::Punct("[") => Value::List(self.values_until("]")?),
            Token::Punct("{") => Value::Scope(self.statements(true)?),
            Token::Punct(p) => {
                self.pos -= 1;
                return Err(self.error(format!("unexpected '{p}'")));
            }
        })
    }
}

/// Parses a `BUILD.gn`.
pub fn parse(text: &str) -> Result<BuildFile, Error> {
    let tokens = tokenize(text)?;
    let mut parser = Parser { tokens, pos: 0 };
    Ok(BuildFile { root: parser.statements(false)? })
}
