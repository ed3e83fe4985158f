//! Generated protocol code on the wire: headers (txid, flags, ordinals),
//! bodies, result unions and events, checked with raw channel reads and
//! writes against the synchronous proxy (no executor needed).

use std::thread;

use fidl::{Channel, MessageBuf, MonotonicInstant, Signals};
use fidl_test_conformance::codegen::*;

const LIB: &str = "test.codegen";

fn ordinal(method: &str) -> u64 {
    fidlc::method_ordinal(LIB, "Codegen", method)
}

/// Reads one message from `server`, waiting for it.
fn read(server: &Channel) -> Vec<u8> {
    server
        .wait_one(Signals::CHANNEL_READABLE, MonotonicInstant::INFINITE)
        .to_result()
        .expect("readable");
    let mut buf = MessageBuf::new();
    server.read(&mut buf).expect("read");
    buf.bytes().to_vec()
}

fn header(tx_id: u32, flexible: bool, ordinal: u64) -> Vec<u8> {
    let mut h = tx_id.to_le_bytes().to_vec();
    h.extend_from_slice(&[2, 0, if flexible { 0x80 } else { 0 }, 1]);
    h.extend_from_slice(&ordinal.to_le_bytes());
    h
}

fn tx_id(message: &[u8]) -> u32 {
    u32::from_le_bytes(message[..4].try_into().unwrap())
}

#[test]
fn one_way_messages() {
    let (client, server) = Channel::create();
    let proxy = CodegenSynchronousProxy::new(client);
    proxy.strict_one_way(5).unwrap();
    let mut want = header(0, false, ordinal("StrictOneWay"));
    want.extend_from_slice(&[5, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(read(&server), want);
    proxy.flexible_one_way().unwrap();
    assert_eq!(read(&server), header(0, true, ordinal("FlexibleOneWay")));
}

/// Serves one call on `server`: checks the request, then answers with
/// `body` under the same txid.
fn answer(
    server: Channel,
    request_body: Vec<u8>,
    flexible: bool,
    ordinal: u64,
    body: Vec<u8>,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let request = read(&server);
        let tx = tx_id(&request);
        assert_ne!(tx, 0, "two-way requests carry a txid");
        let mut want = header(tx, flexible, ordinal);
        want.extend_from_slice(&request_body);
        assert_eq!(request, want);
        let mut reply = header(tx, flexible, ordinal);
        reply.extend_from_slice(&body);
        server.write(&reply, &mut []).expect("reply");
    })
}

#[test]
fn strict_two_way_call() {
    let (client, server) = Channel::create();
    let proxy = CodegenSynchronousProxy::new(client);
    let server = answer(
        server,
        vec![2, 0, 0, 0, 3, 0, 0, 0],
        false,
        ordinal("Add"),
        vec![5, 0, 0, 0, 0, 0, 0, 0],
    );
    assert_eq!(proxy.add(2, 3, MonotonicInstant::INFINITE).unwrap(), 5);
    server.join().unwrap();
}

/// A result union body: ordinal, then an inlined 4-byte envelope.
fn result_union(ordinal: u64, value: u32) -> Vec<u8> {
    let mut body = ordinal.to_le_bytes().to_vec();
    body.extend_from_slice(&value.to_le_bytes());
    body.extend_from_slice(&[0, 0, 1, 0]);
    body
}

#[test]
fn flexible_call_with_error_syntax() {
    let request = vec![9, 0, 0, 0, 3, 0, 0, 0];
    for (body, expected) in [
        (result_union(1, 3), Ok(Ok(3))),
        (result_union(2, 7), Ok(Err(Failure::Bad))),
        (result_union(3, (-2i32) as u32), Err("UnsupportedMethod")),
    ] {
        let (client, server) = Channel::create();
        let proxy = CodegenSynchronousProxy::new(client);
        let server = answer(server, request.clone(), true, ordinal("Divide"), body);
        let got = proxy.divide(9, 3, MonotonicInstant::INFINITE);
        server.join().unwrap();
        match (got, expected) {
            (Ok(v), Ok(want)) => assert_eq!(v, want),
            (Err(fidl::Error::UnsupportedMethod { .. }), Err(_)) => {}
            (got, want) => panic!("got {got:?}, expected {want:?}"),
        }
    }
}

#[test]
fn selector_renames_the_ordinal() {
    let (client, server) = Channel::create();
    let proxy = CodegenSynchronousProxy::new(client);
    let server = answer(server, Vec::new(), false, ordinal("renamed"), Vec::new());
    proxy.selected(MonotonicInstant::INFINITE).unwrap();
    server.join().unwrap();
}

#[test]
fn events_decode_into_the_event_enum() {
    let (client, server) = Channel::create();
    let proxy = CodegenSynchronousProxy::new(client);
    let mut tick = header(0, false, ordinal("OnTick"));
    tick.extend_from_slice(&42u64.to_le_bytes());
    server.write(&tick, &mut []).unwrap();
    server.write(&header(0, true, ordinal("OnFlexible")), &mut []).unwrap();
    server.write(&header(0, true, 0x1234), &mut []).unwrap();
    let event = proxy.wait_for_event(MonotonicInstant::INFINITE).unwrap();
    assert_eq!(event.into_on_tick(), Some(42));
    assert!(matches!(
        proxy.wait_for_event(MonotonicInstant::INFINITE).unwrap(),
        CodegenEvent::OnFlexible {}
    ));
    assert!(matches!(
        proxy.wait_for_event(MonotonicInstant::INFINITE).unwrap(),
        CodegenEvent::_UnknownEvent { ordinal: 0x1234, .. }
    ));
}
