//! Splits FIDL source text into tokens. `//` comments are dropped; `///` doc
//! comments become `DocComment` tokens (the parser turns them into `@doc`).

use crate::error::{Error, Span};

#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind {
    Ident(String),
    /// Integer or float literal text as written (sign not included).
    Number(String),
    /// String literal contents with escapes resolved.
    Str(String),
    /// Text of a `///` comment line after the slashes.
    DocComment(String),
    /// Single or double character punctuation, e.g. `{`, `->`.
    Punct(&'static str),
    Eof,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

const PUNCTS: [&str; 17] =
    ["->", "{", "}", "(", ")", "<", ">", "[", "]", ";", ":", ",", ".", "=", "|", "@", "-"];

/// Tokenizes `text`; `file` names the source in spans.
pub fn tokenize(file: &str, text: &str) -> Result<Vec<Token>, Error> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut line = 1u32;
    let mut col = 1u32;
    let span_at = |line, column| Span { file: file.to_string(), line, column };
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            col = 1;
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            col += 1;
            continue;
        }
        let start = span_at(line, col);
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            let end = chars[i..].iter().position(|&c| c == '\n').map_or(chars.len(), |p| i + p);
            let is_doc = chars.get(i + 2) == Some(&'/') && chars.get(i + 3) != Some(&'/');
            if is_doc {
                let body: String = chars[i + 3..end].iter().collect();
                tokens.push(Token { kind: TokenKind::DocComment(body), span: start });
            }
            col += (end - i) as u32;
            i = end;
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let end = scan_while(&chars, i, |c| c.is_ascii_alphanumeric() || c == '_');
            let word: String = chars[i..end].iter().collect();
            col += (end - i) as u32;
            i = end;
            tokens.push(Token { kind: TokenKind::Ident(word), span: start });
            continue;
        }
        if c.is_ascii_digit() {
            let end = scan_while(&chars, i, |c| c.is_ascii_alphanumeric() || c == '.' || c == '_');
            let word: String = chars[i..end].iter().collect();
            col += (end - i) as u32;
            i = end;
            tokens.push(Token { kind: TokenKind::Number(word), span: start });
            continue;
        }
        if c == '"' {
            let (value, consumed) = scan_string(&chars[i..], &start)?;
            col += consumed as u32;
            i += consumed;
            tokens.push(Token { kind: TokenKind::Str(value), span: start });
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let punct = PUNCTS
            .iter()
            .find(|p| two.starts_with(**p))
            .ok_or_else(|| Error::new(&start, format!("invalid character '{c}'")))?;
        let n = punct.chars().count();
        col += n as u32;
        i += n;
        tokens.push(Token { kind: TokenKind::Punct(punct), span: start });
    }
    tokens.push(Token { kind: TokenKind::Eof, span: span_at(line, col) });
    Ok(tokens)
}

fn scan_while(chars: &[char], start: usize, pred: impl Fn(char) -> bool) -> usize {
    let mut end = start;
    while end < chars.len() && pred(chars[end]) {
        end += 1;
    }
    end
}

/// Scans a string literal starting at its opening quote. Returns the
/// contents and the number of characters consumed, quotes included.
fn scan_string(chars: &[char], span: &Span) -> Result<(String, usize), Error> {
    let mut out = String::new();
    let mut i = 1;
    loop {
        match chars.get(i) {
            None | Some('\n') => return Err(Error::new(span, "unterminated string literal")),
            Some('"') => return Ok((out, i + 1)),
            Some('\\') => {
                let escaped = match chars.get(i + 1) {
                    Some('n') => '\n',
                    Some('t') => '\t',
                    Some('r') => '\r',
                    Some('\\') => '\\',
                    Some('"') => '"',
                    _ => {
                        return Err(Error::new(span, "invalid escape sequence in string literal"));
                    }
                };
                out.push(escaped);
                i += 2;
            }
            Some(&c) => {
                out.push(c);
                i += 1;
            }
        }
    }
}
