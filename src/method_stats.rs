// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Per-method statistics of one proxy: messages and bytes per FIDL method ordinal and
//! direction, and for messages entering the container the activations (counter going
//! positive) each ordinal caused.
//!
//! A message is classified from its 16-byte transactional header alone (wire format v2:
//! `u32 txid | u8 flags[3] | u8 magic | u64 ordinal`, little-endian); the payload is never
//! looked at. Shorter messages and messages whose magic byte is not 0x01 are `non_fidl`;
//! the epitaph ordinal (0xFFFF_FFFF_FFFF_FFFF) is counted as `epitaph`.
//!
//! The table has a fixed number of ordinal slots, allocated once, when the proxy forwards
//! its first FIDL message (a proxy that never does costs nothing for them); an ordinal is
//! given the next free slot when first seen and keeps it, and once every slot is taken
//! further ordinals are counted together as `other`. Recording a message is a
//! scan of the taken slots and relaxed atomic adds: no kernel call, and no allocation after
//! the first.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Distinct ordinals a proxy counts apart when the configuration does not say
/// (`max_ordinals_per_proxy`).
pub const DEFAULT_MAX_ORDINALS_PER_PROXY: usize = 16;

/// The most distinct ordinals a proxy may be configured to count apart: each slot costs
/// 48 bytes of every proxy's statistics.
pub const MAX_ORDINALS_PER_PROXY_CAP: usize = 256;

/// The ordinal of an epitaph, the last message a FIDL server writes before closing.
pub const EPITAPH_ORDINAL: u64 = u64::MAX;

/// The transactional header's magic number (byte 7) in wire format v2.
const MAGIC_NUMBER: u8 = 0x01;

/// What a message's header says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// A FIDL message of the method (or event) with this ordinal.
    Method(u64),
    /// A FIDL epitaph.
    Epitaph,
    /// Shorter than a transactional header, or without its magic number.
    NonFidl,
}

impl MessageKind {
    /// Classifies a message by its first 16 bytes.
    pub fn of(message: &[u8]) -> MessageKind {
        let Some(header) = message.first_chunk::<16>() else { return MessageKind::NonFidl };
        let [_, _, _, _, _, _, _, magic, ordinal @ ..] = *header;
        match (magic, u64::from_le_bytes(ordinal)) {
            (MAGIC_NUMBER, EPITAPH_ORDINAL) => MessageKind::Epitaph,
            (MAGIC_NUMBER, ordinal) => MessageKind::Method(ordinal),
            _ => MessageKind::NonFidl,
        }
    }

    /// The ordinal the header carries, if it is a FIDL message (an epitaph's included).
    pub fn ordinal(self) -> Option<u64> {
        match self {
            MessageKind::Method(ordinal) => Some(ordinal),
            MessageKind::Epitaph => Some(EPITAPH_ORDINAL),
            MessageKind::NonFidl => None,
        }
    }
}

/// Messages and bytes of one direction.
#[derive(Debug, Default)]
struct Traffic {
    messages: AtomicU64,
    bytes: AtomicU64,
}

/// What one ordinal (or `other`, `non_fidl`, `epitaph`) did.
#[derive(Debug, Default)]
struct Bucket {
    /// Remote -> container.
    incoming: Traffic,
    /// Container -> remote.
    outgoing: Traffic,
    /// Activations of the proxy's wake source attributed to a message of this kind.
    activations: AtomicU64,
}

impl Bucket {
    fn traffic(&self, incoming: bool) -> &Traffic {
        if incoming { &self.incoming } else { &self.outgoing }
    }

    fn totals(&self) -> MethodTotals {
        let load = |traffic: &Traffic| TrafficTotals {
            messages: traffic.messages.load(Ordering::Relaxed),
            bytes: traffic.bytes.load(Ordering::Relaxed),
        };
        MethodTotals {
            incoming: load(&self.incoming),
            outgoing: load(&self.outgoing),
            activations: self.activations.load(Ordering::Relaxed),
        }
    }
}

#[derive(Debug, Default)]
struct Slot {
    /// Set once, by the writer, before the slot is published through `MethodStats::taken`.
    ordinal: AtomicU64,
    counts: Bucket,
}

/// One proxy's per-method statistics.
///
/// Written only by the proxy's task on the proxy thread (its forwarding path and its wake
/// monitor, which never run at once); read from any thread (Inspect) through `totals`. Each
/// counter is read independently: a reader may see a message in `messages` and not yet in
/// `bytes`.
#[derive(Debug)]
pub struct MethodStats {
    /// How many ordinals may take a slot.
    max_ordinals: usize,
    /// The slots, allocated when the first ordinal is seen, so that a proxy that carries no
    /// FIDL message costs nothing for them (one allocation per proxy, never per message).
    slots: OnceLock<Box<[Slot]>>,
    /// Slots taken, in order; a slot's ordinal is written before this count covers it
    /// (stored with Release, loaded with Acquire by readers).
    taken: AtomicUsize,
    other: Bucket,
    non_fidl: Bucket,
    epitaph: Bucket,
}

/// Messages and bytes of one direction at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrafficTotals {
    pub messages: u64,
    pub bytes: u64,
}

/// What one ordinal (or bucket) did, at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MethodTotals {
    pub incoming: TrafficTotals,
    pub outgoing: TrafficTotals,
    pub activations: u64,
}

/// A proxy's per-method statistics at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MethodSnapshot {
    /// Ordinals in the order they were first seen.
    pub methods: Vec<(u64, MethodTotals)>,
    /// Ordinals seen after every slot was taken.
    pub other: MethodTotals,
    pub non_fidl: MethodTotals,
    pub epitaph: MethodTotals,
}

impl MethodStats {
    /// A table counting up to `max_ordinals` ordinals apart (capped at
    /// `MAX_ORDINALS_PER_PROXY_CAP`); its slots are allocated with the first ordinal.
    pub fn new(max_ordinals: usize) -> MethodStats {
        MethodStats {
            max_ordinals: max_ordinals.min(MAX_ORDINALS_PER_PROXY_CAP),
            slots: OnceLock::new(),
            taken: AtomicUsize::new(0),
            other: Bucket::default(),
            non_fidl: Bucket::default(),
            epitaph: Bucket::default(),
        }
    }

    /// The bucket counting `kind`, taking a free slot for an ordinal seen for the first
    /// time. Proxy thread only.
    fn bucket(&self, kind: MessageKind) -> &Bucket {
        let ordinal = match kind {
            MessageKind::Method(ordinal) => ordinal,
            MessageKind::Epitaph => return &self.epitaph,
            MessageKind::NonFidl => return &self.non_fidl,
        };
        let slots =
            self.slots.get_or_init(|| (0..self.max_ordinals).map(|_| Slot::default()).collect());
        let taken = self.taken.load(Ordering::Relaxed);
        if let Some(slot) =
            slots[..taken].iter().find(|slot| slot.ordinal.load(Ordering::Relaxed) == ordinal)
        {
            return &slot.counts;
        }
        match slots.get(taken) {
            Some(slot) => {
                slot.ordinal.store(ordinal, Ordering::Relaxed);
                self.taken.store(taken + 1, Ordering::Release);
                &slot.counts
            }
            None => &self.other,
        }
    }

    /// Counts a message of `kind` and `bytes` bytes about to be forwarded. Proxy thread only.
    pub fn record(&self, kind: MessageKind, incoming: bool, bytes: usize) {
        let traffic = self.bucket(kind).traffic(incoming);
        traffic.messages.fetch_add(1, Ordering::Relaxed);
        traffic.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// Takes back a `record` whose message could not be written (its ordinal keeps its
    /// slot). Proxy thread only.
    pub fn unrecord(&self, kind: MessageKind, incoming: bool, bytes: usize) {
        let traffic = self.bucket(kind).traffic(incoming);
        traffic.messages.fetch_sub(1, Ordering::Relaxed);
        traffic.bytes.fetch_sub(bytes as u64, Ordering::Relaxed);
    }

    /// Counts an activation of the proxy's wake source caused by a message of `kind`.
    /// Proxy thread only.
    pub fn record_activation(&self, kind: MessageKind) {
        self.bucket(kind).activations.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts now. Any thread.
    pub fn snapshot(&self) -> MethodSnapshot {
        let taken = self.taken.load(Ordering::Acquire);
        MethodSnapshot {
            methods: self
                .slots
                .get()
                .map_or(&[][..], |slots| &slots[..taken])
                .iter()
                .map(|slot| (slot.ordinal.load(Ordering::Relaxed), slot.counts.totals()))
                .collect(),
            other: self.other.totals(),
            non_fidl: self.non_fidl.totals(),
            epitaph: self.epitaph.totals(),
        }
    }
}

impl Default for MethodStats {
    fn default() -> Self {
        MethodStats::new(DEFAULT_MAX_ORDINALS_PER_PROXY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A wire-format v2 message: header with `magic` and `ordinal`, then `body`.
    fn message(magic: u8, ordinal: u64, body: &[u8]) -> Vec<u8> {
        let mut bytes = vec![1, 0, 0, 0, 2, 0, 0, magic];
        bytes.extend_from_slice(&ordinal.to_le_bytes());
        bytes.extend_from_slice(body);
        bytes
    }

    #[test]
    fn messages_are_classified_by_their_header_alone() {
        assert_eq!(MessageKind::of(&message(1, 0x1234, b"body")), MessageKind::Method(0x1234));
        assert_eq!(MessageKind::of(&message(1, 7, &[])), MessageKind::Method(7));
        assert_eq!(MessageKind::of(&message(1, u64::MAX, &[0; 8])), MessageKind::Epitaph);
        assert_eq!(MessageKind::of(&message(2, 0x1234, &[])), MessageKind::NonFidl);
        assert_eq!(MessageKind::of(&message(1, 0x1234, &[])[..15]), MessageKind::NonFidl);
        assert_eq!(MessageKind::of(&[]), MessageKind::NonFidl);
        assert_eq!(MessageKind::Method(5).ordinal(), Some(5));
        assert_eq!(MessageKind::Epitaph.ordinal(), Some(EPITAPH_ORDINAL));
        assert_eq!(MessageKind::NonFidl.ordinal(), None);
    }

    #[test]
    fn ordinals_beyond_the_bound_are_counted_as_other() {
        let stats = MethodStats::new(2);
        stats.record(MessageKind::Method(10), true, 16);
        stats.record(MessageKind::Method(20), false, 24);
        stats.record(MessageKind::Method(30), true, 32);
        stats.record(MessageKind::Method(10), true, 16);
        stats.record(MessageKind::Method(40), true, 40);
        stats.record(MessageKind::NonFidl, true, 3);
        stats.record(MessageKind::Epitaph, false, 24);
        stats.record_activation(MessageKind::Method(10));
        stats.record_activation(MessageKind::Method(30));
        let snapshot = stats.snapshot();
        let traffic = |messages, bytes| TrafficTotals { messages, bytes };
        assert_eq!(
            snapshot.methods,
            vec![
                (
                    10,
                    MethodTotals {
                        incoming: traffic(2, 32),
                        outgoing: traffic(0, 0),
                        activations: 1
                    }
                ),
                (20, MethodTotals { outgoing: traffic(1, 24), ..Default::default() }),
            ]
        );
        let other =
            MethodTotals { incoming: traffic(2, 72), outgoing: traffic(0, 0), activations: 1 };
        assert_eq!(snapshot.other, other);
        assert_eq!(snapshot.non_fidl.incoming, traffic(1, 3));
        assert_eq!(snapshot.epitaph.outgoing, traffic(1, 24));
    }

    #[test]
    fn an_unrecorded_message_is_taken_back_and_keeps_its_slot() {
        let stats = MethodStats::new(1);
        stats.record(MessageKind::Method(10), true, 16);
        stats.unrecord(MessageKind::Method(10), true, 16);
        stats.record(MessageKind::Method(20), true, 16);
        let snapshot = stats.snapshot();
        assert_eq!(snapshot.methods, vec![(10, MethodTotals::default())]);
        assert_eq!(snapshot.other.incoming, TrafficTotals { messages: 1, bytes: 16 });
    }

    #[test]
    fn the_bound_is_capped_and_zero_counts_every_ordinal_as_other() {
        assert_eq!(MethodStats::new(usize::MAX).max_ordinals, MAX_ORDINALS_PER_PROXY_CAP);
        let stats = MethodStats::new(0);
        stats.record(MessageKind::Method(1), false, 16);
        assert_eq!(stats.snapshot().methods, vec![]);
        assert_eq!(stats.snapshot().other.outgoing.messages, 1);
    }
}
