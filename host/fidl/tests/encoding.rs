//! Wire format v2 encoding and decoding, including every decode error path.

mod common;

use common::*;
use fidl::encoding::{
    Array, BoundedString, Boxed, Decoder, EmptyStruct, Encoder, Optional, OptionalUnion,
    TypeMarker, UnboundedString, UnboundedVector, Vector,
};
use fidl::{Error, HandleInfo, ObjectType, Peered, Rights};

fn encode<T: TypeMarker>(value: T::Owned) -> Vec<u8> {
    let (bytes, handles) = Encoder::encode::<T>(value).expect("encode");
    assert!(handles.is_empty());
    bytes
}

fn decode<T: TypeMarker>(bytes: &[u8]) -> fidl::Result<T::Owned> {
    Decoder::decode::<T>(bytes, Vec::new())
}

fn string_bytes(count: u64, presence: u64, body: &[u8]) -> Vec<u8> {
    let mut bytes = count.to_le_bytes().to_vec();
    bytes.extend(presence.to_le_bytes());
    bytes.extend(body);
    bytes
}

const PRESENT: u64 = u64::MAX;

#[test]
fn struct_round_trip_matches_wire_layout() {
    let value = Point { x: -2, tag: 7, name: "hi".into() };
    let bytes = encode::<Point>(value.clone());
    let mut expected = vec![0xfe, 0xff, 0xff, 0xff, 7, 0, 0, 0];
    expected.extend(string_bytes(2, PRESENT, &[b'h', b'i', 0, 0, 0, 0, 0, 0]));
    assert_eq!(bytes, expected);
    assert_eq!(decode::<Point>(&bytes).unwrap(), value);
}

#[test]
fn nonzero_padding_is_rejected_inline_and_out_of_line() {
    let mut bytes = encode::<Point>(Point { x: 1, tag: 1, name: "a".into() });
    bytes[6] = 1;
    assert_eq!(decode::<Point>(&bytes), Err(Error::NonZeroPadding { padding_start: 6 }));
    let mut bytes = encode::<Point>(Point { x: 1, tag: 1, name: "a".into() });
    bytes[25] = 1; // padding after the 1-byte string body
    assert_eq!(decode::<Point>(&bytes), Err(Error::NonZeroPadding { padding_start: 25 }));
    // Padding after a primary object smaller than 8 bytes.
    assert_eq!(
        decode::<u32>(&[1, 0, 0, 0, 0, 0, 9, 0]),
        Err(Error::NonZeroPadding { padding_start: 6 })
    );
}

#[test]
fn bool_must_be_zero_or_one() {
    assert_eq!(decode::<bool>(&[1, 0, 0, 0, 0, 0, 0, 0]), Ok(true));
    assert_eq!(decode::<bool>(&[2, 0, 0, 0, 0, 0, 0, 0]), Err(Error::InvalidBoolean));
}

#[test]
fn numbers_are_little_endian() {
    assert_eq!(encode::<u64>(0x0102_0304_0506_0708), vec![8, 7, 6, 5, 4, 3, 2, 1]);
    assert_eq!(encode::<f32>(1.0), vec![0, 0, 0x80, 0x3f, 0, 0, 0, 0]);
    assert_eq!(decode::<i16>(&[0xff, 0x7f, 0, 0, 0, 0, 0, 0]), Ok(i16::MAX));
}

#[test]
fn message_must_be_consumed_exactly() {
    assert_eq!(decode::<u64>(&[0; 16]), Err(Error::ExtraBytes { extra: 8 }));
    assert_eq!(decode::<u64>(&[0; 4]), Err(Error::OutOfRange));
}

#[test]
fn string_errors() {
    type S2 = BoundedString<2>;
    assert_eq!(decode::<UnboundedString>(&string_bytes(0, 0, &[])), Err(Error::NotNullable));
    assert_eq!(
        decode::<UnboundedString>(&string_bytes(1, 0, &[])),
        Err(Error::NonEmptyStringWithNullBody)
    );
    assert_eq!(
        decode::<UnboundedString>(&string_bytes(0, 1, &[])),
        Err(Error::InvalidPresenceIndicator)
    );
    assert_eq!(
        decode::<UnboundedString>(&string_bytes(1 << 32, PRESENT, &[])),
        Err(Error::StringCountExceeds32BitLimit { count: 1 << 32 })
    );
    assert_eq!(
        decode::<UnboundedString>(&string_bytes(9, PRESENT, &[b'a'; 8])),
        Err(Error::OutOfRange)
    );
    assert_eq!(
        decode::<S2>(&string_bytes(3, PRESENT, &[b'a', b'b', b'c', 0, 0, 0, 0, 0])),
        Err(Error::StringTooLong { max_bytes: 2, actual_bytes: 3 })
    );
    assert_eq!(
        decode::<UnboundedString>(&string_bytes(1, PRESENT, &[0xff, 0, 0, 0, 0, 0, 0, 0])),
        Err(Error::Utf8Error)
    );
    assert_eq!(
        Encoder::encode::<S2>("abc".into()).unwrap_err(),
        Error::StringTooLong { max_bytes: 2, actual_bytes: 3 }
    );
}

#[test]
fn optional_string_absent_and_present() {
    assert_eq!(encode::<Optional<UnboundedString>>(None), vec![0; 16]);
    assert_eq!(decode::<Optional<UnboundedString>>(&[0; 16]), Ok(None));
    let bytes = encode::<Optional<UnboundedString>>(Some("x".into()));
    assert_eq!(decode::<Optional<UnboundedString>>(&bytes), Ok(Some("x".into())));
    assert_eq!(
        decode::<Optional<UnboundedString>>(&string_bytes(2, 0, &[])),
        Err(Error::NonEmptyStringWithNullBody)
    );
}

#[test]
fn vector_round_trip_and_errors() {
    type V = UnboundedVector<u16>;
    let bytes = encode::<V>(vec![1, 2, 3]);
    assert_eq!(bytes, string_bytes(3, PRESENT, &[1, 0, 2, 0, 3, 0, 0, 0]));
    assert_eq!(decode::<V>(&bytes), Ok(vec![1, 2, 3]));
    assert_eq!(decode::<V>(&string_bytes(0, 0, &[])), Err(Error::NotNullable));
    assert_eq!(decode::<V>(&string_bytes(2, 0, &[])), Err(Error::NonEmptyVectorWithNullBody));
    assert_eq!(
        decode::<V>(&string_bytes(u64::MAX, PRESENT, &[])),
        Err(Error::VectorCountExceeds32BitLimit { count: u64::MAX })
    );
    // A count within 32 bits but beyond the message fails before allocating.
    assert_eq!(decode::<V>(&string_bytes(0xffff_ffff, PRESENT, &[])), Err(Error::OutOfRange));
    assert_eq!(
        decode::<Vector<u16, 2>>(&bytes),
        Err(Error::VectorTooLong { max_length: 2, actual_length: 3 })
    );
    assert_eq!(
        Encoder::encode::<Vector<u16, 2>>(vec![1, 2, 3]).unwrap_err(),
        Error::VectorTooLong { max_length: 2, actual_length: 3 }
    );
}

#[test]
fn arrays_are_inline() {
    let bytes = encode::<Array<u8, 3>>([1, 2, 3]);
    assert_eq!(bytes, vec![1, 2, 3, 0, 0, 0, 0, 0]);
    assert_eq!(decode::<Array<u8, 3>>(&bytes), Ok([1, 2, 3]));
}

#[test]
fn empty_struct_is_one_zero_byte() {
    assert_eq!(encode::<EmptyStruct>(()), vec![0; 8]);
    assert_eq!(decode::<EmptyStruct>(&[1, 0, 0, 0, 0, 0, 0, 0]), Err(Error::InvalidEmptyStruct));
}

#[test]
fn box_presence() {
    assert_eq!(encode::<Boxed<u64>>(None), vec![0; 8]);
    let bytes = encode::<Boxed<u64>>(Some(Box::new(5)));
    assert_eq!(bytes, [[0xff; 8], [5, 0, 0, 0, 0, 0, 0, 0]].concat());
    assert_eq!(decode::<Boxed<u64>>(&bytes), Ok(Some(Box::new(5))));
    assert_eq!(
        decode::<Boxed<u64>>(&[1, 0, 0, 0, 0, 0, 0, 0]),
        Err(Error::InvalidPresenceIndicator)
    );
}

#[test]
fn depth_limit_is_32_on_encode_and_decode() {
    let bytes = encode::<Chain>(chain(32));
    assert_eq!(decode::<Chain>(&bytes), Ok(chain(32)));
    assert_eq!(Encoder::encode::<Chain>(chain(33)).unwrap_err(), Error::MaxRecursionDepth);
    let mut deeper = vec![0xff; 8 * 33];
    deeper.extend([0; 8]);
    assert_eq!(decode::<Chain>(&deeper), Err(Error::MaxRecursionDepth));
}

#[test]
fn enum_and_bits_strictness() {
    assert_eq!(encode::<Letter>(Letter::B), vec![2, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(decode::<Letter>(&[3, 0, 0, 0, 0, 0, 0, 0]), Err(Error::InvalidEnumValue));
    assert_eq!(decode::<Perms>(&[3, 0, 0, 0, 0, 0, 0, 0]), Ok(Perms::READ | Perms::WRITE));
    assert_eq!(decode::<Perms>(&[4, 0, 0, 0, 0, 0, 0, 0]), Err(Error::InvalidBitsValue));
    assert_eq!(
        Encoder::encode::<Perms>(Perms::from_bits_retain(8)).unwrap_err(),
        Error::InvalidBitsValue
    );
}

fn envelope(num_bytes: u32, num_handles: u16, flags: u16) -> Vec<u8> {
    [
        num_bytes.to_le_bytes().to_vec(),
        num_handles.to_le_bytes().to_vec(),
        flags.to_le_bytes().to_vec(),
    ]
    .concat()
}

fn table_bytes(max_ordinal: u64, envelopes: &[Vec<u8>], payload: &[u8]) -> Vec<u8> {
    let mut bytes = max_ordinal.to_le_bytes().to_vec();
    bytes.extend(PRESENT.to_le_bytes());
    for e in envelopes {
        bytes.extend(e);
    }
    bytes.extend(payload);
    bytes
}

#[test]
fn table_layout_inline_and_out_of_line_envelopes() {
    let value = Config { count: Some(7), big: Some(9), ..Default::default() };
    let bytes = encode::<Config>(value.clone());
    let mut inline_count = 7u32.to_le_bytes().to_vec();
    inline_count.extend(envelope(0, 0, 1)[4..].iter());
    let expected =
        table_bytes(3, &[vec![0; 8], inline_count, envelope(8, 0, 0)], &9u64.to_le_bytes());
    assert_eq!(bytes, expected);
    assert_eq!(decode::<Config>(&bytes), Ok(value));
    assert_eq!(encode::<Config>(Config::default()), table_bytes(0, &[], &[]));
}

#[test]
fn table_unknown_fields_are_dropped_and_their_handles_closed() {
    let (channel, peer) = fidl::Channel::create();
    let bytes = table_bytes(
        5,
        &[vec![0; 8], vec![0; 8], vec![0; 8], vec![0; 8], envelope(8, 1, 0)],
        &[0xab; 8],
    );
    let handles =
        vec![HandleInfo::new(channel.into(), ObjectType::CHANNEL, Rights::CHANNEL_DEFAULT)];
    assert_eq!(Decoder::decode::<Config>(&bytes, handles), Ok(Config::default()));
    // The unknown field's channel was closed: its peer sees PEER_CLOSED.
    assert_eq!(peer.is_closed(), Ok(true));
}

#[test]
fn handles_after_an_encode_failure_are_closed() {
    let (channel, peer) = fidl::Channel::create();
    let invalid = fidl::Event::from(fidl::NullableHandle::invalid());
    let value = Carrier { ev: invalid, maybe: Some(channel.into()) };
    assert_eq!(Encoder::encode::<Carrier>(value).unwrap_err(), Error::NotNullable);
    assert_eq!(peer.is_closed(), Ok(true));
}

#[test]
fn handles_are_closed_when_decoding_fails() {
    let (channel, peer) = fidl::Channel::create();
    let info = HandleInfo::new(channel.into(), ObjectType::CHANNEL, Rights::CHANNEL_DEFAULT);
    // Extra handle: decoding fails and every handle is closed.
    assert_eq!(Decoder::decode::<u64>(&[0; 8], vec![info]), Err(Error::ExtraHandles { extra: 1 }));
    assert_eq!(peer.is_closed(), Ok(true));
}

#[test]
fn table_and_envelope_errors() {
    let absent = [0u8; 8].to_vec();
    // Absent / invalid table body.
    assert_eq!(decode::<Config>(&[[0u8; 8], [0; 8]].concat()), Err(Error::NotNullable));
    assert_eq!(
        decode::<Config>(&[[0u8; 8], [1; 8]].concat()),
        Err(Error::InvalidPresenceIndicator)
    );
    let mut huge = table_bytes(0, &[], &[]);
    huge[..8].copy_from_slice(&(1u64 << 32).to_le_bytes());
    assert_eq!(decode::<Config>(&huge), Err(Error::TableCountExceeds32BitLimit { count: 1 << 32 }));
    huge[..8].copy_from_slice(&4u64.to_le_bytes());
    assert_eq!(decode::<Config>(&huge), Err(Error::OutOfRange));
    // Bad inline marker.
    assert_eq!(
        decode::<Config>(&table_bytes(2, &[absent.clone(), envelope(7, 0, 2)], &[])),
        Err(Error::InvalidInlineMarkerInEnvelope)
    );
    // u32 field sent out of line; u64 field sent inline.
    assert_eq!(
        decode::<Config>(&table_bytes(
            2,
            &[absent.clone(), envelope(8, 0, 0)],
            &[7, 0, 0, 0, 0, 0, 0, 0]
        )),
        Err(Error::InvalidInlineBitInEnvelope)
    );
    assert_eq!(
        decode::<Config>(&table_bytes(
            3,
            &[absent.clone(), absent.clone(), envelope(7, 0, 1)],
            &[]
        )),
        Err(Error::InvalidInlineBitInEnvelope)
    );
    // Byte counts: not a multiple of 8, beyond the message, wrong for the value.
    assert_eq!(
        decode::<Config>(&table_bytes(
            4,
            &[absent.clone(), absent.clone(), absent.clone(), envelope(4, 0, 0)],
            &[0; 8]
        )),
        Err(Error::InvalidNumBytesInEnvelope { num_bytes: 4 })
    );
    assert_eq!(
        decode::<Config>(&table_bytes(
            4,
            &[absent.clone(), absent.clone(), absent.clone(), envelope(16, 0, 0)],
            &[0; 8]
        )),
        Err(Error::EnvelopeBytesExceedMessageLength { num_bytes: 16 })
    );
    assert_eq!(
        decode::<Config>(&table_bytes(
            3,
            &[absent.clone(), absent.clone(), envelope(16, 0, 0)],
            &[0; 16]
        )),
        Err(Error::InvalidNumBytesInEnvelope { num_bytes: 16 })
    );
    // Handle counts: beyond the message, wrong for the value.
    assert_eq!(
        decode::<Config>(&table_bytes(
            4,
            &[absent.clone(), absent.clone(), absent.clone(), envelope(0, 1, 1)],
            &[]
        )),
        Err(Error::EnvelopeHandlesExceedMessageLength { num_handles: 1 })
    );
    let event = fidl::Event::create();
    assert_eq!(
        Decoder::decode::<Config>(
            &table_bytes(2, &[absent.clone(), envelope(7, 1, 1)], &[]),
            vec![HandleInfo::new(event.into(), ObjectType::EVENT, Rights::BASIC)]
        ),
        Err(Error::InvalidNumHandlesInEnvelope { num_handles: 1 })
    );
}

fn union_bytes(ordinal: u64, env: Vec<u8>, payload: &[u8]) -> Vec<u8> {
    [ordinal.to_le_bytes().to_vec(), env, payload.to_vec()].concat()
}

#[test]
fn unions_known_unknown_and_zero_ordinal() {
    let bytes = encode::<Shape>(Shape::Name("ab".into()));
    assert_eq!(decode::<Shape>(&bytes), Ok(Shape::Name("ab".into())));
    let small = encode::<Shape>(Shape::Small(3));
    assert_eq!(small, union_bytes(1, [3, 0, 0, 0, 0, 0, 1, 0].to_vec(), &[]));
    let unknown = union_bytes(99, envelope(8, 0, 0), &[0xab; 8]);
    assert_eq!(decode::<Shape>(&unknown), Ok(Shape::__SourceBreaking { unknown_ordinal: 99 }));
    assert_eq!(
        decode::<StrictShape>(&unknown),
        Err(Error::UnknownStrictUnionMember { ordinal: 99 })
    );
    assert_eq!(
        Encoder::encode::<Shape>(Shape::__SourceBreaking { unknown_ordinal: 99 }).unwrap_err(),
        Error::UnknownUnionTag { ordinal: 99 }
    );
    assert_eq!(
        Encoder::encode::<Shape>(Shape::__SourceBreaking { unknown_ordinal: 0 }).unwrap_err(),
        Error::UnionFieldNotSet
    );
    assert_eq!(decode::<Shape>(&[0; 16]), Err(Error::NotNullable));
    assert_eq!(
        decode::<Shape>(&union_bytes(0, envelope(8, 0, 0), &[0; 8])),
        Err(Error::UnionFieldNotSet)
    );
    assert_eq!(decode::<OptionalUnion<Shape>>(&[0; 16]), Ok(None));
    assert_eq!(decode::<OptionalUnion<Shape>>(&small), Ok(Some(Box::new(Shape::Small(3)))));
}

#[test]
fn handles_carry_fidl_type_and_rights_on_encode() {
    let event = fidl::Event::create();
    let (bytes, handles) = Encoder::encode::<Carrier>(Carrier { ev: event, maybe: None }).unwrap();
    assert_eq!(bytes, vec![0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
    assert_eq!(handles.len(), 1);
    assert_eq!(handles[0].object_type, ObjectType::EVENT);
    assert_eq!(handles[0].rights, Rights::from_bits_retain(BASIC));
    let invalid = fidl::Event::from(fidl::NullableHandle::invalid());
    assert_eq!(
        Encoder::encode::<Carrier>(Carrier { ev: invalid, maybe: None }).unwrap_err(),
        Error::NotNullable
    );
}

fn event_info(rights: Rights) -> HandleInfo {
    let event = fidl::Event::create();
    let handle: fidl::NullableHandle = event.into();
    let handle = handle.replace_handle(rights).unwrap();
    HandleInfo::new(handle, ObjectType::EVENT, rights)
}

#[test]
fn handle_decode_checks_type_and_rights_and_reduces_extra_rights() {
    let bytes = [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0];
    let carrier =
        Decoder::decode::<Carrier>(&bytes, vec![event_info(Rights::EVENT_DEFAULT)]).unwrap();
    assert_eq!(carrier.ev.basic_info().unwrap().rights, Rights::from_bits_retain(BASIC));
    let few = Rights::from_bits_retain(BASIC) - Rights::INSPECT;
    assert_eq!(
        Decoder::decode::<Carrier>(&bytes, vec![event_info(few)]).unwrap_err(),
        Error::MissingExpectedHandleRights { missing_rights: Rights::INSPECT }
    );
    let (channel, _peer) = fidl::Channel::create();
    let wrong = HandleInfo::new(channel.into(), ObjectType::CHANNEL, Rights::CHANNEL_DEFAULT);
    assert_eq!(
        Decoder::decode::<Carrier>(&bytes, vec![wrong]).unwrap_err(),
        Error::IncorrectHandleSubtype {
            expected: ObjectType::EVENT,
            received: ObjectType::CHANNEL
        }
    );
}

#[test]
fn handle_presence_and_count_errors() {
    assert_eq!(decode::<Carrier>(&[0; 8]), Err(Error::NotNullable));
    assert_eq!(
        decode::<Carrier>(&[1, 0, 0, 0, 0, 0, 0, 0]),
        Err(Error::InvalidHandlePresenceIndicator)
    );
    assert_eq!(decode::<Carrier>(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]), Err(Error::OutOfHandles));
    let two = vec![event_info(Rights::EVENT_DEFAULT), event_info(Rights::EVENT_DEFAULT)];
    assert_eq!(
        Decoder::decode::<Carrier>(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0], two).unwrap_err(),
        Error::ExtraHandles { extra: 1 }
    );
    let both = vec![event_info(Rights::EVENT_DEFAULT), event_info(Rights::EVENT_DEFAULT)];
    let carrier = Decoder::decode::<Carrier>(&[0xff; 8], both).unwrap();
    assert!(carrier.maybe.is_some());
}

#[test]
fn message_limits_on_encode() {
    assert_eq!(
        Encoder::encode::<UnboundedVector<u8>>(vec![0; 65536]).unwrap_err(),
        Error::MessageTooLarge { bytes: 65536 + 16 }
    );
    let events: Vec<fidl::NullableHandle> = (0..65).map(|_| fidl::Event::create().into()).collect();
    assert_eq!(
        Encoder::encode::<UnboundedVector<AnyHandle>>(events).unwrap_err(),
        Error::TooManyHandles { count: 65 }
    );
}

#[test]
fn conformance_codes_name_gidl_errors() {
    assert_eq!(
        Error::VectorTooLong { max_length: 1, actual_length: 2 }.conformance_code(),
        Some("COUNT_EXCEEDS_LIMIT")
    );
    assert_eq!(Error::NotNullable.conformance_code(), Some("NON_NULLABLE_TYPE_WITH_NULL_VALUE"));
    assert_eq!(Error::InvalidHeader.conformance_code(), None);
}

#[test]
fn result_unions_map_framework_errors_and_reject_unknown_members() {
    use fidl::encoding::{
        Flexible, FlexibleResult, FlexibleResultType, FlexibleType, FrameworkErr, ResultType,
    };
    type Resp = FlexibleType<EmptyStruct>;
    // Framework error: ordinal 3, inlined int32 -2.
    let unknown_method = union_bytes(3, [0xfe, 0xff, 0xff, 0xff, 0, 0, 1, 0].to_vec(), &[]);
    assert_eq!(encode::<Resp>(Flexible::FrameworkErr(FrameworkErr::UnknownMethod)), unknown_method);
    assert_eq!(
        decode::<Resp>(&unknown_method),
        Ok(Flexible::FrameworkErr(FrameworkErr::UnknownMethod))
    );
    let other = union_bytes(3, [0xfd, 0xff, 0xff, 0xff, 0, 0, 1, 0].to_vec(), &[]);
    assert_eq!(decode::<Resp>(&other), Err(Error::UnknownFrameworkError(-3)));
    let fourth = union_bytes(4, [0, 0, 0, 0, 0, 0, 1, 0].to_vec(), &[]);
    assert_eq!(decode::<Resp>(&fourth), Err(Error::UnknownStrictUnionMember { ordinal: 4 }));
    assert_eq!(
        decode::<ResultType<EmptyStruct, u32>>(&unknown_method),
        Err(Error::UnknownStrictUnionMember { ordinal: 3 })
    );
    // Success with an empty payload is an inlined empty struct; domain error is ordinal 2.
    let ok = encode::<FlexibleResultType<EmptyStruct, u32>>(FlexibleResult::new(Ok(())));
    assert_eq!(ok, union_bytes(1, [0, 0, 0, 0, 0, 0, 1, 0].to_vec(), &[]));
    let err = encode::<FlexibleResultType<EmptyStruct, u32>>(FlexibleResult::new(Err(9)));
    assert_eq!(err, union_bytes(2, [9, 0, 0, 0, 0, 0, 1, 0].to_vec(), &[]));
    assert_eq!(
        decode::<FlexibleResultType<EmptyStruct, u32>>(&err),
        Ok(FlexibleResult::DomainErr(9))
    );
}

#[test]
fn transaction_header_layout_and_short_messages() {
    use fidl::encoding::{DynamicFlags, IncomingMessage, TransactionHeader};
    let header = TransactionHeader::new(7, 0x0102_0304_0506_0708, DynamicFlags::FLEXIBLE);
    let (bytes, _) = fidl::encoding::encode_message::<u8>(header, 5).unwrap();
    assert_eq!(&bytes[..16], &[7, 0, 0, 0, 2, 0, 0x80, 1, 8, 7, 6, 5, 4, 3, 2, 1]);
    assert_eq!(TransactionHeader::read(&bytes).unwrap(), header);
    assert_eq!(TransactionHeader::read(&bytes[..15]).unwrap_err(), Error::InvalidHeader);
    let mut bad_magic = bytes.clone();
    bad_magic[7] = 2;
    assert_eq!(
        IncomingMessage::new(bad_magic, Vec::new()).unwrap_err(),
        Error::IncompatibleMagicNumber(2)
    );
    // Unknown dynamic flag bits are ignored.
    let mut extra_flags = bytes.clone();
    extra_flags[6] = 0xff;
    let message = IncomingMessage::new(extra_flags, Vec::new()).unwrap();
    assert!(message.is_flexible());
    assert_eq!(message.decode_body::<u8>(), Ok(5));
}
