// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! A simulated Starnix container: handles the messages proxied into it, decrements their
//! counters, and suspends whenever the manager reports no active wake source, resuming when
//! one becomes active. One end may forget a decrement (the classic bug), which keeps its
//! wake source active: the container notices a source active for longer than a threshold.

use crate::narrative::{Narrative, say};
use fidl_fuchsia_starnix_proxy::ProxyManagerProxy;
use fuchsia_async as fasync;
use futures::FutureExt;
use std::collections::HashMap;
use std::pin::pin;

/// The message of a forgetful end whose decrement is forgotten.
pub const FORGOTTEN_MESSAGE: u64 = 3;

/// The container's end of one proxy.
pub struct ContainerEnd {
    /// The proxy's id, which is also its wake source's id.
    pub id: u64,
    pub name: String,
    /// Whether the container forgets to decrement the counter for this end's
    /// `FORGOTTEN_MESSAGE`th message.
    pub forgetful: bool,
    pub channel: zx::Channel,
    pub counter: zx::Counter,
    pub received: u64,
    pub handles_received: u64,
}

/// What the container did.
#[derive(Default)]
pub struct ContainerTally {
    pub suspends: u64,
    pub resumes: u64,
    pub suspended_for: zx::MonotonicDuration,
    /// Sources seen active for longer than the threshold: (name, active for in ms when
    /// noticed).
    pub stuck: Vec<(String, i64)>,
}

/// Handles every queued message of every end: one decrement per message handled.
fn handle_messages(ends: &mut [ContainerEnd]) -> Result<(), zx::Status> {
    let mut buf = zx::MessageBuf::new();
    for end in ends {
        while end.channel.read(&mut buf).is_ok() {
            end.received += 1;
            end.handles_received += buf.n_handles() as u64;
            if end.received.is_multiple_of(5) {
                end.channel.write(b"ack", &mut [])?;
            }
            if !(end.forgetful && end.received == FORGOTTEN_MESSAGE) {
                end.counter.add(-1)?;
            }
        }
    }
    Ok(())
}

/// Waits until any end has a message to read.
async fn any_readable(ends: &[ContainerEnd]) {
    let waits = ends.iter().map(|end| {
        fasync::OnSignals::new(&end.channel, zx::Signals::CHANNEL_READABLE).map(drop).boxed_local()
    });
    futures::future::select_all(waits).await;
}

/// Since when each active wake source has been seen active, and which were reported stuck.
#[derive(Default)]
struct ActiveSince {
    since: HashMap<u64, zx::MonotonicInstant>,
    reported: Vec<u64>,
}

impl ActiveSince {
    fn update(&mut self, active: &[u64]) {
        let now = zx::MonotonicInstant::get();
        self.since.retain(|id, _| active.contains(id));
        for id in active {
            self.since.entry(*id).or_insert(now);
        }
    }

    /// Sources active for longer than `threshold` and not reported before.
    fn newly_stuck(&mut self, threshold: zx::MonotonicDuration) -> Vec<(u64, i64)> {
        let now = zx::MonotonicInstant::get();
        let mut stuck = Vec::new();
        for (id, since) in &self.since {
            if now - *since > threshold && !self.reported.contains(id) {
                self.reported.push(*id);
                stuck.push((*id, (now - *since).into_millis()));
            }
        }
        stuck
    }
}

/// Runs until `stop_at`, suspending whenever no wake source is active and printing each
/// resume with its resume reason, and each source seen active for longer than
/// `stuck_after`.
pub async fn run(
    manager: &ProxyManagerProxy,
    ends: &mut [ContainerEnd],
    stop_at: fasync::MonotonicInstant,
    start: zx::MonotonicInstant,
    stuck_after: zx::MonotonicDuration,
    narrative: Narrative,
) -> Result<ContainerTally, anyhow::Error> {
    let mut tally = ContainerTally::default();
    let elapsed = || (zx::MonotonicInstant::get() - start).into_millis();
    let mut active = manager.watch_wake_sources().await?.active.unwrap_or_default();
    let mut active_since = ActiveSince::default();
    active_since.update(&active);
    let mut deadline = pin!(fasync::Timer::new(stop_at).fuse());
    loop {
        if active.is_empty() {
            let suspended_at = zx::MonotonicInstant::get();
            tally.suspends += 1;
            let change = futures::select! {
                change = manager.watch_wake_sources().fuse() => change?,
                () = deadline => return Ok(tally),
            };
            let suspended = zx::MonotonicInstant::get() - suspended_at;
            tally.suspended_for += suspended;
            tally.resumes += 1;
            say!(
                narrative,
                "[{:>5} ms] container resumed after {:>3} ms suspended; resume reason: {}",
                elapsed(),
                suspended.into_millis(),
                change.resume_reason.as_deref().unwrap_or("")
            );
            active = change.active.unwrap_or_default();
            active_since.update(&active);
            continue;
        }
        let mut change = pin!(manager.watch_wake_sources().fuse());
        loop {
            handle_messages(ends)?;
            for (id, active_ms) in active_since.newly_stuck(stuck_after) {
                let name = ends.iter().find(|end| end.id == id).map_or("?", |end| &end.name);
                say!(
                    narrative,
                    "[{:>5} ms] wake source {name} looks stuck: active for {active_ms} ms \
                     (its counter never went back to zero)",
                    elapsed()
                );
                tally.stuck.push((name.to_string(), active_ms));
            }
            futures::select! {
                state = change => {
                    active = state?.active.unwrap_or_default();
                    active_since.update(&active);
                    break;
                }
                () = any_readable(ends).fuse() => {}
                () = deadline => return Ok(tally),
            }
        }
    }
}
