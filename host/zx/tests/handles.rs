//! Handle rules: duplicate/replace rights, koids, signalling, waiting.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use zx::{
    Channel, Counter, Event, EventPair, MonotonicDuration, MonotonicInstant, NullableHandle,
    Peered, Rights, Signals, Status, Vmo, WaitResult,
};

#[test]
fn objects_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Channel>();
    check::<Counter>();
    check::<Event>();
    check::<EventPair>();
    check::<Vmo>();
    check::<NullableHandle>();
    check::<zx::host::SignalWait>();
}

#[test]
fn koids_are_unique_and_start_at_1024() {
    let koids: Vec<u64> = (0..100).map(|_| Event::create().koid().unwrap().raw_koid()).collect();
    assert!(koids.iter().all(|k| *k >= 1024));
    let mut sorted = koids.clone();
    sorted.dedup();
    assert_eq!(sorted.len(), koids.len());
}

#[test]
fn eventpair_ends_are_related() {
    let (a, b) = EventPair::create();
    assert_eq!(a.basic_info().unwrap().related_koid, b.koid().unwrap());
    assert_eq!(b.basic_info().unwrap().related_koid, a.koid().unwrap());
    assert_eq!(Event::create().basic_info().unwrap().related_koid.raw_koid(), 0);
}

#[test]
fn duplicate_needs_the_right_and_a_subset() {
    let (a, _b) = Channel::create();
    assert_eq!(a.duplicate_handle(Rights::SAME_RIGHTS).err(), Some(Status::ACCESS_DENIED));
    let event = Event::create();
    let same = event.duplicate_handle(Rights::SAME_RIGHTS).unwrap();
    assert_eq!(same.basic_info().unwrap().rights, Rights::EVENT_DEFAULT);
    assert_eq!(same.koid(), event.koid());
    let fewer = event.duplicate_handle(Rights::WAIT).unwrap();
    assert_eq!(fewer.basic_info().unwrap().rights, Rights::WAIT);
    assert_eq!(fewer.duplicate_handle(Rights::WAIT).err(), Some(Status::ACCESS_DENIED));
    let basic = event.duplicate_handle(Rights::BASIC).unwrap();
    assert_eq!(
        basic.duplicate_handle(Rights::BASIC | Rights::WRITE).err(),
        Some(Status::INVALID_ARGS)
    );
    assert_eq!(
        NullableHandle::invalid().duplicate_handle(Rights::SAME_RIGHTS),
        Err(Status::BAD_HANDLE)
    );
}

#[test]
fn replace_keeps_the_koid_and_always_invalidates_the_source() {
    let event = Event::create();
    let koid = event.koid().unwrap();
    let raw = event.raw_handle();
    let replaced = event.replace_handle(Rights::WAIT).unwrap();
    assert_eq!(replaced.koid().unwrap(), koid);
    // SAFETY: only observes that the old value is gone.
    let old = unsafe { NullableHandle::from_raw(raw) };
    assert_eq!(old.koid(), Err(Status::BAD_HANDLE));
    std::mem::forget(old);

    let raw = replaced.raw_handle();
    assert_eq!(
        replaced.replace_handle(Rights::WAIT | Rights::SIGNAL).err(),
        Some(Status::INVALID_ARGS)
    );
    // SAFETY: as above.
    let old = unsafe { NullableHandle::from_raw(raw) };
    assert_eq!(old.koid(), Err(Status::BAD_HANDLE));
    std::mem::forget(old);
}

#[test]
fn wait_one_reports_all_asserted_signals() {
    let event = Event::create();
    event.signal(Signals::NONE, Signals::USER_0 | Signals::USER_1).unwrap();
    assert_eq!(
        event.wait_one(Signals::USER_0, MonotonicInstant::INFINITE),
        WaitResult::Ok(Signals::USER_0 | Signals::USER_1)
    );
}

#[test]
fn wait_one_honours_deadlines() {
    let event = Event::create();
    assert_eq!(
        event.wait_one(Signals::USER_0, MonotonicInstant::INFINITE_PAST),
        WaitResult::TimedOut(Signals::NONE)
    );
    let deadline = MonotonicInstant::after(MonotonicDuration::from_millis(2));
    assert_eq!(event.wait_one(Signals::USER_0, deadline), WaitResult::TimedOut(Signals::NONE));
    assert!(MonotonicInstant::get() >= deadline);
}

#[test]
fn wait_one_is_woken_from_another_thread() {
    let event = Event::create();
    let remote = event.duplicate_handle(Rights::SAME_RIGHTS).unwrap();
    let signaller =
        std::thread::spawn(move || remote.signal(Signals::NONE, Signals::EVENT_SIGNALED).unwrap());
    assert!(event.wait_one(Signals::EVENT_SIGNALED, MonotonicInstant::INFINITE).is_ok());
    signaller.join().unwrap();
}

#[test]
fn wait_one_needs_wait_and_is_canceled_by_close() {
    let event = Event::create();
    let no_wait = event.duplicate_handle(Rights::TRANSFER).unwrap();
    assert_eq!(
        no_wait.wait_one(Signals::USER_0, MonotonicInstant::INFINITE),
        WaitResult::Err(Status::ACCESS_DENIED)
    );

    let raw = event.raw_handle();
    let closer = std::thread::spawn(move || {
        // SAFETY: closes `event`'s handle from another thread, which the test then forgets.
        drop(unsafe { NullableHandle::from_raw(raw) });
    });
    let result = event.wait_one(Signals::USER_0, MonotonicInstant::INFINITE);
    closer.join().unwrap();
    match result {
        WaitResult::Canceled(s) => assert!(s.contains(Signals::HANDLE_CLOSED)),
        WaitResult::Err(Status::BAD_HANDLE) => {}
        other => panic!("unexpected {other:?}"),
    }
    std::mem::forget(event);
}

#[test]
fn signal_rules() {
    let event = Event::create();
    assert_eq!(event.signal(Signals::NONE, Signals::CHANNEL_READABLE), Err(Status::INVALID_ARGS));
    let no_signal = event.duplicate_handle(Rights::WAIT | Rights::DUPLICATE).unwrap();
    assert_eq!(no_signal.signal(Signals::NONE, Signals::USER_0), Err(Status::ACCESS_DENIED));
    let (a, b) = EventPair::create();
    a.signal_peer(Signals::NONE, Signals::USER_2).unwrap();
    assert!(b.wait_one(Signals::USER_2, MonotonicInstant::INFINITE_PAST).is_ok());
    drop(b);
    assert_eq!(a.signal_peer(Signals::NONE, Signals::USER_2), Err(Status::PEER_CLOSED));
    assert!(a.wait_one(Signals::EVENTPAIR_PEER_CLOSED, MonotonicInstant::INFINITE_PAST).is_ok());
}

struct CountingWaker(AtomicUsize);
impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn signal_wait_registers_a_waker_and_is_woken_by_a_change() {
    let event = Event::create();
    let counter = Arc::new(CountingWaker(AtomicUsize::new(0)));
    let waker = Waker::from(counter.clone());
    let mut cx = Context::from_waker(&waker);
    let mut wait = zx::host::SignalWait::new(event.as_handle_ref(), Signals::USER_0).unwrap();
    assert_eq!(wait.poll(&mut cx), Poll::Pending);
    event.signal(Signals::NONE, Signals::USER_1).unwrap();
    assert_eq!(counter.0.load(Ordering::SeqCst), 0, "an unrequested signal does not wake");
    let remote = event.duplicate_handle(Rights::SAME_RIGHTS).unwrap();
    std::thread::spawn(move || remote.signal(Signals::NONE, Signals::USER_0).unwrap())
        .join()
        .unwrap();
    assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    assert_eq!(wait.poll(&mut cx), Poll::Ready(Ok(Signals::USER_0 | Signals::USER_1)));
}

#[test]
fn signal_wait_errors() {
    assert_eq!(
        zx::host::SignalWait::new(NullableHandle::invalid().as_handle_ref(), Signals::USER_0).err(),
        Some(Status::BAD_HANDLE)
    );
    let event = Event::create().replace_handle(Rights::TRANSFER).unwrap();
    assert_eq!(
        zx::host::SignalWait::new(event.as_handle_ref(), Signals::USER_0).err(),
        Some(Status::ACCESS_DENIED)
    );
}

#[test]
fn a_signal_raised_and_cleared_before_the_waiter_looks_is_still_reported() {
    let counter = Counter::create();
    let noop = Waker::from(Arc::new(CountingWaker(AtomicUsize::new(0))));
    let mut cx = Context::from_waker(&noop);
    let mut wait =
        zx::host::SignalWait::new(counter.as_handle_ref(), Signals::COUNTER_POSITIVE).unwrap();
    assert_eq!(wait.poll(&mut cx), Poll::Pending);
    counter.add(1).unwrap();
    counter.add(-1).unwrap();
    assert_eq!(wait.poll(&mut cx), Poll::Ready(Ok(Signals::COUNTER_POSITIVE)));
}
