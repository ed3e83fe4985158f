// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! The outside world: one peer per proxy, sending FIDL events at a steady rate (every fifth
//! of a second method, every tenth with an event handle attached) and counting the
//! container's replies.

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

/// A FIDL event (wire format v2, txid 0) of `ordinal` whose body is `body`.
fn fidl_event(ordinal: u64, body: &[u8]) -> Vec<u8> {
    let mut message = vec![0, 0, 0, 0, 2, 0, 0, 0x01];
    message.extend(ordinal.to_le_bytes());
    message.extend(body);
    message
}

/// Sends events of `ordinals` on `channel` every `interval` until `stop_at`, reading
/// replies as they come.
pub async fn run(
    channel: &zx::Channel,
    ordinals: [u64; 2],
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
        let ordinal = if n % 5 == 4 { ordinals[1] } else { ordinals[0] };
        let message = fidl_event(ordinal, format!("event {n}").as_bytes());
        if channel.write(&message, &mut handles).is_err() {
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
