//! Host build of `fuchsia_component`: serving a component's outgoing directory
//! ([`server::ServiceFs`]) and connecting to protocols in its namespace ([`client`]).
//!
//! Directories are served over channels with the host subset of fuchsia.io in [`fio`]
//! (open-by-path), built with the host FIDL toolchain. A component instance's namespace is
//! kept by [`host::Namespace`], filled by the host launcher (fuchsia_component_test).

pub mod client;
pub mod fio;
pub mod host;
mod path;
pub mod server;
