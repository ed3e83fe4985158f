//! The GIDL parser: what it builds from each construct, and each error.

use fidl_test_conformance::gidl::{self, CaseKind, ExpectedDisposition, HandleDef, HandleKind};
use fidl_test_conformance::reflect::{DecodeSpec, Key, Value};

#[test]
fn parses_a_full_case() {
    let cases = gidl::parse(
        r#"
        // comment
        success("Name") {
            bindings_allowlist = [rust, go],
            handle_defs = { #0 = event(), #1 = channel(rights: channel_default - signal + duplicate), },
            value = S { a: -5, b: 0x10, c: 1.5, d: "x\n\u{41}", e: null, f: [repeat(true):2, false],
                        h: #0, r: restrict(#1, type: channel, rights: basic), 7: null,
                        u: U { 3: { bytes = [1, 2], handles = [#0] } } },
            bytes = { v1 = [0xff], v2 = [num(-2):2, repeat(0xab):2, padding:3, 'H', 9] },
            handles = { v2 = [#1, #0] },
        }
        decode_failure("F") { type = T, bytes = { v1, v2 = [1] }, err = TOO_FEW_BYTES }
        encode_success("E") {
            value = decode({ type = T, bytes = { v2 = [0] }, handles = { v2 = [#0] } }),
            bytes = { v2 = [0] },
            handle_dispositions = { v2 = [{#0, type: event, rights: event_default}] },
        }
        "#,
    )
    .unwrap();
    assert_eq!(cases.len(), 3);
    let c = &cases[0];
    assert_eq!((c.kind, c.name.as_str(), c.line), (CaseKind::Success, "Name", 3));
    assert_eq!(c.bindings_allowlist.as_deref(), Some(&["rust".to_string(), "go".to_string()][..]));
    assert_eq!(
        c.handle_defs,
        [
            HandleDef { kind: HandleKind::Event, rights: None },
            HandleDef { kind: HandleKind::Channel, rights: Some((0xF00E & !0x1000) | 1) },
        ]
    );
    assert_eq!(c.bytes.as_deref(), Some(&[0xfe, 0xff, 0xab, 0xab, 0, 0, 0, b'H', 9][..]));
    assert_eq!(c.handles.as_deref(), Some(&[1, 0][..]));
    let Some(Value::Object { name, fields }) = &c.value else { panic!() };
    assert_eq!(name, "S");
    let get = |k: &str| &fields.iter().find(|(key, _)| *key == Key::Name(k.into())).unwrap().1;
    assert_eq!(get("a"), &Value::Int(-5));
    assert_eq!(get("b"), &Value::Int(16));
    assert_eq!(get("c"), &Value::Float(1.5));
    assert_eq!(get("d"), &Value::String("x\nA".into()));
    assert_eq!(get("e"), &Value::Null);
    assert_eq!(
        get("f"),
        &Value::List(vec![Value::Bool(true), Value::Bool(true), Value::Bool(false)])
    );
    assert_eq!(get("h"), &Value::Handle(0));
    assert_eq!(get("r"), &Value::Restrict { handle: 1, object_type: 4, rights: 0xC003 });
    assert!(fields.contains(&(Key::Ordinal(7), Value::Null)));
    assert_eq!(
        get("u"),
        &Value::Object {
            name: "U".into(),
            fields: vec![(
                Key::Ordinal(3),
                Value::UnknownData { bytes: vec![1, 2], handles: vec![0] }
            )]
        }
    );
    assert_eq!(cases[1].bytes.as_deref(), Some(&[1][..]));
    assert_eq!(cases[1].err.as_deref(), Some("TOO_FEW_BYTES"));
    assert_eq!(
        cases[2].value,
        Some(Value::Decode(Box::new(DecodeSpec {
            type_name: "T".into(),
            bytes: vec![0],
            handles: vec![0]
        })))
    );
    assert_eq!(
        cases[2].handle_dispositions.as_deref(),
        Some(&[ExpectedDisposition { handle: 0, object_type: 5, rights: 0xD003 }][..])
    );
}

#[test]
fn v1_only_bytes_are_ignored() {
    let cases =
        gidl::parse("decode_failure(\"X\") { type = T, bytes = { v1 = [1] }, err = E }").unwrap();
    assert_eq!(cases[0].bytes, None);
}

#[track_caller]
fn parse_error(text: &str, line: u32, message: &str) {
    let e = gidl::parse(text).unwrap_err();
    assert_eq!(e.line, line, "{e}");
    assert!(e.message.contains(message), "{e}");
}

#[test]
fn lexical_errors() {
    parse_error("success(\"x", 1, "unterminated string");
    parse_error("success(\"\\q\")", 1, "bad escape");
    parse_error("success(\"\\xzz\")", 1, "bad \\x escape");
    parse_error("success(\"\\u{zz}\")", 1, "bad \\u escape");
    parse_error("\n'ab'", 2, "bad character literal");
    parse_error("success$", 1, "unexpected character '$'");
}

#[test]
fn structural_errors() {
    parse_error("frobnicate(\"x\") {}", 1, "unknown case kind 'frobnicate'");
    parse_error("success(x) {}", 1, "expected the case name");
    parse_error("success(\"x\") { colour = 1 }", 1, "unknown case field 'colour'");
    parse_error("success(\"x\") { value 1 }", 1, "expected '='");
    parse_error("success(\"x\") { value = ) }", 1, "expected a value");
    parse_error("success(\"x\") { type = \"T\" }", 1, "expected a word");
    parse_error("success(\"x\") { value = S { x: 1z } }", 1, "bad number '1z'");
    parse_error("success(\"x\") { value = S { 99999999999999999999999: 1 } }", 1, "bad ordinal");
    parse_error(
        "success(\"x\") { value = S { \"k\": 1 } }",
        1,
        "expected a member name or ordinal",
    );
    parse_error(
        "success(\"x\") { value = { colour = [] } }",
        1,
        "unknown unknown-data field 'colour'",
    );
}

#[test]
fn byte_list_errors() {
    parse_error("success(\"x\") { bytes = { v2 = [num(1):9] } }", 1, "num width must be 1..8");
    parse_error("success(\"x\") { bytes = { v2 = [256] } }", 1, "byte 256 out of range");
    parse_error("success(\"x\") { bytes = { v2 = [0xq] } }", 1, "bad integer '0xq'");
}

#[test]
fn handle_errors() {
    parse_error(
        "success(\"x\") { handle_defs = { #0 = socket() } }",
        1,
        "unknown handle kind 'socket'",
    );
    parse_error("success(\"x\") { handle_defs = { #1 = event() } }", 1, "#0 missing");
    parse_error(
        "success(\"x\") { handle_defs = { #0 = event(rights: all) } }",
        1,
        "unknown rights",
    );
    parse_error(
        "success(\"x\") { handle_defs = { #0 = event(rights: basic - all) } }",
        1,
        "unknown rights",
    );
    parse_error("success(\"x\") { handles = { v2 = [#-1] } }", 1, "bad handle index");
    parse_error(
        "success(\"x\") { handle_dispositions = { v2 = [{#0, type: vmo, rights: basic}] } }",
        1,
        "unknown object type 'vmo'",
    );
    parse_error(
        "success(\"x\") { value = restrict(#0, colour: red) }",
        1,
        "unknown restrict field 'colour'",
    );
    parse_error(
        "success(\"x\") { value = decode({ colour = red }) }",
        1,
        "unknown decode field 'colour'",
    );
}
