//! Port of `zircon/system/utest/core/event-pair/event-pair.cc` (`EventPairTest`; the
//! create-options case has no Rust counterpart: `EventPair::create` takes none).

use zx::{EventPair, MonotonicInstant, ObjectType, Peered, Rights, Signals, Status, WaitResult};

/// The signals asserted on `end`; a wait for no signal with a past deadline times out.
fn pending(end: &EventPair) -> Signals {
    match end.wait_one(Signals::NONE, MonotonicInstant::INFINITE_PAST) {
        WaitResult::TimedOut(signals) => signals,
        other => panic!("unexpected {other:?}"),
    }
}

// HandlesNotInvalid, HandleRightsAreCorrect.
#[test]
fn handle_rights_are_correct() {
    let (e0, e1) = EventPair::create();
    for end in [&e0, &e1] {
        assert!(!end.is_invalid());
        let info = end.basic_info().unwrap();
        assert_eq!(info.rights, Rights::BASIC | Rights::SIGNAL | Rights::SIGNAL_PEER);
        assert_eq!(info.object_type, ObjectType::EVENTPAIR);
    }
}

// KoidsAreCorrect.
#[test]
fn koids_are_correct() {
    let (e0, e1) = EventPair::create();
    let (i0, i1) = (e0.basic_info().unwrap(), e1.basic_info().unwrap());
    assert_ne!(i0.koid.raw_koid(), 0);
    assert_ne!(i1.related_koid.raw_koid(), 0);
    assert_eq!(i0.koid, i1.related_koid);
    assert_eq!(i1.koid, i0.related_koid);
}

// SignalEventPairAndClearVerifySignals.
#[test]
fn signal_event_pair_and_clear_verify_signals() {
    let (e0, e1) = EventPair::create();
    assert_eq!(pending(&e0), Signals::NONE);
    assert_eq!(pending(&e1), Signals::NONE);
    e0.signal(Signals::NONE, Signals::USER_0).unwrap();
    assert_eq!(pending(&e0), Signals::USER_0);
    assert_eq!(pending(&e1), Signals::NONE);
    e0.signal(Signals::USER_0, Signals::NONE).unwrap();
    assert_eq!(pending(&e0), Signals::NONE);
    assert_eq!(pending(&e1), Signals::NONE);
}

// SignalPeerAndVerifyRecived.
#[test]
fn signal_peer_and_verify_received() {
    let (e0, e1) = EventPair::create();
    e0.signal_peer(Signals::NONE, Signals::USER_0).unwrap();
    assert_eq!(pending(&e0), Signals::NONE);
    assert_eq!(pending(&e1), Signals::USER_0);
    e1.signal_peer(Signals::NONE, Signals::USER_1 | Signals::USER_2).unwrap();
    assert_eq!(pending(&e0), Signals::USER_1 | Signals::USER_2);
    assert_eq!(pending(&e1), Signals::USER_0);
    e0.signal_peer(Signals::USER_0, Signals::USER_3 | Signals::USER_4).unwrap();
    assert_eq!(pending(&e0), Signals::USER_1 | Signals::USER_2);
    assert_eq!(pending(&e1), Signals::USER_3 | Signals::USER_4);
}

// SignalPeerThenCloseAndVerifySignalReceived.
#[test]
fn signal_peer_then_close_and_verify_signal_received() {
    let (e0, e1) = EventPair::create();
    e0.signal_peer(Signals::NONE, Signals::USER_3 | Signals::USER_4).unwrap();
    drop(e0);
    assert_eq!(pending(&e1), Signals::EVENTPAIR_PEER_CLOSED | Signals::USER_3 | Signals::USER_4);
}

// SignalingClosedPeerReturnsPeerClosed.
#[test]
fn signaling_closed_peer_returns_peer_closed() {
    let (e0, e1) = EventPair::create();
    drop(e1);
    assert_eq!(e0.signal_peer(Signals::NONE, Signals::USER_0), Err(Status::PEER_CLOSED));
}

// SignalAccessDeniedMissingSignalRight, SignalPeerAccessDeniedMissingSignalPeerRight,
// WaitAccessDeniedMissingWaitRight.
#[test]
fn missing_rights_are_access_denied() {
    let (e0, _e1) = EventPair::create();
    let rights = e0.basic_info().unwrap().rights;
    let no_signal = e0.duplicate_handle(rights - Rights::SIGNAL).unwrap();
    assert_eq!(no_signal.signal(Signals::NONE, Signals::USER_0), Err(Status::ACCESS_DENIED));
    let no_signal_peer = e0.duplicate_handle(rights - Rights::SIGNAL_PEER).unwrap();
    assert_eq!(
        no_signal_peer.signal_peer(Signals::NONE, Signals::USER_0),
        Err(Status::ACCESS_DENIED)
    );
    let no_wait = e0.duplicate_handle(rights - Rights::WAIT).unwrap();
    assert_eq!(
        no_wait.wait_one(Signals::USER_0, MonotonicInstant::INFINITE_PAST),
        WaitResult::Err(Status::ACCESS_DENIED)
    );
}
