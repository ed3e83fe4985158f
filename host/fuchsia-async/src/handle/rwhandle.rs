//! `RWHandle`: a handle whose readability is tracked by one long-lived wait registration.
//!
//! Follows the in-tree `src/lib/fuchsia-async/src/handle/zircon/rwhandle.rs`: the handle is
//! optimistically assumed readable; a reader reads until the kernel says SHOULD_WAIT and
//! then calls `need_readable`, which arms one async wait for READABLE or PEER_CLOSED unless
//! one is armed already. The wait fires once; its signals are cached until the reader says
//! it needs more. So a reader that finds messages queued makes no wait calls at all, and a
//! reader that drained the queue makes exactly one registration per wake.
//!
//! Host: the wait is a `zx::host::SignalWait` polled with the reader's waker instead of a
//! port packet; the kernel calls the in-tree executor would make (`zx_object_wait_async`,
//! the `zx_port_wait` delivering the packet) are recorded in `zx::host::counters`. Only
//! the reading half is provided (`ReadableHandle`); see the crate README.

use crate::OnSignalsRef;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll, ready};
use zx::AsHandleRef;
use zx::host::counters::{self, Event};

const OBJECT_PEER_CLOSED: zx::Signals = zx::Signals::OBJECT_PEER_CLOSED;
const OBJECT_READABLE: zx::Signals = zx::Signals::OBJECT_READABLE;

/// State of an object when it is ready for reading.
#[derive(Debug, PartialEq, Eq, Copy, Clone)]
pub enum ReadableState {
    /// Received `OBJECT_READABLE`, or optimistically assuming the object is readable.
    Readable,
    /// Received `OBJECT_PEER_CLOSED`. The object might also be readable.
    MaybeReadableAndClosed,
}

/// A handle that tells its reader when it may be readable.
pub trait ReadableHandle {
    /// `Ready` with the readable state if the object may be read; otherwise arranges a wake
    /// (as `need_readable`) and is `Pending`. Readability is assumed until `need_readable`
    /// is called, so a read may still find nothing.
    fn poll_readable(&self, cx: &mut Context<'_>) -> Poll<Result<ReadableState, zx::Status>>;

    /// Arranges for the current task to be woken once the object is readable or its peer
    /// closed; to be called after a read returned SHOULD_WAIT. `Ready` if that is already
    /// known, in which case no wake will come and the caller must read again.
    fn need_readable(&self, cx: &mut Context<'_>) -> Poll<Result<(), zx::Status>>;
}

/// The cached signals and the armed wait of one `RWHandle`.
struct ReadState {
    /// READABLE / PEER_CLOSED as last known; READABLE is cleared when a reader needs more.
    signals: zx::Signals,
    /// The armed wait, while READABLE is not known.
    wait: Option<zx::host::SignalWait>,
}

/// A handle that receives notifications when it is readable or its peer closed.
pub struct RWHandle<T> {
    handle: T,
    /// Touched by whichever task reads through this handle (reads take `&self`); the lock is
    /// held only while polling the wait, never across an await.
    state: Mutex<ReadState>,
}

impl<T: AsHandleRef> RWHandle<T> {
    /// Wraps `handle`, optimistically assumed readable.
    pub fn new(handle: T) -> Self {
        RWHandle { handle, state: Mutex::new(ReadState { signals: OBJECT_READABLE, wait: None }) }
    }

    /// The underlying handle.
    pub fn get_ref(&self) -> &T {
        &self.handle
    }

    /// The underlying handle, mutably.
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.handle
    }

    /// Gives the handle back, cancelling any armed wait.
    pub fn into_inner(self) -> T {
        self.handle
    }

    /// Whether the peer has closed (as cached, or as the kernel says now).
    pub fn is_closed(&self) -> bool {
        if self.lock().signals.contains(OBJECT_PEER_CLOSED) {
            return true;
        }
        self.handle
            .as_handle_ref()
            .wait_one(OBJECT_PEER_CLOSED, zx::MonotonicInstant::INFINITE_PAST)
            .is_ok()
    }

    /// A future that completes when the peer has closed.
    pub fn on_closed(&self) -> OnSignalsRef<'_> {
        OnSignalsRef::new(self.handle.as_handle_ref(), OBJECT_PEER_CLOSED)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ReadState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn need_signal(&self, cx: &mut Context<'_>) -> Poll<Result<(), zx::Status>> {
        let mut state = self.lock();
        if state.signals.contains(OBJECT_PEER_CLOSED) {
            // Queued messages may remain readable after the peer closed.
            return Poll::Ready(Ok(()));
        }
        if state.signals.contains(OBJECT_READABLE) {
            state.signals.remove(OBJECT_READABLE);
            counters::record(Event::WaitAsync);
            let _kernel = counters::kernel_work();
            state.wait = Some(zx::host::SignalWait::new(
                self.handle.as_handle_ref(),
                OBJECT_READABLE | OBJECT_PEER_CLOSED,
            )?);
        }
        let Some(wait) = state.wait.as_mut() else {
            // Not readable, not closed and no wait: impossible by construction.
            return Poll::Ready(Ok(()));
        };
        let polled = {
            let _kernel = counters::kernel_work();
            wait.poll(cx)
        };
        match polled {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(observed)) => {
                counters::record(Event::PortWait);
                state.wait = None;
                state.signals |= observed & (OBJECT_READABLE | OBJECT_PEER_CLOSED);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(status)) => {
                state.wait = None;
                Poll::Ready(Err(status))
            }
        }
    }
}

impl<T: AsHandleRef> ReadableHandle for RWHandle<T> {
    fn poll_readable(&self, cx: &mut Context<'_>) -> Poll<Result<ReadableState, zx::Status>> {
        loop {
            let signals = self.lock().signals;
            if signals.contains(OBJECT_PEER_CLOSED) {
                return Poll::Ready(Ok(ReadableState::MaybeReadableAndClosed));
            }
            if signals.contains(OBJECT_READABLE) {
                return Poll::Ready(Ok(ReadableState::Readable));
            }
            ready!(self.need_signal(cx)?);
        }
    }

    fn need_readable(&self, cx: &mut Context<'_>) -> Poll<Result<(), zx::Status>> {
        self.need_signal(cx)
    }
}

impl Drop for ReadState {
    /// An armed wait that is dropped is cancelled on the port.
    fn drop(&mut self) {
        if let Some(wait) = self.wait.take() {
            counters::record(Event::PortCancel);
            let _kernel = counters::kernel_work();
            drop(wait);
        }
    }
}

impl<T: AsHandleRef> AsHandleRef for RWHandle<T> {
    fn as_handle_ref(&self) -> zx::HandleRef<'_> {
        self.handle.as_handle_ref()
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for RWHandle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("RWHandle").field(&self.handle).finish()
    }
}
