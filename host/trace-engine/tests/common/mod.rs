// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Builds sessions as the trace manager streams them: magic number, provider info, then the
//! provider's buffer contents.

#![allow(dead_code)]

use trace_engine::{BufferingMode, MetadataRecord, Record, TraceBuffer, read_buffer};

pub const PROVIDER_ID: u32 = 7;
pub const PROVIDER_NAME: &str = "proxy_manager";
/// 2 GHz: timestamps come out as half the ticks.
pub const TICKS_PER_SECOND: u64 = 2_000_000_000;

/// The stream header the trace manager writes before a provider's records.
pub fn session_prefix() -> Vec<u8> {
    let mut bytes = MetadataRecord::MagicNumber.to_bytes().unwrap();
    bytes.extend(
        MetadataRecord::ProviderInfo { provider_id: PROVIDER_ID, name: PROVIDER_NAME }
            .to_bytes()
            .unwrap(),
    );
    bytes
}

/// A started buffer of `size` bytes.
pub fn buffer(size: u64) -> TraceBuffer {
    let vmo = zx::Vmo::create(size).unwrap();
    TraceBuffer::start(vmo, BufferingMode::Oneshot, TICKS_PER_SECOND).unwrap()
}

/// Stops `buffer` and returns the session bytes: prefix and the buffer's records.
pub fn finish(buffer: TraceBuffer) -> Vec<u8> {
    let vmo = buffer.stop().unwrap();
    let contents = read_buffer(&vmo).unwrap();
    let mut bytes = session_prefix();
    bytes.extend(contents.records);
    bytes
}

/// Writes `records` into a fresh buffer and parses the session back; asserts no warnings.
pub fn round_trip(records: &[Record<'_>]) -> Vec<fxt::TraceRecord> {
    let buffer = buffer(1 << 20);
    for record in records {
        buffer.write(record).unwrap();
    }
    let (parsed, warnings) = fxt::parse_full_session(&finish(buffer)).unwrap();
    assert_eq!(warnings, vec![]);
    parsed
}

pub fn provider() -> Option<fxt::Provider> {
    Some(fxt::Provider { id: PROVIDER_ID, name: PROVIDER_NAME.into() })
}
