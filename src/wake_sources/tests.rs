// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

use super::{ActiveSet, RegisterError, WakeSourceKind, WakeSources};
use futures::FutureExt;

fn koid(n: u64) -> zx::Koid {
    zx::Koid::from_raw(n)
}

fn register(sources: &WakeSources, name: &str, n: u64) -> Result<u64, RegisterError> {
    sources.register(name, koid(n), zx::Signals::USER_0, WakeSourceKind::Handle)
}

#[test]
fn ids_are_fresh_and_never_reused() {
    let sources = WakeSources::new(10);
    let a = register(&sources, "a", 1).unwrap();
    let b = register(&sources, "b", 2).unwrap();
    assert!(a != 0 && b != 0 && a != b);
    sources.unregister(a).unwrap();
    let c = register(&sources, "c", 1).unwrap();
    assert!(c != a && c != b);
}

#[test]
fn the_same_object_twice_is_already_registered() {
    let sources = WakeSources::new(10);
    let a = register(&sources, "a", 1).unwrap();
    assert_eq!(register(&sources, "again", 1), Err(RegisterError::AlreadyRegistered(a)));
    assert!(sources.contains_koid(koid(1)));
    assert_eq!(sources.len(), 1);
}

#[test]
fn the_limit_is_enforced_and_freed_by_removal() {
    let sources = WakeSources::new(2);
    let a = register(&sources, "a", 1).unwrap();
    register(&sources, "b", 2).unwrap();
    assert_eq!(register(&sources, "c", 3), Err(RegisterError::LimitReached(2)));
    sources.unregister(a);
    assert!(register(&sources, "c", 3).is_ok());
}

#[test]
fn unknown_ids_are_not_found_and_ignored() {
    let sources = WakeSources::new(2);
    assert!(sources.unregister(42).is_none());
    sources.set_active(42, true);
    assert!(sources.active().ids.is_empty());
}

#[test]
fn active_sources_are_listed_in_activation_order() {
    let sources = WakeSources::new(10);
    let a = register(&sources, "a", 1).unwrap();
    let b = register(&sources, "b", 2).unwrap();
    sources.set_active(b, true);
    sources.set_active(a, true);
    assert_eq!(
        sources.active(),
        ActiveSet { ids: vec![b, a], names: vec!["b".into(), "a".into()] }
    );
    sources.set_active(b, false);
    sources.set_active(b, true);
    assert_eq!(sources.active().ids, vec![a, b]);
}

#[test]
fn activity_keeps_the_linux_wakeup_source_figures() {
    let sources = WakeSources::new(10);
    let a = register(&sources, "a", 1).unwrap();
    let registered = sources.snapshot()[0].activity;
    assert!(!registered.active);
    assert_eq!(registered.activation_count, 0);

    sources.set_active(a, true);
    sources.set_active(a, true);
    let active = sources.snapshot()[0].activity;
    assert!(active.active);
    assert_eq!(active.activation_count, 1, "staying active is not a new activation");
    assert!(active.active_since.is_some());
    assert!(active.last_change >= registered.last_change);

    sources.set_active(a, false);
    sources.set_active(a, true);
    sources.set_active(a, false);
    let done = sources.snapshot()[0].activity;
    assert_eq!(done.activation_count, 2);
    assert_eq!(done.active_since, None);
    assert!(done.max_active <= done.total_active);
    assert_eq!(done.total_active_at(zx::MonotonicInstant::get()), done.total_active);
}

#[test]
fn next_change_answers_at_once_when_the_set_differs_and_waits_otherwise() {
    let sources = WakeSources::new(10);
    let a = register(&sources, "a", 1).unwrap();
    let unchanged = ActiveSet::default();
    let mut waiting = Box::pin(sources.next_change(&unchanged));
    assert!((&mut waiting).now_or_never().is_none());
    sources.set_active(a, true);
    assert_eq!(waiting.now_or_never().unwrap().ids, vec![a]);

    let last = sources.active();
    let mut waiting = Box::pin(sources.next_change(&last));
    assert!((&mut waiting).now_or_never().is_none());
    sources.unregister(a);
    assert_eq!(waiting.now_or_never().unwrap(), ActiveSet::default());
}

#[test]
fn resume_reasons_are_joined_and_cut_at_a_name_boundary() {
    let set = ActiveSet {
        ids: vec![1, 2, 3],
        names: vec!["wifi".into(), "input".into(), "timer".into()],
    };
    assert_eq!(set.resume_reason(1024), "wifi,input,timer");
    assert_eq!(set.resume_reason(13), "wifi,input...");
    assert_eq!(set.resume_reason(5), "...");
    assert_eq!(ActiveSet::default().resume_reason(10), "");
}
