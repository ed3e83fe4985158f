// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Timings of one proxy, remote -> container, 64-byte messages, the container decrementing
//! the counter once per message read, each against baselines measured in the same run: the
//! runner's proxy loop (benches/common/runner.rs) and a direct channel.
//! - throughput: messages moved in rounds of `ROUND` (write a round, read it back);
//! - sparse latency: one message at a time, written and waited for at the container;
//! - the engine's throughput with 10,000 idle proxies on its thread.

mod common;

use common::runner::{RunnerProxy, run_runner_thread};
use common::{Ends, Pair, read_blocking};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use proxy_manager::proxy_thread::{Work, run_proxy_thread};
use proxy_manager::wake_sources::WakeSources;
use std::sync::Arc;
use std::time::{Duration, Instant};

const ROUND: u64 = 64;
const MESSAGE: [u8; 64] = [0x5a; 64];
const IDLE: usize = 10_000;

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
            read_blocking(output, &mut buf);
            if let Some(counter) = counter {
                counter.add(-1).unwrap();
            }
        }
        remaining -= round;
    }
    start.elapsed()
}

/// Sends `iters` messages one at a time, each waited for at the container and handled.
fn one_at_a_time(ends: &Ends, iters: u64) -> Duration {
    let mut buf = zx::MessageBuf::new();
    let start = Instant::now();
    for _ in 0..iters {
        ends.remote.write(&MESSAGE, &mut []).unwrap();
        read_blocking(&ends.container, &mut buf);
        ends.counter.add(-1).unwrap();
    }
    start.elapsed()
}

/// The engine's proxy thread with `idle` proxies that never see traffic, and the ends of
/// one active proxy. Idle ends are kept so that their proxies stay open.
struct EngineThread {
    _sender: async_channel::Sender<Work>,
    _idle: Vec<Ends>,
    active: Ends,
}

fn engine_thread(idle: usize) -> EngineThread {
    let (sender, receiver) = async_channel::unbounded();
    run_proxy_thread(receiver).unwrap();
    let wake_sources = Arc::new(WakeSources::new(16));
    let start = || {
        let (work, ends) = Pair::new().engine(&wake_sources, None);
        sender.try_send(work).unwrap();
        ends
    };
    let idle = (0..idle).map(|_| start()).collect();
    let active = start();
    EngineThread { _sender: sender, _idle: idle, active }
}

/// The runner baseline's thread with one proxy.
struct RunnerThread {
    _sender: async_channel::Sender<RunnerProxy>,
    active: Ends,
}

fn runner_thread() -> RunnerThread {
    let (sender, receiver) = async_channel::unbounded();
    run_runner_thread(receiver);
    let (proxy, active) = Pair::new().runner(None);
    sender.try_send(proxy).unwrap();
    RunnerThread { _sender: sender, active }
}

fn benchmarks(c: &mut Criterion) {
    let engine = engine_thread(0);
    let runner = runner_thread();

    let mut group = c.benchmark_group("remote_to_container_64B");
    group.throughput(Throughput::Elements(1));
    let (a, b) = zx::Channel::create();
    group.bench_function("direct_channel", |bench| {
        bench.iter_custom(|iters| pump(&a, &b, None, iters))
    });
    group.bench_function(BenchmarkId::new("engine", 0), |bench| {
        let ends = &engine.active;
        bench.iter_custom(|iters| pump(&ends.remote, &ends.container, Some(&ends.counter), iters))
    });
    group.bench_function("runner_baseline", |bench| {
        let ends = &runner.active;
        bench.iter_custom(|iters| pump(&ends.remote, &ends.container, Some(&ends.counter), iters))
    });
    {
        let crowded = engine_thread(IDLE);
        group.bench_function(BenchmarkId::new("engine", IDLE), |bench| {
            let ends = &crowded.active;
            bench.iter_custom(|iters| {
                pump(&ends.remote, &ends.container, Some(&ends.counter), iters)
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("sparse_latency_64B");
    group.bench_function("engine", |bench| {
        bench.iter_custom(|iters| one_at_a_time(&engine.active, iters))
    });
    group.bench_function("runner_baseline", |bench| {
        bench.iter_custom(|iters| one_at_a_time(&runner.active, iters))
    });
    group.finish();
}

criterion_group!(benches, benchmarks);
criterion_main!(benches);
