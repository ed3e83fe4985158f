//! Timer and MonotonicInstant.

use fuchsia_async as fasync;
use futures::future::{self, Either};
use std::pin::pin;
use std::task::Poll;

#[test]
fn timer_never_fires_before_its_deadline() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let deadline = fasync::MonotonicInstant::after(zx::MonotonicDuration::from_millis(5));
        fasync::Timer::new(deadline).await;
        assert!(fasync::MonotonicInstant::now() >= deadline);
    });
}

#[test]
fn timer_accepts_every_wakeup_time_kind() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let start = zx::MonotonicInstant::get();
        fasync::Timer::new(zx::MonotonicInstant::after(zx::MonotonicDuration::from_millis(1)))
            .await;
        fasync::Timer::new(zx::MonotonicDuration::from_millis(1)).await;
        fasync::Timer::new(std::time::Duration::from_millis(1)).await;
        fasync::Timer::new(std::time::Instant::now() + std::time::Duration::from_millis(1)).await;
        fasync::Timer::new(fasync::MonotonicInstant::after(zx::MonotonicDuration::from_millis(1)))
            .await;
        assert!(zx::MonotonicInstant::get() - start >= zx::MonotonicDuration::from_millis(5));
    });
}

#[test]
fn past_deadline_fires_at_first_poll() {
    let mut executor = fasync::TestExecutor::new();
    let mut timer = fasync::Timer::new(fasync::MonotonicInstant::INFINITE_PAST);
    assert_eq!(executor.run_until_stalled(&mut timer), Poll::Ready(()));
}

#[test]
fn infinite_deadline_never_fires() {
    let mut executor = fasync::TestExecutor::new();
    let mut timer = fasync::Timer::new(fasync::MonotonicInstant::INFINITE);
    assert_eq!(executor.run_until_stalled(&mut timer), Poll::Pending);
}

#[test]
fn shorter_timer_fires_first() {
    let winner = fasync::LocalExecutor::default().run_singlethreaded(async {
        let shorter = pin!(fasync::Timer::new(zx::MonotonicDuration::from_millis(1)));
        let longer = pin!(fasync::Timer::new(zx::MonotonicDuration::from_seconds(3600)));
        match future::select(shorter, longer).await {
            Either::Left(_) => "shorter",
            Either::Right(_) => "longer",
        }
    });
    assert_eq!(winner, "shorter");
}

#[test]
fn timer_works_on_a_send_executor() {
    fasync::SendExecutorBuilder::new().num_threads(2).build().run(async {
        let deadline = fasync::MonotonicInstant::after(zx::MonotonicDuration::from_millis(2));
        fasync::Task::spawn(fasync::Timer::new(deadline)).await;
        assert!(fasync::MonotonicInstant::now() >= deadline);
    });
}

#[test]
fn reset_moves_the_deadline() {
    let mut executor = fasync::TestExecutor::new();
    let mut timer = pin!(fasync::Timer::new(fasync::MonotonicInstant::INFINITE));
    assert_eq!(executor.run_until_stalled(&mut timer), Poll::Pending);
    timer.as_mut().reset(fasync::MonotonicInstant::INFINITE_PAST);
    assert_eq!(executor.run_until_stalled(&mut timer), Poll::Ready(()));
}

#[test]
fn fired_timer_is_terminated() {
    use futures::future::FusedFuture;
    let mut executor = fasync::TestExecutor::new();
    let mut timer = fasync::Timer::new(fasync::MonotonicInstant::INFINITE_PAST);
    assert!(!timer.is_terminated());
    assert_eq!(executor.run_until_stalled(&mut timer), Poll::Ready(()));
    assert!(timer.is_terminated());
}

#[test]
fn monotonic_instant_converts_and_does_arithmetic() {
    use fasync::DurationExt;
    let zx_time = zx::MonotonicInstant::from_nanos(1_000);
    let time = fasync::MonotonicInstant::from_zx(zx_time);
    assert_eq!(time.into_zx(), zx_time);
    assert_eq!(zx::MonotonicInstant::from(time), zx_time);
    assert_eq!(fasync::MonotonicInstant::from(zx_time), time);
    assert_eq!(time.into_nanos(), 1_000);
    let second = zx::MonotonicDuration::from_seconds(1);
    assert_eq!((time + second).into_nanos(), 1_000_001_000);
    assert_eq!((second + time).into_nanos(), 1_000_001_000);
    assert_eq!((time - second).into_nanos(), 1_000 - 1_000_000_000);
    assert_eq!((time + second) - time, second);
    let mut moving = time;
    moving += second;
    moving -= second;
    assert_eq!(moving, time);
    assert_eq!(fasync::MonotonicInstant::INFINITE + second, fasync::MonotonicInstant::INFINITE);
    assert_eq!(fasync::MonotonicInstant::ZERO.into_nanos(), 0);
    let before = fasync::MonotonicInstant::now();
    assert!(second.after_now() >= before + second);
    assert!(std::time::Duration::from_secs(1).after_now() >= before + second);
}

#[test]
fn on_timeout_yields_the_future_output_when_it_comes_first() {
    use fasync::TimeoutExt;
    let output = fasync::LocalExecutor::default()
        .run_singlethreaded(async { 1u8 }.on_timeout(fasync::MonotonicInstant::INFINITE, || 2u8));
    assert_eq!(output, 1);
}

#[test]
fn on_timeout_calls_the_fallback_when_the_deadline_comes_first() {
    use fasync::TimeoutExt;
    let output = fasync::LocalExecutor::default().run_singlethreaded(
        futures::future::pending::<u8>().on_timeout(zx::MonotonicDuration::from_millis(1), || 2u8),
    );
    assert_eq!(output, 2);
}
