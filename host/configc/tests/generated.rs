//! The generated client library of tests/fixtures/all_types.cml (built by build.rs):
//! decoding the VMO config_encoder produces, every error path, the startup handle, Inspect.

mod all_types {
    include!(concat!(env!("OUT_DIR"), "/all_types_config.rs"));

    /// The FIDL runtime's encoding of the struct equals config_encoder's, byte for byte.
    #[test]
    fn fidl_runtime_and_config_encoder_agree() {
        let bytes = super::packaged_bytes();
        let body = &bytes[2 + 32 + 8..];
        let fidl_config = FidlConfig {
            my_flag: true,
            my_int16: -32766,
            my_int32: -2_000_000_000,
            my_int64: -4_000_000_000,
            my_int8: -127,
            my_string: "hello".into(),
            my_uint16: 65535,
            my_uint32: 4_000_000_000,
            my_uint64: 8_000_000_000,
            my_uint8: 255,
            my_vector_of_flag: vec![true, false],
            my_vector_of_int8: vec![-1, 2, -3],
            my_vector_of_string: vec!["a".into(), "bcd".into()],
            my_vector_of_uint64: vec![4, 5, 6],
        };
        let (encoded, handles) =
            ::fidl::encoding::Encoder::encode::<FidlConfig>(fidl_config).unwrap();
        assert!(handles.is_empty());
        assert_eq!(encoded, body);
    }
}

use std::path::Path;

use all_types::{Config, Error};
use config_encoder::{ConfigDecl, ConfigFields, ConfigOverride, parse_values_file};
use diagnostics_assertions::assert_data_tree;
use fuchsia_runtime::host::ComponentInstance;
use fuchsia_runtime::{HandleInfo, HandleType};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn encode(overrides: &[ConfigOverride]) -> Vec<u8> {
    let decl = ConfigDecl::from_cml_file(&fixture("all_types.cml")).unwrap().unwrap();
    let values = parse_values_file(&decl, &fixture("all_types_config_values.json5")).unwrap();
    ConfigFields::resolve(&decl, values, overrides).unwrap().encode_as_fidl_struct()
}

/// The VMO contents of the packaged values.
fn packaged_bytes() -> Vec<u8> {
    encode(&[])
}

fn expected() -> Config {
    Config {
        my_flag: true,
        my_int16: -32766,
        my_int32: -2_000_000_000,
        my_int64: -4_000_000_000,
        my_int8: -127,
        my_string: "hello".into(),
        my_uint16: 65535,
        my_uint32: 4_000_000_000,
        my_uint64: 8_000_000_000,
        my_uint8: 255,
        my_vector_of_flag: vec![true, false],
        my_vector_of_int8: vec![-1, 2, -3],
        my_vector_of_string: vec!["a".into(), "bcd".into()],
        my_vector_of_uint64: vec![4, 5, 6],
    }
}

fn vmo_with(bytes: &[u8]) -> zx::Vmo {
    let vmo = zx::Vmo::create(bytes.len() as u64).unwrap();
    vmo.write(bytes, 0).unwrap();
    vmo
}

#[test]
fn decodes_what_the_launcher_encodes() {
    assert_eq!(Config::from_bytes(&packaged_bytes()).unwrap(), expected());
    let overridden = encode(&[
        ConfigOverride { key: "my_uint32".into(), value: 7u32.into() },
        ConfigOverride { key: "my_string".into(), value: "bye".into() },
    ]);
    let config = Config::from_bytes(&overridden).unwrap();
    assert_eq!((config.my_uint32, config.my_string.as_str()), (7, "bye"));
}

#[test]
fn from_vmo_reads_the_content_size() {
    assert_eq!(Config::from_vmo(&vmo_with(&packaged_bytes())).unwrap(), expected());
}

#[test]
fn from_vmo_on_a_bad_handle() {
    let vmo = zx::Vmo::from(zx::NullableHandle::invalid());
    assert!(matches!(Config::from_vmo(&vmo), Err(Error::GettingContentSize(_))));
}

#[test]
fn too_few_bytes() {
    let bytes = packaged_bytes();
    for len in [0, 1, 2, 33, 34 + 7] {
        assert!(matches!(Config::from_bytes(&bytes[..len]), Err(Error::TooFewBytes)), "{len}");
    }
}

#[test]
fn checksum_mismatch() {
    let mut bytes = packaged_bytes();
    bytes[2] ^= 0xff;
    match Config::from_bytes(&bytes) {
        Err(Error::ChecksumMismatch { expected_checksum, observed_checksum }) => {
            assert_eq!(expected_checksum.len(), 32);
            assert_eq!(observed_checksum[0], expected_checksum[0] ^ 0xff);
        }
        other => panic!("unexpected {other:?}"),
    }
    // A checksum of another length is a mismatch too.
    let mut short = vec![1, 0, 0xaa];
    short.extend_from_slice(&packaged_bytes()[34..]);
    assert!(matches!(Config::from_bytes(&short), Err(Error::ChecksumMismatch { .. })));
}

#[test]
fn bad_persistent_header() {
    let header = 34;
    let mut bad_magic = packaged_bytes();
    bad_magic[header + 1] = 2;
    assert!(matches!(
        Config::from_bytes(&bad_magic),
        Err(Error::Unpersist(fidl::Error::IncompatibleMagicNumber(2)))
    ));
    let mut not_v2 = packaged_bytes();
    not_v2[header + 2] = 0;
    assert!(matches!(
        Config::from_bytes(&not_v2),
        Err(Error::Unpersist(fidl::Error::InvalidHeader))
    ));
    let mut disambiguator = packaged_bytes();
    disambiguator[header] = 1;
    assert!(matches!(
        Config::from_bytes(&disambiguator),
        Err(Error::Unpersist(fidl::Error::InvalidHeader))
    ));
}

#[test]
fn undecodable_bodies() {
    let body = 34 + 8;
    // Truncated body.
    let bytes = packaged_bytes();
    assert!(matches!(Config::from_bytes(&bytes[..bytes.len() - 8]), Err(Error::Unpersist(_))));
    // Trailing bytes.
    let mut extra = packaged_bytes();
    extra.extend([0; 8]);
    assert!(matches!(
        Config::from_bytes(&extra),
        Err(Error::Unpersist(fidl::Error::ExtraBytes { extra: 8 }))
    ));
    // Non-zero padding after my_flag (offset 1).
    let mut padding = packaged_bytes();
    padding[body + 1] = 1;
    assert!(matches!(
        Config::from_bytes(&padding),
        Err(Error::Unpersist(fidl::Error::NonZeroPadding { .. }))
    ));
    // A bool that is neither 0 nor 1.
    let mut boolean = packaged_bytes();
    boolean[body] = 2;
    assert!(matches!(
        Config::from_bytes(&boolean),
        Err(Error::Unpersist(fidl::Error::InvalidBoolean))
    ));
    // my_string (inline at 24) claims 11 bytes, above its max_size 10.
    let mut long = packaged_bytes();
    long[body + 24] = 11;
    assert!(matches!(
        Config::from_bytes(&long),
        Err(Error::Unpersist(fidl::Error::StringTooLong { max_bytes: 10, actual_bytes: 11 }))
    ));
}

#[test]
fn errors_display_and_chain() {
    use std::error::Error as _;
    assert_eq!(Error::TooFewBytes.to_string(), "too few bytes in the config VMO");
    let error = Config::from_bytes(&{
        let mut b = packaged_bytes();
        b[35] = 9;
        b
    })
    .unwrap_err();
    assert!(error.to_string().starts_with("cannot decode the config values"), "{error}");
    assert!(error.source().is_some());
    assert!(Error::TooFewBytes.source().is_none());
}

#[test]
fn take_from_startup_handle_in_a_component() {
    let vmo = vmo_with(&packaged_bytes());
    let info = HandleInfo::new(HandleType::ComponentConfigVmo, 0);
    let instance =
        ComponentInstance::new("test/all_types", "#meta/all_types.cm", [(info, vmo.into())]);
    let _entered = instance.enter();
    assert_eq!(Config::take_from_startup_handle(), expected());
}

#[test]
#[should_panic(expected = "Config VMO handle must be present")]
fn take_from_startup_handle_twice_panics() {
    let vmo = vmo_with(&packaged_bytes());
    let info = HandleInfo::new(HandleType::ComponentConfigVmo, 0);
    let instance =
        ComponentInstance::new("test/all_types", "#meta/all_types.cm", [(info, vmo.into())]);
    let _entered = instance.enter();
    let _ = Config::take_from_startup_handle();
    let _ = Config::take_from_startup_handle();
}

#[test]
#[should_panic(expected = "Config VMO handle must be present")]
fn take_from_startup_handle_outside_a_component_panics() {
    let _ = Config::take_from_startup_handle();
}

#[test]
#[should_panic(expected = "Config VMO handle must be valid: config checksum mismatch")]
fn take_from_startup_handle_with_bad_contents_panics() {
    let mut bytes = packaged_bytes();
    bytes[10] ^= 1;
    let info = HandleInfo::new(HandleType::ComponentConfigVmo, 0);
    let instance = ComponentInstance::new(
        "test/all_types",
        "#meta/all_types.cm",
        [(info, vmo_with(&bytes).into())],
    );
    let _entered = instance.enter();
    let _ = Config::take_from_startup_handle();
}

#[test]
fn record_inspect_records_every_field() {
    futures::executor::block_on(async {
        let inspector = fuchsia_inspect::Inspector::default();
        expected().record_inspect(inspector.root());
        assert_data_tree!(inspector, root: {
            my_flag: true,
            my_int16: -32766i64,
            my_int32: -2_000_000_000i64,
            my_int64: -4_000_000_000i64,
            my_int8: -127i64,
            my_string: "hello",
            my_uint16: 65535u64,
            my_uint32: 4_000_000_000u64,
            my_uint64: 8_000_000_000u64,
            my_uint8: 255u64,
            my_vector_of_flag: vec![1u64, 0],
            my_vector_of_int8: vec![-1i64, 2, -3],
            my_vector_of_string: vec!["a", "bcd"],
            my_vector_of_uint64: vec![4u64, 5, 6],
        });
    });
}
