//! Host counterparts of checks the in-tree (GN) build makes and a Cargo build never sees.
//!
//! - [`gn`]: a parser for the subset of GN that a component's `BUILD.gn` uses.
//! - [`labels`]: every `//` label must be one seen in the Fuchsia tree (the in-tree build
//!   fails on an unknown label).
//! - [`includes`]: a component or test whose deps carry an in-tree `expect_includes` must
//!   include that shard (`tools/cmc/build/expect_includes.gni`).
//! - [`unit_tests`]: one test binary per generated unit-test manifest (the manifests of
//!   several binaries are merged with `cmc merge`, which fails on their duplicate keys).
//! - [`log_settings`]: the `max_severity` a test package allows its tests to log at
//!   (`test_specs = { log_settings = { max_severity = ".." } }`, default `WARN`), read by
//!   the host `#[fuchsia::test]`.
//! - [`trace_provider`]: a component that emits trace events creates a trace provider
//!   (not an in-tree build check: without one, nothing it traces is ever recorded).
//! - [`realm_children`]: a test starts only components its test package contains (in-tree,
//!   any other fails to resolve at run time).
//!
//! Each check is a function returning its findings; the binaries (`check-gn-labels`,
//! `check-manifest-includes`, `check-unit-test-binaries`, `check-trace-provider`,
//! `check-test-realm-children`) print
//! them and exit 1 if there is any, for `.ci/run`.

pub mod build_graph;
pub mod gn;
pub mod includes;
pub mod labels;
pub mod log_settings;
pub mod realm_children;
pub mod trace_provider;
pub mod unit_tests;

/// Reads and parses the `BUILD.gn` at `path`, or says why it cannot.
pub fn read_build_file(path: &std::path::Path) -> Result<gn::BuildFile, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    gn::parse(&text).map_err(|e| format!("{}:{e}", path.display()))
}

/// Runs a check binary's body: prints each finding (or the error) and turns the outcome
/// into the exit code (0 clean, 1 findings, 2 error).
pub fn report(outcome: Result<Vec<String>, String>) -> std::process::ExitCode {
    match outcome {
        Ok(findings) if findings.is_empty() => std::process::ExitCode::SUCCESS,
        Ok(findings) => {
            for finding in findings {
                println!("{finding}");
            }
            std::process::ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("{error}");
            std::process::ExitCode::from(2)
        }
    }
}
