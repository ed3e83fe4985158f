//! Async Socket: the in-tree `src/lib/fuchsia-async/src/handle/zircon/socket.rs` tests
//! (without their timers), plus reads and writes racing another thread across more than a
//! socket buffer, so that both directions wait and are woken.

use fasync::{ReadableHandle, ReadableState, WritableHandle, WritableState};
use fuchsia_async as fasync;
use futures::FutureExt;
use futures::future::poll_fn;
use futures::io::{AsyncReadExt, AsyncWriteExt};
use futures::stream::TryStreamExt;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// One socket buffer (`MBufChain::kSizeMax`).
const BUFFER_MAX: usize = 258_048;

/// Bytes that need several buffer refills: 1 MiB, not a multiple of the buffer.
fn payload() -> Vec<u8> {
    (0..1 << 20).map(|i: u32| (i % 251) as u8).collect()
}

/// Writes all of `bytes` with blocking waits, as another process would.
fn blocking_write_all(socket: &zx::Socket, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        match socket.write(bytes) {
            Ok(n) => bytes = &bytes[n..],
            Err(zx::Status::SHOULD_WAIT) => {
                socket
                    .wait_one(zx::Signals::SOCKET_WRITABLE, zx::MonotonicInstant::INFINITE)
                    .to_result()
                    .unwrap();
            }
            Err(status) => panic!("write failed: {status}"),
        }
    }
}

/// Reads to the end with blocking waits.
fn blocking_read_to_end(socket: &zx::Socket) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = vec![0; 64 * 1024];
    loop {
        match socket.read(&mut buf) {
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(zx::Status::SHOULD_WAIT) => {
                socket
                    .wait_one(
                        zx::Signals::SOCKET_READABLE | zx::Signals::SOCKET_PEER_CLOSED,
                        zx::MonotonicInstant::INFINITE,
                    )
                    .to_result()
                    .unwrap();
            }
            Err(zx::Status::PEER_CLOSED) => return out,
            Err(status) => panic!("read failed: {status}"),
        }
    }
}

#[test]
fn read_to_end_across_threads_ends_at_peer_closed() {
    let (tx, rx) = zx::Socket::create_stream();
    let expected = payload();
    let sent = expected.clone();
    let writer = std::thread::spawn(move || blocking_write_all(&tx, &sent));
    let mut rx = fasync::Socket::from_socket(rx);
    let received = fasync::SendExecutorBuilder::new().num_threads(2).build().run(async move {
        let mut out = Vec::new();
        rx.read_to_end(&mut out).await.unwrap();
        out
    });
    writer.join().unwrap();
    assert_eq!(received.len(), expected.len());
    assert!(received == expected);
}

#[test]
fn write_all_waits_for_room_while_another_thread_reads() {
    let (tx, rx) = zx::Socket::create_stream();
    let reader = std::thread::spawn(move || blocking_read_to_end(&rx));
    let expected = payload();
    let sent = expected.clone();
    fasync::LocalExecutor::default().run_singlethreaded(async move {
        let mut tx = fasync::Socket::from_socket(tx);
        tx.write_all(&sent).await.unwrap();
    });
    assert!(reader.join().unwrap() == expected);
}

#[test]
fn can_read_write_on_one_executor() {
    let (tx, rx) = zx::Socket::create_stream();
    let (mut tx, mut rx) = (fasync::Socket::from_socket(tx), fasync::Socket::from_socket(rx));
    let bytes = payload();
    let received = fasync::LocalExecutor::default().run_singlethreaded(async {
        let receive = async {
            let mut out = Vec::new();
            rx.read_to_end(&mut out).await.unwrap();
            out
        };
        let send = async move {
            tx.write_all(&bytes).await.unwrap();
            drop(tx);
        };
        futures::join!(receive, send).0
    });
    assert!(received == payload());
}

// The peer disabling its writes ends the stream (BAD_STATE read as `Ok(0)`); this end's own
// disabled writes fail with BAD_STATE; writing to a closed peer fails with PEER_CLOSED.
#[test]
fn write_disabled_ends_reads_and_fails_writes() {
    let (a, b) = zx::Socket::create_stream();
    a.write(b"last").unwrap();
    // `half_close` disables the peer's writes.
    b.half_close().unwrap();
    let (mut a, mut b) = (fasync::Socket::from_socket(a), fasync::Socket::from_socket(b));
    let mut executor = fasync::LocalExecutor::default();
    let out = executor.run_singlethreaded(async {
        let mut out = Vec::new();
        b.read_to_end(&mut out).await.unwrap();
        out
    });
    assert_eq!(out, b"last");
    let error = executor.run_singlethreaded(a.write_all(b"more")).unwrap_err();
    assert_eq!(
        poll_fn(|cx| a.poll_write_ref(cx, b"more")).now_or_never(),
        Some(Err(zx::Status::BAD_STATE))
    );
    assert_eq!(error.to_string(), zx::Status::BAD_STATE.into_io_error().to_string());
    drop(a);
    assert_eq!(
        poll_fn(|cx| b.poll_write_ref(cx, b"x")).now_or_never(),
        Some(Err(zx::Status::PEER_CLOSED))
    );
    assert!(executor.run_singlethreaded(b.write_all(b"x")).is_err());
}

// can_read_datagram.
#[test]
fn can_read_datagram() {
    let (tx, rx) = zx::Socket::create_datagram();
    let rx = fasync::Socket::from_socket(rx);
    tx.write(&[0, 1]).unwrap();
    tx.write(&[2, 3, 4, 5]).unwrap();
    let mut out = vec![50];
    let mut executor = fasync::LocalExecutor::default();
    assert_eq!(executor.run_singlethreaded(rx.read_datagram(&mut out)), Ok(2));
    assert_eq!(out, [50, 0, 1]);
    assert_eq!(executor.run_singlethreaded(rx.read_datagram(&mut out)), Ok(4));
    assert_eq!(out, [50, 0, 1, 2, 3, 4, 5]);
}

// stream_datagram: the stream ends when the peer closes.
#[test]
fn datagram_stream_ends_at_peer_closed() {
    let (tx, rx) = zx::Socket::create_datagram();
    let mut rx = fasync::Socket::from_socket(rx).into_datagram_stream();
    for size in 1..=20usize {
        tx.write(&vec![size as u8; size]).unwrap();
    }
    drop(tx);
    let count = fasync::LocalExecutor::default().run_singlethreaded(async move {
        let mut count = 0;
        while let Some(packet) = rx.try_next().await.unwrap() {
            count += 1;
            assert_eq!(packet, vec![count as u8; count]);
        }
        count
    });
    assert_eq!(count, 20);
}

// A datagram arriving from another thread wakes a waiting `read_datagram`.
#[test]
fn read_datagram_waits_for_another_thread() {
    let mut executor = fasync::TestExecutor::new();
    let (tx, rx) = zx::Socket::create_datagram();
    let rx = fasync::Socket::from_socket(rx);
    let mut out = Vec::new();
    {
        let mut read = pin!(rx.read_datagram(&mut out));
        assert_eq!(executor.run_until_stalled(&mut read), Poll::Pending);
        std::thread::spawn(move || tx.write(b"late").map(|_| tx)).join().unwrap().unwrap();
        assert_eq!(executor.run_until_stalled(&mut read), Poll::Ready(Ok(4)));
    }
    assert_eq!(out, b"late");
    let mut stream = rx.as_datagram_stream();
    assert_eq!(executor.run_singlethreaded(stream.try_next()), Ok(None));
}

// peer_closed_signal_raised.
#[test]
fn peer_closed_signal_raised() {
    let mut executor = fasync::TestExecutor::new();
    let (s1, s2) = zx::Socket::create_stream();
    let mut s2 = fasync::Socket::from_socket(s2);
    let _ = executor.run_until_stalled(&mut pin!(async {
        let _ = s2.read(&mut [0; 16]).await;
    }));
    drop(s1);
    let mut readable = poll_fn(|cx| s2.poll_readable(cx));
    assert_eq!(
        executor.run_until_stalled(&mut readable),
        Poll::Ready(Ok(ReadableState::MaybeReadableAndClosed))
    );
    assert!(s2.is_closed());
    assert_eq!(s2.on_closed().now_or_never(), Some(Ok(zx::Signals::SOCKET_PEER_CLOSED)));
    let mut writable = poll_fn(|cx| s2.poll_writable(cx));
    assert_eq!(executor.run_until_stalled(&mut writable), Poll::Ready(Ok(WritableState::Closed)));
}

// need_read_ensures_freshness.
#[test]
fn need_readable_ensures_freshness() {
    let mut executor = fasync::TestExecutor::new();
    let (s1, s2) = zx::Socket::create_stream();
    let s2 = fasync::Socket::from_socket(s2);
    let mut readable = poll_fn(|cx| s2.poll_readable(cx));
    assert!(executor.run_until_stalled(&mut readable).is_ready());
    assert!(s2.need_readable(&mut Context::from_waker(Waker::noop())).is_pending());
    let mut readable = poll_fn(|cx| s2.poll_readable(cx));
    assert!(executor.run_until_stalled(&mut readable).is_pending());
    assert_eq!(s1.write(b"hello!"), Ok(6));
    assert!(executor.run_until_stalled(&mut readable).is_ready());
}

// need_write_ensures_freshness.
#[test]
fn need_writable_ensures_freshness() {
    let mut executor = fasync::TestExecutor::new();
    let (s1, s2) = zx::Socket::create_stream();
    let info = s2.info().unwrap();
    assert_eq!(info.tx_buf_max, BUFFER_MAX);
    assert_eq!(s2.write(&vec![0; info.tx_buf_max]), Ok(BUFFER_MAX));
    let s2 = fasync::Socket::from_socket(s2);
    let mut writable = poll_fn(|cx| s2.poll_writable(cx));
    assert!(executor.run_until_stalled(&mut writable).is_ready());
    assert!(s2.need_writable(&mut Context::from_waker(Waker::noop())).is_pending());
    let mut writable = poll_fn(|cx| s2.poll_writable(cx));
    assert!(executor.run_until_stalled(&mut writable).is_pending());
    assert_eq!(s1.read(&mut [0; 10]), Ok(10));
    assert_eq!(executor.run_until_stalled(&mut writable), Poll::Ready(Ok(WritableState::Writable)));
}

// A wait error (no WAIT right) is reported, not swallowed.
#[test]
fn a_handle_without_wait_reports_access_denied_when_it_must_wait() {
    let (_s1, s2) = zx::Socket::create_stream();
    let s2 = s2.replace_handle(zx::Rights::SOCKET_DEFAULT - zx::Rights::WAIT).unwrap();
    let s2 = fasync::Socket::from_socket(s2);
    let mut read = pin!(async { (&s2).read(&mut [0; 4]).await });
    let error = match fasync::TestExecutor::new().run_until_stalled(&mut read) {
        Poll::Ready(Err(error)) => error,
        other => panic!("unexpected {other:?}"),
    };
    assert_eq!(error.to_string(), zx::Status::ACCESS_DENIED.into_io_error().to_string());
    let socket = s2.into_zx_socket();
    assert_eq!(socket.read(&mut [0; 4]), Err(zx::Status::SHOULD_WAIT));
}

struct BadSpec;

impl fasync::RWHandleSpec for BadSpec {
    const READABLE_SIGNALS: zx::Signals = zx::Signals::OBJECT_READABLE;
    const WRITABLE_SIGNALS: zx::Signals = zx::Signals::OBJECT_READABLE;
}

#[test]
#[should_panic(expected = "signals may not intersect")]
fn rw_handle_specs_must_not_intersect() {
    let (a, _b) = zx::Socket::create_stream();
    let _ = fasync::RWHandle::<_, BadSpec>::new_with_spec(a);
}

// The kernel calls of the in-tree executor, as `zx::host::counters` records them: a read that
// finds bytes makes no wait; one that finds none arms exactly one wait, delivered once; a
// socket dropped with its wait armed cancels it.
#[test]
fn reads_arm_one_wait_only_after_should_wait() {
    use zx::host::counters;
    let (tx, rx) = zx::Socket::create_stream();
    let rx = fasync::Socket::from_socket(rx);
    let mut cx = Context::from_waker(Waker::noop());
    let mut buf = [0; 16];
    tx.write(b"queued").unwrap();

    let start = counters::current_thread();
    assert_eq!(rx.poll_read_ref(&mut cx, &mut buf), Poll::Ready(Ok(6)));
    let found = counters::current_thread().since(&start);
    assert_eq!((found.syscalls, found.wait_async), (1, 0));

    let start = counters::current_thread();
    assert_eq!(rx.poll_read_ref(&mut cx, &mut buf), Poll::Pending);
    tx.write(b"more").unwrap();
    assert_eq!(rx.poll_read_ref(&mut cx, &mut buf), Poll::Ready(Ok(4)));
    let waited = counters::current_thread().since(&start);
    assert_eq!((waited.wait_async, waited.port_waits, waited.port_cancels), (1, 1, 0));

    let start = counters::current_thread();
    assert_eq!(rx.poll_read_ref(&mut cx, &mut buf), Poll::Pending);
    drop(rx);
    let dropped = counters::current_thread().since(&start);
    assert_eq!((dropped.wait_async, dropped.port_waits, dropped.port_cancels), (1, 0, 1));
}

// A reader waiting on an empty socket is woken by the peer's writes being disabled
// (SOCKET_PEER_WRITE_DISABLED is one of its readable signals) and reads the end of the stream.
#[test]
fn a_waiting_reader_is_woken_when_the_peer_disables_its_writes() {
    let mut executor = fasync::TestExecutor::new();
    let (a, b) = zx::Socket::create_stream();
    let mut b = fasync::Socket::from_socket(b);
    let mut buf = [0; 8];
    let mut read = pin!(b.read(&mut buf));
    assert!(executor.run_until_stalled(&mut read).is_pending());
    let a = std::thread::spawn(move || {
        a.set_disposition(Some(zx::SocketWriteDisposition::Disabled), None).unwrap();
        a
    })
    .join()
    .unwrap();
    assert!(matches!(executor.run_until_stalled(&mut read), Poll::Ready(Ok(0))));
    assert_eq!(a.write(b"x"), Err(zx::Status::BAD_STATE));
}
