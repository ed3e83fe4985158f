//! Ports of `zircon/system/utest/core/channel-write-etc/write_etc.cc` (the `ChannelWriteEtcTest`
//! cases whose objects the host has; sockets are replaced by event pairs) and the
//! disposition rules of `msg_put_handles` in `zircon/kernel/lib/syscalls/channel.cc` and
//! `get_handle_for_message_locked` in `zircon/kernel/object/user_handles.cc`.

use zx::{
    AsHandleRef, Channel, Event, EventPair, HandleBased, HandleDisposition, HandleOp, MessageBuf,
    NullableHandle, ObjectType, Peered, Rights, Status,
};

const DATA: &[u8] = &0xbaad_cafe_u32.to_le_bytes();

fn moved(
    handle: impl HandleBased,
    object_type: ObjectType,
    result: Status,
) -> HandleDisposition<'static> {
    HandleDisposition::new(
        HandleOp::Move(handle.into_handle()),
        object_type,
        Rights::SAME_RIGHTS,
        result,
    )
}

fn duplicated(
    handle: &impl AsHandleRef,
    object_type: ObjectType,
    result: Status,
) -> HandleDisposition<'_> {
    HandleDisposition::new(
        HandleOp::Duplicate(handle.as_handle_ref()),
        object_type,
        Rights::SAME_RIGHTS,
        result,
    )
}

/// Whether the handle value `raw` no longer names a handle (it was consumed).
fn is_consumed(raw: u32) -> bool {
    // SAFETY: only observes the value; forgotten below so nothing is closed.
    let alias = unsafe { NullableHandle::from_raw(raw) };
    let gone = alias.koid() == Err(Status::BAD_HANDLE);
    std::mem::forget(alias);
    gone
}

// write_etc.cc, MultipleHandlesSomeInvalidResultsReportedCorrectly: each failing entry gets
// its own result, the others keep what the caller set (here OK).
#[test]
fn multiple_handles_some_invalid_results_reported_correctly() {
    let (local, _remote) = Channel::create();
    let (arg_local, _arg_remote) = Channel::create();
    let (pair_local, pair_remote) = EventPair::create();
    let mut list = [
        moved(pair_local, ObjectType::PORT, Status::OK),
        moved(pair_remote, ObjectType::NONE, Status::OK),
        duplicated(&arg_local, ObjectType::NONE, Status::OK),
        moved(Event::create(), ObjectType::NONE, Status::OK),
    ];
    assert_eq!(local.write_etc(DATA, &mut list), Err(Status::WRONG_TYPE));
    assert_eq!(list[0].result, Status::WRONG_TYPE);
    assert_eq!(list[1].result, Status::OK);
    assert_eq!(list[2].result, Status::ACCESS_DENIED);
    assert_eq!(list[3].result, Status::OK);
    assert!(arg_local.koid().is_ok(), "a duplicated handle stays");
}

// write_etc.cc, MoveHandlesWithRightsCheckFailure.
#[test]
fn move_handles_with_rights_check_failure() {
    let (local, _remote) = Channel::create();
    let event = Event::create();
    let no_transfer = event.duplicate_handle(Rights::EVENT_DEFAULT - Rights::TRANSFER).unwrap();
    let dup = event.duplicate_handle(Rights::SAME_RIGHTS).unwrap();
    let mut list = [
        moved(no_transfer, ObjectType::EVENT, Status::OK),
        moved(dup, ObjectType::EVENT, Status::OK),
    ];
    assert_eq!(local.write_etc(DATA, &mut list), Err(Status::ACCESS_DENIED));
    assert_eq!(list[0].result, Status::ACCESS_DENIED);
    assert_eq!(list[1].result, Status::OK);
}

// write_etc.cc, ImproperlyInitalizedResultsArgReportedBackAsOriginallyInitalized: on success
// the kernel writes no result back (issue 10, behaviour 1).
#[test]
fn results_of_a_successful_write_stay_as_the_caller_set_them() {
    let (local, remote) = Channel::create();
    let event = Event::create();
    let mut list = [
        moved(Event::create(), ObjectType::NONE, Status::WRONG_TYPE),
        duplicated(&event, ObjectType::EVENT, Status::INTERNAL),
    ];
    local.write_etc(DATA, &mut list).unwrap();
    assert_eq!(list[0].result, Status::WRONG_TYPE);
    assert_eq!(list[1].result, Status::INTERNAL);
    let mut buf = MessageBuf::new();
    remote.read(&mut buf).unwrap();
    assert_eq!(buf.n_handles(), 2);
}

// write_etc.cc, FailureDoesNotResultInReceivedPacket.
#[test]
fn failure_does_not_result_in_received_packet() {
    let (local, remote) = Channel::create();
    let mut list = [moved(Event::create(), ObjectType::SOCKET, Status::OK)];
    assert_eq!(local.write_etc(DATA, &mut list), Err(Status::WRONG_TYPE));
    assert_eq!(remote.read(&mut MessageBuf::new()), Err(Status::SHOULD_WAIT));
}

// write_etc.cc, SentHandleReferrsToSameObject: a moved handle is gone, a duplicated one stays;
// the received handle names the same object with the same rights.
#[test]
fn sent_handle_refers_to_same_object() {
    let (local, remote) = Channel::create();
    let event = Event::create();
    let info = event.basic_info().unwrap();
    let mut list = [duplicated(&event, ObjectType::NONE, Status::OK)];
    local.write_etc(DATA, &mut list).unwrap();
    drop(list);
    assert!(event.koid().is_ok(), "a duplicated handle stays");
    let raw = event.raw_handle();
    let mut list = [moved(event, ObjectType::NONE, Status::OK)];
    local.write_etc(DATA, &mut list).unwrap();
    assert!(is_consumed(raw), "a moved handle is gone");
    for _ in 0..2 {
        let mut buf = MessageBuf::new();
        remote.read(&mut buf).unwrap();
        let received = buf.take_handle(0).unwrap().basic_info().unwrap();
        assert_eq!(received.koid, info.koid);
        assert_eq!(received.rights, info.rights);
        assert_eq!(received.object_type, info.object_type);
    }
}

// write_etc.cc, HandleArgNotAChannelHandleShouldFail / ChannelHandleNotValidShouldFail /
// ChannelHandleWithoutWriteRightShouldFail: a refused channel handle consumes the moved
// handles, keeps the duplicated ones, and leaves every result as it was (behaviour 2).
#[test]
fn a_refused_channel_handle_leaves_results_untouched() {
    let (local, _remote) = Channel::create();
    let not_a_channel = Channel::from(Event::create().into_handle());
    let no_write = local.duplicate_handle(Rights::SAME_RIGHTS);
    assert_eq!(no_write.err(), Some(Status::ACCESS_DENIED), "channels cannot be duplicated");
    let read_only = local.replace_handle(Rights::READ | Rights::WAIT).unwrap();
    let closed = Channel::from(NullableHandle::invalid());
    for (channel, expected) in [
        (&not_a_channel, Status::WRONG_TYPE),
        (&read_only, Status::ACCESS_DENIED),
        (&closed, Status::BAD_HANDLE),
    ] {
        let kept = Event::create();
        let (moved_end, moved_peer) = EventPair::create();
        let mut list = [
            moved(moved_end, ObjectType::PORT, Status::INTERNAL),
            duplicated(&kept, ObjectType::PORT, Status::INTERNAL),
        ];
        assert_eq!(channel.write_etc(DATA, &mut list), Err(expected));
        assert_eq!(list[0].result, Status::INTERNAL);
        assert_eq!(list[1].result, Status::INTERNAL);
        assert!(moved_peer.is_closed().unwrap(), "the moved handle is consumed");
        assert!(kept.koid().is_ok(), "the duplicated handle stays");
    }
}

// `channel_write` in syscalls/channel.cc: a message too large fails in `MessagePacket::Create`,
// before the handles are looked at: moved handles are consumed, results untouched.
#[test]
fn an_oversized_message_leaves_results_untouched() {
    let (local, _remote) = Channel::create();
    let (end, peer) = EventPair::create();
    let mut list = [moved(end, ObjectType::PORT, Status::INTERNAL)];
    assert_eq!(local.write_etc(&vec![0; 65537], &mut list), Err(Status::OUT_OF_RANGE));
    assert_eq!(list[0].result, Status::INTERNAL);
    assert!(peer.is_closed().unwrap());
}

// write_etc.cc, HandleWithoutTransferRightShouldFail (move and duplicate).
#[test]
fn handle_without_transfer_right_should_fail() {
    let (local, _remote) = Channel::create();
    let no_transfer =
        Event::create().replace_handle(Rights::EVENT_DEFAULT - Rights::TRANSFER).unwrap();
    let mut list = [duplicated(&no_transfer, ObjectType::NONE, Status::OK)];
    assert_eq!(local.write_etc(DATA, &mut list), Err(Status::ACCESS_DENIED));
    drop(list);
    assert!(no_transfer.koid().is_ok());
    let raw = no_transfer.raw_handle();
    let mut list = [moved(no_transfer, ObjectType::NONE, Status::OK)];
    assert_eq!(local.write_etc(DATA, &mut list), Err(Status::ACCESS_DENIED));
    assert!(is_consumed(raw));
}

// write_etc.cc, InvalidHandleInTransferredHandlesShouldFail.
#[test]
fn invalid_handle_in_transferred_handles_should_fail() {
    let (local, _remote) = Channel::create();
    let closed = Event::create().raw_handle();
    for raw in [closed, zx::sys::ZX_HANDLE_INVALID, 0xffff_ffff] {
        // SAFETY: none of these values names a live handle.
        let bad = unsafe { zx::Unowned::<NullableHandle>::from_raw_handle(raw) };
        let mut list = [duplicated(&*bad, ObjectType::NONE, Status::OK)];
        assert_eq!(local.write_etc(DATA, &mut list), Err(Status::BAD_HANDLE));
        assert_eq!(list[0].result, Status::BAD_HANDLE);
    }
}

// write_etc.cc, RepeatedHandlesWithOpMoveHandlesShouldFail.
#[test]
fn repeated_handles_with_op_move_should_fail() {
    let (local, _remote) = Channel::create();
    let event = Event::create();
    let raw = event.raw_handle();
    // SAFETY: the alias is consumed by the failing write together with the original.
    let alias = unsafe { Event::from(NullableHandle::from_raw(raw)) };
    let mut list =
        [moved(event, ObjectType::NONE, Status::OK), moved(alias, ObjectType::NONE, Status::OK)];
    assert_eq!(local.write_etc(DATA, &mut list), Err(Status::BAD_HANDLE));
    assert_eq!(list[0].result, Status::OK);
    assert_eq!(list[1].result, Status::BAD_HANDLE);
    assert!(is_consumed(raw));
}

// `common_handle_checks_locked` then `duplicate_handle_for_transfer` in user_handles.cc: TRANSFER,
// then the channel's own handle, then the type, then the rights, and only then DUPLICATE
// (behaviour 3).
#[test]
fn handle_checks_run_in_the_kernel_order() {
    let (local, _remote) = Channel::create();
    let no_dup_no_transfer = Event::create().replace_handle(Rights::WAIT).unwrap();
    let mut list = [duplicated(&no_dup_no_transfer, ObjectType::CHANNEL, Status::OK)];
    assert_eq!(local.write_etc(DATA, &mut list), Err(Status::ACCESS_DENIED), "TRANSFER first");

    // A channel handle has no DUPLICATE: duplicating it into itself is NOT_SUPPORTED.
    let mut list = [duplicated(&local, ObjectType::EVENT, Status::OK)];
    assert_eq!(local.write_etc(DATA, &mut list), Err(Status::NOT_SUPPORTED));

    let no_dup = Event::create().replace_handle(Rights::TRANSFER | Rights::WAIT).unwrap();
    let mut list = [duplicated(&no_dup, ObjectType::CHANNEL, Status::OK)];
    assert_eq!(local.write_etc(DATA, &mut list), Err(Status::WRONG_TYPE));

    let mut list = [HandleDisposition::new(
        HandleOp::Duplicate(no_dup.as_handle_ref()),
        ObjectType::EVENT,
        Rights::TRANSFER | Rights::SIGNAL,
        Status::OK,
    )];
    assert_eq!(local.write_etc(DATA, &mut list), Err(Status::INVALID_ARGS));

    let mut list = [duplicated(&no_dup, ObjectType::EVENT, Status::OK)];
    assert_eq!(local.write_etc(DATA, &mut list), Err(Status::ACCESS_DENIED), "DUPLICATE last");
}

// `move_handle_for_transfer` in user_handles.cc: requested rights replace the handle's.
#[test]
fn moved_handles_get_the_requested_rights() {
    let (local, remote) = Channel::create();
    let mut list = [HandleDisposition::new(
        HandleOp::Move(Event::create().into_handle()),
        ObjectType::EVENT,
        Rights::WAIT | Rights::TRANSFER,
        Status::OK,
    )];
    local.write_etc(DATA, &mut list).unwrap();
    let mut buf = zx::MessageBufEtc::new();
    remote.read_etc(&mut buf).unwrap();
    let (_, infos) = buf.split();
    assert_eq!(infos[0].rights, Rights::WAIT | Rights::TRANSFER);
    assert_eq!(infos[0].handle.basic_info().unwrap().rights, Rights::WAIT | Rights::TRANSFER);
}
