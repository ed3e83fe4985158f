use diagnostics_data::text::{format_json, format_text};
use diagnostics_data::{
    ExtendedMoniker, InspectDataBuilder, InspectError, InspectHandleName, Timestamp,
};
use diagnostics_hierarchy::{ArrayContent, ArrayFormat, DiagnosticsHierarchy, Property};

fn foo() -> diagnostics_data::InspectData {
    let payload = DiagnosticsHierarchy::new(
        "root",
        vec![Property::Double("ratio".into(), 0.5), Property::Uint("count".into(), 3)],
        vec![DiagnosticsHierarchy::new(
            "child",
            vec![Property::String("s".into(), "hello".into())],
            vec![],
        )],
    );
    InspectDataBuilder::new(
        ExtendedMoniker::parse_str("core/foo").unwrap(),
        "fuchsia-pkg://fuchsia.com/foo#meta/foo.cm",
        Timestamp::from_nanos(705335717538),
    )
    .with_hierarchy(payload)
    .build()
}

#[test]
fn text_matches_ffx_inspect_show() {
    assert_eq!(
        format_text(&[foo()]),
        "core/foo:
  metadata:
    name = root
    component_url = fuchsia-pkg://fuchsia.com/foo#meta/foo.cm
    timestamp = 705335717538
  payload:
    root:
      count = 3
      ratio = 0.500000
      child:
        s = hello
"
    );
}

#[test]
fn json_matches_archivist() {
    assert_eq!(
        format_json(&[foo()]),
        concat!(
            r#"[{"data_source":"Inspect","metadata":{"name":"root","component_url":"fuchsia-pkg://fuchsia.com/foo#meta/foo.cm","timestamp":705335717538},"#,
            r#""moniker":"core/foo","payload":{"root":{"count":3,"ratio":0.5,"child":{"s":"hello"}}},"version":1}]"#
        )
    );
}

#[test]
fn entries_are_sorted_by_moniker_and_every_value_kind_prints() {
    let payload = DiagnosticsHierarchy::new(
        "root",
        vec![
            Property::Bytes("b".into(), vec![5, 0xf1, 0xab]),
            Property::Int("i".into(), -1),
            Property::Bool("t".into(), true),
            Property::IntArray("a".into(), ArrayContent::Values(vec![1, 2])),
            Property::DoubleArray("d".into(), ArrayContent::Values(vec![0.5])),
            Property::StringList("l".into(), vec!["x".into()]),
            Property::UintArray(
                "h".into(),
                ArrayContent::new(vec![0, 10, 1, 2, 3], ArrayFormat::LinearHistogram).unwrap(),
            ),
            Property::UintArray(
                "e".into(),
                ArrayContent::new(vec![0, 1, 2, 0, 1, 0, 4], ArrayFormat::ExponentialHistogram)
                    .unwrap(),
            ),
        ],
        vec![],
    );
    let bar = InspectDataBuilder::new(ExtendedMoniker::parse_str("core/bar").unwrap(), "url", 1)
        .with_hierarchy(payload)
        .with_name(InspectHandleName::name("other"))
        .with_errors(vec![InspectError { message: "partial".into() }])
        .escrowed(true)
        .build();
    let empty = InspectDataBuilder::new(ExtendedMoniker::ComponentManager, "", 2)
        .with_name(InspectHandleName::filename("fuchsia.inspect.Tree"))
        .build();
    let text = format_text(&[foo(), bar, empty]);
    let expected_bar = "core/bar:
  metadata:
    errors = partial
    name = other
    component_url = url
    timestamp = 1
    escrowed = true
  payload:
    root:
      a = [1, 2]
      b = b64:BfGr
      d = [0.500000]
      e = [[-inf,0)=0, [0,1)=1, [1,2)=0, [2,+inf)=4]
      h = [[-inf,0)=1, [0,10)=2, [10,+inf)=3]
      i = -1
      l = [\"x\"]
      t = true
";
    assert!(text.starts_with("<component_manager>:\n"), "{text}");
    assert!(text.contains("    filename = fuchsia.inspect.Tree\n"), "{text}");
    assert!(text.contains("    timestamp = 2\n  payload: null\n"), "{text}");
    assert!(text.contains(expected_bar), "{text}");
    assert!(text.find("core/bar").unwrap() < text.find("core/foo").unwrap());
    let json = format_json(&[foo()]);
    assert!(json.starts_with("[{"));
}
