//! The host archivist: a process-wide registry of published Inspect trees keyed by component
//! moniker, read the way archivist reads them (seqlock VMO snapshot, strict parse, lazy nodes
//! resolved) into `InspectData`.
//!
//! Concurrency: the registry is a process-wide mutex-guarded list touched by any thread that
//! publishes, unpublishes or reads; the lock is held only to add, remove or clone entries,
//! never while a tree is read (reading runs lazy-node callbacks).

use crate::host::identity::ComponentIdentity;
use diagnostics_data::{
    ExtendedMoniker, InspectData, InspectDataBuilder, InspectError, InspectHandleName,
};
use fuchsia_inspect::Inspector;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex, MutexGuard};

/// One published tree.
#[derive(Clone, Debug)]
pub struct PublishedTree {
    id: u64,
    /// The publishing component.
    pub identity: ComponentIdentity,
    /// The tree name ("root" unless `PublishOptions::inspect_tree_name` set another).
    pub name: String,
    inspector: Inspector,
}

impl PublishedTree {
    /// Reads the tree now, as archivist does. A tree that cannot be read yields data with no
    /// payload and the reason in `metadata.errors`.
    pub async fn snapshot(&self) -> InspectData {
        let timestamp = zx::BootInstant::get().into_nanos();
        let moniker = ExtendedMoniker::parse_str(&self.identity.moniker)
            .unwrap_or(ExtendedMoniker::ComponentInstance(self.identity.moniker.clone()));
        let builder = InspectDataBuilder::new(moniker, self.identity.url.clone(), timestamp)
            .with_name(InspectHandleName::name(self.name.clone()));
        match fuchsia_inspect::reader::read(&self.inspector).await {
            Ok(hierarchy) => builder.with_hierarchy(hierarchy).build(),
            Err(err) => {
                builder.with_errors(vec![InspectError { message: err.to_string() }]).build()
            }
        }
    }
}

static REGISTRY: LazyLock<Mutex<Vec<PublishedTree>>> = LazyLock::new(|| Mutex::new(Vec::new()));
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

fn registry() -> MutexGuard<'static, Vec<PublishedTree>> {
    REGISTRY.lock().unwrap_or_else(|p| p.into_inner())
}

/// Keeps a tree registered; dropping it removes the tree.
#[derive(Debug)]
pub struct Registration {
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        registry().retain(|tree| tree.id != self.id);
    }
}

/// Registers `inspector` under `identity` and `name`.
pub fn register(identity: ComponentIdentity, name: String, inspector: Inspector) -> Registration {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    registry().push(PublishedTree { id, identity, name, inspector });
    Registration { id }
}

/// The trees published now, in publication order.
pub fn published() -> Vec<PublishedTree> {
    registry().clone()
}

/// Snapshots every published tree (optionally only those of `moniker`), sorted by moniker and
/// tree name, as `ffx inspect show` lists them.
pub async fn snapshot(moniker: Option<&str>) -> Vec<InspectData> {
    let trees: Vec<PublishedTree> = published()
        .into_iter()
        .filter(|t| moniker.is_none_or(|m| t.identity.moniker == m))
        .collect();
    let mut data = Vec::with_capacity(trees.len());
    for tree in &trees {
        data.push(tree.snapshot().await);
    }
    data.sort_by(|a, b| {
        (a.moniker.to_string(), a.name().to_owned())
            .cmp(&(b.moniker.to_string(), b.name().to_owned()))
    });
    data
}
