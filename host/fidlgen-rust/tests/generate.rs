//! The build API and the shape of the generated code. (That the generated
//! code compiles and round-trips is checked by the crates that include it:
//! fidl_test_conformance and fidl_test_protocol.)

use std::path::{Path, PathBuf};

use fidlgen_rust::{Build, BuildError};

/// A fresh directory under the system temp dir for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fidlgen-rust-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write fidl");
    path
}

const LIBRARY: &str = r#"
library test.shape;
using zx;

type Config = table { 1: name string:10; 2: count uint32; };
type Choice = flexible union { 1: a uint8; 2: b string; };
type Strict = strict union { 1: a uint8; };
type Color = flexible enum : uint8 { RED = 1; };
type Perms = strict bits : uint16 { READ = 1; WRITE = 2; };
const MAX uint32 = 7;

@discoverable
open protocol Opened {
    strict Ping(struct { value string; }) -> (struct { value string; }) error uint32;
    flexible Tell(Config);
    -> OnThing(resource struct { h zx.Handle:EVENT; });
};

closed protocol Closed {
    strict Get() -> (struct { x uint32; });
};
"#;

fn generated(test: &str) -> String {
    let dir = scratch(test);
    let path = write(&dir, "shape.fidl", LIBRARY);
    let (name, code) =
        Build::new().library_files(&[path]).generate().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(name, "fidl_test_shape.rs");
    without_std_paths(&code)
}

/// The code with the absolute paths of std types (used so that FIDL types
/// named like them cannot shadow them) shortened, for readable checks.
fn without_std_paths(code: &str) -> String {
    ["::core::option::", "::core::result::", "::std::string::", "::std::vec::", "::std::boxed::"]
        .iter()
        .fold(code.to_string(), |c, p| c.replace(p, ""))
}

#[test]
fn type_items_have_the_in_tree_shape() {
    let code = generated("types");
    assert!(code.contains("pub struct Config {"));
    assert!(code.contains("pub name: Option<String>,"));
    assert!(code.contains("pub __source_breaking: ::fidl::marker::SourceBreaking,"));
    assert!(
        code.contains("__SourceBreaking { unknown_ordinal: u64 },"),
        "flexible union keeps unknowns"
    );
    assert!(code.contains("pub fn is_unknown(&self) -> bool"));
    assert!(code.contains("pub fn from_primitive_allow_unknown(prim: u8) -> Self"));
    assert!(code.contains("pub struct Perms: u16 {"));
    assert!(code.contains("pub const MAX: u32 = 7;"));
    assert!(code.contains("UnknownStrictUnionMember"), "strict union rejects unknown ordinals");
    assert!(code.contains("pub use __fidl_generated::*;"));
}

#[test]
fn protocol_items_have_the_in_tree_shape() {
    let code = generated("protocols");
    for item in [
        "pub struct OpenedMarker;",
        "impl ::fidl::endpoints::DiscoverableProtocolMarker for OpenedMarker {}",
        "const DEBUG_NAME: &'static str = \"test.shape.Opened\";",
        "const DEBUG_NAME: &'static str = \"(anonymous) Closed\";",
        "pub struct OpenedProxy {",
        "pub trait OpenedProxyInterface: Send + Sync {",
        "pub struct OpenedSynchronousProxy {",
        "pub enum OpenedEvent {",
        "pub struct OpenedEventStream {",
        "pub struct OpenedRequestStream {",
        "pub enum OpenedRequest {",
        "_UnknownMethod { ordinal: u64, control_handle: OpenedControlHandle, method_type: ::fidl::MethodType },",
        "pub type OpenedPingResult = Result<String, u32>;",
        "pub fn ping(&self, value: &str) -> ::fidl::client::QueryResponseFut<Result<String, u32>>",
        "pub fn send(self, result: Result<&str, u32>) -> Result<(), ::fidl::Error>",
        "pub fn send_no_shutdown_on_err(self, result: Result<&str, u32>)",
        "pub fn tell(&self, payload: &Config) -> Result<(), ::fidl::Error>",
        "pub fn send_on_thing(&self, h: ::fidl::Event) -> Result<(), ::fidl::Error>",
        "pub struct OpenedOnThingRequest {",
    ] {
        assert!(code.contains(item), "missing `{item}`");
    }
    assert!(
        !code.contains("ClosedRequest::_UnknownMethod"),
        "closed protocols have no unknown-method variant"
    );
    let ordinal = format!("{:#x}", fidlc::method_ordinal("test.shape", "Opened", "Ping"));
    assert!(code.contains(&ordinal));
}

#[test]
fn generate_to_writes_the_file() {
    let dir = scratch("write");
    let path = write(&dir, "shape.fidl", LIBRARY);
    let out =
        Build::new().cargo_directives(false).library_files(&[path]).generate_to(&dir).unwrap();
    assert_eq!(out, dir.join("fidl_test_shape.rs"));
    assert!(std::fs::read_to_string(out).unwrap().contains("pub struct OpenedMarker;"));
}

#[test]
fn compile_errors_carry_file_line_and_column() {
    let dir = scratch("bad");
    let path = write(&dir, "bad.fidl", "library bad;\ntype S = struct { x Nope; };\n");
    let err = Build::new().library_files(&[&path]).generate().unwrap_err();
    assert!(matches!(err, BuildError::Compile(_)));
    assert_eq!(err.to_string(), format!("{}:2:21: error: unknown type 'Nope'", path.display()));
}

#[test]
fn missing_source_file_is_an_error() {
    let err = Build::new().library_files(&["/nonexistent/x.fidl"]).generate().unwrap_err();
    assert!(
        err.to_string().starts_with("/nonexistent/x.fidl:1:1: error: cannot read file"),
        "{err}"
    );
}

#[test]
fn unwritable_output_is_an_io_error() {
    let dir = scratch("io");
    let path = write(&dir, "shape.fidl", LIBRARY);
    let missing = dir.join("no/such/dir");
    let err = Build::new()
        .cargo_directives(false)
        .library_files(&[path])
        .generate_to(&missing)
        .unwrap_err();
    assert!(matches!(err, BuildError::Io { .. }), "{err:?}");
    assert!(err.to_string().starts_with(&missing.join("fidl_test_shape.rs").display().to_string()));
}

#[test]
fn dependencies_are_referenced_through_their_crates() {
    let dir = scratch("deps");
    let dep = write(&dir, "dep.fidl", "library dep.lib;\ntype Thing = struct { x uint8; };");
    let main = write(
        &dir,
        "main.fidl",
        "library main.lib;\nusing dep.lib;\ntype S = struct { t dep.lib.Thing; };",
    );
    let (_, code) =
        Build::new().library_files(&[main]).dependency_files(&[dep]).generate().unwrap();
    assert!(code.contains("pub t: ::fidl_dep_lib::Thing,"), "{code}");
}

#[test]
fn std_types_are_named_by_absolute_path() {
    let dir = scratch("paths");
    let path = write(&dir, "shape.fidl", LIBRARY);
    let (_, code) = Build::new().library_files(&[path]).generate().unwrap();
    assert!(code.contains("pub name: ::core::option::Option<::std::string::String>,"));
    assert!(!code.contains(" Option<") && !code.contains("<String") && !code.contains(" Result<"));
}
