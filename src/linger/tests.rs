// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

use super::after_proxy_end;
use crate::wake_sources::{LingerEnd, WakeSourceKind, WakeSources};
use fuchsia_async as fasync;
use futures::channel::oneshot;
use std::sync::Arc;

/// A registry holding one proxy source for `counter`, lingering at most `limit`.
fn registry(limit: zx::MonotonicDuration, counter: &zx::Counter) -> (Arc<WakeSources>, u64) {
    let sources = Arc::new(WakeSources::new(4).with_linger_limit(limit));
    let koid = counter.koid().unwrap();
    let id = sources
        .register("wifi", koid, zx::Signals::COUNTER_POSITIVE, WakeSourceKind::Proxy)
        .unwrap();
    (sources, id)
}

fn shared(counter: &zx::Counter) -> Arc<zx::Counter> {
    Arc::new(counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap())
}

#[fuchsia::test]
async fn a_source_whose_counter_is_not_positive_goes_at_once() {
    let counter = zx::Counter::create();
    let (sources, id) = registry(zx::MonotonicDuration::INFINITE, &counter);
    after_proxy_end(&sources, id, shared(&counter));
    assert!(sources.is_empty());
    assert!(sources.ended_lingers().is_empty());
}

#[fuchsia::test]
async fn a_positive_counter_keeps_the_source_active_until_it_drains() {
    let counter = zx::Counter::create();
    counter.add(50).unwrap();
    let (sources, id) = registry(zx::MonotonicDuration::INFINITE, &counter);
    after_proxy_end(&sources, id, shared(&counter));
    let active = sources.active();
    assert_eq!(active.ids, vec![id]);
    assert!(sources.snapshot()[0].lingering_since.is_some());
    for _ in 0..49 {
        counter.add(-1).unwrap();
    }
    // Still one unhandled message: still active.
    assert_eq!(sources.active().ids, vec![id]);
    counter.add(-1).unwrap();
    assert!(sources.next_change(&active).await.ids.is_empty());
    assert!(sources.is_empty());
    let ended = sources.ended_lingers();
    assert_eq!(ended.len(), 1);
    assert_eq!((ended[0].id, ended[0].name.as_str()), (id, "wifi"));
    assert_eq!((ended[0].end, ended[0].pending), (LingerEnd::Drained, Some(0)));
    assert!(ended[0].began <= ended[0].ended);
}

#[fuchsia::test]
async fn the_limit_ends_a_linger_whose_counter_stays_positive() {
    let counter = zx::Counter::create();
    counter.add(3).unwrap();
    let (sources, id) = registry(zx::MonotonicDuration::from_millis(1), &counter);
    after_proxy_end(&sources, id, shared(&counter));
    let active = sources.active();
    assert_eq!(active.ids, vec![id]);
    assert!(sources.next_change(&active).await.ids.is_empty());
    assert!(sources.is_empty());
    let ended = sources.ended_lingers();
    assert_eq!((ended[0].end, ended[0].pending), (LingerEnd::LimitReached, Some(3)));
    // The counter is the container's; the manager left it as it was.
    assert_eq!(counter.read().unwrap(), 3);
}

#[fuchsia::test]
async fn a_counter_that_cannot_be_waited_on_ends_the_linger_as_failed() {
    let counter = zx::Counter::create();
    counter.add(1).unwrap();
    let (sources, id) = registry(zx::MonotonicDuration::INFINITE, &counter);
    let no_wait = counter.duplicate_handle(zx::Rights::READ).unwrap();
    after_proxy_end(&sources, id, Arc::new(no_wait));
    let active = sources.active();
    assert_eq!(active.ids, vec![id]);
    assert!(sources.next_change(&active).await.ids.is_empty());
    let ended = sources.ended_lingers();
    assert_eq!(ended[0].end, LingerEnd::Failed(zx::Status::ACCESS_DENIED));
    assert_eq!(ended[0].pending, Some(1));
}

#[fuchsia::test]
async fn an_unreadable_counter_unregisters_the_source_at_once() {
    let counter = zx::Counter::create();
    counter.add(1).unwrap();
    let (sources, id) = registry(zx::MonotonicDuration::INFINITE, &counter);
    let no_read = counter.duplicate_handle(zx::Rights::WAIT).unwrap();
    after_proxy_end(&sources, id, Arc::new(no_read));
    assert!(sources.is_empty());
}

#[fuchsia::test]
async fn the_history_keeps_the_most_recent_lingers() {
    let sources = Arc::new(WakeSources::new(4).with_linger_limit(zx::MonotonicDuration::INFINITE));
    for i in 0..crate::wake_sources::LINGER_HISTORY + 3 {
        let counter = zx::Counter::create();
        counter.add(1).unwrap();
        let id = sources
            .register(
                &format!("p{i}"),
                counter.koid().unwrap(),
                zx::Signals::COUNTER_POSITIVE,
                WakeSourceKind::Proxy,
            )
            .unwrap();
        after_proxy_end(&sources, id, shared(&counter));
        let active = sources.active();
        counter.add(-1).unwrap();
        sources.next_change(&active).await;
    }
    let ended = sources.ended_lingers();
    assert_eq!(ended.len(), crate::wake_sources::LINGER_HISTORY);
    assert_eq!(ended[0].name, "p3");
}

/// Runs `after_proxy_end` for `id` as a task of a new scope, so that the linger task it may
/// spawn belongs to that scope; returns the scope once the source lingers.
async fn end_proxy_in_scope(
    sources: &Arc<WakeSources>,
    id: u64,
    counter: Arc<zx::Counter>,
) -> fasync::Scope {
    let scope = fasync::Scope::new();
    let (ended, proxy_ended) = oneshot::channel();
    let sources = Arc::clone(sources);
    scope.spawn_local(async move {
        after_proxy_end(&sources, id, counter);
        ended.send(()).unwrap();
    });
    proxy_ended.await.unwrap();
    scope
}

fn register_again(sources: &WakeSources, counter: &zx::Counter) -> u64 {
    let koid = counter.koid().unwrap();
    sources.register("again", koid, zx::Signals::COUNTER_POSITIVE, WakeSourceKind::Proxy).unwrap()
}

#[fuchsia::test]
async fn a_takeover_ends_the_linger_task_which_leaves_the_new_source_alone() {
    let counter = zx::Counter::create();
    counter.add(2).unwrap();
    let (sources, old) = registry(zx::MonotonicDuration::INFINITE, &counter);
    let held = shared(&counter);
    let scope = end_proxy_in_scope(&sources, old, Arc::clone(&held)).await;
    assert_eq!(sources.active().ids, vec![old]);

    let new = register_again(&sources, &counter);
    // With no limit and the counter still positive, only the handover can end the task.
    scope.join().await;
    assert_eq!(Arc::strong_count(&held), 1, "the linger task let go of the counter");
    assert_eq!(sources.active().ids, vec![new]);
    let ended = sources.ended_lingers();
    assert_eq!((ended.len(), ended[0].id, ended[0].end), (1, old, LingerEnd::HandedOver(new)));
    // The counter drains: the new source's monitor would report it; nothing else does.
    counter.add(-2).unwrap();
    assert_eq!(sources.active().ids, vec![new]);
}

/// How a linger that races a takeover on another thread ended, after checking that the
/// registry is consistent either way: the new source is the one registered for the counter,
/// active if and only if it took over.
async fn race_a_takeover(limit: zx::MonotonicDuration, drain: bool) -> LingerEnd {
    let counter = zx::Counter::create();
    counter.add(1).unwrap();
    let (sources, old) = registry(limit, &counter);
    let held = shared(&counter);
    let container = counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    let registering = {
        let sources = Arc::clone(&sources);
        std::thread::spawn(move || {
            // Starts the moment the source lingers, as the linger task does (or once the
            // linger has ended already).
            let lingered = || {
                sources.snapshot().iter().any(|s| s.lingering_since.is_some())
                    || !sources.ended_lingers().is_empty()
            };
            while !lingered() {
                std::hint::spin_loop();
            }
            if drain {
                container.add(-1).unwrap();
            }
            register_again(&sources, &container)
        })
    };
    let scope = end_proxy_in_scope(&sources, old, Arc::clone(&held)).await;
    // The linger task runs while the other thread registers.
    scope.join().await;
    let new = registering.join().unwrap();
    assert_eq!(Arc::strong_count(&held), 1, "the linger task ended");
    let snapshot = sources.snapshot();
    assert_eq!(snapshot.len(), 1, "nothing of the old source remains");
    assert_eq!((snapshot[0].id, snapshot[0].lingering_since), (new, None));
    assert!(sources.contains_koid(counter.koid().unwrap()));
    let ended = sources.ended_lingers();
    assert_eq!((ended.len(), ended[0].id), (1, old));
    let handed_over = ended[0].end == LingerEnd::HandedOver(new);
    assert_eq!(sources.is_active(new), handed_over, "{:?}", ended[0]);
    ended[0].end
}

#[fuchsia::test]
async fn a_linger_draining_as_it_is_taken_over_ends_one_way_or_the_other_consistently() {
    for _ in 0..100 {
        let end = race_a_takeover(zx::MonotonicDuration::INFINITE, true).await;
        assert!(matches!(end, LingerEnd::Drained | LingerEnd::HandedOver(_)), "{end:?}");
    }
}

#[fuchsia::test]
async fn a_linger_reaching_its_limit_as_it_is_taken_over_ends_one_way_or_the_other_consistently() {
    for _ in 0..100 {
        let end = race_a_takeover(zx::MonotonicDuration::from_nanos(0), false).await;
        assert!(matches!(end, LingerEnd::LimitReached | LingerEnd::HandedOver(_)), "{end:?}");
    }
}
