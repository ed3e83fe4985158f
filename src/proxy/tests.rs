// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

use super::{
    BounceBuffers, ChannelProxy, ForwardError, Forwarded, MAX_BATCH, MAX_DRAIN_ON_STOP, ProxyEnd,
    ProxyRegistration, StopSignal, WakeAttribution, fasync, forward_message, start_proxy,
};
use crate::method_stats::{MessageKind, MethodTotals, TrafficTotals};
use crate::proxy_stats::{DirectionTotals, ProxyStats};
use crate::wake_sources::{WakeSourceKind, WakeSources};
use std::mem::MaybeUninit;
use std::rc::Rc;
use std::sync::Arc;
use zx::Peered;

fn run_proxy_for_test(proxy: ChannelProxy) -> fasync::Task<ProxyEnd> {
    fasync::Task::local(start_proxy(
        proxy,
        ProxyRegistration::default(),
        Rc::new(BounceBuffers::new()),
    ))
}

/// The container's and the remote's ends of a proxied pair, the container's counter
/// handle, and the proxy task.
struct Harness {
    container: zx::Channel,
    remote: zx::Channel,
    counter: zx::Counter,
    task: fasync::Task<ProxyEnd>,
}

fn proxied_pair() -> Harness {
    proxied_pair_with(|_| ProxyRegistration::default())
}

/// Starts a proxy of fresh channels and counter, registered as `register` decides (given
/// the counter's koid).
fn proxied_pair_with(register: impl FnOnce(zx::Koid) -> ProxyRegistration) -> Harness {
    let (container, container_channel) = zx::Channel::create();
    let (remote_channel, remote) = zx::Channel::create();
    let message_counter = zx::Counter::create();
    let counter = message_counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    let registration = register(counter.koid().unwrap());
    let task = fasync::Task::local(start_proxy(
        ChannelProxy { container_channel, remote_channel, message_counter, name: "p".to_string() },
        registration,
        Rc::new(BounceBuffers::new()),
    ));
    Harness { container, remote, counter, task }
}

async fn read_message(channel: &zx::Channel) -> zx::MessageBuf {
    fasync::OnSignals::new(channel, zx::Signals::CHANNEL_READABLE).await.unwrap();
    let mut buf = zx::MessageBuf::new();
    channel.read(&mut buf).unwrap();
    buf
}

// The seed's four tests.

#[fuchsia::test]
async fn test_peer_closed_kernel() {
    let (local_client, local_server) = zx::Channel::create();
    let (remote_client, remote_server) = zx::Channel::create();
    let message_counter = zx::Counter::create();

    let channel_proxy = ChannelProxy {
        container_channel: local_server,
        remote_channel: remote_client,
        message_counter,
        name: "test".to_string(),
    };
    let _task = run_proxy_for_test(channel_proxy);

    std::mem::drop(local_client);

    fasync::OnSignals::new(remote_server, zx::Signals::CHANNEL_PEER_CLOSED).await.unwrap();
}

#[fuchsia::test]
async fn test_peer_closed_remote() {
    let (local_client, local_server) = zx::Channel::create();
    let (remote_client, remote_server) = zx::Channel::create();
    let message_counter = zx::Counter::create();

    let channel_proxy = ChannelProxy {
        container_channel: local_server,
        remote_channel: remote_client,
        message_counter,
        name: "test".to_string(),
    };
    let _task = run_proxy_for_test(channel_proxy);

    std::mem::drop(remote_server);

    fasync::OnSignals::new(local_client, zx::Signals::CHANNEL_PEER_CLOSED).await.unwrap();
}

#[fuchsia::test]
async fn test_counter_sequential() {
    let (_local_client, local_server) = zx::Channel::create();
    let (remote_client, remote_server) = zx::Channel::create();
    let message_counter = zx::Counter::create();
    let local_message_counter = message_counter
        .duplicate_handle(zx::Rights::SAME_RIGHTS)
        .expect("Failed to duplicate counter");

    let channel_proxy = ChannelProxy {
        container_channel: local_server,
        remote_channel: remote_client,
        message_counter,
        name: "test".to_string(),
    };
    let _task = run_proxy_for_test(channel_proxy);

    fasync::OnSignals::new(&local_message_counter, zx::Signals::COUNTER_NON_POSITIVE)
        .await
        .unwrap();
    assert!(remote_server.write(&[0x0, 0x1, 0x2], &mut []).is_ok());
    fasync::OnSignals::new(&local_message_counter, zx::Signals::COUNTER_POSITIVE).await.unwrap();

    local_message_counter.add(-1).expect("Failed add");
    fasync::OnSignals::new(&local_message_counter, zx::Signals::COUNTER_NON_POSITIVE)
        .await
        .unwrap();
    assert!(remote_server.write(&[0x0, 0x1, 0x2], &mut []).is_ok());
    fasync::OnSignals::new(&local_message_counter, zx::Signals::COUNTER_POSITIVE).await.unwrap();
}

#[fuchsia::test]
async fn test_counter_multiple() {
    let (_local_client, local_server) = zx::Channel::create();
    let (remote_client, remote_server) = zx::Channel::create();
    let message_counter = zx::Counter::create();
    let local_message_counter = message_counter
        .duplicate_handle(zx::Rights::SAME_RIGHTS)
        .expect("Failed to duplicate counter");

    let channel_proxy = ChannelProxy {
        container_channel: local_server,
        remote_channel: remote_client,
        message_counter,
        name: "test".to_string(),
    };
    let _task = run_proxy_for_test(channel_proxy);

    assert!(remote_server.write(&[0x0, 0x1, 0x2], &mut []).is_ok());
    assert!(remote_server.write(&[0x0, 0x1, 0x2], &mut []).is_ok());
    assert!(remote_server.write(&[0x0, 0x1, 0x2], &mut []).is_ok());
    fasync::OnSignals::new(&local_message_counter, zx::Signals::COUNTER_POSITIVE).await.unwrap();
    assert_eq!(local_message_counter.read().expect("Failed to read counter"), 3);
}

// The seed's defects, each fixed and tested.

#[fuchsia::test]
async fn messages_queued_before_the_remote_closes_all_reach_the_container() {
    let h = proxied_pair();
    let event = zx::Event::create();
    let event_koid = event.koid().unwrap();
    h.remote.write(b"one", &mut []).unwrap();
    h.remote.write(b"two", &mut [event.into_handle()]).unwrap();
    h.remote.write(b"three", &mut []).unwrap();
    drop(h.remote);

    assert_eq!(h.task.await, ProxyEnd::RemoteClosed);
    let mut buf = zx::MessageBuf::new();
    h.container.read(&mut buf).unwrap();
    assert_eq!(buf.bytes(), b"one");
    h.container.read(&mut buf).unwrap();
    assert_eq!(buf.bytes(), b"two");
    assert_eq!(buf.take_handle(0).unwrap().koid().unwrap(), event_koid);
    h.container.read(&mut buf).unwrap();
    assert_eq!(buf.bytes(), b"three");
    assert_eq!(h.container.read(&mut buf), Err(zx::Status::PEER_CLOSED));
    assert_eq!(h.counter.read().unwrap(), 3);
}

#[fuchsia::test]
async fn messages_queued_before_the_container_closes_all_reach_the_remote() {
    let h = proxied_pair();
    for i in 0..(MAX_BATCH * 3) as u32 {
        h.container.write(&i.to_le_bytes(), &mut []).unwrap();
    }
    drop(h.container);

    assert_eq!(h.task.await, ProxyEnd::ContainerClosed);
    let mut buf = zx::MessageBuf::new();
    for i in 0..(MAX_BATCH * 3) as u32 {
        h.remote.read(&mut buf).unwrap();
        assert_eq!(buf.bytes(), i.to_le_bytes());
    }
    assert_eq!(h.remote.read(&mut buf), Err(zx::Status::PEER_CLOSED));
    assert_eq!(h.counter.read().unwrap(), 0, "outgoing messages are not counted");
}

#[fuchsia::test]
async fn a_failed_write_into_the_container_undoes_the_increment() {
    let (_container, container_channel) = zx::Channel::create();
    let read_only = container_channel
        .replace_handle(zx::Rights::READ | zx::Rights::WAIT | zx::Rights::TRANSFER)
        .unwrap();
    let (remote_channel, remote) = zx::Channel::create();
    let message_counter = zx::Counter::create();
    let counter = message_counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    let task = run_proxy_for_test(ChannelProxy {
        container_channel: read_only,
        remote_channel,
        message_counter,
        name: "read-only".to_string(),
    });
    remote.write(b"undeliverable", &mut []).unwrap();

    assert_eq!(task.await, ProxyEnd::Failed(ForwardError::Write(zx::Status::ACCESS_DENIED)));
    assert_eq!(counter.read().unwrap(), 0);
}

#[fuchsia::test]
async fn a_counter_that_cannot_be_incremented_does_not_stop_forwarding() {
    let (container, container_channel) = zx::Channel::create();
    let (remote_channel, remote) = zx::Channel::create();
    let counter = zx::Counter::create();
    let read_only_counter = counter.duplicate_handle(zx::Rights::READ | zx::Rights::WAIT).unwrap();
    let _task = run_proxy_for_test(ChannelProxy {
        container_channel,
        remote_channel,
        message_counter: read_only_counter,
        name: "uncountable".to_string(),
    });
    remote.write(b"still delivered", &mut []).unwrap();
    assert_eq!(read_message(&container).await.bytes(), b"still delivered");
    assert_eq!(counter.read().unwrap(), 0);
}

#[fuchsia::test]
async fn an_invalid_counter_is_logged_not_a_panic() {
    let (container, container_channel) = zx::Channel::create();
    let (remote_channel, remote) = zx::Channel::create();
    let task = run_proxy_for_test(ChannelProxy {
        container_channel,
        remote_channel,
        message_counter: zx::Counter::from(zx::NullableHandle::invalid()),
        name: "no-counter".to_string(),
    });
    remote.write(b"hello", &mut []).unwrap();
    assert_eq!(read_message(&container).await.bytes(), b"hello");
    drop(remote);
    assert_eq!(task.await, ProxyEnd::RemoteClosed);
}

#[fuchsia::test]
async fn the_counter_is_incremented_before_the_container_can_read() {
    let h = proxied_pair();
    for _ in 0..100 {
        h.remote.write(b"m", &mut []).unwrap();
    }
    for _ in 0..100 {
        read_message(&h.container).await;
        assert!(h.counter.read().unwrap() >= 1, "a readable message is always counted");
        h.counter.add(-1).unwrap();
    }
    assert_eq!(h.counter.read().unwrap(), 0);
}

#[fuchsia::test]
async fn a_busy_proxy_does_not_starve_a_quiet_one() {
    const BUSY_MESSAGES: usize = 20 * MAX_BATCH;
    let busy = proxied_pair();
    let quiet = proxied_pair();
    for _ in 0..BUSY_MESSAGES {
        busy.remote.write(b"busy", &mut []).unwrap();
    }
    quiet.remote.write(b"quiet", &mut []).unwrap();

    // The observer is a task like the proxies, scheduled as fairly as they are.
    let observer = fasync::Task::local(async move {
        assert_eq!(read_message(&quiet.container).await.bytes(), b"quiet");
        let mut delivered_so_far = 0;
        let mut buf = zx::MessageBuf::new();
        while busy.container.read(&mut buf).is_ok() {
            delivered_so_far += 1;
        }
        delivered_so_far
    });
    let delivered_so_far = observer.await;
    assert!(
        delivered_so_far < BUSY_MESSAGES,
        "the quiet message waited for all {BUSY_MESSAGES} busy ones"
    );
}

#[fuchsia::test]
async fn a_channel_sent_through_the_proxy_still_works_end_to_end() {
    let h = proxied_pair();
    let (near, far) = zx::Channel::create();
    h.remote.write(b"take this", &mut [far.into_handle()]).unwrap();
    let mut buf = read_message(&h.container).await;
    let far = zx::Channel::from(buf.take_handle(0).unwrap());
    far.write(b"through", &mut []).unwrap();
    assert_eq!(read_message(&near).await.bytes(), b"through");
    drop(far);
    assert!(near.is_closed().unwrap());
}

#[fuchsia::test]
async fn replies_from_the_container_reach_the_remote_uncounted() {
    let h = proxied_pair();
    h.container.write(b"reply", &mut []).unwrap();
    assert_eq!(read_message(&h.remote).await.bytes(), b"reply");
    assert_eq!(h.counter.read().unwrap(), 0);
}

/// A proxy registered as wake source `id` in `wake_sources`, with its stats and stop switch.
struct Registered {
    harness: Harness,
    id: u64,
    wake_sources: Arc<WakeSources>,
    stats: Arc<ProxyStats>,
    stop: futures::channel::oneshot::Sender<()>,
}

fn registered_proxy() -> Registered {
    let wake_sources = Arc::new(WakeSources::new(8));
    let stats = Arc::new(ProxyStats::default());
    let (stop, stop_signal) = StopSignal::new();
    let mut id = 0;
    let harness = proxied_pair_with(|koid| {
        id = wake_sources
            .register("p", koid, zx::Signals::COUNTER_POSITIVE, WakeSourceKind::Proxy)
            .unwrap();
        ProxyRegistration {
            wake_sources: Arc::clone(&wake_sources),
            wake_source: Some(id),
            stats: Arc::clone(&stats),
            stop: stop_signal,
            ..ProxyRegistration::default()
        }
    });
    Registered { harness, id, wake_sources, stats, stop }
}

#[fuchsia::test]
async fn the_wake_source_follows_the_counter_and_goes_when_the_proxy_ends() {
    let Registered { harness: h, id, wake_sources, stats, stop: _stop } = registered_proxy();
    h.remote.write(b"wake up", &mut []).unwrap();
    read_message(&h.container).await;
    let active = wake_sources.next_change(&Default::default()).await;
    assert_eq!(active.ids, vec![id]);
    h.counter.add(-1).unwrap();
    assert!(wake_sources.next_change(&active).await.ids.is_empty());
    assert_eq!(stats.wakes(), 1);

    drop(h.container);
    assert_eq!(h.task.await, ProxyEnd::ContainerClosed);
    assert!(wake_sources.is_empty());
}

#[fuchsia::test]
async fn a_stopped_proxy_delivers_what_is_queued_then_closes() {
    let Registered { harness: h, wake_sources, stop, .. } = registered_proxy();
    for i in 0..(MAX_BATCH * 2) as u32 {
        h.remote.write(&i.to_le_bytes(), &mut []).unwrap();
        h.container.write(&i.to_le_bytes(), &mut []).unwrap();
    }
    stop.send(()).unwrap();
    assert_eq!(h.task.await, ProxyEnd::Stopped);
    let mut buf = zx::MessageBuf::new();
    for i in 0..(MAX_BATCH * 2) as u32 {
        h.container.read(&mut buf).unwrap();
        assert_eq!(buf.bytes(), i.to_le_bytes());
        h.remote.read(&mut buf).unwrap();
        assert_eq!(buf.bytes(), i.to_le_bytes());
    }
    assert_eq!(h.container.read(&mut buf), Err(zx::Status::PEER_CLOSED));
    assert_eq!(h.remote.read(&mut buf), Err(zx::Status::PEER_CLOSED));
    assert_eq!(h.counter.read().unwrap(), (MAX_BATCH * 2) as i64);
    // The delivered messages are unhandled, so the source lingers, active (crate::linger).
    let sources = wake_sources.snapshot();
    assert!(sources[0].lingering_since.is_some() && sources[0].activity.active);
}

#[fuchsia::test]
async fn statistics_count_messages_bytes_and_handles_per_direction() {
    let Registered { harness: h, stats, stop: _stop, .. } = registered_proxy();
    assert_eq!(stats.last_message(), None);
    h.remote.write(&[0; 10], &mut [zx::Event::create().into_handle()]).unwrap();
    h.remote.write(&[0; 5], &mut []).unwrap();
    read_message(&h.container).await;
    read_message(&h.container).await;
    h.container.write(&[0; 7], &mut []).unwrap();
    read_message(&h.remote).await;
    assert_eq!(stats.incoming.totals(), DirectionTotals { messages: 2, bytes: 15, handles: 1 });
    assert_eq!(stats.outgoing.totals(), DirectionTotals { messages: 1, bytes: 7, handles: 0 });
    assert_eq!(stats.pending(), Some(2));
    assert!(stats.last_message().unwrap() >= stats.created());
}

// forward_message's outcomes and error paths.

fn buffers() -> (Vec<MaybeUninit<u8>>, Vec<MaybeUninit<zx::NullableHandle>>) {
    (vec![MaybeUninit::uninit(); 65536], (0..64).map(|_| MaybeUninit::uninit()).collect())
}

#[test]
fn forward_message_reports_an_empty_or_closed_source() {
    let (from, from_peer) = zx::Channel::create();
    let (to, _to_peer) = zx::Channel::create();
    let (mut bytes, mut handles) = buffers();
    let forwarded = forward_message(&from, &to, None, None, &mut bytes, &mut handles, "t");
    assert_eq!(forwarded, Ok(Forwarded::SourceEmpty));
    drop(from_peer);
    let forwarded = forward_message(&from, &to, None, None, &mut bytes, &mut handles, "t");
    assert_eq!(forwarded, Ok(Forwarded::SourceClosed));
}

#[test]
fn forward_message_undoes_the_count_when_the_destination_is_closed() {
    let (from, from_peer) = zx::Channel::create();
    let (to, to_peer) = zx::Channel::create();
    let counter = zx::Counter::create();
    let (mut bytes, mut handles) = buffers();
    from_peer.write(b"m", &mut []).unwrap();
    drop(to_peer);
    let forwarded =
        forward_message(&from, &to, Some(&counter), None, &mut bytes, &mut handles, "t");
    assert_eq!(forwarded, Ok(Forwarded::DestinationClosed));
    assert_eq!(counter.read().unwrap(), 0);
}

#[test]
fn forward_message_reports_read_and_write_errors() {
    let (from, from_peer) = zx::Channel::create();
    let (to, _to_peer) = zx::Channel::create();
    let (mut bytes, mut handles) = buffers();
    let write_only = from.replace_handle(zx::Rights::WRITE).unwrap();
    let forwarded = forward_message(&write_only, &to, None, None, &mut bytes, &mut handles, "t");
    assert_eq!(forwarded, Err(ForwardError::Read(zx::Status::ACCESS_DENIED)));

    let (from, from_peer2) = zx::Channel::create();
    from_peer2.write(b"m", &mut []).unwrap();
    let read_only = to.replace_handle(zx::Rights::READ).unwrap();
    let forwarded = forward_message(&from, &read_only, None, None, &mut bytes, &mut handles, "t");
    assert_eq!(forwarded, Err(ForwardError::Write(zx::Status::ACCESS_DENIED)));
    drop(from_peer);
}

#[test]
fn forward_message_delivers_bytes_and_handles() {
    let (from, from_peer) = zx::Channel::create();
    let (to, to_peer) = zx::Channel::create();
    let (mut bytes, mut handles) = buffers();
    from_peer.write(&[1, 2, 3], &mut [zx::Event::create().into_handle()]).unwrap();
    let stats = ProxyStats::default();
    let recorder = Some(stats.recorder(false));
    let forwarded = forward_message(&from, &to, None, recorder, &mut bytes, &mut handles, "t");
    let kind = MessageKind::NonFidl;
    assert_eq!(forwarded, Ok(Forwarded::Message { bytes: 3, handles: 1, kind }));
    assert_eq!(stats.outgoing.totals(), DirectionTotals { messages: 1, bytes: 3, handles: 1 });
    assert_eq!(stats.methods.snapshot().non_fidl.outgoing.messages, 1);
    assert!(stats.last_message().is_some());
    let mut buf = zx::MessageBuf::new();
    to_peer.read(&mut buf).unwrap();
    assert_eq!((buf.bytes(), buf.n_handles()), (&[1u8, 2, 3][..], 1));
}

/// Lets the other tasks of this single-threaded executor run until `done` holds; panics if
/// it does not within `turns` turns (each turn lets every runnable task run once).
async fn until(turns: usize, what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..turns {
        if done() {
            return;
        }
        fasync::yield_now().await;
    }
    panic!("not reached within {turns} turns: {what}");
}

/// Lets the other tasks of this single-threaded executor run `turns` times.
async fn run_turns(turns: usize) {
    for _ in 0..turns {
        fasync::yield_now().await;
    }
}

/// Reads and handles (decrements the counter for) everything the container receives, until
/// its proxy closes the channel; returns how many messages it handled.
async fn handle_everything(container: zx::Channel, counter: zx::Counter) -> usize {
    let mut buf = zx::MessageBuf::new();
    let mut handled = 0;
    loop {
        match container.read(&mut buf) {
            Ok(()) => {
                counter.add(-1).unwrap();
                handled += 1;
            }
            Err(zx::Status::SHOULD_WAIT) => {
                let signals = zx::Signals::CHANNEL_READABLE | zx::Signals::CHANNEL_PEER_CLOSED;
                fasync::OnSignals::new(&container, signals).await.unwrap();
            }
            Err(_) => return handled,
        }
    }
}

#[fuchsia::test]
async fn a_stop_is_honoured_while_the_remote_keeps_writing() {
    let stats = Arc::new(ProxyStats::default());
    let (stop, stop_signal) = StopSignal::new();
    let h = proxied_pair_with(|_| ProxyRegistration {
        stats: Arc::clone(&stats),
        stop: stop_signal,
        ..ProxyRegistration::default()
    });
    // A remote that writes again every time it runs: far more than the proxy may deliver
    // after a stop, so the flood outlasts the stop unless the stop cuts it short.
    const FLOOD: usize = 20 * MAX_DRAIN_ON_STOP;
    let remote = h.remote;
    let flood = fasync::Task::local(async move {
        let mut written = 0;
        while written < FLOOD {
            for _ in 0..2 * MAX_BATCH {
                if remote.write(b"flood", &mut []).is_err() {
                    return written;
                }
                written += 1;
            }
            fasync::yield_now().await;
        }
        written
    });
    let container = fasync::Task::local(handle_everything(h.container, h.counter));
    until(10_000, "the flood reaches the container", || stats.incoming.totals().messages > 1000)
        .await;

    let forwarded_at_stop = stats.incoming.totals().messages as usize;
    stop.send(()).unwrap();
    assert_eq!(h.task.await, ProxyEnd::Stopped);
    let forwarded_after_stop = stats.incoming.totals().messages as usize - forwarded_at_stop;
    assert!(
        forwarded_after_stop <= MAX_DRAIN_ON_STOP,
        "{forwarded_after_stop} messages forwarded after the stop"
    );
    assert_eq!(container.await, forwarded_at_stop + forwarded_after_stop);
    let written = flood.await;
    assert!(written < FLOOD, "the flood ended before the stop did");
    println!(
        "stop under flood: {forwarded_after_stop} messages forwarded after the stop \
         (bound {MAX_DRAIN_ON_STOP}); the remote wrote {written} of {FLOOD}"
    );
}

#[fuchsia::test]
async fn a_cycle_of_two_proxies_with_messages_circulating_can_be_stopped() {
    // A's container channel leads to B's remote end and B's container channel to A's
    // remote end: every message forwarded by one is forwarded again by the other.
    let (a_remote, b_container) = zx::Channel::create();
    let (a_container, b_remote) = zx::Channel::create();
    for i in 0..200u32 {
        b_container.write(&i.to_le_bytes(), &mut []).unwrap();
    }
    let start = |container_channel, remote_channel, name: &str| {
        let stats = Arc::new(ProxyStats::default());
        let (stop, stop_signal) = StopSignal::new();
        let task = fasync::Task::local(start_proxy(
            ChannelProxy {
                container_channel,
                remote_channel,
                message_counter: zx::Counter::create(),
                name: name.to_string(),
            },
            ProxyRegistration {
                stats: Arc::clone(&stats),
                stop: stop_signal,
                // Nobody handles the messages; no backpressure, so only the stop ends it.
                max_unhandled_messages: i64::MAX,
                ..ProxyRegistration::default()
            },
            Rc::new(BounceBuffers::new()),
        ));
        (task, stats, stop)
    };
    let (a, a_stats, a_stop) = start(a_container, a_remote, "a");
    let (b, b_stats, b_stop) = start(b_container, b_remote, "b");
    let forwarded = || a_stats.incoming.totals().messages + b_stats.incoming.totals().messages;
    until(10_000, "the messages circulate", || forwarded() > 2000).await;

    a_stop.send(()).unwrap();
    b_stop.send(()).unwrap();
    let both = futures::future::join(a, b);
    let turns = async {
        until(1_000, "both proxies end", || false).await;
        unreachable!()
    };
    let (ends, _) =
        futures::future::select(std::pin::pin!(both), std::pin::pin!(turns)).await.factor_first();
    assert_eq!(ends, (ProxyEnd::Stopped, ProxyEnd::Stopped));
}

#[fuchsia::test]
async fn backpressure_holds_the_remote_back_at_the_limit_until_the_container_catches_up() {
    const LIMIT: usize = 10;
    let stats = Arc::new(ProxyStats::default());
    let h = proxied_pair_with(|_| ProxyRegistration {
        stats: Arc::clone(&stats),
        max_unhandled_messages: LIMIT as i64,
        ..ProxyRegistration::default()
    });
    for i in 0..(2 * LIMIT + 5) as u32 {
        h.remote.write(&i.to_le_bytes(), &mut []).unwrap();
    }
    let mut next = 0u32;
    let mut buf = zx::MessageBuf::new();
    for round in 1..=2 {
        until(1_000, "the proxy is held back", || stats.times_held_back() == round as u64).await;
        // Held back: no more than the limit reaches the container, however long it waits.
        run_turns(100).await;
        assert_eq!(h.counter.read().unwrap(), LIMIT as i64);
        assert_eq!(stats.incoming.totals().messages, (round * LIMIT) as u64);
        assert_eq!(stats.times_held_back(), round as u64);
        for _ in 0..LIMIT {
            h.container.read(&mut buf).unwrap();
            assert_eq!(buf.bytes(), next.to_le_bytes());
            next += 1;
        }
        assert_eq!(h.container.read(&mut buf), Err(zx::Status::SHOULD_WAIT));
        // The container handles what it read: forwarding resumes.
        h.counter.add(-(LIMIT as i64)).unwrap();
    }
    until(1_000, "the rest reaches the container", || stats.incoming.totals().messages == 25).await;
    assert_eq!(h.counter.read().unwrap(), 5);
    assert!(!stats.held_back());
    for _ in 0..5 {
        h.container.read(&mut buf).unwrap();
        assert_eq!(buf.bytes(), next.to_le_bytes());
        next += 1;
    }
}

// Per-method statistics and wake attribution.

/// A FIDL message (wire format v2 header with magic 0x01) of `ordinal` with `body`.
fn fidl_message(ordinal: u64, body: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0, 0, 0, 0, 2, 0, 0, 0x01];
    bytes.extend_from_slice(&ordinal.to_le_bytes());
    bytes.extend_from_slice(body);
    bytes
}

#[fuchsia::test]
async fn messages_are_counted_per_method_ordinal_in_each_direction() {
    let Registered { harness: h, stats, stop: _stop, .. } = registered_proxy();
    let epitaph = fidl_message(crate::method_stats::EPITAPH_ORDINAL, &[0; 8]);
    for message in [fidl_message(0xa1, &[0; 8]), fidl_message(0xb2, &[]), fidl_message(0xa1, &[])] {
        h.remote.write(&message, &mut []).unwrap();
    }
    h.remote.write(b"raw", &mut []).unwrap();
    h.remote.write(&epitaph, &mut []).unwrap();
    h.container.write(&fidl_message(0xb2, &[0; 4]), &mut []).unwrap();
    for _ in 0..5 {
        read_message(&h.container).await;
    }
    read_message(&h.remote).await;

    let snapshot = stats.methods.snapshot();
    let traffic = |messages, bytes| TrafficTotals { messages, bytes };
    let [(a1, a1_totals), (b2, b2_totals)] = snapshot.methods[..] else {
        panic!("two ordinals expected: {snapshot:?}")
    };
    assert_eq!((a1, a1_totals.incoming, a1_totals.outgoing), (0xa1, traffic(2, 40), traffic(0, 0)));
    assert_eq!(
        (b2, b2_totals.incoming, b2_totals.outgoing),
        (0xb2, traffic(1, 16), traffic(1, 20))
    );
    assert_eq!(snapshot.non_fidl.incoming, traffic(1, 3));
    assert_eq!(snapshot.epitaph.incoming, traffic(1, 24));
    assert_eq!(snapshot.other, MethodTotals::default());
}

#[fuchsia::test]
async fn each_activation_is_attributed_to_the_message_that_caused_it() {
    let Registered { harness: h, id, wake_sources, stats, stop: _stop } = registered_proxy();
    // 0xa1 wakes the container; 0xb2 arrives while it is awake.
    h.remote.write(&fidl_message(0xa1, &[]), &mut []).unwrap();
    read_message(&h.container).await;
    let active = wake_sources.next_change(&Default::default()).await;
    assert_eq!((active.ids.clone(), active.ordinals.clone()), (vec![id], vec![Some(0xa1)]));
    h.remote.write(&fidl_message(0xb2, &[]), &mut []).unwrap();
    read_message(&h.container).await;
    h.counter.add(-2).unwrap();
    let idle = wake_sources.next_change(&active).await;
    // Now 0xb2 wakes it, then a non-FIDL message.
    h.remote.write(&fidl_message(0xb2, &[]), &mut []).unwrap();
    read_message(&h.container).await;
    let active = wake_sources.next_change(&idle).await;
    assert_eq!(active.ordinals, vec![Some(0xb2)]);
    h.counter.add(-1).unwrap();
    let idle = wake_sources.next_change(&active).await;
    h.remote.write(b"raw", &mut []).unwrap();
    read_message(&h.container).await;
    let active = wake_sources.next_change(&idle).await;
    assert_eq!(active.ordinals, vec![None], "a non-FIDL message has no ordinal");

    let snapshot = stats.methods.snapshot();
    let activations: Vec<_> =
        snapshot.methods.iter().map(|(ordinal, totals)| (*ordinal, totals.activations)).collect();
    assert_eq!(activations, vec![(0xa1, 1), (0xb2, 1)]);
    assert_eq!(snapshot.non_fidl.activations, 1);
    assert_eq!(stats.wakes(), 3);
}

#[test]
fn an_activation_between_two_monitor_turns_falls_back_to_the_last_message() {
    let attribution = WakeAttribution::default();
    assert_eq!(attribution.activated(), None, "nothing forwarded yet");
    attribution.deactivated();
    attribution.forwarded(MessageKind::Method(1));
    attribution.forwarded(MessageKind::Method(2));
    assert_eq!(attribution.activated(), Some(MessageKind::Method(1)), "exact: first while idle");
    // The counter fell to zero and rose again before the monitor ran: both changes are
    // reported at once, and no message was forwarded while the source was seen inactive.
    attribution.forwarded(MessageKind::Epitaph);
    attribution.deactivated();
    assert_eq!(attribution.activated(), Some(MessageKind::Epitaph), "approximate: the last");
}
