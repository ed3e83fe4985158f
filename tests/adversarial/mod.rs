// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Adversarial tests of the real component, each with an exact oracle and a fixed seed:
//! a raw-bytes client sending seeded malformed and unknown messages, a seeded traffic
//! harness whose proxies end by racing closes and removals, and a spammer next to a quiet
//! client, and a client that opens malformed connections in a loop, whose warnings must not
//! flood the log. Each prints the figures the README states (run with `--nocapture`).

use super::wire::{ADD_PROXY_ORDINAL, WATCH_WAKE_SOURCES_ORDINAL, epitaph, read_message};
use super::{Realm, Setup, add, inspect_of, proxy_spec, wait_for_active};
use diagnostics_reader::{ArchiveReader, Data, Logs, Severity};
use fidl_fuchsia_starnix_proxy::{
    ProxyManagerRemoveProxyRequest, ProxyManagerRemoveWakeSourceRequest,
};
use futures::{FutureExt, StreamExt};
use seeded::Seeded;
use std::collections::BTreeMap;

#[path = "../support/seeded.rs"]
mod seeded;

/// What the component must do with one raw message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Close the connection with the epitaph ZX_ERR_INVALID_ARGS.
    Epitaph,
    /// Answer with the UnknownMethod framework error (same txid and ordinal) and go on.
    FrameworkError { txid: u32, ordinal: u64 },
    /// Ignore it (an unknown flexible one-way method) and go on.
    Ignore,
}

/// A transactional header: txid, at-rest flags, dynamic flags, magic, ordinal.
fn header(txid: u32, at_rest: [u8; 2], dynamic: u8, magic: u8, ordinal: u64) -> Vec<u8> {
    let mut bytes = txid.to_le_bytes().to_vec();
    bytes.extend(at_rest);
    bytes.extend([dynamic, magic]);
    bytes.extend(ordinal.to_le_bytes());
    bytes
}

/// One seeded malformed or unknown message and what it must cause. The random parts never
/// change the category: bodies of known methods are never a multiple of 8 bytes long (a FIDL
/// message always is), unknown ordinals are drawn away from the known ones.
fn raw_case(rng: &mut Seeded) -> (&'static str, Vec<u8>, Expect) {
    let known = [ADD_PROXY_ORDINAL, WATCH_WAKE_SOURCES_ORDINAL];
    let v2 = [2 | rng.next_u64() as u8, rng.next_u64() as u8];
    let nonzero_txid = 1 + rng.below(u32::MAX as u64 - 1) as u32;
    let len = rng.below(48) as usize;
    match rng.below(8) {
        0 => ("shorter than a header", rng.bytes(len % 16), Expect::Epitaph),
        1 => {
            let mut bytes = rng.bytes(16 + len);
            if bytes[7] == 1 {
                bytes[7] = 0x81;
            }
            ("wrong magic", bytes, Expect::Epitaph)
        }
        2 => {
            let mut bytes = rng.bytes(16 + len);
            bytes[4] &= !2;
            bytes[7] = 1;
            ("no v2 flag", bytes, Expect::Epitaph)
        }
        3 => {
            let ordinal = known[rng.below(2) as usize];
            ("txid 0 on a two-way method", header(0, v2, 0x80, 1, ordinal), Expect::Epitaph)
        }
        4 => {
            let ordinal = known[rng.below(2) as usize];
            let mut bytes = header(nonzero_txid, v2, 0x80, 1, ordinal);
            let len = 1 + 2 * len;
            bytes.extend(rng.bytes(if len.is_multiple_of(8) { len + 1 } else { len }));
            ("undecodable body", bytes, Expect::Epitaph)
        }
        5 => {
            let mut bytes = header(0, [2, 0], rng.next_u64() as u8 & 0x7f, 1, u64::MAX);
            bytes.extend(rng.bytes(8));
            ("client-sent epitaph", bytes, Expect::Epitaph)
        }
        _ => {
            let ordinal = loop {
                let ordinal = rng.next_u64() & 0x7fff_ffff_ffff_ffff;
                if ordinal != 0 && !known.contains(&ordinal) {
                    break ordinal;
                }
            };
            let dynamic = rng.next_u64() as u8;
            let txid = if rng.below(2) == 0 { 0 } else { nonzero_txid };
            let mut bytes = header(txid, v2, dynamic, 1, ordinal);
            bytes.extend(rng.bytes(8 * (len % 4)));
            match (dynamic & 0x80 != 0, txid) {
                (false, _) => ("unknown strict method", bytes, Expect::Epitaph),
                (true, 0) => ("unknown flexible one-way", bytes, Expect::Ignore),
                (true, txid) => {
                    ("unknown flexible two-way", bytes, Expect::FrameworkError { txid, ordinal })
                }
            }
        }
    }
}

#[fuchsia::test]
async fn a_raw_bytes_client_gets_exactly_what_each_message_deserves() {
    const CASES: u64 = 400;
    let realm = Realm::start(Setup::default()).await;
    let mut rng = Seeded::new(0x5eed_0001);
    let mut tried: BTreeMap<&str, usize> = BTreeMap::new();
    for case in 0..CASES {
        let (what, bytes, expect) = raw_case(&mut rng);
        *tried.entry(what).or_default() += 1;
        let raw = realm.connect_raw();
        raw.write(&bytes, &mut []).unwrap();
        match expect {
            Expect::Epitaph => {
                assert_eq!(epitaph(&raw).await, zx::Status::INVALID_ARGS, "case {case}: {what}")
            }
            Expect::FrameworkError { txid, ordinal } => {
                let reply = read_message(&raw).await;
                let mut expected = txid.to_le_bytes().to_vec();
                expected.extend([2, 0, 0x80, 1]);
                expected.extend(ordinal.to_le_bytes());
                // Union ordinal 3 (framework error), inlined int32 ZX_ERR_NOT_SUPPORTED.
                expected.extend(3u64.to_le_bytes());
                expected.extend([0xfe, 0xff, 0xff, 0xff, 0, 0, 1, 0]);
                assert_eq!(reply.bytes(), expected.as_slice(), "case {case}: {what}");
            }
            Expect::Ignore => {}
        }
        if expect != Expect::Epitaph {
            // The connection is still served, and nothing else came first.
            raw.write(&header(77, [2, 0], 0x80, 1, WATCH_WAKE_SOURCES_ORDINAL), &mut []).unwrap();
            assert_eq!(&read_message(&raw).await.bytes()[..4], 77u32.to_le_bytes(), "case {case}");
        }
    }
    // Nothing was registered by any of it, and the component still serves.
    let refused = realm
        .manager
        .remove_wake_source(&ProxyManagerRemoveWakeSourceRequest {
            id: Some(1),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(refused.is_err());
    println!("raw-bytes client: {CASES} seeded cases, each checked exactly: {tried:?}");
}

/// How a proxy of the traffic harness ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ending {
    Removed,
    RemoteClosed,
    ContainerClosed,
    RemovedWhileWriting,
}

/// A message of the harness: its sequence number, then up to 63 seeded bytes.
fn message(rng: &mut Seeded, seq: u32) -> Vec<u8> {
    let pad = rng.below(64) as usize;
    let mut bytes = seq.to_le_bytes().to_vec();
    bytes.extend(rng.bytes(pad));
    bytes
}

/// Reads `channel` until its peer closes; returns the sequence numbers read, in order.
async fn read_until_closed(channel: &zx::Channel) -> Vec<u32> {
    let mut seqs = Vec::new();
    loop {
        let signals = zx::Signals::CHANNEL_READABLE | zx::Signals::CHANNEL_PEER_CLOSED;
        fuchsia_async::OnSignals::new(channel, signals).await.unwrap();
        let mut buf = zx::MessageBuf::new();
        match channel.read(&mut buf) {
            Ok(()) => seqs.push(u32::from_le_bytes(buf.bytes()[..4].try_into().unwrap())),
            Err(zx::Status::PEER_CLOSED) => return seqs,
            Err(status) => panic!("read failed: {status}"),
        }
    }
}

#[fuchsia::test]
async fn seeded_traffic_with_racing_closes_and_removals_loses_duplicates_and_leaks_nothing() {
    const ROUNDS: usize = 30;
    const PROXIES_PER_ROUND: usize = 8;
    const RACING_WRITES: u32 = 2000;
    let realm = Realm::start(Setup::default()).await;
    let mut rng = Seeded::new(0x5eed_0002);
    let (mut checked, mut endings) = (0u64, BTreeMap::<Ending, usize>::new());
    for round in 0..ROUNDS {
        let mut proxies = Vec::new();
        for i in 0..PROXIES_PER_ROUND {
            let (spec, pair) = proxy_spec(&format!("r{round}p{i}"));
            let id = realm.manager.add_proxy(spec).await.unwrap().unwrap().id.unwrap();
            let ending = match rng.below(4) {
                0 => Ending::Removed,
                1 => Ending::RemoteClosed,
                2 => Ending::ContainerClosed,
                _ => Ending::RemovedWhileWriting,
            };
            let (n_in, n_out) = (rng.below(41) as u32, rng.below(41) as u32);
            proxies.push((id, pair, ending, n_in, n_out));
        }
        // Everybody writes, then each proxy ends while the proxy thread is still forwarding.
        for (_, pair, _, n_in, n_out) in &proxies {
            for seq in 0..*n_in {
                let handles = &mut if seq % 8 == 7 {
                    vec![zx::Event::create().into_handle()]
                } else {
                    vec![]
                };
                pair.remote.write(&message(&mut rng, seq), handles).unwrap();
            }
            for seq in 0..*n_out {
                pair.container.write(&message(&mut rng, seq), &mut []).unwrap();
            }
        }
        for (id, pair, ending, n_in, n_out) in proxies {
            let what = format!("round {round} proxy {id} {ending:?} in {n_in} out {n_out}");
            let remove = || {
                realm.manager.remove_proxy(&ProxyManagerRemoveProxyRequest {
                    id: Some(id),
                    ..Default::default()
                })
            };
            let expected = |n| (0..n).collect::<Vec<u32>>();
            match ending {
                Ending::Removed => {
                    remove().await.unwrap().unwrap();
                    assert_eq!(read_until_closed(&pair.container).await, expected(n_in), "{what}");
                    assert_eq!(read_until_closed(&pair.remote).await, expected(n_out), "{what}");
                    assert_eq!(pair.counter.read().unwrap(), n_in as i64, "{what}");
                    checked += (n_in + n_out) as u64;
                }
                Ending::RemoteClosed => {
                    drop(pair.remote);
                    assert_eq!(read_until_closed(&pair.container).await, expected(n_in), "{what}");
                    assert_eq!(pair.counter.read().unwrap(), n_in as i64, "{what}");
                    checked += n_in as u64;
                }
                Ending::ContainerClosed => {
                    drop(pair.container);
                    assert_eq!(read_until_closed(&pair.remote).await, expected(n_out), "{what}");
                    // Messages written into the closed container's queue stay counted (the
                    // container never handled them); those that could not be written are not.
                    let counted = pair.counter.read().unwrap();
                    assert!((0..=n_in as i64).contains(&counted), "{what}: counter {counted}");
                    checked += n_out as u64;
                }
                Ending::RemovedWhileWriting => {
                    let remote = pair.remote;
                    let seed = rng.next_u64();
                    let writer = std::thread::spawn(move || {
                        let mut rng = Seeded::new(seed);
                        let mut written = 0;
                        while written < RACING_WRITES
                            && remote.write(&message(&mut rng, n_in + written), &mut []).is_ok()
                        {
                            written += 1;
                        }
                        written
                    });
                    remove().await.unwrap().unwrap();
                    let received = read_until_closed(&pair.container).await;
                    let written = writer.join().unwrap();
                    // Everything written before the removal, then a prefix of the rest: in
                    // order, nothing lost in between, nothing duplicated.
                    assert!(received.len() >= n_in as usize, "{what}");
                    assert!(received.len() <= (n_in + written) as usize, "{what}");
                    assert_eq!(received, expected(received.len() as u32), "{what}");
                    // Every increment left is a message the container received.
                    assert_eq!(pair.counter.read().unwrap(), received.len() as i64, "{what}");
                    checked += received.len() as u64;
                }
            }
            *endings.entry(ending).or_default() += 1;
        }
    }
    println!(
        "traffic harness: {} proxies ended by racing closes and removals, {checked} messages \
         checked in order with their counts: {endings:?}",
        ROUNDS * PROXIES_PER_ROUND
    );
}

/// Median and maximum of `samples`, in microseconds.
fn median_and_max(mut samples: Vec<std::time::Duration>) -> (u128, u128) {
    samples.sort();
    (samples[samples.len() / 2].as_micros(), samples[samples.len() - 1].as_micros())
}

/// A quiet client's round trips with and without a spammer pipelining requests on another
/// connection, from its own thread. Printed as figures, never asserted: timings go in the
/// README.
#[fuchsia::test]
async fn a_quiet_clients_latency_next_to_a_spammer_is_printed() {
    const ROUND_TRIPS: usize = 200;
    const SPAMMER_IN_FLIGHT: usize = 64;
    let realm = Realm::start(Setup::default()).await;
    let not_found = || ProxyManagerRemoveWakeSourceRequest { id: Some(1), ..Default::default() };
    let quiet = realm.connect();
    let round_trips = |quiet: fidl_fuchsia_starnix_proxy::ProxyManagerProxy| async move {
        let mut samples = Vec::new();
        for _ in 0..ROUND_TRIPS {
            let start = std::time::Instant::now();
            assert!(quiet.remove_wake_source(&not_found()).await.unwrap().is_err());
            samples.push(start.elapsed());
        }
        (quiet, samples)
    };
    let (quiet, alone) = round_trips(quiet).await;

    let spammer = realm.connect_raw();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let spam_stop = std::sync::Arc::clone(&stop);
    let (warmed_up, spamming) = futures::channel::oneshot::channel();
    let answered_so_far = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let spam_answered = std::sync::Arc::clone(&answered_so_far);
    let spam = std::thread::spawn(move || {
        fuchsia_async::LocalExecutor::default().run_singlethreaded(async move {
            use futures::StreamExt;
            let spammer = fidl_fuchsia_starnix_proxy::ProxyManagerProxy::new(
                fidl::AsyncChannel::from_channel(spammer),
            );
            let mut answered = 0u64;
            let mut warmed_up = Some(warmed_up);
            let mut in_flight = futures::stream::FuturesUnordered::new();
            while !spam_stop.load(std::sync::atomic::Ordering::Relaxed) {
                while in_flight.len() < SPAMMER_IN_FLIGHT {
                    // An unknown id: refused at once with NOT_FOUND.
                    in_flight.push(spammer.remove_wake_source(&not_found()));
                }
                in_flight.next().await.unwrap().unwrap().unwrap_err();
                answered += 1;
                spam_answered.store(answered, std::sync::atomic::Ordering::Relaxed);
                if answered == 1000 {
                    warmed_up.take().unwrap().send(()).unwrap();
                }
            }
        })
    });
    spamming.await.unwrap();
    let answered_before = answered_so_far.load(std::sync::atomic::Ordering::Relaxed);
    let (_quiet, next_to_spammer) = round_trips(quiet).await;
    let answered_during =
        answered_so_far.load(std::sync::atomic::Ordering::Relaxed) - answered_before;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    spam.join().unwrap();
    let ((alone_median, alone_max), (spam_median, spam_max)) =
        (median_and_max(alone), median_and_max(next_to_spammer));
    println!(
        "quiet client, {ROUND_TRIPS} round trips: alone median {alone_median} us, max \
         {alone_max} us; next to a spammer ({SPAMMER_IN_FLIGHT} requests in flight, \
         {answered_during} answered meanwhile) median {spam_median} us, max {spam_max} us"
    );
}

/// A remote that writes 50 messages and closes at once: the proxy ends, but the container
/// has 50 unhandled messages, so the proxy's wake source stays active until it handles them.
#[fuchsia::test]
async fn counted_messages_keep_the_container_awake_after_their_proxy_ends() {
    let realm = Realm::start(Setup::default()).await;
    let (id, pair) = add(&realm.manager, "burst").await;
    for seq in 0..50u32 {
        pair.remote.write(&seq.to_le_bytes(), &mut []).unwrap();
    }
    drop(pair.remote);
    assert_eq!(read_until_closed(&pair.container).await, (0..50).collect::<Vec<u32>>());
    // The proxy has ended (its container channel closed); its source is still active.
    wait_for_active(&realm.manager, &[id]).await;
    pair.counter.add(-50).unwrap();
    wait_for_active(&realm.manager, &[]).await;
}

/// If `log` is the warning of a connection closed for misuse, how many similar ones it says
/// were suppressed before it.
fn closing_warning(log: &Data<Logs>) -> Option<u64> {
    let message = log.msg()?.strip_prefix("closing a ProxyManager connection: ")?;
    if log.severity() != Severity::Warn {
        return None;
    }
    let Some((_, suffix)) = message.rsplit_once(" (") else { return Some(0) };
    let count = suffix.strip_suffix(" similar suppressed)")?;
    Some(count.parse().expect("a count of suppressed warnings"))
}

/// A client opens connection after connection, each with one malformed message, until the
/// component's log shows a second warning for them. Every connection gets its epitaph; the
/// log gets at most one such warning per second, and every misuse is accounted for: logged,
/// or counted as suppressed in Inspect and reported by the next warning logged. Other kinds
/// of warning are limited apart: the first missing field and the first unknown method that
/// follow are logged.
#[fuchsia::test]
async fn malformed_connections_in_a_loop_get_every_epitaph_but_not_a_warning_each() {
    let realm = Realm::start(Setup::default()).await;
    let moniker = realm.moniker();
    let mut logs = ArchiveReader::logs()
        .select_all_for_component(moniker.as_str())
        .snapshot_then_subscribe()
        .unwrap();
    let started = zx::MonotonicInstant::get();
    let mut connections = 0u64;
    let mut seen = 0;
    while seen < 2 {
        let raw = realm.connect_raw();
        raw.write(&[2; 15], &mut []).unwrap();
        assert_eq!(epitaph(&raw).await, zx::Status::INVALID_ARGS, "connection {connections}");
        connections += 1;
        while let Some(Some(log)) = logs.next().now_or_never() {
            seen += closing_warning(&log.unwrap()).is_some() as usize;
        }
    }
    let elapsed_s = (zx::MonotonicInstant::get() - started).into_nanos() / 1_000_000_000;
    let no_id = ProxyManagerRemoveProxyRequest::default();
    assert!(realm.manager.remove_proxy(&no_id).await.unwrap().is_err());
    let raw = realm.connect_raw();
    raw.write(&header(9, [2, 0], 0x80, 1, 0x1234_5678_9abc_def0), &mut []).unwrap();
    assert_eq!(&read_message(&raw).await.bytes()[..4], 9u32.to_le_bytes());
    let others = ["RemoveProxy: missing id", "unknown TwoWay method, ordinal 0x123456789abcdef0"];
    for other in others {
        while logs.next().await.unwrap().unwrap().msg() != Some(other) {}
    }

    let snapshot =
        ArchiveReader::logs().select_all_for_component(moniker.as_str()).snapshot().await.unwrap();
    let reported: Vec<u64> = snapshot.iter().filter_map(closing_warning).collect();
    for other in others {
        let logged = snapshot.iter().filter(|log| log.msg() == Some(other)).count();
        assert_eq!(logged, 1, "{other}");
    }
    let data = inspect_of(&moniker).await;
    let suppressed = data
        .payload
        .as_ref()
        .and_then(|root| {
            root.get_property_by_path(&["connections", "suppressed_warnings", "connection_closed"])
        })
        .and_then(|property| property.uint().copied())
        .expect("connections/suppressed_warnings/connection_closed in Inspect");
    println!(
        "malformed connections in a loop: {connections} epitaphs over {elapsed_s} s; warnings \
         logged: {} (suppressed counts they report: {reported:?}); suppressed in Inspect: \
         {suppressed}",
        reported.len()
    );
    assert!(reported.len() as i64 <= 1 + elapsed_s, "at most one warning per second");
    assert_eq!(reported[0], 0, "the first of the burst is logged as it is");
    assert!(reported[1] > 0, "the next one says how many were suppressed before it");
    assert_eq!(reported.len() as u64 + suppressed, connections, "each logged or counted");
    assert!(reported.iter().sum::<u64>() <= suppressed);
}
