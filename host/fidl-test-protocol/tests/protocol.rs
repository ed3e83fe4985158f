//! Round trips through generated `test.protocol` bindings on the host FIDL
//! runtime: every method kind, events, errors, unknown interactions,
//! epitaphs, handles with rights, concurrency and protocol-violation teardown.

use std::future::Future;

use fidl::encoding::{DynamicFlags, EmptyPayload, TransactionHeader, encode_message};
use fidl::endpoints::{
    ControlHandle, Proxy, RequestStream, Responder, ServerEnd, create_endpoints, create_proxy,
    create_proxy_and_stream, create_request_stream,
};
use fidl::{Error, MethodType, Peered, Rights, Status};
use fidl_test_protocol::*;
use fuchsia_async as fasync;
use futures::{StreamExt, TryStreamExt};

fn run<F: Future>(future: F) -> F::Output {
    fasync::TestExecutor::new().run_singlethreaded(future)
}

/// What a test server saw (one-way, unknown and handle-carrying requests)
/// and the error that ended its stream, if any.
type ServerOutcome = (Vec<String>, Option<Error>);

/// Serves `Echo` until the stream ends.
async fn serve_echo(mut stream: EchoRequestStream) -> ServerOutcome {
    let mut seen = Vec::new();
    loop {
        let request = match stream.try_next().await {
            Ok(Some(request)) => request,
            Ok(None) => return (seen, None),
            Err(error) => return (seen, Some(error)),
        };
        match request {
            EchoRequest::EchoString { value, responder } => responder.send(&value).unwrap(),
            EchoRequest::EchoFlexible { value, responder } => responder.send(&value).unwrap(),
            EchoRequest::TryEcho { value, fail, responder } => {
                responder.send(if fail { Err(EchoError::Refused) } else { Ok(&value) }).unwrap()
            }
            EchoRequest::FlexibleTry { fail, responder } => {
                responder.send(if fail { Err(7) } else { Ok(()) }).unwrap()
            }
            EchoRequest::Nothing { responder } => responder.send().unwrap(),
            EchoRequest::Notify { count, .. } => seen.push(format!("notify {count}")),
            EchoRequest::RequestPings { count, control_handle } => {
                for i in 0..count {
                    control_handle.send_on_ping(i).unwrap();
                }
            }
            EchoRequest::TransferEvent { event, responder } => {
                let rights = event.basic_info().unwrap().rights;
                seen.push(format!("event rights {:#x}", rights.bits()));
                responder.send(event).unwrap()
            }
            EchoRequest::SendPayload { payload, responder } => responder.send(payload).unwrap(),
            EchoRequest::_UnknownMethod { ordinal, method_type, .. } => {
                seen.push(format!("unknown {ordinal:#x} {method_type:?}"))
            }
        }
    }
}

fn spawn_echo() -> (EchoProxy, fasync::Task<ServerOutcome>) {
    let (proxy, stream) = create_proxy_and_stream::<EchoMarker>();
    (proxy, fasync::Task::local(serve_echo(stream)))
}

#[test]
fn two_way_strict_and_flexible() {
    run(async {
        let (proxy, _server) = spawn_echo();
        assert_eq!(proxy.echo_string("hello").await.unwrap(), "hello");
        assert_eq!(proxy.echo_flexible("flex").await.unwrap(), "flex");
        proxy.nothing().await.unwrap();
    })
}

#[test]
fn error_syntax_strict_and_flexible() {
    run(async {
        let (proxy, _server) = spawn_echo();
        assert_eq!(proxy.try_echo("ok", false).await.unwrap(), Ok("ok".to_string()));
        assert_eq!(proxy.try_echo("no", true).await.unwrap(), Err(EchoError::Refused));
        assert_eq!(proxy.flexible_try(false).await.unwrap(), Ok(()));
        assert_eq!(proxy.flexible_try(true).await.unwrap(), Err(7));
    })
}

#[test]
fn one_way_reaches_server_in_order() {
    run(async {
        let (proxy, server) = spawn_echo();
        proxy.notify(1).unwrap();
        proxy.notify(2).unwrap();
        // A two-way call after the one-way calls orders them before it.
        proxy.nothing().await.unwrap();
        drop(proxy);
        let (seen, error) = server.await;
        assert_eq!(seen, vec!["notify 1", "notify 2"]);
        assert!(error.is_none());
    })
}

#[test]
fn events_arrive_in_order_and_are_buffered_before_the_stream_is_taken() {
    run(async {
        let (proxy, _server) = spawn_echo();
        proxy.request_pings(3).unwrap();
        proxy.nothing().await.unwrap();
        let mut events = proxy.take_event_stream();
        for expected in 0..3 {
            let event = events.next().await.unwrap().unwrap();
            assert_eq!(event.into_on_ping(), Some(expected));
        }
    })
}

#[test]
fn a_hundred_concurrent_calls_on_one_proxy() {
    run(async {
        let (proxy, _server) = spawn_echo();
        let calls: Vec<_> = (0..100).map(|i| proxy.echo_string(&format!("call {i}"))).collect();
        let responses = futures::future::join_all(calls).await;
        for (i, response) in responses.into_iter().enumerate() {
            assert_eq!(response.unwrap(), format!("call {i}"));
        }
    })
}

#[test]
fn calls_from_many_threads_on_one_proxy() {
    let mut executor = fasync::SendExecutorBuilder::new().num_threads(2).build();
    executor.run(async {
        let (proxy, stream) = create_proxy_and_stream::<EchoMarker>();
        let _server = fasync::Task::spawn(serve_echo(stream));
        let tasks: Vec<_> = (0..8)
            .map(|t| {
                let proxy = proxy.clone();
                fasync::Task::spawn(async move {
                    for i in 0..10 {
                        let value = format!("{t}/{i}");
                        assert_eq!(proxy.echo_string(&value).await.unwrap(), value);
                    }
                })
            })
            .collect();
        futures::future::join_all(tasks).await;
    })
}

#[test]
fn handles_move_with_rights_reduced_by_the_fidl_type() {
    run(async {
        let (proxy, server) = spawn_echo();
        let event = fidl::Event::create();
        let koid = event.koid().unwrap();
        assert_eq!(event.basic_info().unwrap().rights, Rights::EVENT_DEFAULT);
        let returned = proxy.transfer_event(event).await.unwrap();
        // Request type: BASIC | SIGNAL; response type: BASIC.
        assert_eq!(returned.koid().unwrap(), koid);
        assert_eq!(returned.basic_info().unwrap().rights, Rights::BASIC);
        drop(proxy);
        let (seen, _) = server.await;
        assert_eq!(
            seen,
            vec![format!("event rights {:#x}", (Rights::BASIC | Rights::SIGNAL).bits())]
        );
    })
}

#[test]
fn table_payload_with_string_and_handles_round_trips() {
    run(async {
        let (proxy, _server) = spawn_echo();
        let events: Vec<fidl::Event> = (0..3).map(|_| fidl::Event::create()).collect();
        let koids: Vec<_> = events.iter().map(|e| e.koid().unwrap()).collect();
        let payload =
            Payload { name: Some("x".repeat(64)), events: Some(events), ..Default::default() };
        let back = proxy.send_payload(payload).await.unwrap();
        assert_eq!(back.name.as_deref(), Some("x".repeat(64).as_str()));
        assert_eq!(back.count, None);
        let back_koids: Vec<_> = back.events.unwrap().iter().map(|e| e.koid().unwrap()).collect();
        assert_eq!(back_koids, koids);
    })
}

#[test]
fn table_payload_over_its_bounds_fails_to_encode_and_the_connection_stays_usable() {
    run(async {
        let (proxy, _server) = spawn_echo();
        let events: Vec<fidl::Event> = (0..4).map(|_| fidl::Event::create()).collect();
        let payload = Payload { name: Some("x".repeat(65)), ..Default::default() };
        let error = proxy.send_payload(payload).await.unwrap_err();
        assert_eq!(error, Error::StringTooLong { max_bytes: 64, actual_bytes: 65 });
        let payload = Payload { events: Some(events), ..Default::default() };
        let error = proxy.send_payload(payload).await.unwrap_err();
        assert_eq!(error, Error::VectorTooLong { max_length: 3, actual_length: 4 });
        assert_eq!(proxy.echo_string("after").await.unwrap(), "after");
    })
}

#[test]
fn unknown_flexible_two_way_gets_a_framework_error_and_the_server_sees_it() {
    run(async {
        let (client, stream) = create_request_stream::<EchoMarker>();
        let server = fasync::Task::local(serve_echo(stream));
        let newer = newer_proxy_on(client);
        let error = newer.extra_two_way().await.unwrap_err();
        assert!(
            matches!(error, Error::UnsupportedMethod { protocol_name: "(anonymous) Newer", .. }),
            "{error:?}"
        );
        newer.extra_one_way().unwrap();
        drop(newer);
        let (seen, error) = server.await;
        assert_eq!(seen.len(), 2);
        assert!(seen[0].ends_with("TwoWay"), "{seen:?}");
        assert!(seen[1].ends_with("OneWay"), "{seen:?}");
        assert!(error.is_none());
    })
}

/// Speaks `Newer` on a channel served as `Echo`.
fn newer_proxy_on(client: fidl::endpoints::ClientEnd<EchoMarker>) -> NewerProxy {
    NewerProxy::from_channel(fidl::AsyncChannel::from_channel(client.into_channel()))
}

#[test]
fn unknown_strict_method_tears_the_connection_down() {
    run(async {
        let (client, stream) = create_request_stream::<EchoMarker>();
        let server = fasync::Task::local(serve_echo(stream));
        let newer = newer_proxy_on(client);
        newer.extra_strict().unwrap();
        let (_, error) = server.await;
        assert!(matches!(error, Some(Error::UnknownOrdinal { .. })), "{error:?}");
        let closed = newer.extra_two_way().await.unwrap_err();
        assert!(matches!(closed, Error::ClientChannelClosed { status: Status::PEER_CLOSED, .. }));
    })
}

#[test]
fn unknown_flexible_event_is_surfaced_and_the_stream_continues() {
    run(async {
        let (proxy, server_end) = create_proxy::<EchoMarker>();
        let newer_server = ServerEnd::<NewerMarker>::new(server_end.into_channel());
        let (_stream, control) = newer_server.into_stream_and_control_handle();
        control.send_on_extra(5).unwrap();
        let mut events = proxy.take_event_stream();
        match events.next().await.unwrap().unwrap() {
            EchoEvent::_UnknownEvent { ordinal, .. } => assert_ne!(ordinal, 0),
            other => panic!("expected an unknown event, got {other:?}"),
        }
        drop(control);
        drop(_stream);
        assert!(events.next().await.is_none());
    })
}

/// Asserts that `stream` has not ended after an error: as in-tree, it goes on reading
/// (nothing more is queued, so it is pending).
fn assert_still_reading<S: futures::Stream + Unpin>(stream: &mut S) {
    use futures::FutureExt;
    assert!(stream.next().now_or_never().is_none(), "the stream ended or yielded an item");
}

/// Writes a raw transactional message (header + body) on `channel`.
fn write_raw(channel: &fidl::Channel, tx_id: u32, ordinal: u64, flags: DynamicFlags, magic: u8) {
    let mut header = TransactionHeader::new(tx_id, ordinal, flags);
    header.magic_number = magic;
    let (bytes, mut handles) = encode_message::<EmptyPayload>(header, ()).unwrap();
    channel.write_etc(&bytes, &mut handles).unwrap();
}

#[test]
fn unknown_strict_event_is_an_error() {
    run(async {
        let (proxy, server_end) = create_proxy::<EchoMarker>();
        write_raw(server_end.channel(), 0, 0x1234, DynamicFlags::empty(), 1);
        let mut events = proxy.take_event_stream();
        let error = events.next().await.unwrap().unwrap_err();
        assert_eq!(
            error,
            Error::UnknownOrdinal { ordinal: 0x1234, protocol_name: "test.protocol.Echo" }
        );
    })
}

#[test]
fn unknown_strict_event_from_generated_code_is_an_error() {
    run(async {
        let (proxy, server_end) = create_proxy::<EchoMarker>();
        let newer_server = ServerEnd::<NewerMarker>::new(server_end.into_channel());
        let (_stream, control) = newer_server.into_stream_and_control_handle();
        control.send_on_extra_strict().unwrap();
        let mut events = proxy.take_event_stream();
        let error = events.next().await.unwrap().unwrap_err();
        assert!(matches!(error, Error::UnknownOrdinal { protocol_name: "test.protocol.Echo", .. }));
    })
}

#[test]
fn ajar_accepts_unknown_flexible_one_way_but_not_two_way() {
    run(async {
        let (client, mut stream) = create_request_stream::<AjarMarker>();
        let raw = client.into_channel();
        write_raw(&raw, 0, 0x55, DynamicFlags::FLEXIBLE, 1);
        match stream.next().await.unwrap().unwrap() {
            AjarRequest::_UnknownMethod {
                ordinal: 0x55, method_type: MethodType::OneWay, ..
            } => {}
            other => panic!("unexpected {other:?}"),
        }
        write_raw(&raw, 9, 0x56, DynamicFlags::FLEXIBLE, 1);
        let error = stream.next().await.unwrap().unwrap_err();
        assert!(matches!(error, Error::UnknownOrdinal { ordinal: 0x56, .. }));
        assert_still_reading(&mut stream);
        drop(stream);
        assert_eq!(raw.is_closed(), Ok(true));
    })
}

#[test]
fn closed_protocol_rejects_even_flexible_one_way() {
    run(async {
        let (client, mut stream) = create_request_stream::<ClosedMarker>();
        let raw = client.into_channel();
        write_raw(&raw, 0, 0x55, DynamicFlags::FLEXIBLE, 1);
        let error = stream.next().await.unwrap().unwrap_err();
        assert!(matches!(error, Error::UnknownOrdinal { ordinal: 0x55, .. }));
        assert_still_reading(&mut stream);
        drop(stream);
        assert_eq!(raw.is_closed(), Ok(true));
    })
}

#[test]
fn open_protocol_answers_unknown_flexible_two_way_with_a_framework_error() {
    run(async {
        let (client, mut stream) = create_request_stream::<EchoMarker>();
        let raw = client.into_channel();
        write_raw(&raw, 42, 0x77, DynamicFlags::FLEXIBLE, 1);
        match stream.next().await.unwrap().unwrap() {
            EchoRequest::_UnknownMethod {
                ordinal: 0x77, method_type: MethodType::TwoWay, ..
            } => {}
            other => panic!("unexpected {other:?}"),
        }
        let mut buf = fidl::MessageBufEtc::new();
        raw.read_etc(&mut buf).unwrap();
        // txid 42, flexible, magic 1, ordinal 0x77, union ordinal 3, inlined int32 -2.
        let mut expected = vec![42, 0, 0, 0, 2, 0, 0x80, 1];
        expected.extend(0x77u64.to_le_bytes());
        expected.extend(3u64.to_le_bytes());
        expected.extend([0xfe, 0xff, 0xff, 0xff, 0, 0, 1, 0]);
        assert_eq!(buf.bytes(), expected.as_slice());
    })
}

#[test]
fn bad_magic_number_is_an_error_and_the_stream_goes_on() {
    run(async {
        let (client, mut stream) = create_request_stream::<EchoMarker>();
        let raw = client.into_channel();
        write_raw(&raw, 0, 0x65403d72763ffd77, DynamicFlags::empty(), 0);
        assert_eq!(stream.next().await.unwrap().unwrap_err(), Error::IncompatibleMagicNumber(0));
        assert_still_reading(&mut stream);
        drop(stream);
        assert_eq!(raw.is_closed(), Ok(true));
    })
}

#[test]
fn message_shorter_than_a_header_is_an_error_and_the_stream_goes_on() {
    run(async {
        let (client, mut stream) = create_request_stream::<EchoMarker>();
        let raw = client.into_channel();
        raw.write(&[1, 2, 3], &mut []).unwrap();
        assert_eq!(stream.next().await.unwrap().unwrap_err(), Error::OutOfRange);
        assert_still_reading(&mut stream);
        drop(stream);
        assert_eq!(raw.is_closed(), Ok(true));
    })
}

#[test]
fn wrong_txid_use_is_an_error_and_the_stream_goes_on() {
    run(async {
        // Two-way method (Nothing) with txid 0.
        let (client, mut stream) = create_request_stream::<EchoMarker>();
        let raw = client.into_channel();
        write_raw(&raw, 0, 0x35abec1ec6ec2f09, DynamicFlags::empty(), 1);
        assert!(matches!(
            stream.next().await.unwrap().unwrap_err(),
            Error::InvalidRequestTxid { tx_id: 0, .. }
        ));
        assert_still_reading(&mut stream);
        drop(stream);
        assert_eq!(raw.is_closed(), Ok(true));

        // One-way method (RequestPings) with a nonzero txid.
        let (client, mut stream) = create_request_stream::<EchoMarker>();
        let raw = client.into_channel();
        let header = TransactionHeader::new(5, 0x65ec6656f7783c06, DynamicFlags::empty());
        let (bytes, mut handles) = encode_message::<u32>(header, 1).unwrap();
        raw.write_etc(&bytes, &mut handles).unwrap();
        assert!(matches!(
            stream.next().await.unwrap().unwrap_err(),
            Error::InvalidRequestTxid { tx_id: 5, .. }
        ));
        assert_still_reading(&mut stream);
        drop(stream);
        assert_eq!(raw.is_closed(), Ok(true));
    })
}

/// RequestPings with its body 2 bytes short.
fn write_truncated_request_pings(raw: &fidl::Channel) {
    let header = TransactionHeader::new(0, 0x65ec6656f7783c06, DynamicFlags::empty());
    let (mut bytes, mut handles) = encode_message::<u32>(header, 1).unwrap();
    bytes.truncate(bytes.len() - 2);
    raw.write_etc(&bytes, &mut handles).unwrap();
}

#[test]
fn undecodable_request_is_an_error_and_the_channel_closes_with_the_stream() {
    run(async {
        let (client, mut stream) = create_request_stream::<EchoMarker>();
        let raw = client.into_channel();
        write_truncated_request_pings(&raw);
        assert_eq!(stream.next().await.unwrap().unwrap_err(), Error::OutOfRange);
        assert_still_reading(&mut stream);
        // Still open, so the server could send an epitaph ...
        assert_eq!(raw.is_closed(), Ok(false));
        // ... and closed once the stream is gone.
        drop(stream);
        assert_eq!(raw.is_closed(), Ok(true));
    })
}

#[test]
fn malformed_request_answered_with_an_epitaph() {
    run(async {
        let (proxy, mut stream) = create_proxy_and_stream::<EchoMarker>();
        let call = proxy.nothing();
        let nothing = stream.next().await.unwrap().unwrap().into_nothing().unwrap();
        // A wrong handle type: TransferEvent carrying a channel.
        let header = TransactionHeader::new(9, 0x304783094d41ec68, DynamicFlags::empty());
        let (bytes, _) = encode_message::<u32>(header, u32::MAX).unwrap();
        let (channel, _peer) = fidl::Channel::create();
        let mut handles = vec![fidl::HandleDisposition::new(
            fidl::HandleOp::Move(channel.into()),
            fidl::ObjectType::NONE,
            Rights::SAME_RIGHTS,
            Status::OK,
        )];
        proxy.as_channel().write_etc(&bytes, &mut handles).unwrap();
        let error = stream.next().await.unwrap().unwrap_err();
        assert!(matches!(error, Error::IncorrectHandleSubtype { .. }), "{error:?}");
        stream.control_handle().shutdown_with_epitaph(Status::INVALID_ARGS);
        nothing.drop_without_shutdown();
        let expected = Error::ClientChannelClosed {
            status: Status::INVALID_ARGS,
            protocol_name: "test.protocol.Echo",
            epitaph: Some(Status::INVALID_ARGS.into_raw() as u32),
        };
        assert_eq!(call.await.unwrap_err(), expected);
    })
}

#[test]
fn response_with_unknown_txid_fails_the_client() {
    run(async {
        let (proxy, server_end) = create_proxy::<EchoMarker>();
        let call = proxy.nothing();
        write_raw(server_end.channel(), 0x7000_0000, 0x35abec1ec6ec2f09, DynamicFlags::empty(), 1);
        assert_eq!(call.await.unwrap_err(), Error::InvalidResponseTxid { tx_id: 0x7000_0000 });
        assert_eq!(
            proxy.nothing().await.unwrap_err(),
            Error::InvalidResponseTxid { tx_id: 0x7000_0000 }
        );
    })
}

#[test]
fn response_with_wrong_ordinal_fails_the_call() {
    run(async {
        let (proxy, server_end) = create_proxy::<EchoMarker>();
        let call = proxy.nothing();
        let mut buf = fidl::MessageBufEtc::new();
        // The request is already written when the call is made.
        server_end.channel().read_etc(&mut buf).unwrap();
        let tx_id = TransactionHeader::read(buf.bytes()).unwrap().tx_id;
        write_raw(server_end.channel(), tx_id, 0x999, DynamicFlags::empty(), 1);
        assert_eq!(
            call.await.unwrap_err(),
            Error::InvalidResponseOrdinal { expected: 0x35abec1ec6ec2f09, actual: 0x999 }
        );
    })
}

#[test]
fn epitaph_is_received_by_calls_and_the_event_stream() {
    run(async {
        let (proxy, mut stream) = create_proxy_and_stream::<EchoMarker>();
        let call = proxy.nothing();
        let request = stream.next().await.unwrap().unwrap();
        let responder = request.into_nothing().unwrap();
        responder.control_handle().shutdown_with_epitaph(Status::NOT_FOUND);
        responder.drop_without_shutdown();
        let expected = Error::ClientChannelClosed {
            status: Status::NOT_FOUND,
            protocol_name: "test.protocol.Echo",
            epitaph: Some(Status::NOT_FOUND.into_raw() as u32),
        };
        assert_eq!(call.await.unwrap_err(), expected);
        let mut events = proxy.take_event_stream();
        assert_eq!(events.next().await.unwrap().unwrap_err(), expected);
        assert!(events.next().await.is_none());
        assert!(stream.next().await.is_none());
    })
}

#[test]
fn server_end_close_with_epitaph() {
    run(async {
        let (proxy, server_end) = create_proxy::<EchoMarker>();
        server_end.close_with_epitaph(Status::ACCESS_DENIED).unwrap();
        let error = proxy.echo_string("x").await.unwrap_err();
        assert!(matches!(error, Error::ClientChannelClosed { status: Status::ACCESS_DENIED, .. }));
        assert!(proxy.is_closed());
    })
}

#[test]
fn peer_closed_without_epitaph() {
    run(async {
        let (proxy, server_end) = create_proxy::<EchoMarker>();
        drop(server_end);
        let error = proxy.nothing().await.unwrap_err();
        assert_eq!(
            error,
            Error::ClientChannelClosed {
                status: Status::PEER_CLOSED,
                protocol_name: "test.protocol.Echo",
                epitaph: None
            }
        );
        let mut events = proxy.take_event_stream();
        assert!(events.next().await.is_none());
        // One-way sends to a closed peer succeed, as in-tree.
        proxy.notify(1).unwrap();
    })
}

#[test]
fn dropping_a_responder_without_reply_shuts_the_connection_down() {
    run(async {
        let (proxy, mut stream) = create_proxy_and_stream::<EchoMarker>();
        let call = proxy.echo_string("x");
        drop(stream.next().await.unwrap().unwrap());
        // As in-tree: the stream ends, and the channel closes with it.
        assert!(stream.next().await.is_none());
        drop(stream);
        assert!(matches!(
            call.await.unwrap_err(),
            Error::ClientChannelClosed { status: Status::PEER_CLOSED, .. }
        ));
    })
}

#[test]
fn drop_without_shutdown_keeps_the_channel_open() {
    run(async {
        let (proxy, stream) = create_proxy_and_stream::<EchoMarker>();
        let (client_stream_inner, _) = stream.into_inner();
        let mut stream = EchoRequestStream::from_inner(client_stream_inner, false);
        let first = proxy.echo_string("dropped");
        match stream.next().await.unwrap().unwrap() {
            EchoRequest::EchoString { responder, .. } => responder.drop_without_shutdown(),
            other => panic!("unexpected {other:?}"),
        }
        drop(first);
        let second = proxy.echo_string("kept");
        let server = fasync::Task::local(serve_echo(stream));
        assert_eq!(second.await.unwrap(), "kept");
        drop(proxy);
        server.await;
    })
}

#[test]
fn shutdown_ends_the_stream_and_the_channel_closes_when_all_handles_are_gone() {
    run(async {
        let (proxy, mut stream) = create_proxy_and_stream::<EchoMarker>();
        let control = stream.control_handle();
        control.shutdown();
        assert!(stream.next().await.is_none());
        // As in-tree, the channel stays open while a control handle lives, and
        // events sent meanwhile still arrive.
        assert!(!control.is_closed());
        control.send_on_ping(1).unwrap();
        let mut events = proxy.take_event_stream();
        assert_eq!(events.next().await.unwrap().unwrap().into_on_ping(), Some(1));
        drop(stream);
        drop(control);
        assert!(proxy.nothing().await.unwrap_err().is_closed());
        assert!(events.next().await.is_none());
    })
}

#[test]
fn control_handle_sees_the_peer_close() {
    run(async {
        let (proxy, stream) = create_proxy_and_stream::<EchoMarker>();
        let control = stream.control_handle();
        assert!(!control.is_closed());
        drop(proxy);
        assert!(control.is_closed());
    })
}

#[test]
fn client_end_and_server_end_conversions() {
    run(async {
        let (client, server) = create_endpoints::<EchoMarker>();
        let _server = fasync::Task::local(serve_echo(server.into_stream()));
        let proxy = client.into_proxy();
        assert_eq!(proxy.echo_string("a").await.unwrap(), "a");
        let client = proxy.into_client_end().unwrap();
        let proxy = client.into_proxy();
        let clone = proxy.clone();
        let proxy = proxy.into_channel().unwrap_err();
        drop(clone);
        assert!(proxy.into_channel().is_ok());
    })
}

#[test]
fn discoverable_name() {
    use fidl::endpoints::{DiscoverableProtocolMarker, ProtocolMarker};
    assert_eq!(EchoMarker::PROTOCOL_NAME, "test.protocol.Echo");
    assert_eq!(<EchoMarker as ProtocolMarker>::DEBUG_NAME, "test.protocol.Echo");
}

/// Runs an `Echo` server for `stream` on its own thread and executor.
fn serve_echo_on_thread(stream: EchoRequestStream) -> std::thread::JoinHandle<ServerOutcome> {
    std::thread::spawn(move || run(serve_echo(stream)))
}

#[test]
fn synchronous_proxy_calls_events_and_errors() {
    let (proxy, stream) = fidl::endpoints::create_sync_proxy_and_stream::<EchoMarker>();
    let server = serve_echo_on_thread(stream);
    let forever = fidl::MonotonicInstant::INFINITE;
    assert_eq!(proxy.echo_string("sync", forever).unwrap(), "sync");
    assert_eq!(proxy.try_echo("x", true, forever).unwrap(), Err(EchoError::Refused));
    assert_eq!(proxy.flexible_try(false, forever).unwrap(), Ok(()));
    proxy.request_pings(2).unwrap();
    // The events arrive before the response; the call keeps them.
    proxy.nothing(forever).unwrap();
    assert_eq!(proxy.wait_for_event(forever).unwrap().into_on_ping(), Some(0));
    assert_eq!(proxy.wait_for_event(forever).unwrap().into_on_ping(), Some(1));
    drop(proxy);
    let (_, error) = server.join().unwrap();
    assert!(error.is_none());
}

#[test]
fn synchronous_proxy_deadline_passes_without_a_response() {
    let (proxy, server_end) = fidl::endpoints::create_sync_proxy::<EchoMarker>();
    let already_passed = fidl::MonotonicInstant::INFINITE_PAST;
    assert_eq!(
        proxy.echo_string("late", already_passed).unwrap_err(),
        Error::ClientCall(Status::TIMED_OUT)
    );
    assert_eq!(
        proxy.wait_for_event(already_passed).unwrap_err(),
        Error::ClientEvent(Status::TIMED_OUT)
    );
    drop(server_end);
}

#[test]
fn synchronous_proxy_epitaph_reaches_wait_for_event_and_calls_see_peer_closed() {
    let forever = fidl::MonotonicInstant::INFINITE;
    let (proxy, server_end) = fidl::endpoints::create_sync_proxy::<EchoMarker>();
    server_end.close_with_epitaph(Status::UNAVAILABLE).unwrap();
    // As in-tree: a call reports the closure, the epitaph goes to wait_for_event.
    let error = proxy.nothing(forever).unwrap_err();
    assert!(matches!(
        error,
        Error::ClientChannelClosed { status: Status::PEER_CLOSED, epitaph: None, .. }
    ));
    let error = proxy.wait_for_event(forever).unwrap_err();
    assert!(matches!(
        error,
        Error::ClientChannelClosed { status: Status::UNAVAILABLE, epitaph: Some(_), .. }
    ));
    // One-way sends to a closed peer succeed, as in-tree.
    proxy.notify(1).unwrap();

    let (proxy, server_end) = fidl::endpoints::create_sync_proxy::<EchoMarker>();
    drop(server_end);
    let error = proxy.wait_for_event(forever).unwrap_err();
    assert!(matches!(
        error,
        Error::ClientChannelClosed { status: Status::PEER_CLOSED, epitaph: None, .. }
    ));
}

#[test]
fn synchronous_proxy_wait_for_event_rejects_a_response() {
    let (proxy, server_end) = fidl::endpoints::create_sync_proxy::<EchoMarker>();
    write_raw(server_end.channel(), 0x7654, 0x35abec1ec6ec2f09, DynamicFlags::empty(), 1);
    assert_eq!(
        proxy.wait_for_event(fidl::MonotonicInstant::INFINITE).unwrap_err(),
        Error::UnexpectedSyncResponse { tx_id: 0x7654 }
    );
}

#[test]
fn synchronous_proxy_rejects_a_reply_with_the_wrong_ordinal() {
    let (proxy, server_end) = fidl::endpoints::create_sync_proxy::<EchoMarker>();
    let server = std::thread::spawn(move || {
        let channel = server_end.into_channel();
        channel
            .wait_one(fidl::Signals::CHANNEL_READABLE, fidl::MonotonicInstant::INFINITE)
            .to_result()
            .unwrap();
        let mut buf = fidl::MessageBufEtc::new();
        channel.read_etc(&mut buf).unwrap();
        let tx_id = TransactionHeader::read(buf.bytes()).unwrap().tx_id;
        write_raw(&channel, tx_id, 0x999, DynamicFlags::empty(), 1);
        channel
    });
    assert_eq!(
        proxy.nothing(fidl::MonotonicInstant::INFINITE).unwrap_err(),
        Error::InvalidResponseOrdinal { expected: 0x35abec1ec6ec2f09, actual: 0x999 }
    );
    drop(server.join().unwrap());
}

#[test]
fn client_write_rejected_by_the_kernel_is_client_write() {
    run(async {
        let (proxy, _server) = spawn_echo();
        // The request type requires SIGNAL; this event lacks it.
        let event = fidl::Event::create().replace_handle(Rights::BASIC).unwrap();
        let error = proxy.transfer_event(event).await.unwrap_err();
        assert!(matches!(error, Error::ClientWrite(Status::INVALID_ARGS)), "{error:?}");
        assert_eq!(proxy.echo_string("still usable").await.unwrap(), "still usable");
    })
}

#[test]
fn server_write_rejected_by_the_kernel_fails_the_send_and_shuts_down() {
    run(async {
        let (proxy, mut stream) = create_proxy_and_stream::<EchoMarker>();
        let call = proxy.transfer_event(fidl::Event::create());
        let (event, responder) =
            stream.next().await.unwrap().unwrap().into_transfer_event().unwrap();
        drop(event);
        // The response type requires BASIC; this event lacks DUPLICATE and INSPECT.
        let weak = fidl::Event::create().replace_handle(Rights::TRANSFER | Rights::WAIT).unwrap();
        assert_eq!(
            responder.send(weak).unwrap_err(),
            Error::ServerResponseWrite(Status::INVALID_ARGS)
        );
        assert!(stream.next().await.is_none());
        drop(stream);
        assert!(call.await.unwrap_err().is_closed());
    })
}

#[test]
fn epitaph_through_the_channel_extension_and_on_closed() {
    use fidl::epitaph::ChannelEpitaphExt;
    run(async {
        let (proxy, server_end) = create_proxy::<EchoMarker>();
        let closed = proxy.on_closed();
        server_end.into_channel().close_with_epitaph(Status::IO).unwrap();
        closed.await.unwrap();
        let error = proxy.nothing().await.unwrap_err();
        assert!(matches!(error, Error::ClientChannelClosed { status: Status::IO, .. }));
    })
}

#[test]
fn polling_a_completed_call_again_is_an_error() {
    use futures::FutureExt;
    run(async {
        let (proxy, _server) = spawn_echo();
        let mut call = proxy.nothing();
        (&mut call).await.unwrap();
        let waker = futures::task::noop_waker();
        let mut cx = std::task::Context::from_waker(&waker);
        assert_eq!(
            call.poll_unpin(&mut cx),
            std::task::Poll::Ready(Err(Error::PollAfterCompletion))
        );
    })
}

#[test]
fn a_response_to_an_abandoned_call_is_discarded() {
    run(async {
        let (proxy, mut stream) = create_proxy_and_stream::<EchoMarker>();
        let abandoned = proxy.echo_string("abandoned");
        let (value, responder) = stream.next().await.unwrap().unwrap().into_echo_string().unwrap();
        drop(abandoned);
        responder.send(&value).unwrap();
        let server = fasync::Task::local(serve_echo(stream));
        // The stale response neither fails the client nor reaches this call.
        assert_eq!(proxy.echo_string("next").await.unwrap(), "next");
        drop(proxy);
        assert!(server.await.1.is_none());
    })
}

#[test]
fn events_are_discarded_once_the_event_stream_is_dropped() {
    run(async {
        let (proxy, _server) = spawn_echo();
        drop(proxy.take_event_stream());
        proxy.request_pings(3).unwrap();
        assert_eq!(proxy.echo_string("calls still work").await.unwrap(), "calls still work");
    })
}

/// Whether an error is the one expected.
type ErrorCheck = fn(&Error) -> bool;

/// Header-level violations: each is one error item, after which the server can still close
/// the connection with an epitaph that the client receives (in-tree request streams do not
/// shut down on these errors).
#[test]
fn every_header_violation_leaves_room_for_an_epitaph() {
    let header = |tx_id, ordinal, flags| {
        encode_message::<EmptyPayload>(TransactionHeader::new(tx_id, ordinal, flags), ()).unwrap().0
    };
    let no_v2 = {
        let mut bytes = header(1, 0x35abec1ec6ec2f09, DynamicFlags::empty());
        bytes[4] = 0;
        bytes
    };
    let bad_magic = {
        let mut bytes = header(1, 0x35abec1ec6ec2f09, DynamicFlags::empty());
        bytes[7] = 0x02;
        bytes
    };
    let epitaph = encode_message::<i32>(
        TransactionHeader::new(0, u64::MAX, DynamicFlags::empty()),
        Status::OK.into_raw(),
    )
    .unwrap()
    .0;
    let cases: Vec<(&str, Vec<u8>, ErrorCheck)> = vec![
        ("empty", vec![], |e| *e == Error::OutOfRange),
        ("short", vec![1; 15], |e| *e == Error::OutOfRange),
        ("wrong magic", bad_magic, |e| *e == Error::IncompatibleMagicNumber(2)),
        ("no v2 flag", no_v2, |e| *e == Error::UnsupportedWireFormatVersion),
        ("txid 0, two-way", header(0, 0x35abec1ec6ec2f09, DynamicFlags::empty()), |e| {
            matches!(e, Error::InvalidRequestTxid { tx_id: 0, .. })
        }),
        ("unknown strict", header(3, 0x1234, DynamicFlags::empty()), |e| {
            matches!(e, Error::UnknownOrdinal { ordinal: 0x1234, .. })
        }),
        ("client epitaph", epitaph, |e| {
            matches!(e, Error::UnknownOrdinal { ordinal: u64::MAX, .. })
        }),
    ];
    for (what, bytes, expected) in cases {
        run(async {
            let (client, mut stream) = create_request_stream::<EchoMarker>();
            let raw = client.into_channel();
            raw.write(&bytes, &mut []).unwrap();
            let error = stream.next().await.unwrap().unwrap_err();
            assert!(expected(&error), "{what}: {error:?}");
            assert_still_reading(&mut stream);
            stream.control_handle().shutdown_with_epitaph(Status::INVALID_ARGS);
            assert!(stream.next().await.is_none(), "{what}");
            let mut buf = fidl::MessageBufEtc::new();
            raw.read_etc(&mut buf).unwrap();
            let status = i32::from_le_bytes(buf.bytes()[16..20].try_into().unwrap());
            assert_eq!(&buf.bytes()[8..16], &u64::MAX.to_le_bytes(), "{what}");
            assert_eq!(status, Status::INVALID_ARGS.into_raw(), "{what}");
            drop(stream);
            assert_eq!(raw.is_closed(), Ok(true), "{what}");
        });
    }
}
