// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

use super::{end_reason, linger_end, ordinal_name, record, record_connections};
use crate::config::Limits;
use crate::manager::{NewProxy, NewWakeSource, ProxyManager};
use crate::proxy::{ForwardError, ProxyEnd};
use crate::proxy_thread::run_proxy_thread;
use crate::server::{Connections, serve};
use crate::wake_sources::LingerEnd;
use diagnostics_assertions::{AnyProperty, assert_data_tree};
use fuchsia_async as fasync;
use fuchsia_inspect::Inspector;
use std::sync::Arc;

fn manager() -> (Arc<ProxyManager>, std::thread::JoinHandle<()>) {
    let (sender, receiver) = async_channel::unbounded();
    let thread = run_proxy_thread(receiver).unwrap();
    (Arc::new(ProxyManager::new(Limits::new(8, 16), sender)), thread)
}

#[fuchsia::test]
async fn the_tree_shows_live_and_closed_proxies_wake_sources_and_totals() {
    let (manager, _thread) = manager();
    let inspector = Inspector::default();
    record(inspector.root(), &manager);

    let (container, container_channel) = zx::Channel::create();
    let (remote_channel, remote) = zx::Channel::create();
    let counter = zx::Counter::create();
    let container_counter = counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    let id = manager
        .add_proxy(NewProxy { name: "wifi".into(), container_channel, remote_channel, counter })
        .unwrap();
    remote.write(&[1, 2, 3], &mut [zx::Event::create().into_handle()]).unwrap();
    fasync::OnSignals::new(&container, zx::Signals::CHANNEL_READABLE).await.unwrap();
    let _ = manager.wake_sources().next_change(&Default::default()).await;
    let event = zx::Event::create();
    let source = manager
        .add_wake_source(NewWakeSource {
            name: "button".into(),
            handle: event.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap().into(),
            signals: zx::Signals::USER_0,
        })
        .unwrap();

    let (proxy_key, source_key) = (&id.to_string(), &source.to_string());
    let counter_koid = container_counter.koid().unwrap().raw_koid();
    let event_koid = event.koid().unwrap().raw_koid();
    let counter_signals = zx::Signals::COUNTER_POSITIVE.bits() as u64;
    let user_signals = zx::Signals::USER_0.bits() as u64;
    assert_data_tree!(inspector, root: {
        totals: {
            proxies_added: 1u64, proxies_ended: 0u64, wake_sources_added: 1u64,
            wake_sources_removed: 0u64, requests_rejected: 0u64, live_proxies: 1u64,
            active_wake_sources: 1u64,
        },
        proxies: {
            var proxy_key: {
                name: "wifi",
                container_channel_koid: AnyProperty,
                remote_channel_koid: AnyProperty,
                counter_koid: counter_koid,
                incoming: {
                    messages: 1u64, bytes: 3u64, handles: 1u64,
                    methods: {
                        other: { messages: 0u64, bytes: 0u64, activations: 0u64 },
                        non_fidl: { messages: 1u64, bytes: 3u64, activations: 1u64 },
                        epitaph: { messages: 0u64, bytes: 0u64, activations: 0u64 },
                    },
                },
                outgoing: {
                    messages: 0u64, bytes: 0u64, handles: 0u64,
                    methods: {
                        other: { messages: 0u64, bytes: 0u64 },
                        non_fidl: { messages: 0u64, bytes: 0u64 },
                        epitaph: { messages: 0u64, bytes: 0u64 },
                    },
                },
                wakes: 1u64,
                held_back: false,
                times_held_back: 0u64,
                pending: 1i64,
                created_at_ns: AnyProperty,
                last_message_at_ns: AnyProperty,
            },
        },
        closed_proxies: {},
        wake_sources: {
            var proxy_key: {
                name: "wifi", kind: "proxy", koid: AnyProperty,
                signals: counter_signals,
                active: true, activation_count: 1u64, active_since_ns: AnyProperty,
                total_active_ns: AnyProperty, max_active_ns: 0i64, last_change_ns: AnyProperty,
                stuck: false,
            },
            var source_key: {
                name: "button", kind: "handle", koid: event_koid,
                signals: user_signals,
                active: false, activation_count: 0u64,
                total_active_ns: 0i64, max_active_ns: 0i64, last_change_ns: AnyProperty,
                stuck: false,
            },
        },
        ended_lingers: {},
        activations: {
            "0": { at_ns: AnyProperty, source_id: id, name: "wifi" },
        },
    });

    manager.remove_proxy(id).await.unwrap();
    assert_data_tree!(inspector, root: contains {
        proxies: {},
        closed_proxies: {
            var proxy_key: {
                name: "wifi", reason: "removed",
                incoming: {
                    messages: 1u64, bytes: 3u64, handles: 1u64,
                    methods: {
                        other: { messages: 0u64, bytes: 0u64, activations: 0u64 },
                        non_fidl: { messages: 1u64, bytes: 3u64, activations: 1u64 },
                        epitaph: { messages: 0u64, bytes: 0u64, activations: 0u64 },
                    },
                },
                outgoing: {
                    messages: 0u64, bytes: 0u64, handles: 0u64,
                    methods: {
                        other: { messages: 0u64, bytes: 0u64 },
                        non_fidl: { messages: 0u64, bytes: 0u64 },
                        epitaph: { messages: 0u64, bytes: 0u64 },
                    },
                },
                wakes: 1u64, created_at_ns: AnyProperty, closed_at_ns: AnyProperty,
            },
        },
        wake_sources: contains {
            var proxy_key: contains { name: "wifi", active: true, lingering_since_ns: AnyProperty },
        },
        ended_lingers: {},
    });

    // The container handles the message: the linger ends, drained.
    let lingering = manager.wake_sources().active();
    container_counter.add(-1).unwrap();
    manager.wake_sources().next_change(&lingering).await;
    assert_data_tree!(inspector, root: contains {
        ended_lingers: {
            var proxy_key: {
                name: "wifi", began_at_ns: AnyProperty, ended_at_ns: AnyProperty,
                end: "drained", pending: 0i64,
            },
        },
        activations: {
            "0": { at_ns: AnyProperty, source_id: id, name: "wifi", active_ns: AnyProperty },
        },
    });
}

#[fuchsia::test]
async fn a_source_shows_its_causing_ordinal_and_when_it_is_stuck() {
    let (manager, _thread) = manager();
    let inspector = Inspector::default();
    record(inspector.root(), &manager);
    let event = zx::Event::create();
    let source = manager
        .add_wake_source(NewWakeSource {
            name: "radio".into(),
            handle: event.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap().into(),
            signals: zx::Signals::USER_0,
        })
        .unwrap();
    // As the engine reports a proxy's activation by a message of ordinal 0xabc.
    manager.wake_sources().set_active_with_ordinal(source, true, Some(0xabc));
    let far_future = zx::MonotonicInstant::get() + zx::MonotonicDuration::from_seconds(3600);
    manager.wake_sources().check_stuck(far_future);
    let key = &source.to_string();
    assert_data_tree!(inspector, root: contains {
        wake_sources: { var key: contains { active: true, stuck: true, ordinal: "0xabc" } },
        activations: { "0": { at_ns: AnyProperty, source_id: source, name: "radio", ordinal: "0xabc" } },
    });
    manager.wake_sources().set_active(source, false);
    assert_data_tree!(inspector, root: contains {
        wake_sources: { var key: contains { active: false, stuck: false } },
    });
}

#[test]
fn ordinals_read_in_hex() {
    assert_eq!(ordinal_name(0x1234_abcd), "0x1234abcd");
}

#[test]
fn end_reasons_read_plainly() {
    assert_eq!(end_reason(&ProxyEnd::Stopped), "removed");
    assert_eq!(end_reason(&ProxyEnd::ContainerClosed), "container_closed");
    assert_eq!(end_reason(&ProxyEnd::RemoteClosed), "remote_closed");
    assert_eq!(
        end_reason(&ProxyEnd::Failed(ForwardError::Write(zx::Status::ACCESS_DENIED))),
        "failed: writing the message failed: ACCESS_DENIED"
    );
}

#[fuchsia::test]
async fn connections_show_the_in_flight_peak_and_the_suppressed_warnings_per_kind() {
    let (manager, _thread) = manager();
    let connections = Arc::new(Connections::default());
    let inspector = Inspector::default();
    record_connections(inspector.root(), &connections);
    assert_data_tree!(inspector, root: {
        connections: {
            live: 0u64,
            refused: 0u64,
            max_in_flight_requests: 0u64,
            suppressed_warnings: {
                connection_closed: 0u64,
                missing_field: 0u64,
                unknown_method: 0u64,
                too_many_connections: 0u64,
            },
        },
    });

    let (client, stream) = fidl::endpoints::create_proxy_and_stream::<
        fidl_fuchsia_starnix_proxy::ProxyManagerMarker,
    >();
    let serving = fasync::Task::local({
        let (manager, connections) = (Arc::clone(&manager), Arc::clone(&connections));
        async move { serve(&manager, &connections, stream).await }
    });
    client.watch_wake_sources().await.unwrap();
    drop(client);
    serving.await;
    assert_data_tree!(inspector, root: {
        connections: contains { max_in_flight_requests: 1u64 },
    });
}

#[test]
fn linger_ends_read_plainly() {
    assert_eq!(linger_end(&LingerEnd::Drained), "drained");
    assert_eq!(linger_end(&LingerEnd::LimitReached), "limit_reached");
    assert_eq!(linger_end(&LingerEnd::Failed(zx::Status::ACCESS_DENIED)), "failed: ACCESS_DENIED");
    assert_eq!(linger_end(&LingerEnd::HandedOver(7)), "handed_over");
}
