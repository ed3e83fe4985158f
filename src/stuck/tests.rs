// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

use super::{health_message, watch};
use crate::wake_sources::{WakeSourceKind, WakeSources};
use fuchsia_inspect::health::Reporter;
use futures::StreamExt;
use futures::channel::mpsc;

/// A health reporter that sends every report it gets: `None` for OK.
struct Reports(mpsc::UnboundedSender<Option<String>>);

impl Reporter for Reports {
    fn set_starting_up(&mut self) {}
    fn set_ok(&mut self) {
        self.0.unbounded_send(None).unwrap();
    }
    fn set_unhealthy(&mut self, message: &str) {
        self.0.unbounded_send(Some(message.to_string())).unwrap();
    }
}

#[test]
fn the_health_message_names_every_stuck_source() {
    assert_eq!(health_message(&[]), None);
    assert_eq!(
        health_message(&[(1, "wifi".into()), (7, "input".into())]).as_deref(),
        Some("wake sources stuck active: wifi (id 1), input (id 7)")
    );
}

#[fuchsia::test]
async fn a_source_active_past_the_threshold_is_unhealthy_until_it_deactivates() {
    let sources = WakeSources::new(4).with_stuck_threshold(zx::MonotonicDuration::from_millis(5));
    let id = sources
        .register("input", zx::Koid::from_raw(1), zx::Signals::USER_0, WakeSourceKind::Handle)
        .unwrap();
    let (sender, mut reports) = mpsc::unbounded();
    let mut reporter = Reports(sender);
    let watching = watch(&sources, &mut reporter);
    let test = async {
        sources.set_active(id, true);
        assert_eq!(
            reports.next().await,
            Some(Some("wake sources stuck active: input (id 1)".to_string()))
        );
        assert!(sources.snapshot()[0].stuck);
        sources.set_active(id, false);
        assert_eq!(reports.next().await, Some(None));
        assert!(!sources.snapshot()[0].stuck);
    };
    futures::pin_mut!(watching, test);
    futures::future::select(watching, test).await;
}
