//! Diagnostics reported by the front end, formatted like fidlc:
//! `file:line:column: error: message`.

use std::fmt;

/// A position in a source file. `line` and `column` are 1-based; `column`
/// counts characters (not bytes) from the start of the line.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    /// Path of the file as it was given to the compiler.
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One compile error at a source position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub span: Span,
    pub message: String,
}

impl Error {
    pub(crate) fn new(span: &Span, message: impl Into<String>) -> Self {
        Error { span: span.clone(), message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: error: {}", self.span, self.message)
    }
}

impl std::error::Error for Error {}

/// All errors of one compilation, in the order they were found. Never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Errors(pub Vec<Error>);

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

impl From<Error> for Errors {
    fn from(e: Error) -> Self {
        Errors(vec![e])
    }
}
