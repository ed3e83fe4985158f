// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! A proxy that ends with messages pending, re-added by the runner with the same counter (a
//! channel reset followed by a reconnect): the new proxy takes the lingering wake source over.

use super::{Pair, Realm, Setup, add, proxy_spec, read_message, wait_for_active};
use diagnostics_assertions::{AnyProperty, assert_data_tree};
use fidl_fuchsia_starnix_proxy::{ProxyManagerError, ProxyManagerRemoveProxyRequest};

/// A proxy of fresh channels for the counter of `pair`, as the runner re-adds one.
pub(super) fn re_added(name: &str, pair: &Pair) -> (fidl_fuchsia_starnix_proxy::ProxySpec, Pair) {
    let (mut spec, mut new_pair) = proxy_spec(name);
    spec.counter = Some(pair.counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap());
    new_pair.counter = pair.counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    (spec, new_pair)
}

#[fuchsia::test]
async fn a_proxy_re_added_with_pending_messages_takes_over_its_wake_source_in_one_change() {
    let realm = Realm::start(Setup::default()).await;
    let (old, pair) = add(&realm.manager, "wifi").await;
    for message in [&b"scan"[..], b"results"] {
        pair.remote.write(message, &mut []).unwrap();
        read_message(&pair.container).await;
    }
    wait_for_active(&realm.manager, &[old]).await;

    // The channel is reset with two messages unhandled: the source lingers, still active.
    let remove = ProxyManagerRemoveProxyRequest { id: Some(old), ..Default::default() };
    realm.manager.remove_proxy(&remove).await.unwrap().unwrap();
    let (spec, again) = re_added("wifi", &pair);
    let new = realm.manager.add_proxy(spec).await.unwrap().unwrap().id.unwrap();
    assert_ne!(new, old);

    // The next change the watch reports is the handover itself: never nothing active.
    let state = realm.manager.watch_wake_sources().await.unwrap();
    assert_eq!((state.active, state.resume_reason.as_deref()), (Some(vec![new]), Some("wifi")));

    // The re-added proxy forwards and counts on the same counter.
    again.remote.write(b"reconnected", &mut []).unwrap();
    assert_eq!(read_message(&again.container).await.bytes(), b"reconnected");
    again.container.write(b"ack", &mut []).unwrap();
    assert_eq!(read_message(&again.remote).await.bytes(), b"ack");
    assert_eq!(again.counter.read().unwrap(), 3);
    again.counter.add(-3).unwrap();
    wait_for_active(&realm.manager, &[]).await;

    // A counter that took over belongs to a live proxy again: giving it once more is refused.
    let (spec, _third) = re_added("third", &pair);
    assert_eq!(
        realm.manager.add_proxy(spec).await.unwrap(),
        Err(ProxyManagerError::AlreadyRegistered)
    );

    let data = realm.inspect().await;
    let (old_key, new_key) = (&old.to_string(), &new.to_string());
    assert_data_tree!(data.payload.as_ref().unwrap(), root: contains {
        ended_lingers: {
            var old_key: {
                name: "wifi",
                began_at_ns: AnyProperty,
                ended_at_ns: AnyProperty,
                end: "handed_over",
                handed_over_to: new,
            },
        },
        wake_sources: {
            var new_key: contains { name: "wifi", active: false, activation_count: 1u64 },
        },
        closed_proxies: { var old_key: contains { name: "wifi", reason: "removed" } },
    });
}
