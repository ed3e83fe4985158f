//! Sockets and FIFOs through generated bindings (`test.protocol.Streams`): `zx.Handle:SOCKET`
//! and `zx.Handle:FIFO` fields carry `fidl::Socket` / `fidl::Fifo`, the request and response
//! types' rights are enforced on the way, and the objects keep working across the trip, as a
//! trace session's output socket and a provider's FIFO must.

use fidl::encoding::{DynamicFlags, TransactionHeader, encode_message};
use fidl::endpoints::{ControlHandle, Proxy, RequestStream, create_proxy_and_stream};
use fidl::{Error, ObjectType, Rights, Status};
use fidl_test_protocol::*;
use fuchsia_async as fasync;
use futures::io::{AsyncReadExt, AsyncWriteExt};
use futures::{StreamExt, TryStreamExt};

/// A trace-buffer FIFO packet.
type Packet = [u64; 2];

/// Serves one `Bounce`: writes into both objects, then hands them back.
async fn serve_bounce(mut stream: StreamsRequestStream) -> Rights {
    let (socket, fifo, responder) =
        stream.try_next().await.unwrap().unwrap().into_bounce().unwrap();
    let rights = socket.basic_info().unwrap().rights;
    let mut async_socket = fasync::Socket::from_socket(socket);
    async_socket.write_all(b"fxt records").await.unwrap();
    let fifo = fifo.cast::<Packet, Packet>();
    fifo.write_one(&[1, 2]).unwrap();
    responder.send(async_socket.into_zx_socket(), fifo.downcast()).unwrap();
    rights
}

#[test]
fn socket_and_fifo_round_trip_with_their_rights() {
    fasync::TestExecutor::new().run_singlethreaded(async {
        let (proxy, stream) = create_proxy_and_stream::<StreamsMarker>();
        let server = fasync::Task::local(serve_bounce(stream));
        let (ours, theirs) = fidl::Socket::create_stream();
        let (our_fifo, their_fifo) = fidl::Fifo::<Packet>::create(4).unwrap();
        let koid = theirs.koid().unwrap();
        let (socket, fifo) = proxy.bounce(theirs, their_fifo.downcast()).await.unwrap();
        // The request type reduced the default rights; the response type reduced them again.
        assert_eq!(server.await, Rights::TRANSFER | Rights::WRITE | Rights::WAIT | Rights::INSPECT);
        let info = socket.basic_info().unwrap();
        assert_eq!((info.koid, info.object_type), (koid, ObjectType::SOCKET));
        assert_eq!(info.rights, Rights::TRANSFER | Rights::WAIT);
        assert_eq!(socket.write(b"x"), Err(Status::ACCESS_DENIED));
        assert_eq!(fifo.basic_info().unwrap().rights, Rights::FIFO_DEFAULT);
        assert_eq!(our_fifo.read_one(), Ok([1, 2]));

        // As a trace reader does: read the socket to its end once the writer is gone.
        drop(socket);
        let mut reader = fidl::AsyncSocket::from_socket(ours);
        let mut fxt = Vec::new();
        reader.read_to_end(&mut fxt).await.unwrap();
        assert_eq!(fxt, b"fxt records");
    })
}

/// Writes a raw `Bounce` request carrying `socket` and `fifo` as they are (no type or rights
/// asserted) and returns the error the server's decode reports.
async fn server_decode_error(socket: fidl::NullableHandle, fifo: fidl::NullableHandle) -> Error {
    let (proxy, mut stream) = create_proxy_and_stream::<StreamsMarker>();
    // Two handle-presence markers.
    let header = TransactionHeader::new(7, 0x4401ba4a6b8e1781, DynamicFlags::empty());
    let (bytes, _) = encode_message::<u64>(header, u64::MAX).unwrap();
    let mut handles = [socket, fifo].map(|handle| {
        fidl::HandleDisposition::new(
            fidl::HandleOp::Move(handle),
            ObjectType::NONE,
            Rights::SAME_RIGHTS,
            Status::OK,
        )
    });
    proxy.as_channel().write_etc(&bytes, &mut handles).unwrap();
    let error = stream.next().await.unwrap().unwrap_err();
    stream.control_handle().shutdown();
    error
}

#[test]
fn a_socket_lacking_required_rights_or_of_the_wrong_type_is_refused() {
    fasync::TestExecutor::new().run_singlethreaded(async {
        // The request type requires WRITE; this socket lacks it. The sender's kernel refuses
        // the write (its disposition asks for rights the handle does not have).
        let (proxy, _stream) = create_proxy_and_stream::<StreamsMarker>();
        let (_ours, theirs) = fidl::Socket::create_stream();
        let read_only = theirs.replace_handle(Rights::SOCKET_DEFAULT - Rights::WRITE).unwrap();
        let (_our_fifo, their_fifo) = fidl::Fifo::<Packet>::create(4).unwrap();
        let (_our_fifo2, their_fifo2) = fidl::Fifo::<Packet>::create(4).unwrap();
        assert_eq!(
            proxy.bounce(read_only, their_fifo.downcast()).await.unwrap_err(),
            Error::ClientWrite(Status::INVALID_ARGS)
        );

        // Sent as they are, the receiver's decode refuses them.
        let (_ours, theirs) = fidl::Socket::create_stream();
        let read_only = theirs.replace_handle(Rights::SOCKET_DEFAULT - Rights::WRITE).unwrap();
        assert_eq!(
            server_decode_error(read_only.into(), their_fifo2.downcast().into()).await,
            Error::MissingExpectedHandleRights { missing_rights: Rights::WRITE }
        );
        let (fifo_a, _fifo_b) = fidl::Fifo::<Packet>::create(4).unwrap();
        let (fifo_c, _fifo_d) = fidl::Fifo::<Packet>::create(4).unwrap();
        assert_eq!(
            server_decode_error(fifo_a.downcast().into(), fifo_c.downcast().into()).await,
            Error::IncorrectHandleSubtype {
                expected: ObjectType::SOCKET,
                received: ObjectType::FIFO
            }
        );
        let (socket_a, _socket_b) = fidl::Socket::create_stream();
        let (socket_c, _socket_d) = fidl::Socket::create_stream();
        assert_eq!(
            server_decode_error(socket_a.into(), socket_c.into()).await,
            Error::IncorrectHandleSubtype {
                expected: ObjectType::FIFO,
                received: ObjectType::SOCKET
            }
        );
    })
}
