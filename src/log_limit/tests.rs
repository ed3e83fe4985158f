// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

use super::{LogLimit, Suppressed};

const SECOND: zx::MonotonicDuration = zx::MonotonicDuration::from_seconds(1);

fn at_ms(ms: i64) -> zx::MonotonicInstant {
    zx::MonotonicInstant::from_nanos(ms * 1_000_000)
}

#[test]
fn the_first_warning_is_logged_with_nothing_suppressed() {
    let mut limit = LogLimit::new(SECOND);
    assert_eq!(limit.admit(at_ms(5_000)), Some(Suppressed(0)));
    assert_eq!(limit.suppressed(), 0);
}

#[test]
fn a_burst_logs_its_first_and_counts_the_rest() {
    let mut limit = LogLimit::new(SECOND);
    assert_eq!(limit.admit(at_ms(0)), Some(Suppressed(0)));
    for ms in 1..=999 {
        assert_eq!(limit.admit(at_ms(ms)), None, "at {ms} ms");
    }
    assert_eq!(limit.suppressed(), 999);
}

#[test]
fn the_next_warning_logged_reports_how_many_were_suppressed() {
    let mut limit = LogLimit::new(SECOND);
    limit.admit(at_ms(0));
    for ms in [10, 20, 30] {
        assert_eq!(limit.admit(at_ms(ms)), None);
    }
    assert_eq!(limit.admit(at_ms(1_000)), Some(Suppressed(3)), "exactly one interval later");
    assert_eq!(limit.admit(at_ms(1_500)), None);
    assert_eq!(limit.admit(at_ms(2_000)), Some(Suppressed(1)), "the count starts again");
    assert_eq!(limit.admit(at_ms(60_000)), Some(Suppressed(0)), "after a quiet spell");
    assert_eq!(limit.suppressed(), 4, "the life-time count keeps every suppressed one");
}

#[test]
fn the_interval_runs_from_the_last_logged_warning_not_the_last_suppressed() {
    let mut limit = LogLimit::new(SECOND);
    limit.admit(at_ms(0));
    assert_eq!(limit.admit(at_ms(900)), None);
    assert_eq!(limit.admit(at_ms(1_100)), Some(Suppressed(1)));
    assert_eq!(limit.admit(at_ms(2_050)), None, "950 ms after the last logged one");
}

#[test]
fn a_steady_flood_logs_one_warning_per_interval() {
    let mut limit = LogLimit::new(SECOND);
    let logged: Vec<u64> =
        (0..10_000).filter_map(|ms| limit.admit(at_ms(ms))).map(|Suppressed(n)| n).collect();
    assert_eq!(logged.len(), 10, "one per second over 10 s");
    assert_eq!(logged[0], 0);
    assert!(logged[1..].iter().all(|n| *n == 999), "{logged:?}");
    assert_eq!(limit.suppressed(), 10_000 - 10);
}

#[test]
fn suppressed_displays_as_a_suffix_only_when_there_were_any() {
    assert_eq!(format!("bad request{}", Suppressed(0)), "bad request");
    assert_eq!(format!("bad request{}", Suppressed(7)), "bad request (7 similar suppressed)");
}
