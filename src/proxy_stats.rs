// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Per-proxy statistics: relaxed atomic counters (and a clock read) the proxy thread updates
//! per message, and Inspect reads when a snapshot is taken.

use crate::method_stats::{MessageKind, MethodStats};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};

/// Traffic in one direction. A message is counted before it is written on and uncounted if
/// the write fails, so whoever receives a message also sees it counted.
#[derive(Debug, Default)]
pub struct DirectionStats {
    messages: AtomicU64,
    bytes: AtomicU64,
    handles: AtomicU64,
    /// Monotonic time the last message was counted, in nanoseconds; 0 if none.
    last_message_ns: AtomicI64,
}

/// A copy of `DirectionStats` at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirectionTotals {
    pub messages: u64,
    pub bytes: u64,
    pub handles: u64,
}

impl DirectionStats {
    /// Counts one message of `bytes` bytes and `handles` handles about to be forwarded.
    pub fn record(&self, bytes: usize, handles: usize) {
        self.messages.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
        self.handles.fetch_add(handles as u64, Ordering::Relaxed);
        self.last_message_ns.store(zx::MonotonicInstant::get().into_nanos(), Ordering::Relaxed);
    }

    /// Takes back a `record` whose message could not be written.
    pub fn unrecord(&self, bytes: usize, handles: usize) {
        self.messages.fetch_sub(1, Ordering::Relaxed);
        self.bytes.fetch_sub(bytes as u64, Ordering::Relaxed);
        self.handles.fetch_sub(handles as u64, Ordering::Relaxed);
    }

    /// When a message was last counted, if ever.
    pub fn last_message(&self) -> Option<zx::MonotonicInstant> {
        match self.last_message_ns.load(Ordering::Relaxed) {
            0 => None,
            nanos => Some(zx::MonotonicInstant::from_nanos(nanos)),
        }
    }

    pub fn totals(&self) -> DirectionTotals {
        DirectionTotals {
            messages: self.messages.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            handles: self.handles.load(Ordering::Relaxed),
        }
    }
}

/// What one proxy has done. Written only by the proxy's task on the proxy thread; read from
/// any thread (Inspect), each field independently: a reader may see one message counted in
/// `messages` and not yet in `bytes`.
#[derive(Debug)]
pub struct ProxyStats {
    /// Remote -> container.
    pub incoming: DirectionStats,
    /// Container -> remote.
    pub outgoing: DirectionStats,
    /// Both directions per FIDL method ordinal, and the activations each ordinal caused.
    pub methods: MethodStats,
    /// Times the counter went from non-positive to positive, as the proxy's wake monitor
    /// observes it. Only the proxy increments the counter (the container decrements or
    /// resets it), so each such change is caused by a forwarded message; the monitor's waits
    /// are latched, so a rise that is undone before the monitor runs still counts.
    wakes: AtomicU64,
    /// Whether the proxy is held back by backpressure now: the container has as many
    /// unhandled messages as allowed, so nothing is read from the remote.
    held_back: AtomicBool,
    /// Times the proxy became held back.
    times_held_back: AtomicU64,
    /// Monotonic time of creation, in nanoseconds.
    created_ns: i64,
    /// The proxy's counter, shared once the proxy starts, so a reader can report its value.
    counter: OnceLock<std::sync::Arc<zx::Counter>>,
}

impl Default for ProxyStats {
    /// Statistics counting `DEFAULT_MAX_ORDINALS_PER_PROXY` ordinals apart.
    fn default() -> Self {
        ProxyStats::new(crate::method_stats::DEFAULT_MAX_ORDINALS_PER_PROXY)
    }
}

impl ProxyStats {
    /// Fresh statistics counting up to `max_ordinals` FIDL method ordinals apart; the
    /// ordinal slots are allocated once, with the proxy's first FIDL message, so counting a
    /// message allocates nothing after that (`MethodStats`).
    pub fn new(max_ordinals: usize) -> Self {
        ProxyStats {
            incoming: DirectionStats::default(),
            outgoing: DirectionStats::default(),
            methods: MethodStats::new(max_ordinals),
            wakes: AtomicU64::new(0),
            held_back: AtomicBool::new(false),
            times_held_back: AtomicU64::new(0),
            created_ns: zx::MonotonicInstant::get().into_nanos(),
            counter: OnceLock::new(),
        }
    }

    /// One direction's statistics, as the forwarding path records a message in them.
    pub fn recorder(&self, incoming: bool) -> DirectionRecorder<'_> {
        let totals = if incoming { &self.incoming } else { &self.outgoing };
        DirectionRecorder { totals, methods: &self.methods, incoming }
    }

    pub fn record_wake(&self) {
        self.wakes.fetch_add(1, Ordering::Relaxed);
    }

    pub fn wakes(&self) -> u64 {
        self.wakes.load(Ordering::Relaxed)
    }

    /// Records whether backpressure holds the proxy back now.
    pub fn set_held_back(&self, held_back: bool) {
        if !self.held_back.swap(held_back, Ordering::Relaxed) && held_back {
            self.times_held_back.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Whether backpressure holds the proxy back now.
    pub fn held_back(&self) -> bool {
        self.held_back.load(Ordering::Relaxed)
    }

    /// Times backpressure held the proxy back.
    pub fn times_held_back(&self) -> u64 {
        self.times_held_back.load(Ordering::Relaxed)
    }

    pub fn created(&self) -> zx::MonotonicInstant {
        zx::MonotonicInstant::from_nanos(self.created_ns)
    }

    /// When a message was last forwarded in either direction, if ever.
    pub fn last_message(&self) -> Option<zx::MonotonicInstant> {
        self.incoming.last_message().max(self.outgoing.last_message())
    }

    /// Shares the proxy's counter with readers; only the first call has an effect.
    pub fn attach_counter(&self, counter: std::sync::Arc<zx::Counter>) {
        let _ = self.counter.set(counter);
    }

    /// The counter's current value: messages forwarded into the container and not yet
    /// handled. `None` before the proxy starts or if the counter cannot be read.
    pub fn pending(&self) -> Option<i64> {
        self.counter.get()?.read().ok()
    }
}

/// One direction of one proxy's statistics, as the forwarding path (proxy thread) records
/// a message in them: its totals and its method ordinal's counts.
#[derive(Debug, Clone, Copy)]
pub struct DirectionRecorder<'a> {
    totals: &'a DirectionStats,
    methods: &'a MethodStats,
    incoming: bool,
}

impl DirectionRecorder<'_> {
    /// Counts a message of `kind`, `bytes` bytes and `handles` handles about to be
    /// forwarded.
    pub fn record(&self, kind: MessageKind, bytes: usize, handles: usize) {
        self.totals.record(bytes, handles);
        self.methods.record(kind, self.incoming, bytes);
    }

    /// Takes back a `record` whose message could not be written.
    pub fn unrecord(&self, kind: MessageKind, bytes: usize, handles: usize) {
        self.totals.unrecord(bytes, handles);
        self.methods.unrecord(kind, self.incoming, bytes);
    }
}
