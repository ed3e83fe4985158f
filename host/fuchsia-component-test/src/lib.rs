//! Host build of `fuchsia_component_test`: `RealmBuilder` starts realms of components on the
//! host, each component on its own threads with its own startup handles, namespace and
//! moniker (`realm_builder:<realm>/<child>`).
//!
//! - `add_child(name, "#meta/<name>.cm", options)` resolves the URL against the entry points
//!   `#[fuchsia::main]` registers (see [`resolver`]) and parses the crate's real manifest
//!   (see [`manifest`]); routes are checked against it when the realm is built.
//! - `add_local_child` runs a closure as a component.
//! - Routes connect children's `/svc` entries to the protocols other children expose.
//!
//! Several realms may run at once in one process; nothing of one realm is process-global.
//!
//! As in-tree (src/lib/fuchsia-component-test/src/lib.rs),
//! `ScopedInstance::connect_to_protocol_at_exposed_dir::<T>()` names what it returns (a proxy
//! or a `ClientEnd`, `T: fuchsia_component::client::Connect`), not the protocol marker:
//!
//! ```compile_fail,E0277
//! fn connect(root: &fuchsia_component_test::ScopedInstance) {
//!     let _ = root.connect_to_protocol_at_exposed_dir::<fidl_test_protocol::EchoMarker>();
//! }
//! ```
//!
//! ```
//! fn connect(root: &fuchsia_component_test::ScopedInstance) {
//!     let _ = root.connect_to_protocol_at_exposed_dir::<fidl_test_protocol::EchoProxy>();
//! }
//! ```

// The host builds of the platform components test packages include beside their own
// (`//src/performance/trace_manager:component_hermetic`, `#meta/trace_manager.cm`): linked
// here so that their `#[fuchsia::main]` entries are registered in every test binary that
// builds realms.
use trace_manager as _;

mod builder;
mod config;
pub mod error;
mod local;
pub mod manifest;
mod realm;
pub mod resolver;

pub use builder::{
    Capability, ChildOptions, ChildRef, DictionaryCapability, ProtocolCapability, RealmBuilder,
    Ref, Route, RouteCapability,
};
pub use config_encoder::ConfigValueSpec;
pub use error::Error;
pub use local::LocalComponentHandles;
pub use realm::{RealmInstance, ScopedInstance};
