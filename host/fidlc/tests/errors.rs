//! Every error path of the front end: each test checks the exact position
//! and the message of the first error.

fn first_error(files: &[(&str, &str)]) -> String {
    let mut c = fidlc::Compiler::new();
    for (path, text) in files {
        c = c.source(*path, *text);
    }
    match c.compile() {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.0[0].to_string(),
    }
}

fn err(text: &str) -> String {
    first_error(&[("a.fidl", text)])
}

#[track_caller]
fn assert_err(text: &str, position: &str, message: &str) {
    let e = err(text);
    let prefix = format!("a.fidl:{position}: error: ");
    assert!(e.starts_with(&prefix), "{e}");
    assert!(e.contains(message), "{e}");
}

#[test]
fn missing_library_declaration() {
    assert_err("type S = struct {};", "1:1", "expected 'library'");
}

#[test]
fn missing_semicolon() {
    assert_err("library a;\ntype S = struct {}\n", "3:1", "unexpected end of file, expected ';'");
}

#[test]
fn invalid_character() {
    assert_err("library a;\n$", "2:1", "invalid character '$'");
}

#[test]
fn unterminated_string() {
    assert_err("library a;\nconst S string = \"abc;\n", "2:18", "unterminated string literal");
}

#[test]
fn unknown_declaration_keyword() {
    assert_err("library a;\nstructure S {};", "2:1", "expected declaration");
}

#[test]
fn type_declaration_needs_layout() {
    assert_err("library a;\ntype S = uint32;", "2:10", "expected layout");
}

#[test]
fn strict_struct_is_rejected() {
    assert_err(
        "library a;\ntype S = strict struct {};",
        "2:10",
        "'struct' cannot be strict or flexible",
    );
}

#[test]
fn resource_enum_is_rejected() {
    assert_err(
        "library a;\ntype E = resource enum { A = 1; };",
        "2:10",
        "'enum' cannot be a resource",
    );
}

#[test]
fn unknown_type() {
    assert_err("library a;\ntype S = struct {\n  x Missing;\n};", "3:5", "unknown type 'Missing'");
}

#[test]
fn duplicate_declaration_across_files() {
    let e = first_error(&[
        ("a.fidl", "library a;\ntype S = struct {};"),
        ("b.fidl", "library a;\n\ntype S = table {};"),
    ]);
    assert!(
        e.starts_with(
            "b.fidl:3:6: error: multiple declarations of 'S'; also declared at a.fidl:2:6"
        ),
        "{e}"
    );
}

#[test]
fn duplicate_generated_name() {
    assert_err(
        "library a;\ntype Inner = struct {};\ntype S = struct { inner struct {}; };",
        "3:25",
        "multiple declarations of 'Inner'",
    );
}

#[test]
fn duplicate_member() {
    assert_err(
        "library a;\ntype S = struct { x uint8; x uint16; };",
        "2:28",
        "multiple members named 'x'",
    );
}

#[test]
fn duplicate_ordinal() {
    assert_err(
        "library a;\ntype T = table { 1: x uint8; 1: y uint8; };",
        "2:33",
        "multiple members with ordinal 1",
    );
}

#[test]
fn zero_ordinal() {
    assert_err("library a;\ntype T = table { 0: x uint8; };", "2:18", "invalid ordinal '0'");
}

#[test]
fn table_ordinal_over_64() {
    assert_err("library a;\ntype T = table { 65: x uint8; };", "2:22", "exceeds the maximum of 64");
}

#[test]
fn optional_table_member() {
    assert_err(
        "library a;\ntype T = table { 1: s string:optional; };",
        "2:23",
        "table members cannot be optional",
    );
}

#[test]
fn optional_struct_needs_box() {
    assert_err(
        "library a;\ntype A = struct {};\ntype S = struct { a A:optional; };",
        "3:23",
        "cannot be optional; use box<A> instead",
    );
}

#[test]
fn bad_string_bound() {
    assert_err(
        "library a;\ntype S = struct { s string:\"x\"; };",
        "2:28",
        "cannot be interpreted as type uint64",
    );
}

#[test]
fn too_many_constraints() {
    assert_err(
        "library a;\ntype S = struct { s string:<1, optional, 3>; };",
        "2:42",
        "too many constraints for 'string'",
    );
}

#[test]
fn optional_must_be_last() {
    assert_err(
        "library a;\ntype S = struct { s string:<optional, 3>; };",
        "2:29",
        "'optional' must be the last",
    );
}

#[test]
fn constraints_on_primitive() {
    assert_err(
        "library a;\ntype S = struct { x uint8:optional; };",
        "2:27",
        "'uint8' cannot have constraints",
    );
}

#[test]
fn parameters_on_non_generic() {
    assert_err(
        "library a;\ntype S = struct { x uint8<uint8>; };",
        "2:21",
        "does not accept layout parameters",
    );
}

#[test]
fn vector_without_parameter() {
    assert_err(
        "library a;\ntype S = struct { v vector; };",
        "2:21",
        "'vector' expects 1 layout parameter(s)",
    );
}

#[test]
fn zero_sized_array() {
    assert_err(
        "library a;\ntype S = struct { a array<uint8, 0>; };",
        "2:34",
        "array size must be at least 1",
    );
}

#[test]
fn box_of_non_struct() {
    assert_err(
        "library a;\ntype S = struct { b box<uint8>; };",
        "2:21",
        "only structs can be boxed",
    );
}

#[test]
fn endpoint_without_protocol() {
    assert_err(
        "library a;\ntype S = resource struct { c client_end; };",
        "2:30",
        "requires a protocol constraint",
    );
}

#[test]
fn endpoint_of_non_protocol() {
    assert_err(
        "library a;\ntype T = struct {};\ntype S = resource struct { c client_end:T; };",
        "3:41",
        "'T' is not a protocol",
    );
}

#[test]
fn protocol_used_as_type() {
    assert_err(
        "library a;\nprotocol P {};\ntype S = struct { p P; };",
        "3:21",
        "cannot be used as a type",
    );
}

#[test]
fn constant_used_as_type() {
    assert_err(
        "library a;\nconst C uint8 = 1;\ntype S = struct { c C; };",
        "3:21",
        "'C' is not a type",
    );
}

#[test]
fn unknown_handle_subtype() {
    assert_err(
        "library a;\nusing zx;\ntype S = resource struct { h zx.Handle:SOCKETX; };",
        "3:40",
        "unknown handle subtype 'SOCKETX'",
    );
}

#[test]
fn handle_in_value_type_needs_resource() {
    assert_err(
        "library a;\nusing zx;\ntype S = struct { h zx.Handle; };",
        "3:19",
        "'S' may contain handles (due to member 'h'), so it must be declared with the `resource` modifier",
    );
}

#[test]
fn unknown_library() {
    assert_err("library a;\nusing nowhere.lib;\n", "2:7", "unknown library 'nowhere.lib'");
}

#[test]
fn mismatched_library_names() {
    let e = first_error(&[("a.fidl", "library a;"), ("b.fidl", "library b;")]);
    assert!(e.starts_with("b.fidl:1:9: error: file declares library 'b'"), "{e}");
}

#[test]
fn includes_cycle() {
    assert_err(
        "library a;\ntype A = struct { b B; };\ntype B = struct { a A; };",
        "2:6",
        "there is an includes-cycle in declaration 'A'",
    );
}

#[test]
fn alias_cycle() {
    assert_err(
        "library a;\nalias A = B;\nalias B = A;",
        "2:11",
        "includes-cycle in declaration 'B'",
    );
}

#[test]
fn const_out_of_range() {
    assert_err(
        "library a;\nconst C uint8 = 256;",
        "2:17",
        "constant value 256 does not fit in uint8",
    );
}

#[test]
fn negative_unsigned_const() {
    assert_err("library a;\nconst C uint32 = -1;", "2:18", "does not fit in uint32");
}

#[test]
fn const_type_mismatch() {
    assert_err("library a;\nconst C bool = 1;", "2:16", "cannot be interpreted as type bool");
}

#[test]
fn const_reference_type_mismatch() {
    assert_err(
        "library a;\nconst S string = \"x\";\nconst C uint8 = S;",
        "3:17",
        "constant of type string cannot be used as uint8",
    );
}

#[test]
fn string_const_over_bound() {
    assert_err("library a;\nconst S string:2 = \"abc\";", "2:20", "exceeds the bound 2");
}

#[test]
fn unknown_constant() {
    assert_err("library a;\nconst C uint8 = NOPE;", "2:17", "unknown constant 'NOPE'");
}

#[test]
fn unknown_enum_member() {
    assert_err(
        "library a;\ntype E = enum : uint8 { A = 1; };\nconst C E = E.B;",
        "3:13",
        "unknown member 'B' of 'E'",
    );
}

#[test]
fn or_on_signed() {
    assert_err(
        "library a;\nconst C int8 = 1 | 2;",
        "2:16",
        "'|' is only allowed on bits and unsigned integers",
    );
}

#[test]
fn const_cycle() {
    assert_err("library a;\nconst A uint8 = B;\nconst B uint8 = A;", "3:17", "includes-cycle");
}

#[test]
fn invalid_const_type() {
    assert_err("library a;\ntype S = struct {};\nconst C S = 1;", "3:9", "invalid constant type");
}

#[test]
fn enum_with_float_subtype() {
    assert_err(
        "library a;\ntype E = enum : float32 { A = 1; };",
        "2:17",
        "enum must be backed by an integer type",
    );
}

#[test]
fn bits_with_signed_subtype() {
    assert_err(
        "library a;\ntype B = bits : int8 { A = 1; };",
        "2:17",
        "must be backed by an unsigned integer",
    );
}

#[test]
fn duplicate_enum_value() {
    assert_err(
        "library a;\ntype E = enum : uint8 { A = 1; B = 1; };",
        "2:32",
        "value of member 'B' conflicts with previously declared member 'A'",
    );
}

#[test]
fn enum_value_out_of_range() {
    assert_err("library a;\ntype E = enum : uint8 { A = 300; };", "2:29", "does not fit in uint8");
}

#[test]
fn bits_not_power_of_two() {
    assert_err("library a;\ntype B = bits { A = 3; };", "2:17", "must be a power of two");
}

#[test]
fn empty_strict_enum() {
    assert_err(
        "library a;\ntype E = strict enum {};",
        "2:6",
        "strict enum must have at least one member",
    );
}

#[test]
fn empty_strict_bits() {
    assert_err(
        "library a;\ntype B = strict bits {};",
        "2:6",
        "strict bits must have at least one member",
    );
}

#[test]
fn struct_member_default() {
    assert_err(
        "library a;\ntype S = struct {\n  x uint8 = 3;\n};",
        "3:3",
        "struct member defaults are deprecated",
    );
    fidlc::Compiler::new()
        .source(
            "a.fidl",
            "library a;\ntype S = struct { @allow_deprecated_struct_defaults x uint8 = 3; };",
        )
        .compile()
        .unwrap();
}

#[test]
fn empty_strict_union() {
    assert_err(
        "library a;\ntype U = strict union {};",
        "2:6",
        "strict union must have at least one member",
    );
}

#[test]
fn flexible_method_in_closed_protocol() {
    assert_err(
        "library a;\nclosed protocol P {\n  flexible M();\n};",
        "3:12",
        "flexible method 'M' is not allowed in a closed protocol",
    );
}

#[test]
fn flexible_two_way_in_ajar_protocol() {
    assert_err(
        "library a;\najar protocol P {\n  flexible M() -> ();\n};",
        "3:12",
        "not allowed in a ajar protocol",
    );
}

#[test]
fn duplicate_method() {
    assert_err("library a;\nprotocol P {\n  M();\n  M();\n};", "4:3", "multiple methods named 'M'");
}

#[test]
fn selector_collision() {
    assert_err(
        "library a;\nprotocol P {\n  M();\n  @selector(\"M\")\n  N();\n};",
        "5:3",
        "method 'N' has the same ordinal as method 'M'",
    );
}

#[test]
fn invalid_payload_type() {
    assert_err(
        "library a;\nprotocol P {\n  M(uint32);\n};",
        "3:5",
        "method payload must be a struct, table or union",
    );
}

#[test]
fn invalid_error_type() {
    assert_err(
        "library a;\nprotocol P {\n  M() -> () error string;\n};",
        "3:19",
        "error type must be an int32",
    );
}

#[test]
fn event_with_error() {
    assert_err(
        "library a;\nprotocol P {\n  -> E() error int32;\n};",
        "3:6",
        "events cannot have an error type",
    );
}

#[test]
fn compose_unknown_protocol() {
    assert_err("library a;\nprotocol P {\n  compose Q;\n};", "3:11", "unknown protocol 'Q'");
}

#[test]
fn compose_cycle() {
    assert_err(
        "library a;\nprotocol P {\n  compose Q;\n};\nprotocol Q {\n  compose P;\n};",
        "6:11",
        "composes itself",
    );
}

#[test]
fn attribute_on_nothing() {
    assert_err("library a;\n@foo\n", "2:1", "attribute is not attached to a declaration");
}

#[test]
fn attribute_on_named_type_use() {
    assert_err(
        "library a;\ntype S = struct { x @foo uint8; };",
        "2:21",
        "attributes are only allowed on inline layouts",
    );
}

#[test]
fn resource_definition_not_uint32() {
    assert_err(
        "library a;\ntype O = enum { A = 1; };\nresource_definition h : uint8 { properties { subtype O; }; };",
        "3:25",
        "must be backed by uint32",
    );
}

#[test]
fn service_member_must_be_client_end() {
    assert_err(
        "library a;\nservice S { m uint32; };",
        "2:15",
        "service members must be client_end:P",
    );
}

#[test]
fn no_sources() {
    let e = fidlc::Compiler::new().compile().unwrap_err();
    assert!(e.to_string().contains("no source files given"), "{e}");
}

#[test]
fn unreadable_file() {
    let e = fidlc::SourceFile::read(std::path::Path::new("/nonexistent/x.fidl")).unwrap_err();
    assert!(e.to_string().starts_with("/nonexistent/x.fidl:1:1: error: cannot read file"), "{e}");
}

#[test]
fn multiple_errors_are_all_reported() {
    let e = fidlc::Compiler::new()
        .source("a.fidl", "library a;\ntype S = struct { x X; };\ntype T = struct { y Y; };")
        .compile()
        .unwrap_err();
    assert_eq!(e.0.len(), 2);
    assert_eq!(
        e.to_string(),
        "a.fidl:2:21: error: unknown type 'X'\na.fidl:3:21: error: unknown type 'Y'"
    );
}
