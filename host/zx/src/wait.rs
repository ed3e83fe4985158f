//! `zx::object_wait_many` and its `WaitItem`, with the shapes of the in-tree
//! `sdk/rust/zx/src/wait.rs`; the kernel rules are those of `zx_object_wait_many` in
//! `zircon/kernel/lib/syscalls/object_wait.cc`.

use crate::kernel::wait;
use crate::{AsHandleRef, HandleRef, MonotonicInstant, Signals, Status};

/// A handle to wait on with the signals to wait for, and, once `object_wait_many` returns,
/// the signals it observed pending (`zx_wait_item_t`). Made by the handle types'
/// `wait_item` methods.
#[derive(Debug)]
pub struct WaitItem<'a> {
    handle: HandleRef<'a>,
    waiting_for: Signals,
    pending: Signals,
}

impl<'a> WaitItem<'a> {
    pub(crate) fn new(handle: HandleRef<'a>, waiting_for: Signals) -> WaitItem<'a> {
        WaitItem { handle, waiting_for, pending: Signals::empty() }
    }

    /// The handle waited on.
    pub fn handle(&self) -> HandleRef<'a> {
        self.handle.clone()
    }

    /// The signals waited for.
    pub fn waiting_for(&self) -> Signals {
        self.waiting_for
    }

    /// The signals pending when `object_wait_many` returned (empty before).
    pub fn pending(&self) -> Signals {
        self.pending
    }
}

impl<'a> AsHandleRef for WaitItem<'a> {
    fn as_handle_ref(&self) -> HandleRef<'_> {
        self.handle.clone()
    }
}

/// Waits until any item's signals are asserted or the deadline passes, then writes every
/// item's observed signals to its `pending`.
///
/// `Ok(false)` when a wait was satisfied; `Ok(true)` when a handle was closed during the wait
/// (the kernel's CANCELED; that item's `pending` holds HANDLE_CLOSED); TIMED_OUT when the
/// deadline passed (`pending` written too). Errors that leave every `pending` untouched:
/// OUT_OF_RANGE for more than 64 items, BAD_HANDLE for an invalid handle, ACCESS_DENIED for a
/// handle without WAIT. With no items at all it sleeps until the deadline (TIMED_OUT).
pub fn object_wait_many(
    items: &mut [WaitItem<'_>],
    deadline: MonotonicInstant,
) -> Result<bool, Status> {
    let _syscall = crate::host::counters::syscall();
    let requests: Vec<(u32, Signals)> =
        items.iter().map(|item| (item.handle.raw_handle(), item.waiting_for)).collect();
    let (pending, status) = wait::wait_many(&requests, deadline)?;
    let mut canceled = false;
    for (item, observed) in items.iter_mut().zip(pending) {
        canceled |= observed.contains(Signals::HANDLE_CLOSED);
        item.pending = observed;
    }
    if canceled {
        return Ok(true);
    }
    Status::ok(status.into_raw()).map(|()| false)
}
