//! `zx::Fifo`: the meaning of `zircon/system/utest/core/fifo/fifo.cc` (`FifoTest`; the bad
//! and null buffer cases cannot arise from safe Rust), the in-tree `sdk/rust/zx/src/fifo.rs`
//! test, and the error paths of `lib/syscalls/fifo.cc`. Each test names the rule of
//! `zircon/kernel/object/fifo_dispatcher.cc` it pins.

use zx::{
    Channel, Event, Fifo, HandleBased, MessageBufEtc, MonotonicInstant, NullableHandle, ObjectType,
    Peered, Rights, Signals, Status, WaitResult, object_wait_many,
};

/// The signals asserted on `fifo` now.
fn signals<R, W>(fifo: &Fifo<R, W>) -> Signals {
    match fifo.wait_one(Signals::NONE, MonotonicInstant::INFINITE_PAST) {
        WaitResult::TimedOut(signals) => signals,
        other => panic!("unexpected {other:?}"),
    }
}

// InvalidParametersReturnOutOfRange: `FifoDispatcher::Create` needs a nonzero count and
// size, at most one page in all; `Fifo::create` refuses read and write types of different
// sizes itself (INVALID_ARGS).
#[test]
fn create_validates_sizes() {
    assert_eq!(Fifo::<u64>::create(0).err(), Some(Status::OUT_OF_RANGE));
    assert_eq!(Fifo::<[u8; 33]>::create(128).err(), Some(Status::OUT_OF_RANGE));
    assert_eq!(Fifo::<()>::create(8).err(), Some(Status::OUT_OF_RANGE));
    assert_eq!(Fifo::<[u8; 16]>::create(usize::MAX).err(), Some(Status::OUT_OF_RANGE));
    assert_eq!(Fifo::<u64, u32>::create(8).err(), Some(Status::INVALID_ARGS));
    assert!(Fifo::<[u8; 16]>::create(256).is_ok());
    assert!(Fifo::<[u8; 4096]>::create(1).is_ok());
}

// EndpointsAreRelated; `default_rights()` is ZX_DEFAULT_FIFO_RIGHTS.
#[test]
fn endpoints_are_related_and_have_default_rights() {
    let (a, b) = Fifo::<u64>::create(8).unwrap();
    assert_eq!(signals(&a), Signals::FIFO_WRITABLE);
    assert_eq!(signals(&b), Signals::FIFO_WRITABLE);
    let (ia, ib) = (a.basic_info().unwrap(), b.basic_info().unwrap());
    assert_ne!(ia.koid.raw_koid(), 0);
    assert_eq!(ia.koid, ib.related_koid);
    assert_eq!(ib.koid, ia.related_koid);
    assert_eq!(ia.object_type, ObjectType::FIFO);
    assert_eq!(ia.rights, Rights::FIFO_DEFAULT);
}

// EmptyQueueReturnsErrShouldWait; ReadAndWriteValidatesSizeAndElementCount
// (`WriteSelfLocked` / `ReadToUserLocked`: OUT_OF_RANGE for no element or the wrong size).
#[test]
fn empty_queue_and_size_validation() {
    let (a, b) = Fifo::<u64>::create(8).unwrap();
    assert_eq!(a.read(&mut [0; 8]), Err(Status::SHOULD_WAIT));
    assert_eq!(a.read(&mut []), Err(Status::OUT_OF_RANGE));
    assert_eq!(a.write(&[]), Err(Status::OUT_OF_RANGE));
    // A FIFO of 8-byte elements used with 4-byte ones.
    let a32 = a.downcast().cast::<u32, u32>();
    assert_eq!(a32.write(&[1, 2]), Err(Status::OUT_OF_RANGE));
    assert_eq!(a32.read(&mut [0; 2]), Err(Status::OUT_OF_RANGE));
    // Zero-sized elements never match.
    let a_unit = a32.downcast().cast::<(), ()>();
    assert_eq!(a_unit.write(&[()]), Err(Status::OUT_OF_RANGE));
    assert_eq!(a_unit.read(&mut [()]), Err(Status::OUT_OF_RANGE));
    drop(b);
}

// DequeueSignalsWriteable: a full queue is SHOULD_WAIT and takes WRITABLE from the writer;
// a read gives it back; READABLE follows the queue.
#[test]
fn dequeue_signals_writable() {
    let (a, b) = Fifo::<u64>::create(8).unwrap();
    assert_eq!(a.write(&[1, 2, 3, 4, 5, 6, 7, 8]), Ok(8));
    assert_eq!(signals(&b), Signals::FIFO_READABLE | Signals::FIFO_WRITABLE);
    assert_eq!(a.write(&[1, 2, 3, 4, 5, 6, 7, 8]), Err(Status::SHOULD_WAIT));
    assert_eq!(signals(&a), Signals::NONE);
    let mut out = [0u64; 8];
    assert_eq!(b.read(&mut out[..4]), Ok(4));
    assert_eq!(out, [1, 2, 3, 4, 0, 0, 0, 0]);
    assert_eq!(signals(&a), Signals::FIFO_WRITABLE);
    assert_eq!(b.read(&mut out[..4]), Ok(4));
    assert_eq!(out[..4], [5, 6, 7, 8]);
    assert_eq!(signals(&b), Signals::FIFO_WRITABLE);
}

// FifoOrderIsPreserved, PartialWriteQueuesElementsThatFit, IndividualReadsPreserveOrder,
// NonPowerOfTwoCountSupported.
#[test]
fn order_partial_writes_and_wrapping() {
    let (a, b) = Fifo::<u64>::create(8).unwrap();
    a.write(&[1, 2, 3, 4, 5]).unwrap();
    assert_eq!(a.write(&[16, 17, 18, 19, 20]), Ok(3));
    for expected in [1, 2, 3, 4, 5, 16, 17, 18] {
        assert_eq!(b.read_one(), Ok(expected));
    }
    a.write(&[1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
    let mut out = [0u64; 8];
    b.read(&mut out[..4]).unwrap();
    assert_eq!(a.write(&[9, 10]), Ok(2));
    assert_eq!(b.read(&mut out), Ok(6));
    assert_eq!(out[..6], [5, 6, 7, 8, 9, 10]);
    assert_eq!(a.write(&[11, 12, 13, 14, 15]), Ok(5));

    let (a, b) = Fifo::<u64>::create(10).unwrap();
    let nine: Vec<u64> = (1..=9).collect();
    for _ in 0..2 {
        assert_eq!(a.write(&nine), Ok(9));
        let mut out = [0u64; 9];
        assert_eq!(b.read(&mut out), Ok(9));
        assert_eq!(out.to_vec(), nine);
    }
}

// EndpointCloseSignalsPeerClosed: queued elements are read first, then PEER_CLOSED;
// writing to or signalling a closed peer is PEER_CLOSED (`WriteFromUser` checks `peer()`
// before anything else).
#[test]
fn endpoint_close_signals_peer_closed() {
    let (a, b) = Fifo::<u64>::create(8).unwrap();
    a.write_one(&19).unwrap();
    drop(a);
    assert_eq!(signals(&b), Signals::FIFO_READABLE | Signals::FIFO_PEER_CLOSED);
    let mut out = [0u64; 8];
    assert_eq!(b.read(&mut out), Ok(1));
    assert_eq!(out[0], 19);
    assert_eq!(signals(&b), Signals::FIFO_PEER_CLOSED);
    assert_eq!(b.read(&mut out), Err(Status::PEER_CLOSED));
    assert_eq!(b.write(&[1]), Err(Status::PEER_CLOSED));
    // A wrong element size still reads PEER_CLOSED first on write, OUT_OF_RANGE on read.
    let b32 = b.downcast().cast::<u32, u32>();
    assert_eq!(b32.write(&[1]), Err(Status::PEER_CLOSED));
    assert_eq!(b32.read(&mut [0]), Err(Status::OUT_OF_RANGE));
    // `zx_object_signal_peer` (the in-tree `Fifo` is not `Peered`, so through a borrowed
    // peered type, as any handle value may be).
    let as_peered = zx::Unowned::<zx::EventPair>::new(&b32);
    assert_eq!(as_peered.signal_peer(Signals::NONE, Signals::USER_0), Err(Status::PEER_CLOSED));
}

// The in-tree `fifo_basic`: partial write into a small FIFO, `read_one`, typed arrays.
#[test]
fn in_tree_fifo_basic() {
    let (fifo1, fifo2) = Fifo::<[u8; 2]>::create(4).unwrap();
    assert_eq!(fifo1.write(&[]), Err(Status::OUT_OF_RANGE));
    fifo1.write_one(b"he").unwrap();
    assert_eq!(fifo1.write(&[*b"ll", *b"o ", *b"wo", *b"rl", *b"ds"]), Ok(3));
    assert_eq!(fifo1.write(&[*b"bl", *b"ah"]), Err(Status::SHOULD_WAIT));
    assert_eq!(fifo2.read_one(), Ok(*b"he"));
    let mut out = vec![[0; 2]; 8];
    assert_eq!(fifo2.read(&mut out), Ok(3));
    assert_eq!(out[..4], [*b"ll", *b"o ", *b"wo", [0, 0]]);
    assert_eq!(fifo2.read(&mut out), Err(Status::SHOULD_WAIT));
    assert_eq!(fifo2.read_one(), Err(Status::SHOULD_WAIT));
    let mut uninit = [std::mem::MaybeUninit::<[u8; 2]>::uninit(); 2];
    fifo1.write_one(b"ok").unwrap();
    assert_eq!(fifo2.read_uninit(&mut uninit).unwrap(), [*b"ok"]);
}

// `sys_fifo_read` / `sys_fifo_write`: READ to read, WRITE to write; a handle of another
// type is WRONG_TYPE, an invalid one BAD_HANDLE.
#[test]
fn handles_and_rights_are_checked() {
    let (a, b) = Fifo::<u64>::create(4).unwrap();
    let read_only = a.duplicate_handle(Rights::FIFO_DEFAULT - Rights::WRITE).unwrap();
    assert_eq!(read_only.write(&[1]), Err(Status::ACCESS_DENIED));
    let write_only = b.duplicate_handle(Rights::FIFO_DEFAULT - Rights::READ).unwrap();
    assert_eq!(write_only.read(&mut [0]), Err(Status::ACCESS_DENIED));
    let not_a_fifo = Fifo::<u64>::from(Event::create().into_handle());
    assert_eq!(not_a_fifo.write(&[1]), Err(Status::WRONG_TYPE));
    assert_eq!(not_a_fifo.read(&mut [0]), Err(Status::WRONG_TYPE));
    let invalid = Fifo::<u64>::from(NullableHandle::invalid());
    assert_eq!(invalid.write(&[1]), Err(Status::BAD_HANDLE));
    assert_eq!(invalid.read_one(), Err(Status::BAD_HANDLE));
}

// A FIFO travels through a channel untyped (`Fifo`), is cast back, and keeps its queue;
// the trace manager hands providers 16-byte packets this way.
#[test]
fn fifo_transfers_over_a_channel_and_is_cast_back() {
    let (ours, theirs) = Fifo::<[u64; 2]>::create(4).unwrap();
    let (c0, c1) = Channel::create();
    c0.write(b"", &mut [theirs.downcast().into_handle()]).unwrap();
    let mut buf = MessageBufEtc::new();
    c1.read_etc(&mut buf).unwrap();
    let (_, mut infos) = buf.split();
    let info = infos.pop().unwrap();
    assert_eq!((info.object_type, info.rights), (ObjectType::FIFO, Rights::FIFO_DEFAULT));
    let received: Fifo<[u64; 2]> = Fifo::from(info.handle).cast();
    ours.write_one(&[7, 8]).unwrap();
    assert_eq!(received.read_one(), Ok([7, 8]));
    assert!(format!("{received:?}").starts_with("Fifo<[u64; 2], [u64; 2]>"));
}

// FIFOs are waitable: a write on another thread ends an `object_wait_many`.
#[test]
fn waits_end_when_another_thread_writes() {
    let (a, b) = Fifo::<u64>::create(4).unwrap();
    let writer = std::thread::spawn(move || {
        a.write_one(&1).unwrap();
        a
    });
    let mut items = [b.wait_item(Signals::FIFO_READABLE)];
    object_wait_many(&mut items, MonotonicInstant::INFINITE).unwrap();
    assert!(items[0].pending().contains(Signals::FIFO_READABLE));
    drop(writer.join().unwrap());
    assert_eq!(b.read_one(), Ok(1));
    assert_eq!(
        b.wait_one(Signals::FIFO_PEER_CLOSED, MonotonicInstant::INFINITE_PAST).to_result(),
        Ok(Signals::FIFO_PEER_CLOSED)
    );
}
