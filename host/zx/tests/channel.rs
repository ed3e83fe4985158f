//! Channel rules from zircon.md: limits, handle consumption, rights, peer closure, recursion.

use std::mem::MaybeUninit;
use zx::{
    AsHandleRef, Channel, Event, EventPair, HandleDisposition, HandleOp, MessageBuf, MessageBufEtc,
    MonotonicInstant, NullableHandle, ObjectType, Peered, Rights, Signals, Status,
};

fn signals(h: &impl AsHandleRef) -> Signals {
    match h.as_handle_ref().wait_one(Signals::empty(), MonotonicInstant::INFINITE_PAST) {
        zx::WaitResult::TimedOut(s) | zx::WaitResult::Ok(s) => s,
        other => panic!("unexpected {other:?}"),
    }
}

/// An event pair end whose peer reports whether it was closed.
fn witness() -> (NullableHandle, EventPair) {
    let (a, b) = EventPair::create();
    (a.into_handle(), b)
}

fn is_closed(peer: &EventPair) -> bool {
    peer.is_closed().unwrap()
}

#[test]
fn create_gives_writable_related_ends() {
    let (a, b) = Channel::create();
    let (ia, ib) = (a.basic_info().unwrap(), b.basic_info().unwrap());
    assert_eq!(ia.related_koid, ib.koid);
    assert_eq!(ib.related_koid, ia.koid);
    assert_eq!(ia.object_type, ObjectType::CHANNEL);
    assert_eq!(ia.rights.bits(), 0xF00E);
    assert!(ia.koid.raw_koid() >= 1024);
    assert_eq!(signals(&a), Signals::CHANNEL_WRITABLE);
}

#[test]
fn bytes_and_handles_round_trip() {
    let (a, b) = Channel::create();
    let event = Event::create();
    let koid = event.koid().unwrap();
    a.write(b"hello", &mut [event.into_handle()]).unwrap();
    assert!(signals(&b).contains(Signals::CHANNEL_READABLE));
    let mut buf = MessageBuf::new();
    b.read(&mut buf).unwrap();
    assert_eq!(buf.bytes(), b"hello");
    assert_eq!(buf.take_handle(0).unwrap().koid().unwrap(), koid);
    assert!(!signals(&b).contains(Signals::CHANNEL_READABLE));
}

#[test]
fn largest_message_fits_and_one_more_byte_is_out_of_range() {
    let (a, b) = Channel::create();
    a.write(&vec![1; 65536], &mut []).unwrap();
    assert_eq!(a.write(&vec![1; 65537], &mut []), Err(Status::OUT_OF_RANGE));
    let mut buf = MessageBuf::new();
    b.read(&mut buf).unwrap();
    assert_eq!(buf.bytes().len(), 65536);
}

#[test]
fn sixty_four_handles_fit_and_sixty_five_are_out_of_range_and_consumed() {
    let (a, b) = Channel::create();
    let mut handles: Vec<NullableHandle> = (0..64).map(|_| Event::create().into_handle()).collect();
    a.write(b"", &mut handles).unwrap();
    let mut buf = MessageBuf::new();
    b.read(&mut buf).unwrap();
    assert_eq!(buf.n_handles(), 64);

    let witnesses: Vec<_> = (0..65).map(|_| witness()).collect();
    let (mut ends, peers): (Vec<_>, Vec<_>) = witnesses.into_iter().unzip();
    assert_eq!(a.write(b"", &mut ends), Err(Status::OUT_OF_RANGE));
    assert!(ends.iter().all(NullableHandle::is_invalid));
    assert!(peers.iter().all(is_closed));
}

#[test]
fn failed_write_consumes_handles() {
    let (a, b) = Channel::create();
    drop(b);
    let (end, peer) = witness();
    assert_eq!(a.write(b"x", &mut [end]), Err(Status::PEER_CLOSED));
    assert!(is_closed(&peer));
}

#[test]
fn writing_a_channel_into_itself_is_not_supported() {
    let (a, _b) = Channel::create();
    // SAFETY: aliases `a`'s handle; the write consumes it, so `a` is forgotten afterwards.
    let alias = unsafe { NullableHandle::from_raw(a.raw_handle()) };
    assert_eq!(a.write(b"", &mut [alias]), Err(Status::NOT_SUPPORTED));
    assert_eq!(a.koid(), Err(Status::BAD_HANDLE));
    std::mem::forget(a);
}

#[test]
fn write_without_write_right_is_denied() {
    let (a, _b) = Channel::create();
    let read_only = a.replace_handle(Rights::READ | Rights::WAIT).unwrap();
    let (end, peer) = witness();
    assert_eq!(read_only.write(b"", &mut [end]), Err(Status::ACCESS_DENIED));
    assert!(is_closed(&peer));
}

#[test]
fn transferring_a_handle_without_transfer_is_denied() {
    let (a, _b) = Channel::create();
    let event = Event::create().replace_handle(Rights::WAIT).unwrap();
    assert_eq!(a.write(b"", &mut [event.into_handle()]), Err(Status::ACCESS_DENIED));
}

#[test]
fn repeated_or_invalid_handles_are_bad_handle() {
    let (a, _b) = Channel::create();
    let event = Event::create();
    // SAFETY: the alias is consumed by the failing write together with the original.
    let alias = unsafe { NullableHandle::from_raw(event.raw_handle()) };
    let raw = event.raw_handle();
    assert_eq!(a.write(b"", &mut [event.into_handle(), alias]), Err(Status::BAD_HANDLE));
    // SAFETY: only used to observe that the handle value is gone.
    let gone = unsafe { NullableHandle::from_raw(raw) };
    assert_eq!(gone.koid(), Err(Status::BAD_HANDLE));
    std::mem::forget(gone);
    assert_eq!(a.write(b"", &mut [NullableHandle::invalid()]), Err(Status::BAD_HANDLE));
}

#[test]
fn queued_messages_stay_readable_after_peer_closes_then_peer_closed() {
    let (a, b) = Channel::create();
    for i in 0..3u8 {
        a.write(&[i], &mut []).unwrap();
    }
    drop(a);
    let s = signals(&b);
    assert!(s.contains(Signals::CHANNEL_PEER_CLOSED | Signals::CHANNEL_READABLE));
    assert!(!s.contains(Signals::CHANNEL_WRITABLE));
    let mut buf = MessageBuf::new();
    for i in 0..3u8 {
        b.read(&mut buf).unwrap();
        assert_eq!(buf.bytes(), &[i]);
    }
    assert_eq!(b.read(&mut buf), Err(Status::PEER_CLOSED));
    assert_eq!(b.write(b"", &mut []), Err(Status::PEER_CLOSED));
}

#[test]
fn empty_queue_with_open_peer_should_wait() {
    let (_a, b) = Channel::create();
    assert_eq!(b.read(&mut MessageBuf::new()), Err(Status::SHOULD_WAIT));
}

#[test]
fn too_small_buffer_reports_sizes_and_keeps_message() {
    let (a, b) = Channel::create();
    a.write(&[7; 10], &mut [Event::create().into_handle()]).unwrap();
    let mut bytes = [MaybeUninit::uninit(); 4];
    let mut handles = [const { MaybeUninit::uninit() }; 1];
    match b.read_uninit(&mut bytes, &mut handles) {
        zx::ChannelReadResult::BufferTooSmall { bytes_avail: 10, handles_avail: 1 } => {}
        other => panic!("unexpected {other:?}"),
    }
    let mut bytes = [MaybeUninit::uninit(); 16];
    let (read, read_handles) = b.read_uninit(&mut bytes, &mut handles).unwrap();
    assert_eq!(read, &[7; 10]);
    assert_eq!(read_handles.len(), 1);
}

#[test]
fn read_needs_read_right_and_a_channel() {
    let (a, _b) = Channel::create();
    let write_only = a.replace_handle(Rights::WRITE).unwrap();
    assert_eq!(write_only.read(&mut MessageBuf::new()), Err(Status::ACCESS_DENIED));
    let not_a_channel = Channel::from(Event::create().into_handle());
    assert_eq!(not_a_channel.read(&mut MessageBuf::new()), Err(Status::WRONG_TYPE));
    assert_eq!(not_a_channel.write(b"", &mut []), Err(Status::WRONG_TYPE));
}

#[test]
fn closing_an_end_destroys_its_messages_recursively() {
    let (c1, c2) = Channel::create();
    let (x1, x2) = Channel::create();
    let (y1, y2) = Channel::create();
    x1.write(b"inner", &mut [y2.into_handle()]).unwrap();
    c1.write(b"outer", &mut [x2.into_handle()]).unwrap();
    assert!(!x1.is_closed().unwrap());
    drop(c2);
    assert!(x1.is_closed().unwrap());
    assert!(y1.is_closed().unwrap());
}

#[test]
fn a_long_chain_of_nested_channels_is_destroyed_without_recursion() {
    let (head, tail_reader) = Channel::create();
    let (last_witness, mut carrier) = Channel::create();
    for _ in 0..100_000 {
        let (writer, reader) = Channel::create();
        writer.write(b"", &mut [carrier.into_handle()]).unwrap();
        carrier = reader;
        drop(writer);
    }
    head.write(b"", &mut [carrier.into_handle()]).unwrap();
    drop(tail_reader);
    assert!(last_witness.is_closed().unwrap());
}

#[test]
fn write_etc_checks_type_and_reduces_rights() {
    let (a, b) = Channel::create();
    let event = Event::create();
    let mut dispositions = [HandleDisposition::new(
        HandleOp::Move(event.into_handle()),
        ObjectType::EVENT,
        Rights::WAIT | Rights::TRANSFER,
        Status::OK,
    )];
    a.write_etc(b"e", &mut dispositions).unwrap();
    assert_eq!(dispositions[0].result, Status::OK);
    let mut buf = MessageBufEtc::new();
    b.read_etc(&mut buf).unwrap();
    let (_, infos) = buf.split();
    assert_eq!(infos[0].object_type, ObjectType::EVENT);
    assert_eq!(infos[0].rights, Rights::WAIT | Rights::TRANSFER);
    assert_eq!(infos[0].handle.basic_info().unwrap().rights, Rights::WAIT | Rights::TRANSFER);
}

#[test]
fn write_etc_rejects_wrong_type_and_extra_rights_and_consumes() {
    let (a, _b) = Channel::create();
    let (end, peer) = witness();
    let mut wrong_type = [HandleDisposition::new(
        HandleOp::Move(end),
        ObjectType::CHANNEL,
        Rights::SAME_RIGHTS,
        Status::OK,
    )];
    assert_eq!(a.write_etc(b"", &mut wrong_type), Err(Status::WRONG_TYPE));
    assert_eq!(wrong_type[0].result, Status::WRONG_TYPE);
    assert!(is_closed(&peer));

    let event = Event::create().replace_handle(Rights::TRANSFER).unwrap();
    let mut extra = [HandleDisposition::new(
        HandleOp::Move(event.into_handle()),
        ObjectType::NONE,
        Rights::TRANSFER | Rights::SIGNAL,
        Status::OK,
    )];
    assert_eq!(a.write_etc(b"", &mut extra), Err(Status::INVALID_ARGS));
}

#[test]
fn write_etc_duplicate_keeps_the_source() {
    let (a, b) = Channel::create();
    let event = Event::create();
    let mut dispositions = [HandleDisposition::new(
        HandleOp::Duplicate(event.as_handle_ref()),
        ObjectType::EVENT,
        Rights::SAME_RIGHTS,
        Status::OK,
    )];
    a.write_etc(b"", &mut dispositions).unwrap();
    drop(dispositions);
    let mut buf = MessageBuf::new();
    b.read(&mut buf).unwrap();
    assert_eq!(buf.take_handle(0).unwrap().koid(), event.koid());
}

#[test]
fn call_routes_the_reply_by_txid_and_leaves_other_messages() {
    let (client, server) = Channel::create();
    let responder = std::thread::spawn(move || {
        server.wait_one(Signals::CHANNEL_READABLE, MonotonicInstant::INFINITE).unwrap();
        let mut request = MessageBuf::new();
        server.read(&mut request).unwrap();
        let txid = &request.bytes()[..4];
        assert!(u32::from_le_bytes(txid.try_into().unwrap()) & 0x8000_0000 != 0);
        server.write(&[0, 0, 0, 0, 9], &mut []).unwrap();
        let mut reply = txid.to_vec();
        reply.push(42);
        server.write(&reply, &mut []).unwrap();
        server
    });
    let mut reply = MessageBuf::new();
    client.call(MonotonicInstant::INFINITE, &[0, 0, 0, 0, 1], &mut [], &mut reply).unwrap();
    assert_eq!(reply.bytes()[4], 42);
    let _server = responder.join().unwrap();
    let mut other = MessageBuf::new();
    client.read(&mut other).unwrap();
    assert_eq!(other.bytes(), &[0, 0, 0, 0, 9]);
}

#[test]
fn call_times_out_or_sees_peer_closed() {
    let (client, server) = Channel::create();
    let deadline = MonotonicInstant::after(zx::MonotonicDuration::from_millis(1));
    let mut reply = MessageBuf::new();
    assert_eq!(client.call(deadline, &[0; 4], &mut [], &mut reply), Err(Status::TIMED_OUT));
    let closer = std::thread::spawn(move || {
        // The timed-out call's request, then the pending call's; then close unanswered.
        let mut buf = MessageBuf::new();
        for _ in 0..2 {
            server.wait_one(Signals::CHANNEL_READABLE, MonotonicInstant::INFINITE).unwrap();
            server.read(&mut buf).unwrap();
        }
    });
    assert_eq!(
        client.call(MonotonicInstant::INFINITE, &[0; 4], &mut [], &mut reply),
        Err(Status::PEER_CLOSED)
    );
    closer.join().unwrap();
    assert_eq!(
        client.call(MonotonicInstant::INFINITE, &[0; 3], &mut [], &mut reply),
        Err(Status::INVALID_ARGS)
    );
}
