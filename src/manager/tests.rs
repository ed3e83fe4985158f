// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

use super::{CLOSED_PROXY_HISTORY, ManagerError, NewProxy, NewWakeSource, ProxyManager};
use crate::config::Limits;
use crate::proxy::ProxyEnd;
use crate::proxy_thread::run_proxy_thread;
use crate::wake_sources::LingerEnd;
use fuchsia_async as fasync;
use zx::Peered;

/// A manager whose proxy thread runs for the duration of the test.
struct Running {
    manager: ProxyManager,
    _thread: std::thread::JoinHandle<()>,
}

fn manager(limits: Limits) -> Running {
    let (sender, receiver) = async_channel::unbounded();
    let thread = run_proxy_thread(receiver).unwrap();
    Running { manager: ProxyManager::new(limits, sender), _thread: thread }
}

/// The far ends of a proxy's channels and a handle to its counter.
struct Peers {
    container: zx::Channel,
    remote: zx::Channel,
    counter: zx::Counter,
}

fn new_proxy(name: &str) -> (NewProxy, Peers) {
    let (container, container_channel) = zx::Channel::create();
    let (remote_channel, remote) = zx::Channel::create();
    let counter = zx::Counter::create();
    let container_counter = counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    (
        NewProxy { name: name.to_string(), container_channel, remote_channel, counter },
        Peers { container, remote, counter: container_counter },
    )
}

async fn read_message(channel: &zx::Channel) -> zx::MessageBuf {
    fasync::OnSignals::new(channel, zx::Signals::CHANNEL_READABLE).await.unwrap();
    let mut buf = zx::MessageBuf::new();
    channel.read(&mut buf).unwrap();
    buf
}

#[fuchsia::test]
async fn an_added_proxy_forwards_and_counts() {
    let running = manager(Limits::default());
    let (new, peers) = new_proxy("wifi");
    let id = running.manager.add_proxy(new).unwrap();
    peers.remote.write(b"hello", &mut []).unwrap();
    assert_eq!(read_message(&peers.container).await.bytes(), b"hello");
    assert_eq!(peers.counter.read().unwrap(), 1);
    let live = running.manager.live_proxies();
    assert_eq!(live.len(), 1);
    assert_eq!((live[0].id, live[0].name.as_str()), (id, "wifi"));
    assert_eq!(running.manager.totals().proxies_added, 1);
}

#[fuchsia::test]
async fn removing_a_proxy_delivers_the_queue_closes_the_channels_and_records_it() {
    let running = manager(Limits::default());
    let (new, peers) = new_proxy("input");
    let id = running.manager.add_proxy(new).unwrap();
    for i in 0..10u8 {
        peers.remote.write(&[i], &mut []).unwrap();
    }
    assert_eq!(running.manager.remove_proxy(id).await, Ok(ProxyEnd::Stopped));
    let mut buf = zx::MessageBuf::new();
    for i in 0..10u8 {
        peers.container.read(&mut buf).unwrap();
        assert_eq!(buf.bytes(), &[i]);
    }
    assert!(peers.container.is_closed().unwrap());
    assert!(peers.remote.is_closed().unwrap());
    assert!(running.manager.live_proxies().is_empty());
    // The ten delivered messages are unhandled: the source lingers, active, until handled.
    let lingering = running.manager.wake_sources().active();
    assert_eq!(lingering.ids, vec![id]);
    peers.counter.add(-10).unwrap();
    running.manager.wake_sources().next_change(&lingering).await;
    assert!(running.manager.wake_sources().is_empty());
    let closed = running.manager.closed_proxies();
    assert_eq!(closed.len(), 1);
    assert_eq!((closed[0].id, closed[0].end.clone()), (id, ProxyEnd::Stopped));
    assert_eq!(closed[0].incoming.messages, 10);
    assert_eq!(running.manager.remove_proxy(id).await, Err(ManagerError::NotFound(id)));
}

/// A FIDL request (wire format v2 header, magic 0x01) of `ordinal` with an 8-byte body.
fn fidl_message(ordinal: u64) -> Vec<u8> {
    let mut message = vec![1, 0, 0, 0, 2, 0, 0, 1];
    message.extend(ordinal.to_le_bytes());
    message.extend([0; 8]);
    message
}

#[fuchsia::test]
async fn a_closed_proxy_keeps_its_per_method_counts() {
    let running = manager(Limits::default().with_max_ordinals_per_proxy(2));
    let (new, peers) = new_proxy("wifi");
    let id = running.manager.add_proxy(new).unwrap();
    for message in [fidl_message(0xa1), fidl_message(0xb2), fidl_message(0xa1), b"raw".to_vec()] {
        peers.remote.write(&message, &mut []).unwrap();
        read_message(&peers.container).await;
    }
    for message in [fidl_message(0xb2), fidl_message(0xc3)] {
        peers.container.write(&message, &mut []).unwrap();
        read_message(&peers.remote).await;
    }
    // The first message woke the source; its activation is counted before it is reported.
    running.manager.wake_sources().next_change(&Default::default()).await;
    let live = running.manager.live_proxies()[0].stats.methods.snapshot();

    running.manager.remove_proxy(id).await.unwrap();
    let closed = running.manager.closed_proxies();
    assert_eq!(closed[0].methods, live, "the snapshot taken when the proxy ended");
    let per_ordinal: Vec<_> = closed[0]
        .methods
        .methods
        .iter()
        .map(|(ordinal, totals)| {
            (*ordinal, totals.incoming.messages, totals.outgoing.messages, totals.activations)
        })
        .collect();
    assert_eq!(per_ordinal, vec![(0xa1, 2, 0, 1), (0xb2, 1, 1, 0)]);
    assert_eq!(closed[0].methods.other.outgoing.messages, 1, "0xc3 is beyond the bound");
    assert_eq!(closed[0].methods.non_fidl.incoming.bytes, 3);
    assert_eq!(closed[0].methods.epitaph, Default::default());
}

#[fuchsia::test]
async fn a_proxy_whose_peer_closes_moves_to_the_history() {
    let running = manager(Limits::default());
    let (new, peers) = new_proxy("timer");
    let id = running.manager.add_proxy(new).unwrap();
    drop(peers.remote);
    fasync::OnSignals::new(&peers.container, zx::Signals::CHANNEL_PEER_CLOSED).await.unwrap();
    let end = running.manager.remove_proxy(id).await;
    assert!(matches!(end, Ok(ProxyEnd::RemoteClosed) | Err(ManagerError::NotFound(_))));
    assert_eq!(running.manager.closed_proxies()[0].end, ProxyEnd::RemoteClosed);
    assert_eq!(running.manager.totals().proxies_ended, 1);
}

#[fuchsia::test]
async fn invalid_proxies_are_refused_and_change_nothing() {
    let running = manager(Limits::default());
    let (mut new, _peers) = new_proxy("");
    assert_eq!(running.manager.add_proxy(new), Err(ManagerError::InvalidArgs("the name is empty")));

    (new, _) = new_proxy("loop");
    let (a, b) = zx::Channel::create();
    new.container_channel = a;
    new.remote_channel = b;
    assert_eq!(
        running.manager.add_proxy(new),
        Err(ManagerError::InvalidArgs("both channels are ends of one channel"))
    );

    (new, _) = new_proxy("bad");
    new.counter = zx::Counter::from(zx::NullableHandle::invalid());
    assert_eq!(running.manager.add_proxy(new), Err(ManagerError::InvalidArgs("invalid handle")));

    assert!(running.manager.live_proxies().is_empty());
    assert!(running.manager.wake_sources().is_empty());
    assert_eq!(running.manager.totals().requests_rejected, 3);
}

#[fuchsia::test]
async fn the_same_counter_or_channel_twice_is_already_registered() {
    let running = manager(Limits::default());
    let (new, peers) = new_proxy("first");
    running.manager.add_proxy(new).unwrap();

    let (mut again, _) = new_proxy("same counter");
    again.counter = peers.counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    assert_eq!(
        running.manager.add_proxy(again),
        Err(ManagerError::AlreadyRegistered("the counter is already a wake source"))
    );
    let source = NewWakeSource {
        name: "counter again".to_string(),
        handle: peers.counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap().into(),
        signals: zx::Signals::COUNTER_POSITIVE,
    };
    assert_eq!(
        running.manager.add_wake_source(source),
        Err(ManagerError::AlreadyRegistered("the object is already a wake source"))
    );
    assert_eq!(running.manager.live_proxies().len(), 1);
}

#[fuchsia::test]
async fn limits_are_enforced() {
    let running = manager(Limits::new(1, 2));
    let (new, _first) = new_proxy("one");
    running.manager.add_proxy(new).unwrap();
    let (new, _second) = new_proxy("two");
    assert_eq!(running.manager.add_proxy(new), Err(ManagerError::LimitReached("proxies")));

    let event = zx::Event::create();
    let source = |name: &str, event: &zx::Event| NewWakeSource {
        name: name.to_string(),
        handle: event.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap().into(),
        signals: zx::Signals::USER_0,
    };
    running.manager.add_wake_source(source("a", &event)).unwrap();
    let other = zx::Event::create();
    assert_eq!(
        running.manager.add_wake_source(source("b", &other)),
        Err(ManagerError::LimitReached("wake sources"))
    );
}

#[fuchsia::test]
async fn wake_sources_are_validated() {
    let running = manager(Limits::default());
    let event = zx::Event::create();
    let source = |name: &str, rights: zx::Rights, signals: zx::Signals| NewWakeSource {
        name: name.to_string(),
        handle: event.duplicate_handle(rights).unwrap().into(),
        signals,
    };
    let cases = [
        (source("", zx::Rights::SAME_RIGHTS, zx::Signals::USER_0), "the name is empty"),
        (source("none", zx::Rights::SAME_RIGHTS, zx::Signals::NONE), "no signals"),
        (
            source("no wait", zx::Rights::TRANSFER, zx::Signals::USER_0),
            "the handle lacks the WAIT right",
        ),
    ];
    for (new, why) in cases {
        assert_eq!(running.manager.add_wake_source(new), Err(ManagerError::InvalidArgs(why)));
    }
    let invalid = NewWakeSource {
        name: "invalid".to_string(),
        handle: zx::NullableHandle::invalid(),
        signals: zx::Signals::USER_0,
    };
    assert_eq!(
        running.manager.add_wake_source(invalid),
        Err(ManagerError::InvalidArgs("invalid handle"))
    );
}

#[fuchsia::test]
async fn a_wake_source_is_tracked_until_removed_and_its_handle_closed() {
    let running = manager(Limits::default());
    let (local, remote) = zx::EventPair::create();
    let id = running
        .manager
        .add_wake_source(NewWakeSource {
            name: "button".to_string(),
            handle: remote.into(),
            signals: zx::Signals::USER_0,
        })
        .unwrap();
    local.signal_peer(zx::Signals::NONE, zx::Signals::USER_0).unwrap();
    let active = running.manager.wake_sources().next_change(&Default::default()).await;
    assert_eq!(active.names, vec!["button".to_string()]);

    running.manager.remove_wake_source(id).unwrap();
    fasync::OnSignals::new(&local, zx::Signals::EVENTPAIR_PEER_CLOSED).await.unwrap();
    assert!(running.manager.wake_sources().is_empty());
    assert_eq!(running.manager.remove_wake_source(id), Err(ManagerError::NotFound(id)));
    let totals = running.manager.totals();
    assert_eq!((totals.wake_sources_added, totals.wake_sources_removed), (1, 1));
}

#[fuchsia::test]
async fn a_proxy_is_not_removed_as_a_wake_source() {
    let running = manager(Limits::default());
    let (new, _peers) = new_proxy("proxy");
    let id = running.manager.add_proxy(new).unwrap();
    assert_eq!(running.manager.remove_wake_source(id), Err(ManagerError::NotFound(id)));
    assert_eq!(running.manager.live_proxies().len(), 1);
}

#[fuchsia::test]
async fn the_history_keeps_the_most_recent_closed_proxies() {
    let running = manager(Limits::default());
    for i in 0..CLOSED_PROXY_HISTORY + 3 {
        let (new, _peers) = new_proxy(&format!("p{i}"));
        let id = running.manager.add_proxy(new).unwrap();
        running.manager.remove_proxy(id).await.unwrap();
    }
    let closed = running.manager.closed_proxies();
    assert_eq!(closed.len(), CLOSED_PROXY_HISTORY);
    assert_eq!(closed[0].name, "p3");
}

#[fuchsia::test]
async fn a_missing_proxy_thread_is_reported_not_a_panic() {
    let (sender, receiver) = async_channel::unbounded();
    drop(receiver);
    let manager = ProxyManager::new(Limits::default(), sender);
    let (new, _peers) = new_proxy("orphan");
    assert_eq!(manager.add_proxy(new), Err(ManagerError::ProxyThreadGone));
    assert!(manager.wake_sources().is_empty());
}

/// `n` channels; proxy `i` of a ring takes the second end of channel `i` as its container
/// channel and the first end of channel `i + 1` as its remote channel, so that its remote
/// peer is proxy `i + 1`'s container channel. With `closed`, channel `n` is channel 0 and the
/// proxies form a cycle; otherwise they form a chain, and channel 0's first end and channel
/// `n`'s second end are returned, the ends of the chain.
fn ring(n: usize, closed: bool) -> (Vec<NewProxy>, Option<zx::Channel>, Option<zx::Channel>) {
    let channels = if closed { n } else { n + 1 };
    let (mut firsts, mut seconds): (Vec<_>, Vec<_>) =
        (0..channels).map(|_| zx::Channel::create()).map(|(a, b)| (Some(a), Some(b))).unzip();
    let proxies = (0..n)
        .map(|i| NewProxy {
            name: format!("p{i}"),
            container_channel: seconds[i].take().unwrap(),
            remote_channel: firsts[(i + 1) % channels].take().unwrap(),
            counter: zx::Counter::create(),
        })
        .collect();
    (proxies, firsts[0].take(), seconds[n % channels].take())
}

#[fuchsia::test]
async fn a_proxy_that_would_close_a_cycle_is_refused_in_any_order() {
    let (mut one, _, _) = ring(1, true);
    let running = manager(Limits::default());
    assert_eq!(
        running.manager.add_proxy(one.pop().unwrap()),
        Err(ManagerError::InvalidArgs("both channels are ends of one channel"))
    );
    let cases = [
        (2, vec![0, 1]),
        (2, vec![1, 0]),
        (3, vec![0, 1, 2]),
        (3, vec![0, 2, 1]),
        (10, vec![9, 0, 8, 1, 7, 2, 6, 3, 5, 4]),
    ];
    for (n, order) in cases {
        let running = manager(Limits::default());
        let (proxies, _, _) = ring(n, true);
        let mut proxies: Vec<Option<NewProxy>> = proxies.into_iter().map(Some).collect();
        let (last, rest) = order.split_last().unwrap();
        for i in rest {
            running.manager.add_proxy(proxies[*i].take().unwrap()).unwrap();
        }
        let refused = proxies[*last].take().unwrap();
        let counter_koid = refused.counter.koid().unwrap();
        assert_eq!(
            running.manager.add_proxy(refused),
            Err(ManagerError::InvalidArgs("the proxy would close a cycle of proxies")),
            "cycle of {n} closed by proxy {last}"
        );
        // Nothing was added. (The refused proxy's channels close with it, so its neighbours
        // may end at any moment now: what runs is not counted.)
        assert!(!running.manager.wake_sources().contains_koid(counter_koid));
        let totals = running.manager.totals();
        assert_eq!((totals.proxies_added, totals.requests_rejected), (n as u64 - 1, 1));
    }
}

#[fuchsia::test]
async fn chains_of_proxies_are_allowed_and_forward_through_every_link() {
    let running = manager(Limits::default());
    let (proxies, container_end, remote_end) = ring(3, false);
    let (container_end, remote_end) = (container_end.unwrap(), remote_end.unwrap());
    let counters: Vec<zx::Counter> = proxies
        .iter()
        .map(|p| p.counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap())
        .collect();
    for proxy in proxies {
        running.manager.add_proxy(proxy).unwrap();
    }
    remote_end.write(b"through", &mut []).unwrap();
    assert_eq!(read_message(&container_end).await.bytes(), b"through");
    for counter in &counters {
        assert_eq!(counter.read().unwrap(), 1);
    }
    container_end.write(b"back", &mut []).unwrap();
    assert_eq!(read_message(&remote_end).await.bytes(), b"back");
}

#[fuchsia::test]
async fn a_link_freed_by_an_ended_proxy_no_longer_counts_toward_a_cycle() {
    let running = manager(Limits::default());
    let (proxies, _, _) = ring(2, true);
    let mut proxies = proxies.into_iter();
    let id = running.manager.add_proxy(proxies.next().unwrap()).unwrap();
    running.manager.remove_proxy(id).await.unwrap();
    // Proxy 0's channels are closed; proxy 1 alone links nothing into a cycle.
    assert!(running.manager.add_proxy(proxies.next().unwrap()).is_ok());
}

/// Adds a proxy, has it forward `pending` messages the container reads but does not handle,
/// and removes it: its source lingers. Returns the manager, the old id and the old peers.
async fn lingering_proxy(limits: Limits, pending: usize) -> (Running, u64, Peers) {
    let running = manager(limits);
    let (new, peers) = new_proxy("old");
    let old = running.manager.add_proxy(new).unwrap();
    for _ in 0..pending {
        peers.remote.write(b"pending", &mut []).unwrap();
        read_message(&peers.container).await;
    }
    assert_eq!(running.manager.remove_proxy(old).await, Ok(ProxyEnd::Stopped));
    (running, old, peers)
}

/// A proxy of fresh channels for the counter behind `counter`.
fn proxy_of(name: &str, counter: &zx::Counter) -> (NewProxy, Peers) {
    let (mut new, mut peers) = new_proxy(name);
    new.counter = counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    peers.counter = counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    (new, peers)
}

/// Waits until the active set is `expected`.
async fn wait_for_active(manager: &ProxyManager, expected: &[u64]) {
    let mut active = manager.wake_sources().active();
    while active.ids != expected {
        active = manager.wake_sources().next_change(&active).await;
    }
}

#[fuchsia::test]
async fn a_proxy_re_added_with_a_lingering_counter_takes_its_source_over() {
    let (running, old, old_peers) = lingering_proxy(Limits::default(), 3).await;
    let sources = running.manager.wake_sources();
    assert_eq!(sources.active().ids, vec![old]);

    let (again, peers) = proxy_of("again", &old_peers.counter);
    let new = running.manager.add_proxy(again).unwrap();
    assert_eq!(sources.active().ids, vec![new], "handed over in one change");
    let ended = sources.ended_lingers();
    assert_eq!((ended.len(), ended[0].id, ended[0].end), (1, old, LingerEnd::HandedOver(new)));
    assert_eq!(sources.len(), 1);
    assert_eq!(running.manager.closed_proxies()[0].id, old);

    // The new proxy forwards; its source stays active until every message is handled.
    peers.remote.write(b"after the reset", &mut []).unwrap();
    assert_eq!(read_message(&peers.container).await.bytes(), b"after the reset");
    assert_eq!(peers.counter.read().unwrap(), 4);
    assert_eq!(sources.active().ids, vec![new]);
    peers.counter.add(-4).unwrap();
    wait_for_active(&running.manager, &[]).await;
    let info = &sources.snapshot()[0];
    assert_eq!((info.id, info.activity.activation_count), (new, 1), "the takeover's activation");
    assert_eq!(running.manager.live_proxies()[0].stats.wakes(), 1, "counted as the proxy's wake");

    // A message now wakes it as any proxy.
    peers.remote.write(b"wake", &mut []).unwrap();
    wait_for_active(&running.manager, &[new]).await;
    let totals = running.manager.totals();
    assert_eq!((totals.proxies_added, totals.requests_rejected), (2, 0));
}

#[fuchsia::test]
async fn a_wake_source_added_with_a_lingering_counter_takes_its_source_over() {
    let (running, old, old_peers) = lingering_proxy(Limits::default(), 1).await;
    let sources = running.manager.wake_sources();
    let counter = old_peers.counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    let new = running
        .manager
        .add_wake_source(NewWakeSource {
            name: "counter".to_string(),
            handle: counter.into(),
            signals: zx::Signals::COUNTER_POSITIVE,
        })
        .unwrap();
    assert_eq!(sources.active().ids, vec![new]);
    assert_eq!(sources.ended_lingers()[0].end, LingerEnd::HandedOver(new));
    assert!(sources.snapshot().iter().all(|s| s.id != old));
    // Its monitor starts from the takeover and sees the counter drain.
    old_peers.counter.add(-1).unwrap();
    wait_for_active(&running.manager, &[]).await;
    running.manager.remove_wake_source(new).unwrap();
    assert!(sources.is_empty());
}

#[fuchsia::test]
async fn a_counter_that_took_over_is_no_longer_lingering_and_is_refused_again() {
    let (running, _, old_peers) = lingering_proxy(Limits::default(), 1).await;
    let (again, _peers) = proxy_of("again", &old_peers.counter);
    let new = running.manager.add_proxy(again).unwrap();
    let (third, _) = proxy_of("third", &old_peers.counter);
    assert_eq!(
        running.manager.add_proxy(third),
        Err(ManagerError::AlreadyRegistered("the counter is already a wake source"))
    );
    let source = NewWakeSource {
        name: "counter again".to_string(),
        handle: old_peers.counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap().into(),
        signals: zx::Signals::COUNTER_POSITIVE,
    };
    assert_eq!(
        running.manager.add_wake_source(source),
        Err(ManagerError::AlreadyRegistered("the object is already a wake source"))
    );
    let sources = running.manager.wake_sources();
    assert_eq!((sources.active().ids, sources.ended_lingers().len()), (vec![new], 1));
    assert_eq!(running.manager.live_proxies().len(), 1);
    assert_eq!(running.manager.totals().requests_rejected, 2);
}

#[fuchsia::test]
async fn a_lingering_source_handed_over_at_the_limit_of_wake_sources() {
    let (running, old, old_peers) = lingering_proxy(Limits::new(4, 1), 1).await;
    let (again, _peers) = proxy_of("again", &old_peers.counter);
    let new = running.manager.add_proxy(again).unwrap();
    assert_eq!(running.manager.wake_sources().active().ids, vec![new]);
    let (other, _) = new_proxy("other");
    assert_eq!(running.manager.add_proxy(other), Err(ManagerError::LimitReached("wake sources")));
    assert!(new > old);
}

/// Re-adds a proxy with the counter of a proxy whose source lingers with `limit`, while the
/// container handles its message (if `drain`): whichever ends the linger first, the
/// registry ends with the new source alone, one ended linger, and the new source active as
/// its counter is.
async fn race_a_re_added_proxy(limits: Limits, drain: bool) -> LingerEnd {
    let (running, old, old_peers) = lingering_proxy(limits, 1).await;
    let (again, peers) = proxy_of("again", &old_peers.counter);
    let container = old_peers.counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    let draining = std::thread::spawn(move || {
        if drain {
            container.add(-1).unwrap();
        }
    });
    let new = running.manager.add_proxy(again).unwrap();
    draining.join().unwrap();
    let expected: &[u64] = if drain { &[] } else { &[new] };
    wait_for_active(&running.manager, expected).await;
    let sources = running.manager.wake_sources();
    assert_eq!(sources.snapshot().iter().map(|s| s.id).collect::<Vec<_>>(), vec![new]);
    let ended = sources.ended_lingers();
    assert_eq!((ended.len(), ended[0].id), (1, old));
    // The new proxy forwards either way.
    peers.remote.write(b"ok", &mut []).unwrap();
    assert_eq!(read_message(&peers.container).await.bytes(), b"ok");
    ended[0].end
}

#[fuchsia::test]
async fn a_takeover_racing_the_drain_of_the_linger_ends_consistently() {
    for _ in 0..20 {
        let end = race_a_re_added_proxy(Limits::default(), true).await;
        assert!(matches!(end, LingerEnd::Drained | LingerEnd::HandedOver(_)), "{end:?}");
    }
}

#[fuchsia::test]
async fn a_takeover_racing_the_linger_limit_ends_consistently() {
    for _ in 0..20 {
        let end = race_a_re_added_proxy(Limits::default().with_linger_limit_ms(0), false).await;
        assert!(matches!(end, LingerEnd::LimitReached | LingerEnd::HandedOver(_)), "{end:?}");
    }
}
