//! Waiting for signals: blocking (`wait_one`) and by task waker (`SignalWait`).

use super::object::KernelObject;
use super::signal_state::WaiterKey;
use super::table;
use crate::{MonotonicInstant, Rights, Signals, Status, WaitResult};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

/// Wakes a thread blocked in `wait_one`.
struct ThreadWaker(std::thread::Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// A waker that unparks the calling thread.
pub(crate) fn thread_waker() -> Waker {
    Waker::from(Arc::new(ThreadWaker(std::thread::current())))
}

/// Looks up `raw` for waiting: BAD_HANDLE if unknown, ACCESS_DENIED without WAIT.
pub(crate) fn waitable(raw: u32) -> Result<KernelObject, Status> {
    let (object, rights) = table::lookup(raw)?;
    if !rights.contains(Rights::WAIT) {
        return Err(Status::ACCESS_DENIED);
    }
    Ok(object)
}

/// `zx_object_wait_one`: blocks the calling thread until a bit of `signals` is asserted, the
/// deadline passes, or the handle is closed. Reports every asserted signal.
pub(crate) fn wait_one(raw: u32, signals: Signals, deadline: MonotonicInstant) -> WaitResult {
    let object = match waitable(raw) {
        Ok(object) => object,
        Err(status) => return WaitResult::Err(status),
    };
    let state = &object.header().signals;
    let waker = thread_waker();
    let mut key = None;
    let result = loop {
        if let Some(observed) = state.poll_register(&mut key, signals, raw, &waker) {
            return WaitResult::Ok(observed);
        }
        if !table::refers_to(raw, &object) {
            break WaitResult::Canceled(state.get() | Signals::HANDLE_CLOSED);
        }
        let now = MonotonicInstant::get();
        if now >= deadline {
            break WaitResult::TimedOut(state.get());
        }
        if deadline == MonotonicInstant::INFINITE {
            std::thread::park();
        } else {
            std::thread::park_timeout((deadline - now).to_std());
        }
    };
    if let Some(key) = key {
        state.unregister(key);
    }
    result
}

/// A wait for signals on one object, driven by a task's waker instead of a blocked thread.
///
/// Host-only: this is the seam the host `fuchsia_async` executor uses where the Fuchsia
/// executor uses ports. Product code never uses it. Owned by one task; dropping it removes
/// its registration.
pub struct SignalWait {
    object: KernelObject,
    raw: u32,
    signals: Signals,
    key: Option<WaiterKey>,
}

impl SignalWait {
    /// Starts a wait on the object behind `handle` for any bit of `signals`.
    /// BAD_HANDLE for an invalid handle, ACCESS_DENIED without WAIT.
    pub fn new(handle: crate::HandleRef<'_>, signals: Signals) -> Result<SignalWait, Status> {
        let raw = handle.raw_handle();
        Ok(SignalWait { object: waitable(raw)?, raw, signals, key: None })
    }

    /// Ready with all asserted signals once any requested one is asserted; CANCELED if the
    /// handle was closed; otherwise registers `cx`'s waker and is Pending.
    pub fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Result<Signals, Status>> {
        let state = &self.object.header().signals;
        if let Some(observed) =
            state.poll_register(&mut self.key, self.signals, self.raw, cx.waker())
        {
            return Poll::Ready(Ok(observed));
        }
        if !table::refers_to(self.raw, &self.object) {
            return Poll::Ready(Err(Status::CANCELED));
        }
        Poll::Pending
    }
}

impl Drop for SignalWait {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.object.header().signals.unregister(key);
        }
    }
}
