//! The container's wake sources: handles whose signals keep it from suspending.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

/// A handle that keeps the container awake while any of `signals` is asserted on it.
#[derive(Debug)]
pub struct WakeSource {
    /// Human-readable name, reported as the resume reason.
    pub name: String,
    pub handle: zx::NullableHandle,
    pub signals: zx::Signals,
}

/// The wake sources of one container, keyed by the koid of their object.
///
/// Shared by the thread that registers sources and the proxy thread, which removes a proxy's
/// counter when the proxy ends. The mutex is held for one map operation at a time, never
/// across an await or a wait.
#[derive(Debug, Default)]
pub struct WakeSources {
    sources: Mutex<HashMap<zx::Koid, WakeSource>>,
}

/// The koid is already registered.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("wake source {0:?} is already registered")]
pub struct AlreadyRegistered(pub zx::Koid);

impl WakeSources {
    fn sources(&self) -> MutexGuard<'_, HashMap<zx::Koid, WakeSource>> {
        self.sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers `source` under `koid`; the existing source stays if `koid` is taken.
    pub fn insert(&self, koid: zx::Koid, source: WakeSource) -> Result<(), AlreadyRegistered> {
        match self.sources().entry(koid) {
            std::collections::hash_map::Entry::Occupied(_) => Err(AlreadyRegistered(koid)),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(source);
                Ok(())
            }
        }
    }

    /// Unregisters and returns the source under `koid`.
    pub fn remove(&self, koid: &zx::Koid) -> Option<WakeSource> {
        self.sources().remove(koid)
    }

    pub fn contains(&self, koid: &zx::Koid) -> bool {
        self.sources().contains_key(koid)
    }

    pub fn len(&self) -> usize {
        self.sources().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
