//! Counter rules: sign signals, overflow, rights.

use zx::{Counter, MonotonicInstant, Rights, Signals, Status};

fn asserted(counter: &Counter) -> Signals {
    match counter.wait_one(Signals::empty(), MonotonicInstant::INFINITE_PAST) {
        zx::WaitResult::TimedOut(s) => s,
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn exactly_one_sign_signal_is_asserted() {
    let counter = Counter::create();
    assert_eq!(counter.read(), Ok(0));
    assert_eq!(asserted(&counter), Signals::COUNTER_NON_POSITIVE);
    counter.add(1).unwrap();
    assert_eq!(asserted(&counter), Signals::COUNTER_POSITIVE);
    counter.add(-2).unwrap();
    assert_eq!(counter.read(), Ok(-1));
    assert_eq!(asserted(&counter), Signals::COUNTER_NON_POSITIVE);
    counter.write(5).unwrap();
    assert_eq!(asserted(&counter), Signals::COUNTER_POSITIVE);
    counter.write(0).unwrap();
    assert_eq!(asserted(&counter), Signals::COUNTER_NON_POSITIVE);
}

#[test]
fn overflow_and_underflow_are_out_of_range_and_leave_the_value() {
    let counter = Counter::create();
    counter.write(i64::MAX).unwrap();
    assert_eq!(counter.add(1), Err(Status::OUT_OF_RANGE));
    assert_eq!(counter.read(), Ok(i64::MAX));
    counter.write(i64::MIN).unwrap();
    assert_eq!(counter.add(-1), Err(Status::OUT_OF_RANGE));
    assert_eq!(counter.read(), Ok(i64::MIN));
}

#[test]
fn operations_need_their_rights() {
    let counter = Counter::create();
    let read_only = counter.duplicate_handle(Rights::READ | Rights::WAIT).unwrap();
    assert_eq!(read_only.add(1), Err(Status::ACCESS_DENIED));
    assert_eq!(read_only.write(1), Err(Status::ACCESS_DENIED));
    assert_eq!(read_only.read(), Ok(0));
    let write_only = counter.duplicate_handle(Rights::WRITE).unwrap();
    assert_eq!(write_only.read(), Err(Status::ACCESS_DENIED));
    assert_eq!(write_only.add(1), Err(Status::ACCESS_DENIED));
    assert_eq!(write_only.write(3), Ok(()));
    let not_a_counter = Counter::from(zx::Event::create().into_handle());
    assert_eq!(not_a_counter.read(), Err(Status::WRONG_TYPE));
}

// `CounterDispatcher::user_signal_self` (zircon/kernel/object/counter_dispatcher.cc) allows
// the user signals and ZX_COUNTER_SIGNALED, nothing else (behaviour 10).
#[test]
fn counters_take_counter_signaled_and_user_signals() {
    let counter = Counter::create();
    counter.signal(Signals::NONE, Signals::COUNTER_SIGNALED | Signals::USER_0).unwrap();
    assert_eq!(
        asserted(&counter),
        Signals::COUNTER_NON_POSITIVE | Signals::COUNTER_SIGNALED | Signals::USER_0
    );
    counter.signal(Signals::COUNTER_SIGNALED, Signals::NONE).unwrap();
    assert_eq!(asserted(&counter), Signals::COUNTER_NON_POSITIVE | Signals::USER_0);
    assert_eq!(counter.signal(Signals::NONE, Signals::COUNTER_POSITIVE), Err(Status::INVALID_ARGS));
    assert_eq!(
        counter.signal(Signals::COUNTER_NON_POSITIVE, Signals::NONE),
        Err(Status::INVALID_ARGS)
    );
    assert_eq!(asserted(&counter), Signals::COUNTER_NON_POSITIVE | Signals::USER_0);
    let event = zx::Event::create();
    assert_eq!(event.signal(Signals::NONE, Signals::COUNTER_POSITIVE), Err(Status::INVALID_ARGS));
}
