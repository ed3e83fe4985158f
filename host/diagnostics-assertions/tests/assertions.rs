use diagnostics_assertions::*;
use diagnostics_hierarchy::{
    ArrayContent, ArrayFormat, DiagnosticsHierarchy, LinearHistogram, Property,
};

fn tree() -> DiagnosticsHierarchy {
    DiagnosticsHierarchy::new(
        "root",
        vec![
            Property::Uint("count".into(), 3),
            Property::Int("delta".into(), -2),
            Property::Double("ratio".into(), 0.5),
            Property::Bool("on".into(), true),
            Property::String("name".into(), "x".into()),
            Property::Bytes("raw".into(), vec![1, 2]),
            Property::IntArray("ints".into(), ArrayContent::Values(vec![1, 2])),
            Property::StringList("list".into(), vec!["a".into(), "".into()]),
            Property::UintArray(
                "hist".into(),
                ArrayContent::new(vec![0, 1, 0, 5, 0], ArrayFormat::LinearHistogram).unwrap(),
            ),
            Property::Uint("zero".into(), 0),
        ],
        vec![
            DiagnosticsHierarchy::new("child", vec![Property::Int("n".into(), 7)], vec![]),
            DiagnosticsHierarchy::new("with.dot", vec![], vec![]),
        ],
    )
}

#[test]
fn exact_tree_with_every_value_kind_matches() {
    futures::executor::block_on(async {
        let key = "zero";
        assert_data_tree!(tree(), root: {
            count: 3u64,
            delta: -2i64,
            ratio: 0.5,
            on: true,
            name: "x",
            raw: vec![1u8, 2],
            ints: vec![1i64, 2],
            list: vec!["a", ""],
            hist: LinearHistogram { size: 3, floor: 0u64, step: 1, counts: vec![0, 5, 0], indexes: None },
            var key: AnyUintProperty,
            child: { n: NonZeroIntProperty },
            "with.dot": {},
        });
    });
}

#[test]
fn contains_ignores_unlisted_values() {
    futures::executor::block_on(async {
        assert_data_tree!(tree(), root: contains { child: contains {} });
    });
}

fn failure(assertion: TreeAssertion) -> String {
    assertion.run(&tree()).unwrap_err().to_string()
}

#[test]
fn each_failure_names_the_problem_and_path() {
    assert!(failure(tree_assertion!(other: contains {})).contains("named"));
    assert!(
        failure(tree_assertion!(root: contains { missing: 1u64 })).contains("missing property")
    );
    assert!(failure(tree_assertion!(root: contains { nope: {} })).contains("missing child"));
    assert!(failure(tree_assertion!(root: contains { count: 4u64 })).contains("expected 4"));
    assert!(failure(tree_assertion!(root: contains { count: 3i64 })).contains("expected 3"));
    assert!(
        failure(tree_assertion!(root: contains { count: AnyIntProperty }))
            .contains("AnyIntProperty")
    );
    assert!(
        failure(tree_assertion!(root: contains { zero: NonZeroUintProperty })).contains("NonZero")
    );
    let err = failure(tree_assertion!(root: contains { child: { n: 8i64 } }));
    assert!(err.contains("root.child"), "{err}");
    assert!(failure(tree_assertion!(root: { child: contains {} })).contains("unexpected property"));
    let only_props = tree_assertion!(root: {
        count: AnyProperty, delta: AnyProperty, ratio: AnyProperty, on: AnyProperty,
        name: AnyProperty, raw: AnyProperty, ints: AnyProperty, list: AnyProperty,
        hist: AnyProperty, zero: AnyProperty, child: contains {},
    });
    assert!(failure(only_props).contains("unexpected child"));
}

#[test]
#[should_panic(expected = "tree assertion fails")]
fn assert_data_tree_panics_on_mismatch() {
    futures::executor::block_on(async {
        assert_data_tree!(tree(), root: { count: 1u64 });
    });
}
