//! A component that emits trace events must create a trace provider: on Fuchsia a process's
//! trace events reach a trace session only through its provider
//! (`fuchsia_trace_provider::trace_provider_create_with_fdio()` from
//! `//src/lib/trace/rust:trace-provider`), and `#[fuchsia::main]` creates none. The in-tree
//! build does not check this; the component would build and never be traced.
//!
//! Checked for every `fuchsia_component`: if its code depends on `//src/lib/trace/rust:trace`,
//! it must depend on the provider too, and a source of one of its Rust targets must call
//! `trace_provider_create_with_fdio`.

use crate::build_graph::closure;
use crate::gn::BuildFile;
use std::path::Path;

const TRACE: &str = "//src/lib/trace/rust:trace";
const TRACE_PROVIDER: &str = "//src/lib/trace/rust:trace-provider";
const CREATE_PROVIDER: &str = "trace_provider_create_with_fdio(";

/// The findings for the components of `build` (in directory `dir`, named `file`).
pub fn check(file: &str, dir: &Path, build: &BuildFile) -> Result<Vec<String>, String> {
    let mut findings = Vec::new();
    for component in build.targets().filter(|t| t.kind == "fuchsia_component") {
        let reachable = closure(build, &component.scope.strings("deps"));
        if !reachable.contains(TRACE) {
            continue;
        }
        if !reachable.contains(TRACE_PROVIDER) {
            findings.push(format!(
                "{file}:{}: component \"{}\" emits trace events ({TRACE}) but does not depend \
                 on {TRACE_PROVIDER}: without a trace provider nothing it traces is recorded",
                component.line, component.name
            ));
            continue;
        }
        let mut creates = false;
        for label in &reachable {
            let Some(target) = label.strip_prefix(':').and_then(|name| build.target(name)) else {
                continue;
            };
            for source in target.scope.strings("sources") {
                let path = dir.join(&source);
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
                creates |= text.contains(CREATE_PROVIDER);
            }
        }
        if !creates {
            findings.push(format!(
                "{file}:{}: component \"{}\" depends on {TRACE_PROVIDER} but none of its sources \
                 calls fuchsia_trace_provider::trace_provider_create_with_fdio()",
                component.line, component.name
            ));
        }
    }
    Ok(findings)
}
