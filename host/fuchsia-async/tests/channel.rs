//! Async Channel: reads wait through waker registration; peer-closed drains first.

use fuchsia_async as fasync;
use std::pin::pin;
use std::task::Poll;

#[test]
fn recv_msg_returns_a_queued_message() {
    let (local, remote) = zx::Channel::create();
    remote.write(b"queued", &mut []).unwrap();
    let channel = fasync::Channel::from_channel(local);
    let mut buf = zx::MessageBuf::new();
    fasync::LocalExecutor::default().run_singlethreaded(channel.recv_msg(&mut buf)).unwrap();
    assert_eq!(buf.bytes(), b"queued");
    assert_eq!(buf.n_handles(), 0);
}

#[test]
fn recv_msg_waits_until_a_message_arrives() {
    let mut executor = fasync::TestExecutor::new();
    let (local, remote) = zx::Channel::create();
    let channel = fasync::Channel::from_channel(local);
    let mut buf = zx::MessageBuf::new();
    {
        let mut receive = pin!(channel.recv_msg(&mut buf));
        assert_eq!(executor.run_until_stalled(&mut receive), Poll::Pending);
        std::thread::spawn(move || {
            remote.write(b"from another thread", &mut []).unwrap();
            remote
        })
        .join()
        .unwrap();
        assert_eq!(executor.run_until_stalled(&mut receive), Poll::Ready(Ok(())));
    }
    assert_eq!(buf.bytes(), b"from another thread");
}

#[test]
fn peer_closed_is_reported_after_queued_messages_are_drained() {
    let (local, remote) = zx::Channel::create();
    remote.write(b"one", &mut []).unwrap();
    remote.write(b"two", &mut []).unwrap();
    drop(remote);
    let channel = fasync::Channel::from_channel(local);
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let mut buf = zx::MessageBuf::new();
        channel.recv_msg(&mut buf).await.unwrap();
        assert_eq!(buf.bytes(), b"one");
        channel.recv_msg(&mut buf).await.unwrap();
        assert_eq!(buf.bytes(), b"two");
        assert_eq!(channel.recv_msg(&mut buf).await, Err(zx::Status::PEER_CLOSED));
    });
}

#[test]
fn a_pending_read_is_woken_by_peer_closed() {
    let mut executor = fasync::TestExecutor::new();
    let (local, remote) = zx::Channel::create();
    let channel = fasync::Channel::from_channel(local);
    let mut buf = zx::MessageBuf::new();
    let mut receive = pin!(channel.recv_msg(&mut buf));
    assert_eq!(executor.run_until_stalled(&mut receive), Poll::Pending);
    drop(remote);
    assert_eq!(executor.run_until_stalled(&mut receive), Poll::Ready(Err(zx::Status::PEER_CLOSED)));
}

#[test]
fn read_poll_fn_moves_handles_out() {
    let (local, remote) = zx::Channel::create();
    let event = zx::Event::create();
    let koid = event.koid().unwrap();
    remote.write(b"with handle", &mut [event.into_handle()]).unwrap();
    let channel = fasync::Channel::from_channel(local);
    let (bytes, handles) = fasync::LocalExecutor::default().run_singlethreaded(async {
        let mut bytes = Vec::new();
        let mut handles = Vec::new();
        std::future::poll_fn(|cx| channel.read(cx, &mut bytes, &mut handles)).await.unwrap();
        (bytes, handles)
    });
    assert_eq!(bytes, b"with handle");
    assert_eq!(handles.len(), 1);
    assert_eq!(handles[0].koid().unwrap(), koid);
}

#[test]
fn read_etc_reports_handle_type_and_rights() {
    let (local, remote) = zx::Channel::create();
    let event = zx::Event::create();
    remote.write(b"etc", &mut [event.into_handle()]).unwrap();
    let channel = fasync::Channel::from_channel(local);
    let mut executor = fasync::TestExecutor::new();
    let mut bytes = Vec::new();
    let mut infos = Vec::new();
    let mut read = std::future::poll_fn(|cx| channel.read_etc(cx, &mut bytes, &mut infos));
    assert_eq!(executor.run_until_stalled(&mut read), Poll::Ready(Ok(())));
    assert_eq!(bytes, b"etc");
    assert_eq!(infos.len(), 1);
    assert_eq!(infos[0].object_type, zx::ObjectType::EVENT);
    assert_eq!(infos[0].rights, zx::Rights::EVENT_DEFAULT);
}

#[test]
fn recv_etc_msg_and_write_etc_round_trip() {
    let (local, remote) = zx::Channel::create();
    let local = fasync::Channel::from_channel(local);
    let remote = fasync::Channel::from_channel(remote);
    let event = zx::Event::create();
    let mut dispositions = [zx::HandleDisposition::new(
        zx::HandleOp::Move(event.into_handle()),
        zx::ObjectType::EVENT,
        zx::Rights::WAIT | zx::Rights::TRANSFER,
        zx::Status::OK,
    )];
    remote.write_etc(b"disposed", &mut dispositions).unwrap();
    let mut buf = zx::MessageBufEtc::new();
    fasync::LocalExecutor::default().run_singlethreaded(local.recv_etc_msg(&mut buf)).unwrap();
    assert_eq!(buf.bytes(), b"disposed");
    assert_eq!(buf.n_handle_infos(), 1);
    let (_, infos) = buf.split();
    assert_eq!(infos[0].rights, zx::Rights::WAIT | zx::Rights::TRANSFER);
}

#[test]
fn write_to_a_closed_peer_is_peer_closed() {
    let (local, remote) = zx::Channel::create();
    drop(remote);
    let channel = fasync::Channel::from_channel(local);
    assert_eq!(channel.write(b"lost", &mut []), Err(zx::Status::PEER_CLOSED));
}

#[test]
fn on_closed_and_is_closed_follow_the_peer() {
    let mut executor = fasync::TestExecutor::new();
    let (local, remote) = zx::Channel::create();
    let channel = fasync::Channel::from_channel(local);
    assert!(!channel.is_closed());
    let mut closed = channel.on_closed();
    assert_eq!(executor.run_until_stalled(&mut closed), Poll::Pending);
    drop(remote);
    assert!(matches!(
        executor.run_until_stalled(&mut closed),
        Poll::Ready(Ok(signals)) if signals.contains(zx::Signals::CHANNEL_PEER_CLOSED)
    ));
    assert!(channel.is_closed());
}

#[test]
fn into_zx_channel_keeps_queued_messages() {
    let (local, remote) = zx::Channel::create();
    let channel = fasync::Channel::from_channel(local);
    remote.write(b"kept", &mut []).unwrap();
    let local = channel.into_zx_channel();
    let mut buf = zx::MessageBuf::new();
    local.read(&mut buf).unwrap();
    assert_eq!(buf.bytes(), b"kept");
    // And through the From conversions.
    remote.write(b"again", &mut []).unwrap();
    let local = zx::Channel::from(fasync::Channel::from(local));
    local.read(&mut buf).unwrap();
    assert_eq!(buf.bytes(), b"again");
}

#[test]
fn reading_a_channel_without_read_right_is_access_denied() {
    let (local, _remote) = zx::Channel::create();
    let write_only = local.replace_handle(zx::Rights::WRITE | zx::Rights::WAIT).unwrap();
    let channel = fasync::Channel::from_channel(write_only);
    let mut buf = zx::MessageBuf::new();
    let result = fasync::LocalExecutor::default().run_singlethreaded(channel.recv_msg(&mut buf));
    assert_eq!(result, Err(zx::Status::ACCESS_DENIED));
}

#[test]
fn reading_an_invalid_channel_is_bad_handle() {
    let channel = fasync::Channel::from_channel(zx::Channel::from(zx::NullableHandle::invalid()));
    let mut buf = zx::MessageBuf::new();
    let result = fasync::LocalExecutor::default().run_singlethreaded(channel.recv_msg(&mut buf));
    assert_eq!(result, Err(zx::Status::BAD_HANDLE));
}

#[test]
fn messages_stream_between_tasks_on_a_send_executor() {
    let (left, right) = zx::Channel::create();
    let received = fasync::SendExecutorBuilder::new().num_threads(2).build().run(async move {
        let left = fasync::Channel::from_channel(left);
        let right = fasync::Channel::from_channel(right);
        let writer = fasync::Task::spawn(async move {
            for i in 0..50u8 {
                left.write(&[i], &mut []).unwrap();
                fasync::yield_now().await;
            }
        });
        let mut received = Vec::new();
        let mut buf = zx::MessageBuf::new();
        while right.recv_msg(&mut buf).await.is_ok() {
            received.push(buf.bytes()[0]);
        }
        writer.await;
        received
    });
    assert_eq!(received, (0..50).collect::<Vec<u8>>());
}
