//! The asserted signals of one object and the waiters observing them.

use super::table::HandleId;
use crate::Signals;
use slab::Slab;
use smallvec::SmallVec;
use std::sync::Mutex;
use std::task::Waker;

/// One registered wait (the kernel's signal observer): woken when any bit of `mask` becomes
/// asserted, or when the handle it was made through (`via`) is closed or read out of a
/// channel.
///
/// Waits are latched, like a Zircon async wait's packet: once a requested bit is raised the
/// wait records every signal asserted at that moment in `fired`, and reports it even if the
/// bit clears again before the waiter looks.
struct Waiter {
    mask: Signals,
    via: HandleId,
    waker: Waker,
    fired: Option<Signals>,
    canceled: bool,
}

struct SignalInner {
    asserted: Signals,
    waiters: Slab<Waiter>,
}

/// The signal bits of one kernel object plus its waiter list.
///
/// Shared by every thread holding a handle to the object; all access goes through the inner
/// mutex, which is held only for bit updates and list edits (never across a wake: wakers are
/// collected under the lock and woken after it is released).
pub(crate) struct SignalState {
    inner: Mutex<SignalInner>,
}

/// The key of a registered waiter in one object's waiter list. Only its owner removes it.
pub(crate) type WaiterKey = usize;

/// What a registered wait has seen.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum WaitOutcome {
    /// A requested signal was raised; every signal asserted then.
    Fired(Signals),
    /// The handle was closed or read out of a channel; the signals asserted now plus
    /// HANDLE_CLOSED.
    Canceled(Signals),
}

impl SignalState {
    pub(crate) fn new(initial: Signals) -> SignalState {
        SignalState { inner: Mutex::new(SignalInner { asserted: initial, waiters: Slab::new() }) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SignalInner> {
        // A panic while holding this lock cannot leave the bits inconsistent (each update is a
        // single assignment), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The currently asserted signals.
    pub(crate) fn get(&self) -> Signals {
        self.lock().asserted
    }

    /// Clears `clear`, then asserts `set`, and wakes every waiter whose mask intersects a bit
    /// that went from clear to asserted.
    pub(crate) fn update(&self, clear: Signals, set: Signals) {
        let to_wake: SmallVec<[Waker; 4]> = {
            let mut inner = self.lock();
            let before = inner.asserted;
            let after = (before - clear) | set;
            inner.asserted = after;
            let raised = after - before;
            if raised.is_empty() {
                return;
            }
            inner
                .waiters
                .iter_mut()
                .filter(|(_, w)| w.fired.is_none() && !w.canceled && w.mask.intersects(raised))
                .map(|(_, w)| {
                    w.fired = Some(after);
                    w.waker.clone()
                })
                .collect()
        };
        to_wake.into_iter().for_each(Waker::wake);
    }

    /// Registers a wait for any bit of `mask`, made through handle `via`.
    pub(crate) fn register(&self, mask: Signals, via: HandleId, waker: &Waker) -> WaiterKey {
        self.lock().waiters.insert(Waiter {
            mask,
            via,
            waker: waker.clone(),
            fired: None,
            canceled: false,
        })
    }

    /// What the waiter `key` has seen: its latched signals (the latch is reset, the waiter
    /// stays registered), then its cancellation, then a requested signal asserted now. Otherwise
    /// `waker` is stored to be woken by the next change, and `None` returned.
    pub(crate) fn poll(&self, key: WaiterKey, waker: &Waker) -> Option<WaitOutcome> {
        let mut inner = self.lock();
        let asserted = inner.asserted;
        let waiter = &mut inner.waiters[key];
        if let Some(observed) = waiter.fired.take() {
            return Some(WaitOutcome::Fired(observed));
        }
        if waiter.canceled {
            return Some(WaitOutcome::Canceled(asserted | Signals::HANDLE_CLOSED));
        }
        if asserted.intersects(waiter.mask) {
            return Some(WaitOutcome::Fired(asserted));
        }
        if !waiter.waker.will_wake(waker) {
            waiter.waker = waker.clone();
        }
        None
    }

    /// Removes the waiter `key` and returns what it observed: its latched signals or the
    /// signals asserted now, plus HANDLE_CLOSED if it was canceled (the kernel's
    /// `WaitSignalObserver::End`).
    pub(crate) fn end(&self, key: WaiterKey) -> Signals {
        let mut inner = self.lock();
        let asserted = inner.asserted;
        match inner.waiters.try_remove(key) {
            Some(Waiter { fired: Some(observed), .. }) => observed,
            Some(Waiter { canceled: true, .. }) => asserted | Signals::HANDLE_CLOSED,
            Some(_) | None => asserted,
        }
    }

    /// Cancels and wakes the waits made through handle `via`, which has just been closed or
    /// read out of a channel.
    pub(crate) fn cancel_handle_waiters(&self, via: HandleId) {
        let to_wake: SmallVec<[Waker; 4]> = {
            let mut inner = self.lock();
            if inner.waiters.is_empty() {
                return;
            }
            inner
                .waiters
                .iter_mut()
                .filter(|(_, w)| w.via == via && !w.canceled)
                .map(|(_, w)| {
                    w.canceled = true;
                    w.waker.clone()
                })
                .collect()
        };
        to_wake.into_iter().for_each(Waker::wake);
    }
}
