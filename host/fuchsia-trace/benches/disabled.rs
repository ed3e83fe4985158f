//! Cost of trace macros while no session records their category, against an empty baseline
//! with the same argument computation.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use fuchsia_trace::{Scope, duration, instant};

fn disabled_macros(c: &mut Criterion) {
    let mut group = c.benchmark_group("trace_disabled");
    group.bench_function("baseline", |b| b.iter(|| black_box(7u64)));
    group.bench_function("duration", |b| {
        b.iter(|| {
            duration!("bench", "scope", "n" => black_box(7u64));
        })
    });
    group.bench_function("instant", |b| {
        b.iter(|| instant!("bench", "tick", Scope::Process, "n" => black_box(7u64)))
    });
    group.finish();
}

criterion_group!(benches, disabled_macros);
criterion_main!(benches);
