// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Watches one wake source's object and reports when it becomes active or inactive.
//!
//! Activation is waited for: the monitor waits for any of the source's signals. Zircon offers
//! no wait for a signal to clear, so deactivation is waited for through the complementary
//! signal where one exists (a counter's COUNTER_NON_POSITIVE for COUNTER_POSITIVE, and the
//! reverse); for other signals the monitor re-samples them on a timer while the source is
//! active, from `RECHECK_MIN` doubling up to `RECHECK_MAX`, and never while it is inactive.

use fuchsia_async as fasync;
use futures::FutureExt;

/// First re-sample of an active source without a complementary signal.
pub const RECHECK_MIN: zx::MonotonicDuration = zx::MonotonicDuration::from_millis(1);
/// Longest interval between re-samples of an active source without a complementary signal.
pub const RECHECK_MAX: zx::MonotonicDuration = zx::MonotonicDuration::from_seconds(1);

/// The signal whose assertion means `signals` are all clear, if the object has one.
fn complement(signals: zx::Signals) -> Option<zx::Signals> {
    if signals == zx::Signals::COUNTER_POSITIVE {
        Some(zx::Signals::COUNTER_NON_POSITIVE)
    } else if signals == zx::Signals::COUNTER_NON_POSITIVE {
        Some(zx::Signals::COUNTER_POSITIVE)
    } else {
        None
    }
}

/// Whether any of `signals` is asserted on `handle` right now.
fn asserted(handle: &zx::HandleRef<'_>, signals: zx::Signals) -> Result<bool, zx::Status> {
    match handle.wait_one(signals, zx::MonotonicInstant::INFINITE_PAST) {
        zx::WaitResult::Ok(_) => Ok(true),
        zx::WaitResult::TimedOut(_) => Ok(false),
        other => other.to_result().map(|_| true),
    }
}

/// Calls `on_change(true)` when the object behind `handle` becomes active (any of `signals`
/// asserted) and `on_change(false)` when it becomes inactive again, until dropped or until
/// the object can no longer be waited on; the returned status says why.
///
/// `reported_active` is the state already reported for the source when the monitor starts:
/// false for a new source, true for one that took over a lingering source's activation
/// (`WakeSources::register`). A monitor that starts active waits at once for the source to
/// become inactive (reporting it at once if it already is), without reporting an activation.
pub async fn monitor(
    handle: zx::HandleRef<'_>,
    signals: zx::Signals,
    reported_active: bool,
    mut on_change: impl FnMut(bool),
) -> zx::Status {
    let mut active = reported_active;
    loop {
        if !active {
            if let Err(status) = fasync::OnSignals::new(&handle, signals).await {
                return status;
            }
            on_change(true);
        }
        active = false;
        let cleared = match complement(signals) {
            Some(clear) => fasync::OnSignals::new(&handle, clear).await.map(drop),
            // Boxed, so that the timer is not part of every monitor's (and every proxy's)
            // future: only sources without a complementary signal ever need it.
            None => Box::pin(wait_until_clear(&handle, signals)).await,
        };
        if let Err(status) = cleared {
            return status;
        }
        on_change(false);
    }
}

/// `monitor` for as long as the caller keeps it: if the object can no longer be waited on,
/// logs why (naming it `what`) and leaves its last reported state in place.
///
/// Built from `monitor`'s future with a combinator rather than as an `async fn`, so that
/// the arguments are stored once (a proxy's future holds one of these).
pub fn watch<'a>(
    handle: zx::HandleRef<'a>,
    signals: zx::Signals,
    reported_active: bool,
    on_change: impl FnMut(bool) + 'a,
    what: impl std::fmt::Display + 'a,
) -> impl std::future::Future<Output = std::convert::Infallible> + 'a {
    monitor(handle, signals, reported_active, on_change).then(move |status| {
        log::warn!("{what}: cannot be watched any more ({status}); it stays as last seen");
        futures::future::pending()
    })
}

async fn wait_until_clear(
    handle: &zx::HandleRef<'_>,
    signals: zx::Signals,
) -> Result<(), zx::Status> {
    let mut interval = RECHECK_MIN;
    while asserted(handle, signals)? {
        fasync::Timer::new(fasync::MonotonicInstant::after(interval)).await;
        interval = (interval * 2).min(RECHECK_MAX);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{complement, monitor};
    use fuchsia_async as fasync;
    use futures::StreamExt;
    use futures::channel::mpsc;

    #[test]
    fn counters_have_a_complementary_signal_and_others_do_not() {
        assert_eq!(
            complement(zx::Signals::COUNTER_POSITIVE),
            Some(zx::Signals::COUNTER_NON_POSITIVE)
        );
        assert_eq!(
            complement(zx::Signals::COUNTER_NON_POSITIVE),
            Some(zx::Signals::COUNTER_POSITIVE)
        );
        assert_eq!(complement(zx::Signals::USER_0), None);
    }

    /// Runs `monitor` on `handle` as a task and returns the changes it reports.
    fn watch(
        handle: zx::NullableHandle,
        signals: zx::Signals,
    ) -> (fasync::Task<zx::Status>, mpsc::UnboundedReceiver<bool>) {
        watch_from(handle, signals, false)
    }

    /// `watch`, starting from `reported_active`.
    fn watch_from(
        handle: zx::NullableHandle,
        signals: zx::Signals,
        reported_active: bool,
    ) -> (fasync::Task<zx::Status>, mpsc::UnboundedReceiver<bool>) {
        let (sender, receiver) = mpsc::unbounded();
        let task = fasync::Task::local(async move {
            monitor(handle.as_handle_ref(), signals, reported_active, |active| {
                sender.unbounded_send(active).unwrap()
            })
            .await
        });
        (task, receiver)
    }

    #[fuchsia::test]
    async fn a_counter_is_active_while_positive() {
        let counter = zx::Counter::create();
        let watched = counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
        let (_task, mut changes) = watch(watched.into_handle(), zx::Signals::COUNTER_POSITIVE);
        counter.add(2).unwrap();
        assert_eq!(changes.next().await, Some(true));
        counter.add(-1).unwrap();
        counter.add(-1).unwrap();
        assert_eq!(changes.next().await, Some(false));
    }

    #[fuchsia::test]
    async fn a_monitor_started_active_reports_no_activation_only_the_end() {
        let counter = zx::Counter::create();
        counter.add(1).unwrap();
        let watched = counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
        let (_task, mut changes) =
            watch_from(watched.into_handle(), zx::Signals::COUNTER_POSITIVE, true);
        counter.add(-1).unwrap();
        assert_eq!(changes.next().await, Some(false));
        counter.add(1).unwrap();
        assert_eq!(changes.next().await, Some(true));
    }

    #[fuchsia::test]
    async fn a_monitor_started_active_on_an_inactive_object_reports_it_inactive_at_once() {
        let counter = zx::Counter::create();
        let watched = counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
        let (_task, mut changes) =
            watch_from(watched.into_handle(), zx::Signals::COUNTER_POSITIVE, true);
        assert_eq!(changes.next().await, Some(false));
        let event = zx::Event::create();
        let watched = event.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
        let (_task, mut changes) = watch_from(watched.into_handle(), zx::Signals::USER_0, true);
        assert_eq!(changes.next().await, Some(false));
    }

    #[fuchsia::test]
    async fn a_signal_without_complement_is_resampled_until_it_clears() {
        let event = zx::Event::create();
        let watched = event.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
        let (_task, mut changes) = watch(watched.into_handle(), zx::Signals::USER_0);
        event.signal(zx::Signals::NONE, zx::Signals::USER_0).unwrap();
        assert_eq!(changes.next().await, Some(true));
        event.signal(zx::Signals::USER_0, zx::Signals::NONE).unwrap();
        assert_eq!(changes.next().await, Some(false));
    }

    #[fuchsia::test]
    async fn an_unwaitable_handle_ends_the_monitor_with_its_status() {
        let event = zx::Event::create();
        let no_wait = event.duplicate_handle(zx::Rights::TRANSFER).unwrap();
        let (task, _changes) = watch(no_wait.into_handle(), zx::Signals::USER_0);
        assert_eq!(task.await, zx::Status::ACCESS_DENIED);
    }
}
