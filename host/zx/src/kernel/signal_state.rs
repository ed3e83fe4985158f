//! The asserted signals of one object and the wakers waiting on them.

use crate::Signals;
use slab::Slab;
use smallvec::SmallVec;
use std::sync::Mutex;
use std::task::Waker;

/// One registered wait: woken when any bit of `mask` becomes asserted, or when the handle it
/// waits through (`via_handle`) is closed.
///
/// Waits are latched, like a Zircon async wait's packet: once a requested bit is raised the
/// wait records every signal asserted at that moment in `fired`, and reports it even if the
/// bit clears again before the waiter looks.
struct Waiter {
    mask: Signals,
    via_handle: u32,
    waker: Waker,
    fired: Option<Signals>,
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
                .filter(|(_, w)| w.fired.is_none() && w.mask.intersects(raised))
                .map(|(_, w)| {
                    w.fired = Some(after);
                    w.waker.clone()
                })
                .collect()
        };
        to_wake.into_iter().for_each(Waker::wake);
    }

    /// If the waiter `*key` has fired, or any bit of `mask` is asserted now, removes the waiter
    /// (if any) and returns the signals observed then (or now). Otherwise registers `waker`
    /// under `*key` (inserting or updating) and returns `None`.
    pub(crate) fn poll_register(
        &self,
        key: &mut Option<WaiterKey>,
        mask: Signals,
        via_handle: u32,
        waker: &Waker,
    ) -> Option<Signals> {
        let mut inner = self.lock();
        if let Some(k) = *key
            && let Some(observed) = inner.waiters[k].fired
        {
            inner.waiters.remove(k);
            *key = None;
            return Some(observed);
        }
        if inner.asserted.intersects(mask) {
            if let Some(k) = key.take() {
                inner.waiters.remove(k);
            }
            return Some(inner.asserted);
        }
        match *key {
            Some(k) => {
                let waiter = &mut inner.waiters[k];
                waiter.mask = mask;
                if !waiter.waker.will_wake(waker) {
                    waiter.waker = waker.clone();
                }
            }
            None => {
                *key = Some(inner.waiters.insert(Waiter {
                    mask,
                    via_handle,
                    waker: waker.clone(),
                    fired: None,
                }))
            }
        }
        None
    }

    /// Removes a waiter registered by `poll_register`.
    pub(crate) fn unregister(&self, key: WaiterKey) {
        self.lock().waiters.try_remove(key);
    }

    /// Wakes the waiters that wait through handle `raw`, which has just been closed.
    pub(crate) fn wake_handle_waiters(&self, raw: u32) {
        let to_wake: SmallVec<[Waker; 4]> = self
            .lock()
            .waiters
            .iter()
            .filter(|(_, w)| w.via_handle == raw)
            .map(|(_, w)| w.waker.clone())
            .collect();
        to_wake.into_iter().for_each(Waker::wake);
    }
}
