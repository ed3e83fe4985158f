// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! The parser on hand-built bytes (`docs/reference/tracing/trace-format.md`): every error,
//! every warning, resolution of strings, threads, providers and ticks.

use fxt::{
    Arg, ArgValue, EventPayload, EventRecord, KernelObjType, ParseError, ParseWarning, ProcessKoid,
    ProcessRef, Provider, ProviderEvent, SessionParser, ThreadKoid, ThreadRef, TraceRecord,
    UserspaceObjRecord, parse_full_session,
};
use std::num::{NonZeroU8, NonZeroU16};

const MAGIC: u64 = 0x0016547846040010;

fn words(words: &[u64]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

fn stream(bytes: &[u8]) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    bytes.resize(bytes.len().next_multiple_of(8), 0);
    bytes
}

/// Magic number, then provider info for provider 1 "p".
fn prefix() -> Vec<u8> {
    [words(&[MAGIC, 0x20 | (1 << 16) | (1 << 20) | (1 << 52)]), stream(b"p")].concat()
}

fn provider() -> Option<Provider> {
    Some(Provider { id: 1, name: "p".into() })
}

/// An event header: type 4, `size` words, and the given fields.
fn event_header(
    size: u64,
    event_type: u64,
    args: u64,
    thread: u64,
    category: u64,
    name: u64,
) -> u64 {
    4 | (size << 4)
        | (event_type << 16)
        | (args << 20)
        | (thread << 24)
        | (category << 32)
        | (name << 48)
}

/// An instant event on inline thread (1, 2), empty category and name, with `args` words.
fn instant(ticks: u64, arg_count: u64, args: &[u8]) -> Vec<u8> {
    let size = 4 + args.len() as u64 / 8;
    [words(&[event_header(size, 0, arg_count, 0, 0, 0), ticks, 1, 2]), args.to_vec()].concat()
}

fn parse(bytes: &[u8]) -> (Vec<TraceRecord>, Vec<ParseWarning>) {
    parse_full_session(bytes).unwrap()
}

fn single_event(bytes: &[u8]) -> (EventRecord, Vec<ParseWarning>) {
    let (records, warnings) = parse(bytes);
    match records.as_slice() {
        [TraceRecord::Event(e)] => (e.clone(), warnings),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_session_must_start_with_the_magic_number() {
    let err = parse_full_session(&words(&[0x21, 1])).unwrap_err();
    assert!(matches!(err, ParseError::MissingMagicNumber), "{err:?}");
    let (records, warnings) = parse(&words(&[MAGIC]));
    assert_eq!((records, warnings), (vec![], vec![]));
}

#[test]
fn a_wrong_magic_value_or_trace_info_type_is_an_error() {
    let wrong_value = 0x10 | (4 << 16) | (0x12345678 << 24);
    let err = parse_full_session(&words(&[wrong_value])).unwrap_err();
    assert!(matches!(err, ParseError::InvalidMagicNumber { observed: 0x12345678 }), "{err:?}");
    let wrong_info_type = MAGIC | (1 << 20);
    let err = parse_full_session(&words(&[wrong_info_type])).unwrap_err();
    assert!(
        matches!(err, ParseError::WrongType { expected: 0, observed: 1, context: "MagicNumber" }),
        "{err:?}"
    );
    let with_payload = MAGIC & !0xfff0 | (2 << 4);
    let err = parse_full_session(&words(&[with_payload, 0])).unwrap_err();
    assert!(matches!(err, ParseError::InvalidSize), "{err:?}");
}

#[test]
fn a_zero_size_record_is_an_error() {
    let err = parse_full_session(&[prefix(), words(&[0x4])].concat()).unwrap_err();
    assert!(matches!(err, ParseError::InvalidSize), "{err:?}");
}

#[test]
fn a_record_cut_short_ends_the_session_quietly() {
    let whole = instant(8, 0, &[]);
    let bytes = [prefix(), whole.clone(), whole[..20].to_vec()].concat();
    let (records, warnings) = parse(&bytes);
    assert_eq!(records.len(), 1);
    assert_eq!(warnings, vec![]);
}

#[test]
fn arguments_must_fit_their_record_and_their_size() {
    // One argument announced, none present.
    let err = parse_full_session(&[prefix(), instant(8, 1, &[])].concat()).unwrap_err();
    assert!(matches!(err, ParseError::InvalidSize), "{err:?}");
    // A u64 argument whose size says 3 words but whose value takes 1 word after the header.
    let arg = words(&[4 | (3 << 4), 5, 0]);
    let err = parse_full_session(&[prefix(), instant(8, 1, &arg)].concat()).unwrap_err();
    assert!(matches!(err, ParseError::InvalidSize), "{err:?}");
    // A size of zero.
    let err = parse_full_session(&[prefix(), instant(8, 1, &words(&[4]))].concat()).unwrap_err();
    assert!(matches!(err, ParseError::InvalidSize), "{err:?}");
    // A blob larger than the argument.
    let blob = words(&[10 | (2 << 4) | (9 << 32), 0]);
    let err = parse_full_session(&[prefix(), instant(8, 1, &blob)].concat()).unwrap_err();
    assert!(matches!(err, ParseError::InvalidSize), "{err:?}");
}

#[test]
fn object_records_must_end_with_their_arguments() {
    let kernel_obj = words(&[7 | (3 << 4) | (4 << 16), 99, 0]);
    let err = parse_full_session(&[prefix(), kernel_obj].concat()).unwrap_err();
    assert!(matches!(err, ParseError::InvalidSize), "{err:?}");
}

#[test]
fn inline_strings_must_be_utf8_but_kernel_object_names_need_not() {
    let bad = [0x68, 0xff];
    let event = [words(&[event_header(5, 0, 0, 0, 0x8002, 0), 8, 1, 2]), stream(&bad)].concat();
    let err = parse_full_session(&[prefix(), event].concat()).unwrap_err();
    assert!(matches!(err, ParseError::InvalidUtf8(_)), "{err:?}");

    let kernel_obj =
        [words(&[7 | (3 << 4) | (4 << 16) | (0x8002 << 24), 99]), stream(&bad)].concat();
    let (records, _) = parse(&[prefix(), kernel_obj].concat());
    let [TraceRecord::KernelObj(k)] = records.as_slice() else { panic!("{records:?}") };
    assert_eq!((k.koid, k.ty, k.name.as_slice()), (99, KernelObjType::Channel, &bad[..]));
}

#[test]
fn a_thread_record_for_index_zero_is_an_error() {
    let err = parse_full_session(&[prefix(), words(&[0x33, 1, 2])].concat()).unwrap_err();
    assert!(matches!(err, ParseError::InvalidRef), "{err:?}");
}

#[test]
fn zero_ticks_per_second_is_an_error() {
    let err = parse_full_session(&[prefix(), words(&[0x21, 0])].concat()).unwrap_err();
    assert!(matches!(err, ParseError::ZeroTicksPerSecond), "{err:?}");
}

#[test]
fn a_failing_reader_is_an_io_error() {
    struct Failing;
    impl std::io::Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("gone"))
        }
    }
    let mut parser = SessionParser::new(Failing);
    assert!(matches!(parser.next(), Some(Err(ParseError::Io(_)))));
}

#[test]
fn a_byte_at_a_time_reader_yields_the_same_records() {
    struct Trickle<'a>(&'a [u8]);
    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let Some((first, rest)) = self.0.split_first() else { return Ok(0) };
            out[0] = *first;
            self.0 = rest;
            Ok(1)
        }
    }
    let bytes = [prefix(), instant(1, 0, &[]), instant(2, 0, &[])].concat();
    let mut parser = SessionParser::new(Trickle(&bytes));
    let records: Vec<_> = (&mut parser).map(Result::unwrap).collect();
    assert_eq!(records, parse(&bytes).0);
    assert_eq!(parser.take_warnings(), vec![]);
}

#[test]
fn timestamps_are_scaled_by_the_initialization_record() {
    // Without one, a tick is a second, as in-tree.
    let (event, _) = single_event(&[prefix(), instant(3, 0, &[])].concat());
    assert_eq!(event.timestamp, 3_000_000_000);
    let init = words(&[0x21, 4_000_000_000]);
    let complete = words(&[event_header(5, 4, 0, 0, 0, 0), 8, 1, 2, 400]);
    let (event, _) = single_event(&[prefix(), init, complete].concat());
    assert_eq!(event.timestamp, 2);
    assert_eq!(event.payload, EventPayload::DurationComplete { end_timestamp: 100 });
}

#[test]
fn unknown_record_and_metadata_types_are_skipped_with_warnings() {
    let blob_record = words(&[5 | (2 << 4), 0]);
    let unknown_metadata = words(&[0x10 | (9 << 16)]);
    let bytes = [prefix(), blob_record, unknown_metadata, instant(1, 0, &[])].concat();
    let (records, warnings) = parse(&bytes);
    assert_eq!(records.len(), 1);
    assert_eq!(
        warnings,
        vec![ParseWarning::UnknownTraceRecordType(5), ParseWarning::UnknownMetadataRecordType(9)]
    );
}

#[test]
fn unknown_event_and_argument_types_are_kept_or_skipped() {
    let unknown_arg =
        [words(&[11 | (3 << 4) | (0x8001 << 16)]), stream(b"x"), words(&[7])].concat();
    let event =
        [words(&[event_header(9, 12, 1, 0, 0, 0), 8, 1, 2]), unknown_arg, words(&[5, 6])].concat();
    let (event, warnings) = single_event(&[prefix(), event].concat());
    assert_eq!(event.args, vec![]);
    assert_eq!(warnings, vec![ParseWarning::SkippingArgWithUnknownType { name: "x".into() }]);
    let bytes = words(&[5, 6]);
    assert_eq!(event.payload, EventPayload::Unknown { raw_type: 12, bytes });
}

#[test]
fn blob_arguments_are_read() {
    let blob = [words(&[10 | (2 << 4) | (3 << 32)]), stream(b"abc")].concat();
    let (event, _) = single_event(&[prefix(), instant(8, 1, &blob)].concat());
    assert_eq!(
        event.args,
        vec![Arg { name: String::new(), value: ArgValue::Blob(b"abc".to_vec()) }]
    );
    assert_eq!(event.args[0].value.blob(), Some(&b"abc"[..]));
}

#[test]
fn string_tables_belong_to_providers() {
    let string_before_provider =
        [words(&[MAGIC, 0x22 | (1 << 16) | (1 << 32)]), stream(b"a")].concat();
    let named = words(&[event_header(4, 0, 0, 0, 1, 1), 8, 1, 2]);
    let (event, warnings) = single_event(&[string_before_provider, named.clone()].concat());
    assert_eq!(
        (event.category.as_str(), event.name.as_str(), event.provider),
        ("<unknown>", "<unknown>", None)
    );
    assert_eq!(warnings, vec![ParseWarning::MissingProviderId; 3]);

    let string = [words(&[0x22 | (1 << 16) | (1 << 32)]), stream(b"a")].concat();
    let zero_index = [words(&[0x22 | (1 << 32)]), stream(b"z")].concat();
    let unknown_index = words(&[event_header(4, 0, 0, 0, 1, 2), 8, 1, 2]);
    let (records, warnings) = parse(&[prefix(), string, zero_index, named, unknown_index].concat());
    let [TraceRecord::Event(first), TraceRecord::Event(second)] = records.as_slice() else {
        panic!()
    };
    assert_eq!((first.category.as_str(), first.name.as_str()), ("a", "a"));
    assert_eq!((second.category.as_str(), second.name.as_str()), ("a", "<unknown>"));
    assert_eq!(
        warnings,
        vec![
            ParseWarning::RecordForZeroStringId,
            ParseWarning::UnknownStringId(NonZeroU16::new(2).unwrap())
        ]
    );
}

#[test]
fn provider_sections_switch_the_current_provider() {
    let second_info = [words(&[0x20 | (1 << 16) | (2 << 20) | (1 << 52)]), stream(b"q")].concat();
    let section_1 = words(&[0x10 | (2 << 16) | (1 << 20)]);
    let section_unknown = words(&[0x10 | (2 << 16) | (9 << 20)]);
    let buffer_full = words(&[0x10 | (3 << 16) | (2 << 20)]);
    let unknown_event = words(&[0x10 | (3 << 16) | (1 << 20) | (5 << 52)]);
    let bytes = [
        prefix(),
        second_info,
        instant(1, 0, &[]),
        section_1,
        instant(2, 0, &[]),
        buffer_full,
        unknown_event,
        section_unknown,
        instant(3, 0, &[]),
    ]
    .concat();
    let (records, warnings) = parse(&bytes);
    let q = Provider { id: 2, name: "q".into() };
    let providers: Vec<_> = records
        .iter()
        .map(|r| match r {
            TraceRecord::Event(e) => e.provider.clone().unwrap(),
            TraceRecord::ProviderEvent { provider, event } => {
                assert!(r.process().is_none() && r.thread().is_none());
                match event {
                    ProviderEvent::BufferFull => assert_eq!(provider, &q),
                    ProviderEvent::Unknown { raw_type } => assert_eq!(*raw_type, 5),
                }
                provider.clone()
            }
            other => panic!("{other:?}"),
        })
        .collect();
    let unknown = Provider { id: 9, name: "<unknown>".into() };
    assert_eq!(providers, vec![q.clone(), provider().unwrap(), q, provider().unwrap(), unknown]);
    assert_eq!(warnings, vec![ParseWarning::UnknownProviderId(9)]);
}

#[test]
fn thread_refs_resolve_through_the_thread_table() {
    let thread = words(&[0x33 | (3 << 16), 10, 11]);
    let known = words(&[event_header(2, 0, 0, 3, 0, 0), 8]);
    let unknown = words(&[event_header(2, 0, 0, 4, 0, 0), 8]);
    let (records, warnings) = parse(&[prefix(), thread, known, unknown].concat());
    let koids: Vec<_> =
        records.iter().map(|r| (r.process().unwrap(), r.thread().unwrap())).collect();
    assert_eq!(
        koids,
        vec![(ProcessKoid(10), ThreadKoid(11)), (ProcessKoid(u64::MAX), ThreadKoid(u64::MAX))]
    );
    let four = NonZeroU8::new(4).unwrap();
    assert_eq!(
        warnings,
        vec![
            ParseWarning::UnknownProcessRef(ProcessRef::Index(four)),
            ParseWarning::UnknownThreadRef(ThreadRef::Index(four))
        ]
    );
}

#[test]
fn userspace_object_records_are_read() {
    let arg = [words(&[2 | (2 << 4) | (0x8001 << 16) | (7 << 32)]), stream(b"n")].concat();
    let record =
        [words(&[6 | (6 << 4) | (0x8003 << 24) | (1 << 40), 0x1000, 42]), stream(b"obj"), arg]
            .concat();
    let (records, _) = parse(&[prefix(), record].concat());
    assert_eq!(
        records,
        vec![TraceRecord::UserspaceObj(UserspaceObjRecord {
            provider: provider(),
            pointer: 0x1000,
            process: ProcessKoid(42),
            name: "obj".into(),
            args: vec![Arg { name: "n".into(), value: ArgValue::Unsigned32(7) }],
        })]
    );
    assert_eq!(records[0].process(), Some(ProcessKoid(42)));
    assert_eq!(records[0].thread(), None);
}

#[test]
fn arg_value_accessors_and_display() {
    let values = [
        (ArgValue::Null, "null"),
        (ArgValue::Boolean(true), "true"),
        (ArgValue::Signed32(-1), "-1"),
        (ArgValue::Unsigned32(1), "1"),
        (ArgValue::Signed64(-2), "-2"),
        (ArgValue::Unsigned64(2), "2"),
        (ArgValue::Double(0.5), "0.5"),
        (ArgValue::String("s".into()), "s"),
        (ArgValue::Pointer(16), "0x00000000000010"),
        (ArgValue::KernelObj(3), "3"),
        (ArgValue::Blob(vec![1, 0xab]), "[01, AB]"),
    ];
    for (value, shown) in &values {
        assert_eq!(value.to_string(), *shown);
    }
    assert!(values[0].0.is_null());
    assert_eq!(values[1].0.boolean(), Some(true));
    assert_eq!(values[2].0.signed_32(), Some(-1));
    assert_eq!(values[3].0.unsigned_32(), Some(1));
    assert_eq!(values[4].0.signed_64(), Some(-2));
    assert_eq!(values[5].0.unsigned_64(), Some(2));
    assert_eq!(values[6].0.double(), Some(0.5));
    assert_eq!(values[7].0.string(), Some("s"));
    assert_eq!(values[8].0.pointer(), Some(16));
    assert_eq!(values[9].0.kernel_obj(), Some(3));
    assert_eq!(values[0].0.boolean(), None);
}
