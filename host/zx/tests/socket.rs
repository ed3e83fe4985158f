//! `zx::Socket`: the meaning of `zircon/system/utest/core/socket/socket.cc` (`SocketTest`;
//! the bad-buffer cases cannot arise from safe Rust), the in-tree
//! `sdk/rust/zx/src/socket.rs` tests, and the error paths of `lib/syscalls/socket.cc`. Each
//! test names the kernel function whose rule it pins (`socket_dispatcher.cc`, `mbuf.cc`).

use zx::{
    Channel, Event, MessageBufEtc, MonotonicInstant, NullableHandle, ObjectType, Peered, Rights,
    Signals, Socket, SocketInfo, SocketOpts, SocketReadOpts, SocketWriteDisposition,
    SocketWriteOpts, Status, WaitResult, object_wait_many,
};

/// `MBufChain::kSizeMax`.
const BUFFER_MAX: usize = 258_048;

const MSG1: &[u8] = b"12345";
const MSG2: &[u8] = b"abcdef";
const MSG3: &[u8] = b"ghijklm";

/// The signals asserted on `socket` now.
fn signals(socket: &Socket) -> Signals {
    match socket.wait_one(Signals::NONE, MonotonicInstant::INFINITE_PAST) {
        WaitResult::TimedOut(signals) => signals,
        other => panic!("unexpected {other:?}"),
    }
}

fn read_vec(socket: &Socket, max: usize) -> Result<Vec<u8>, Status> {
    let mut buf = vec![0; max];
    let n = socket.read(&mut buf)?;
    buf.truncate(n);
    Ok(buf)
}

// EndpointsAreRelated; `SocketDispatcher::Create` gives both ends ZX_DEFAULT_SOCKET_RIGHTS.
#[test]
fn endpoints_are_related_and_have_default_rights() {
    for (a, b) in [Socket::create_stream(), Socket::create_datagram()] {
        let (ia, ib) = (a.basic_info().unwrap(), b.basic_info().unwrap());
        assert_ne!(ia.koid.raw_koid(), 0);
        assert_eq!(ia.koid, ib.related_koid);
        assert_eq!(ib.koid, ia.related_koid);
        assert_eq!(ia.object_type, ObjectType::SOCKET);
        assert_eq!(ia.rights, Rights::SOCKET_DEFAULT);
        assert_eq!(signals(&a), Signals::SOCKET_WRITABLE);
    }
}

// EmptySocketShouldWait, PeekingIntoEmpty, DatagramPeekEmpty: `SocketDispatcher::Read`.
#[test]
fn empty_socket_should_wait() {
    for (a, _b) in [Socket::create_stream(), Socket::create_datagram()] {
        let mut buf = [0; 4];
        assert_eq!(a.read(&mut buf), Err(Status::SHOULD_WAIT));
        assert_eq!(a.read_opts(&mut buf, SocketReadOpts::PEEK), Err(Status::SHOULD_WAIT));
    }
}

// WriteReadDataVerify: a stream read returns every queued byte, across writes.
#[test]
fn stream_write_read_data_verify() {
    let (local, remote) = Socket::create_stream();
    assert_eq!(local.write(&0xdead_beef_u32.to_le_bytes()), Ok(4));
    assert_eq!(local.write(&0xc0ffee_u32.to_le_bytes()), Ok(4));
    let mut expected = 0xdead_beef_u32.to_le_bytes().to_vec();
    expected.extend(0xc0ffee_u32.to_le_bytes());
    assert_eq!(read_vec(&remote, 8).unwrap(), expected);
    // The in-tree `socket_basic`: two writes read as one stream.
    local.write(b"hello").unwrap();
    local.write(b"world").unwrap();
    assert_eq!(read_vec(&remote, 11).unwrap(), b"helloworld");
    assert_eq!(remote.read(&mut [0; 4]), Err(Status::SHOULD_WAIT));
}

// PeerClosedError and BytesOutstanding: writing to a closed peer is PEER_CLOSED; queued bytes
// are still read (`Read` checks `peer()` only when empty), then PEER_CLOSED.
#[test]
fn peer_closed_after_queued_bytes_are_drained() {
    let (local, remote) = Socket::create_stream();
    remote.write(MSG1).unwrap();
    drop(remote);
    assert_eq!(local.write(MSG2), Err(Status::PEER_CLOSED));
    assert_eq!(signals(&local), Signals::SOCKET_READABLE | Signals::SOCKET_PEER_CLOSED);
    assert_eq!(read_vec(&local, 16).unwrap(), MSG1);
    assert_eq!(local.read(&mut [0; 4]), Err(Status::PEER_CLOSED));
    assert_eq!(signals(&local), Signals::SOCKET_PEER_CLOSED);
    assert!(local.is_closed().unwrap());
}

// PeekingLeavesData: `MBufChain::Peek` leaves the bytes and READABLE.
#[test]
fn peeking_leaves_data() {
    let (local, remote) = Socket::create_stream();
    local.write(MSG1).unwrap();
    let mut buf = [0; 5];
    assert_eq!(remote.read_opts(&mut buf, SocketReadOpts::PEEK), Ok(5));
    assert_eq!(&buf, MSG1);
    assert_eq!(signals(&local), Signals::SOCKET_WRITABLE);
    assert_eq!(signals(&remote), Signals::SOCKET_WRITABLE | Signals::SOCKET_READABLE);
    assert_eq!(read_vec(&remote, 16).unwrap(), MSG1);
    assert_eq!(signals(&remote), Signals::SOCKET_WRITABLE);
}

// Signals: READABLE follows the buffer; only user signals may be set on the peer; closing an
// end gives the other PEER_CLOSED and takes its WRITABLE (`OnPeerZeroHandlesLocked`).
#[test]
fn signals_follow_buffer_and_peer() {
    let (local, remote) = Socket::create_stream();
    let chunk = vec![0x66; 128 * 1024 / 16];
    assert_eq!(local.write(&chunk), Ok(chunk.len()));
    assert_eq!(signals(&local), Signals::SOCKET_WRITABLE);
    assert_eq!(signals(&remote), Signals::SOCKET_READABLE | Signals::SOCKET_WRITABLE);
    assert_eq!(read_vec(&remote, 128 * 1024).unwrap().len(), chunk.len());
    assert_eq!(signals(&remote), Signals::SOCKET_WRITABLE);

    assert_eq!(
        local.signal_peer(Signals::SOCKET_WRITABLE, Signals::NONE),
        Err(Status::INVALID_ARGS)
    );
    local.signal_peer(Signals::NONE, Signals::USER_1).unwrap();
    assert_eq!(signals(&local), Signals::SOCKET_WRITABLE);
    assert_eq!(signals(&remote), Signals::SOCKET_WRITABLE | Signals::USER_1);
    drop(remote);
    assert_eq!(signals(&local), Signals::SOCKET_PEER_CLOSED);
}

// SignalClosedPeer.
#[test]
fn signal_closed_peer() {
    let (local, remote) = Socket::create_stream();
    drop(remote);
    assert_eq!(local.signal_peer(Signals::NONE, Signals::USER_0), Err(Status::PEER_CLOSED));
}

/// `disable_write_helper` of socket.cc, through `set_disposition`: disabled writes are
/// BAD_STATE, the reader drains then gets BAD_STATE, re-enabling is refused while data
/// written before the disable is unread, and allowed once it is read.
fn disable_write(disable_local: bool, disable_remote: bool) {
    let (local, remote) = Socket::create_stream();
    let (mut local_state, mut remote_state) = (Signals::SOCKET_WRITABLE, Signals::SOCKET_WRITABLE);
    if disable_local {
        local.write(MSG1).unwrap();
        remote_state |= Signals::SOCKET_READABLE;
    }
    if disable_remote {
        remote.write(MSG2).unwrap();
        local_state |= Signals::SOCKET_READABLE;
    }
    let disabled = |yes: bool| yes.then_some(SocketWriteDisposition::Disabled);
    if disable_local {
        local_state = (local_state - Signals::SOCKET_WRITABLE) | Signals::SOCKET_WRITE_DISABLED;
        remote_state |= Signals::SOCKET_PEER_WRITE_DISABLED;
    }
    if disable_remote {
        remote_state = (remote_state - Signals::SOCKET_WRITABLE) | Signals::SOCKET_WRITE_DISABLED;
        local_state |= Signals::SOCKET_PEER_WRITE_DISABLED;
    }
    local.set_disposition(disabled(disable_local), disabled(disable_remote)).unwrap();
    assert_eq!(signals(&local), local_state);
    assert_eq!(signals(&remote), remote_state);

    for (end, peer_state, is_disabled, msg) in [
        (&local, &mut remote_state, disable_local, MSG1),
        (&remote, &mut local_state, disable_remote, MSG2),
    ] {
        if is_disabled {
            assert_eq!(end.write(msg), Err(Status::BAD_STATE));
            assert_eq!(
                end.set_disposition(Some(SocketWriteDisposition::Enabled), None),
                Err(Status::BAD_STATE)
            );
        } else {
            end.write(msg).unwrap();
            *peer_state |= Signals::SOCKET_READABLE;
        }
    }
    assert_eq!(signals(&local), local_state);
    assert_eq!(signals(&remote), remote_state);

    for (end, state, peer_disabled, msg) in [
        (&local, &mut local_state, disable_remote, MSG2),
        (&remote, &mut remote_state, disable_local, MSG1),
    ] {
        assert_eq!(read_vec(end, 16).unwrap(), msg);
        *state -= Signals::SOCKET_READABLE;
        let expected = if peer_disabled { Status::BAD_STATE } else { Status::SHOULD_WAIT };
        assert_eq!(end.read(&mut [0; 1]), Err(expected));
        assert_eq!(signals(end), *state);
    }

    let enabled = Some(SocketWriteDisposition::Enabled);
    local.set_disposition(enabled, enabled).unwrap();
    assert_eq!(signals(&local), Signals::SOCKET_WRITABLE);
    assert_eq!(signals(&remote), Signals::SOCKET_WRITABLE);
    local.write(MSG2).unwrap();
    remote.write(MSG3).unwrap();
    assert_eq!(read_vec(&local, 16).unwrap(), MSG3);
    assert_eq!(read_vec(&remote, 16).unwrap(), MSG2);
}

// DisableWrite{Local,Peer,BothEndpoints}WithSetDisposition: `SetDisposition`,
// `ExtendMasksFromDisposition`, `IsDispositionStateValid`, `UpdateReadStatus`.
#[test]
fn disable_write_with_set_disposition() {
    disable_write(true, false);
    disable_write(false, true);
    disable_write(true, true);
}

// The in-tree `socket_basic` / `socket_disposition`: `half_close` disables the peer's
// writes; `set_disposition(None, None)` changes nothing.
#[test]
fn half_close_and_no_op_disposition() {
    for (s1, s2) in [Socket::create_stream(), Socket::create_datagram()] {
        s1.half_close().unwrap();
        assert_eq!(s2.write(b"fail"), Err(Status::BAD_STATE));
        assert_eq!(s1.read(&mut [0; 4]), Err(Status::BAD_STATE));
        assert_eq!(s1.write(b"back"), Ok(4));
        assert_eq!(read_vec(&s2, 8).unwrap(), b"back");
        s2.set_disposition(None, None).unwrap();
        assert_eq!(s2.write(b"fail"), Err(Status::BAD_STATE));
    }
}

// SetDispositionHandleWithoutRight: `sys_socket_set_disposition` needs MANAGE_SOCKET.
#[test]
fn set_disposition_needs_manage_socket() {
    let (local, _remote) = Socket::create_stream();
    let clone = local.duplicate_handle(Rights::SOCKET_DEFAULT - Rights::MANAGE_SOCKET).unwrap();
    let disabled = Some(SocketWriteDisposition::Disabled);
    assert_eq!(clone.set_disposition(disabled, None), Err(Status::ACCESS_DENIED));
    assert_eq!(clone.set_disposition(None, disabled), Err(Status::ACCESS_DENIED));
    assert_eq!(clone.half_close(), Err(Status::ACCESS_DENIED));
}

// SetDispositionInvalidArgs: `Disposition::TryFrom` accepts 0 and the two values only.
#[test]
fn disposition_from_raw() {
    assert_eq!(SocketWriteDisposition::from_raw(0), Ok(None));
    assert_eq!(SocketWriteDisposition::from_raw(1), Ok(Some(SocketWriteDisposition::Disabled)));
    assert_eq!(SocketWriteDisposition::from_raw(2), Ok(Some(SocketWriteDisposition::Enabled)));
    assert_eq!(SocketWriteDisposition::from_raw(3), Err(Status::INVALID_ARGS));
    assert_eq!(SocketWriteDisposition::from_raw(1337 & !3), Err(Status::INVALID_ARGS));
    assert_eq!(u32::from(SocketWriteDisposition::Enabled), 2);
    assert_eq!(u32::from(SocketWriteDisposition::Disabled), 1);
}

// SetDispositionOfClosedPeerWithBufferedData.
#[test]
fn set_disposition_of_closed_peer_with_buffered_data() {
    let (local, remote) = Socket::create_stream();
    remote.write(MSG1).unwrap();
    local.set_disposition(None, Some(SocketWriteDisposition::Disabled)).unwrap();
    let enable_peer = || local.set_disposition(None, Some(SocketWriteDisposition::Enabled));
    assert_eq!(enable_peer(), Err(Status::BAD_STATE));
    drop(remote);
    assert_eq!(enable_peer(), Err(Status::BAD_STATE));
}

// BytesOutstanding and `SocketDispatcher::GetInfo`; the in-tree `socket_info`.
#[test]
fn info_reports_both_buffers() {
    let (s1, s2) = Socket::create_stream();
    let info = s1.info().unwrap();
    assert_eq!(
        info,
        SocketInfo {
            options: SocketOpts::STREAM,
            rx_buf_max: BUFFER_MAX,
            rx_buf_size: 0,
            rx_buf_available: 0,
            tx_buf_max: BUFFER_MAX,
            tx_buf_size: 0,
        }
    );
    s1.write(b"hello").unwrap();
    assert_eq!(s1.info().unwrap().tx_buf_size, 5);
    assert_eq!(s1.info().unwrap().rx_buf_size, 0);
    assert_eq!(s2.info().unwrap().rx_buf_size, 5);
    assert_eq!(s2.outstanding_read_bytes(), Ok(5));
    drop(s2);
    let info = s1.info().unwrap();
    assert_eq!((info.tx_buf_max, info.tx_buf_size), (0, 0));
    assert_eq!(SocketInfo::default().options, SocketOpts::STREAM);
}

// ShortWrite: a stream write larger than the room left is short; a full buffer is
// SHOULD_WAIT and takes WRITABLE from the writer, which one read gives back
// (`WriteSelfLocked`, `Read`).
#[test]
fn stream_short_write_and_full_buffer() {
    let (local, remote) = Socket::create_stream();
    let big = vec![7; BUFFER_MAX + 1];
    assert_eq!(local.write(&big), Ok(BUFFER_MAX));
    assert_eq!(signals(&local), Signals::NONE);
    assert_eq!(local.write(b"x"), Err(Status::SHOULD_WAIT));
    assert_eq!(local.write(b""), Ok(0));
    assert_eq!(remote.read(&mut [0; 10]), Ok(10));
    assert_eq!(signals(&local), Signals::SOCKET_WRITABLE);
    assert_eq!(local.write(&big), Ok(10));
    assert_eq!(signals(&local), Signals::NONE);
}

// Datagram: message boundaries, truncation of a short read (the rest discarded,
// `MBufChain::ReadHelper`), `rx_buf_available` the next datagram's length.
#[test]
fn datagram_boundaries_and_truncation() {
    let (local, remote) = Socket::create_datagram();
    assert_eq!(local.info().unwrap().options, SocketOpts::DATAGRAM);
    local.write(MSG1).unwrap();
    local.write(MSG2).unwrap();
    let large: Vec<u8> = (0..4096u32).map(|i| i as u8).collect();
    assert_eq!(local.write(&large), Ok(4096));
    assert_eq!(remote.outstanding_read_bytes(), Ok(MSG1.len()));
    assert_eq!(read_vec(&remote, MSG1.len() - 1).unwrap(), &MSG1[..4]);
    assert_eq!(remote.outstanding_read_bytes(), Ok(MSG2.len()));
    assert_eq!(read_vec(&remote, 64).unwrap(), MSG2);
    assert_eq!(remote.outstanding_read_bytes(), Ok(4096));
    assert_eq!(read_vec(&remote, 8192).unwrap(), large);
    assert_eq!(remote.outstanding_read_bytes(), Ok(0));
    assert_eq!(signals(&remote), Signals::SOCKET_WRITABLE);
}

// DatagramPeek.
#[test]
fn datagram_peek() {
    let (local, remote) = Socket::create_datagram();
    local.write(MSG1).unwrap();
    local.write(MSG2).unwrap();
    let mut buf = [0; 8];
    assert_eq!(remote.read_opts(&mut buf[..4], SocketReadOpts::PEEK), Ok(4));
    assert_eq!(remote.read_opts(&mut buf, SocketReadOpts::PEEK), Ok(5));
    assert_eq!(&buf[..5], MSG1);
    assert_eq!(read_vec(&remote, 5).unwrap(), MSG1);
    assert_eq!(remote.read_opts(&mut buf, SocketReadOpts::PEEK), Ok(6));
    assert_eq!(&buf[..6], MSG2);
}

// DatagramNoShortWrite: a datagram larger than a buffer is OUT_OF_RANGE; one that does not
// fit in the room left is SHOULD_WAIT, writing nothing (`MBufChain::WriteDatagram`).
#[test]
fn datagram_no_short_write() {
    let (local, remote) = Socket::create_datagram();
    assert_eq!(local.write(&vec![0; BUFFER_MAX * 2]), Err(Status::OUT_OF_RANGE));
    assert_eq!(local.write(&vec![0; BUFFER_MAX - 10]), Ok(BUFFER_MAX - 10));
    assert_eq!(signals(&local), Signals::SOCKET_WRITABLE);
    assert_eq!(local.write(&[0; 11]), Err(Status::SHOULD_WAIT));
    assert_eq!(local.write(&[1; 10]), Ok(10));
    assert_eq!(signals(&local), Signals::NONE);
    assert_eq!(remote.info().unwrap().rx_buf_size, BUFFER_MAX);
    assert_eq!(local.write(&[2; 1]), Err(Status::SHOULD_WAIT));
    assert_eq!(read_vec(&remote, BUFFER_MAX).unwrap().len(), BUFFER_MAX - 10);
    assert_eq!(signals(&local), Signals::SOCKET_WRITABLE);
    assert_eq!(read_vec(&remote, 64).unwrap(), [1; 10]);
}

// ZeroSize: an empty read of an empty socket is SHOULD_WAIT; of a non-empty one it is
// `Ok(0)` and takes nothing, even a datagram. An empty write is `Ok(0)` and queues nothing,
// even on a datagram socket (`SocketDispatcher::Write` answers it first).
#[test]
fn zero_size_reads_and_writes() {
    for (local, remote) in [Socket::create_stream(), Socket::create_datagram()] {
        assert_eq!(local.read(&mut []), Err(Status::SHOULD_WAIT));
        assert_eq!(remote.write(b""), Ok(0));
        assert_eq!(local.read(&mut []), Err(Status::SHOULD_WAIT));
        remote.write(b"a").unwrap();
        assert_eq!(local.read(&mut []), Ok(0));
        assert_eq!(local.read(&mut []), Ok(0));
        assert_eq!(read_vec(&local, 4).unwrap(), b"a");
    }
}

// `sys_socket_read` / `sys_socket_write`: options are checked first, then the handle and its
// rights (READ to read, WRITE to write, INSPECT for ZX_INFO_SOCKET).
#[test]
fn options_handles_and_rights_are_checked() {
    let (local, remote) = Socket::create_stream();
    assert_eq!(
        local.write_opts(b"x", SocketWriteOpts::from_bits_retain(1)),
        Err(Status::INVALID_ARGS)
    );
    assert_eq!(
        remote.read_opts(&mut [0; 1], SocketReadOpts::from_bits_retain(1)),
        Err(Status::INVALID_ARGS)
    );
    let read_only = local.duplicate_handle(Rights::SOCKET_DEFAULT - Rights::WRITE).unwrap();
    assert_eq!(read_only.write(b"x"), Err(Status::ACCESS_DENIED));
    let write_only = remote.duplicate_handle(Rights::SOCKET_DEFAULT - Rights::READ).unwrap();
    assert_eq!(write_only.read(&mut [0; 1]), Err(Status::ACCESS_DENIED));
    let uninspectable = remote.duplicate_handle(Rights::SOCKET_DEFAULT - Rights::INSPECT).unwrap();
    assert_eq!(uninspectable.info(), Err(Status::ACCESS_DENIED));
    assert_eq!(uninspectable.outstanding_read_bytes(), Err(Status::ACCESS_DENIED));

    let not_a_socket = Socket::from(Event::create().into_handle());
    assert_eq!(not_a_socket.write(b"x"), Err(Status::WRONG_TYPE));
    assert_eq!(not_a_socket.read(&mut [0; 1]), Err(Status::WRONG_TYPE));
    assert_eq!(not_a_socket.info(), Err(Status::WRONG_TYPE));
    let invalid = Socket::from(NullableHandle::invalid());
    assert_eq!(invalid.write(b"x"), Err(Status::BAD_HANDLE));
    assert_eq!(invalid.read(&mut [0; 1]), Err(Status::BAD_HANDLE));
    assert_eq!(invalid.set_disposition(None, None), Err(Status::BAD_HANDLE));
}

// The in-tree `read_uninit`, and the raw-pointer forms.
#[test]
fn read_uninit_and_raw_forms() {
    let (s1, s2) = Socket::create_stream();
    assert_eq!(s1.write(b"hello"), Ok(5));
    let mut recv = [std::mem::MaybeUninit::<u8>::uninit(); 16];
    assert_eq!(s2.read_uninit(&mut recv).unwrap(), b"hello");
    let bytes = b"raw";
    // SAFETY: the pointer and length describe `bytes`.
    assert_eq!(unsafe { s1.write_raw(bytes.as_ptr(), bytes.len()) }, Ok(3));
    let mut out = [0u8; 8];
    // SAFETY: the pointer and length describe `out`.
    assert_eq!(unsafe { s2.read_raw(out.as_mut_ptr(), out.len()) }, Ok(3));
    assert_eq!(&out[..3], b"raw");
}

// Sockets travel through channels as handles with their type and rights, and keep working.
#[test]
fn socket_transfers_over_a_channel() {
    let (local, remote) = Socket::create_stream();
    let (c0, c1) = Channel::create();
    let reduced = remote.replace_handle(Rights::TRANSFER | Rights::READ | Rights::WAIT).unwrap();
    c0.write(b"", &mut [reduced.into_handle()]).unwrap();
    let mut buf = MessageBufEtc::new();
    c1.read_etc(&mut buf).unwrap();
    let (_, mut infos) = buf.split();
    let info = infos.pop().unwrap();
    assert_eq!(info.object_type, ObjectType::SOCKET);
    assert_eq!(info.rights, Rights::TRANSFER | Rights::READ | Rights::WAIT);
    let received = Socket::from(info.handle);
    local.write(MSG1).unwrap();
    assert_eq!(read_vec(&received, 16).unwrap(), MSG1);
    assert_eq!(received.write(MSG2), Err(Status::ACCESS_DENIED));
}

// Sockets are waitable like every object: `object_wait_many` and `wait_one` across threads.
#[test]
fn waits_end_when_another_thread_writes() {
    let (local, remote) = Socket::create_stream();
    let writer = std::thread::spawn(move || {
        local.write(MSG1).unwrap();
        local
    });
    let mut items = [remote.wait_item(Signals::SOCKET_READABLE)];
    object_wait_many(&mut items, MonotonicInstant::INFINITE).unwrap();
    assert!(items[0].pending().contains(Signals::SOCKET_READABLE));
    let local = writer.join().unwrap();
    assert_eq!(read_vec(&remote, 16).unwrap(), MSG1);

    let closer = std::thread::spawn(move || drop(local));
    let observed = remote
        .wait_one(Signals::SOCKET_PEER_CLOSED, MonotonicInstant::INFINITE)
        .to_result()
        .unwrap();
    assert!(observed.contains(Signals::SOCKET_PEER_CLOSED));
    closer.join().unwrap();
    assert_eq!(remote.basic_info().unwrap().object_type, ObjectType::SOCKET);
}

// SetThreshholdsProp: 0 and values up to the buffer size are accepted, larger ones are
// INVALID_ARGS (`SetReadThreshold`, `SetWriteThreshold`).
#[test]
fn threshold_properties_are_validated() {
    let (local, _remote) = Socket::create_stream();
    local.set_rx_threshold(&0).unwrap();
    assert_eq!(local.set_rx_threshold(&0xefff_ffff), Err(Status::INVALID_ARGS));
    local.set_tx_threshold(&0).unwrap();
    assert_eq!(local.set_tx_threshold(&0xefff_ffff), Err(Status::INVALID_ARGS));
    local.set_rx_threshold(&BUFFER_MAX).unwrap();
    local.set_tx_threshold(&BUFFER_MAX).unwrap();
    assert_eq!(local.set_rx_threshold(&(BUFFER_MAX + 1)), Err(Status::INVALID_ARGS));
    assert_eq!(
        (local.get_rx_threshold(), local.get_tx_threshold()),
        (Ok(BUFFER_MAX), Ok(BUFFER_MAX))
    );
}

// SetThreshholdsAndCheckSignals: READ_THRESHOLD follows the queued bytes, WRITE_THRESHOLD the
// room in the peer's buffer, both as writes, reads and new thresholds change them; duplicates
// see the same thresholds.
#[test]
fn thresholds_drive_their_signals() {
    const RX: usize = 101;
    let (local, remote) = Socket::create_stream();
    local.set_rx_threshold(&RX).unwrap();
    assert_eq!(local.get_rx_threshold(), Ok(RX));
    let write_threshold = remote.info().unwrap().tx_buf_max - (RX + 2);
    remote.set_tx_threshold(&write_threshold).unwrap();
    assert_eq!(remote.get_tx_threshold(), Ok(write_threshold));
    let local_clone = local.duplicate_handle(Rights::SAME_RIGHTS).unwrap();
    let remote_clone = remote.duplicate_handle(Rights::SAME_RIGHTS).unwrap();
    assert_eq!(local_clone.get_rx_threshold(), Ok(RX));
    assert_eq!(remote_clone.get_tx_threshold(), Ok(write_threshold));

    let (w, r) = (Signals::SOCKET_WRITABLE, Signals::SOCKET_READABLE);
    let (rt, wt) = (Signals::SOCKET_READ_THRESHOLD, Signals::SOCKET_WRITE_THRESHOLD);
    assert_eq!(signals(&local), w);
    assert_eq!(signals(&remote_clone), w | wt);

    remote.write(&[0; RX - 1]).unwrap();
    assert_eq!(signals(&local_clone), w | r);
    assert_eq!(signals(&remote), w | wt);
    remote.write(&[0; 1]).unwrap();
    assert_eq!(signals(&local), w | r | rt);
    assert_eq!(signals(&remote), w | wt);

    local.set_rx_threshold(&(RX + 50)).unwrap();
    assert_eq!(signals(&local_clone), w | r);
    local.set_rx_threshold(&RX).unwrap();
    assert_eq!(signals(&local_clone), w | r | rt);

    remote.set_tx_threshold(&(BUFFER_MAX - 10)).unwrap();
    assert_eq!(signals(&remote_clone), w);
    remote.set_tx_threshold(&write_threshold).unwrap();
    assert_eq!(signals(&remote_clone), w | wt);

    let more = write_threshold - (RX + 1);
    assert_eq!(remote.write(&vec![0; more]), Ok(more));
    assert_eq!(signals(&local), w | r | rt);
    assert_eq!(signals(&remote), w);

    assert_eq!(read_vec(&local, more + 10).unwrap().len(), more + 10);
    assert_eq!(signals(&local), w | r);
    assert_eq!(signals(&remote), w | wt);

    local.set_rx_threshold(&0).unwrap();
    remote.set_tx_threshold(&0).unwrap();
    assert_eq!(signals(&remote), w);
}

// PeerClosedSetProperty: the write threshold needs a peer; the read threshold does not.
// `sys_object_get_property` / `set_property` need GET_PROPERTY / SET_PROPERTY.
#[test]
fn threshold_rights_and_closed_peer() {
    let (local, remote) = Socket::create_stream();
    local.set_tx_threshold(&1).unwrap();
    let no_get = local.duplicate_handle(Rights::SOCKET_DEFAULT - Rights::GET_PROPERTY).unwrap();
    assert_eq!(no_get.get_rx_threshold(), Err(Status::ACCESS_DENIED));
    assert_eq!(no_get.get_tx_threshold(), Err(Status::ACCESS_DENIED));
    let no_set = local.duplicate_handle(Rights::SOCKET_DEFAULT - Rights::SET_PROPERTY).unwrap();
    assert_eq!(no_set.set_rx_threshold(&1), Err(Status::ACCESS_DENIED));
    assert_eq!(no_set.set_tx_threshold(&1), Err(Status::ACCESS_DENIED));
    drop(remote);
    assert_eq!(local.set_tx_threshold(&1), Err(Status::PEER_CLOSED));
    local.set_rx_threshold(&1).unwrap();
    assert_eq!(local.get_tx_threshold(), Ok(1));
}
