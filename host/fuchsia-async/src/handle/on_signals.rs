//! `OnSignals`: a future that resolves when a handle asserts any of a set of signals.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use zx::AsHandleRef;

/// A future that completes when any of `signals` is asserted on a handle.
///
/// It resolves at once if one is already asserted, with every signal asserted at that
/// moment; otherwise it registers the task's waker on the object and is woken by the
/// signal change, from any thread. Errors: `BAD_HANDLE` for an invalid handle,
/// `ACCESS_DENIED` without the WAIT right, `CANCELED` if the handle is closed while waiting.
#[must_use = "futures do nothing unless polled"]
pub struct OnSignals<'a, H: AsHandleRef> {
    handle: H,
    signals: zx::Signals,
    /// The registered wait, from the first poll that had to wait.
    wait: Option<zx::host::SignalWait>,
    phantom: PhantomData<&'a H>,
}

/// `OnSignals` over a borrowed handle.
pub type OnSignalsRef<'a> = OnSignals<'a, zx::HandleRef<'a>>;

// The handle is never pinned: it is only borrowed to look up the object.
impl<H: AsHandleRef> Unpin for OnSignals<'_, H> {}

impl<'a, H: AsHandleRef + 'a> OnSignals<'a, H> {
    /// A future of the first moment any of `signals` is asserted on `handle`.
    pub fn new(handle: H, signals: zx::Signals) -> Self {
        OnSignals { handle, signals, wait: None, phantom: PhantomData }
    }

    /// Gives the handle back, dropping any registered wait.
    pub fn take_handle(self) -> H
    where
        H: zx::HandleBased,
    {
        self.handle
    }
}

impl<H: AsHandleRef> Future for OnSignals<'_, H> {
    type Output = Result<zx::Signals, zx::Status>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let wait = match &mut this.wait {
            Some(wait) => wait,
            None => match zx::host::SignalWait::new(this.handle.as_handle_ref(), this.signals) {
                Ok(wait) => this.wait.insert(wait),
                Err(status) => return Poll::Ready(Err(status)),
            },
        };
        wait.poll(cx)
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
