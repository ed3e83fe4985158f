//! Where a `#[fuchsia::test]` finds the most severe log it may emit: in-tree, in its test
//! package's `test_specs = { log_settings = { max_severity = ".." } }` (default `WARN`),
//! read here from the `BUILD.gn` at the crate's root with `intree_checks::log_settings`.
//!
//! A crate without a `BUILD.gn` (the host crates' own tests) gets the default. In a crate
//! with one, a test in a file that no test binary of `BUILD.gn` builds is a compile error:
//! in-tree it would never be built or run.

use proc_macro2::Span;
use std::path::{Path, PathBuf};

/// What the expansion needs: the severity, the package to name in failures, and the
/// `BUILD.gn` to track (so that editing it rebuilds the test).
pub(crate) struct TestLogSettings {
    /// A variant of `fuchsia::Severity` (`"Warn"`, `"Error"`, ...).
    pub(crate) max_severity: &'static str,
    pub(crate) package: Option<String>,
    pub(crate) build_file: Option<PathBuf>,
}

impl TestLogSettings {
    /// The default, for a crate without a `BUILD.gn`.
    pub(crate) fn default_settings() -> Self {
        TestLogSettings { max_severity: "Warn", package: None, build_file: None }
    }
}

fn variant(gn_severity: &str) -> &'static str {
    match gn_severity {
        "TRACE" => "Trace",
        "DEBUG" => "Debug",
        "INFO" => "Info",
        "WARN" => "Warn",
        "ERROR" => "Error",
        _ => "Fatal",
    }
}

/// The settings for a test in `source` (as the compiler names the file: absolute, or
/// relative to its working directory) of the crate at `manifest_dir`.
pub(crate) fn for_source(
    manifest_dir: &Path,
    source: Option<PathBuf>,
    span: Span,
) -> syn::Result<TestLogSettings> {
    let build_path = manifest_dir.join("BUILD.gn");
    if !build_path.is_file() {
        return Ok(TestLogSettings::default_settings());
    }
    let fail = |message: String| syn::Error::new(span, message);
    let Some(source) = source else { return Ok(TestLogSettings::default_settings()) };
    let absolute = if source.is_absolute() {
        source
    } else {
        std::env::current_dir()
            .map_err(|e| fail(format!("no working directory: {e}")))?
            .join(source)
    };
    let relative = absolute.strip_prefix(manifest_dir).map_err(|_| {
        fail(format!("{} is outside {}", absolute.display(), manifest_dir.display()))
    })?;
    let build = intree_checks::read_build_file(&build_path).map_err(fail)?;
    let settings =
        intree_checks::log_settings::max_severity_for_source(&build, &relative.to_string_lossy())
            .map_err(fail)?;
    Ok(TestLogSettings {
        max_severity: variant(&settings.max_severity),
        package: Some(settings.package),
        build_file: Some(build_path),
    })
}

#[cfg(test)]
mod tests {
    use super::for_source;
    use proc_macro2::Span;
    use std::path::PathBuf;

    /// A crate directory with `build` as its BUILD.gn (none if `None`).
    fn crate_dir(name: &str, build: Option<&str>) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("fuchsia-macro-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        if let Some(build) = build {
            std::fs::write(dir.join("BUILD.gn"), build).unwrap();
        }
        dir
    }

    const BUILD: &str = "rustc_library(\"lib\") {\n  with_unit_tests = true\n  \
                         sources = [ \"src/lib.rs\" ]\n}\n\
                         fuchsia_unittest_package(\"unittests\") {\n  deps = [ \":lib_test\" ]\n  \
                         test_specs = {\n    log_settings = {\n      max_severity = \"ERROR\"\n    }\n  }\n}\n";

    #[test]
    fn the_package_s_max_severity_applies_to_its_tests() {
        let dir = crate_dir("package", Some(BUILD));
        let settings = for_source(&dir, Some(dir.join("src/lib.rs")), Span::call_site()).unwrap();
        assert_eq!(settings.max_severity, "Error");
        assert_eq!(settings.package.as_deref(), Some("unittests"));
        assert_eq!(settings.build_file, Some(dir.join("BUILD.gn")));
    }

    #[test]
    fn without_test_specs_the_default_is_warn() {
        let build = BUILD.replace("max_severity = \"ERROR\"", "max_severity = \"WARN\"");
        let dir = crate_dir("warn", Some(&build));
        let settings = for_source(&dir, Some(dir.join("src/lib.rs")), Span::call_site()).unwrap();
        assert_eq!(settings.max_severity, "Warn");
    }

    #[test]
    fn a_test_in_no_test_binary_of_build_gn_is_an_error() {
        let dir = crate_dir("orphan", Some(BUILD));
        let error = for_source(&dir, Some(dir.join("src/other.rs")), Span::call_site())
            .err()
            .expect("a source outside BUILD.gn's test binaries is refused");
        assert!(
            error
                .to_string()
                .contains("src/other.rs holds a test but is in the sources of no test binary")
        );
    }

    #[test]
    fn a_crate_without_build_gn_gets_the_default() {
        let dir = crate_dir("none", None);
        let settings = for_source(&dir, Some(dir.join("src/lib.rs")), Span::call_site()).unwrap();
        assert_eq!((settings.max_severity, settings.package), ("Warn", None));
    }
}
