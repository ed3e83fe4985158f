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
        ActiveSet { ids: vec![b, a], names: vec!["b".into(), "a".into()], ordinals: vec![None; 2] }
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
        ordinals: vec![None; 3],
    };
    assert_eq!(set.resume_reason(1024), "wifi,input,timer");
    assert_eq!(set.resume_reason(13), "wifi,input...");
    assert_eq!(set.resume_reason(5), "wi...");
    assert_eq!(set.resume_reason(7), "wifi...");
    assert_eq!(set.resume_reason(3), "...");
    assert_eq!(set.resume_reason(2), "..");
    assert_eq!(ActiveSet::default().resume_reason(10), "");
}

fn names(names: &[&str]) -> ActiveSet {
    ActiveSet {
        ids: (1..=names.len() as u64).collect(),
        names: names.iter().map(|n| n.to_string()).collect(),
        ordinals: vec![None; names.len()],
    }
}

#[test]
fn a_first_name_too_long_to_fit_is_truncated_at_a_character_boundary() {
    // 1,026 bytes of 3-byte characters: too long for 1,024 on its own.
    let long = "\u{20ac}".repeat(342);
    let set = names(&[&long, "wifi"]);
    let reason = set.resume_reason(1024);
    // 1,021 bytes of room: 340 whole characters (1,020 bytes), then "...".
    assert_eq!(reason, format!("{}...", "\u{20ac}".repeat(340)));
    assert!(reason.len() <= 1024);
}

#[test]
fn whole_names_follow_a_truncated_first_name_only_if_they_fit() {
    // 4-byte characters; the first name fills the room, nothing else fits.
    let set = names(&[&"\u{1f600}".repeat(300), "a"]);
    let reason = set.resume_reason(1024);
    assert_eq!(reason, format!("{}...", "\u{1f600}".repeat(255)));
    // A first name that fits is followed by as many whole names as fit.
    let set = names(&["\u{e9}t\u{e9}", &"\u{e9}".repeat(600), "b"]);
    assert_eq!(set.resume_reason(12), "\u{e9}t\u{e9}...");
    let set = names(&["\u{e9}t\u{e9}", "b", &"\u{e9}".repeat(600)]);
    assert_eq!(set.resume_reason(12), "\u{e9}t\u{e9},b...");
}

#[test]
fn every_cut_is_at_a_boundary_fits_and_names_the_first_source() {
    let pieces = ["a", "\u{e9}", "\u{20ac}", "\u{1f600}"];
    for max_len in 4..40 {
        for first_len in 1..30 {
            let first: String = (0..first_len).map(|i| pieces[i % 4]).collect();
            let set = names(&[&first, "x\u{20ac}", "yy"]);
            let reason = set.resume_reason(max_len);
            assert!(reason.len() <= max_len, "{reason:?} longer than {max_len}");
            let named = reason.strip_suffix("...").unwrap_or(&reason);
            let first_part = named.split(',').next().unwrap();
            assert!(!first_part.is_empty(), "{max_len}: {reason:?} names nothing");
            assert!(first.starts_with(first_part));
        }
    }
}

#[test]
fn the_history_keeps_the_latest_activations_with_cause_and_duration() {
    let sources = WakeSources::new(10).with_activation_history(2);
    let a = register(&sources, "a", 1).unwrap();
    let b = register(&sources, "b", 2).unwrap();
    sources.set_active_with_ordinal(a, true, Some(0x11));
    sources.set_active(a, false);
    sources.set_active(b, true);
    sources.set_active_with_ordinal(a, true, Some(0x22));
    let history = sources.activations();
    assert_eq!(history.len(), 2, "bounded at 2: the first activation was dropped");
    assert_eq!(
        history.iter().map(|e| (e.seq, e.id, e.name.as_str(), e.ordinal)).collect::<Vec<_>>(),
        vec![(1, b, "b", None), (2, a, "a", Some(0x22))]
    );
    assert!(history.iter().all(|e| e.active_for.is_none()), "both still active");
    sources.set_active(b, false);
    sources.unregister(a);
    let history = sources.activations();
    assert!(history.iter().all(|e| e.active_for.is_some()), "ended by deactivation or removal");
}

#[test]
fn a_history_of_zero_keeps_nothing() {
    let sources = WakeSources::new(10).with_activation_history(0);
    let a = register(&sources, "a", 1).unwrap();
    sources.set_active(a, true);
    sources.set_active(a, false);
    assert!(sources.activations().is_empty());
}

#[test]
fn an_ordinal_known_after_the_activation_is_attached_once_and_cleared_on_deactivation() {
    let sources = WakeSources::new(10);
    let a = register(&sources, "a", 1).unwrap();
    sources.set_active(a, true);
    let before = sources.active();
    assert_eq!(before.ordinals, vec![None]);
    sources.set_active_with_ordinal(a, true, Some(0x33));
    assert_eq!(sources.next_change(&before).now_or_never().unwrap().ordinals, vec![Some(0x33)]);
    sources.set_active_with_ordinal(a, true, Some(0x44));
    assert_eq!(sources.active().ordinals, vec![Some(0x33)], "the first cause stays");
    assert_eq!(sources.activations()[0].ordinal, Some(0x33));
    sources.set_active(a, false);
    assert_eq!(sources.snapshot()[0].ordinal, None);
    sources.set_active_with_ordinal(a, false, Some(0x55));
    assert_eq!(sources.activations().len(), 1, "no activation from an inactive report");
}

#[test]
fn sources_are_stuck_once_past_the_threshold_reported_once_and_cleared_on_deactivation() {
    let threshold = zx::MonotonicDuration::from_millis(100);
    let sources = WakeSources::new(10).with_stuck_threshold(threshold);
    let a = register(&sources, "a", 1).unwrap();
    let b = register(&sources, "b", 2).unwrap();
    assert_eq!(sources.check_stuck(zx::MonotonicInstant::get()), Default::default());
    sources.set_active(a, true);
    let since = sources.snapshot()[0].activity.active_since.unwrap();
    let early = sources.check_stuck(since + zx::MonotonicDuration::from_millis(99));
    assert!(early.newly_stuck.is_empty() && early.stuck.is_empty());
    assert_eq!(early.next_check, Some(since + threshold));

    let late = since + threshold;
    let first = sources.check_stuck(late);
    assert_eq!(first.newly_stuck.iter().map(|s| s.id).collect::<Vec<_>>(), vec![a]);
    assert_eq!(first.stuck, vec![(a, "a".to_string())]);
    assert!(sources.snapshot()[0].stuck);
    let again = sources.check_stuck(late);
    assert!(again.newly_stuck.is_empty(), "one report per episode");
    assert_eq!(again.stuck, vec![(a, "a".to_string())]);
    assert_eq!(again.next_check, None);

    sources.set_active(b, true);
    sources.set_active(a, false);
    assert!(!sources.snapshot()[0].stuck);
    let after = sources.check_stuck(late);
    assert!(after.stuck.is_empty());
    assert!(after.next_check.is_some(), "b may still become stuck");
}
