//! Ports of `zircon/system/utest/core/handle-transfer/handle-transfer.cc`, with the wait
//! cancellation rules of `msg_get_handles` in `zircon/kernel/lib/syscalls/channel.cc` (a
//! handle read out of a channel cancels the waits made through it) and of handle close.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use zx::{Channel, MessageBuf, NullableHandle, Signals, Status};

struct CountingWaker(AtomicUsize);
impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting_waker() -> (Arc<CountingWaker>, Waker) {
    let counter = Arc::new(CountingWaker(AtomicUsize::new(0)));
    (Arc::clone(&counter), Waker::from(counter))
}

// handle-transfer.cc, OverChannelThenRead: a channel end sent through another channel keeps
// its queued messages, in order.
#[test]
fn over_channel_then_read() {
    let (a_client, a_remote) = Channel::create();
    let (b_client, b_remote) = Channel::create();
    a_client.write(&[0], &mut []).unwrap();
    b_client.write(&[], &mut [a_remote.into_handle()]).unwrap();
    a_client.write(&[1], &mut []).unwrap();
    let mut buf = MessageBuf::new();
    b_remote.read(&mut buf).unwrap();
    assert_eq!(buf.n_handles(), 1);
    let a_remote = Channel::from(buf.take_handle(0).unwrap());
    a_client.write(&[2], &mut []).unwrap();
    for i in 0..3u8 {
        a_remote.read(&mut buf).unwrap();
        assert_eq!(buf.bytes(), &[i]);
        assert_eq!(buf.n_handles(), 0);
    }
}

// handle-transfer.cc, CancelsWait: a wait on a handle survives the handle being written into
// a channel and is canceled when the handle is read out (behaviour 9). The kernel test waits
// in `zx_object_wait_one` on another thread; here the wait is a registered `SignalWait`, whose
// state the test can observe without polling a thread's state.
#[test]
fn reading_a_transferred_handle_out_cancels_its_wait() {
    let (a0, _a1) = Channel::create();
    let (b0, b1) = Channel::create();
    let (woken, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut wait =
        zx::host::SignalWait::new(a0.as_handle_ref(), Signals::CHANNEL_PEER_CLOSED).unwrap();
    assert_eq!(wait.poll(&mut cx), Poll::Pending);

    b0.write(&[], &mut [a0.into_handle()]).unwrap();
    assert_eq!(woken.0.load(Ordering::SeqCst), 0, "the write does not cancel the wait");
    assert_eq!(wait.poll(&mut cx), Poll::Pending);

    let mut buf = MessageBuf::new();
    b1.read(&mut buf).unwrap();
    assert_eq!(buf.n_handles(), 1);
    assert_eq!(woken.0.load(Ordering::SeqCst), 1);
    assert_eq!(wait.poll(&mut cx), Poll::Ready(Err(Status::CANCELED)));
}

// The kernel cancels the waits made through a handle when the handle is destroyed; a
// transferred handle destroyed with its unread message cancels them too.
#[test]
fn destroying_a_transferred_handle_cancels_its_wait() {
    let (a0, _a1) = Channel::create();
    let (b0, b1) = Channel::create();
    let (woken, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut wait =
        zx::host::SignalWait::new(a0.as_handle_ref(), Signals::CHANNEL_READABLE).unwrap();
    assert_eq!(wait.poll(&mut cx), Poll::Pending);
    b0.write(&[], &mut [a0.into_handle()]).unwrap();
    drop(b1);
    assert_eq!(woken.0.load(Ordering::SeqCst), 1);
    assert_eq!(wait.poll(&mut cx), Poll::Ready(Err(Status::CANCELED)));
}

// A wait made through one handle is not canceled by closing another handle to the object.
#[test]
fn closing_another_handle_to_the_object_leaves_the_wait() {
    let event = zx::Event::create();
    let other = event.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    let (woken, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut wait = zx::host::SignalWait::new(event.as_handle_ref(), Signals::USER_0).unwrap();
    assert_eq!(wait.poll(&mut cx), Poll::Pending);
    drop(other);
    assert_eq!(woken.0.load(Ordering::SeqCst), 0);
    assert_eq!(wait.poll(&mut cx), Poll::Pending);
    // SAFETY: closes `event`'s handle through an alias; `event` is forgotten afterwards.
    drop(unsafe { NullableHandle::from_raw(event.raw_handle()) });
    std::mem::forget(event);
    assert_eq!(wait.poll(&mut cx), Poll::Ready(Err(Status::CANCELED)));
}
