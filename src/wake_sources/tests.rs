// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

use super::{ActiveSet, LingerEnd, RegisterError, WakeSourceKind, WakeSources};
use futures::FutureExt;
use futures::channel::oneshot;

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

/// A registry of `limit` holding proxy source "old" for object 7, lingering (and so active);
/// returns it, the old id and the receiver the linger task would wait on.
fn lingering(limit: usize) -> (WakeSources, u64, oneshot::Receiver<()>) {
    let sources = WakeSources::new(limit);
    let old = sources
        .register("old", koid(7), zx::Signals::COUNTER_POSITIVE, WakeSourceKind::Proxy)
        .unwrap();
    sources.set_active_with_ordinal(old, true, Some(0x77));
    let stop = sources.begin_linger(old).unwrap();
    (sources, old, stop)
}

fn register_again(sources: &WakeSources, name: &str) -> Result<u64, RegisterError> {
    sources.register(name, koid(7), zx::Signals::COUNTER_POSITIVE, WakeSourceKind::Proxy)
}

#[test]
fn a_new_registration_takes_over_a_lingering_source_in_one_change() {
    let (sources, old, mut stop) = lingering(10);
    let before = sources.active();
    assert_eq!(before.ids, vec![old]);
    let mut watcher = Box::pin(sources.next_change(&before));
    assert!((&mut watcher).now_or_never().is_none());

    let new = register_again(&sources, "new").unwrap();
    assert!(new > old, "a fresh id");
    let after = watcher.now_or_never().expect("the watcher is told");
    assert_eq!(
        (after.ids, after.names, after.ordinals),
        (vec![new], vec!["new".into()], vec![None])
    );
    assert_eq!(stop.try_recv(), Err(oneshot::Canceled), "the linger task is told to end");

    // Nothing of the old source remains; the new one is active from the takeover.
    let snapshot = sources.snapshot();
    assert_eq!(snapshot.len(), 1);
    let info = &snapshot[0];
    assert_eq!((info.id, info.lingering_since, info.ordinal), (new, None, None));
    assert_eq!((info.activity.active, info.activity.activation_count), (true, 1));
    assert!(sources.is_active(new) && !sources.is_active(old));
    assert!(sources.contains_koid(koid(7)));

    // The linger ended, handed over, exactly when the new activation began.
    let ended = sources.ended_lingers();
    assert_eq!(ended.len(), 1);
    assert_eq!((ended[0].id, ended[0].name.as_str()), (old, "old"));
    assert_eq!((ended[0].end, ended[0].pending), (LingerEnd::HandedOver(new), None));
    let takeover = ended[0].ended;
    assert_eq!(info.activity.active_since, Some(takeover));
    let history = sources.activations();
    assert_eq!(history.len(), 2);
    assert_eq!((history[0].id, history[0].ordinal), (old, Some(0x77)));
    assert_eq!(history[0].at + history[0].active_for.unwrap(), takeover, "the old one ended");
    assert_eq!((history[1].id, history[1].at, history[1].active_for), (new, takeover, None));
    assert_eq!((history[1].seq, history[1].ordinal), (history[0].seq + 1, None));
}

#[test]
fn a_takeover_is_not_refused_at_the_limit_and_its_old_id_is_gone() {
    let (sources, old, _stop) = lingering(1);
    let new = register_again(&sources, "new").unwrap();
    assert_eq!(sources.len(), 1);
    assert!(sources.unregister(old).is_none());
    sources.set_active(old, false);
    assert_eq!(sources.active().ids, vec![new], "reports for the old id are ignored");
    assert_eq!(register(&sources, "other", 8), Err(RegisterError::LimitReached(1)));
}

#[test]
fn a_source_that_is_not_lingering_is_still_already_registered() {
    let sources = WakeSources::new(10);
    let proxy = sources
        .register("live", koid(7), zx::Signals::COUNTER_POSITIVE, WakeSourceKind::Proxy)
        .unwrap();
    assert_eq!(register_again(&sources, "again"), Err(RegisterError::AlreadyRegistered(proxy)));
    sources.set_active(proxy, true);
    assert_eq!(register_again(&sources, "again"), Err(RegisterError::AlreadyRegistered(proxy)));
    let handle = register(&sources, "handle", 8).unwrap();
    sources.set_active(handle, true);
    assert_eq!(register(&sources, "again", 8), Err(RegisterError::AlreadyRegistered(handle)));
    assert_eq!(sources.active().ids, vec![proxy, handle], "nothing changed");
    assert!(sources.ended_lingers().is_empty());
}

#[test]
fn a_linger_ended_by_its_task_after_a_takeover_leaves_the_new_source_alone() {
    let (sources, old, _stop) = lingering(10);
    let new = register_again(&sources, "new").unwrap();
    sources.end_linger(old, LingerEnd::Drained, Some(0));
    sources.end_linger(old, LingerEnd::LimitReached, Some(1));
    assert_eq!(sources.active().ids, vec![new]);
    assert!(sources.contains_koid(koid(7)));
    assert_eq!(sources.ended_lingers().len(), 1, "only the handover is recorded");
}

#[test]
fn a_registration_after_the_linger_ended_is_a_fresh_inactive_source() {
    let (sources, old, _stop) = lingering(10);
    sources.end_linger(old, LingerEnd::Drained, Some(0));
    let new = register_again(&sources, "new").unwrap();
    assert!(sources.active().ids.is_empty());
    assert!(!sources.is_active(new));
    let ended = sources.ended_lingers();
    assert_eq!((ended.len(), ended[0].end), (1, LingerEnd::Drained));
}

#[test]
fn unregistering_a_lingering_source_tells_its_linger_task() {
    let (sources, old, mut stop) = lingering(10);
    assert_eq!(stop.try_recv(), Ok(None));
    sources.unregister(old).unwrap();
    assert_eq!(stop.try_recv(), Err(oneshot::Canceled));
    assert!(sources.begin_linger(old).is_none(), "an unknown id does not linger");
}

#[test]
fn a_stuck_lingering_source_hands_over_unstuck_with_a_fresh_threshold() {
    let threshold = zx::MonotonicDuration::from_millis(100);
    let (sources, old, _stop) = lingering(10);
    let sources = sources.with_stuck_threshold(threshold);
    let since = sources.snapshot()[0].activity.active_since.unwrap();
    assert_eq!(sources.check_stuck(since + threshold).stuck, vec![(old, "old".to_string())]);
    let new = register_again(&sources, "new").unwrap();
    let takeover = sources.snapshot()[0].activity.active_since.unwrap();
    let check = sources.check_stuck(takeover);
    assert!(check.stuck.is_empty(), "the old episode ended with the old source");
    assert_eq!(check.next_check, Some(takeover + threshold));
    assert_eq!(sources.check_stuck(takeover + threshold).stuck, vec![(new, "new".to_string())]);
}

#[test]
fn a_watcher_racing_a_takeover_never_sees_the_source_inactive() {
    for _ in 0..50 {
        let (sources, old, _stop) = lingering(10);
        let new = std::thread::scope(|scope| {
            let watcher = scope.spawn(|| {
                loop {
                    let ids = sources.active().ids;
                    assert_eq!(ids.len(), 1, "neither the old nor the new source active");
                    if ids[0] != old {
                        return ids[0];
                    }
                }
            });
            let new = register_again(&sources, "new").unwrap();
            assert_eq!(watcher.join().unwrap(), new);
            new
        });
        assert_eq!(sources.ended_lingers()[0].end, LingerEnd::HandedOver(new));
    }
}
