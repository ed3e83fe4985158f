//! Cost of waking a task through `zx::host::SignalWait`: a channel round trip to an echo
//! thread, awaited with `fasync::Channel::recv_msg` on a LocalExecutor, against the same
//! round trip with a blocking `wait_one` (the baseline, run in the same process).

use criterion::{Criterion, criterion_group, criterion_main};
use fuchsia_async as fasync;

/// Echoes every message back until the peer closes.
fn spawn_echo(channel: zx::Channel) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = zx::MessageBuf::new();
        loop {
            if channel
                .wait_one(
                    zx::Signals::CHANNEL_READABLE | zx::Signals::CHANNEL_PEER_CLOSED,
                    zx::MonotonicInstant::INFINITE,
                )
                .to_result()
                .is_err()
            {
                return;
            }
            match channel.read(&mut buf) {
                Ok(()) => {
                    if channel.write(buf.bytes(), &mut []).is_err() {
                        return;
                    }
                }
                Err(_) => return,
            }
        }
    })
}

fn round_trip(c: &mut Criterion) {
    let mut group = c.benchmark_group("channel_round_trip");

    let (local, remote) = zx::Channel::create();
    let echo = spawn_echo(remote);
    let mut buf = zx::MessageBuf::new();
    group.bench_function("baseline_blocking_wait_one", |b| {
        b.iter(|| {
            local.write(b"ping", &mut []).unwrap();
            local
                .wait_one(zx::Signals::CHANNEL_READABLE, zx::MonotonicInstant::INFINITE)
                .to_result()
                .unwrap();
            local.read(&mut buf).unwrap();
        })
    });
    drop(local);
    echo.join().unwrap();

    let (local, remote) = zx::Channel::create();
    let echo = spawn_echo(remote);
    let local = fasync::Channel::from_channel(local);
    let mut executor = fasync::LocalExecutor::default();
    group.bench_function("fasync_channel_recv_msg", |b| {
        b.iter(|| {
            executor.run_singlethreaded(async {
                local.write(b"ping", &mut []).unwrap();
                local.recv_msg(&mut buf).await.unwrap();
            })
        })
    });
    drop(local);
    echo.join().unwrap();
    group.finish();
}

criterion_group!(benches, round_trip);
criterion_main!(benches);
