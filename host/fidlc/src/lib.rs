//! Host FIDL front end.
//!
//! Parses `.fidl` files, resolves names across the files of a library and
//! its dependencies, names anonymous layouts as fidlc does, computes
//! wire-format v2 type shapes and method ordinals, and reports errors as
//! `file:line:column: error: message`.
//!
//! [`lint`] is the host `fidl-lint` (binary `fidl-lint`: `cargo run -p fidlc --bin fidl-lint
//! -- FILES...`), the in-tree linter's default checks.
//!
//! Library `zx` is built in (a host definition of object types, rights and
//! the `Handle` resource, see `zx/zx.fidl`) unless a dependency provides it.
//!
//! ```
//! let compiled = fidlc::Compiler::new()
//!     .source("a.fidl", "library a; type S = struct { x uint32; };")
//!     .compile()
//!     .unwrap();
//! assert_eq!(compiled.library.name, "a");
//! ```

mod ast;
mod compile;
mod consts;
mod error;
mod flatten;
pub mod ir;
mod lexer;
pub mod lint;
mod ordinal;
mod parser;
mod shape;
mod types;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

pub use error::{Error, Errors, Span};
pub use ordinal::method_ordinal;

use ir::{Decl, Library, QualifiedName};

/// Text of the built-in host `zx` library.
pub const ZX_SOURCE: &str = include_str!("../zx/zx.fidl");
const ZX_PATH: &str = "<builtin>/zx.fidl";

/// One source file: its path (used in error positions) and text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

impl SourceFile {
    /// Reads a file from disk; an unreadable file is an error at `path:1:1`.
    pub fn read(path: &Path) -> Result<SourceFile, Error> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| Error {
            span: Span { file: name.clone(), line: 1, column: 1 },
            message: format!("cannot read file: {e}"),
        })?;
        Ok(SourceFile { path: name, text })
    }
}

/// Collects the files of the library to compile (`source`) and of the
/// libraries it uses (`dependency`), then compiles them.
#[derive(Clone, Debug, Default)]
pub struct Compiler {
    sources: Vec<SourceFile>,
    dependencies: Vec<SourceFile>,
}

/// The compiled target library and every library it could refer to.
#[derive(Clone, Debug)]
pub struct Compilation {
    pub library: Library,
    pub dependencies: Vec<Library>,
}

impl Compilation {
    /// Finds a declaration in the target library or a dependency.
    pub fn find(&self, name: &QualifiedName) -> Option<&Decl> {
        std::iter::once(&self.library)
            .chain(&self.dependencies)
            .find(|l| l.name == name.library)?
            .find(&name.name)
    }
}

impl Compiler {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file of the target library.
    pub fn source(mut self, path: impl Into<String>, text: impl Into<String>) -> Self {
        self.sources.push(SourceFile { path: path.into(), text: text.into() });
        self
    }

    /// Adds a file of a library the target may `using`.
    pub fn dependency(mut self, path: impl Into<String>, text: impl Into<String>) -> Self {
        self.dependencies.push(SourceFile { path: path.into(), text: text.into() });
        self
    }

    pub fn compile(self) -> Result<Compilation, Errors> {
        let Some(first) = self.sources.first() else {
            return Err(Error {
                span: Span { file: "<none>".to_string(), line: 1, column: 1 },
                message: "no source files given".to_string(),
            }
            .into());
        };
        let first_path = first.path.clone();
        let mut errors = Vec::new();
        let mut parsed = Vec::new();
        for (is_target, file) in self
            .sources
            .iter()
            .map(|f| (true, f))
            .chain(self.dependencies.iter().map(|f| (false, f)))
        {
            match parser::parse_file(&file.path, &file.text) {
                Ok(ast) => parsed.push((is_target, ast)),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(Errors(errors));
        }
        if !parsed.iter().any(|(_, f)| f.library.joined() == "zx") {
            let zx = parser::parse_file(ZX_PATH, ZX_SOURCE).map_err(Errors::from)?;
            parsed.push((false, zx));
        }
        let target = parsed[0].1.library.joined();
        for (is_target, f) in &parsed {
            let name = f.library.joined();
            if *is_target && name != target {
                errors.push(Error::new(
                    &f.library.span,
                    format!("file declares library '{name}', but other sources declare '{target}'"),
                ));
            }
            if !*is_target && name == target {
                errors.push(Error::new(
                    &f.library.span,
                    format!(
                        "dependency declares library '{name}', which is the library being compiled"
                    ),
                ));
            }
        }
        let known: HashSet<String> = parsed.iter().map(|(_, f)| f.library.joined()).collect();
        for (_, f) in &parsed {
            for u in &f.usings {
                if !known.contains(&u.library.joined()) {
                    errors.push(Error::new(
                        &u.library.span,
                        format!("unknown library '{}'", u.library.joined()),
                    ));
                }
            }
        }
        if !errors.is_empty() {
            return Err(Errors(errors));
        }
        let mut library_attributes: BTreeMap<String, Vec<ast::Attribute>> = BTreeMap::new();
        let mut registry = flatten::Registry::default();
        for (_, f) in parsed {
            let name = f.library.joined();
            library_attributes
                .entry(name.clone())
                .or_default()
                .extend(f.library_attributes.clone());
            registry.add_file(&name, f, &mut errors);
        }
        if !errors.is_empty() {
            return Err(Errors(errors));
        }
        let mut by_library = compile::compile_all(&registry).map_err(Errors)?;
        let spans: HashMap<QualifiedName, Span> =
            registry.decls.iter().map(|d| (d.name.clone(), d.span.clone())).collect();
        fill_shapes(&mut by_library, &spans).map_err(Errors)?;
        let mut libraries: Vec<Library> = library_attributes
            .into_iter()
            .map(|(name, attrs)| Library {
                decls: by_library.remove(&name).unwrap_or_default(),
                attributes: compile::convert_attributes(&attrs),
                name,
            })
            .collect();
        let index = libraries.iter().position(|l| l.name == target).ok_or_else(|| {
            Errors::from(Error {
                span: Span { file: first_path, line: 1, column: 1 },
                message: "target library missing".to_string(),
            })
        })?;
        let library = libraries.remove(index);
        Ok(Compilation { library, dependencies: libraries })
    }
}

/// Computes struct offsets and the shapes of structs, tables and unions.
fn fill_shapes(
    by_library: &mut BTreeMap<String, Vec<Decl>>,
    spans: &HashMap<QualifiedName, Span>,
) -> Result<(), Vec<Error>> {
    let snapshot: Vec<Decl> = by_library.values().flatten().cloned().collect();
    let mut calc = shape::ShapeCalculator::new(
        snapshot.iter().filter_map(|d| layout_name(d).map(|n| (n.clone(), d))),
        spans,
    );
    let mut errors = Vec::new();
    for decl in by_library.values_mut().flatten() {
        let result = match decl {
            Decl::Struct(s) => calc.decl_shape(&s.name).and_then(|shape| {
                s.shape = shape;
                let (_, _, offsets) = calc.struct_offsets(&s.name)?;
                for (m, o) in s.members.iter_mut().zip(offsets) {
                    m.offset = o;
                }
                Ok(())
            }),
            Decl::Table(t) => calc.decl_shape(&t.name).map(|s| t.shape = s),
            Decl::Union(u) => calc.decl_shape(&u.name).map(|s| u.shape = s),
            _ => Ok(()),
        };
        if let Err(e) = result
            && !errors.contains(&e)
        {
            errors.push(e);
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

fn layout_name(d: &Decl) -> Option<&QualifiedName> {
    match d {
        Decl::Struct(s) => Some(&s.name),
        Decl::Table(t) => Some(&t.name),
        Decl::Union(u) => Some(&u.name),
        Decl::Enum(e) => Some(&e.name),
        Decl::Bits(b) => Some(&b.name),
        _ => None,
    }
}
