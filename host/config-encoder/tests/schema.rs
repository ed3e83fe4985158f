//! Reading the `config` block of a CML manifest and the cmc checksum.

mod common;

use common::{MIXED_CML, PROXY_MANAGER_CML, decl, hex};
use config_encoder::{
    ConfigChecksum, ConfigDecl, ConfigField, ConfigNestedValueType, ConfigValueType, SchemaError,
};

#[test]
fn fields_are_sorted_by_key_with_types_and_mutability() {
    let decl = decl(MIXED_CML);
    let keys: Vec<&str> = decl.fields.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, ["flag", "name", "nums", "tags"]);
    assert_eq!(decl.fields[0].type_, ConfigValueType::Bool);
    assert_eq!(decl.fields[1].type_, ConfigValueType::String { max_size: 10 });
    assert_eq!(
        decl.fields[2].type_,
        ConfigValueType::Vector { max_count: 4, nested_type: ConfigNestedValueType::Uint16 }
    );
    assert_eq!(
        decl.fields[3].type_,
        ConfigValueType::Vector {
            max_count: 3,
            nested_type: ConfigNestedValueType::String { max_size: 5 }
        }
    );
    assert!(decl.fields.iter().all(|f| !f.mutable_by_parent));
    assert!(self::decl(PROXY_MANAGER_CML).fields.iter().all(|f| f.mutable_by_parent));
}

#[test]
fn checksum_is_sha256_of_keys_and_type_digests_in_key_order() {
    // Independently computed: sha256("max_proxies" 03 "max_wake_sources" 03).
    assert_eq!(
        decl(PROXY_MANAGER_CML).checksum,
        ConfigChecksum::Sha256(
            hex("370407778dfbdf328ddf7059805d09d43d501867dab70062ed6192ed4eb2dae7")
                .try_into()
                .unwrap()
        )
    );
    // "flag" 00 | "name" 0a000000 09 | "nums" 04000000 02 0a | "tags" 03000000 05000000 09 0a
    assert_eq!(
        decl(MIXED_CML).checksum.as_bytes(),
        hex("4c21cbfb4fc65316ab5c1d2f905cc0ef0a168fa5fc241cf3f26fa4f24e827359")
    );
}

#[test]
fn checksum_ignores_mutability_but_not_bounds() {
    let immutable = decl("{ config: { a: { type: \"uint8\" } } }");
    let mutable = decl("{ config: { a: { type: \"uint8\", mutability: [\"parent\"] } } }");
    assert_eq!(immutable.checksum, mutable.checksum);
    let short = decl("{ config: { a: { type: \"string\", max_size: 1 } } }");
    let long = decl("{ config: { a: { type: \"string\", max_size: 2 } } }");
    assert_ne!(short.checksum, long.checksum);
}

#[test]
fn no_or_empty_config_block_is_no_schema() {
    assert_eq!(ConfigDecl::from_cml_str("{ program: { runner: \"elf\" } }").unwrap(), None);
    assert_eq!(ConfigDecl::from_cml_str("{ config: {} }").unwrap(), None);
}

#[test]
fn new_sorts_and_rejects_duplicate_keys() {
    let field = |key: &str| ConfigField {
        key: key.into(),
        type_: ConfigValueType::Bool,
        mutable_by_parent: false,
    };
    let decl = ConfigDecl::new(vec![field("b"), field("a")]).unwrap().unwrap();
    assert_eq!(decl.fields[0].key, "a");
    assert!(matches!(
        ConfigDecl::new(vec![field("a"), field("a")]),
        Err(SchemaError::InvalidKey { key, .. }) if key == "a"
    ));
}

#[test]
fn reads_a_manifest_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.cml");
    std::fs::write(&path, PROXY_MANAGER_CML).unwrap();
    assert_eq!(ConfigDecl::from_cml_file(&path).unwrap(), Some(decl(PROXY_MANAGER_CML)));
    assert!(matches!(
        ConfigDecl::from_cml_file(&dir.path().join("missing.cml")),
        Err(SchemaError::Io { .. })
    ));
}

fn schema_error(cml: &str) -> SchemaError {
    ConfigDecl::from_cml_str(cml).expect_err("schema must be rejected")
}

#[test]
fn malformed_manifests_are_rejected() {
    assert!(matches!(schema_error("{ config: "), SchemaError::Json5(_)));
    assert!(matches!(schema_error("[1, 2]"), SchemaError::ManifestNotAnObject));
    assert!(matches!(schema_error("{ config: [] }"), SchemaError::ConfigNotAnObject));
}

#[test]
fn invalid_keys_are_rejected() {
    for key in ["Upper", "1digit", "trailing_", "has-dash", &"k".repeat(65)] {
        let cml = format!("{{ config: {{ \"{key}\": {{ type: \"bool\" }} }} }}");
        assert!(
            matches!(schema_error(&cml), SchemaError::InvalidKey { key: k, .. } if k == key),
            "{key}"
        );
    }
    let longest = format!("{{ config: {{ {}: {{ type: \"bool\" }} }} }}", "k".repeat(64));
    assert!(ConfigDecl::from_cml_str(&longest).is_ok());
}

#[test]
fn invalid_field_specs_are_rejected() {
    let cases = [
        ("{ config: { a: 1 } }", "must be an object"),
        ("{ config: { a: {} } }", "missing `type`"),
        ("{ config: { a: { type: \"float\" } } }", "unknown type `float`"),
        ("{ config: { a: { type: \"string\" } } }", "missing `max_size`"),
        ("{ config: { a: { type: \"string\", max_size: 0 } } }", "`max_size` must be in"),
        ("{ config: { a: { type: \"string\", max_size: 4294967296 } } }", "`max_size` must be in"),
        ("{ config: { a: { type: \"bool\", max_size: 3 } } }", "unknown property `max_size`"),
        (
            "{ config: { a: { type: \"vector\", element: { type: \"bool\" } } } }",
            "missing `max_count`",
        ),
        ("{ config: { a: { type: \"vector\", max_count: 2 } } }", "needs an `element`"),
        (
            "{ config: { a: { type: \"vector\", max_count: 2, element: { type: \"vector\" } } } }",
            "vectors of vectors",
        ),
        (
            "{ config: { a: { type: \"vector\", max_count: 2, element: { type: \"string\" } } } }",
            "missing `max_size`",
        ),
        (
            "{ config: { a: { type: \"vector\", max_count: 2, element: { type: \"bool\", x: 1 } } } }",
            "unknown element property `x`",
        ),
        ("{ config: { a: { type: \"bool\", mutability: [\"child\"] } } }", "only \"parent\""),
        ("{ config: { a: { type: \"bool\", mutability: \"parent\" } } }", "must be a list"),
    ];
    for (cml, expected) in cases {
        match schema_error(cml) {
            SchemaError::InvalidField { key, reason } => {
                assert_eq!(key, "a");
                assert!(reason.contains(expected), "{cml}: {reason}");
            }
            other => panic!("{cml}: unexpected {other:?}"),
        }
    }
}

#[test]
fn zero_bounds_built_in_code_are_rejected() {
    let field = |type_| ConfigField { key: "a".into(), type_, mutable_by_parent: false };
    for type_ in [
        ConfigValueType::String { max_size: 0 },
        ConfigValueType::Vector { max_count: 0, nested_type: ConfigNestedValueType::Bool },
        ConfigValueType::Vector {
            max_count: 1,
            nested_type: ConfigNestedValueType::String { max_size: 0 },
        },
    ] {
        assert!(matches!(
            ConfigDecl::new(vec![field(type_)]),
            Err(SchemaError::InvalidField { .. })
        ));
    }
}
