//! Executor time and timers: `MonotonicInstant`, `WakeupTime`, `Timer`.

use std::future::Future;
use std::ops;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use zx::MonotonicDuration;

/// A point in time on the monotonic clock, as seen by the executor (in nanoseconds, the
/// same clock as `zx::MonotonicInstant`).
#[derive(Debug, Copy, Clone, Eq, PartialEq, Ord, PartialOrd, Hash)]
#[repr(transparent)]
pub struct MonotonicInstant(zx::MonotonicInstant);

impl MonotonicInstant {
    /// The maximum time: a timer set to it never fires.
    pub const INFINITE: MonotonicInstant = MonotonicInstant(zx::MonotonicInstant::INFINITE);
    /// The minimum time.
    pub const INFINITE_PAST: MonotonicInstant =
        MonotonicInstant(zx::MonotonicInstant::INFINITE_PAST);
    /// The clock's epoch.
    pub const ZERO: MonotonicInstant = MonotonicInstant(zx::MonotonicInstant::ZERO);

    /// The current time.
    pub fn now() -> Self {
        MonotonicInstant(zx::MonotonicInstant::get())
    }

    /// The time `duration` from now; saturates instead of overflowing.
    pub fn after(duration: MonotonicDuration) -> Self {
        Self::now() + duration
    }

    /// Converts from `zx::MonotonicInstant`.
    pub const fn from_zx(t: zx::MonotonicInstant) -> Self {
        MonotonicInstant(t)
    }

    /// Converts into `zx::MonotonicInstant`.
    pub const fn into_zx(self) -> zx::MonotonicInstant {
        self.0
    }

    /// Converts from nanoseconds on the monotonic clock.
    pub const fn from_nanos(nanos: i64) -> Self {
        MonotonicInstant(zx::MonotonicInstant::from_nanos(nanos))
    }

    /// Converts to nanoseconds on the monotonic clock.
    pub const fn into_nanos(self) -> i64 {
        self.0.into_nanos()
    }
}

impl From<zx::MonotonicInstant> for MonotonicInstant {
    fn from(t: zx::MonotonicInstant) -> Self {
        MonotonicInstant(t)
    }
}

impl From<MonotonicInstant> for zx::MonotonicInstant {
    fn from(t: MonotonicInstant) -> Self {
        t.0
    }
}

impl ops::Add<MonotonicDuration> for MonotonicInstant {
    type Output = MonotonicInstant;
    fn add(self, d: MonotonicDuration) -> MonotonicInstant {
        MonotonicInstant(self.0 + d)
    }
}

impl ops::Add<MonotonicInstant> for MonotonicDuration {
    type Output = MonotonicInstant;
    fn add(self, t: MonotonicInstant) -> MonotonicInstant {
        MonotonicInstant(t.0 + self)
    }
}

impl ops::Sub<MonotonicDuration> for MonotonicInstant {
    type Output = MonotonicInstant;
    fn sub(self, d: MonotonicDuration) -> MonotonicInstant {
        MonotonicInstant(self.0 - d)
    }
}

impl ops::Sub<MonotonicInstant> for MonotonicInstant {
    type Output = MonotonicDuration;
    fn sub(self, t: MonotonicInstant) -> MonotonicDuration {
        self.0 - t.0
    }
}

impl ops::AddAssign<MonotonicDuration> for MonotonicInstant {
    fn add_assign(&mut self, d: MonotonicDuration) {
        self.0 += d;
    }
}

impl ops::SubAssign<MonotonicDuration> for MonotonicInstant {
    fn sub_assign(&mut self, d: MonotonicDuration) {
        self.0 -= d;
    }
}

/// Something a [`Timer`] can be set to: an instant, or a duration from now.
pub trait WakeupTime {
    /// A timer that fires at this time (never earlier).
    fn into_timer(self) -> Timer;
}

impl WakeupTime for MonotonicInstant {
    fn into_timer(self) -> Timer {
        Timer::at(self)
    }
}

impl WakeupTime for zx::MonotonicInstant {
    fn into_timer(self) -> Timer {
        Timer::at(self.into())
    }
}

impl WakeupTime for MonotonicDuration {
    fn into_timer(self) -> Timer {
        Timer::at(MonotonicInstant::after(self))
    }
}

impl WakeupTime for std::time::Duration {
    fn into_timer(self) -> Timer {
        Timer::at(MonotonicInstant::after(self.into()))
    }
}

impl WakeupTime for std::time::Instant {
    fn into_timer(self) -> Timer {
        let remaining = self.saturating_duration_since(std::time::Instant::now());
        Timer::at(MonotonicInstant::after(remaining.into()))
    }
}

/// `after_now()` on durations: the instant that far from now.
pub trait DurationExt {
    /// `MonotonicInstant::now() + self`.
    fn after_now(self) -> MonotonicInstant;
}

impl DurationExt for MonotonicDuration {
    fn after_now(self) -> MonotonicInstant {
        MonotonicInstant::after(self)
    }
}

impl DurationExt for std::time::Duration {
    fn after_now(self) -> MonotonicInstant {
        MonotonicInstant::after(self.into())
    }
}

/// A future that completes at a deadline (never earlier), driven by tokio's timer.
///
/// It must be polled on a thread that runs an executor of this crate.
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct Timer {
    deadline: MonotonicInstant,
    /// The tokio sleep for the current wait; created on first poll.
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    fired: bool,
}

impl Timer {
    /// A timer that fires at `time`.
    pub fn new(time: impl WakeupTime) -> Self {
        time.into_timer()
    }

    fn at(deadline: MonotonicInstant) -> Self {
        Timer { deadline, sleep: None, fired: false }
    }

    /// Re-arms the timer to fire at `time`.
    pub fn reset(mut self: Pin<&mut Self>, time: MonotonicInstant) {
        *self = Timer::at(time);
    }
}

impl Future for Timer {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.fired {
            return Poll::Ready(());
        }
        if self.deadline == MonotonicInstant::INFINITE {
            return Poll::Pending;
        }
        loop {
            let remaining = self.deadline - MonotonicInstant::now();
            if remaining.into_nanos() <= 0 {
                self.fired = true;
                self.sleep = None;
                return Poll::Ready(());
            }
            // tokio's clock and the monotonic clock are read at slightly different
            // moments: when the sleep fires, the loop re-checks the monotonic clock and
            // sleeps again for any remainder, so the timer never fires early.
            let remaining = std::time::Duration::from_nanos(remaining.into_nanos().unsigned_abs());
            let sleep = self.sleep.get_or_insert_with(|| Box::pin(tokio::time::sleep(remaining)));
            match sleep.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(()) => self.sleep = None,
            }
        }
    }
}

impl futures::future::FusedFuture for Timer {
    fn is_terminated(&self) -> bool {
        self.fired
    }
}

/// Adds a deadline to any future.
pub trait TimeoutExt: Future + Sized {
    /// Resolves to the future's output, or to `on_timeout()` if `time` comes first.
    fn on_timeout<WT, OT>(self, time: WT, on_timeout: OT) -> OnTimeout<Self, OT>
    where
        WT: WakeupTime,
        OT: FnOnce() -> Self::Output,
    {
        OnTimeout { timer: time.into_timer(), future: self, on_timeout: Some(on_timeout) }
    }
}

impl<F: Future + Sized> TimeoutExt for F {}

pin_project_lite::pin_project! {
    /// A future with a deadline; see [`TimeoutExt::on_timeout`].
    #[derive(Debug)]
    #[must_use = "futures do nothing unless polled"]
    pub struct OnTimeout<F, OT> {
        timer: Timer,
        #[pin]
        future: F,
        on_timeout: Option<OT>,
    }
}

impl<F: Future, OT: FnOnce() -> F::Output> Future for OnTimeout<F, OT> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        if let Poll::Ready(output) = this.future.poll(cx) {
            return Poll::Ready(output);
        }
        match Pin::new(this.timer).poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => {
                let on_timeout = this.on_timeout.take().expect("OnTimeout polled after completion");
                Poll::Ready(on_timeout())
            }
        }
    }
}
