//! OnSignals: immediate readiness, waker registration, wakes from other threads, errors.

use fuchsia_async as fasync;
use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll};

/// Counts how often the wrapped future is polled.
struct CountPolls<F> {
    future: F,
    polls: usize,
}

impl<F: Future + Unpin> Future for CountPolls<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls += 1;
        Pin::new(&mut self.future).poll(cx)
    }
}

#[test]
fn already_asserted_signal_resolves_at_once_with_all_asserted_signals() {
    let mut executor = fasync::TestExecutor::new();
    let event = zx::Event::create();
    event.signal(zx::Signals::NONE, zx::Signals::EVENT_SIGNALED | zx::Signals::USER_1).unwrap();
    let mut wait = fasync::OnSignals::new(&event, zx::Signals::EVENT_SIGNALED);
    assert_eq!(
        executor.run_until_stalled(&mut wait),
        Poll::Ready(Ok(zx::Signals::EVENT_SIGNALED | zx::Signals::USER_1))
    );
}

#[test]
fn waits_without_polling_until_signaled() {
    let mut executor = fasync::TestExecutor::new();
    let event = zx::Event::create();
    let mut wait =
        CountPolls { future: fasync::OnSignals::new(&event, zx::Signals::USER_0), polls: 0 };
    assert_eq!(executor.run_until_stalled(&mut wait), Poll::Pending);
    // Stalled after a single poll: the future registered a waker instead of spinning.
    assert_eq!(wait.polls, 1);
    assert_eq!(executor.run_until_stalled(&mut wait), Poll::Pending);
    event.signal(zx::Signals::NONE, zx::Signals::USER_0).unwrap();
    assert_eq!(executor.run_until_stalled(&mut wait), Poll::Ready(Ok(zx::Signals::USER_0)));
}

#[test]
fn a_signal_from_another_thread_wakes_the_executor() {
    let event = zx::Event::create();
    let remote = event.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    let signals = fasync::LocalExecutor::default().run_singlethreaded(async move {
        let signaller = std::thread::spawn(move || {
            remote.signal(zx::Signals::NONE, zx::Signals::EVENT_SIGNALED).unwrap();
        });
        let signals = fasync::OnSignals::new(&event, zx::Signals::EVENT_SIGNALED).await;
        signaller.join().unwrap();
        signals
    });
    assert_eq!(signals, Ok(zx::Signals::EVENT_SIGNALED));
}

#[test]
fn a_signal_from_another_thread_wakes_a_send_executor() {
    let (local, remote) = zx::EventPair::create();
    let signals = fasync::SendExecutorBuilder::new().num_threads(2).build().run(async move {
        let signaller = std::thread::spawn(move || drop(remote));
        let signals = fasync::OnSignals::new(&local, zx::Signals::EVENTPAIR_PEER_CLOSED).await;
        signaller.join().unwrap();
        signals
    });
    assert!(signals.unwrap().contains(zx::Signals::EVENTPAIR_PEER_CLOSED));
}

#[test]
fn invalid_handle_is_bad_handle() {
    let mut executor = fasync::TestExecutor::new();
    let mut wait = fasync::OnSignals::new(zx::NullableHandle::invalid(), zx::Signals::USER_0);
    assert_eq!(executor.run_until_stalled(&mut wait), Poll::Ready(Err(zx::Status::BAD_HANDLE)));
}

#[test]
fn handle_without_wait_right_is_access_denied() {
    let mut executor = fasync::TestExecutor::new();
    let event = zx::Event::create();
    let no_wait = event.duplicate_handle(zx::Rights::TRANSFER).unwrap();
    let mut wait = fasync::OnSignals::new(&no_wait, zx::Signals::USER_0);
    assert_eq!(executor.run_until_stalled(&mut wait), Poll::Ready(Err(zx::Status::ACCESS_DENIED)));
}

#[test]
fn counter_signals_follow_the_value() {
    let mut executor = fasync::TestExecutor::new();
    let counter = zx::Counter::create();
    let mut non_positive = fasync::OnSignals::new(&counter, zx::Signals::COUNTER_NON_POSITIVE);
    assert!(matches!(executor.run_until_stalled(&mut non_positive), Poll::Ready(Ok(_))));
    let mut positive = pin!(fasync::OnSignals::new(&counter, zx::Signals::COUNTER_POSITIVE));
    assert_eq!(executor.run_until_stalled(&mut positive), Poll::Pending);
    counter.add(1).unwrap();
    assert!(matches!(
        executor.run_until_stalled(&mut positive),
        Poll::Ready(Ok(signals)) if signals.contains(zx::Signals::COUNTER_POSITIVE)
    ));
}

#[test]
fn owned_handle_can_be_taken_back() {
    let mut executor = fasync::TestExecutor::new();
    let (reader, writer) = zx::Channel::create();
    let mut wait = fasync::OnSignals::new(reader, zx::Signals::CHANNEL_READABLE);
    assert_eq!(executor.run_until_stalled(&mut wait), Poll::Pending);
    writer.write(b"hello", &mut []).unwrap();
    assert!(matches!(executor.run_until_stalled(&mut wait), Poll::Ready(Ok(_))));
    let reader = wait.take_handle();
    let mut message = zx::MessageBuf::new();
    reader.read(&mut message).unwrap();
    assert_eq!(message.bytes(), b"hello");
}

#[test]
fn dropping_a_pending_wait_leaves_the_object_usable() {
    let mut executor = fasync::TestExecutor::new();
    let event = zx::Event::create();
    {
        let mut wait = fasync::OnSignals::new(&event, zx::Signals::USER_0);
        assert_eq!(executor.run_until_stalled(&mut wait), Poll::Pending);
    }
    event.signal(zx::Signals::NONE, zx::Signals::USER_0).unwrap();
    let mut again = fasync::OnSignals::new(&event, zx::Signals::USER_0);
    assert_eq!(executor.run_until_stalled(&mut again), Poll::Ready(Ok(zx::Signals::USER_0)));
}

#[test]
fn the_wait_is_fused_in_select() {
    use futures::FutureExt;
    let event = zx::Event::create();
    let other = zx::Event::create();
    event.signal(zx::Signals::NONE, zx::Signals::USER_0).unwrap();
    let which = fasync::LocalExecutor::default().run_singlethreaded(async {
        let mut first = pin!(fasync::OnSignals::new(&event, zx::Signals::USER_0).fuse());
        let mut second = pin!(fasync::OnSignals::new(&other, zx::Signals::USER_0).fuse());
        futures::select! {
            result = first => result.map(|_| "first"),
            result = second => result.map(|_| "second"),
        }
    });
    assert_eq!(which, Ok("first"));
}

#[test]
fn closing_the_waited_handle_is_canceled() {
    let mut executor = fasync::TestExecutor::new();
    let event = zx::Event::create();
    // SAFETY: the unowned reference is only used while `event`'s handle value is live
    // or, after the drop below, to observe its closure (never to reach another object).
    let unowned: zx::Unowned<'_, zx::Event> =
        unsafe { zx::Unowned::from_raw_handle(event.raw_handle()) };
    let mut wait = fasync::OnSignals::new(unowned, zx::Signals::USER_0);
    assert_eq!(executor.run_until_stalled(&mut wait), Poll::Pending);
    drop(event);
    assert_eq!(executor.run_until_stalled(&mut wait), Poll::Ready(Err(zx::Status::CANCELED)));
}
