// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

use super::{
    Connections, MAX_CONNECTIONS, MAX_IN_FLIGHT_PER_CONNECTION, MAX_REQUESTS_PER_TURN, WatchState,
    handle, serve, serve_all,
};
use crate::config::Limits;
use crate::manager::ProxyManager;
use crate::proxy_thread::{Work, run_proxy_thread};
use fidl::endpoints::{ServerEnd, create_proxy_and_stream};
use fidl_fuchsia_starnix_proxy::{
    ProxyManagerError, ProxyManagerMarker, ProxyManagerProxy, ProxyManagerRemoveProxyRequest,
    ProxyManagerRemoveWakeSourceRequest, ProxyManagerRequestStream, ProxySpec, WakeSourceSpec,
};
use fuchsia_async as fasync;
use futures::StreamExt;
use std::sync::Arc;
use wire::{WATCH_WAKE_SOURCES_ORDINAL, add_proxy_message, epitaph, read_message, request_header};

#[path = "../../tests/support/wire.rs"]
mod wire;

/// A manager with its proxy thread, serving connections as local tasks.
struct Server {
    manager: Arc<ProxyManager>,
    connections: Arc<Connections>,
    /// `None` until a proxy thread is started.
    proxy_thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn new(limits: Limits) -> Server {
        let (server, receiver) = Server::without_proxy_thread(limits);
        Server { proxy_thread: Some(run_proxy_thread(receiver).unwrap()), ..server }
    }

    /// A server whose proxy thread is not started: the work for it waits in the returned
    /// receiver, so nothing that waits for the proxy thread (RemoveProxy) can complete until
    /// the test starts one on it.
    fn without_proxy_thread(limits: Limits) -> (Server, async_channel::Receiver<Work>) {
        let (sender, receiver) = async_channel::unbounded();
        let server = Server {
            manager: Arc::new(ProxyManager::new(limits, sender)),
            connections: Arc::new(Connections::default()),
            proxy_thread: None,
        };
        (server, receiver)
    }

    fn serve(&self, stream: ProxyManagerRequestStream) {
        let manager = Arc::clone(&self.manager);
        let connections = Arc::clone(&self.connections);
        fasync::Task::local(async move { serve(&manager, &connections, stream).await }).detach();
    }

    fn connect(&self) -> ProxyManagerProxy {
        let (proxy, stream) = create_proxy_and_stream::<ProxyManagerMarker>();
        self.serve(stream);
        proxy
    }

    /// A connection whose client end is a raw channel, for hand-made messages.
    fn connect_raw(&self) -> zx::Channel {
        let (client, server) = zx::Channel::create();
        self.serve(ServerEnd::<ProxyManagerMarker>::new(server).into_stream());
        client
    }
}

/// The far ends of a proxied pair, and the spec that proxies them.
struct Peers {
    container: zx::Channel,
    remote: zx::Channel,
    counter: zx::Counter,
}

fn spec(name: &str) -> (ProxySpec, Peers) {
    let (container, container_channel) = zx::Channel::create();
    let (remote_channel, remote) = zx::Channel::create();
    let counter = zx::Counter::create();
    let peer_counter = counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    (
        ProxySpec {
            name: Some(name.to_string()),
            container_channel: Some(container_channel),
            remote_channel: Some(remote_channel),
            counter: Some(counter),
            ..Default::default()
        },
        Peers { container, remote, counter: peer_counter },
    )
}

#[fuchsia::test]
async fn add_proxy_forwards_traffic_and_remove_proxy_drains_it() {
    let server = Server::new(Limits::default());
    let client = server.connect();
    let (spec, peers) = spec("wifi");
    let id = client.add_proxy(spec).await.unwrap().unwrap().id.unwrap();
    peers.remote.write(b"in", &mut []).unwrap();
    assert_eq!(read_message(&peers.container).await.bytes(), b"in");
    assert_eq!(peers.counter.read().unwrap(), 1);
    peers.container.write(b"out", &mut []).unwrap();
    assert_eq!(read_message(&peers.remote).await.bytes(), b"out");

    peers.remote.write(b"queued", &mut []).unwrap();
    let request = ProxyManagerRemoveProxyRequest { id: Some(id), ..Default::default() };
    client.remove_proxy(&request).await.unwrap().unwrap();
    assert_eq!(read_message(&peers.container).await.bytes(), b"queued");
    let mut buf = zx::MessageBuf::new();
    assert_eq!(peers.container.read(&mut buf), Err(zx::Status::PEER_CLOSED));
    assert_eq!(client.remove_proxy(&request).await.unwrap(), Err(ProxyManagerError::NotFound));
}

#[fuchsia::test]
async fn every_missing_field_is_invalid_args() {
    let server = Server::new(Limits::default());
    let client = server.connect();
    let strip: [fn(&mut ProxySpec); 4] = [
        |s| s.name = None,
        |s| s.container_channel = None,
        |s| s.remote_channel = None,
        |s| s.counter = None,
    ];
    for strip in strip {
        let (mut spec, _peers) = spec("p");
        strip(&mut spec);
        assert_eq!(client.add_proxy(spec).await.unwrap(), Err(ProxyManagerError::InvalidArgs));
    }
    let event = zx::Event::create();
    let full = || WakeSourceSpec {
        name: Some("w".to_string()),
        handle: Some(event.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap().into()),
        signals: Some(zx::Signals::USER_0.bits()),
        ..Default::default()
    };
    let strip: [fn(&mut WakeSourceSpec); 3] =
        [|s| s.name = None, |s| s.handle = None, |s| s.signals = None];
    for strip in strip {
        let mut spec = full();
        strip(&mut spec);
        assert_eq!(
            client.add_wake_source(spec).await.unwrap(),
            Err(ProxyManagerError::InvalidArgs)
        );
    }
    let no_id = ProxyManagerRemoveProxyRequest::default();
    assert_eq!(client.remove_proxy(&no_id).await.unwrap(), Err(ProxyManagerError::InvalidArgs));
    let no_id = ProxyManagerRemoveWakeSourceRequest::default();
    assert_eq!(
        client.remove_wake_source(&no_id).await.unwrap(),
        Err(ProxyManagerError::InvalidArgs)
    );
    assert!(server.manager.live_proxies().is_empty());
    assert!(server.manager.wake_sources().is_empty());
}

#[fuchsia::test]
async fn refusals_map_to_their_errors() {
    let server = Server::new(Limits::new(1, 2));
    let client = server.connect();
    let (first, peers) = spec("first");
    client.add_proxy(first).await.unwrap().unwrap();
    let (second, _) = spec("second");
    assert_eq!(client.add_proxy(second).await.unwrap(), Err(ProxyManagerError::LimitReached));
    let counter_again = WakeSourceSpec {
        name: Some("again".to_string()),
        handle: Some(peers.counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap().into()),
        signals: Some(zx::Signals::COUNTER_POSITIVE.bits()),
        ..Default::default()
    };
    assert_eq!(
        client.add_wake_source(counter_again).await.unwrap(),
        Err(ProxyManagerError::AlreadyRegistered)
    );
    let empty = WakeSourceSpec {
        name: Some("empty".to_string()),
        handle: Some(zx::Event::create().into_handle()),
        signals: Some(0),
        ..Default::default()
    };
    assert_eq!(client.add_wake_source(empty).await.unwrap(), Err(ProxyManagerError::InvalidArgs));
    let unknown = ProxyManagerRemoveWakeSourceRequest { id: Some(999), ..Default::default() };
    assert_eq!(
        client.remove_wake_source(&unknown).await.unwrap(),
        Err(ProxyManagerError::NotFound)
    );
}

#[fuchsia::test]
async fn the_watch_answers_at_once_then_on_change_with_a_resume_reason() {
    let server = Server::new(Limits::default());
    let client = server.connect();
    let first = client.watch_wake_sources().await.unwrap();
    assert_eq!(first.active, Some(vec![]));
    assert_eq!(first.resume_reason.as_deref(), Some(""));

    let (spec, peers) = spec("wifi");
    let id = client.add_proxy(spec).await.unwrap().unwrap().id.unwrap();
    let change = client.watch_wake_sources();
    peers.remote.write(b"wake", &mut []).unwrap();
    let active = change.await.unwrap();
    assert_eq!(active.active, Some(vec![id]));
    assert_eq!(active.resume_reason.as_deref(), Some("wifi"));

    let change = client.watch_wake_sources();
    read_message(&peers.container).await;
    peers.counter.add(-1).unwrap();
    assert_eq!(change.await.unwrap().active, Some(vec![]));
}

#[fuchsia::test]
async fn a_second_pending_watch_closes_only_that_connection() {
    let server = Server::new(Limits::default());
    let raw = server.connect_raw();
    let other = server.connect();
    let watch = |txid: u32| request_header(txid, WATCH_WAKE_SOURCES_ORDINAL);
    raw.write(&watch(1), &mut []).unwrap();
    read_message(&raw).await;
    raw.write(&watch(2), &mut []).unwrap();
    raw.write(&watch(3), &mut []).unwrap();
    assert_eq!(epitaph(&raw).await, zx::Status::BAD_STATE);
    assert_eq!(other.watch_wake_sources().await.unwrap().active, Some(vec![]));
}

#[fuchsia::test]
async fn a_hand_made_request_is_accepted_byte_for_byte() {
    let server = Server::new(Limits::default());
    let raw = server.connect_raw();
    let (spec, _peers) = spec("p");
    let mut handles = [
        spec.container_channel.unwrap().into_handle(),
        spec.remote_channel.unwrap().into_handle(),
        spec.counter.unwrap().into_handle(),
    ];
    raw.write(&add_proxy_message(7, 3), &mut handles).unwrap();
    let reply = read_message(&raw).await;
    assert_eq!(&reply.bytes()[..4], 7u32.to_le_bytes());
    assert_eq!(server.manager.live_proxies().len(), 1);
}

#[fuchsia::test]
async fn a_wrong_handle_type_closes_the_connection_with_wrong_type() {
    let server = Server::new(Limits::default());
    let raw = server.connect_raw();
    let other = server.connect();
    let (spec, _peers) = spec("p");
    let mut handles = [
        zx::Event::create().into_handle(),
        spec.remote_channel.unwrap().into_handle(),
        spec.counter.unwrap().into_handle(),
    ];
    raw.write(&add_proxy_message(7, 3), &mut handles).unwrap();
    assert_eq!(epitaph(&raw).await, zx::Status::WRONG_TYPE);
    assert!(server.manager.live_proxies().is_empty());
    assert_eq!(other.watch_wake_sources().await.unwrap().active, Some(vec![]));
}

#[fuchsia::test]
async fn missing_rights_close_the_connection_with_access_denied() {
    let server = Server::new(Limits::default());
    let raw = server.connect_raw();
    let (spec, _peers) = spec("p");
    let read_only = spec
        .container_channel
        .unwrap()
        .replace_handle(zx::Rights::READ | zx::Rights::WAIT | zx::Rights::TRANSFER)
        .unwrap();
    let mut handles = [
        read_only.into_handle(),
        spec.remote_channel.unwrap().into_handle(),
        spec.counter.unwrap().into_handle(),
    ];
    raw.write(&add_proxy_message(7, 3), &mut handles).unwrap();
    assert_eq!(epitaph(&raw).await, zx::Status::ACCESS_DENIED);
    assert!(server.manager.live_proxies().is_empty());
}

#[fuchsia::test]
async fn a_malformed_request_closes_the_connection_with_invalid_args() {
    let server = Server::new(Limits::default());
    let raw = server.connect_raw();
    let mut truncated = add_proxy_message(7, 0);
    truncated.truncate(truncated.len() - 8);
    raw.write(&truncated, &mut []).unwrap();
    assert_eq!(epitaph(&raw).await, zx::Status::INVALID_ARGS);

    let raw = server.connect_raw();
    let mut bad_padding = add_proxy_message(7, 0);
    let last = bad_padding.len() - 1;
    bad_padding[last] = 1;
    raw.write(&bad_padding, &mut []).unwrap();
    assert_eq!(epitaph(&raw).await, zx::Status::INVALID_ARGS);
}

#[fuchsia::test]
async fn proxies_outlive_the_connection_that_added_them() {
    let server = Server::new(Limits::default());
    let client = server.connect();
    let (lasting, peers) = spec("lasting");
    client.add_proxy(lasting).await.unwrap().unwrap();
    drop(client);
    peers.remote.write(b"still here", &mut []).unwrap();
    assert_eq!(read_message(&peers.container).await.bytes(), b"still here");
    let other = server.connect();
    let (another, _another_peers) = spec("another");
    assert!(other.add_proxy(another).await.unwrap().is_ok());
    assert_eq!(server.manager.live_proxies().len(), 2);
}

#[fuchsia::test]
async fn unknown_flexible_methods_get_a_framework_error_and_the_connection_stays() {
    let server = Server::new(Limits::default());
    let raw = server.connect_raw();
    let unknown = request_header(9, 0x1234_5678_9abc_def0);
    raw.write(&unknown, &mut []).unwrap();
    let reply = read_message(&raw).await;
    assert_eq!(&reply.bytes()[..4], 9u32.to_le_bytes());
    assert_eq!(&reply.bytes()[8..16], 0x1234_5678_9abc_def0_u64.to_le_bytes());
    let watch = request_header(10, WATCH_WAKE_SOURCES_ORDINAL);
    raw.write(&watch, &mut []).unwrap();
    assert_eq!(&read_message(&raw).await.bytes()[..4], 10u32.to_le_bytes());
}

/// A header of a two-way request as `request_header`, but strict (no FLEXIBLE flag).
fn strict_header(txid: u32, ordinal: u64) -> Vec<u8> {
    let mut header = request_header(txid, ordinal);
    header[6] = 0;
    header
}

#[fuchsia::test]
async fn every_malformed_header_gets_an_epitaph_and_others_are_still_served() {
    let server = Server::new(Limits::default());
    let other = server.connect();
    let with = |mut bytes: Vec<u8>, index: usize, value: u8| {
        bytes[index] = value;
        bytes
    };
    let mut client_epitaph = strict_header(0, u64::MAX);
    client_epitaph.extend([0; 8]);
    let cases = [
        ("empty", vec![]),
        ("short", vec![2; 15]),
        ("random", vec![0x5e, 0x1f, 0xa7, 0x03, 0xc4, 0x99, 0x41, 0x27, 0xd0, 0x0b, 0x7e, 0x6a]),
        ("wrong magic", with(add_proxy_message(7, 0), 7, 2)),
        ("no v2 flag", with(add_proxy_message(7, 0), 4, 0)),
        ("txid 0 on a two-way method", add_proxy_message(0, 0)),
        ("unknown strict ordinal", strict_header(8, 0x1234_5678_9abc_def0)),
        ("client-sent epitaph", client_epitaph),
    ];
    for (what, bytes) in cases {
        let raw = server.connect_raw();
        raw.write(&bytes, &mut []).unwrap();
        assert_eq!(epitaph(&raw).await, zx::Status::INVALID_ARGS, "{what}");
        let (spec, _peers) = spec(what);
        assert!(other.add_proxy(spec).await.unwrap().is_ok(), "{what}");
    }
    assert_eq!(server.manager.totals().proxies_added, 8);
}

/// A spammer pipelines requests back to back; a quiet client already connected, and a
/// client that connects while the spammer is being served, each get their AddProxy
/// answered after a bounded number of the spammer's requests. Work, not time, is measured:
/// ids are handed out in the order requests are served, so the spammer's ids below the
/// quiet proxy's id are the spammer requests served before the quiet one.
#[fuchsia::test]
async fn a_spammer_cannot_hold_off_another_connection_by_more_than_bounded_work() {
    const SPAM: usize = 3000;
    let server = Server::new(Limits::new(4096, 4096));
    let (connections, incoming) = futures::channel::mpsc::unbounded();
    let manager = Arc::clone(&server.manager);
    let shared = Arc::clone(&server.connections);
    fasync::Task::local(async move { serve_all(&manager, &shared, incoming).await }).detach();
    let connect = || {
        let (proxy, stream) = create_proxy_and_stream::<ProxyManagerMarker>();
        connections.unbounded_send(stream).unwrap();
        proxy
    };
    let spammer = connect();
    let spam: Vec<_> = (0..SPAM)
        .map(|i| {
            spammer.add_wake_source(WakeSourceSpec {
                name: Some(format!("spam{i}")),
                handle: Some(zx::Event::create().into_handle()),
                signals: Some(zx::Signals::USER_0.bits()),
                ..Default::default()
            })
        })
        .collect();
    let quiet = connect();
    let (quiet_spec, _quiet_peers) = spec("quiet");
    let quiet_id = quiet.add_proxy(quiet_spec).await.unwrap().unwrap().id.unwrap();

    // A new connection while the spammer still has requests queued: the test runs on the
    // server's executor, so nothing is served between this count and the request.
    let served_before_late = server.manager.totals().wake_sources_added as usize;
    let late = connect();
    let (late_spec, _late_peers) = spec("late");
    let late_id = late.add_proxy(late_spec).await.unwrap().unwrap().id.unwrap();

    let spam_ids: Vec<u64> = futures::future::join_all(spam)
        .await
        .into_iter()
        .map(|reply| reply.unwrap().unwrap().id.unwrap())
        .collect();
    let before_quiet = spam_ids.iter().filter(|id| **id < quiet_id).count();
    let before_late = spam_ids.iter().filter(|id| **id < late_id).count() - served_before_late;
    println!(
        "fairness: {SPAM} pipelined spammer requests; served before the quiet reply: \
         {before_quiet}; after a new connection's request and before its reply: {before_late}"
    );
    // An open connection waits for at most one turn of each other connection (plus the one
    // under way); a new one first waits to be accepted and spawned, then to be served.
    assert!(before_quiet <= 2 * MAX_REQUESTS_PER_TURN, "{before_quiet} before the quiet reply");
    assert!(before_late <= 4 * MAX_REQUESTS_PER_TURN, "{before_late} before the late reply");
}

#[fuchsia::test]
async fn the_watch_tells_what_woke_each_active_source_and_answers_when_it_becomes_known() {
    let server = Server::new(Limits::default());
    let client = server.connect();
    let sources = server.manager.wake_sources();
    let kind = crate::wake_sources::WakeSourceKind::Handle;
    let a = sources.register("a", zx::Koid::from_raw(1), zx::Signals::USER_0, kind).unwrap();
    let b = sources.register("b", zx::Koid::from_raw(2), zx::Signals::USER_0, kind).unwrap();
    sources.set_active(a, true);
    sources.set_active_with_ordinal(b, true, Some(0x77));
    let state = client.watch_wake_sources().await.unwrap();
    let details: Vec<_> =
        state.active_sources.unwrap().into_iter().map(|s| (s.id, s.ordinal)).collect();
    assert_eq!(details, vec![(Some(a), None), (Some(b), Some(0x77))]);

    let change = client.watch_wake_sources();
    sources.set_active_with_ordinal(a, true, Some(0x66));
    let details: Vec<_> =
        change.await.unwrap().active_sources.unwrap().into_iter().map(|s| s.ordinal).collect();
    assert_eq!(details, vec![Some(0x66), Some(0x77)]);
}

#[fuchsia::test]
async fn the_largest_watch_reply_fits_in_a_channel_message() {
    let max = fidl_fuchsia_starnix_proxy::MAX_WAKE_SOURCES as usize;
    let server = Server::new(Limits::new(1, max));
    let sources = server.manager.wake_sources();
    let long_name = "n".repeat(fidl_fuchsia_starnix_proxy::MAX_NAME_LENGTH as usize);
    let kind = crate::wake_sources::WakeSourceKind::Proxy;
    for n in 1..=max as u64 {
        let id = sources.register(&long_name, zx::Koid::from_raw(n), zx::Signals::USER_0, kind);
        sources.set_active_with_ordinal(id.unwrap(), true, Some(u64::MAX - n));
    }
    let state = server.connect().watch_wake_sources().await.unwrap();
    assert_eq!(state.active.unwrap().len(), max);
    assert_eq!(
        state.active_sources.unwrap().len(),
        fidl_fuchsia_starnix_proxy::MAX_ACTIVE_SOURCE_DETAILS as usize
    );
    assert_eq!(
        state.resume_reason.unwrap().len(),
        fidl_fuchsia_starnix_proxy::MAX_RESUME_REASON_LENGTH as usize
    );
}

/// A client pipelines far more RemoveProxy calls than the bound while none can complete (the
/// proxy thread is not running yet): the connection takes exactly
/// `MAX_IN_FLIGHT_PER_CONNECTION` of them and leaves the rest in its channel, another
/// connection is served meanwhile, and once the proxy thread runs every call is answered,
/// each with its own outcome, the bound never exceeded.
#[fuchsia::test]
async fn a_connection_has_at_most_the_bound_in_progress_and_every_request_is_answered() {
    const PROXIES: usize = 6 * MAX_IN_FLIGHT_PER_CONNECTION;
    let (mut server, work) = Server::without_proxy_thread(Limits::new(PROXIES, PROXIES));
    let client = server.connect();
    let mut ids = Vec::new();
    let mut peers = Vec::new();
    for n in 0..PROXIES {
        let (spec, peer) = spec(&format!("p{n}"));
        ids.push(client.add_proxy(spec).await.unwrap().unwrap().id.unwrap());
        peers.push(peer);
    }
    // Each proxy's removal, then one of an id that does not exist, which completes at once.
    let removals: Vec<_> = ids
        .iter()
        .flat_map(|id| [*id, id + 1_000_000])
        .map(|id| {
            let request = ProxyManagerRemoveProxyRequest { id: Some(id), ..Default::default() };
            client.remove_proxy(&request)
        })
        .collect();
    while server.connections.max_in_flight() < MAX_IN_FLIGHT_PER_CONNECTION {
        fasync::yield_now().await;
    }
    let other = server.connect();
    assert_eq!(other.watch_wake_sources().await.unwrap().active, Some(vec![]));
    assert_eq!(server.manager.live_proxies().len(), PROXIES, "no removal has completed");

    assert!(
        server.manager.totals().requests_rejected <= MAX_IN_FLIGHT_PER_CONNECTION as u64,
        "the requests after the bound wait unread in the channel"
    );

    server.proxy_thread = Some(run_proxy_thread(work).unwrap());
    let replies = futures::future::join_all(removals).await;
    for (n, reply) in replies.into_iter().enumerate() {
        let expected = if n % 2 == 0 { Ok(()) } else { Err(ProxyManagerError::NotFound) };
        assert_eq!(reply.unwrap(), expected, "request {n}");
    }
    assert!(server.manager.live_proxies().is_empty());
    assert_eq!(server.connections.max_in_flight(), MAX_IN_FLIGHT_PER_CONNECTION);
    for peer in &peers {
        let mut buf = zx::MessageBuf::new();
        assert_eq!(peer.container.read(&mut buf), Err(zx::Status::PEER_CLOSED));
    }
}

/// The memory ARCHITECTURE states per in-flight request: the request's future, held in the
/// connection's `FuturesUnordered` until it completes, is at most 512 bytes (496 measured).
#[fuchsia::test]
async fn an_in_flight_request_future_is_at_most_512_bytes() {
    let server = Server::new(Limits::default());
    let (client, mut stream) = create_proxy_and_stream::<ProxyManagerMarker>();
    let _reply = client.remove_proxy(&ProxyManagerRemoveProxyRequest::default());
    let request = stream.next().await.unwrap().unwrap();
    let watch = WatchState::default();
    let future = handle(&server.manager, &server.connections, &watch, request);
    let bytes = std::mem::size_of_val(&future);
    println!("an in-flight request's future: {bytes} bytes");
    assert!(bytes <= 512, "{bytes} bytes");
}

#[fuchsia::test]
async fn connections_beyond_the_bound_are_closed_with_no_resources_until_one_ends() {
    let server = Server::new(Limits::new(8, 16));
    let (incoming, streams) = futures::channel::mpsc::unbounded();
    let manager = Arc::clone(&server.manager);
    let shared = Arc::clone(&server.connections);
    fasync::Task::local(async move { serve_all(&manager, &shared, streams).await }).detach();
    let connect = || {
        let (client, server_end) = zx::Channel::create();
        incoming
            .unbounded_send(ServerEnd::<ProxyManagerMarker>::new(server_end).into_stream())
            .unwrap();
        client
    };
    // Each connection is answered once served, so all of them are counted in when it is.
    let mut open = Vec::new();
    for txid in 1..=MAX_CONNECTIONS as u32 {
        let client = connect();
        client.write(&request_header(txid, WATCH_WAKE_SOURCES_ORDINAL), &mut []).unwrap();
        read_message(&client).await;
        open.push(client);
    }
    assert_eq!(server.connections.live(), MAX_CONNECTIONS);

    let refused = connect();
    assert_eq!(epitaph(&refused).await, zx::Status::NO_RESOURCES);
    assert_eq!(server.connections.refused(), 1);
    assert_eq!(server.connections.live(), MAX_CONNECTIONS);

    // One ends: its task counts it out, and a new connection is served again.
    drop(open.pop());
    while server.connections.live() == MAX_CONNECTIONS {
        fasync::yield_now().await;
    }
    let admitted = connect();
    admitted.write(&request_header(1, WATCH_WAKE_SOURCES_ORDINAL), &mut []).unwrap();
    read_message(&admitted).await;
    assert_eq!((server.connections.live(), server.connections.refused()), (MAX_CONNECTIONS, 1));
}
