//! Waiting for signals: blocking (`wait_one`, `wait_many`) and by task waker (`SignalWait`).
//!
//! Follows `zircon/kernel/lib/syscalls/object_wait.cc`: a wait is begun under the handle
//! table lock (so a concurrent close either happens before, giving BAD_HANDLE, or after,
//! cancelling the wait), is tied to the handle it was made through, and reports every
//! signal asserted when it ends.

use super::object::KernelObject;
use super::signal_state::{WaitOutcome, WaiterKey};
use super::table;
use crate::{MonotonicInstant, Rights, Signals, Status, WaitResult};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

/// Wakes a thread blocked in a wait.
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

/// Parks the calling thread until it is unparked or `deadline` passes (spurious returns are
/// possible; callers re-check). False once the deadline has passed.
pub(crate) fn park_until(deadline: MonotonicInstant) -> bool {
    let now = MonotonicInstant::get();
    if now >= deadline {
        return false;
    }
    if deadline == MonotonicInstant::INFINITE {
        std::thread::park();
    } else {
        std::thread::park_timeout((deadline - now).to_std());
    }
    true
}

/// One registered wait on one object (the kernel's `WaitSignalObserver`). Owned by the
/// waiting thread or task; dropping it removes the registration.
pub(crate) struct Observer {
    object: KernelObject,
    /// `None` once ended.
    key: Option<WaiterKey>,
}

impl Observer {
    /// Starts a wait for any of `signals` through handle `raw`: BAD_HANDLE if unknown,
    /// ACCESS_DENIED without WAIT.
    pub(crate) fn begin(raw: u32, signals: Signals, waker: &Waker) -> Result<Observer, Status> {
        table::with(raw, |entry| {
            if !entry.rights.contains(Rights::WAIT) {
                return Err(Status::ACCESS_DENIED);
            }
            let key = entry.object.header().signals.register(signals, entry.id, waker);
            Ok(Observer { object: entry.object.clone(), key: Some(key) })
        })?
    }

    /// What the wait has seen so far; `None` (with `waker` stored) if nothing yet.
    pub(crate) fn poll(&self, waker: &Waker) -> Option<WaitOutcome> {
        let key = self.key.expect("an observer is polled only before it ends");
        self.object.header().signals.poll(key, waker)
    }

    /// Ends the wait: the signals it observed, with HANDLE_CLOSED if it was canceled.
    pub(crate) fn end(mut self) -> Signals {
        let key = self.key.take().expect("an observer ends once");
        self.object.header().signals.end(key)
    }
}

impl Drop for Observer {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.object.header().signals.end(key);
        }
    }
}

/// `zx_object_wait_one`: blocks the calling thread until a bit of `signals` is asserted, the
/// deadline passes, or the handle is closed. Reports every asserted signal.
pub(crate) fn wait_one(raw: u32, signals: Signals, deadline: MonotonicInstant) -> WaitResult {
    let waker = thread_waker();
    let observer = match Observer::begin(raw, signals, &waker) {
        Ok(observer) => observer,
        Err(status) => return WaitResult::Err(status),
    };
    loop {
        match observer.poll(&waker) {
            Some(WaitOutcome::Fired(observed)) => return WaitResult::Ok(observed),
            Some(WaitOutcome::Canceled(observed)) => return WaitResult::Canceled(observed),
            None => {}
        }
        if !park_until(deadline) {
            let observed = observer.end();
            return if observed.contains(Signals::HANDLE_CLOSED) {
                WaitResult::Canceled(observed)
            } else {
                WaitResult::TimedOut(observed)
            };
        }
    }
}

/// The most items one `zx_object_wait_many` waits on (`ZX_WAIT_MANY_MAX_ITEMS`).
pub(crate) const MAX_WAIT_MANY_ITEMS: usize = 64;

/// `zx_object_wait_many` over `(handle, signals)` pairs: the signals each handle observed,
/// once any wait fired or was canceled (`Ok`), or the deadline passed (TIMED_OUT, with the
/// observed signals). Errors before waiting (no item is observed): OUT_OF_RANGE past 64
/// items, BAD_HANDLE, ACCESS_DENIED without WAIT. No items at all sleeps until the deadline
/// and gives TIMED_OUT.
pub(crate) fn wait_many(
    items: &[(u32, Signals)],
    deadline: MonotonicInstant,
) -> Result<(Vec<Signals>, Status), Status> {
    if items.is_empty() {
        while park_until(deadline) {}
        return Err(Status::TIMED_OUT);
    }
    if items.len() > MAX_WAIT_MANY_ITEMS {
        return Err(Status::OUT_OF_RANGE);
    }
    let waker = thread_waker();
    // On an error, the observers begun so far are dropped (ended) by the `?`.
    let observers = items
        .iter()
        .map(|(raw, signals)| Observer::begin(*raw, *signals, &waker))
        .collect::<Result<Vec<_>, Status>>()?;
    let status = loop {
        // Every observer is polled so that each stores the waker.
        let outcomes: Vec<_> = observers.iter().map(|o| o.poll(&waker)).collect();
        if outcomes.iter().any(Option::is_some) {
            let pending = observers
                .into_iter()
                .zip(outcomes)
                .map(|(observer, outcome)| match outcome {
                    Some(WaitOutcome::Fired(s) | WaitOutcome::Canceled(s)) => s,
                    None => observer.end(),
                })
                .collect();
            return Ok((pending, Status::OK));
        }
        if !park_until(deadline) {
            break Status::TIMED_OUT;
        }
    };
    Ok((observers.into_iter().map(Observer::end).collect(), status))
}

/// A wait for signals on one object, driven by a task's waker instead of a blocked thread.
///
/// Host-only: this is the seam the host `fuchsia_async` executor uses where the Fuchsia
/// executor uses ports. Product code never uses it. Owned by one task; dropping it removes
/// its registration. It is level-triggered: after reporting signals it stays registered and
/// reports again whenever a requested signal is asserted.
pub struct SignalWait {
    observer: Observer,
}

impl SignalWait {
    /// Starts a wait on the object behind `handle` for any bit of `signals`.
    /// BAD_HANDLE for an invalid handle, ACCESS_DENIED without WAIT.
    pub fn new(handle: crate::HandleRef<'_>, signals: Signals) -> Result<SignalWait, Status> {
        Ok(SignalWait { observer: Observer::begin(handle.raw_handle(), signals, Waker::noop())? })
    }

    /// Ready with all asserted signals once any requested one is asserted; CANCELED once the
    /// handle was closed or read out of a channel; otherwise registers `cx`'s waker and is
    /// Pending.
    pub fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Result<Signals, Status>> {
        match self.observer.poll(cx.waker()) {
            Some(WaitOutcome::Fired(observed)) => Poll::Ready(Ok(observed)),
            Some(WaitOutcome::Canceled(_)) => Poll::Ready(Err(Status::CANCELED)),
            None => Poll::Pending,
        }
    }
}
