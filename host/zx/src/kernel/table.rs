//! The process handle table: handle values -> (object, rights).

use super::object::KernelObject;
use crate::{Rights, Status};
use rustc_hash::FxHashMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex};

/// The identity of one handle (the kernel's `Handle` object), unique for the life of the
/// process. A handle keeps it while it moves through channels; waits started through a handle
/// are tied to it (see `SignalState::cancel_handle_waiters`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct HandleId(u64);

/// The next handle identity; touched with relaxed atomics by every thread that makes a handle.
static NEXT_HANDLE_ID: AtomicU64 = AtomicU64::new(1);

/// One handle: a counted reference to an object plus the rights it grants. Lives in the table
/// or inside a queued channel message; dropping it closes the handle, which cancels the waits
/// made through it.
pub(crate) struct Entry {
    pub(crate) object: KernelObject,
    pub(crate) rights: Rights,
    pub(crate) id: HandleId,
}

impl Entry {
    pub(crate) fn new(object: KernelObject, rights: Rights) -> Entry {
        object.add_handle();
        Entry { object, rights, id: HandleId(NEXT_HANDLE_ID.fetch_add(1, Ordering::Relaxed)) }
    }

    /// Cancels the waits made through this handle, as the kernel does when a handle is read
    /// out of a channel (`msg_get_handles` in `zircon/kernel/lib/syscalls/channel.cc`).
    pub(crate) fn cancel_waits(&self) {
        self.object.header().signals.cancel_handle_waiters(self.id);
    }
}

impl Drop for Entry {
    fn drop(&mut self) {
        self.cancel_waits();
        self.object.remove_handle();
    }
}

const SHARDS: usize = 16;

/// The table, sharded by handle value to keep threads apart. Any thread may use it; a shard
/// lock is held only for one map operation (plus, in `with`, one signal-state edit of the
/// object), never while an `Entry` is dropped.
static TABLE: LazyLock<[Mutex<FxHashMap<u32, Entry>>; SHARDS]> =
    LazyLock::new(|| std::array::from_fn(|_| Mutex::new(FxHashMap::default())));

/// The next handle number to try. Handle values are `(n << 2) | 3`, as on Zircon.
static NEXT_HANDLE: AtomicU32 = AtomicU32::new(1);

fn shard(raw: u32) -> std::sync::MutexGuard<'static, FxHashMap<u32, Entry>> {
    TABLE[((raw >> 2) as usize) % SHARDS].lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Puts `entry` in the table and returns its new handle value (never 0).
pub(crate) fn insert(entry: Entry) -> u32 {
    let mut entry = Some(entry);
    loop {
        let n = NEXT_HANDLE.fetch_add(1, Ordering::Relaxed) & 0x3fff_ffff;
        if n == 0 {
            continue;
        }
        let raw = (n << 2) | crate::sys::ZX_HANDLE_FIXED_BITS_MASK;
        let mut map = shard(raw);
        if let std::collections::hash_map::Entry::Vacant(slot) = map.entry(raw) {
            slot.insert(entry.take().expect("inserted once"));
            return raw;
        }
    }
}

/// Takes handle `raw` out of the table (to close or transfer it).
pub(crate) fn remove(raw: u32) -> Result<Entry, Status> {
    shard(raw).remove(&raw).ok_or(Status::BAD_HANDLE)
}

/// The object and rights behind handle `raw`.
pub(crate) fn lookup(raw: u32) -> Result<(KernelObject, Rights), Status> {
    shard(raw).get(&raw).map(|e| (e.object.clone(), e.rights)).ok_or(Status::BAD_HANDLE)
}

/// Runs `f` on the entry of handle `raw` while it is in the table, so that the handle cannot
/// be closed or transferred meanwhile (the kernel holds its handle-table lock the same way
/// while it starts a wait). `f` may take the object's signal lock, nothing else.
pub(crate) fn with<R>(raw: u32, f: impl FnOnce(&Entry) -> R) -> Result<R, Status> {
    shard(raw).get(&raw).map(f).ok_or(Status::BAD_HANDLE)
}

/// Closes handle `raw`. Closing an unknown value does nothing (the drop of an already
/// transferred or aliased handle).
pub(crate) fn close(raw: u32) {
    drop(remove(raw));
}
