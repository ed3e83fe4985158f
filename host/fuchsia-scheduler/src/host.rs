//! Host-only: the roles RoleManager accepted, by thread.
//!
//! On Fuchsia the kernel applies a role's profile to the thread; the host has no such
//! scheduler, so the accepted role is recorded here for tests to read. Product code never
//! uses this module.
//!
//! Concurrency: one process-wide map keyed by thread koid (koids are unique in the process,
//! so threads of different component instances never collide), touched by any thread that
//! sets or reads a role; the lock is held only for one map operation.

use std::collections::HashMap;
use std::sync::Mutex;

static ROLES: Mutex<Option<HashMap<zx::Koid, String>>> = Mutex::new(None);

pub(crate) fn record(thread: zx::Koid, role: &str) {
    ROLES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(HashMap::new)
        .insert(thread, role.to_owned());
}

/// The last role RoleManager accepted for the thread with koid `thread`.
pub fn role_of_thread(thread: zx::Koid) -> Option<String> {
    ROLES.lock().unwrap_or_else(|e| e.into_inner()).as_ref()?.get(&thread).cloned()
}

/// The last role RoleManager accepted for the calling thread.
pub fn role_of_this_thread() -> Option<String> {
    role_of_thread(fuchsia_runtime::thread_self().koid().ok()?)
}
