//! A test's realm can only start the components its test package holds: on Fuchsia,
//! RealmBuilder resolves `#meta/<name>.cm` inside the test package, and a component the
//! package does not contain fails to resolve at run time. The host resolves such a URL
//! against every registered entry point, so this check makes the same demand statically.
//!
//! For every `fuchsia_test_package` and `fuchsia_unittest_package`, each `"#meta/<name>.cm"` in the sources of its test
//! binaries must name a component of the package: a local `fuchsia_component` reachable from
//! its `deps` or `test_components` (named by its `component_name`, its manifest target's
//! `component_name`, or its target name, as `build/components/fuchsia_component.gni`
//! does), or an in-tree component target of [`EXTERNAL_COMPONENTS`].

use crate::build_graph::{closure, test_binary};
use crate::gn::{BuildFile, Target};
use std::collections::BTreeSet;
use std::path::Path;

/// In-tree component targets a test package may include, with the component name each
/// packages (each verified in the stored in-tree sources).
pub const EXTERNAL_COMPONENTS: [(&str, &str); 1] = [
    // src/performance/trace_manager/BUILD.gn: fuchsia_component("component_hermetic"),
    // component_name = "trace_manager".
    ("//src/performance/trace_manager:component_hermetic", "trace_manager"),
];

/// The name a local component target packages its component under.
fn component_name(build: &BuildFile, component: &Target<'_>) -> String {
    component
        .scope
        .string("component_name")
        .or_else(|| {
            let manifest = component.scope.string("cm_label")?;
            build.target(manifest.strip_prefix(':')?)?.scope.string("component_name")
        })
        .unwrap_or_else(|| component.name.to_owned())
}

/// The names of the components reachable from `labels`.
fn packaged(build: &BuildFile, labels: &BTreeSet<String>) -> BTreeSet<String> {
    let local = labels
        .iter()
        .filter_map(|label| build.target(label.strip_prefix(':')?))
        .filter(|target| matches!(target.kind, "fuchsia_component" | "fuchsia_test_component"))
        .map(|component| component_name(build, &component));
    let external = EXTERNAL_COMPONENTS
        .iter()
        .filter(|(label, _)| labels.contains(*label))
        .map(|(_, name)| (*name).to_owned());
    local.chain(external).collect()
}

/// The `#meta/<name>.cm` names `text` mentions.
fn urls(text: &str) -> BTreeSet<String> {
    text.match_indices("\"#meta/")
        .filter_map(|(start, prefix)| {
            let rest = &text[start + prefix.len()..];
            let name = rest.split('"').next()?.strip_suffix(".cm")?;
            (!name.is_empty() && !name.contains('/')).then(|| name.to_owned())
        })
        .collect()
}

/// The findings for the test packages of `build` (in directory `dir`, named `file`).
pub fn check(file: &str, dir: &Path, build: &BuildFile) -> Result<Vec<String>, String> {
    let mut findings = Vec::new();
    let test_packages = ["fuchsia_test_package", "fuchsia_unittest_package"];
    for package in build.targets().filter(|t| test_packages.contains(&t.kind)) {
        let roots = [package.scope.strings("deps"), package.scope.strings("test_components")];
        let reachable = closure(build, &roots.concat());
        let components = packaged(build, &reachable);
        for label in &reachable {
            let Some(binary) = test_binary(build, label) else { continue };
            let sources = binary.target.scope.strings("sources");
            for source in sources {
                let path = dir.join(&source);
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
                for name in urls(&text).difference(&components) {
                    findings.push(format!(
                        "{file}:{}: {source} starts \"#meta/{name}.cm\", which test package \
                         \"{}\" does not contain: add its component to the package's deps",
                        package.line, package.name
                    ));
                }
            }
        }
    }
    Ok(findings)
}
