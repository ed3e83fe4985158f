//! Parser for GIDL conformance files (see shared/conformance/README.md).
//! Only the v2 wire format's bytes and handles are kept.

use crate::reflect::{DecodeSpec, Key, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseKind {
    Success,
    EncodeSuccess,
    DecodeSuccess,
    EncodeFailure,
    DecodeFailure,
}

/// Object type of a handle definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandleKind {
    Channel,
    Event,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HandleDef {
    pub kind: HandleKind,
    /// Rights bits; None means the object type's default rights.
    pub rights: Option<u32>,
}

/// One `{#N, type: T, rights: R}` entry of `handle_dispositions`.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpectedDisposition {
    pub handle: usize,
    pub object_type: u32,
    pub rights: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub kind: CaseKind,
    pub name: String,
    /// Line of the case header in its file.
    pub line: u32,
    pub value: Option<Value>,
    pub type_name: Option<String>,
    /// v2 bytes, when given.
    pub bytes: Option<Vec<u8>>,
    pub handles: Option<Vec<usize>>,
    pub handle_defs: Vec<HandleDef>,
    pub handle_dispositions: Option<Vec<ExpectedDisposition>>,
    pub err: Option<String>,
    pub bindings_allowlist: Option<Vec<String>>,
    pub bindings_denylist: Option<Vec<String>>,
}

/// A parse error with its 1-based line.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub line: u32,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Char(char),
    Punct(char),
    Eof,
}

fn tokenize(text: &str) -> Result<Vec<(Tok, u32)>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c.is_ascii_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                i += 1;
            }
            out.push((Tok::Word(chars[start..i].iter().collect()), line));
        } else if c == '"' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None | Some('\n') => {
                        return Err(ParseError { line, message: "unterminated string".into() });
                    }
                    Some('"') => break,
                    Some('\\') => {
                        let esc = chars.get(i + 1).copied();
                        match esc {
                            Some('n') => s.push('\n'),
                            Some('t') => s.push('\t'),
                            Some('r') => s.push('\r'),
                            Some('0') => s.push('\0'),
                            Some('\\') => s.push('\\'),
                            Some('"') => s.push('"'),
                            Some('x') => {
                                let hex: String =
                                    chars.get(i + 2..i + 4).unwrap_or(&[]).iter().collect();
                                let b = u8::from_str_radix(&hex, 16).map_err(|_| ParseError {
                                    line,
                                    message: "bad \\x escape".into(),
                                })?;
                                s.push(char::from(b));
                                i += 2;
                            }
                            Some('u') if chars.get(i + 2) == Some(&'{') => {
                                let end = chars[i..]
                                    .iter()
                                    .position(|&c| c == '}')
                                    .map(|p| p + i)
                                    .ok_or(ParseError { line, message: "bad \\u escape".into() })?;
                                let hex: String = chars[i + 3..end].iter().collect();
                                let cp = u32::from_str_radix(&hex, 16)
                                    .ok()
                                    .and_then(char::from_u32)
                                    .ok_or(ParseError { line, message: "bad \\u escape".into() })?;
                                s.push(cp);
                                i = end - 1;
                            }
                            _ => return Err(ParseError { line, message: "bad escape".into() }),
                        }
                        i += 2;
                    }
                    Some(&ch) => {
                        s.push(ch);
                        i += 1;
                    }
                }
            }
            i += 1;
            out.push((Tok::Str(s), line));
        } else if c == '\'' {
            match (chars.get(i + 1), chars.get(i + 2)) {
                (Some(&ch), Some('\'')) => {
                    out.push((Tok::Char(ch), line));
                    i += 3;
                }
                _ => return Err(ParseError { line, message: "bad character literal".into() }),
            }
        } else if "{}()[],=:#-+|".contains(c) {
            out.push((Tok::Punct(c), line));
            i += 1;
        } else {
            return Err(ParseError { line, message: format!("unexpected character '{c}'") });
        }
    }
    out.push((Tok::Eof, line));
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, u32)>,
    pos: usize,
}

type R<T> = Result<T, ParseError>;

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }

    fn line(&self) -> u32 {
        self.toks[self.pos].1
    }

    fn next(&mut self) -> Tok {
        let t = self.toks[self.pos].0.clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn err<T>(&self, message: impl Into<String>) -> R<T> {
        Err(ParseError {
            line: self.line(),
            message: format!("{} (at {:?})", message.into(), self.peek()),
        })
    }

    fn punct(&mut self, c: char) -> R<()> {
        if *self.peek() == Tok::Punct(c) {
            self.next();
            Ok(())
        } else {
            self.err(format!("expected '{c}'"))
        }
    }

    fn eat(&mut self, c: char) -> bool {
        if *self.peek() == Tok::Punct(c) {
            self.next();
            true
        } else {
            false
        }
    }

    fn word(&mut self) -> R<String> {
        match self.next() {
            Tok::Word(w) => Ok(w),
            _ => {
                self.pos -= 1;
                self.err("expected a word")
            }
        }
    }

    fn keyword(&mut self, w: &str) -> R<()> {
        if self.word()? == w { Ok(()) } else { self.err(format!("expected '{w}'")) }
    }

    /// A possibly negative integer.
    fn integer(&mut self) -> R<i128> {
        let negative = self.eat('-');
        let w = self.word()?;
        let v = parse_int(&w).ok_or_else(|| ParseError {
            line: self.line(),
            message: format!("bad integer '{w}'"),
        })?;
        Ok(if negative { -v } else { v })
    }

    fn cases(&mut self) -> R<Vec<Case>> {
        let mut cases = Vec::new();
        while *self.peek() != Tok::Eof {
            cases.push(self.case()?);
        }
        Ok(cases)
    }

    fn case(&mut self) -> R<Case> {
        let line = self.line();
        let kind = match self.word()?.as_str() {
            "success" => CaseKind::Success,
            "encode_success" => CaseKind::EncodeSuccess,
            "decode_success" => CaseKind::DecodeSuccess,
            "encode_failure" => CaseKind::EncodeFailure,
            "decode_failure" => CaseKind::DecodeFailure,
            other => return self.err(format!("unknown case kind '{other}'")),
        };
        self.punct('(')?;
        let name = match self.next() {
            Tok::Str(s) => s,
            _ => return self.err("expected the case name"),
        };
        self.punct(')')?;
        self.punct('{')?;
        let mut case = Case {
            kind,
            name,
            line,
            value: None,
            type_name: None,
            bytes: None,
            handles: None,
            handle_defs: Vec::new(),
            handle_dispositions: None,
            err: None,
            bindings_allowlist: None,
            bindings_denylist: None,
        };
        while !self.eat('}') {
            let field = self.word()?;
            self.punct('=')?;
            match field.as_str() {
                "value" => case.value = Some(self.value()?),
                "type" => case.type_name = Some(self.word()?),
                "err" => case.err = Some(self.word()?),
                "bytes" => case.bytes = self.per_wire_format(Self::byte_list)?,
                "handles" => case.handles = self.per_wire_format(Self::handle_list)?,
                "handle_defs" => case.handle_defs = self.handle_defs()?,
                "handle_dispositions" => {
                    case.handle_dispositions = self.per_wire_format(Self::dispositions)?
                }
                "bindings_allowlist" => case.bindings_allowlist = Some(self.word_list()?),
                "bindings_denylist" => case.bindings_denylist = Some(self.word_list()?),
                other => return self.err(format!("unknown case field '{other}'")),
            }
            self.eat(',');
        }
        Ok(case)
    }

    /// `{ v1, v2 = X, v1 = Y, ... }` -> the v2 entry.
    fn per_wire_format<T>(&mut self, item: fn(&mut Self) -> R<T>) -> R<Option<T>> {
        self.punct('{')?;
        let mut v2 = None;
        while !self.eat('}') {
            let mut formats = vec![self.word()?];
            while self.eat(',') {
                formats.push(self.word()?);
            }
            self.punct('=')?;
            let parsed = item(self)?;
            if formats.iter().any(|f| f == "v2") {
                v2 = Some(parsed);
            }
            self.eat(',');
        }
        Ok(v2)
    }

    fn word_list(&mut self) -> R<Vec<String>> {
        self.punct('[')?;
        let mut out = Vec::new();
        while !self.eat(']') {
            out.push(self.word()?);
            self.eat(',');
        }
        Ok(out)
    }

    fn handle_ref(&mut self) -> R<usize> {
        self.punct('#')?;
        let n = self.integer()?;
        usize::try_from(n)
            .map_err(|_| ParseError { line: self.line(), message: "bad handle index".into() })
    }

    fn handle_list(&mut self) -> R<Vec<usize>> {
        self.punct('[')?;
        let mut out = Vec::new();
        while !self.eat(']') {
            out.push(self.handle_ref()?);
            self.eat(',');
        }
        Ok(out)
    }

    fn byte_list(&mut self) -> R<Vec<u8>> {
        self.punct('[')?;
        let mut out = Vec::new();
        while !self.eat(']') {
            match self.peek().clone() {
                Tok::Char(c) => {
                    self.next();
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                Tok::Word(w) if w == "num" => {
                    self.next();
                    self.punct('(')?;
                    let n = self.integer()?;
                    self.punct(')')?;
                    self.punct(':')?;
                    let width = self.integer()? as usize;
                    if !(1..=8).contains(&width) {
                        return self.err("num width must be 1..8");
                    }
                    out.extend_from_slice(&(n as u128).to_le_bytes()[..width]);
                }
                Tok::Word(w) if w == "repeat" => {
                    self.next();
                    self.punct('(')?;
                    let b = self.integer()?;
                    self.punct(')')?;
                    self.punct(':')?;
                    let count = self.integer()? as usize;
                    out.extend(std::iter::repeat_n(b as u8, count));
                }
                Tok::Word(w) if w == "padding" => {
                    self.next();
                    self.punct(':')?;
                    let count = self.integer()? as usize;
                    out.extend(std::iter::repeat_n(0u8, count));
                }
                _ => {
                    let b = self.integer()?;
                    let byte = u8::try_from(b).map_err(|_| ParseError {
                        line: self.line(),
                        message: format!("byte {b} out of range"),
                    })?;
                    out.push(byte);
                }
            }
            self.eat(',');
        }
        Ok(out)
    }

    fn rights(&mut self) -> R<u32> {
        let mut value = rights_named(&self.word()?)
            .ok_or_else(|| ParseError { line: self.line(), message: "unknown rights".into() })?;
        loop {
            let add = if self.eat('+') || self.eat('|') {
                true
            } else if self.eat('-') {
                false
            } else {
                return Ok(value);
            };
            let r = rights_named(&self.word()?).ok_or_else(|| ParseError {
                line: self.line(),
                message: "unknown rights".into(),
            })?;
            value = if add { value | r } else { value & !r };
        }
    }

    fn object_type(&mut self) -> R<u32> {
        match self.word()?.as_str() {
            "channel" => Ok(4),
            "event" => Ok(5),
            other => self.err(format!("unknown object type '{other}'")),
        }
    }

    fn handle_defs(&mut self) -> R<Vec<HandleDef>> {
        self.punct('{')?;
        let mut defs: Vec<(usize, HandleDef)> = Vec::new();
        while !self.eat('}') {
            let index = self.handle_ref()?;
            self.punct('=')?;
            let kind = match self.word()?.as_str() {
                "channel" => HandleKind::Channel,
                "event" => HandleKind::Event,
                other => return self.err(format!("unknown handle kind '{other}'")),
            };
            self.punct('(')?;
            let mut rights = None;
            if !self.eat(')') {
                self.keyword("rights")?;
                self.punct(':')?;
                rights = Some(self.rights()?);
                self.punct(')')?;
            }
            defs.push((index, HandleDef { kind, rights }));
            self.eat(',');
        }
        defs.sort_by_key(|(i, _)| *i);
        for (expected, (i, _)) in defs.iter().enumerate() {
            if *i != expected {
                return self
                    .err(format!("handle_defs must define #0..#N in order; #{expected} missing"));
            }
        }
        Ok(defs.into_iter().map(|(_, d)| d).collect())
    }

    fn dispositions(&mut self) -> R<Vec<ExpectedDisposition>> {
        self.punct('[')?;
        let mut out = Vec::new();
        while !self.eat(']') {
            self.punct('{')?;
            let handle = self.handle_ref()?;
            self.punct(',')?;
            self.keyword("type")?;
            self.punct(':')?;
            let object_type = self.object_type()?;
            self.punct(',')?;
            self.keyword("rights")?;
            self.punct(':')?;
            let rights = self.rights()?;
            self.eat(',');
            self.punct('}')?;
            out.push(ExpectedDisposition { handle, object_type, rights });
            self.eat(',');
        }
        Ok(out)
    }

    fn value(&mut self) -> R<Value> {
        match self.peek().clone() {
            Tok::Str(s) => {
                self.next();
                Ok(Value::String(s))
            }
            Tok::Punct('#') => Ok(Value::Handle(self.handle_ref()?)),
            Tok::Punct('[') => {
                self.next();
                let mut items = Vec::new();
                while !self.eat(']') {
                    if *self.peek() == Tok::Word("repeat".into()) {
                        self.next();
                        self.punct('(')?;
                        let v = self.value()?;
                        self.punct(')')?;
                        self.punct(':')?;
                        let n = self.integer()? as usize;
                        items.extend(std::iter::repeat_n(v, n));
                    } else {
                        items.push(self.value()?);
                    }
                    self.eat(',');
                }
                Ok(Value::List(items))
            }
            Tok::Punct('{') => {
                self.next();
                let mut bytes = Vec::new();
                let mut handles = Vec::new();
                while !self.eat('}') {
                    match self.word()?.as_str() {
                        "bytes" => {
                            self.punct('=')?;
                            bytes = self.byte_list()?;
                        }
                        "handles" => {
                            self.punct('=')?;
                            handles = self.handle_list()?;
                        }
                        other => return self.err(format!("unknown unknown-data field '{other}'")),
                    }
                    self.eat(',');
                }
                Ok(Value::UnknownData { bytes, handles })
            }
            Tok::Punct('-') => self.number(),
            Tok::Word(w) => match w.as_str() {
                "null" => {
                    self.next();
                    Ok(Value::Null)
                }
                "true" | "false" => {
                    self.next();
                    Ok(Value::Bool(w == "true"))
                }
                "restrict" => {
                    self.next();
                    self.punct('(')?;
                    let handle = self.handle_ref()?;
                    let (mut object_type, mut rights) = (0, 0x8000_0000);
                    while self.eat(',') {
                        match self.word()?.as_str() {
                            "type" => {
                                self.punct(':')?;
                                object_type = self.object_type()?;
                            }
                            "rights" => {
                                self.punct(':')?;
                                rights = self.rights()?;
                            }
                            other => return self.err(format!("unknown restrict field '{other}'")),
                        }
                    }
                    self.punct(')')?;
                    Ok(Value::Restrict { handle, object_type, rights })
                }
                "decode" => {
                    self.next();
                    self.punct('(')?;
                    self.punct('{')?;
                    let mut spec = DecodeSpec {
                        type_name: String::new(),
                        bytes: Vec::new(),
                        handles: Vec::new(),
                    };
                    while !self.eat('}') {
                        let field = self.word()?;
                        self.punct('=')?;
                        match field.as_str() {
                            "type" => spec.type_name = self.word()?,
                            "bytes" => {
                                spec.bytes =
                                    self.per_wire_format(Self::byte_list)?.unwrap_or_default()
                            }
                            "handles" => {
                                spec.handles =
                                    self.per_wire_format(Self::handle_list)?.unwrap_or_default()
                            }
                            other => return self.err(format!("unknown decode field '{other}'")),
                        }
                        self.eat(',');
                    }
                    self.punct(')')?;
                    Ok(Value::Decode(Box::new(spec)))
                }
                _ if w.starts_with(|c: char| c.is_ascii_digit()) => self.number(),
                _ => {
                    self.next();
                    self.punct('{')?;
                    let mut fields = Vec::new();
                    while !self.eat('}') {
                        let key = match self.next() {
                            Tok::Word(k) if k.starts_with(|c: char| c.is_ascii_digit()) => {
                                Key::Ordinal(
                                    parse_int(&k).and_then(|v| u64::try_from(v).ok()).ok_or_else(
                                        || ParseError {
                                            line: self.line(),
                                            message: format!("bad ordinal '{k}'"),
                                        },
                                    )?,
                                )
                            }
                            Tok::Word(k) => Key::Name(k),
                            _ => return self.err("expected a member name or ordinal"),
                        };
                        self.punct(':')?;
                        fields.push((key, self.value()?));
                        self.eat(',');
                    }
                    Ok(Value::Object { name: w, fields })
                }
            },
            _ => self.err("expected a value"),
        }
    }

    fn number(&mut self) -> R<Value> {
        let negative = self.eat('-');
        let w = self.word()?;
        let sign = if negative { -1 } else { 1 };
        if let Some(i) = parse_int(&w) {
            return Ok(Value::Int(sign * i));
        }
        match w.parse::<f64>() {
            Ok(f) => Ok(Value::Float(if negative { -f } else { f })),
            Err(_) => self.err(format!("bad number '{w}'")),
        }
    }
}

fn parse_int(w: &str) -> Option<i128> {
    if let Some(hex) = w.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()
    } else if let Some(bin) = w.strip_prefix("0b") {
        i128::from_str_radix(bin, 2).ok()
    } else {
        w.parse().ok()
    }
}

/// Rights bits by GIDL name (Zircon values).
pub fn rights_named(name: &str) -> Option<u32> {
    Some(match name {
        "none" => 0,
        "duplicate" => 0x1,
        "transfer" => 0x2,
        "read" => 0x4,
        "write" => 0x8,
        "execute" => 0x10,
        "map" => 0x20,
        "get_property" => 0x40,
        "set_property" => 0x80,
        "enumerate" => 0x100,
        "destroy" => 0x200,
        "set_policy" => 0x400,
        "get_policy" => 0x800,
        "signal" => 0x1000,
        "signal_peer" => 0x2000,
        "wait" => 0x4000,
        "inspect" => 0x8000,
        "manage_job" => 0x10000,
        "manage_process" => 0x20000,
        "manage_thread" => 0x40000,
        "apply_profile" => 0x80000,
        "manage_socket" => 0x100000,
        "same_rights" => 0x8000_0000,
        "basic" => 0xC003,
        "io" => 0xC,
        "channel_default" => 0xF00E,
        "event_default" => 0xD003,
        _ => return None,
    })
}

/// Parses a whole `.gidl` file.
pub fn parse(text: &str) -> Result<Vec<Case>, ParseError> {
    Parser { toks: tokenize(text)?, pos: 0 }.cases()
}
