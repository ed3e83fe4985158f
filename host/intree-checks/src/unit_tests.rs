//! `fuchsia_unittest_package` and `fuchsia_unittest_component` without a `manifest`
//! generate one from their test binaries' manifest fragments, merged with `cmc merge`,
//! which fails when two inputs set the same key (`program.binary`): each must hold exactly
//! one test binary (`build/components/fuchsia_test_component_manifest.gni`,
//! `tools/cmc/src/merge.rs`).

use crate::build_graph::test_binary;
use crate::gn::BuildFile;

/// The findings for the generated unit-test manifests of `build` (named `file`).
pub fn check(file: &str, build: &BuildFile) -> Vec<String> {
    let mut findings = Vec::new();
    let generated = build
        .targets()
        .filter(|t| matches!(t.kind, "fuchsia_unittest_package" | "fuchsia_unittest_component"))
        .filter(|t| t.scope.get("manifest").is_none());
    for target in generated {
        let binaries: Vec<String> = target
            .scope
            .strings("deps")
            .into_iter()
            .filter(|label| test_binary(build, label).is_some())
            .collect();
        if binaries.len() != 1 {
            findings.push(format!(
                "{file}:{}: {}(\"{}\") generates its test manifest from {} test binaries ({}); \
                 it needs exactly one (cmc merge fails on their duplicate program keys)",
                target.line,
                target.kind,
                target.name,
                binaries.len(),
                binaries.join(", ")
            ));
        }
    }
    findings
}
