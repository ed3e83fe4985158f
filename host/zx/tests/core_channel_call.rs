//! Ports of the `ChannelTest` call cases of `zircon/system/utest/core/channel/channel.cc`, and
//! the call and write rules of `zircon/kernel/lib/syscalls/channel.cc` (`channel_write`,
//! `channel_call_noretry`) and `zircon/kernel/object/channel_dispatcher.cc` (`Call`,
//! `TryWriteToMessageWaiter`, `on_zero_handles_locked`, `WriteSelf`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use zx::{
    AsHandleRef, Channel, Event, EventPair, MessageBuf, MonotonicInstant, NullableHandle, Peered,
    Rights, Signals, Status,
};

fn asserted(handle: &impl AsHandleRef) -> Signals {
    match handle.as_handle_ref().wait_one(Signals::NONE, MonotonicInstant::INFINITE_PAST) {
        zx::WaitResult::TimedOut(signals) | zx::WaitResult::Ok(signals) => signals,
        other => panic!("unexpected {other:?}"),
    }
}

/// Answers one request on `server` with `reply_body` after its transaction id.
fn answer_one(server: &Channel, reply_body: &[u8], handles: &mut [NullableHandle]) {
    server.wait_one(Signals::CHANNEL_READABLE, MonotonicInstant::INFINITE).unwrap();
    let mut request = MessageBuf::new();
    server.read(&mut request).unwrap();
    let mut reply = request.bytes()[..4].to_vec();
    reply.extend_from_slice(reply_body);
    server.write(&reply, handles).unwrap();
}

struct CountingWaker(AtomicUsize);
impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

// channel.cc, CallWrittenBytesSmallerThanZxTxIdReturnsInvalidArgs; and `channel_call_noretry`
// returns before cancelling its cleanup, so the handles are consumed (behaviour 5).
#[test]
fn call_shorter_than_a_txid_is_invalid_args_and_consumes_handles() {
    let (local, remote) = Channel::create();
    let (end, peer) = EventPair::create();
    let mut reply = MessageBuf::new();
    assert_eq!(
        local.call(MonotonicInstant::INFINITE, &[0; 3], &mut [end.into_handle()], &mut reply),
        Err(Status::INVALID_ARGS)
    );
    assert!(peer.is_closed().unwrap());
    assert_eq!(remote.read(&mut MessageBuf::new()), Err(Status::SHOULD_WAIT));
}

// `channel_call_noretry` asks for READ and WRITE before anything is written (behaviour 6).
#[test]
fn call_without_read_sends_nothing_and_consumes_handles() {
    let (local, remote) = Channel::create();
    let write_only = local.replace_handle(Rights::WRITE | Rights::WAIT).unwrap();
    let (end, peer) = EventPair::create();
    let mut reply = MessageBuf::new();
    assert_eq!(
        write_only.call(MonotonicInstant::INFINITE, &[0; 8], &mut [end.into_handle()], &mut reply),
        Err(Status::ACCESS_DENIED)
    );
    assert!(peer.is_closed().unwrap());
    assert_eq!(remote.read(&mut MessageBuf::new()), Err(Status::SHOULD_WAIT));
}

// channel.cc, CallBytesFitIsOk / CallHandlesFitIsOk / CallConsumesHandlesOnSuccess.
#[test]
fn call_round_trips_bytes_and_handles_and_consumes_the_request_handles() {
    let (local, remote) = Channel::create();
    let server = std::thread::spawn(move || {
        answer_one(
            &remote,
            &[1, 2],
            &mut [Event::create().into_handle(), Event::create().into_handle()],
        );
        remote
    });
    let (a, b) = (Event::create(), Event::create());
    let (raw_a, raw_b) = (a.raw_handle(), b.raw_handle());
    let mut reply = MessageBuf::new();
    local
        .call(
            MonotonicInstant::INFINITE,
            &[0; 6],
            &mut [a.into_handle(), b.into_handle()],
            &mut reply,
        )
        .unwrap();
    let _remote = server.join().unwrap();
    assert_eq!(&reply.bytes()[4..], &[1, 2]);
    assert_eq!(reply.n_handles(), 2);
    for raw in [raw_a, raw_b] {
        // SAFETY: only observes that the value is gone.
        let gone = unsafe { NullableHandle::from_raw(raw) };
        assert_eq!(gone.koid(), Err(Status::BAD_HANDLE));
        std::mem::forget(gone);
    }
}

// channel.cc, CallConsumesHandlesOnError.
#[test]
fn call_consumes_handles_on_error() {
    let (local, remote) = Channel::create();
    drop(remote);
    let (end, peer) = EventPair::create();
    let mut reply = MessageBuf::new();
    assert_eq!(
        local.call(MonotonicInstant::INFINITE, &[0; 4], &mut [end.into_handle()], &mut reply),
        Err(Status::PEER_CLOSED)
    );
    assert!(peer.is_closed().unwrap());
}

// channel.cc, CallNotifiedOnPeerClosed.
#[test]
fn call_notified_on_peer_closed() {
    let (local, remote) = Channel::create();
    let server = std::thread::spawn(move || {
        remote.wait_one(Signals::CHANNEL_READABLE, MonotonicInstant::INFINITE).unwrap();
        drop(remote);
    });
    let mut reply = MessageBuf::new();
    assert_eq!(
        local.call(MonotonicInstant::INFINITE, &[0; 4], &mut [], &mut reply),
        Err(Status::PEER_CLOSED)
    );
    server.join().unwrap();
}

// channel.cc, CallDeadlineExceededReturnsTimedOut.
#[test]
fn call_deadline_exceeded_returns_timed_out() {
    let (local, remote) = Channel::create();
    let mut reply = MessageBuf::new();
    assert_eq!(
        local.call(MonotonicInstant::INFINITE_PAST, &[0; 4], &mut [], &mut reply),
        Err(Status::TIMED_OUT)
    );
    // The request was sent; a late reply to it is an ordinary message.
    let mut request = MessageBuf::new();
    remote.read(&mut request).unwrap();
    remote.write(request.bytes(), &mut []).unwrap();
    local.read(&mut reply).unwrap();
    assert_eq!(reply.bytes(), request.bytes());
}

// channel.cc, CallPendingTransactionsUseDifferentIds: 20 concurrent calls on one channel get
// distinct kernel transaction ids (high bit set) and each gets its own reply.
#[test]
fn call_pending_transactions_use_different_ids() {
    const CALLS: usize = 20;
    let (local, remote) = Channel::create();
    let local = Arc::new(local);
    let callers: Vec<_> = (0..CALLS)
        .map(|i| {
            let local = Arc::clone(&local);
            std::thread::spawn(move || {
                let mut reply = MessageBuf::new();
                local.call(
                    MonotonicInstant::INFINITE,
                    &[0, 0, 0, 0, i as u8],
                    &mut [],
                    &mut reply,
                )?;
                Ok::<_, Status>(reply.bytes()[4])
            })
        })
        .collect();
    let mut requests = Vec::new();
    while requests.len() < CALLS {
        remote.wait_one(Signals::CHANNEL_READABLE, MonotonicInstant::INFINITE).unwrap();
        let mut request = MessageBuf::new();
        remote.read(&mut request).unwrap();
        requests.push(request.bytes().to_vec());
    }
    let mut ids: Vec<u32> =
        requests.iter().map(|r| u32::from_le_bytes(r[..4].try_into().unwrap())).collect();
    assert!(ids.iter().all(|id| id & 0x8000_0000 != 0));
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), CALLS);
    for request in &requests {
        remote.write(request, &mut []).unwrap();
    }
    let mut answers: Vec<u8> = callers.into_iter().map(|c| c.join().unwrap().unwrap()).collect();
    answers.sort_unstable();
    assert_eq!(answers, (0..CALLS as u8).collect::<Vec<_>>());
}

// `TryWriteToMessageWaiter` in channel_dispatcher.cc: the reply goes straight to the waiting
// call; it is never queued and never raises READABLE on the caller's end (behaviour 8).
#[test]
fn a_call_reply_never_enters_the_queue() {
    let (local, remote) = Channel::create();
    let local = Arc::new(local);
    let caller = {
        let local = Arc::clone(&local);
        std::thread::spawn(move || {
            let mut reply = MessageBuf::new();
            local
                .call(MonotonicInstant::INFINITE, &[0, 0, 0, 0, 7], &mut [], &mut reply)
                .map(|()| reply)
        })
    };
    remote.wait_one(Signals::CHANNEL_READABLE, MonotonicInstant::INFINITE).unwrap();
    let mut request = MessageBuf::new();
    remote.read(&mut request).unwrap();

    let woken = Arc::new(CountingWaker(AtomicUsize::new(0)));
    let waker = Waker::from(Arc::clone(&woken));
    let mut readable =
        zx::host::SignalWait::new(local.as_handle_ref(), Signals::CHANNEL_READABLE).unwrap();
    assert_eq!(readable.poll(&mut Context::from_waker(&waker)), Poll::Pending);

    remote.write(request.bytes(), &mut []).unwrap();
    let reply = caller.join().unwrap().unwrap();
    assert_eq!(reply.bytes(), request.bytes());
    assert_eq!(woken.0.load(Ordering::SeqCst), 0, "READABLE was never raised");
    assert!(!asserted(&*local).contains(Signals::CHANNEL_READABLE));
    assert_eq!(local.read(&mut MessageBuf::new()), Err(Status::SHOULD_WAIT));
}

// `on_zero_handles_locked` in channel_dispatcher.cc: closing the caller's own end cancels the
// pending call (behaviour 7).
#[test]
fn closing_the_callers_end_cancels_the_call() {
    let (local, remote) = Channel::create();
    let raw = local.raw_handle();
    let caller = std::thread::spawn(move || {
        // SAFETY: the handle stays open until the main thread closes it, which is what the
        // call observes; the borrow never closes it.
        let local = unsafe { zx::Unowned::<Channel>::from_raw_handle(raw) };
        let mut reply = MessageBuf::new();
        local.call(MonotonicInstant::INFINITE, &[0; 4], &mut [], &mut reply)
    });
    // Once the request is readable, the call is registered (it registers before writing).
    remote.wait_one(Signals::CHANNEL_READABLE, MonotonicInstant::INFINITE).unwrap();
    drop(local);
    assert_eq!(caller.join().unwrap(), Err(Status::CANCELED));
}

// `common_handle_checks_locked` in user_handles.cc checks TRANSFER before the channel's own
// handle (behaviour 4).
#[test]
fn writing_a_channel_without_transfer_into_itself_is_access_denied() {
    let (local, _remote) = Channel::create();
    let local = local.replace_handle(Rights::CHANNEL_DEFAULT - Rights::TRANSFER).unwrap();
    // SAFETY: aliases `local`'s handle; the write consumes it, so `local` is forgotten after.
    let alias = unsafe { NullableHandle::from_raw(local.raw_handle()) };
    assert_eq!(local.write(b"", &mut [alias]), Err(Status::ACCESS_DENIED));
    assert_eq!(local.koid(), Err(Status::BAD_HANDLE));
    std::mem::forget(local);
}

// `WriteSelf` in channel_dispatcher.cc: 3,500 queued messages are fine; the write that leaves
// 3,501 still queues its message, then raises ZX_EXCP_POLICY_CODE_CHANNEL_FULL_WRITE on the
// writer. With no handler (a thread outside any component instance) the writer panics,
// naming the channel.
#[test]
fn overflowing_a_channel_raises_the_channel_full_policy_exception() {
    let (writer, reader) = Channel::create();
    for _ in 0..zx::host::MAX_PENDING_CHANNEL_MESSAGES {
        writer.write(b"m", &mut []).unwrap();
    }
    let receiver = reader.koid().unwrap().raw_koid();
    let panic = std::panic::catch_unwind(|| writer.write(b"last", &mut [])).unwrap_err();
    let message = panic.downcast_ref::<String>().expect("a formatted panic message");
    assert!(message.contains("ZX_EXCP_POLICY_CODE_CHANNEL_FULL_WRITE"), "{message}");
    assert!(message.contains(&format!("channel {receiver} ")), "{message}");
    let mut buf = MessageBuf::new();
    let mut count = 0;
    while reader.read(&mut buf).is_ok() {
        count += 1;
    }
    assert_eq!(count, 3501);
    assert_eq!(buf.bytes(), b"last");
}
