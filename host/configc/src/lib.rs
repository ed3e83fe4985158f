//! Host build of `configc`'s Rust client generation, used from `build.rs`:
//!
//! ```no_run
//! // build.rs of a component's config crate (lib `config_lib.rs` = one `include!`):
//! let out_dir = std::env::var("OUT_DIR").unwrap();
//! configc::Build::new()
//!     .manifest("proxy_manager.cml")
//!     .generate_to(out_dir, "proxy_manager_config")
//!     .unwrap_or_else(|error| panic!("{error}"));
//! ```
//!
//! Only the `config` block of the manifest is read (its `include`s are not followed); the
//! schema, its order (by key) and checksum come from `config_encoder`, so the launcher and
//! the generated library agree byte for byte. The generated library holds the FIDL bindings
//! of `type Config = struct {...}` (compiled by the host `fidlc` and `fidlgen_rust`) and a
//! `Config` with `take_from_startup_handle`, `from_vmo`, `from_bytes` and `record_inspect`;
//! it needs the crates `fidl`, `fuchsia-inspect`, `fuchsia-runtime` and `zx`.

mod fidl_source;
mod rust_source;

use std::path::{Path, PathBuf};

use config_encoder::{ConfigDecl, SchemaError};

pub use fidl_source::library_name;

/// Why a client library could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no manifest given (call Build::manifest)")]
    NoManifest,
    #[error("{manifest}: {source}")]
    Schema { manifest: String, source: SchemaError },
    #[error("{manifest} has no `config` block (or it is empty)")]
    NoConfig { manifest: String },
    #[error("config key '{key}' is a Rust keyword and cannot name a field")]
    KeywordKey { key: String },
    #[error("library name '{name}' is not a Rust identifier of [a-z0-9_] starting with a letter")]
    InvalidLibraryName { name: String },
    #[error("compiling the config FIDL library: {0}")]
    Fidl(String),
    #[error("cannot write {path}: {source}")]
    Io { path: String, source: std::io::Error },
}

/// Generation of one client library. Builder methods consume and return `self`.
#[derive(Clone, Debug)]
pub struct Build {
    manifest: Option<PathBuf>,
    emit_cargo_directives: bool,
}

impl Default for Build {
    fn default() -> Self {
        Build { manifest: None, emit_cargo_directives: true }
    }
}

/// Rust keywords (strict and reserved, edition 2024) a config key could collide with.
const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

impl Build {
    pub fn new() -> Self {
        Self::default()
    }

    /// The CML manifest whose `config` block is the schema (relative paths are relative to
    /// the working directory, which is the package directory in `build.rs`).
    pub fn manifest(mut self, path: impl AsRef<Path>) -> Self {
        self.manifest = Some(path.as_ref().to_path_buf());
        self
    }

    /// Whether `generate_to` prints `cargo:rerun-if-changed=<manifest>` (default: yes).
    pub fn cargo_directives(mut self, emit: bool) -> Self {
        self.emit_cargo_directives = emit;
        self
    }

    /// The Rust source of client library `lib_name`.
    pub fn generate(&self, lib_name: &str) -> Result<String, Error> {
        if lib_name.is_empty()
            || !lib_name.starts_with(|c: char| c.is_ascii_lowercase())
            || !lib_name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(Error::InvalidLibraryName { name: lib_name.to_string() });
        }
        let manifest = self.manifest.as_ref().ok_or(Error::NoManifest)?;
        let manifest_name = manifest.display().to_string();
        let decl = ConfigDecl::from_cml_file(manifest)
            .map_err(|source| Error::Schema { manifest: manifest_name.clone(), source })?
            .ok_or_else(|| Error::NoConfig { manifest: manifest_name.clone() })?;
        generate_for_decl(&manifest_name, &decl, lib_name)
    }

    /// Writes the source of client library `lib_name` to `<out_dir>/<lib_name>.rs` and
    /// returns that path.
    pub fn generate_to(&self, out_dir: impl AsRef<Path>, lib_name: &str) -> Result<PathBuf, Error> {
        if self.emit_cargo_directives
            && let Some(manifest) = &self.manifest
        {
            println!("cargo:rerun-if-changed={}", manifest.display());
        }
        let source = self.generate(lib_name)?;
        let path = out_dir.as_ref().join(format!("{lib_name}.rs"));
        std::fs::write(&path, source)
            .map_err(|source| Error::Io { path: path.display().to_string(), source })?;
        Ok(path)
    }
}

/// The client library source for an already parsed schema.
pub fn generate_for_decl(
    manifest: &str,
    decl: &ConfigDecl,
    lib_name: &str,
) -> Result<String, Error> {
    if let Some(field) = decl.fields.iter().find(|f| RUST_KEYWORDS.contains(&f.key.as_str())) {
        return Err(Error::KeywordKey { key: field.key.clone() });
    }
    let library = fidl_source::library_name(lib_name);
    let fidl = fidl_source::fidl_source(&library, decl);
    let compilation = fidlc::Compiler::new()
        .source(format!("{lib_name}.fidl"), fidl)
        .compile()
        .map_err(|errors| Error::Fidl(errors.to_string()))?;
    let bindings = fidlgen_rust::generate(&compilation, None);
    Ok(rust_source::rust_source(manifest, decl, &library, &bindings))
}
