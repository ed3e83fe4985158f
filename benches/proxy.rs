// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! One proxy's throughput remote -> container (counter incremented by the proxy, decremented by
//! the container) against a direct write+read on one channel; and the same with 1,000 idle
//! proxies on the proxy thread. Messages are 64 bytes, moved in rounds of `ROUND` messages.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use proxy_manager::proxy::{ChannelProxy, ProxyRegistration};
use proxy_manager::proxy_thread::{Work, run_proxy_thread};
use std::time::{Duration, Instant};

const ROUND: u64 = 64;
const MESSAGE: [u8; 64] = [0x5a; 64];

/// Writes `iters` messages into `input` and reads them back from `output`, `ROUND` at a time,
/// decrementing `counter` once per message read when given.
fn pump(
    input: &zx::Channel,
    output: &zx::Channel,
    counter: Option<&zx::Counter>,
    iters: u64,
) -> Duration {
    let mut buf = zx::MessageBuf::new();
    let start = Instant::now();
    let mut remaining = iters;
    while remaining > 0 {
        let round = remaining.min(ROUND);
        for _ in 0..round {
            input.write(&MESSAGE, &mut []).unwrap();
        }
        for _ in 0..round {
            loop {
                match output.read(&mut buf) {
                    Ok(()) => break,
                    Err(zx::Status::SHOULD_WAIT) => {
                        output
                            .wait_one(zx::Signals::CHANNEL_READABLE, zx::MonotonicInstant::INFINITE)
                            .unwrap();
                    }
                    Err(status) => panic!("read failed: {status}"),
                }
            }
            if let Some(counter) = counter {
                counter.add(-1).unwrap();
            }
        }
        remaining -= round;
    }
    start.elapsed()
}

/// A running proxy thread with `idle` extra proxies that never see traffic, and the ends of
/// one active proxy: (remote end, container end, container's counter handle).
struct ProxyThread {
    _sender: async_channel::Sender<Work>,
    _idle_peers: Vec<(zx::Channel, zx::Channel)>,
    remote: zx::Channel,
    container: zx::Channel,
    counter: zx::Counter,
}

fn proxy_thread(idle: usize) -> ProxyThread {
    let (sender, receiver) = async_channel::unbounded();
    run_proxy_thread(receiver).unwrap();
    let add = |name: String| {
        let (container, container_channel) = zx::Channel::create();
        let (remote_channel, remote) = zx::Channel::create();
        let message_counter = zx::Counter::create();
        let counter = message_counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
        let proxy = ChannelProxy { container_channel, remote_channel, message_counter, name };
        let work = Work::Proxy { proxy, registration: ProxyRegistration::default(), ended: None };
        sender.try_send(work).unwrap();
        (remote, container, counter)
    };
    let idle_peers = (0..idle).map(|i| add(format!("idle-{i}"))).map(|(r, c, _)| (r, c)).collect();
    let (remote, container, counter) = add("active".to_string());
    ProxyThread { _sender: sender, _idle_peers: idle_peers, remote, container, counter }
}

fn throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("remote_to_container_64B");
    group.throughput(Throughput::Elements(1));

    let (a, b) = zx::Channel::create();
    group.bench_function(BenchmarkId::new("direct_channel", 0), |bench| {
        bench.iter_custom(|iters| pump(&a, &b, None, iters))
    });

    for idle in [0, 1000] {
        let thread = proxy_thread(idle);
        group.bench_function(BenchmarkId::new("through_proxy", idle), |bench| {
            bench.iter_custom(|iters| {
                pump(&thread.remote, &thread.container, Some(&thread.counter), iters)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
