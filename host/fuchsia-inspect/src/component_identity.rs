//! Host-only: which component instance the calling thread belongs to, for `component::*`.
//!
//! On Fuchsia each component is a process and `component::inspector()` is a process static.
//! On the host, component instances are threads of one process; each instance needs its own
//! inspector and health node. This module is the one place that maps the calling thread to the
//! per-instance [`ComponentSlot`]; it falls back to one process-level slot for threads that
//! belong to no component instance (plain unit tests, the test driver).

use crate::Inspector;
use crate::health;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

/// Per-instance component Inspect state.
///
/// Concurrency: shared by every thread of one instance; each field is set once (`OnceLock`)
/// or guarded by its mutex.
pub struct ComponentSlot {
    pub(crate) size: Mutex<usize>,
    pub(crate) inspector: OnceLock<&'static Inspector>,
    pub(crate) health: OnceLock<Arc<Mutex<health::Node>>>,
}

static PROCESS_SLOT: LazyLock<Arc<ComponentSlot>> =
    LazyLock::new(|| Arc::new(ComponentSlot::default()));

/// The slot of the calling thread's component instance (a `fuchsia_runtime` host instance
/// singleton), or the process-level slot.
pub(crate) fn current_slot() -> Arc<ComponentSlot> {
    match fuchsia_runtime::host::current_component() {
        Some(instance) => instance.singleton::<ComponentSlot>(),
        None => PROCESS_SLOT.clone(),
    }
}
