//! Emulated channel write+read against crossbeam-channel send+recv of the same `Vec<u8>`, for
//! 64 B and 64 KiB messages. The ratio of the two is what the README reports.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::mem::MaybeUninit;

const SIZES: [usize; 2] = [64, 64 * 1024];

fn channel_round_trip(c: &mut Criterion) {
    let mut group = c.benchmark_group("channel_write_read");
    for size in SIZES {
        group.throughput(Throughput::Bytes(size as u64));
        let message = vec![0xa5u8; size];

        let (tx, rx) = zx::Channel::create();
        let mut bytes = vec![MaybeUninit::uninit(); zx::sys::ZX_CHANNEL_MAX_MSG_BYTES as usize];
        let mut handles: Vec<MaybeUninit<zx::NullableHandle>> = Vec::new();
        group.bench_with_input(BenchmarkId::new("zx_channel", size), &message, |b, message| {
            b.iter(|| {
                tx.write(black_box(message), &mut []).unwrap();
                let (read, _) = rx.read_uninit(&mut bytes, &mut handles).unwrap();
                black_box(read.len())
            })
        });

        let (sender, receiver) = crossbeam_channel::unbounded::<Vec<u8>>();
        group.bench_with_input(BenchmarkId::new("crossbeam_vec", size), &message, |b, message| {
            b.iter(|| {
                sender.send(black_box(message.clone())).unwrap();
                black_box(receiver.recv().unwrap().len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, channel_round_trip);
criterion_main!(benches);
