//! The process handle table: handle values -> (object, rights).

use super::object::KernelObject;
use crate::{Rights, Status};
use rustc_hash::FxHashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{LazyLock, Mutex};

/// One handle: a counted reference to an object plus the rights it grants. Lives in the table
/// or inside a queued channel message; dropping it closes the handle.
pub(crate) struct Entry {
    pub(crate) object: KernelObject,
    pub(crate) rights: Rights,
}

impl Entry {
    pub(crate) fn new(object: KernelObject, rights: Rights) -> Entry {
        object.add_handle();
        Entry { object, rights }
    }
}

impl Drop for Entry {
    fn drop(&mut self) {
        self.object.remove_handle();
    }
}

const SHARDS: usize = 16;

/// The table, sharded by handle value to keep threads apart. Any thread may use it; a shard
/// lock is held only for one map operation, never while an `Entry` is dropped.
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

/// Takes handle `raw` out of the table (closing or transferring it). Waiters waiting through
/// it are woken so that they can report the cancellation.
pub(crate) fn remove(raw: u32) -> Result<Entry, Status> {
    let entry = shard(raw).remove(&raw).ok_or(Status::BAD_HANDLE)?;
    entry.object.header().signals.wake_handle_waiters(raw);
    Ok(entry)
}

/// The object and rights behind handle `raw`.
pub(crate) fn lookup(raw: u32) -> Result<(KernelObject, Rights), Status> {
    shard(raw).get(&raw).map(|e| (e.object.clone(), e.rights)).ok_or(Status::BAD_HANDLE)
}

/// Whether `raw` still names `object`.
pub(crate) fn refers_to(raw: u32, object: &KernelObject) -> bool {
    shard(raw).get(&raw).is_some_and(|e| e.object.same_object(object))
}

/// Closes handle `raw`. Closing an unknown value does nothing (the drop of an already
/// transferred or aliased handle).
pub(crate) fn close(raw: u32) {
    drop(remove(raw));
}
