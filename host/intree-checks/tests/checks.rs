//! Each check on small BUILD.gn files: what it accepts and what it refuses, by name.

use intree_checks::gn::{Value, parse};
use intree_checks::log_settings::max_severity_for_source;
use intree_checks::{includes, labels, unit_tests};
use std::collections::BTreeSet;

const BUILD: &str = r#"
# A comment.
import("//build/components.gni")

fidl("fuchsia.example") {
  sources = [ "example.fidl" ]
}

rustc_library("lib") {
  with_unit_tests = true
  sources = [ "src/lib.rs", "src/lib/tests.rs" ]
  deps = [ ":fuchsia.example_rust", "//src/lib/diagnostics/inspect/runtime/rust" ]
  test_deps = [ "//src/lib/fuchsia" ]
}

rustc_binary("bin") {
  sources = [ "src/main.rs" ]
  deps = [ ":lib" ]
}

rustc_test("integration") {
  source_root = "tests/integration.rs"
  sources = [ "tests/integration.rs" ]
  deps = [ ":lib", "//src/lib/fuchsia" ]
}

fuchsia_component_manifest("manifest") {
  manifest = "meta/c.cml"
}

fuchsia_component("component") {
  cm_label = ":manifest"
  deps = [ ":bin" ]
}

fuchsia_unittest_package("unittests") {
  deps = [ ":lib_test" ]
  test_specs = {
    log_settings = {
      max_severity = "ERROR"
    }
  }
}

fuchsia_test_component("integration_component") {
  manifest = "meta/test.cml"
  deps = [ ":integration" ]
}

fuchsia_test_package("integration-tests") {
  test_components = [ ":integration_component" ]
  deps = [ ":component" ]
}
"#;

#[test]
fn the_parser_reads_targets_lists_and_nested_scopes() {
    let build = parse(BUILD).unwrap();
    let lib = build.target("lib").unwrap();
    assert_eq!(lib.kind, "rustc_library");
    assert!(lib.scope.flag("with_unit_tests"));
    assert_eq!(lib.scope.strings("sources"), ["src/lib.rs", "src/lib/tests.rs"]);
    let specs = build.target("unittests").unwrap().scope.scope("test_specs").unwrap();
    assert_eq!(
        specs.scope("log_settings").unwrap().get("max_severity"),
        Some(Value::Str("ERROR".into()))
    );
    assert_eq!(build.targets().count(), 9);
}

#[test]
fn appending_to_a_list_extends_it() {
    let build = parse("group(\"g\") {\n deps = [ \":a\" ]\n deps += [ \":b\" ]\n}\n").unwrap();
    assert_eq!(build.target("g").unwrap().scope.strings("deps"), [":a", ":b"]);
}

#[test]
fn the_parser_refuses_what_it_does_not_understand_naming_the_line() {
    let error = parse("group(\"g\") {\n}\nif (is_host) {\n}\n").unwrap_err();
    assert_eq!(error.line, 3);
    assert!(parse("group(\"g\") {\n deps = [ \":a\" \n").is_err());
    assert!(parse("x = \"unterminated\n").is_err());
    assert!(parse("x = 1 + 2\n").is_err());
}

fn known(labels: &[&str]) -> BTreeSet<String> {
    labels.iter().map(|l| (*l).to_owned()).collect()
}

#[test]
fn unknown_labels_are_named_and_local_labels_must_resolve() {
    let build = parse(BUILD).unwrap();
    let all = known(&[
        "//build/components.gni",
        "//src/lib/diagnostics/inspect/runtime/rust",
        "//src/lib/fuchsia",
    ]);
    assert_eq!(labels::check("BUILD.gn", &build, &all), Vec::<String>::new());

    let missing = known(&["//build/components.gni", "//src/lib/fuchsia"]);
    let findings = labels::check("BUILD.gn", &build, &missing);
    assert_eq!(findings.len(), 1);
    assert!(
        findings[0].starts_with(
            "BUILD.gn:12: unknown GN label //src/lib/diagnostics/inspect/runtime/rust"
        )
    );

    let dangling = parse("group(\"g\") {\n deps = [ \":nowhere\", \":g\" ]\n}\n").unwrap();
    let findings = labels::check("BUILD.gn", &dangling, &all);
    assert_eq!(findings, ["BUILD.gn:2: GN label :nowhere names no target of BUILD.gn"]);
}

#[test]
fn label_lists_need_where_each_label_was_seen() {
    let list = "# header\n//a/b   a/b/BUILD.gn\n\n//c:d   c/BUILD.gn (target d)\n";
    assert_eq!(labels::parse_list("l.txt", list).unwrap(), known(&["//a/b", "//c:d"]));
    assert!(labels::parse_list("l.txt", "//a/b\n").unwrap_err().starts_with("l.txt:1:"));
    assert!(labels::parse_list("l.txt", "a/b  somewhere\n").is_err());
}

#[test]
fn a_generated_unit_test_manifest_takes_exactly_one_binary() {
    let build = parse(BUILD).unwrap();
    assert_eq!(unit_tests::check("BUILD.gn", &build), Vec::<String>::new());

    let two =
        BUILD.replace("deps = [ \":lib_test\" ]", "deps = [ \":lib_test\", \":integration\" ]");
    let findings = unit_tests::check("BUILD.gn", &parse(&two).unwrap());
    assert_eq!(findings.len(), 1);
    assert!(findings[0].contains("from 2 test binaries (:lib_test, :integration)"));

    // A binary without unit tests has no `_test` binary: nothing to run.
    let none = BUILD.replace("deps = [ \":lib_test\" ]", "deps = [ \":bin_test\" ]");
    assert!(
        unit_tests::check("BUILD.gn", &parse(&none).unwrap())[0].contains("from 0 test binaries")
    );
}

/// Writes `files` under a fresh directory and returns it.
fn tree(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("intree-checks-{name}-{}", std::process::id()));
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn manifests_include_the_shards_their_deps_expect() {
    let good_component = r#"{ include: [ "inspect/client.shard.cml" ], program: {} }"#;
    let good_test = r#"{
        // The runner and the shards of what the test links.
        include: [
            "//src/sys/test_runners/rust/default.shard.cml",
            "inspect/client.shard.cml",
            "syslog/client.shard.cml",
        ],
    }"#;
    let build = parse(BUILD).unwrap();
    let dir = tree("good", &[("meta/c.cml", good_component), ("meta/test.cml", good_test)]);
    assert_eq!(includes::check("BUILD.gn", &dir, &build).unwrap(), Vec::<String>::new());

    let dir = tree("bad", &[("meta/c.cml", "{ program: {} }"), ("meta/test.cml", "{}")]);
    let findings = includes::check("BUILD.gn", &dir, &build).unwrap();
    let expected = [
        ("meta/c.cml", "\"inspect/client.shard.cml\""),
        ("meta/test.cml", "\"//src/sys/test_runners/rust/default.shard.cml\""),
        ("meta/test.cml", "\"inspect/client.shard.cml\""),
        ("meta/test.cml", "\"syslog/client.shard.cml\""),
    ];
    assert_eq!(findings.len(), expected.len(), "{findings:#?}");
    for (manifest, shard) in expected {
        assert!(
            findings.iter().any(|f| f.contains(&format!("{manifest} must include {shard}"))),
            "{manifest} {shard}: {findings:#?}"
        );
    }

    let unreadable = tree("unreadable", &[("meta/c.cml", "{ not json5")]);
    assert!(includes::check("BUILD.gn", &unreadable, &build).is_err());
}

#[test]
fn a_test_may_log_up_to_its_package_s_max_severity() {
    let build = parse(BUILD).unwrap();
    let unit = max_severity_for_source(&build, "src/lib/tests.rs").unwrap();
    assert_eq!((unit.package.as_str(), unit.max_severity.as_str()), ("unittests", "ERROR"));
    let integration = max_severity_for_source(&build, "tests/integration.rs").unwrap();
    assert_eq!(
        (integration.package.as_str(), integration.max_severity.as_str()),
        ("integration-tests", "WARN")
    );
    assert!(max_severity_for_source(&build, "src/main.rs").unwrap_err().contains("no test binary"));
    assert!(max_severity_for_source(&build, "src/other.rs").is_err());

    let orphan = BUILD.replace("deps = [ \":lib_test\" ]", "deps = []");
    assert!(
        max_severity_for_source(&parse(&orphan).unwrap(), "src/lib/tests.rs")
            .unwrap_err()
            .contains("in no test package")
    );
    let misspelled = BUILD.replace("\"ERROR\"", "\"LOUD\"");
    assert!(max_severity_for_source(&parse(&misspelled).unwrap(), "src/lib.rs").is_err());
}

#[test]
fn a_component_that_traces_creates_a_trace_provider() {
    use intree_checks::trace_provider;
    let build = |deps: &str| {
        parse(&format!(
            "rustc_binary(\"bin\") {{\n  sources = [ \"src/main.rs\" ]\n  deps = [ {deps} ]\n}}\n\
             fuchsia_component(\"c\") {{\n  manifest = \"meta/c.cml\"\n  deps = [ \":bin\" ]\n}}\n"
        ))
        .unwrap()
    };
    let creating =
        tree("trace-yes", &[("src/main.rs", "fn main() { trace_provider_create_with_fdio(); }")]);
    let silent = tree("trace-no", &[("src/main.rs", "fn main() {}")]);
    let both = "\"//src/lib/trace/rust:trace\", \"//src/lib/trace/rust:trace-provider\"";

    assert_eq!(
        trace_provider::check("BUILD.gn", &creating, &build(both)).unwrap(),
        Vec::<String>::new()
    );
    let without_dep =
        trace_provider::check("BUILD.gn", &creating, &build("\"//src/lib/trace/rust:trace\""))
            .unwrap();
    assert!(without_dep[0].contains("does not depend on //src/lib/trace/rust:trace-provider"));
    let without_call = trace_provider::check("BUILD.gn", &silent, &build(both)).unwrap();
    assert!(without_call[0].contains("none of its sources calls"));
    assert_eq!(
        trace_provider::check("BUILD.gn", &silent, &build("")).unwrap(),
        Vec::<String>::new()
    );
}

#[test]
fn a_test_starts_only_components_its_package_contains() {
    use intree_checks::realm_children;
    let build = |package_deps: &str| {
        parse(&format!(
            "fuchsia_component_manifest(\"manifest\") {{\n  component_name = \"proxy_manager\"\n  \
             manifest = \"meta/pm.cml\"\n}}\n\
             fuchsia_component(\"component\") {{\n  cm_label = \":manifest\"\n}}\n\
             rustc_test(\"integration_test\") {{\n  sources = [ \"tests/it.rs\" ]\n}}\n\
             fuchsia_test_component(\"test_component\") {{\n  manifest = \"meta/t.cml\"\n  \
             deps = [ \":integration_test\" ]\n}}\n\
             fuchsia_test_package(\"tests\") {{\n  test_components = [ \":test_component\" ]\n  \
             deps = [ {package_deps} ]\n}}\n"
        ))
        .unwrap()
    };
    let sources = tree(
        "realm-children",
        &[(
            "tests/it.rs",
            "add_child(\"pm\", \"#meta/proxy_manager.cm\"); add_child(\"t\", \"#meta/trace_manager.cm\");",
        )],
    );
    let both = "\":component\", \"//src/performance/trace_manager:component_hermetic\"";
    assert_eq!(
        realm_children::check("BUILD.gn", &sources, &build(both)).unwrap(),
        Vec::<String>::new()
    );
    let without_trace_manager =
        realm_children::check("BUILD.gn", &sources, &build("\":component\"")).unwrap();
    assert_eq!(without_trace_manager.len(), 1);
    assert!(
        without_trace_manager[0].contains("\"#meta/trace_manager.cm\""),
        "{without_trace_manager:?}"
    );
    assert!(without_trace_manager[0].contains("test package \"tests\""));
    let without_any = realm_children::check("BUILD.gn", &sources, &build("")).unwrap();
    assert_eq!(without_any.len(), 2);
    let missing_source = tree("realm-children-missing", &[]);
    assert!(realm_children::check("BUILD.gn", &missing_source, &build(both)).is_err());
}
