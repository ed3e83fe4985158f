//! Resolving `#meta/<name>.cm` to a registered entry point and its real manifest.
//!
//! A crate whose library has `#[fuchsia::main]` registers its entry with its crate name
//! and manifest directory (`fuchsia_runtime::host::COMPONENT_ENTRIES`). The URL resolves to
//! the entry whose `<manifest_dir>/meta/<name>.cml` exists and whose manifest's
//! `program.binary` is `bin/<crate name>` ('-' and '_' alike).

use crate::config::ConfigSchema;
use crate::error::Error;
use crate::manifest::Manifest;
use fuchsia_runtime::host::{ComponentEntry, component_entries};
use std::path::Path;

/// A resolved component.
#[derive(Debug)]
pub struct Resolved {
    pub manifest: Manifest,
    pub main: fn(),
    /// The configuration schema, if the manifest has a `config` block.
    pub(crate) config: Option<ConfigSchema>,
}

/// The `<name>` of a URL ending in `#meta/<name>.cm`.
pub fn component_name(url: &str) -> Result<&str, Error> {
    url.rsplit_once('#')
        .and_then(|(_, fragment)| fragment.strip_prefix("meta/")?.strip_suffix(".cm"))
        .filter(|name| !name.is_empty() && !name.contains('/'))
        .ok_or_else(|| Error::InvalidUrl(url.to_owned()))
}

fn same_binary_name(binary: &str, package: &str) -> bool {
    binary.replace('-', "_") == package.replace('-', "_")
}

/// Resolves `url` against `entries`.
pub fn resolve_in(url: &str, entries: &[ComponentEntry]) -> Result<Resolved, Error> {
    let name = component_name(url)?;
    let mut found: Vec<(&ComponentEntry, Manifest)> = Vec::new();
    for entry in entries {
        let path = Path::new(entry.manifest_dir).join("meta").join(format!("{name}.cml"));
        if !path.exists() {
            continue;
        }
        let manifest = Manifest::read(&path)?;
        let binary = manifest.binary.as_deref().and_then(|b| b.strip_prefix("bin/"));
        if binary.is_some_and(|binary| same_binary_name(binary, entry.package)) {
            found.push((entry, manifest));
        }
    }
    match found.len() {
        0 => Err(Error::UnresolvableUrl { url: url.to_owned(), name: name.to_owned() }),
        1 => {
            let (entry, manifest) = found.pop().expect("one match");
            let meta = Path::new(entry.manifest_dir).join("meta");
            let path = meta.join(format!("{name}.cml"));
            let decl = config_encoder::ConfigDecl::from_cml_file(&path).map_err(|e| {
                Error::ConfigSchema { path: path.display().to_string(), message: e.to_string() }
            })?;
            let config = decl.map(|decl| ConfigSchema {
                decl,
                values_file: meta.join(format!("{name}_config_values.json5")),
            });
            Ok(Resolved { manifest, main: entry.main, config })
        }
        _ => Err(Error::AmbiguousUrl {
            url: url.to_owned(),
            packages: found.iter().map(|(entry, _)| entry.package.to_owned()).collect(),
        }),
    }
}

/// Resolves `url` against the process's registered entry points.
pub fn resolve(url: &str) -> Result<Resolved, Error> {
    resolve_in(url, component_entries())
}
