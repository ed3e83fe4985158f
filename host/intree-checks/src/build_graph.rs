//! What the GN templates a component's `BUILD.gn` uses mean for the checks: which labels
//! name test binaries, and which labels a target depends on, directly or not.
//!
//! The meanings follow the in-tree templates: `rustc_library` / `rustc_binary` with
//! `with_unit_tests = true` also define `<name>_test`, a test binary built from the same
//! sources with `deps` plus `test_deps` (`build/rust/rustc_library.gni`,
//! `rustc_binary.gni`); `rustc_test` defines a test binary (`build/rust/rustc_test.gni`).

use crate::gn::{BuildFile, Target};
use std::collections::BTreeSet;

/// Templates that build Rust code.
const RUST_TEMPLATES: [&str; 3] = ["rustc_library", "rustc_binary", "rustc_test"];

/// A test binary named by a local label.
#[derive(Clone, Copy, Debug)]
pub struct TestBinary<'a> {
    /// The target whose sources and deps the binary is built from.
    pub target: Target<'a>,
    /// `true` for the `<name>_test` binary of a library or binary with unit tests.
    pub unit_tests: bool,
}

/// The test binary that the local label `:name` names, if it names one.
pub fn test_binary<'a>(build: &'a BuildFile, label: &str) -> Option<TestBinary<'a>> {
    let name = label.strip_prefix(':')?;
    if let Some(target) = build.target(name).filter(|t| t.kind == "rustc_test") {
        return Some(TestBinary { target, unit_tests: false });
    }
    let base = name.strip_suffix("_test")?;
    build
        .target(base)
        .filter(|t| matches!(t.kind, "rustc_library" | "rustc_binary"))
        .filter(|t| t.scope.flag("with_unit_tests"))
        .map(|target| TestBinary { target, unit_tests: true })
}

/// Whether the local label `:name` resolves to a target of the file: a target, the `_test`
/// binary of one, or the `<name>_rust` bindings of a `fidl("<name>")` target
/// (`build/fidl/fidl.gni`).
pub fn resolves(build: &BuildFile, label: &str) -> bool {
    let Some(name) = label.strip_prefix(':') else { return false };
    let fidl_bindings = name
        .strip_suffix("_rust")
        .and_then(|library| build.target(library))
        .is_some_and(|target| target.kind == "fidl");
    build.target(name).is_some() || test_binary(build, label).is_some() || fidl_bindings
}

/// The labels `label` depends on directly (`deps`, `public_deps`, and for a unit-test
/// binary `test_deps`); empty for a label that is not a local target.
fn direct_deps(build: &BuildFile, label: &str) -> Vec<String> {
    if let Some(binary) = test_binary(build, label).filter(|b| b.unit_tests) {
        let scope = binary.target.scope;
        return [scope.strings("deps"), scope.strings("public_deps"), scope.strings("test_deps")]
            .concat();
    }
    match label.strip_prefix(':').and_then(|name| build.target(name)) {
        Some(target) => {
            [target.scope.strings("deps"), target.scope.strings("public_deps")].concat()
        }
        None => Vec::new(),
    }
}

/// Every label reachable from `roots` through local targets, the roots included.
pub fn closure(build: &BuildFile, roots: &[String]) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut pending: Vec<String> = roots.to_vec();
    while let Some(label) = pending.pop() {
        if seen.insert(label.clone()) {
            pending.extend(direct_deps(build, &label));
        }
    }
    seen
}

/// Whether a Rust test binary is reachable from `roots`.
pub fn has_rust_test(build: &BuildFile, roots: &[String]) -> bool {
    closure(build, roots).iter().any(|label| test_binary(build, label).is_some())
}

/// The local test binaries whose sources include `source` (a path relative to the
/// `BUILD.gn`), as labels: `:lib_test`, `:integration_test`.
pub fn test_binaries_with_source(build: &BuildFile, source: &str) -> Vec<String> {
    build
        .targets()
        .filter(|t| RUST_TEMPLATES.contains(&t.kind))
        .filter(|t| {
            t.scope.strings("sources").iter().any(|s| s == source)
                || t.scope.string("source_root").as_deref() == Some(source)
        })
        .filter_map(|t| match t.kind {
            "rustc_test" => Some(format!(":{}", t.name)),
            _ if t.scope.flag("with_unit_tests") => Some(format!(":{}_test", t.name)),
            _ => None,
        })
        .collect()
}
