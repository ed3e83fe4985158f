//! `RWHandle`: a handle whose readability and writability are each tracked by one wait
//! registration at a time.
//!
//! Follows the in-tree `src/lib/fuchsia-async/src/handle/zircon/rwhandle.rs`: the handle is
//! optimistically assumed readable and writable; a reader (writer) tries until the kernel
//! says SHOULD_WAIT and then calls `need_readable` (`need_writable`), which arms one async
//! wait for the spec's readable (writable) signals or PEER_CLOSED unless one is armed
//! already. The wait fires once; its signals are cached until the reader (writer) says it
//! needs more. So a reader that finds messages queued makes no wait calls at all, and a
//! reader that drained the queue makes exactly one registration per wake. `RWHandleSpec`
//! says which signals mean readable and writable (sockets add their write-disabled
//! signals).
//!
//! Host: each wait is a `zx::host::SignalWait` polled with the task's waker instead of a
//! port packet; the kernel calls the in-tree executor would make (`zx_object_wait_async`,
//! the `zx_port_wait` delivering the packet) are recorded in `zx::host::counters`.

use crate::OnSignalsRef;
use std::marker::PhantomData;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll, ready};
use zx::AsHandleRef;
use zx::host::counters::{self, Event};

const OBJECT_PEER_CLOSED: zx::Signals = zx::Signals::OBJECT_PEER_CLOSED;
const OBJECT_READABLE: zx::Signals = zx::Signals::OBJECT_READABLE;
const OBJECT_WRITABLE: zx::Signals = zx::Signals::OBJECT_WRITABLE;

/// State of an object when it is ready for reading.
#[derive(Debug, PartialEq, Eq, Copy, Clone)]
pub enum ReadableState {
    /// Received a readable signal, or optimistically assuming the object is readable.
    Readable,
    /// Received `OBJECT_PEER_CLOSED`. The object might also be readable.
    MaybeReadableAndClosed,
}

/// State of an object when it is ready for writing.
#[derive(Debug, PartialEq, Eq, Copy, Clone)]
pub enum WritableState {
    /// Received a writable signal, or optimistically assuming the object is writable.
    Writable,
    /// Received `OBJECT_PEER_CLOSED`.
    Closed,
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

/// A handle that tells its writer when it may be writable.
pub trait WritableHandle {
    /// `Ready` with the writable state if the object may be written; otherwise arranges a
    /// wake (as `need_writable`) and is `Pending`. Writability is assumed until
    /// `need_writable` is called, so a write may still find no room.
    fn poll_writable(&self, cx: &mut Context<'_>) -> Poll<Result<WritableState, zx::Status>>;

    /// Arranges for the current task to be woken once the object is writable or its peer
    /// closed; to be called after a write returned SHOULD_WAIT. `Ready` if that is already
    /// known, in which case no wake will come and the caller must write again.
    fn need_writable(&self, cx: &mut Context<'_>) -> Poll<Result<(), zx::Status>>;
}

/// Which signals make an [`RWHandle`] readable and writable. Neither set may contain
/// `OBJECT_PEER_CLOSED` (always watched) and the two may not intersect.
pub trait RWHandleSpec: Send + Sync + 'static {
    /// Signals meaning the handle is readable.
    const READABLE_SIGNALS: zx::Signals;
    /// Signals meaning the handle is writable.
    const WRITABLE_SIGNALS: zx::Signals;
}

/// The default spec: `OBJECT_READABLE` and `OBJECT_WRITABLE`.
#[derive(Debug)]
pub struct DefaultRWHandleSpec;

impl RWHandleSpec for DefaultRWHandleSpec {
    const READABLE_SIGNALS: zx::Signals = OBJECT_READABLE;
    const WRITABLE_SIGNALS: zx::Signals = OBJECT_WRITABLE;
}

#[derive(Copy, Clone)]
enum Direction {
    Read,
    Write,
}

/// The cached signals and the armed waits of one `RWHandle`.
struct RWState {
    /// Readable / writable / PEER_CLOSED signals as last known; a direction's signals are
    /// cleared when its user needs more.
    signals: zx::Signals,
    /// The armed read wait, while readability is not known.
    read_wait: Option<zx::host::SignalWait>,
    /// The armed write wait, while writability is not known.
    write_wait: Option<zx::host::SignalWait>,
}

/// A handle that receives notifications when it is readable, writable, or its peer closed.
pub struct RWHandle<T, S: RWHandleSpec = DefaultRWHandleSpec> {
    handle: T,
    /// Touched by whichever tasks read and write through this handle (both take `&self`);
    /// the lock is held only while polling a wait, never across an await.
    state: Mutex<RWState>,
    spec: PhantomData<S>,
}

impl<T: AsHandleRef> RWHandle<T, DefaultRWHandleSpec> {
    /// Wraps `handle`, optimistically assumed readable and writable.
    pub fn new(handle: T) -> Self {
        Self::new_with_spec(handle)
    }
}

impl<T: AsHandleRef, S: RWHandleSpec> RWHandle<T, S> {
    /// Wraps `handle` with the signals of spec `S`, optimistically assumed readable and
    /// writable.
    ///
    /// # Panics
    /// If `S`'s signal sets contain `OBJECT_PEER_CLOSED` or intersect (as in-tree).
    pub fn new_with_spec(handle: T) -> Self {
        assert!(
            !S::READABLE_SIGNALS.contains(OBJECT_PEER_CLOSED),
            "readable signals contain PEER_CLOSED"
        );
        assert!(
            !S::WRITABLE_SIGNALS.contains(OBJECT_PEER_CLOSED),
            "writable signals contain PEER_CLOSED"
        );
        assert!(!S::WRITABLE_SIGNALS.intersects(S::READABLE_SIGNALS), "signals may not intersect");
        RWHandle {
            handle,
            state: Mutex::new(RWState {
                signals: S::READABLE_SIGNALS | S::WRITABLE_SIGNALS,
                read_wait: None,
                write_wait: None,
            }),
            spec: PhantomData,
        }
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

    fn lock(&self) -> std::sync::MutexGuard<'_, RWState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn mask(direction: Direction) -> zx::Signals {
        match direction {
            Direction::Read => S::READABLE_SIGNALS,
            Direction::Write => S::WRITABLE_SIGNALS,
        }
    }

    fn need_signal(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<Result<(), zx::Status>> {
        let mask = Self::mask(direction);
        let mut guard = self.lock();
        let state = &mut *guard;
        if state.signals.contains(OBJECT_PEER_CLOSED) {
            // Queued data may remain readable after the peer closed.
            return Poll::Ready(Ok(()));
        }
        let slot = match direction {
            Direction::Read => &mut state.read_wait,
            Direction::Write => &mut state.write_wait,
        };
        if state.signals.intersects(mask) {
            state.signals.remove(mask);
            counters::record(Event::WaitAsync);
            let _kernel = counters::kernel_work();
            *slot = Some(zx::host::SignalWait::new(
                self.handle.as_handle_ref(),
                mask | OBJECT_PEER_CLOSED,
            )?);
        }
        let Some(wait) = slot.as_mut() else {
            // Not signalled, not closed and no wait: impossible by construction.
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
                *slot = None;
                state.signals |= observed & (mask | OBJECT_PEER_CLOSED);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(status)) => {
                *slot = None;
                Poll::Ready(Err(status))
            }
        }
    }

    /// The direction's signals and PEER_CLOSED as cached, arming a wait while none is.
    fn poll_signal(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<Result<zx::Signals, zx::Status>> {
        let mask = Self::mask(direction) | OBJECT_PEER_CLOSED;
        loop {
            let asserted = self.lock().signals & mask;
            if !asserted.is_empty() {
                return Poll::Ready(Ok(asserted));
            }
            ready!(self.need_signal(cx, direction)?);
        }
    }
}

impl<T: AsHandleRef, S: RWHandleSpec> ReadableHandle for RWHandle<T, S> {
    fn poll_readable(&self, cx: &mut Context<'_>) -> Poll<Result<ReadableState, zx::Status>> {
        let signals = ready!(self.poll_signal(cx, Direction::Read)?);
        Poll::Ready(Ok(if signals.contains(OBJECT_PEER_CLOSED) {
            ReadableState::MaybeReadableAndClosed
        } else {
            ReadableState::Readable
        }))
    }

    fn need_readable(&self, cx: &mut Context<'_>) -> Poll<Result<(), zx::Status>> {
        self.need_signal(cx, Direction::Read)
    }
}

impl<T: AsHandleRef, S: RWHandleSpec> WritableHandle for RWHandle<T, S> {
    fn poll_writable(&self, cx: &mut Context<'_>) -> Poll<Result<WritableState, zx::Status>> {
        let signals = ready!(self.poll_signal(cx, Direction::Write)?);
        Poll::Ready(Ok(if signals.contains(OBJECT_PEER_CLOSED) {
            WritableState::Closed
        } else {
            WritableState::Writable
        }))
    }

    fn need_writable(&self, cx: &mut Context<'_>) -> Poll<Result<(), zx::Status>> {
        self.need_signal(cx, Direction::Write)
    }
}

impl Drop for RWState {
    /// An armed wait that is dropped is cancelled on the port.
    fn drop(&mut self) {
        for wait in [self.read_wait.take(), self.write_wait.take()].into_iter().flatten() {
            counters::record(Event::PortCancel);
            let _kernel = counters::kernel_work();
            drop(wait);
        }
    }
}

impl<T: AsHandleRef, S: RWHandleSpec> AsHandleRef for RWHandle<T, S> {
    fn as_handle_ref(&self) -> zx::HandleRef<'_> {
        self.handle.as_handle_ref()
    }
}

impl<T: std::fmt::Debug, S: RWHandleSpec> std::fmt::Debug for RWHandle<T, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("RWHandle").field(&self.handle).finish()
    }
}
