//! `OnSignals`: a future that resolves when a handle asserts any of a set of signals.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use zx::AsHandleRef;
use zx::host::counters::{self, Event};

/// A future that completes when any of `signals` is asserted on a handle.
///
/// It resolves at once if one is already asserted, with every signal asserted at that
/// moment; otherwise it registers the task's waker on the object and is woken by the
/// signal change, from any thread. Errors: `BAD_HANDLE` for an invalid handle,
/// `ACCESS_DENIED` without the WAIT right, `CANCELED` if the handle is closed while waiting.
///
/// Costs as in-tree (`src/lib/fuchsia-async/src/handle/zircon/on_signals.rs`), recorded in
/// `zx::host::counters`: one heap allocation when created (the in-tree registration is
/// boxed), a `zx_object_wait_one` at each poll before the wait fires, one
/// `zx_object_wait_async` when the first poll finds no signal, one `zx_port_wait` when the
/// wait fires, and one `zx_port_cancel` if it is dropped armed.
#[must_use = "futures do nothing unless polled"]
pub struct OnSignals<'a, H: AsHandleRef> {
    handle: H,
    signals: zx::Signals,
    /// The registered wait, from the first poll that had to wait until it fires. Boxed, like
    /// the in-tree registration the port refers to.
    wait: Box<Option<zx::host::SignalWait>>,
    phantom: PhantomData<&'a H>,
}

/// `OnSignals` over a borrowed handle.
pub type OnSignalsRef<'a> = OnSignals<'a, zx::HandleRef<'a>>;

// The handle is never pinned: it is only borrowed to look up the object.
impl<H: AsHandleRef> Unpin for OnSignals<'_, H> {}

impl<'a, H: AsHandleRef + 'a> OnSignals<'a, H> {
    /// A future of the first moment any of `signals` is asserted on `handle`.
    pub fn new(handle: H, signals: zx::Signals) -> Self {
        OnSignals { handle, signals, wait: Box::new(None), phantom: PhantomData }
    }

    /// Gives the handle back, dropping any registered wait.
    pub fn take_handle(mut self) -> H
    where
        H: zx::HandleBased,
    {
        self.cancel();
        let invalid = H::from(zx::NullableHandle::invalid());
        std::mem::replace(&mut self.handle, invalid)
    }
}

impl<H: AsHandleRef> OnSignals<'_, H> {
    /// Cancels an armed wait.
    fn cancel(&mut self) {
        if let Some(wait) = self.wait.take() {
            counters::record(Event::PortCancel);
            let _kernel = counters::kernel_work();
            drop(wait);
        }
    }
}

impl<H: AsHandleRef> Drop for OnSignals<'_, H> {
    fn drop(&mut self) {
        self.cancel();
    }
}

impl<H: AsHandleRef> Future for OnSignals<'_, H> {
    type Output = Result<zx::Signals, zx::Status>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if let Some(wait) = this.wait.as_mut() {
            let polled = {
                let _kernel = counters::kernel_work();
                wait.poll(cx)
            };
            match polled {
                Poll::Ready(Ok(signals)) => {
                    counters::record(Event::PortWait);
                    let _kernel = counters::kernel_work();
                    *this.wait = None;
                    return Poll::Ready(Ok(signals));
                }
                Poll::Ready(Err(status)) => return Poll::Ready(Err(status)),
                Poll::Pending => {}
            }
        }
        // As in-tree, the kernel is asked directly before (and while) waiting, so a signal
        // whose notification has not been delivered yet is still seen.
        match this
            .handle
            .as_handle_ref()
            .wait_one(this.signals, zx::MonotonicInstant::INFINITE_PAST)
        {
            zx::WaitResult::Ok(signals) => return Poll::Ready(Ok(signals)),
            zx::WaitResult::TimedOut(_) => {}
            zx::WaitResult::Canceled(_) => return Poll::Ready(Err(zx::Status::CANCELED)),
            zx::WaitResult::Err(status) => return Poll::Ready(Err(status)),
        }
        if this.wait.is_some() {
            return Poll::Pending;
        }
        counters::record(Event::WaitAsync);
        let _kernel = counters::kernel_work();
        let wait = match zx::host::SignalWait::new(this.handle.as_handle_ref(), this.signals) {
            Ok(wait) => this.wait.insert(wait),
            Err(status) => return Poll::Ready(Err(status)),
        };
        match wait.poll(cx) {
            Poll::Pending => Poll::Pending,
            // Raised since `wait_one`: delivered as a packet.
            Poll::Ready(result) => {
                counters::record(Event::PortWait);
                *this.wait = None;
                Poll::Ready(result)
            }
        }
    }
}

impl<H: AsHandleRef> AsHandleRef for OnSignals<'_, H> {
    fn as_handle_ref(&self) -> zx::HandleRef<'_> {
        self.handle.as_handle_ref()
    }
}

impl<H: AsHandleRef> AsRef<H> for OnSignals<'_, H> {
    fn as_ref(&self) -> &H {
        &self.handle
    }
}

impl<H: AsHandleRef> fmt::Debug for OnSignals<'_, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnSignals").field("signals", &self.signals).finish_non_exhaustive()
    }
}
