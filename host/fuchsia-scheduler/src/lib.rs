//! Host build of `fuchsia_scheduler`: applying scheduler roles through
//! `fuchsia.scheduler.RoleManager`, as in-tree.
//!
//! `set_role_for_this_thread(role)` connects (once per component instance) to the
//! RoleManager in the calling component's namespace and asks it to apply `role` to the
//! calling thread, sent as its `zx::Thread`. A component that does not `use` the protocol,
//! or whose use is not routed, gets an error, as in-tree. When the RoleManager accepts, the
//! role is also recorded for the thread in [`host`], where tests can read it (the host
//! kernel has no scheduler to apply it to).

pub mod host;

use anyhow::{Context as _, Error};
use fidl_fuchsia_scheduler::{
    RoleManagerMarker, RoleManagerSetRoleRequest, RoleManagerSynchronousProxy, RoleName, RoleTarget,
};
use std::sync::{Arc, RwLock};

/// The instance's connection to RoleManager, made on first use and dropped when the server
/// closes it. Any thread of the instance may use it; the lock is held only to clone or
/// replace the `Arc`, never during a call.
#[derive(Default)]
struct RoleManagerConnection(RwLock<Option<Arc<RoleManagerSynchronousProxy>>>);

fn connection() -> Result<Arc<RoleManagerConnection>, Error> {
    let instance = fuchsia_runtime::host::current_component()
        .context("Failed to connect to fuchsia.scheduler.RoleManager: not in a component")?;
    Ok(instance.singleton::<RoleManagerConnection>())
}

fn connect(connection: &RoleManagerConnection) -> Result<Arc<RoleManagerSynchronousProxy>, Error> {
    if let Some(proxy) = &*connection.0.read().unwrap_or_else(|e| e.into_inner()) {
        return Ok(Arc::clone(proxy));
    }
    let mut slot = connection.0.write().unwrap_or_else(|e| e.into_inner());
    if let Some(proxy) = &*slot {
        return Ok(Arc::clone(proxy));
    }
    let proxy = Arc::new(
        fuchsia_component::client::connect_to_protocol_sync::<RoleManagerMarker>()
            .context("Failed to connect to fuchsia.scheduler.RoleManager")?,
    );
    *slot = Some(Arc::clone(&proxy));
    Ok(proxy)
}

fn disconnect(connection: &RoleManagerConnection) {
    *connection.0.write().unwrap_or_else(|e| e.into_inner()) = None;
}

fn set_role_for_target(target: RoleTarget, role_name: &str) -> Result<(), Error> {
    let connection = connection()?;
    let role_manager = connect(&connection)?;
    let request = RoleManagerSetRoleRequest {
        target: Some(target),
        role: Some(RoleName { role: role_name.to_owned() }),
        ..Default::default()
    };
    let result = role_manager.set_role(request, zx::MonotonicInstant::INFINITE);
    match result {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(status)) => {
            // A server that answers PEER_CLOSED lost its own upstream: reconnect next time.
            if status == zx::Status::PEER_CLOSED.into_raw() {
                disconnect(&connection);
            }
            Err(zx::Status::from_raw(status)).with_context(|| {
                format!("fuchsia.scheduler.RoleManager::SetRole returned error: {status:?}")
            })
        }
        Err(error) => {
            if error.is_closed() {
                disconnect(&connection);
            }
            Err(error).context("fuchsia.scheduler.RoleManager::SetRole failed")
        }
    }
}

/// Asks RoleManager to apply `role_name` to `thread`.
pub fn set_role_for_thread(thread: &zx::Thread, role_name: &str) -> Result<(), Error> {
    let koid = thread.koid().context("Failed to read the thread's koid")?;
    let thread = thread
        .duplicate_handle(zx::Rights::SAME_RIGHTS)
        .context("Failed to duplicate thread handle")?;
    set_role_for_target(RoleTarget::Thread(thread), role_name)?;
    host::record(koid, role_name);
    Ok(())
}

/// Asks RoleManager to apply `role_name` to the calling thread.
pub fn set_role_for_this_thread(role_name: &str) -> Result<(), Error> {
    let thread = fuchsia_runtime::thread_self();
    set_role_for_thread(&thread, role_name)
}
