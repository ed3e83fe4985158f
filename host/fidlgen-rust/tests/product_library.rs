//! The product's FIDL library (fidl/fuchsia.starnix.proxy.fidl at the
//! workspace root) compiles and yields the API product code uses.

use std::path::PathBuf;

#[test]
fn product_library_generates() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fidl/fuchsia.starnix.proxy.fidl");
    let (name, code) = fidlgen_rust::Build::new()
        .library_files(&[path])
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(name, "fidl_fuchsia_starnix_proxy.rs");
    let code = [
        "::core::option::",
        "::core::result::",
        "::std::string::",
        "::std::vec::",
        "::std::boxed::",
    ]
    .iter()
    .fold(code, |c, p| c.replace(p, ""));
    for item in [
        "impl ::fidl::endpoints::DiscoverableProtocolMarker for ProxyManagerMarker {}",
        "const DEBUG_NAME: &'static str = \"fuchsia.starnix.proxy.ProxyManager\";",
        "pub signals: Option<u32>,",
        "pub container_channel: Option<::fidl::Channel>,",
        "pub counter: Option<::fidl::Counter>,",
        "pub handle: Option<::fidl::NullableHandle>,",
        "pub fn add_proxy(&self, payload: ProxySpec) -> ::fidl::client::QueryResponseFut<Result<ProxyManagerAddProxyResponse, ProxyManagerError>>",
        "pub fn watch_wake_sources(&self) -> ::fidl::client::QueryResponseFut<WakeSourcesState>",
        "AddProxy { payload: ProxySpec, responder: ProxyManagerAddProxyResponder },",
        "pub fn send(self, result: Result<&ProxyManagerAddProxyResponse, ProxyManagerError>)",
        "pub type WakeSourceId = u64;",
        "pub const MAX_NAME_LENGTH: u32 = 1024;",
    ] {
        assert!(code.contains(item), "missing `{item}`");
    }
}
