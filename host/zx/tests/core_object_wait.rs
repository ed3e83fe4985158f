//! `zx::object_wait_many`: the tests of the in-tree `sdk/rust/zx/src/wait.rs`
//! (`wait_many_and_signal`, with past deadlines instead of 10 ms timeouts) and the rules of
//! `sys_object_wait_many` in `zircon/kernel/lib/syscalls/object_wait.cc`.

use zx::{Event, MonotonicInstant, NullableHandle, Rights, Signals, Status, object_wait_many};

// wait.rs, wait_many_and_signal.
#[test]
fn wait_many_and_signal() {
    let e1 = Event::create();
    let e2 = Event::create();
    let mut items = [e1.wait_item(Signals::USER_0), e2.wait_item(Signals::USER_1)];
    assert_eq!(
        object_wait_many(&mut items, MonotonicInstant::INFINITE_PAST),
        Err(Status::TIMED_OUT)
    );
    assert_eq!(items[0].pending(), Signals::NONE);
    assert_eq!(items[1].pending(), Signals::NONE);

    e1.signal(Signals::NONE, Signals::USER_0).unwrap();
    assert_eq!(object_wait_many(&mut items, MonotonicInstant::INFINITE_PAST), Ok(false));
    assert_eq!(items[0].pending(), Signals::USER_0);
    assert_eq!(items[1].pending(), Signals::NONE);

    e2.signal(Signals::NONE, Signals::USER_1).unwrap();
    assert_eq!(object_wait_many(&mut items, MonotonicInstant::INFINITE_PAST), Ok(false));
    assert_eq!(items[0].pending(), Signals::USER_0);
    assert_eq!(items[1].pending(), Signals::USER_1);

    e1.signal(Signals::USER_0, Signals::NONE).unwrap();
    e2.signal(Signals::USER_1, Signals::NONE).unwrap();
    assert_eq!(
        object_wait_many(&mut items, MonotonicInstant::INFINITE_PAST),
        Err(Status::TIMED_OUT)
    );
    assert_eq!(items[0].pending(), Signals::NONE);
    assert_eq!(items[1].pending(), Signals::NONE);
}

// `pending` holds every asserted signal, not only the requested ones; a timed-out wait
// reports the signals asserted then.
#[test]
fn pending_reports_all_asserted_signals() {
    let event = Event::create();
    let counter = zx::Counter::create();
    event.signal(Signals::NONE, Signals::USER_2).unwrap();
    let mut items =
        [event.wait_item(Signals::USER_0), counter.wait_item(Signals::COUNTER_POSITIVE)];
    assert_eq!(
        object_wait_many(&mut items, MonotonicInstant::INFINITE_PAST),
        Err(Status::TIMED_OUT)
    );
    assert_eq!(items[0].pending(), Signals::USER_2);
    assert_eq!(items[1].pending(), Signals::COUNTER_NON_POSITIVE);
    assert_eq!(items[1].waiting_for(), Signals::COUNTER_POSITIVE);
}

#[test]
fn a_signal_from_another_thread_ends_the_wait() {
    let event = Event::create();
    let remote = event.duplicate_handle(Rights::SAME_RIGHTS).unwrap();
    let idle = Event::create();
    let signaller = std::thread::spawn(move || remote.signal(Signals::NONE, Signals::USER_3));
    let mut items = [idle.wait_item(Signals::USER_0), event.wait_item(Signals::USER_3)];
    assert_eq!(object_wait_many(&mut items, MonotonicInstant::INFINITE), Ok(false));
    assert_eq!(items[1].pending(), Signals::USER_3);
    signaller.join().unwrap().unwrap();
}

// `kMaxWaitHandleCount` (ZX_WAIT_MANY_MAX_ITEMS, 64): past it OUT_OF_RANGE, pending untouched.
#[test]
fn more_than_64_items_are_out_of_range() {
    let events: Vec<Event> = (0..65).map(|_| Event::create()).collect();
    events[0].signal(Signals::NONE, Signals::USER_0).unwrap();
    let mut items: Vec<_> = events.iter().map(|e| e.wait_item(Signals::USER_0)).collect();
    assert_eq!(
        object_wait_many(&mut items, MonotonicInstant::INFINITE_PAST),
        Err(Status::OUT_OF_RANGE)
    );
    assert_eq!(items[0].pending(), Signals::NONE);
    assert_eq!(object_wait_many(&mut items[..64], MonotonicInstant::INFINITE_PAST), Ok(false));
    assert_eq!(items[0].pending(), Signals::USER_0);
}

// A bad handle or one without WAIT fails before any wait begins; pending is untouched.
#[test]
fn bad_handles_and_missing_wait_rights_fail_before_waiting() {
    let ready = Event::create();
    ready.signal(Signals::NONE, Signals::USER_0).unwrap();
    let invalid = NullableHandle::invalid();
    let mut items = [ready.wait_item(Signals::USER_0), invalid.wait_item(Signals::USER_0)];
    assert_eq!(object_wait_many(&mut items, MonotonicInstant::INFINITE), Err(Status::BAD_HANDLE));
    assert_eq!(items[0].pending(), Signals::NONE);

    let no_wait = ready.duplicate_handle(Rights::SIGNAL).unwrap();
    let mut items = [ready.wait_item(Signals::USER_0), no_wait.wait_item(Signals::USER_0)];
    assert_eq!(
        object_wait_many(&mut items, MonotonicInstant::INFINITE),
        Err(Status::ACCESS_DENIED)
    );
    assert_eq!(items[0].pending(), Signals::NONE);
}

// No items: the kernel sleeps until the deadline and reports TIMED_OUT.
#[test]
fn no_items_sleep_until_the_deadline() {
    assert_eq!(object_wait_many(&mut [], MonotonicInstant::INFINITE_PAST), Err(Status::TIMED_OUT));
}

// A handle closed during the wait ends it: CANCELED, which the Rust API reports as
// `Ok(true)`, with HANDLE_CLOSED in that item's pending signals. The close may also land
// before the wait begins (BAD_HANDLE): the kernel gives the same two outcomes.
#[test]
fn closing_a_handle_during_the_wait_cancels_it() {
    let event = Event::create();
    let raw = event.raw_handle();
    let closer = std::thread::spawn(move || drop(event));
    // SAFETY: borrows a handle another thread closes; the borrow never closes it.
    let borrowed = unsafe { zx::Unowned::<Event>::from_raw_handle(raw) };
    let mut items = [borrowed.wait_item(Signals::USER_0)];
    let outcome = object_wait_many(&mut items, MonotonicInstant::INFINITE);
    closer.join().unwrap();
    match outcome {
        Ok(true) => assert!(items[0].pending().contains(Signals::HANDLE_CLOSED)),
        Err(Status::BAD_HANDLE) => assert_eq!(items[0].pending(), Signals::NONE),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn wait_items_expose_their_handle() {
    let event = Event::create();
    let item = event.wait_item(Signals::USER_1);
    assert_eq!(item.handle().raw_handle(), event.raw_handle());
    assert_eq!(item.waiting_for(), Signals::USER_1);
    assert_eq!(item.pending(), Signals::NONE);
    let _ = event.into_handle();
}
