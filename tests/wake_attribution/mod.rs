// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Wake attribution on the wake-source side, through the real component: the activation
//! history and its bound, stuck sources from start to clear, the watch's `active_sources`,
//! and one component instance per container.

use super::{Realm, Setup, add, add_manager, inspect_of, read_message, wait_for_active};
use diagnostics_assertions::{AnyProperty, assert_data_tree};
use fidl_fuchsia_starnix_proxy::{ProxyManagerMarker, ProxyManagerProxy, WakeSourceSpec};
use fuchsia_component_test::RealmBuilder;
use zx::Peered;

/// Reads the component's Inspect until `done` holds for it; returns that snapshot. The
/// condition is reached by the component's own timer (the stuck threshold), so the test waits
/// on the condition itself, one snapshot after another.
pub(super) async fn inspect_until(
    moniker: &str,
    done: impl Fn(&diagnostics_data::InspectData) -> bool,
) -> diagnostics_data::InspectData {
    loop {
        let data = inspect_of(moniker).await;
        if done(&data) {
            return data;
        }
    }
}

/// The boolean at `path` in `data`'s payload.
pub(super) fn boolean_at(data: &diagnostics_data::InspectData, path: &[&str]) -> Option<bool> {
    data.payload.as_ref()?.get_property_by_path(path)?.boolean().copied()
}

/// The string at `path` in `data`'s payload.
pub(super) fn string_at(data: &diagnostics_data::InspectData, path: &[&str]) -> Option<String> {
    Some(data.payload.as_ref()?.get_property_by_path(path)?.string()?.to_string())
}

/// Registers an event pair's far end as a wake source active while USER_0 is asserted.
async fn add_signal_source(manager: &ProxyManagerProxy, name: &str) -> (u64, zx::EventPair) {
    let (local, remote) = zx::EventPair::create();
    let spec = WakeSourceSpec {
        name: Some(name.to_string()),
        handle: Some(remote.into_handle()),
        signals: Some(zx::Signals::USER_0.bits()),
        ..Default::default()
    };
    let id = manager.add_wake_source(spec).await.unwrap().unwrap().id.unwrap();
    (id, local)
}

fn set_signal(local: &zx::EventPair, on: bool) {
    let (clear, set) = if on {
        (zx::Signals::NONE, zx::Signals::USER_0)
    } else {
        (zx::Signals::USER_0, zx::Signals::NONE)
    };
    local.signal_peer(clear, set).unwrap();
}

#[fuchsia::test]
async fn the_activation_history_keeps_only_the_configured_latest_entries() {
    let realm = Realm::start(Setup { max_activation_history: Some(3), ..Default::default() }).await;
    let (id, pair) = add(&realm.manager, "input").await;
    for _ in 0..5 {
        pair.remote.write(b"not fidl", &mut []).unwrap();
        wait_for_active(&realm.manager, &[id]).await;
        read_message(&pair.container).await;
        pair.counter.add(-1).unwrap();
        wait_for_active(&realm.manager, &[]).await;
    }
    let data = realm.inspect().await;
    let key = &id.to_string();
    assert_data_tree!(data.payload.as_ref().unwrap(), root: contains {
        config: contains { max_activation_history: 3u64 },
        activations: {
            "2": { at_ns: AnyProperty, source_id: id, name: "input", active_ns: AnyProperty },
            "3": { at_ns: AnyProperty, source_id: id, name: "input", active_ns: AnyProperty },
            "4": { at_ns: AnyProperty, source_id: id, name: "input", active_ns: AnyProperty },
        },
        wake_sources: contains {
            var key: contains { activation_count: 5u64, stuck: false },
        },
    });
}

#[fuchsia::test]
async fn a_stuck_source_makes_the_component_unhealthy_until_it_deactivates() {
    let realm = Realm::start(Setup { stuck_threshold_ms: Some(1), ..Default::default() }).await;
    let moniker = realm.moniker();
    let (id, pair) = add(&realm.manager, "input").await;
    let key = &id.to_string();
    pair.remote.write(b"never handled", &mut []).unwrap();
    wait_for_active(&realm.manager, &[id]).await;

    // The watcher marks the source stuck, then reports the health: wait for the health.
    let health_status = ["fuchsia.inspect.Health", "status"];
    let data = inspect_until(&moniker, |data| {
        string_at(data, &health_status).as_deref() == Some("UNHEALTHY")
    })
    .await;
    let message = format!("wake sources stuck active: input (id {id})");
    assert_eq!(string_at(&data, &["fuchsia.inspect.Health", "message"]), Some(message));
    assert_eq!(boolean_at(&data, &["wake_sources", key, "stuck"]), Some(true));

    read_message(&pair.container).await;
    pair.counter.add(-1).unwrap();
    wait_for_active(&realm.manager, &[]).await;
    let data =
        inspect_until(&moniker, |data| string_at(data, &health_status).as_deref() == Some("OK"))
            .await;
    assert_data_tree!(data.payload.as_ref().unwrap(), root: contains {
        "fuchsia.inspect.Health": contains { status: "OK" },
        wake_sources: { var key: contains { active: false, stuck: false } },
    });
    assert_eq!(string_at(&data, &["fuchsia.inspect.Health", "message"]), None);
}

#[fuchsia::test]
async fn the_watch_lists_each_active_source_with_no_ordinal_where_none_is_known() {
    let realm = Realm::start(Setup::default()).await;
    let (wifi, pair) = add(&realm.manager, "wifi").await;
    let (alarm, local) = add_signal_source(&realm.manager, "alarm").await;
    pair.remote.write(b"not a fidl message", &mut []).unwrap();
    wait_for_active(&realm.manager, &[wifi]).await;
    set_signal(&local, true);
    let state = realm.manager.watch_wake_sources().await.unwrap();
    assert_eq!(state.active, Some(vec![wifi, alarm]));
    let details: Vec<_> =
        state.active_sources.unwrap().into_iter().map(|s| (s.id, s.ordinal)).collect();
    assert_eq!(details, vec![(Some(wifi), None), (Some(alarm), None)]);
}

/// The name under which the test realm exposes container `name`'s ProxyManager.
fn protocol_of(name: &str) -> String {
    format!("fuchsia.starnix.proxy.ProxyManager-{name}")
}

#[fuchsia::test]
async fn one_instance_per_container_keeps_everything_separate() {
    let builder = RealmBuilder::new().await.unwrap();
    let containers = ["container_a", "container_b"];
    for name in containers {
        add_manager(&builder, name, &protocol_of(name)).await;
    }
    let instance = builder.build().await.unwrap();
    let connect = |name: &str| {
        instance
            .root
            .connect_to_named_protocol_at_exposed_dir::<ProxyManagerMarker>(&protocol_of(name))
            .unwrap()
    };
    let (a, b) = (connect("container_a"), connect("container_b"));
    let (a_id, a_pair) = add(&a, "a-input").await;
    let (b_id, _b_pair) = add(&b, "b-input").await;
    assert_eq!(a_id, b_id, "each instance has its own id space");

    a_pair.remote.write(b"wake a", &mut []).unwrap();
    wait_for_active(&a, &[a_id]).await;
    let b_state = connect("container_b").watch_wake_sources().await.unwrap();
    assert_eq!(b_state.active, Some(vec![]), "b is not woken by a's message");
    assert_eq!(b_state.resume_reason.as_deref(), Some(""));

    let moniker = |name: &str| format!("realm_builder:{}/{name}", instance.root.child_name());
    let key = &a_id.to_string();
    let a_tree = inspect_of(&moniker("container_a")).await;
    assert_data_tree!(a_tree.payload.as_ref().unwrap(), root: contains {
        proxies: { var key: contains { name: "a-input", pending: 1i64 } },
        wake_sources: { var key: contains { name: "a-input", active: true } },
        activations: { "0": contains { name: "a-input" } },
    });
    // b's proxy shows `pending` once the proxy thread has started it (b has no traffic to
    // wait for).
    let b_tree = inspect_until(&moniker("container_b"), |data| {
        data.payload
            .as_ref()
            .and_then(|p| p.get_property_by_path(&["proxies", key, "pending"]))
            .is_some()
    })
    .await;
    assert_data_tree!(b_tree.payload.as_ref().unwrap(), root: contains {
        proxies: { var key: contains { name: "b-input", pending: 0i64 } },
        wake_sources: { var key: contains { name: "b-input", active: false } },
        activations: {},
    });
}
