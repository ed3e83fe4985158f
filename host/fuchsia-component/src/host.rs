//! Host-only: the namespace of a host component instance.
//!
//! On Fuchsia a component's namespace (e.g. `/svc`) is given to its process at startup as
//! directory channels. On the host, the launcher binds them into the instance's
//! [`Namespace`] (a `fuchsia_runtime` per-instance singleton) before the component starts;
//! `client::connect_to_protocol` then opens protocols through them. Product code never uses
//! this module.

use crate::fio;
use std::sync::{Arc, Mutex, MutexGuard};

/// Directory channels by namespace path ("/svc", "/config", ...).
///
/// Shared by every thread of the instance and by its launcher; the mutex is held only to
/// insert an entry or clone one out.
#[derive(Default)]
pub struct Namespace {
    entries: Mutex<Vec<(String, Arc<fio::DirectorySynchronousProxy>)>>,
}

impl Namespace {
    fn entries(&self) -> MutexGuard<'_, Vec<(String, Arc<fio::DirectorySynchronousProxy>)>> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Binds `directory` at `path` (absolute, e.g. "/svc"), replacing any previous binding.
    pub fn bind(
        &self,
        path: impl Into<String>,
        directory: fidl::endpoints::ClientEnd<fio::DirectoryMarker>,
    ) {
        let path = path.into();
        let proxy = Arc::new(directory.into_sync_proxy());
        let mut entries = self.entries();
        entries.retain(|(bound, _)| *bound != path);
        entries.push((path, proxy));
    }

    /// The directory bound at the longest prefix of `path`, with the rest of the path
    /// (relative; "." for the directory itself). `None` if no binding contains `path`.
    pub fn resolve(&self, path: &str) -> Option<(Arc<fio::DirectorySynchronousProxy>, String)> {
        let entries = self.entries();
        entries
            .iter()
            .filter_map(|(bound, dir)| {
                let rest = path.strip_prefix(bound.as_str())?;
                let rest = match rest.strip_prefix('/') {
                    Some(rest) => rest,
                    None if rest.is_empty() => ".",
                    None => return None,
                };
                Some((bound.len(), Arc::clone(dir), rest.to_owned()))
            })
            .max_by_key(|(len, _, _)| *len)
            .map(|(_, dir, rest)| (dir, rest))
    }

    /// The namespace paths bound, in binding order.
    pub fn paths(&self) -> Vec<String> {
        self.entries().iter().map(|(path, _)| path.clone()).collect()
    }
}

/// The calling thread's component instance's namespace, if the thread belongs to one.
pub fn current_namespace() -> Option<Arc<Namespace>> {
    fuchsia_runtime::host::current_component().map(|instance| instance.singleton::<Namespace>())
}

/// Monikers of running host components whose Inspect cannot reach archivist because their
/// `fuchsia.inspect.InspectSink` use is missing or not routed (on Fuchsia their published
/// trees would never be collected). Written by the launcher, read by the host ArchiveReader.
/// Touched by any thread; the lock is held only for one list operation.
static INSPECT_SINK_UNROUTED: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn unrouted() -> MutexGuard<'static, Vec<String>> {
    INSPECT_SINK_UNROUTED.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Marks `moniker` as having no routed InspectSink until the guard drops.
#[must_use = "the mark lasts while the guard lives"]
#[derive(Debug)]
pub struct InspectSinkUnrouted {
    moniker: String,
}

impl Drop for InspectSinkUnrouted {
    fn drop(&mut self) {
        let mut monikers = unrouted();
        if let Some(position) = monikers.iter().position(|m| *m == self.moniker) {
            monikers.swap_remove(position);
        }
    }
}

/// Records that the component at `moniker` has no routed `fuchsia.inspect.InspectSink`.
pub fn mark_inspect_sink_unrouted(moniker: impl Into<String>) -> InspectSinkUnrouted {
    let moniker = moniker.into();
    unrouted().push(moniker.clone());
    InspectSinkUnrouted { moniker }
}

/// Whether Inspect published by the component at `moniker` reaches archivist.
pub fn inspect_sink_routed(moniker: &str) -> bool {
    !unrouted().iter().any(|m| m == moniker)
}
