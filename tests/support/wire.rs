// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Wire-level helpers shared by the server's unit tests and the integration tests: reading
//! messages and epitaphs from a raw channel, and an AddProxy request made by hand in wire
//! format v2 (so that tests can send what a typed client cannot: wrong handle types,
//! missing rights, truncated bodies).

use fuchsia_async as fasync;

/// The ordinal of `ProxyManager.AddProxy` (the SHA-256 rule on
/// "fuchsia.starnix.proxy/ProxyManager.AddProxy").
pub const ADD_PROXY_ORDINAL: u64 = 0x38e177cc1a359465;

/// The ordinal of `ProxyManager.WatchWakeSources`.
pub const WATCH_WAKE_SOURCES_ORDINAL: u64 = 0x672f358f05bff0e;

/// Waits for and reads the next message on `channel`.
pub async fn read_message(channel: &zx::Channel) -> zx::MessageBuf {
    fasync::OnSignals::new(channel, zx::Signals::CHANNEL_READABLE).await.unwrap();
    let mut buf = zx::MessageBuf::new();
    channel.read(&mut buf).unwrap();
    buf
}

/// Reads messages until the epitaph and returns its status, once the channel has closed
/// after it. Panics if the channel closes without an epitaph or anything follows it.
pub async fn epitaph(channel: &zx::Channel) -> zx::Status {
    loop {
        let signals = zx::Signals::CHANNEL_READABLE | zx::Signals::CHANNEL_PEER_CLOSED;
        fasync::OnSignals::new(channel, signals).await.unwrap();
        let mut buf = zx::MessageBuf::new();
        channel.read(&mut buf).expect("the connection closed without an epitaph");
        let bytes = buf.bytes().to_vec();
        if bytes.len() == 24 && bytes[8..16] == [0xff; 8] {
            fasync::OnSignals::new(channel, zx::Signals::CHANNEL_PEER_CLOSED).await.unwrap();
            assert_eq!(channel.read(&mut buf), Err(zx::Status::PEER_CLOSED));
            return zx::Status::from_raw(i32::from_le_bytes(bytes[16..20].try_into().unwrap()));
        }
    }
}

/// A transactional header of a flexible two-way request.
pub fn request_header(txid: u32, ordinal: u64) -> Vec<u8> {
    let mut header = txid.to_le_bytes().to_vec();
    header.extend([2, 0, 0x80, 1]);
    header.extend(ordinal.to_le_bytes());
    header
}

/// An AddProxy request with name "p" and, for the first `handles` of its three handle
/// fields, a handle present (the others absent).
pub fn add_proxy_message(txid: u32, handles: usize) -> Vec<u8> {
    let mut m = request_header(txid, ADD_PROXY_ORDINAL);
    m.extend(4u64.to_le_bytes());
    m.extend(u64::MAX.to_le_bytes());
    m.extend(24u32.to_le_bytes());
    m.extend([0, 0, 0, 0]);
    for field in 0..3 {
        if field < handles {
            m.extend(u32::MAX.to_le_bytes());
            m.extend(1u16.to_le_bytes());
            m.extend(1u16.to_le_bytes());
        } else {
            m.extend([0; 8]);
        }
    }
    m.extend(1u64.to_le_bytes());
    m.extend(u64::MAX.to_le_bytes());
    m.extend([b'p', 0, 0, 0, 0, 0, 0, 0]);
    m
}
