//! Which component is publishing: the calling thread's `fuchsia_runtime` host instance, or the
//! process-level default for threads that belong to no instance (plain unit tests, drivers).

/// Moniker used for trees published by threads outside any component instance.
pub const PROCESS_MONIKER: &str = "host_process";
/// URL used for trees published by threads outside any component instance.
pub const PROCESS_URL: &str = "host:process";

/// A component's identity as archivist reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentIdentity {
    /// Moniker, e.g. "realm_builder:r1/proxy_manager".
    pub moniker: String,
    /// Launch URL.
    pub url: String,
}

/// The identity of the calling thread's component instance, or the process default.
pub fn current() -> ComponentIdentity {
    match fuchsia_runtime::host::current_component() {
        Some(instance) => ComponentIdentity {
            moniker: instance.moniker().to_owned(),
            url: instance.url().to_owned(),
        },
        None => {
            ComponentIdentity { moniker: PROCESS_MONIKER.to_owned(), url: PROCESS_URL.to_owned() }
        }
    }
}
