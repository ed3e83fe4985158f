//! The check binaries: exit 0 when clean, 1 naming each finding, 2 when they cannot check.

use std::path::{Path, PathBuf};
use std::process::Command;

fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("intree-bins-{name}-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("meta")).unwrap();
    dir
}

fn run(binary: &str, args: &[&Path]) -> (Option<i32>, String) {
    let output = Command::new(binary).args(args).output().unwrap();
    (output.status.code(), String::from_utf8(output.stdout).unwrap())
}

const CHECK_LABELS: &str = env!("CARGO_BIN_EXE_check-gn-labels");
const CHECK_INCLUDES: &str = env!("CARGO_BIN_EXE_check-manifest-includes");
const CHECK_UNIT_TESTS: &str = env!("CARGO_BIN_EXE_check-unit-test-binaries");

#[test]
fn check_gn_labels_names_the_unknown_label() {
    let dir = dir("labels");
    let build = dir.join("BUILD.gn");
    std::fs::write(&build, "group(\"g\") {\n  deps = [ \"//known\", \"//unknown:x\" ]\n}\n")
        .unwrap();
    let list = dir.join("labels.txt");
    std::fs::write(&list, "//known   known/BUILD.gn\n").unwrap();
    let (code, stdout) = run(CHECK_LABELS, &[&build, &list]);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("unknown GN label //unknown:x"), "{stdout}");
    std::fs::write(&list, "//known   known/BUILD.gn\n//unknown:x   unknown/BUILD.gn\n").unwrap();
    assert_eq!(run(CHECK_LABELS, &[&build, &list]), (Some(0), String::new()));
    assert_eq!(run(CHECK_LABELS, &[&build, &dir.join("missing.txt")]).0, Some(2));
    assert_eq!(run(CHECK_LABELS, &[&build]).0, Some(2));
}

#[test]
fn check_manifest_includes_names_the_missing_shard() {
    let dir = dir("includes");
    let build = dir.join("BUILD.gn");
    std::fs::write(
        &build,
        "fuchsia_component(\"c\") {\n  manifest = \"meta/c.cml\"\n  deps = [ \":bin\" ]\n}\n\
         rustc_binary(\"bin\") {\n  deps = [ \"//src/lib/trace/rust:trace-provider\" ]\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("meta/c.cml"), "{ include: [] }").unwrap();
    let (code, stdout) = run(CHECK_INCLUDES, &[&build]);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("meta/c.cml must include \"trace/client.shard.cml\""), "{stdout}");
    std::fs::write(dir.join("meta/c.cml"), "{ include: [ \"trace/client.shard.cml\" ] }").unwrap();
    assert_eq!(run(CHECK_INCLUDES, &[&build]), (Some(0), String::new()));
    assert_eq!(run(CHECK_INCLUDES, &[&dir.join("missing.gn")]).0, Some(2));
}

#[test]
fn check_unit_test_binaries_names_the_package() {
    let dir = dir("unit");
    let build = dir.join("BUILD.gn");
    let text = "rustc_library(\"lib\") {\n  with_unit_tests = true\n}\n\
                rustc_binary(\"bin\") {\n  with_unit_tests = true\n}\n\
                fuchsia_unittest_package(\"p\") {\n  deps = [ \":bin_test\", \":lib_test\" ]\n}\n";
    std::fs::write(&build, text).unwrap();
    let (code, stdout) = run(CHECK_UNIT_TESTS, &[&build]);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("fuchsia_unittest_package(\"p\")"), "{stdout}");
    std::fs::write(&build, text.replace("\":bin_test\", ", "")).unwrap();
    assert_eq!(run(CHECK_UNIT_TESTS, &[&build]), (Some(0), String::new()));
}
