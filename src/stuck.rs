// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Stuck wake sources: a source active for longer than the configured threshold (the classic
//! container that forgets a decrement).
//!
//! [`watch`] runs on the main thread's executor for the life of the component. It sleeps until
//! the next active source could become stuck, or until the active set changes, then asks the
//! registry (`WakeSources::check_stuck`) to mark the sources whose threshold has passed. Each
//! source that becomes stuck is logged once, at WARN, per activation (an episode); the
//! component's health is UNHEALTHY, naming every stuck source, while any is stuck, and OK
//! again once none is. A deactivation clears the source's `stuck` mark in the registry.

use crate::wake_sources::{WakeSourceId, WakeSources};
use fuchsia_async as fasync;
use fuchsia_inspect::health::Reporter;
use futures::future::select;
use std::pin::pin;

/// The health message naming the stuck sources, or `None` if no source is stuck.
pub fn health_message(stuck: &[(WakeSourceId, String)]) -> Option<String> {
    if stuck.is_empty() {
        return None;
    }
    let names: Vec<String> = stuck.iter().map(|(id, name)| format!("{name} (id {id})")).collect();
    Some(format!("wake sources stuck active: {}", names.join(", ")))
}

/// Keeps `health` and the stuck marks of `wake_sources` current, forever (drop to stop).
pub async fn watch(wake_sources: &WakeSources, health: &mut impl Reporter) {
    let mut reported: Option<String> = None;
    loop {
        let changed = wake_sources.listen();
        let now = zx::MonotonicInstant::get();
        let check = wake_sources.check_stuck(now);
        for source in &check.newly_stuck {
            let since = source.activity.active_since.unwrap_or(now);
            log::warn!(
                "wake source {} ({}) stuck: active for {} ms, counting from {} ns",
                source.name,
                source.id,
                (now - since).into_millis(),
                since.into_nanos(),
            );
        }
        let message = health_message(&check.stuck);
        if message != reported {
            match &message {
                Some(message) => health.set_unhealthy(message),
                None => health.set_ok(),
            }
            reported = message;
        }
        match check.next_check {
            Some(at) => {
                let timer = pin!(fasync::Timer::new(at));
                select(changed, timer).await;
            }
            None => changed.await,
        }
    }
}

#[cfg(test)]
mod tests;
