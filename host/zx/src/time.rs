//! Kernel time: `Instant<T>` and `Duration<T>` on the monotonic and boot timelines, in nanoseconds.

use std::marker::PhantomData;
use std::ops::{Add, AddAssign, Div, Mul, Neg, Sub, SubAssign};

/// A clock a time value is measured on.
pub trait Timeline:
    Copy + Clone + std::fmt::Debug + Default + PartialEq + Eq + Send + Sync + 'static
{
    /// Reads the clock, in nanoseconds.
    fn now_nanos() -> i64;
}

/// Time since boot, not counting time suspended (`ZX_CLOCK_MONOTONIC`; `CLOCK_MONOTONIC` here).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MonotonicTimeline;

/// Time since boot, counting time suspended (`ZX_CLOCK_BOOT`; `CLOCK_BOOTTIME` here).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BootTimeline;

fn clock_nanos(clock: libc::clockid_t) -> i64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; the clock ids used are always supported on Linux.
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime failed");
    ts.tv_sec.saturating_mul(1_000_000_000).saturating_add(ts.tv_nsec)
}

impl Timeline for MonotonicTimeline {
    fn now_nanos() -> i64 {
        clock_nanos(libc::CLOCK_MONOTONIC)
    }
}

impl Timeline for BootTimeline {
    fn now_nanos() -> i64 {
        clock_nanos(libc::CLOCK_BOOTTIME)
    }
}

/// A point on timeline `T`, in nanoseconds. Arithmetic saturates at the infinities.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct Instant<T>(i64, PhantomData<T>);

/// A span of time on timeline `T`, in nanoseconds; may be negative.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct Duration<T>(i64, PhantomData<T>);

pub type MonotonicInstant = Instant<MonotonicTimeline>;
pub type BootInstant = Instant<BootTimeline>;
pub type MonotonicDuration = Duration<MonotonicTimeline>;
pub type BootDuration = Duration<BootTimeline>;

impl<T: Timeline> Instant<T> {
    pub const INFINITE: Instant<T> = Instant(i64::MAX, PhantomData);
    pub const INFINITE_PAST: Instant<T> = Instant(i64::MIN, PhantomData);
    pub const ZERO: Instant<T> = Instant(0, PhantomData);

    /// Reads the clock.
    pub fn get() -> Instant<T> {
        Instant(T::now_nanos(), PhantomData)
    }

    /// The instant `duration` from now.
    pub fn after(duration: Duration<T>) -> Instant<T> {
        Self::get() + duration
    }

    pub const fn from_nanos(nanos: i64) -> Instant<T> {
        Instant(nanos, PhantomData)
    }

    pub const fn into_nanos(self) -> i64 {
        self.0
    }
}

impl<T: Timeline> Duration<T> {
    pub const INFINITE: Duration<T> = Duration(i64::MAX, PhantomData);
    pub const INFINITE_PAST: Duration<T> = Duration(i64::MIN, PhantomData);
    pub const ZERO: Duration<T> = Duration(0, PhantomData);

    pub const fn from_nanos(nanos: i64) -> Self {
        Duration(nanos, PhantomData)
    }
    pub const fn from_micros(micros: i64) -> Self {
        Duration(micros.saturating_mul(1_000), PhantomData)
    }
    pub const fn from_millis(millis: i64) -> Self {
        Duration(millis.saturating_mul(1_000_000), PhantomData)
    }
    pub const fn from_seconds(seconds: i64) -> Self {
        Duration(seconds.saturating_mul(1_000_000_000), PhantomData)
    }
    pub const fn from_minutes(minutes: i64) -> Self {
        Duration(minutes.saturating_mul(60_000_000_000), PhantomData)
    }
    pub const fn into_nanos(self) -> i64 {
        self.0
    }
    pub const fn into_micros(self) -> i64 {
        self.0 / 1_000
    }
    pub const fn into_millis(self) -> i64 {
        self.0 / 1_000_000
    }
    pub const fn into_seconds(self) -> i64 {
        self.0 / 1_000_000_000
    }
    pub fn into_seconds_f64(self) -> f64 {
        self.0 as f64 / 1e9
    }
}

impl<T: Timeline> Add<Duration<T>> for Instant<T> {
    type Output = Instant<T>;
    fn add(self, d: Duration<T>) -> Instant<T> {
        Instant(self.0.saturating_add(d.0), PhantomData)
    }
}
impl<T: Timeline> AddAssign<Duration<T>> for Instant<T> {
    fn add_assign(&mut self, d: Duration<T>) {
        *self = *self + d;
    }
}
impl<T: Timeline> Sub<Duration<T>> for Instant<T> {
    type Output = Instant<T>;
    fn sub(self, d: Duration<T>) -> Instant<T> {
        Instant(self.0.saturating_sub(d.0), PhantomData)
    }
}
impl<T: Timeline> SubAssign<Duration<T>> for Instant<T> {
    fn sub_assign(&mut self, d: Duration<T>) {
        *self = *self - d;
    }
}
impl<T: Timeline> Sub<Instant<T>> for Instant<T> {
    type Output = Duration<T>;
    fn sub(self, other: Instant<T>) -> Duration<T> {
        Duration(self.0.saturating_sub(other.0), PhantomData)
    }
}
impl<T: Timeline> Add for Duration<T> {
    type Output = Duration<T>;
    fn add(self, d: Duration<T>) -> Duration<T> {
        Duration(self.0.saturating_add(d.0), PhantomData)
    }
}
impl<T: Timeline> AddAssign for Duration<T> {
    fn add_assign(&mut self, d: Duration<T>) {
        *self = *self + d;
    }
}
impl<T: Timeline> Sub for Duration<T> {
    type Output = Duration<T>;
    fn sub(self, d: Duration<T>) -> Duration<T> {
        Duration(self.0.saturating_sub(d.0), PhantomData)
    }
}
impl<T: Timeline> SubAssign for Duration<T> {
    fn sub_assign(&mut self, d: Duration<T>) {
        *self = *self - d;
    }
}
impl<T: Timeline> Neg for Duration<T> {
    type Output = Duration<T>;
    fn neg(self) -> Duration<T> {
        Duration(self.0.saturating_neg(), PhantomData)
    }
}
impl<T: Timeline> Mul<i64> for Duration<T> {
    type Output = Duration<T>;
    fn mul(self, factor: i64) -> Duration<T> {
        Duration(self.0.saturating_mul(factor), PhantomData)
    }
}
impl<T: Timeline> Div<i64> for Duration<T> {
    type Output = Duration<T>;
    fn div(self, divisor: i64) -> Duration<T> {
        Duration(self.0 / divisor, PhantomData)
    }
}

impl<T: Timeline> From<std::time::Duration> for Duration<T> {
    fn from(d: std::time::Duration) -> Self {
        Duration(i64::try_from(d.as_nanos()).unwrap_or(i64::MAX), PhantomData)
    }
}

impl<T: Timeline> Duration<T> {
    /// This span as a std duration; negative spans become zero.
    pub fn to_std(self) -> std::time::Duration {
        std::time::Duration::from_nanos(u64::try_from(self.0).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monotonic_clock_moves_forward() {
        let a = MonotonicInstant::get();
        let b = MonotonicInstant::get();
        assert!(b >= a);
        assert!(a.into_nanos() > 0);
    }

    #[test]
    fn arithmetic_saturates_at_infinity() {
        let d = MonotonicDuration::from_seconds(1);
        assert_eq!(MonotonicInstant::INFINITE + d, MonotonicInstant::INFINITE);
        assert_eq!(MonotonicInstant::INFINITE_PAST - d, MonotonicInstant::INFINITE_PAST);
        assert_eq!(MonotonicDuration::from_millis(3).into_nanos(), 3_000_000);
        assert_eq!(
            MonotonicInstant::from_nanos(10) - MonotonicInstant::from_nanos(4),
            MonotonicDuration::from_nanos(6)
        );
    }
}
