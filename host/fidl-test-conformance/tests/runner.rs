//! The runner reports wrong expectations as failures (so a broken binding
//! cannot pass), and skips only what it says it skips.

use fidl_test_conformance::__reflect_type;
use fidl_test_conformance::gidl;
use fidl_test_conformance::reflect::{Ctx, Key, Value};
use fidl_test_conformance::runner::{self, Outcome};

fn run(text: &str) -> Outcome {
    let cases = gidl::parse(text).unwrap();
    assert_eq!(cases.len(), 1);
    runner::run(&cases[0], __reflect_type)
}

#[track_caller]
fn assert_fails(text: &str, reason: &str) {
    match run(text) {
        Outcome::Failed(r) => assert!(r.contains(reason), "{r}"),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn correct_cases_pass() {
    assert_eq!(
        run(
            "success(\"B\") { value = GoldenBoolStruct{ v: true }, bytes = { v2 = [1, padding:7] } }"
        ),
        Outcome::Passed
    );
    assert_eq!(
        run(
            "success(\"H\") { handle_defs = { #0 = event() }, value = GoldenNullableHandleStruct{ v: #0 },
             bytes = { v2 = [repeat(0xff):4, padding:4] }, handles = { v2 = [#0] } }"
        ),
        Outcome::Passed
    );
}

#[test]
fn wrong_bytes_fail() {
    assert_fails(
        "success(\"B\") { value = GoldenBoolStruct{ v: true }, bytes = { v2 = [0, padding:7] } }",
        "bytes differ",
    );
}

#[test]
fn wrong_decoded_value_fails() {
    assert_fails(
        "decode_success(\"B\") { value = GoldenBoolStruct{ v: false }, bytes = { v2 = [1, padding:7] } }",
        "GoldenBoolStruct.v: expected Bool(false), got Bool(true)",
    );
}

#[test]
fn wrong_error_code_fails() {
    assert_fails(
        "decode_failure(\"B\") { type = GoldenBoolStruct, bytes = { v2 = [2, padding:7] }, err = TOO_FEW_BYTES }",
        "got Some(\"INVALID_BOOLEAN\")",
    );
}

#[test]
fn unexpected_success_fails() {
    assert_fails(
        "decode_failure(\"B\") { type = GoldenBoolStruct, bytes = { v2 = [1, padding:7] }, err = INVALID_BOOLEAN }",
        "decode succeeded",
    );
    assert_fails(
        "encode_failure(\"B\") { value = GoldenBoolStruct{ v: true }, err = INVALID_BOOLEAN }",
        "encode succeeded",
    );
}

#[test]
fn wrong_handle_disposition_fails() {
    assert_fails(
        "encode_success(\"H\") { handle_defs = { #0 = event() }, value = GoldenHandleBasicRightsStruct{ v: #0 },
         bytes = { v2 = [repeat(0xff):4, padding:4] },
         handle_dispositions = { v2 = [{#0, type: event, rights: event_default}] } }",
        "handle dispositions (koid, type, rights) differ",
    );
}

#[test]
fn unknown_type_and_bad_literal_fail() {
    assert_fails(
        "decode_failure(\"X\") { type = NoSuchType, bytes = { v2 = [] }, err = E }",
        "no generated type",
    );
    assert_fails(
        "success(\"B\") { value = GoldenBoolStruct{ w: true }, bytes = { v2 = [1, padding:7] } }",
        "has no member 'w'",
    );
}

#[test]
fn unrepresentable_values_are_skipped_only_for_encode_failures() {
    let skipped = run(
        "encode_failure(\"E\") { value = StrictEnumUint8Struct{ e: 8 }, err = STRICT_ENUM_UNKNOWN_VALUE }",
    );
    assert!(matches!(skipped, Outcome::Skipped(r) if r.contains("unrepresentable")));
    assert_fails(
        "success(\"E\") { value = StrictEnumUint8Struct{ e: 8 }, bytes = { v2 = [8, padding:7] } }",
        "unrepresentable",
    );
}

#[test]
fn stored_policy_cases_are_skipped_with_reason() {
    let outcome = run(
        "success(\"XStored\") { bindings_allowlist = [go], value = TestFlexibleXUnionInStruct{}, bytes = { v2 = [] } }",
    );
    assert!(matches!(outcome, Outcome::Skipped(r) if r.contains("Stored")));
}

#[test]
fn comparison_rules() {
    let ctx = Ctx { koids: vec![42], ..Ctx::default() };
    let obj = |fields: Vec<(Key, Value)>| Value::Object { name: "T".into(), fields };
    let name = |n: &str| Key::Name(n.into());
    // An omitted member must be null / absent in the decoded value.
    assert!(runner::compare(&obj(vec![]), &obj(vec![(name("a"), Value::Null)]), &ctx, "T").is_ok());
    assert!(
        runner::compare(&obj(vec![]), &obj(vec![(name("a"), Value::Int(1))]), &ctx, "T").is_err()
    );
    // Dropped unknown members (`1234: null`) are absent after decoding.
    assert!(
        runner::compare(&obj(vec![(Key::Ordinal(9), Value::Null)]), &obj(vec![]), &ctx, "T")
            .is_ok()
    );
    assert!(
        runner::compare(&obj(vec![(name("a"), Value::Int(1))]), &obj(vec![]), &ctx, "T").is_err()
    );
    // Handles compare by koid; restrict also by type and rights.
    let decoded = Value::DecodedHandle { koid: 42, object_type: 5, rights: 3 };
    assert!(runner::compare(&Value::Handle(0), &decoded, &ctx, "h").is_ok());
    assert!(
        runner::compare(
            &Value::Restrict { handle: 0, object_type: 5, rights: 3 },
            &decoded,
            &ctx,
            "h"
        )
        .is_ok()
    );
    assert!(
        runner::compare(
            &Value::Restrict { handle: 0, object_type: 5, rights: 2 },
            &decoded,
            &ctx,
            "h"
        )
        .is_err()
    );
    assert!(runner::compare(&Value::Int(1), &Value::Float(1.0), &ctx, "f").is_ok());
    assert!(
        runner::compare(&Value::List(vec![Value::Int(1)]), &Value::List(vec![]), &ctx, "l")
            .is_err()
    );
}
