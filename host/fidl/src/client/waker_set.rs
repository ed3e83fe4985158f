//! A waker that wakes every task waiting on a shared client channel.

use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Wake, Waker};

/// The tasks waiting for messages on one client channel (pending calls and
/// the event stream). The channel is registered with a waker made from this
/// set, so any message wakes all of them; whichever polls first reads and
/// dispatches.
///
/// Shared by every clone of a client and every future it creates, on any
/// thread. The lock is held only to push or drain; wakers are woken after
/// it is released, and it is never taken while holding another lock it
/// could wait on (callers may hold the client state lock: order state, then
/// this).
#[derive(Debug, Default)]
pub(crate) struct WakerSet {
    wakers: Mutex<Vec<Waker>>,
}

impl WakerSet {
    /// Adds `waker` unless an equivalent one is already waiting.
    pub(crate) fn register(&self, waker: &Waker) {
        let mut wakers = self.wakers.lock().unwrap_or_else(PoisonError::into_inner);
        if !wakers.iter().any(|w| w.will_wake(waker)) {
            wakers.push(waker.clone());
        }
    }

    /// Wakes and forgets every waiting task.
    pub(crate) fn wake_all(&self) {
        let wakers =
            std::mem::take(&mut *self.wakers.lock().unwrap_or_else(PoisonError::into_inner));
        for waker in wakers {
            waker.wake();
        }
    }
}

impl Wake for WakerSet {
    fn wake(self: Arc<Self>) {
        self.wake_all();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wake_all();
    }
}
