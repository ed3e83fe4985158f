//! A component whose code depends, directly or not, on a target that carries an in-tree
//! `expect_includes` must include that shard in its manifest, or `cmc` fails the build
//! (`tools/cmc/build/expect_includes.gni`). A Rust test's manifest must include the Rust
//! test runner shard.
//!
//! Checked for every `fuchsia_component` and `fuchsia_test_component` with a hand-written
//! manifest (their own `manifest`, or that of the `fuchsia_component_manifest` named by
//! `cm_label`). Only the manifest's own `include` list is read: a shard that a listed shard
//! includes in turn does not count (stricter than cmc, which follows includes).

use crate::build_graph::{closure, has_rust_test};
use crate::gn::{BuildFile, Target};
use std::path::Path;

/// The shard a dependency's `expect_includes` requires, with where the in-tree facts are.
pub const EXPECTED_INCLUDES: [(&str, &str, &str); 4] = [
    (
        "//src/lib/diagnostics/inspect/runtime/rust",
        "inspect/client.shard.cml",
        "src/lib/diagnostics/inspect/runtime/rust/BUILD.gn (//sdk/lib/inspect:client_includes)",
    ),
    (
        "//src/lib/fuchsia",
        "syslog/client.shard.cml",
        "links src/lib/diagnostics/log/rust, which carries //sdk/lib/syslog:client_includes",
    ),
    (
        "//src/lib/diagnostics/log/rust",
        "syslog/client.shard.cml",
        "src/lib/diagnostics/log/rust/BUILD.gn (//sdk/lib/syslog:client_includes)",
    ),
    (
        "//src/lib/trace/rust:trace-provider",
        "trace/client.shard.cml",
        "src/lib/trace/rust/BUILD.gn (trace-provider carries the trace client shard)",
    ),
];

/// The shard every Rust test component includes (its runner).
pub const RUST_TEST_RUNNER_SHARD: &str = "//src/sys/test_runners/rust/default.shard.cml";

/// The manifest path (relative to the `BUILD.gn`) of a component target, if hand-written.
fn manifest_of(build: &BuildFile, component: &Target<'_>) -> Option<String> {
    component.scope.string("manifest").or_else(|| {
        let cm_label = component.scope.string("cm_label")?;
        let manifest_target = build.target(cm_label.strip_prefix(':')?)?;
        manifest_target.scope.string("manifest")
    })
}

/// The `include` entries of a `.cml` file.
pub fn manifest_includes(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let value: serde_json::Value =
        json5::from_str(&text).map_err(|e| format!("{}: not JSON5: {e}", path.display()))?;
    Ok(value
        .get("include")
        .and_then(|include| include.as_array())
        .map(|entries| entries.iter().filter_map(|e| e.as_str().map(str::to_owned)).collect())
        .unwrap_or_default())
}

/// The findings for the components of `build` (in directory `dir`, named `file` in
/// findings).
pub fn check(file: &str, dir: &Path, build: &BuildFile) -> Result<Vec<String>, String> {
    let mut findings = Vec::new();
    let components = build
        .targets()
        .filter(|t| matches!(t.kind, "fuchsia_component" | "fuchsia_test_component"));
    for component in components {
        let Some(manifest) = manifest_of(build, &component) else { continue };
        let includes = manifest_includes(&dir.join(&manifest))?;
        let roots = component.scope.strings("deps");
        let reachable = closure(build, &roots);
        let mut required: Vec<(&str, String)> = EXPECTED_INCLUDES
            .iter()
            .filter(|(label, _, _)| reachable.contains(*label))
            .map(|(label, shard, _)| (*shard, format!("it depends on {label}")))
            .collect();
        if component.kind == "fuchsia_test_component" && has_rust_test(build, &roots) {
            required.push((RUST_TEST_RUNNER_SHARD, "it runs a Rust test binary".to_owned()));
        }
        for (shard, reason) in required {
            if !includes.iter().any(|include| include == shard) {
                findings.push(format!(
                    "{file}:{}: {manifest} must include \"{shard}\": {reason} (component \
                     \"{}\"; in-tree, cmc's expect_includes check fails the build)",
                    component.line, component.name
                ));
            }
        }
    }
    findings.sort();
    findings.dedup();
    Ok(findings)
}
