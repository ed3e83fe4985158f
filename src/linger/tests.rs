// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

use super::after_proxy_end;
use crate::wake_sources::{LingerEnd, WakeSourceKind, WakeSources};
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
