// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! The cost of writing one instant event with two arguments into a trace buffer, against
//! two baselines measured in the same run: encoding the record alone, and one VMO write of
//! the same bytes.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::{Duration, Instant};
use trace_engine::{
    Arg, ArgValue, BufferingMode, Event, EventPayload, Record, Scope, StringRef, ThreadRef,
    TraceBuffer,
};

const ARGS: [Arg<'static>; 2] = [
    Arg { name: StringRef::Inline("ordinal"), value: ArgValue::Uint64(0x1234_5678_9abc_def0) },
    Arg { name: StringRef::Inline("pending"), value: ArgValue::Int32(3) },
];

fn event(ticks: u64) -> Record<'static> {
    Record::Event(Event {
        ticks,
        thread: ThreadRef::Inline { process_koid: 1030, thread_koid: 1031 },
        category: StringRef::Inline("starnix_proxy"),
        name: StringRef::Inline("wake"),
        args: &ARGS,
        payload: EventPayload::Instant { scope: Scope::Thread },
    })
}

/// Buffers are this big at most; a run needing more records uses several.
const BUFFER_BYTES: u64 = 64 << 20;

fn bench(c: &mut Criterion) {
    let record_bytes = event(0).to_bytes().unwrap();
    let mut group = c.benchmark_group("instant_2_args");
    group.bench_function("encode", |b| b.iter(|| black_box(event(black_box(7)).to_bytes())));
    group.bench_function("vmo_write", |b| {
        let vmo = zx::Vmo::create(4096).unwrap();
        b.iter(|| vmo.write(black_box(&record_bytes), 128).unwrap())
    });
    group.bench_function("buffer_write", |b| {
        b.iter_custom(|iters| {
            let per_buffer = (BUFFER_BYTES - 4096) / record_bytes.len() as u64;
            let mut left = iters;
            let mut elapsed = Duration::ZERO;
            while left > 0 {
                let count = left.min(per_buffer);
                let vmo = zx::Vmo::create(BUFFER_BYTES).unwrap();
                let buffer =
                    TraceBuffer::start(vmo, BufferingMode::Oneshot, 1_000_000_000).unwrap();
                let start = Instant::now();
                for i in 0..count {
                    buffer.write(black_box(&event(i))).unwrap();
                }
                elapsed += start.elapsed();
                left -= count;
            }
            elapsed
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
