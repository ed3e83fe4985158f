//! Decodes arbitrary bytes and handles as several FIDL types and as a
//! transactional message. Must never panic.
//!
//! Input: byte 0 = number of handles (mod 5), then 3 bytes per handle (kind,
//! claimed object type, claimed rights byte), then the message bytes.

#![no_main]

use fidl::encoding::{Decoder, FlexibleResultType, IncomingMessage};
use fidl::{HandleInfo, ObjectType, Rights};
use fidl_test_protocol::{EchoError, EchoTransferEventRequest, EchoTryEchoRequest, EchoTryEchoResponse, Payload};
use libfuzzer_sys::fuzz_target;

fn handles(spec: &[u8]) -> Vec<HandleInfo> {
    spec.chunks_exact(3)
        .map(|h| {
            let handle: fidl::NullableHandle = match h[0] % 3 {
                0 => fidl::Event::create().into(),
                1 => fidl::Channel::create().0.into(),
                _ => fidl::NullableHandle::invalid(),
            };
            let rights = Rights::from_bits_retain(u32::from(h[2]) << 8 | 0x8000_0000 * u32::from(h[2] & 1));
            HandleInfo::new(handle, ObjectType::from_raw(u32::from(h[1] % 8)), rights)
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&count, rest)) = data.split_first() else { return };
    let spec_len = usize::from(count % 5) * 3;
    if rest.len() < spec_len {
        return;
    }
    let (spec, bytes) = rest.split_at(spec_len);
    let _ = Decoder::decode::<Payload>(bytes, handles(spec));
    let _ = Decoder::decode::<EchoTryEchoRequest>(bytes, handles(spec));
    let _ = Decoder::decode::<EchoTransferEventRequest>(bytes, handles(spec));
    let _ = Decoder::decode::<FlexibleResultType<EchoTryEchoResponse, EchoError>>(bytes, handles(spec));
    if let Ok(message) = IncomingMessage::new(bytes.to_vec(), handles(spec)) {
        let _ = message.decode_body::<Payload>();
    }
});
