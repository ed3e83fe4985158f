//! The host fidl-lint: each default check of the in-tree linter that applies to source
//! files, by its in-tree id, and the binary's exit codes.

use fidlc::lint::{Finding, lint};
use std::process::Command;

const HEADER: &str = "// Copyright 2026 The Fuchsia Authors. All rights reserved.\n\
                      // Use of this source code is governed by a BSD-style license that can be\n\
                      // found in the LICENSE file.\n";

/// The check ids found in `body` placed after a good header in library `fuchsia.lint`.
fn checks(body: &str) -> Vec<&'static str> {
    let text = format!("{HEADER}library fuchsia.lint;\n{body}");
    lint("test.fidl", &text).unwrap().into_iter().map(|f| f.check).collect()
}

fn findings_of(text: &str) -> Vec<Finding> {
    lint("test.fidl", text).unwrap()
}

#[test]
fn a_clean_file_has_no_finding() {
    let body = "using zx;\n\
                /// Doc.\n\
                const MAX_LEN uint32 = 10;\n\
                alias Name = string:MAX_LEN;\n\
                type Color = flexible enum { RED = 1; };\n\
                type Flags = strict bits : uint32 { A = 1; };\n\
                type Choice = flexible resource union { 1: a uint32; };\n\
                type Spec = resource table { 1: name string:64; 2: ids vector<uint64>:8; \
                3: maybe string:<64, optional>; 4: h zx.Handle; };\n\
                type Pair = struct { first_value uint32; };\n\
                @discoverable\n\
                open protocol Thing {\n\
                    flexible Do(Spec) -> (struct { out vector<Name>:MAX_LEN; }) error zx.Status;\n\
                    flexible -> OnDone();\n\
                };\n";
    assert_eq!(checks(body), Vec::<&str>::new());
}

#[test]
fn the_copyright_header_is_required_with_the_fuchsia_authors() {
    let other = "// Copyright 2026 The proxy_manager Authors. All rights reserved.\n\
                 // Use of this source code is governed by a BSD-style license that can be\n\
                 // found in the LICENSE file.\nlibrary fuchsia.lint;\n";
    let found = findings_of(other);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].check, "invalid-copyright-for-platform-source-library");
    assert_eq!((found[0].span.line, found[0].span.column), (1, 1));
    assert!(found[0].to_string().starts_with("test.fidl:1:1: warning: FIDL files defined in"));
    assert!(found[0].to_string().ends_with("[invalid-copyright-for-platform-source-library]"));

    let missing = findings_of("library fuchsia.lint;\n");
    assert_eq!(
        missing.iter().map(|f| f.check).collect::<Vec<_>>(),
        ["invalid-copyright-for-platform-source-library"]
    );

    let without_reserved = "// Copyright 2019 The Fuchsia Authors.\n\
                            // Use of this source code is governed by a BSD-style license that can be\n\
                            // found in the LICENSE file.\nlibrary fuchsia.lint;\n";
    assert!(findings_of(without_reserved).is_empty());

    let wrong_third_line = "// Copyright 2019 The Fuchsia Authors.\n\
                            // Use of this source code is governed by a BSD-style license that can be\n\
                            // found somewhere.\nlibrary fuchsia.lint;\n";
    let found = findings_of(wrong_third_line);
    assert_eq!((found.len(), found[0].span.line), (1, 3));
}

#[test]
fn copyright_and_todo_must_not_be_doc_comments() {
    assert_eq!(
        checks("/// Copyright 2026 someone.\ntype S = struct {};\n"),
        ["copyright-should-not-be-doc-comment"]
    );
    assert_eq!(
        checks("/// TODO: later.\ntype S = struct {};\n"),
        ["todo-should-not-be-doc-comment"]
    );
    assert_eq!(checks("/// Not a TODO: fine.\ntype S = struct {};\n"), Vec::<&str>::new());
}

#[test]
fn library_names_follow_the_platform_rules() {
    let with = |library: &str| {
        let text = format!("{HEADER}library {library};\n");
        lint("test.fidl", &text).unwrap().into_iter().map(|f| f.check).collect::<Vec<_>>()
    };
    assert_eq!(with("acme.thing"), ["wrong-prefix-for-platform-source-library"]);
    assert_eq!(with("fuchsia.a.b.c.d"), ["too-many-nested-libraries"]);
    assert_eq!(with("fuchsia.common"), ["disallowed-library-name-component"]);
    assert_eq!(with("fuchsia.fbl"), ["disallowed-library-name-component"]);
    assert_eq!(with("fuchsia.zxio"), ["disallowed-library-name-component"]);
    assert_eq!(with("zx"), Vec::<&str>::new());
    assert_eq!(with("test.anything"), Vec::<&str>::new());
}

#[test]
fn declaration_names_have_their_case() {
    assert_eq!(checks("const maxLen uint32 = 1;\n"), ["invalid-case-for-constant"]);
    assert_eq!(checks("alias my_alias = uint32;\n"), ["invalid-case-for-decl-name"]);
    assert_eq!(checks("type my_struct = struct {};\n"), ["invalid-case-for-decl-name"]);
    assert_eq!(
        checks("type S = struct { BadMember uint32; };\n"),
        ["invalid-case-for-decl-member"]
    );
    assert_eq!(
        checks("type T = table { 1: BadMember uint32; };\n"),
        ["invalid-case-for-decl-member"]
    );
    assert_eq!(checks("type E = strict enum { lower = 1; };\n"), ["invalid-case-for-constant"]);
    assert_eq!(checks("closed protocol my_protocol {};\n"), ["invalid-case-for-decl-name"]);
    assert_eq!(checks("closed protocol P { strict do_it(); };\n"), ["invalid-case-for-decl-name"]);
    let text = format!("{HEADER}library fuchsia.lint;\nusing zx as ZX;\n");
    let found = lint("test.fidl", &text).unwrap();
    assert_eq!(found.iter().map(|f| f.check).collect::<Vec<_>>(), ["invalid-case-for-using-alias"]);
    assert_eq!(found[0].message, "Using aliases must be named in lower_snake_case");
    let found =
        findings_of(&format!("{HEADER}library fuchsia.lint;\ntype S = struct {{ X uint32; }};\n"));
    assert_eq!(found[0].message, "struct members must be named in lower_snake_case");
}

#[test]
fn protocols_and_events_are_named_as_the_rubric_says() {
    assert_eq!(checks("closed protocol FooService {};\n"), ["protocol-name-includes-service"]);
    assert_eq!(
        checks("closed protocol P { strict -> Done(); };\n"),
        ["event-names-must-start-with-on"]
    );
    assert_eq!(
        checks("closed protocol P { strict -> Once(); };\n"),
        ["event-names-must-start-with-on"]
    );
    assert_eq!(checks("closed protocol P { strict -> OnDone(); };\n"), Vec::<&str>::new());
}

#[test]
fn unions_enums_and_bits_say_strict_or_flexible() {
    assert_eq!(checks("type E = enum { A = 1; };\n"), ["explicit-flexible-modifier"]);
    assert_eq!(checks("type B = bits { A = 1; };\n"), ["explicit-flexible-modifier"]);
    assert_eq!(checks("type U = union { 1: a uint32; };\n"), ["explicit-flexible-modifier"]);
    let found =
        findings_of(&format!("{HEADER}library fuchsia.lint;\ntype B = bits {{ A = 1; }};\n"));
    assert_eq!(found[0].message, "bitfield must have an explicit 'flexible' modifier");
    assert_eq!(
        checks("type S = struct { u union { 1: a uint32; }; };\n"),
        ["explicit-flexible-modifier"]
    );
}

#[test]
fn strictness_comes_before_resource() {
    assert_eq!(checks("type U = resource flexible union { 1: a uint32; };\n"), ["modifier-order"]);
    assert_eq!(checks("type U = flexible resource union { 1: a uint32; };\n"), Vec::<&str>::new());
}

#[test]
fn strings_and_vectors_are_bounded_outside_constants() {
    assert_eq!(checks("type S = struct { s string; };\n"), ["string-bounds-not-specified"]);
    assert_eq!(
        checks("type S = struct { s string:optional; };\n"),
        ["string-bounds-not-specified"]
    );
    assert_eq!(checks("type S = struct { v vector<uint8>; };\n"), ["vector-bounds-not-specified"]);
    assert_eq!(
        checks("type S = struct { v vector<string>:4; };\n"),
        ["string-bounds-not-specified"]
    );
    assert_eq!(checks("const NAME string = \"x\";\n"), Vec::<&str>::new());
    assert_eq!(
        checks("const N uint32 = 4;\ntype S = struct { s string:N; };\n"),
        Vec::<&str>::new()
    );
}

#[test]
fn zx_status_is_for_errors_and_zx_result_is_not() {
    let body = "using zx;\nclosed protocol P {\n\
                strict A() -> (struct { s zx.Status; });\n\
                strict B() -> () error zx.Result;\n\
                strict C() -> () error zx.Status;\n};\n";
    assert_eq!(checks(body), ["zx-status-non-error", "zx-result-error"]);
}

#[test]
fn a_file_that_does_not_parse_is_an_error() {
    assert!(lint("bad.fidl", "library").is_err());
}

fn fidl_lint(args: &[&std::path::Path]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_fidl-lint")).args(args).output().unwrap()
}

#[test]
fn the_binary_exits_non_zero_on_findings_and_names_the_check() {
    let dir = std::env::temp_dir().join(format!("fidl-lint-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let clean = dir.join("clean.fidl");
    std::fs::write(&clean, format!("{HEADER}library fuchsia.lint;\n")).unwrap();
    let dirty = dir.join("dirty.fidl");
    std::fs::write(&dirty, "library fuchsia.lint;\ntype E = enum { A = 1; };\n").unwrap();
    let broken = dir.join("broken.fidl");
    std::fs::write(&broken, "library").unwrap();

    let output = fidl_lint(&[&clean]);
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());

    let output = fidl_lint(&[&clean, &dirty]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 2);
    assert!(stdout.contains("dirty.fidl:1:1: warning: "));
    assert!(stdout.contains("[invalid-copyright-for-platform-source-library]"));
    assert!(stdout.contains("dirty.fidl:2:10: warning: enum must have an explicit 'flexible' modifier [explicit-flexible-modifier]"));

    assert_eq!(fidl_lint(&[&broken]).status.code(), Some(2));
    assert_eq!(fidl_lint(&[&dir.join("missing.fidl")]).status.code(), Some(2));
    assert_eq!(fidl_lint(&[]).status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}
