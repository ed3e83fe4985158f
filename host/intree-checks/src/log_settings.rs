//! The most severe log a test may emit without failing: in-tree, a test fails if it logs
//! above its package's `test_specs = { log_settings = { max_severity = ".." } }`, `WARN`
//! when unset (the test runner's default).
//!
//! The host `#[fuchsia::test]` asks [`max_severity_for_source`] for the file it expands in.

use crate::build_graph::test_binaries_with_source;
use crate::gn::{BuildFile, Scope};

/// The severity allowed when a package sets none.
pub const DEFAULT_MAX_SEVERITY: &str = "WARN";

/// Severities in increasing order, as GN spells them.
pub const SEVERITIES: [&str; 6] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

/// The test package that runs a test binary, with its `max_severity`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageLogSettings {
    pub package: String,
    /// One of [`SEVERITIES`].
    pub max_severity: String,
}

fn max_severity_of(package: &Scope) -> Option<String> {
    package.scope("test_specs")?.scope("log_settings")?.string("max_severity")
}

/// The package that runs the test binary `binary` (a local label), if any.
fn package_of(build: &BuildFile, binary: &str) -> Option<(String, Option<String>)> {
    for target in build.targets() {
        let runs_it = target.scope.strings("deps").iter().any(|dep| dep == binary);
        match target.kind {
            "fuchsia_unittest_package" | "fuchsia_unittest_component" if runs_it => {
                return Some((target.name.to_owned(), max_severity_of(target.scope)));
            }
            "fuchsia_test_component" if runs_it => {
                let component = format!(":{}", target.name);
                let package = build.targets().find(|p| {
                    p.kind == "fuchsia_test_package"
                        && p.scope.strings("test_components").contains(&component)
                })?;
                return Some((package.name.to_owned(), max_severity_of(package.scope)));
            }
            _ => {}
        }
    }
    None
}

/// The package running the tests of `source` (relative to the `BUILD.gn`) and the most
/// severe log they may emit. If several test binaries hold the source, the strictest
/// applies. An error says why no answer can be given (the source is in no test binary, or
/// the binary is in no test package, or the severity is misspelled).
pub fn max_severity_for_source(
    build: &BuildFile,
    source: &str,
) -> Result<PackageLogSettings, String> {
    let binaries = test_binaries_with_source(build, source);
    if binaries.is_empty() {
        return Err(format!(
            "{source} holds a test but is in the sources of no test binary in BUILD.gn, so \
             the in-tree build would never build or run it"
        ));
    }
    let mut strictest: Option<PackageLogSettings> = None;
    for binary in binaries {
        let (package, max_severity) = package_of(build, &binary).ok_or_else(|| {
            format!("test binary {binary} (holding {source}) is in no test package in BUILD.gn")
        })?;
        let max_severity = max_severity.unwrap_or_else(|| DEFAULT_MAX_SEVERITY.to_owned());
        let rank = SEVERITIES.iter().position(|s| *s == max_severity).ok_or_else(|| {
            format!("package {package}: max_severity {max_severity:?} is not one of {SEVERITIES:?}")
        })?;
        let stricter = strictest.as_ref().is_none_or(|current| {
            rank < SEVERITIES.iter().position(|s| *s == current.max_severity).unwrap_or(0)
        });
        if stricter {
            strictest = Some(PackageLogSettings { package, max_severity });
        }
    }
    Ok(strictest.expect("at least one binary was examined"))
}
