// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! A simulated Starnix container: handles the messages proxied into it, decrements their
//! counters, and suspends whenever the manager reports no active wake source, resuming when
//! one becomes active.

use fidl_fuchsia_starnix_proxy::ProxyManagerProxy;
use fuchsia_async as fasync;
use futures::FutureExt;
use std::pin::pin;

/// The container's end of one proxy.
pub struct ContainerEnd {
    pub name: String,
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
            end.counter.add(-1)?;
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

/// Runs until `stop_at`, suspending whenever no wake source is active and printing each
/// resume with its resume reason.
pub async fn run(
    manager: &ProxyManagerProxy,
    ends: &mut [ContainerEnd],
    stop_at: fasync::MonotonicInstant,
    start: zx::MonotonicInstant,
) -> Result<ContainerTally, anyhow::Error> {
    let mut tally = ContainerTally::default();
    let elapsed = || (zx::MonotonicInstant::get() - start).into_millis();
    let mut active = manager.watch_wake_sources().await?.active.unwrap_or_default();
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
            println!(
                "[{:>5} ms] container resumed after {:>3} ms suspended; resume reason: {}",
                elapsed(),
                suspended.into_millis(),
                change.resume_reason.as_deref().unwrap_or("")
            );
            active = change.active.unwrap_or_default();
            continue;
        }
        let mut change = pin!(manager.watch_wake_sources().fuse());
        loop {
            handle_messages(ends)?;
            futures::select! {
                state = change => {
                    active = state?.active.unwrap_or_default();
                    break;
                }
                () = any_readable(ends).fuse() => {}
                () = deadline => return Ok(tally),
            }
        }
    }
}
