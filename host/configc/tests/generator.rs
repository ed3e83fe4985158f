//! The generator's outputs and each of its errors.

use std::path::{Path, PathBuf};

use configc::{Build, Error, library_name};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn manifest_with(dir: &tempfile::TempDir, cml: &str) -> PathBuf {
    let path = dir.path().join("c.cml");
    std::fs::write(&path, cml).unwrap();
    path
}

#[test]
fn generates_the_in_tree_shape() {
    let source =
        Build::new().manifest(fixture("all_types.cml")).generate("all_types_config").unwrap();
    for expected in [
        "#[derive(Debug, Clone, PartialEq)]\npub struct Config {\n    pub my_flag: bool,\n    pub my_int16: i16,",
        "    pub my_vector_of_uint64: ::std::vec::Vec<u64>,\n}",
        "pub fn take_from_startup_handle() -> Self",
        "pub fn from_vmo(vmo: &::zx::Vmo) -> ::std::result::Result<Self, Error>",
        "pub fn from_bytes(bytes: &[u8]) -> ::std::result::Result<Self, Error>",
        "pub fn record_inspect(&self, inspector_node: &::fuchsia_inspect::Node)",
        "::fuchsia_runtime::HandleType::ComponentConfigVmo",
        "library `cf.sc.internal.alltypesconfig`",
    ] {
        assert!(source.contains(expected), "missing {expected:?}");
    }
}

#[test]
fn embeds_the_schema_checksum() {
    let source =
        Build::new().manifest(fixture("all_types.cml")).generate("all_types_config").unwrap();
    let decl =
        config_encoder::ConfigDecl::from_cml_file(&fixture("all_types.cml")).unwrap().unwrap();
    let first_line: String =
        decl.checksum.as_bytes()[..16].iter().map(|b| format!(" {b:#04x},")).collect();
    assert!(source.contains(&format!("const EXPECTED_CHECKSUM: &[u8] = &[\n   {first_line}\n")));
}

#[test]
fn generate_to_writes_lib_name_rs() {
    let dir = tempfile::tempdir().unwrap();
    let path = Build::new()
        .manifest(fixture("all_types.cml"))
        .cargo_directives(false)
        .generate_to(dir.path(), "all_types_config")
        .unwrap();
    assert_eq!(path, dir.path().join("all_types_config.rs"));
    assert!(std::fs::read_to_string(path).unwrap().contains("pub struct Config"));
}

#[test]
fn library_names() {
    assert_eq!(library_name("proxy_manager_config"), "cf.sc.internal.proxymanagerconfig");
}

#[test]
fn no_manifest() {
    assert!(matches!(Build::new().generate("x"), Err(Error::NoManifest)));
}

#[test]
fn manifest_without_config() {
    let dir = tempfile::tempdir().unwrap();
    let path = manifest_with(&dir, "{ program: { runner: \"elf\" } }");
    assert!(matches!(Build::new().manifest(path).generate("x"), Err(Error::NoConfig { .. })));
}

#[test]
fn unreadable_or_invalid_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.cml");
    assert!(matches!(Build::new().manifest(missing).generate("x"), Err(Error::Schema { .. })));
    let bad = manifest_with(&dir, "{ config: { a: { type: \"float\" } } }");
    let error = Build::new().manifest(bad).generate("x").unwrap_err();
    assert!(error.to_string().contains("unknown type `float`"), "{error}");
}

#[test]
fn keyword_keys_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = manifest_with(&dir, "{ config: { type: { type: \"bool\" } } }");
    assert!(matches!(
        Build::new().manifest(path).generate("x"),
        Err(Error::KeywordKey { key }) if key == "type"
    ));
}

#[test]
fn invalid_library_names_are_refused() {
    for name in ["", "Config", "1abc", "a-b", "a.b"] {
        assert!(
            matches!(
                Build::new().manifest(fixture("all_types.cml")).generate(name),
                Err(Error::InvalidLibraryName { .. })
            ),
            "{name:?}"
        );
    }
}

#[test]
fn unwritable_out_dir() {
    let dir = tempfile::tempdir().unwrap();
    let result = Build::new()
        .manifest(fixture("all_types.cml"))
        .cargo_directives(false)
        .generate_to(dir.path().join("missing"), "all_types_config");
    assert!(matches!(result, Err(Error::Io { .. })));
}
