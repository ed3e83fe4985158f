//! Host `fidl-lint`: the default checks of the in-tree linter
//! (`tools/fidl/fidlc/src/linter.cc`, run by `fidl()` in `build/fidl/fidl_library.gni`, where
//! any finding fails the build) that apply to source FIDL files.
//!
//! Each finding names its in-tree check id. The experimental checks, which the in-tree
//! linter reports only when asked (`explicit-openness-modifier`,
//! `explicit-flexible-method-modifier`, `no-trailing-comment`), are not implemented.

use crate::ast::*;
use crate::error::{Error, Span};
use crate::lexer::{TokenKind, tokenize};
use crate::parser::parse_file;
use regex::Regex;
use std::fmt;
use std::sync::LazyLock;

/// One finding: where, which in-tree check, and its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub span: Span,
    /// The in-tree check id, e.g. `invalid-copyright-for-platform-source-library`.
    pub check: &'static str,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: warning: {} [{}]", self.span, self.message, self.check)
    }
}

/// The standard header of a platform source file; `YYYY` is the year of the first line.
const COPYRIGHT_LINES: [&str; 3] = [
    "// Copyright YYYY The Fuchsia Authors.",
    "// Use of this source code is governed by a BSD-style license that can be",
    "// found in the LICENSE file.",
];

/// Library prefixes allowed for platform source libraries (besides the Zircon ones).
const PERMITTED_LIBRARY_PREFIXES: [&str; 4] = ["fdf", "fidl", "fuchsia", "test"];

/// UpperCamelCase: words of one or two capitals then lowercase letters or digits (`_N`
/// allowed between them), optionally ending in a capital word. Names are non-empty.
static UPPER_CAMEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(([A-Z]{1,2}[a-z0-9]+)|(_[0-9]+))*([A-Z][a-z0-9]*)?$").unwrap());
static LOWER_SNAKE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[a-z][a-z0-9_]*$").unwrap());
static UPPER_SNAKE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[A-Z][A-Z0-9_]*$").unwrap());
static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(\d{4})\b").unwrap());
static DISALLOWED_COMPONENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(common|service|util|base|f[a-z]l|zx\w*)$").unwrap());
static DOC_COPYRIGHT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^[ \t]*Copyright \d\d\d\d\W").unwrap());
static DOC_TODO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[ \t]*TODO\W").unwrap());

/// Lints one source file. `path` names it in findings. A file that does not parse is an
/// error, as for fidl-lint.
pub fn lint(path: &str, text: &str) -> Result<Vec<Finding>, Error> {
    let file = parse_file(path, text)?;
    let mut linter = Linter { path, findings: Vec::new(), in_const: false };
    linter.copyright(text);
    linter.doc_comments_and_modifiers(text)?;
    linter.library(&file.library);
    for using in &file.usings {
        if let Some(alias) = &using.alias {
            linter.case(&using.library.span, alias, "using alias", Case::LowerSnake);
        }
    }
    for decl in &file.decls {
        linter.decl(decl);
    }
    linter.findings.sort_by_key(|f| (f.span.line, f.span.column));
    Ok(linter.findings)
}

#[derive(Clone, Copy)]
enum Case {
    UpperCamel,
    LowerSnake,
    UpperSnake,
}

struct Linter<'a> {
    path: &'a str,
    findings: Vec<Finding>,
    /// Inside a `const` declaration, where unbounded strings are fine.
    in_const: bool,
}

impl Linter<'_> {
    fn add(&mut self, span: &Span, check: &'static str, message: impl Into<String>) {
        self.findings.push(Finding { span: span.clone(), check, message: message.into() });
    }

    fn at(&self, line: u32, column: u32) -> Span {
        Span { file: self.path.to_owned(), line, column }
    }

    /// `invalid-copyright-for-platform-source-library`: lines 1 to 3 are the standard
    /// header (the first may end with " All rights reserved."). One finding at most.
    fn copyright(&mut self, text: &str) {
        let lines: Vec<&str> = text.lines().take(COPYRIGHT_LINES.len()).collect();
        let year = lines
            .iter()
            .filter(|line| line.starts_with("//"))
            .find_map(|line| YEAR.captures(line).map(|c| c[1].to_owned()));
        for (index, expected) in COPYRIGHT_LINES.iter().enumerate() {
            let line = lines.get(index).copied().unwrap_or("");
            let matches = match &year {
                Some(year) => {
                    let expected = expected.replace("YYYY", year);
                    line == expected || line == format!("{expected} All rights reserved.")
                }
                None => false,
            };
            if !matches {
                self.add(
                    &self.at(index as u32 + 1, 1),
                    "invalid-copyright-for-platform-source-library",
                    "FIDL files defined in the Platform Source Tree (i.e., defined in \
                     fuchsia.googlesource.com) must begin with the standard copyright notice",
                );
                return;
            }
        }
    }

    /// Checks that need the tokens: a doc comment block starting with a copyright or a
    /// TODO, and a strictness modifier written after `resource`.
    fn doc_comments_and_modifiers(&mut self, text: &str) -> Result<(), Error> {
        let tokens = tokenize(self.path, text)?;
        let mut previous_was_doc = false;
        let mut saw_resource = false;
        let mut misplaced_strictness = None;
        for token in &tokens {
            match &token.kind {
                TokenKind::DocComment(body) if !previous_was_doc => {
                    if DOC_COPYRIGHT.is_match(body) {
                        self.add(
                            &token.span,
                            "copyright-should-not-be-doc-comment",
                            "Copyright notice should use non-flow-through comment markers",
                        );
                    }
                    if DOC_TODO.is_match(body) {
                        self.add(
                            &token.span,
                            "todo-should-not-be-doc-comment",
                            "TODO comment should use a non-flow-through comment marker",
                        );
                    }
                }
                TokenKind::Ident(word) if word == "resource" => saw_resource = true,
                TokenKind::Ident(word) if word == "strict" || word == "flexible" => {
                    if saw_resource && misplaced_strictness.is_none() {
                        misplaced_strictness = Some(token.span.clone());
                    }
                }
                TokenKind::Ident(word)
                    if ["struct", "table", "union", "enum", "bits"].contains(&word.as_str()) =>
                {
                    if let Some(span) = misplaced_strictness.take() {
                        let kind = if word == "bits" { "bitfield" } else { word.as_str() };
                        self.add(
                            &span,
                            "modifier-order",
                            format!(
                                "Strictness modifier on {kind} must always precede the resource \
                                 modifier"
                            ),
                        );
                    }
                    saw_resource = false;
                }
                _ => {
                    saw_resource = false;
                    misplaced_strictness = None;
                }
            }
            previous_was_doc = matches!(token.kind, TokenKind::DocComment(_));
        }
        Ok(())
    }

    fn library(&mut self, name: &CompoundName) {
        let prefix = name.parts[0].as_str();
        let zircon = prefix == "zx" || prefix == "zbi";
        if !zircon && !PERMITTED_LIBRARY_PREFIXES.contains(&prefix) {
            self.add(
                &name.span,
                "wrong-prefix-for-platform-source-library",
                "FIDL library name is not currently allowed",
            );
        }
        if name.parts.len() > 4 {
            self.add(
                &name.span,
                "too-many-nested-libraries",
                "Avoid library names with more than three dots",
            );
        }
        if !zircon && name.parts.iter().any(|part| DISALLOWED_COMPONENT.is_match(part)) {
            self.add(
                &name.span,
                "disallowed-library-name-component",
                "Library names must not contain the following components: common, service, \
                 util, base, f<letter>l, zx<word>",
            );
        }
    }

    fn case(&mut self, span: &Span, name: &str, what: &str, case: Case) {
        let (regex, check, form) = match case {
            Case::UpperCamel => (&*UPPER_CAMEL, "invalid-case-for-decl-name", "UpperCamelCase"),
            Case::LowerSnake => {
                let check = if what == "using alias" {
                    "invalid-case-for-using-alias"
                } else {
                    "invalid-case-for-decl-member"
                };
                (&*LOWER_SNAKE, check, "lower_snake_case")
            }
            Case::UpperSnake => (&*UPPER_SNAKE, "invalid-case-for-constant", "ALL_CAPS_SNAKE_CASE"),
        };
        if !regex.is_match(name) {
            let message = if what == "using alias" {
                "Using aliases must be named in lower_snake_case".to_owned()
            } else {
                format!("{what} must be named in {form}")
            };
            self.add(span, check, message);
        }
    }

    fn decl(&mut self, decl: &Decl) {
        match &decl.kind {
            DeclKind::Const { ty, .. } => {
                self.case(&decl.span, &decl.name, "constants", Case::UpperSnake);
                self.in_const = true;
                self.type_ctor(ty, false);
                self.in_const = false;
            }
            DeclKind::Alias { ty } => {
                self.case(&decl.span, &decl.name, "alias", Case::UpperCamel);
                self.type_ctor(ty, false);
            }
            DeclKind::Type { layout } => {
                let what = format!("{}s", layout_kind_name(layout.kind));
                self.case(&decl.span, &decl.name, &what, Case::UpperCamel);
                self.layout(layout);
            }
            DeclKind::Protocol { members, .. } => {
                self.case(&decl.span, &decl.name, "protocols", Case::UpperCamel);
                if split_words(&decl.name).iter().any(|word| word == "service") {
                    self.add(
                        &decl.span,
                        "protocol-name-includes-service",
                        "Protocols must not include the name 'service.'",
                    );
                }
                for member in members {
                    if let ProtocolMember::Method(method) = member {
                        self.method(method);
                    }
                }
            }
            DeclKind::Resource { .. } | DeclKind::Service { .. } => {}
        }
    }

    fn method(&mut self, method: &Method) {
        let is_event = method.request.is_none();
        let what = if is_event { "events" } else { "methods" };
        self.case(&method.span, &method.name, what, Case::UpperCamel);
        if is_event {
            let name = method.name.as_bytes();
            if !(method.name.starts_with("On") && name.get(2).is_some_and(u8::is_ascii_uppercase)) {
                self.add(
                    &method.span,
                    "event-names-must-start-with-on",
                    "Event names must start with 'On'",
                );
            }
        }
        for payload in [&method.request, &method.response].into_iter().flatten().flatten() {
            self.type_ctor(payload, false);
        }
        if let Some(error) = &method.error {
            self.type_ctor(error, true);
        }
    }

    fn layout(&mut self, layout: &Layout) {
        let kind = layout_kind_name(layout.kind);
        if matches!(layout.kind, LayoutKind::Union | LayoutKind::Enum | LayoutKind::Bits)
            && layout.strict.is_none()
        {
            self.add(
                &layout.span,
                "explicit-flexible-modifier",
                format!("{kind} must have an explicit 'flexible' modifier"),
            );
        }
        if let Some(subtype) = &layout.subtype {
            self.type_ctor(subtype, false);
        }
        for member in layout.members.iter().filter(|m| !m.reserved) {
            let what = format!("{kind} members");
            match layout.kind {
                LayoutKind::Enum | LayoutKind::Bits => {
                    self.case(&member.span, &member.name, &what, Case::UpperSnake)
                }
                _ => self.case(&member.span, &member.name, &what, Case::LowerSnake),
            }
            if let Some(ty) = &member.ty {
                self.type_ctor(ty, false);
            }
        }
    }

    /// Bounds of strings and vectors, and `zx.Status` / `zx.Result` placement.
    fn type_ctor(&mut self, ty: &TypeCtor, in_method_error: bool) {
        match &ty.target {
            TypeTarget::Layout { layout, .. } => self.layout(layout),
            TypeTarget::Named(name) => {
                if name.parts.len() == 1 && !self.in_const {
                    let has_size = match ty.constraints.first() {
                        Some(Constant::Literal { value: Literal::Number(_), .. }) => true,
                        Some(Constant::Name(constraint)) => constraint.joined() != "optional",
                        _ => false,
                    };
                    match name.parts[0].as_str() {
                        "string" if !has_size => self.add(
                            &name.span,
                            "string-bounds-not-specified",
                            "Specify bounds for string",
                        ),
                        "vector" if !has_size => self.add(
                            &name.span,
                            "vector-bounds-not-specified",
                            "Specify bounds for vector",
                        ),
                        _ => {}
                    }
                }
                if name.parts.len() == 2 && name.parts[0] == "zx" {
                    match name.parts[1].as_str() {
                        "Result" if in_method_error => self.add(
                            &name.span,
                            "zx-result-error",
                            "Use zx.Status for two-way errors instead of zx.Result",
                        ),
                        "Status" if !in_method_error => self.add(
                            &name.span,
                            "zx-status-non-error",
                            "Consider using zx.Result if the status can be OK",
                        ),
                        _ => {}
                    }
                }
                for param in &ty.params {
                    if let TypeParam::Type(inner) = param {
                        self.type_ctor(inner, in_method_error);
                    }
                }
            }
        }
    }
}

/// How the in-tree linter names a layout kind in messages.
fn layout_kind_name(kind: LayoutKind) -> &'static str {
    match kind {
        LayoutKind::Bits => "bitfield",
        other => other.keyword(),
    }
}

/// The lowercase words of an identifier: split at underscores and before an uppercase
/// letter that follows a lowercase letter or digit.
fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '_' {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}
