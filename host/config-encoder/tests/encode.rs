//! Golden bytes of the config VMO and resolution with overrides.

mod common;

use common::{MIXED_CML, PROXY_MANAGER_CML, decl, hex};
use config_encoder::wire::{PERSISTENT_HEADER, encode_struct};
use config_encoder::{
    ConfigChecksum, ConfigFields, ConfigOverride, ConfigValue, ConfigValueSpec, ResolutionError,
    ValueError, ValuesData, encode_component_config, parse_values_json5,
};

fn vmo_prefix(checksum_hex: &str) -> Vec<u8> {
    let mut bytes = vec![32, 0];
    bytes.extend(hex(checksum_hex));
    bytes.extend([0, 1, 2, 0, 0, 0, 0, 0]);
    bytes
}

const PM_CHECKSUM: &str = "370407778dfbdf328ddf7059805d09d43d501867dab70062ed6192ed4eb2dae7";
const MIXED_CHECKSUM: &str = "4c21cbfb4fc65316ab5c1d2f905cc0ef0a168fa5fc241cf3f26fa4f24e827359";

#[test]
fn persistent_header_is_v2_metadata() {
    // disambiguator 0, magic number 1, at-rest flags [USE_V2_WIRE_FORMAT = 0x02, 0], reserved.
    assert_eq!(PERSISTENT_HEADER, [0, 1, 2, 0, 0, 0, 0, 0]);
}

#[test]
fn proxy_manager_golden() {
    let decl = decl(PROXY_MANAGER_CML);
    let values =
        parse_values_json5(&decl, "{ max_proxies: 1024, max_wake_sources: 2048 }").unwrap();
    let bytes = ConfigFields::resolve(&decl, values, &[]).unwrap().encode_as_fidl_struct();
    let mut expected = vmo_prefix(PM_CHECKSUM);
    // struct { max_proxies uint32 @0; max_wake_sources uint32 @4; } = 8 bytes inline.
    expected.extend([0x00, 0x04, 0, 0, 0x00, 0x08, 0, 0]);
    assert_eq!(bytes, expected);
}

#[test]
fn strings_and_vectors_golden() {
    let decl = decl(MIXED_CML);
    let values = parse_values_json5(
        &decl,
        r#"{ tags: ["a", "bcd"], nums: [1, 2, 3], name: "hi", flag: true }"#,
    )
    .unwrap();
    let bytes = ConfigFields::resolve(&decl, values, &[]).unwrap().encode_as_fidl_struct();
    let mut expected = vmo_prefix(MIXED_CHECKSUM);
    let present = [0xff; 8];
    // Inline, 56 bytes: flag bool @0 (+7 padding), name @8, nums @24, tags @40.
    expected.extend([1, 0, 0, 0, 0, 0, 0, 0]);
    expected.extend([2, 0, 0, 0, 0, 0, 0, 0]);
    expected.extend(present);
    expected.extend([3, 0, 0, 0, 0, 0, 0, 0]);
    expected.extend(present);
    expected.extend([2, 0, 0, 0, 0, 0, 0, 0]);
    expected.extend(present);
    // Out of line, depth-first, each padded to 8: "hi", [1u16, 2, 3], tags body, "a", "bcd".
    expected.extend([b'h', b'i', 0, 0, 0, 0, 0, 0]);
    expected.extend([1, 0, 2, 0, 3, 0, 0, 0]);
    expected.extend([1, 0, 0, 0, 0, 0, 0, 0]);
    expected.extend(present);
    expected.extend([3, 0, 0, 0, 0, 0, 0, 0]);
    expected.extend(present);
    expected.extend([b'a', 0, 0, 0, 0, 0, 0, 0]);
    expected.extend([b'b', b'c', b'd', 0, 0, 0, 0, 0]);
    assert_eq!(bytes, expected);
}

#[test]
fn struct_layout_aligns_members_and_pads_to_eight() {
    // u8 @0, u16 @2, u64 @8, i8 @16 -> inline 24 (struct alignment 8).
    let values: Vec<ConfigValue> =
        vec![7u8.into(), 0x0102u16.into(), (-2i64).into(), (-1i8).into()];
    assert_eq!(
        encode_struct(&values),
        [
            7, 0, 2, 1, 0, 0, 0, 0, //
            0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, //
            0xff, 0, 0, 0, 0, 0, 0, 0,
        ]
    );
    // Only 1-byte members: inline 2, padded to 8 as a message.
    assert_eq!(encode_struct(&[true.into(), false.into()]), [1, 0, 0, 0, 0, 0, 0, 0]);
    // Empty vectors have no out-of-line body.
    let empty: Vec<ConfigValue> = vec![Vec::<u32>::new().into(), "".into()];
    let mut expected = vec![0u8; 8];
    expected.extend([0xff; 8]);
    expected.extend([0; 8]);
    expected.extend([0xff; 8]);
    assert_eq!(encode_struct(&empty), expected);
}

fn packaged(cml: &str, values: &str) -> (config_encoder::ConfigDecl, ValuesData) {
    let decl = decl(cml);
    let data = parse_values_json5(&decl, values).unwrap();
    (decl, data)
}

#[test]
fn overrides_replace_packaged_values_last_one_wins() {
    let (decl, data) = packaged(PROXY_MANAGER_CML, "{ max_proxies: 1024, max_wake_sources: 2048 }");
    let overrides = [
        ConfigOverride { key: "max_proxies".into(), value: 3u32.into() },
        ConfigOverride { key: "max_proxies".into(), value: 4u32.into() },
    ];
    let fields = ConfigFields::resolve(&decl, data, &overrides).unwrap();
    assert_eq!(fields.fields[0].value, 4u32.into());
    assert!(fields.fields[0].mutated);
    assert_eq!(fields.fields[1].value, 2048u32.into());
    assert!(!fields.fields[1].mutated);
    assert_eq!(&fields.encode_as_fidl_struct()[42..], [4, 0, 0, 0, 0, 0x08, 0, 0]);
}

#[test]
fn override_of_unknown_key() {
    let (decl, data) = packaged(PROXY_MANAGER_CML, "{ max_proxies: 1, max_wake_sources: 2 }");
    let overrides = [ConfigOverride { key: "max_cats".into(), value: 3u32.into() }];
    assert_eq!(
        ConfigFields::resolve(&decl, data, &overrides).unwrap_err(),
        ResolutionError::FieldDoesNotExist { key: "max_cats".into() }
    );
}

#[test]
fn override_of_immutable_field() {
    let (decl, data) = packaged(MIXED_CML, "{ flag: true, name: \"\", nums: [], tags: [] }");
    let overrides = [ConfigOverride { key: "flag".into(), value: false.into() }];
    assert_eq!(
        ConfigFields::resolve(&decl, data, &overrides).unwrap_err(),
        ResolutionError::FieldIsNotMutable { key: "flag".into() }
    );
}

#[test]
fn override_of_wrong_type_or_too_long() {
    let (decl, data) = packaged(PROXY_MANAGER_CML, "{ max_proxies: 1, max_wake_sources: 2 }");
    let overrides = [ConfigOverride { key: "max_proxies".into(), value: 3u64.into() }];
    assert_eq!(
        ConfigFields::resolve(&decl, data, &overrides).unwrap_err(),
        ResolutionError::InvalidValue {
            key: "max_proxies".into(),
            source: ValueError::TypeMismatch { expected: "uint32", received: "uint64" },
        }
    );
    let cml = r#"{ config: {
        s: { type: "string", max_size: 2, mutability: ["parent"] },
        v: { type: "vector", max_count: 1, element: { type: "bool" }, mutability: ["parent"] },
    } }"#;
    let (decl, data) = packaged(cml, "{ s: \"\", v: [] }");
    let too_long = [ConfigOverride { key: "s".into(), value: "abc".into() }];
    assert_eq!(
        ConfigFields::resolve(&decl, data.clone(), &too_long).unwrap_err(),
        ResolutionError::InvalidValue {
            key: "s".into(),
            source: ValueError::StringTooLong { max: 2, actual: 3 },
        }
    );
    let too_many = [ConfigOverride { key: "v".into(), value: vec![true, true].into() }];
    assert_eq!(
        ConfigFields::resolve(&decl, data.clone(), &too_many).unwrap_err(),
        ResolutionError::InvalidValue {
            key: "v".into(),
            source: ValueError::VectorTooLong { max: 1, actual: 2 },
        }
    );
    let wrong_element = [ConfigOverride { key: "v".into(), value: vec![1u8].into() }];
    assert_eq!(
        ConfigFields::resolve(&decl, data, &wrong_element).unwrap_err(),
        ResolutionError::InvalidValue {
            key: "v".into(),
            source: ValueError::TypeMismatch {
                expected: "vector of bool",
                received: "vector of uint8"
            },
        }
    );
}

#[test]
fn values_for_another_schema_are_refused() {
    let (decl, mut data) = packaged(PROXY_MANAGER_CML, "{ max_proxies: 1, max_wake_sources: 2 }");
    data.checksum = ConfigChecksum::Sha256([0; 32]);
    assert_eq!(
        ConfigFields::resolve(&decl, data.clone(), &[]).unwrap_err(),
        ResolutionError::ChecksumFailure {
            expected: decl.checksum.clone(),
            received: ConfigChecksum::Sha256([0; 32]),
        }
    );
    data.checksum = decl.checksum.clone();
    data.values.pop();
    assert_eq!(
        ConfigFields::resolve(&decl, data.clone(), &[]).unwrap_err(),
        ResolutionError::WrongNumberOfValues { expected: 2, received: 1 }
    );
    data.values.push(ConfigValueSpec::from("two"));
    assert_eq!(
        ConfigFields::resolve(&decl, data, &[]).unwrap_err(),
        ResolutionError::InvalidValue {
            key: "max_wake_sources".into(),
            source: ValueError::TypeMismatch { expected: "uint32", received: "string" },
        }
    );
}

#[test]
fn encode_component_config_from_files() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("pm.cml");
    let values = dir.path().join("pm_config_values.json5");
    std::fs::write(&manifest, PROXY_MANAGER_CML).unwrap();
    std::fs::write(&values, "{ max_proxies: 1024, max_wake_sources: 2048 }").unwrap();
    let overrides = [ConfigOverride { key: "max_wake_sources".into(), value: 9u32.into() }];
    let bytes = encode_component_config(&manifest, &values, &overrides).unwrap().unwrap();
    let mut expected = vmo_prefix(PM_CHECKSUM);
    expected.extend([0x00, 0x04, 0, 0, 9, 0, 0, 0]);
    assert_eq!(bytes, expected);

    // No config block: no VMO, and the (missing) values file is not read.
    let plain = dir.path().join("plain.cml");
    std::fs::write(&plain, "{ program: { runner: \"elf\" } }").unwrap();
    assert_eq!(encode_component_config(&plain, &dir.path().join("none"), &[]).unwrap(), None);

    // Each stage's error is reported with its file.
    let error = encode_component_config(&manifest, &dir.path().join("none"), &[]).unwrap_err();
    assert!(matches!(error, config_encoder::Error::Values { .. }), "{error}");
    let error = encode_component_config(&dir.path().join("none.cml"), &values, &[]).unwrap_err();
    assert!(matches!(error, config_encoder::Error::Schema { .. }), "{error}");
    let bad = [ConfigOverride { key: "nope".into(), value: 1u32.into() }];
    let error = encode_component_config(&manifest, &values, &bad).unwrap_err();
    assert!(matches!(error, config_encoder::Error::Resolution(_)), "{error}");
}
