//! Property tests: arbitrary bytes and handles fed to the decoder and to a
//! server request stream never panic; every failure is an error or a clean
//! close.

use fidl::encoding::{
    Decoder, DynamicFlags, FlexibleResultType, IncomingMessage, TransactionHeader, TypeMarker,
    encode_message,
};
use fidl::endpoints::create_request_stream;
use fidl::{HandleInfo, ObjectType, Rights};
use fidl_test_protocol::*;
use fuchsia_async as fasync;
use futures::StreamExt;
use proptest::prelude::*;

/// Ordinals of `Echo`'s methods plus unknown and epitaph ordinals.
const ORDINALS: [u64; 12] = [
    0x72a378fe4050873e,
    0x2cc5f961b9cd9fca,
    0x770fcb9e30eaab92,
    0x5a0c71c763aa9189,
    0x35abec1ec6ec2f09,
    0x65403d72763ffd77,
    0x65ec6656f7783c06,
    0x304783094d41ec68,
    0x23324434e361eb90,
    0x1234,
    0,
    u64::MAX,
];

/// A handle the decoder is told has `object_type` and `rights` (claims that
/// may be false, as a fuzzer's would be).
fn handle_info(kind: u8, claimed_type: u32, rights: u32) -> HandleInfo {
    let handle: fidl::NullableHandle = match kind % 3 {
        0 => fidl::Event::create().into(),
        1 => fidl::Channel::create().0.into(),
        _ => fidl::NullableHandle::invalid(),
    };
    HandleInfo::new(
        handle,
        ObjectType::from_raw(claimed_type % 8),
        Rights::from_bits_retain(rights),
    )
}

fn handles_strategy() -> impl Strategy<Value = Vec<(u8, u32, u32)>> {
    proptest::collection::vec((any::<u8>(), any::<u32>(), any::<u32>()), 0..5)
}

/// Valid encodings to mutate: random mutations of valid messages reach
/// much deeper into the decoder than uniformly random bytes.
fn valid_payload_bytes() -> Vec<u8> {
    let payload = Payload {
        name: Some("name".into()),
        events: Some(vec![fidl::Event::create(), fidl::Event::create()]),
        count: Some(3),
        ..Default::default()
    };
    encode_body::<Payload>(payload)
}

fn encode_body<T: TypeMarker>(value: T::Owned) -> Vec<u8> {
    fidl::encoding::Encoder::encode::<T>(value).unwrap().0
}

fn decode_all(bytes: &[u8], handles: &[(u8, u32, u32)]) {
    let infos = || handles.iter().map(|&(k, t, r)| handle_info(k, t, r)).collect::<Vec<_>>();
    let _ = Decoder::decode::<Payload>(bytes, infos());
    let _ = Decoder::decode::<EchoTryEchoRequest>(bytes, infos());
    let _ = Decoder::decode::<EchoTransferEventRequest>(bytes, infos());
    let _ = Decoder::decode::<FlexibleResultType<EchoTryEchoResponse, EchoError>>(bytes, infos());
    if let Ok(message) = IncomingMessage::new(bytes.to_vec(), infos()) {
        let _ = message.decode_body::<Payload>();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn decoder_never_panics_on_arbitrary_bytes(
        bytes in proptest::collection::vec(any::<u8>(), 0..256),
        handles in handles_strategy(),
    ) {
        decode_all(&bytes, &handles);
    }

    #[test]
    fn decoder_never_panics_on_mutated_valid_messages(
        mutations in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
        truncate in proptest::option::of(any::<usize>()),
        handles in handles_strategy(),
    ) {
        let mut bytes = valid_payload_bytes();
        for (index, value) in mutations {
            let len = bytes.len();
            bytes[index % len] = value;
        }
        if let Some(cut) = truncate {
            bytes.truncate(cut % (bytes.len() + 1));
        }
        decode_all(&bytes, &handles);
    }

    #[test]
    fn server_stream_never_panics_and_closes_cleanly(
        messages in proptest::collection::vec(
            (any::<u32>(), any::<u8>(), prop_oneof![Just(1u8), any::<u8>()], 0..ORDINALS.len(),
             proptest::collection::vec(any::<u8>(), 0..96), 0..3usize),
            1..4),
    ) {
        fasync::TestExecutor::new().run_singlethreaded(async move {
            let (client, mut stream) = create_request_stream::<EchoMarker>();
            let raw = client.into_channel();
            let mut written = 0;
            for (tx_id, flags, magic, ordinal, body, handle_count) in messages {
                let mut header = TransactionHeader::new(tx_id % 3, ORDINALS[ordinal], DynamicFlags::empty());
                header.dynamic_flags = flags;
                header.magic_number = magic;
                let (mut bytes, _) = encode_message::<fidl::encoding::EmptyPayload>(header, ()).unwrap();
                bytes.extend(body);
                let mut handles: Vec<fidl::NullableHandle> =
                    (0..handle_count).map(|_| fidl::Event::create().into()).collect();
                // The peer may already have torn the connection down.
                if raw.write(&bytes, &mut handles).is_ok() {
                    written += 1;
                }
            }
            drop(raw);
            // As in-tree, an error does not end the stream: every message is one item until
            // a request is served (dropping its responder shuts the connection down).
            let (mut items, mut served) = (0, false);
            while let Some(item) = stream.next().await {
                items += 1;
                if let Ok(request) = item {
                    served = true;
                    drop(request);
                }
            }
            prop_assert!(items <= written);
            prop_assert!(served || items == written, "{items} items for {written} messages");
            Ok(())
        })?;
    }
}
