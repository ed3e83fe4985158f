// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! The outside world: one peer per proxy, sending messages at a steady rate (every tenth
//! with an event handle attached) and counting the container's replies.

use fuchsia_async as fasync;
use std::cell::Cell;
use std::rc::Rc;

/// What one remote peer did.
#[derive(Default)]
pub struct RemoteTally {
    pub sent: Cell<u64>,
    pub handles_sent: Cell<u64>,
    pub replies: Cell<u64>,
}

/// Sends on `channel` every `interval` until `stop_at`, reading replies as they come.
pub async fn run(
    channel: &zx::Channel,
    interval: zx::MonotonicDuration,
    stop_at: fasync::MonotonicInstant,
    tally: Rc<RemoteTally>,
) {
    let mut next = fasync::MonotonicInstant::now();
    let mut buf = zx::MessageBuf::new();
    while next < stop_at {
        fasync::Timer::new(next).await;
        let n = tally.sent.get();
        let mut handles =
            if n.is_multiple_of(10) { vec![zx::Event::create().into_handle()] } else { Vec::new() };
        tally.handles_sent.set(tally.handles_sent.get() + handles.len() as u64);
        if channel.write(format!("event {n}").as_bytes(), &mut handles).is_err() {
            return;
        }
        tally.sent.set(n + 1);
        while channel.read(&mut buf).is_ok() {
            tally.replies.set(tally.replies.get() + 1);
        }
        next += interval;
    }
    // Collect the last replies.
    fasync::Timer::new(zx::MonotonicDuration::from_millis(50)).await;
    while channel.read(&mut buf).is_ok() {
        tally.replies.set(tally.replies.get() + 1);
    }
}
