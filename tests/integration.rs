// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! The real proxy_manager component, started from its manifest in a RealmBuilder realm and
//! driven over FIDL.

use diagnostics_assertions::{AnyProperty, NonZeroUintProperty, assert_data_tree};
use diagnostics_reader::ArchiveReader;
use fidl::endpoints::{DiscoverableProtocolMarker, ServerEnd};
use fidl_fuchsia_scheduler::{RoleManagerMarker, RoleManagerRequest, RoleManagerSetRoleResponse};
use fidl_fuchsia_starnix_proxy::{
    ProxyManagerError, ProxyManagerMarker, ProxyManagerProxy, ProxyManagerRemoveProxyRequest,
    ProxyManagerRemoveWakeSourceRequest, ProxySpec, WakeSourceSpec,
};
use fidl_fuchsia_tracing_controller::{ProvisionerMarker, ProvisionerProxy};
use fuchsia_async as fasync;
use fuchsia_component::server::ServiceFs;
use fuchsia_component_test::{
    Capability, ChildOptions, ChildRef, LocalComponentHandles, RealmBuilder, RealmInstance, Ref,
    Route,
};
use futures::channel::mpsc;
use futures::{FutureExt, StreamExt, TryStreamExt};
use wire::{WATCH_WAKE_SOURCES_ORDINAL, add_proxy_message, epitaph, read_message, request_header};
use zx::Peered;

#[path = "support/wire.rs"]
mod wire;

#[path = "adversarial/mod.rs"]
mod adversarial;

#[path = "attribution/mod.rs"]
mod attribution;

#[path = "wake_attribution/mod.rs"]
mod wake_attribution;

#[path = "linger/mod.rs"]
mod linger;

#[path = "trace/mod.rs"]
mod trace;

/// (thread name, role) pairs a RoleManager was asked for.
type RoleRequests = mpsc::UnboundedSender<(String, String)>;

async fn role_manager(
    handles: LocalComponentHandles,
    requests: RoleRequests,
) -> Result<(), anyhow::Error> {
    let mut fs = ServiceFs::new();
    fs.dir("svc")
        .add_fidl_service(|stream: fidl_fuchsia_scheduler::RoleManagerRequestStream| stream);
    fs.serve_connection(handles.outgoing_dir)?;
    fs.for_each_concurrent(None, |stream| {
        let requests = requests.clone();
        async move {
            let _ = stream
                .try_for_each(|request| {
                    let requests = requests.clone();
                    async move {
                        if let RoleManagerRequest::SetRole { payload, responder } = request {
                            let thread = match payload.target {
                                Some(fidl_fuchsia_scheduler::RoleTarget::Thread(thread)) => {
                                    thread.get_name().unwrap().to_string()
                                }
                                _ => String::new(),
                            };
                            let role = payload.role.map(|r| r.role).unwrap_or_default();
                            let _ = requests.unbounded_send((thread, role));
                            let _ = responder.send(Ok(RoleManagerSetRoleResponse::default()));
                        }
                        Ok(())
                    }
                })
                .await;
        }
    })
    .await;
    Ok(())
}

/// How a test realm is set up.
#[derive(Default)]
struct Setup {
    role_requests: Option<RoleRequests>,
    max_proxies: Option<u32>,
    max_wake_sources: Option<u32>,
    max_activation_history: Option<u32>,
    stuck_threshold_ms: Option<u32>,
    max_ordinals_per_proxy: Option<u32>,
    /// Adds the hermetic trace manager, its registry routed to the component and its
    /// provisioner to the test.
    trace_manager: bool,
}

/// Adds the component as child `name` of `builder`: its ProxyManager exposed to the parent
/// as `exposed_as`, the diagnostics dictionary routed to it.
async fn add_manager(builder: &RealmBuilder, name: &str, exposed_as: &str) -> ChildRef {
    let child = builder
        .add_child(name, "#meta/proxy_manager.cm", ChildOptions::new().eager())
        .await
        .unwrap();
    let protocol = Capability::protocol::<ProxyManagerMarker>().as_(exposed_as);
    builder
        .add_route(Route::new().capability(protocol).from(&child).to(Ref::parent()))
        .await
        .unwrap();
    route_diagnostics(builder, &child).await;
    child
}

/// Routes the test's diagnostics dictionary (LogSink, InspectSink) to `child`.
async fn route_diagnostics(builder: &RealmBuilder, child: &ChildRef) {
    builder
        .add_route(
            Route::new()
                .capability(Capability::dictionary("diagnostics"))
                .from(Ref::parent())
                .to(child),
        )
        .await
        .unwrap();
}

/// Adds the hermetic trace manager (`//src/performance/trace_manager:component_hermetic`):
/// its registry routed to `traced`, its provisioner to the test.
async fn add_trace_manager(builder: &RealmBuilder, traced: &ChildRef) {
    let trace_manager = builder
        .add_child("trace_manager", "#meta/trace_manager.cm", ChildOptions::new())
        .await
        .unwrap();
    builder
        .add_route(
            Route::new()
                .capability(Capability::protocol_by_name("fuchsia.tracing.provider.Registry"))
                .from(&trace_manager)
                .to(traced),
        )
        .await
        .unwrap();
    builder
        .add_route(
            Route::new()
                .capability(Capability::protocol::<ProvisionerMarker>())
                .from(&trace_manager)
                .to(Ref::parent()),
        )
        .await
        .unwrap();
    route_diagnostics(builder, &trace_manager).await;
}

/// The running realm and a connection to the component.
struct Realm {
    instance: RealmInstance,
    manager: ProxyManagerProxy,
    /// The trace manager's provisioner, with `Setup::trace_manager`.
    provisioner: Option<ProvisionerProxy>,
}

impl Realm {
    async fn start(setup: Setup) -> Realm {
        let builder = RealmBuilder::new().await.unwrap();
        let pm = add_manager(&builder, "proxy_manager", ProxyManagerMarker::PROTOCOL_NAME).await;
        if let Some(requests) = setup.role_requests {
            let roles = builder
                .add_local_child(
                    "role_manager",
                    move |handles| role_manager(handles, requests.clone()).boxed(),
                    ChildOptions::new(),
                )
                .await
                .unwrap();
            builder
                .add_route(
                    Route::new()
                        .capability(Capability::protocol::<RoleManagerMarker>())
                        .from(&roles)
                        .to(&pm),
                )
                .await
                .unwrap();
        }
        if setup.trace_manager {
            add_trace_manager(&builder, &pm).await;
        }
        let overrides = [
            ("max_proxies", setup.max_proxies),
            ("max_wake_sources", setup.max_wake_sources),
            ("max_activation_history", setup.max_activation_history),
            ("stuck_threshold_ms", setup.stuck_threshold_ms),
            ("max_ordinals_per_proxy", setup.max_ordinals_per_proxy),
        ];
        if overrides.iter().any(|(_, value)| value.is_some()) {
            builder.init_mutable_config_from_package(&pm).await.unwrap();
            for (key, value) in overrides {
                if let Some(value) = value {
                    builder.set_config_value(&pm, key, value.into()).await.unwrap();
                }
            }
        }
        let instance = builder.build().await.unwrap();
        let manager =
            instance.root.connect_to_protocol_at_exposed_dir::<ProxyManagerProxy>().unwrap();
        let provisioner = setup.trace_manager.then(|| {
            instance.root.connect_to_protocol_at_exposed_dir::<ProvisionerProxy>().unwrap()
        });
        Realm { instance, manager, provisioner }
    }

    fn connect(&self) -> ProxyManagerProxy {
        self.instance.root.connect_to_protocol_at_exposed_dir::<ProxyManagerProxy>().unwrap()
    }

    fn connect_raw(&self) -> zx::Channel {
        let (client, server) = zx::Channel::create();
        self.instance
            .root
            .connect_request_to_protocol_at_exposed_dir::<ProxyManagerMarker>(ServerEnd::new(
                server,
            ))
            .unwrap();
        client
    }

    /// The component's moniker.
    fn moniker(&self) -> String {
        format!("realm_builder:{}/proxy_manager", self.instance.root.child_name())
    }

    async fn inspect(&self) -> diagnostics_data::InspectData {
        inspect_of(&self.moniker()).await
    }
}

/// The Inspect snapshot of the component at `moniker`.
async fn inspect_of(moniker: &str) -> diagnostics_data::InspectData {
    let selector = format!("{}:root", moniker.replace(':', "\\:"));
    let mut data = ArchiveReader::inspect().add_selector(selector).snapshot().await.unwrap();
    assert_eq!(data.len(), 1);
    data.remove(0)
}

/// The container's and the remote's ends of one proxied pair, and the container's counter.
struct Pair {
    container: zx::Channel,
    remote: zx::Channel,
    counter: zx::Counter,
}

fn proxy_spec(name: &str) -> (ProxySpec, Pair) {
    let (container, container_channel) = zx::Channel::create();
    let (remote_channel, remote) = zx::Channel::create();
    let counter = zx::Counter::create();
    let container_counter = counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    (
        ProxySpec {
            name: Some(name.to_string()),
            container_channel: Some(container_channel),
            remote_channel: Some(remote_channel),
            counter: Some(counter),
            ..Default::default()
        },
        Pair { container, remote, counter: container_counter },
    )
}

/// Calls the hanging get until it reports exactly `expected` as active: the first call
/// answers at once with the current set, every later one when the set changes.
async fn wait_for_active(manager: &ProxyManagerProxy, expected: &[u64]) {
    while manager.watch_wake_sources().await.unwrap().active.as_deref() != Some(expected) {}
}

async fn add(manager: &ProxyManagerProxy, name: &str) -> (u64, Pair) {
    let (spec, pair) = proxy_spec(name);
    let id = manager.add_proxy(spec).await.unwrap().unwrap().id.unwrap();
    (id, pair)
}

#[fuchsia::test]
async fn traffic_flows_both_ways_with_handles_and_is_counted() {
    let realm = Realm::start(Setup::default()).await;
    let (_, pair) = add(&realm.manager, "wifi").await;
    let (near, far) = zx::Channel::create();
    let event = zx::Event::create();
    let event_koid = event.koid().unwrap();
    pair.remote.write(b"scan results", &mut [far.into_handle(), event.into_handle()]).unwrap();

    let mut message = read_message(&pair.container).await;
    assert_eq!(message.bytes(), b"scan results");
    let far = zx::Channel::from(message.take_handle(0).unwrap());
    assert_eq!(message.take_handle(1).unwrap().koid().unwrap(), event_koid);
    assert_eq!(pair.counter.read().unwrap(), 1, "counted before the container could read it");
    far.write(b"through a proxied handle", &mut []).unwrap();
    assert_eq!(read_message(&near).await.bytes(), b"through a proxied handle");

    pair.counter.add(-1).unwrap();
    pair.container.write(b"ack", &mut []).unwrap();
    assert_eq!(read_message(&pair.remote).await.bytes(), b"ack");
    assert_eq!(pair.counter.read().unwrap(), 0, "replies are not counted");
}

#[fuchsia::test]
async fn the_watch_reports_activation_and_deactivation_with_resume_reasons() {
    let realm = Realm::start(Setup::default()).await;
    assert_eq!(realm.manager.watch_wake_sources().await.unwrap().active, Some(vec![]));
    let (wifi, pair) = add(&realm.manager, "wifi").await;
    let (local, remote) = zx::EventPair::create();
    let alarm = realm
        .manager
        .add_wake_source(WakeSourceSpec {
            name: Some("alarm".to_string()),
            handle: Some(remote.into_handle()),
            signals: Some(zx::Signals::USER_0.bits()),
            ..Default::default()
        })
        .await
        .unwrap()
        .unwrap()
        .id
        .unwrap();

    pair.remote.write(b"wake", &mut []).unwrap();
    let state = realm.manager.watch_wake_sources().await.unwrap();
    assert_eq!((state.active, state.resume_reason.as_deref()), (Some(vec![wifi]), Some("wifi")));

    local.signal_peer(zx::Signals::NONE, zx::Signals::USER_0).unwrap();
    let state = realm.manager.watch_wake_sources().await.unwrap();
    assert_eq!(
        (state.active, state.resume_reason.as_deref()),
        (Some(vec![wifi, alarm]), Some("wifi,alarm"))
    );

    read_message(&pair.container).await;
    pair.counter.add(-1).unwrap();
    let state = realm.manager.watch_wake_sources().await.unwrap();
    assert_eq!(state.active, Some(vec![alarm]));

    local.signal_peer(zx::Signals::USER_0, zx::Signals::NONE).unwrap();
    assert_eq!(realm.manager.watch_wake_sources().await.unwrap().active, Some(vec![]));
    let remove = ProxyManagerRemoveWakeSourceRequest { id: Some(alarm), ..Default::default() };
    realm.manager.remove_wake_source(&remove).await.unwrap().unwrap();
    fasync::OnSignals::new(&local, zx::Signals::EVENTPAIR_PEER_CLOSED).await.unwrap();
}

#[fuchsia::test]
async fn removal_delivers_what_is_queued_then_closes_both_channels() {
    let realm = Realm::start(Setup::default()).await;
    let (id, pair) = add(&realm.manager, "input").await;
    for i in 0..100u32 {
        pair.remote.write(&i.to_le_bytes(), &mut []).unwrap();
        pair.container.write(&i.to_le_bytes(), &mut []).unwrap();
    }
    let request = ProxyManagerRemoveProxyRequest { id: Some(id), ..Default::default() };
    realm.manager.remove_proxy(&request).await.unwrap().unwrap();
    let mut buf = zx::MessageBuf::new();
    for i in 0..100u32 {
        pair.container.read(&mut buf).unwrap();
        assert_eq!(buf.bytes(), i.to_le_bytes());
        pair.remote.read(&mut buf).unwrap();
        assert_eq!(buf.bytes(), i.to_le_bytes());
    }
    assert_eq!(pair.container.read(&mut buf), Err(zx::Status::PEER_CLOSED));
    assert_eq!(pair.remote.read(&mut buf), Err(zx::Status::PEER_CLOSED));
    assert_eq!(pair.counter.read().unwrap(), 100);
}

#[fuchsia::test]
async fn every_error_is_reported() {
    let realm = Realm::start(Setup {
        max_proxies: Some(1),
        max_wake_sources: Some(2),
        ..Default::default()
    })
    .await;
    let (_, first) = add(&realm.manager, "first").await;

    let (mut spec, _second) = proxy_spec("second");
    assert_eq!(realm.manager.add_proxy(spec).await.unwrap(), Err(ProxyManagerError::LimitReached));
    (spec, _) = proxy_spec("nameless");
    spec.name = None;
    assert_eq!(realm.manager.add_proxy(spec).await.unwrap(), Err(ProxyManagerError::InvalidArgs));

    let source = |handle: zx::NullableHandle| WakeSourceSpec {
        name: Some("source".to_string()),
        handle: Some(handle),
        signals: Some(zx::Signals::USER_0.bits()),
        ..Default::default()
    };
    let counter_again = first.counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    assert_eq!(
        realm.manager.add_wake_source(source(counter_again.into_handle())).await.unwrap(),
        Err(ProxyManagerError::AlreadyRegistered)
    );
    realm
        .manager
        .add_wake_source(source(zx::Event::create().into_handle()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        realm.manager.add_wake_source(source(zx::Event::create().into_handle())).await.unwrap(),
        Err(ProxyManagerError::LimitReached)
    );
    let unknown = ProxyManagerRemoveProxyRequest { id: Some(12345), ..Default::default() };
    assert_eq!(
        realm.manager.remove_proxy(&unknown).await.unwrap(),
        Err(ProxyManagerError::NotFound)
    );
    let unknown = ProxyManagerRemoveWakeSourceRequest { id: Some(12345), ..Default::default() };
    assert_eq!(
        realm.manager.remove_wake_source(&unknown).await.unwrap(),
        Err(ProxyManagerError::NotFound)
    );
}

#[fuchsia::test]
async fn bad_requests_close_only_their_connection() {
    let realm = Realm::start(Setup::default()).await;
    let (survivor, pair) = add(&realm.manager, "survivor").await;

    let raw = realm.connect_raw();
    let (spec, _unused) = proxy_spec("p");
    let mut wrong_type = [
        zx::Event::create().into_handle(),
        spec.remote_channel.unwrap().into_handle(),
        spec.counter.unwrap().into_handle(),
    ];
    raw.write(&add_proxy_message(1, 3), &mut wrong_type).unwrap();
    assert_eq!(epitaph(&raw).await, zx::Status::WRONG_TYPE);

    let raw = realm.connect_raw();
    let (spec, _unused) = proxy_spec("p");
    let read_only = spec
        .container_channel
        .unwrap()
        .replace_handle(zx::Rights::READ | zx::Rights::TRANSFER)
        .unwrap();
    let mut missing_rights = [
        read_only.into_handle(),
        spec.remote_channel.unwrap().into_handle(),
        spec.counter.unwrap().into_handle(),
    ];
    raw.write(&add_proxy_message(1, 3), &mut missing_rights).unwrap();
    assert_eq!(epitaph(&raw).await, zx::Status::ACCESS_DENIED);

    let raw = realm.connect_raw();
    raw.write(&add_proxy_message(1, 0)[..40], &mut []).unwrap();
    assert_eq!(epitaph(&raw).await, zx::Status::INVALID_ARGS);

    let raw = realm.connect_raw();
    raw.write(&request_header(1, WATCH_WAKE_SOURCES_ORDINAL), &mut []).unwrap();
    read_message(&raw).await;
    raw.write(&request_header(2, WATCH_WAKE_SOURCES_ORDINAL), &mut []).unwrap();
    raw.write(&request_header(3, WATCH_WAKE_SOURCES_ORDINAL), &mut []).unwrap();
    assert_eq!(epitaph(&raw).await, zx::Status::BAD_STATE);

    pair.remote.write(b"still proxied", &mut []).unwrap();
    assert_eq!(read_message(&pair.container).await.bytes(), b"still proxied");
    wait_for_active(&realm.manager, &[survivor]).await;
}

#[fuchsia::test]
async fn proxies_survive_their_client_and_serve_several_clients() {
    let realm = Realm::start(Setup::default()).await;
    let first_client = realm.connect();
    let (id, pair) = add(&first_client, "lasting").await;
    drop(first_client);
    pair.remote.write(b"after the client left", &mut []).unwrap();
    assert_eq!(read_message(&pair.container).await.bytes(), b"after the client left");

    let second_client = realm.connect();
    let (_, _other) = add(&second_client, "other").await;
    let request = ProxyManagerRemoveProxyRequest { id: Some(id), ..Default::default() };
    realm.manager.remove_proxy(&request).await.unwrap().unwrap();
}

#[fuchsia::test]
async fn inspect_shows_per_proxy_statistics_wake_sources_and_history() {
    let realm = Realm::start(Setup::default()).await;
    let (id, pair) = add(&realm.manager, "wifi").await;
    pair.remote.write(&[0; 10], &mut [zx::Event::create().into_handle()]).unwrap();
    read_message(&pair.container).await;
    pair.container.write(&[0; 4], &mut []).unwrap();
    read_message(&pair.remote).await;
    let (closed_id, closed) = add(&realm.manager, "short-lived").await;
    drop(closed.remote);
    fasync::OnSignals::new(&closed.container, zx::Signals::CHANNEL_PEER_CLOSED).await.unwrap();
    wait_for_active(&realm.manager, &[id]).await;

    let data = realm.inspect().await;
    let (proxy_key, closed_key) = (&id.to_string(), &closed_id.to_string());
    assert_data_tree!(data.payload.as_ref().unwrap(), root: contains {
        config: {
            max_proxies: 1024u64,
            max_wake_sources: 2048u64,
            max_unhandled_messages: 1024u64,
            linger_limit_ms: 5000u64,
            max_activation_history: 256u64,
            stuck_threshold_ms: 60000u64,
            max_ordinals_per_proxy: 16u64,
        },
        totals: contains { proxies_added: 2u64, proxies_ended: 1u64, live_proxies: 1u64 },
        proxies: {
            var proxy_key: {
                name: "wifi",
                container_channel_koid: NonZeroUintProperty,
                remote_channel_koid: NonZeroUintProperty,
                counter_koid: pair.counter.koid().unwrap().raw_koid(),
                incoming: contains {
                    messages: 1u64, bytes: 10u64, handles: 1u64,
                    methods: contains { non_fidl: { messages: 1u64, bytes: 10u64, activations: 1u64 } },
                },
                outgoing: contains {
                    messages: 1u64, bytes: 4u64, handles: 0u64,
                    methods: contains { non_fidl: { messages: 1u64, bytes: 4u64 } },
                },
                wakes: AnyProperty,
                held_back: false,
                times_held_back: 0u64,
                pending: 1i64,
                created_at_ns: AnyProperty,
                last_message_at_ns: AnyProperty,
            },
        },
        closed_proxies: {
            var closed_key: contains { name: "short-lived", reason: "remote_closed" },
        },
        wake_sources: {
            var proxy_key: contains { name: "wifi", kind: "proxy", active: true },
        },
        "fuchsia.inspect.Health": contains { status: "OK" },
    });
    assert_eq!(
        data.moniker.to_string(),
        format!("realm_builder:{}/proxy_manager", realm.instance.root.child_name())
    );
}

#[fuchsia::test]
async fn the_proxy_thread_asks_for_the_runners_scheduler_role() {
    let (sender, mut requests) = mpsc::unbounded();
    let realm = Realm::start(Setup { role_requests: Some(sender), ..Default::default() }).await;
    assert_eq!(
        requests.next().await,
        Some(("proxy_thread".to_string(), "fuchsia.starnix.runner.proxy".to_string()))
    );
    let (_, pair) = add(&realm.manager, "with role").await;
    pair.remote.write(b"ok", &mut []).unwrap();
    read_message(&pair.container).await;
}

#[fuchsia::test]
async fn destroying_the_realm_stops_the_component_and_closes_its_channels() {
    let realm = Realm::start(Setup::default()).await;
    let (_, pair) = add(&realm.manager, "doomed").await;
    let manager = realm.connect();
    drop(realm);
    fasync::OnSignals::new(&pair.container, zx::Signals::CHANNEL_PEER_CLOSED).await.unwrap();
    fasync::OnSignals::new(&pair.remote, zx::Signals::CHANNEL_PEER_CLOSED).await.unwrap();
    assert!(manager.watch_wake_sources().await.is_err());
}

#[test]
fn configured_wake_source_limits_are_capped_at_the_protocol_maximum() {
    // Also keeps the product library, whose entry point the host launcher resolves
    // #meta/proxy_manager.cm to, linked into this test binary.
    let limits = proxy_manager::config::Limits::new(1, usize::MAX);
    assert_eq!(limits.max_wake_sources, fidl_fuchsia_starnix_proxy::MAX_WAKE_SOURCES as usize);
}

/// Whether Inspect shows proxy `id` held back by backpressure.
async fn held_back(realm: &Realm, id: u64) -> bool {
    let data = realm.inspect().await;
    let key = &id.to_string();
    let held_back = diagnostics_assertions::tree_assertion!(root: contains {
        proxies: contains { var key: contains { held_back: true } },
    });
    held_back.run(data.payload.as_ref().unwrap()).is_ok()
}

#[fuchsia::test]
async fn a_container_that_stops_reading_cannot_make_the_component_overfill_its_channel() {
    // Without backpressure, 4,000 messages from the remote would all be written into the
    // container's channel, and the 3,501st would raise the channel-full policy exception on
    // the proxy thread, stopping the component. With it, the proxy stops at the limit
    // (1,024 by default) and the rest waits in the remote's own channel (2,976 messages,
    // within its 3,500).
    const LIMIT: usize = 1024;
    let realm = Realm::start(Setup::default()).await;
    let (id, flooded) = add(&realm.manager, "flooded").await;
    for _ in 0..3000 {
        flooded.remote.write(&[0; 8], &mut []).unwrap();
    }
    let mut snapshots = 0;
    while !held_back(&realm, id).await {
        snapshots += 1;
        assert!(snapshots < 10_000, "the proxy was never held back");
    }
    for _ in 0..1000 {
        flooded.remote.write(&[0; 8], &mut []).unwrap();
    }

    // The component still serves: a new proxy forwards.
    let (_, other) = add(&realm.manager, "other").await;
    other.remote.write(b"still here", &mut []).unwrap();
    assert_eq!(read_message(&other.container).await.bytes(), b"still here");
    assert_eq!(flooded.counter.read().unwrap(), LIMIT as i64);
    let key = &id.to_string();
    let data = realm.inspect().await;
    assert_data_tree!(data.payload.as_ref().unwrap(), root: contains {
        proxies: contains {
            var key: contains {
                incoming: contains { messages: LIMIT as u64 },
                held_back: true,
                times_held_back: 1u64,
            },
        },
    });

    // The container catches up: forwarding resumes where it stopped.
    let mut buf = zx::MessageBuf::new();
    for _ in 0..LIMIT {
        flooded.container.read(&mut buf).unwrap();
    }
    assert_eq!(flooded.container.read(&mut buf), Err(zx::Status::SHOULD_WAIT));
    flooded.counter.add(-(LIMIT as i64)).unwrap();
    for _ in 0..LIMIT {
        read_message(&flooded.container).await;
    }
    assert_eq!(flooded.counter.read().unwrap(), LIMIT as i64);
}
