// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Wake attribution through the real component: per-method statistics of proxied FIDL
//! traffic (read from the transactional header only), the bound on distinct ordinals with
//! the rest as `other`, non-FIDL messages and epitaphs, and the activations each ordinal
//! caused, as Inspect shows them, for live and closed proxies; and the one warning a stuck
//! episode logs, read from the component's logs.

use super::wake_attribution::{boolean_at, inspect_until, string_at};
use super::wire::{read_message, request_header};
use super::{Pair, Realm, Setup, add, wait_for_active};
use diagnostics_assertions::assert_data_tree;
use diagnostics_reader::{ArchiveReader, Data, Logs, Severity};
use fidl_fuchsia_starnix_proxy::ProxyManagerRemoveProxyRequest;
use futures::StreamExt;

/// A FIDL request of `ordinal` with an 8-byte body: 24 bytes.
pub(super) fn fidl_request(ordinal: u64) -> Vec<u8> {
    let mut message = request_header(1, ordinal);
    message.extend([0; 8]);
    message
}

/// An epitaph with status ZX_ERR_PEER_CLOSED: 24 bytes.
fn epitaph() -> Vec<u8> {
    let mut message = request_header(0, u64::MAX);
    message.extend(zx::Status::PEER_CLOSED.into_raw().to_le_bytes());
    message.extend([0; 4]);
    message
}

/// Sends `message` from the remote and waits for it in the container.
pub(super) async fn deliver(pair: &Pair, message: &[u8]) {
    pair.remote.write(message, &mut []).unwrap();
    read_message(&pair.container).await;
}

/// Lets the container handle everything it was sent, and waits until the component reports
/// the proxy's source inactive.
pub(super) async fn handle_all(realm: &Realm, pair: &Pair) {
    let pending = pair.counter.read().unwrap();
    pair.counter.add(-pending).unwrap();
    wait_for_active(&realm.manager, &[]).await;
}

#[fuchsia::test]
async fn inspect_attributes_traffic_and_activations_to_method_ordinals() {
    let realm = Realm::start(Setup { max_ordinals_per_proxy: Some(2), ..Setup::default() }).await;
    let (id, pair) = add(&realm.manager, "wifi").await;
    wait_for_active(&realm.manager, &[]).await;

    // 0xa1 wakes the container twice; 0xb2 once, after arriving once while it was awake.
    deliver(&pair, &fidl_request(0xa1)).await;
    // The watch tells which method woke the source.
    let woken = loop {
        let state = realm.manager.watch_wake_sources().await.unwrap();
        if state.active.as_deref() == Some(&[id][..]) {
            break state.active_sources.unwrap();
        }
    };
    let woken: Vec<_> = woken.into_iter().map(|source| (source.id, source.ordinal)).collect();
    assert_eq!(woken, vec![(Some(id), Some(0xa1))]);
    deliver(&pair, &fidl_request(0xb2)).await;
    handle_all(&realm, &pair).await;
    deliver(&pair, &fidl_request(0xa1)).await;
    wait_for_active(&realm.manager, &[id]).await;
    handle_all(&realm, &pair).await;
    deliver(&pair, &fidl_request(0xb2)).await;
    wait_for_active(&realm.manager, &[id]).await;
    // Beyond the bound of two ordinals: 0xc3 and 0xd4 are `other`; it wakes once.
    handle_all(&realm, &pair).await;
    deliver(&pair, &fidl_request(0xc3)).await;
    wait_for_active(&realm.manager, &[id]).await;
    deliver(&pair, &fidl_request(0xd4)).await;
    // A non-FIDL message wakes once; an epitaph wakes once.
    handle_all(&realm, &pair).await;
    deliver(&pair, b"not fidl").await;
    wait_for_active(&realm.manager, &[id]).await;
    handle_all(&realm, &pair).await;
    deliver(&pair, &epitaph()).await;
    wait_for_active(&realm.manager, &[id]).await;
    // The container answers with one 0xb2 message and one with a wrong magic number.
    let mut wrong_magic = fidl_request(0xb2);
    wrong_magic[7] = 2;
    for message in [fidl_request(0xb2), wrong_magic] {
        pair.container.write(&message, &mut []).unwrap();
        read_message(&pair.remote).await;
    }

    let data = realm.inspect().await;
    let key = &id.to_string();
    assert_data_tree!(data.payload.as_ref().unwrap(), root: contains {
        config: contains { max_ordinals_per_proxy: 2u64 },
        proxies: {
            var key: contains {
                wakes: 6u64,
                incoming: {
                    messages: 8u64, bytes: 176u64, handles: 0u64,
                    methods: {
                        "0xa1": { messages: 2u64, bytes: 48u64, activations: 2u64 },
                        "0xb2": { messages: 2u64, bytes: 48u64, activations: 1u64 },
                        other: { messages: 2u64, bytes: 48u64, activations: 1u64 },
                        non_fidl: { messages: 1u64, bytes: 8u64, activations: 1u64 },
                        epitaph: { messages: 1u64, bytes: 24u64, activations: 1u64 },
                    },
                },
                outgoing: {
                    messages: 2u64, bytes: 48u64, handles: 0u64,
                    methods: {
                        "0xb2": { messages: 1u64, bytes: 24u64 },
                        other: { messages: 0u64, bytes: 0u64 },
                        non_fidl: { messages: 1u64, bytes: 24u64 },
                        epitaph: { messages: 0u64, bytes: 0u64 },
                    },
                },
            },
        },
    });
}

#[fuchsia::test]
async fn a_closed_proxy_keeps_its_per_method_counts_in_inspect() {
    let realm = Realm::start(Setup { max_ordinals_per_proxy: Some(2), ..Setup::default() }).await;
    let (id, pair) = add(&realm.manager, "wifi").await;
    wait_for_active(&realm.manager, &[]).await;
    deliver(&pair, &fidl_request(0xa1)).await;
    wait_for_active(&realm.manager, &[id]).await;
    deliver(&pair, &fidl_request(0xb2)).await;
    handle_all(&realm, &pair).await;
    deliver(&pair, &fidl_request(0xa1)).await;
    wait_for_active(&realm.manager, &[id]).await;
    deliver(&pair, b"not fidl").await;
    for message in [fidl_request(0xb2), fidl_request(0xc3), epitaph()] {
        pair.container.write(&message, &mut []).unwrap();
        read_message(&pair.remote).await;
    }
    let key = &id.to_string();
    let live = realm.inspect().await;
    let live_proxy = live.payload.as_ref().unwrap().get_child_by_path(&["proxies", key]).cloned();

    let request = ProxyManagerRemoveProxyRequest { id: Some(id), ..Default::default() };
    realm.manager.remove_proxy(&request).await.unwrap().unwrap();
    let data = realm.inspect().await;
    let payload = data.payload.as_ref().unwrap();
    assert_data_tree!(payload, root: contains {
        proxies: {},
        closed_proxies: {
            var key: contains {
                name: "wifi",
                reason: "removed",
                wakes: 2u64,
                incoming: {
                    messages: 4u64, bytes: 80u64, handles: 0u64,
                    methods: {
                        "0xa1": { messages: 2u64, bytes: 48u64, activations: 2u64 },
                        "0xb2": { messages: 1u64, bytes: 24u64, activations: 0u64 },
                        other: { messages: 0u64, bytes: 0u64, activations: 0u64 },
                        non_fidl: { messages: 1u64, bytes: 8u64, activations: 0u64 },
                        epitaph: { messages: 0u64, bytes: 0u64, activations: 0u64 },
                    },
                },
                outgoing: {
                    messages: 3u64, bytes: 72u64, handles: 0u64,
                    methods: {
                        "0xb2": { messages: 1u64, bytes: 24u64 },
                        other: { messages: 1u64, bytes: 24u64 },
                        non_fidl: { messages: 0u64, bytes: 0u64 },
                        epitaph: { messages: 1u64, bytes: 24u64 },
                    },
                },
            },
        },
    });
    let live_proxy = live_proxy.expect("the proxy was live");
    let closed = payload.get_child_by_path(&["closed_proxies", key]).unwrap();
    for direction in ["incoming", "outgoing"] {
        assert_eq!(
            closed.get_child(direction),
            live_proxy.get_child(direction),
            "the closed proxy's {direction} counts are those it had when it was last live"
        );
    }
}

/// Whether `log` is the warning that wake source `name` (id `id`) is stuck.
fn is_stuck_warning(log: &Data<Logs>, name: &str, id: u64) -> bool {
    let prefix = format!("wake source {name} ({id}) stuck:");
    log.severity() == Severity::Warn && log.msg().is_some_and(|msg| msg.starts_with(&prefix))
}

#[fuchsia::test]
async fn each_stuck_episode_logs_exactly_one_warning_naming_the_source() {
    let realm = Realm::start(Setup { stuck_threshold_ms: Some(1), ..Setup::default() }).await;
    let moniker = realm.moniker();
    let (id, pair) = add(&realm.manager, "input").await;
    let key = &id.to_string();
    let health_status = ["fuchsia.inspect.Health", "status"];
    let mut logs = ArchiveReader::logs()
        .select_all_for_component(moniker.as_str())
        .snapshot_then_subscribe()
        .unwrap();
    for episode in 1..=2 {
        // The container forgets to decrement: the source stays active past the threshold.
        pair.remote.write(b"forgotten", &mut []).unwrap();
        wait_for_active(&realm.manager, &[id]).await;
        loop {
            let log = logs.next().await.unwrap().unwrap();
            if is_stuck_warning(&log, "input", id) {
                assert_eq!(log.moniker.to_string(), moniker);
                break;
            }
        }
        // The source is marked stuck, then the health follows.
        inspect_until(&moniker, |data| {
            boolean_at(data, &["wake_sources", key, "stuck"]) == Some(true)
                && string_at(data, &health_status).as_deref() == Some("UNHEALTHY")
        })
        .await;

        // The container decrements at last: the episode clears.
        read_message(&pair.container).await;
        pair.counter.add(-1).unwrap();
        wait_for_active(&realm.manager, &[]).await;
        let data = inspect_until(&moniker, |data| {
            string_at(data, &health_status).as_deref() == Some("OK")
        })
        .await;
        assert_eq!(boolean_at(&data, &["wake_sources", key, "stuck"]), Some(false));

        let warnings = ArchiveReader::logs()
            .select_all_for_component(moniker.as_str())
            .snapshot()
            .await
            .unwrap()
            .iter()
            .filter(|log| is_stuck_warning(log, "input", id))
            .count();
        assert_eq!(warnings, episode, "one warning per episode, none while it lasts");
    }
}
