// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Exact bytes of one record of each kind, computed by hand from
//! `docs/reference/tracing/trace-format.md` (section named on each test): header words are
//! built field by field as `value << lowest bit`.

use trace_engine::{
    Arg, ArgValue, Event, EventPayload, MetadataRecord, ProviderEventType, Record, Scope,
    StringRef, ThreadRef,
};

/// Words, little-endian, then concatenated.
fn words(words: &[u64]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// A stream padded with zeros to a whole word.
fn stream(s: &str) -> Vec<u8> {
    let mut bytes = s.as_bytes().to_vec();
    bytes.resize(s.len().next_multiple_of(8), 0);
    bytes
}

fn concat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

/// "Magic number record": the whole record is the word 0x0016547846040010.
#[test]
fn magic_number_record() {
    let bytes = MetadataRecord::MagicNumber.to_bytes().unwrap();
    assert_eq!(bytes, [0x10, 0x00, 0x04, 0x46, 0x78, 0x54, 0x16, 0x00]);
}

/// "Provider info metadata": type 0, size 3, metadata type 1 at 16, id at 20, name length
/// at 52; the name stream.
#[test]
fn provider_info_record() {
    let bytes =
        MetadataRecord::ProviderInfo { provider_id: 7, name: "proxy_manager" }.to_bytes().unwrap();
    let header = (3 << 4) | (1 << 16) | (7 << 20) | (13 << 52);
    assert_eq!(header, 0x00d0_0000_0071_0030);
    assert_eq!(bytes, concat(&[words(&[header]), stream("proxy_manager")]));
}

/// "Provider section metadata" and "Provider event metadata": one header word each.
#[test]
fn provider_section_and_event_records() {
    let section = MetadataRecord::ProviderSection { provider_id: 7 }.to_bytes().unwrap();
    assert_eq!(section, words(&[0x0072_0010]));
    let event = MetadataRecord::ProviderEvent {
        provider_id: 0xffff_ffff,
        event: ProviderEventType::BufferOverflow,
    }
    .to_bytes()
    .unwrap();
    assert_eq!(event, words(&[(1 << 4) | (3 << 16) | (0xffff_ffff << 20)]));
}

/// "Initialization record": type 1, size 2; the ticks-per-second word.
#[test]
fn initialization_record() {
    let bytes = Record::Initialization { ticks_per_second: 2_000_000_000 }.to_bytes().unwrap();
    assert_eq!(bytes, words(&[0x21, 2_000_000_000]));
}

/// "String record": type 2, index at 16, length at 32; the string stream.
#[test]
fn string_record() {
    let bytes = Record::String { index: 0x7fff, value: "wake" }.to_bytes().unwrap();
    assert_eq!(bytes, concat(&[words(&[0x22 | (0x7fff << 16) | (4 << 32)]), stream("wake")]));
}

/// "Thread record": type 3, size 3, index at 16; process and thread koid words.
#[test]
fn thread_record() {
    let bytes =
        Record::Thread { index: 255, process_koid: 1030, thread_koid: 1031 }.to_bytes().unwrap();
    assert_eq!(bytes, words(&[0x33 | (255 << 16), 1030, 1031]));
}

/// "Kernel object record": type 7, object type at 16, name ref at 24, argument count at 40;
/// koid word, name stream, arguments. A process has no arguments.
#[test]
fn process_info_record() {
    let bytes = Record::ProcessInfo { process_koid: 1030, name: "pm" }.to_bytes().unwrap();
    let header = 0x37 | (1 << 16) | (0x8002 << 24);
    assert_eq!(header, 0x0000_0080_0201_0037);
    assert_eq!(bytes, concat(&[words(&[header, 1030]), stream("pm")]));
}

/// "Kernel object record", argument conventions: a thread carries its process's koid in a
/// koid argument ("Kernel object id argument": type 8) named `process`.
#[test]
fn thread_info_record() {
    let bytes =
        Record::ThreadInfo { process_koid: 1030, thread_koid: 1031, name: "t" }.to_bytes().unwrap();
    let header = 0x67 | (2 << 16) | (0x8001 << 24) | (1 << 40);
    assert_eq!(header, 0x0000_0180_0102_0067);
    let arg_header = 8 | (3 << 4) | (0x8007 << 16);
    assert_eq!(
        bytes,
        concat(&[
            words(&[header, 1031]),
            stream("t"),
            words(&[arg_header]),
            stream("process"),
            words(&[1030])
        ])
    );
}

/// "Event record" and "Instant event": type 4, event type 0, inline thread (ref 0) and
/// inline category and name (bit 15 set, length below); the engine adds the scope word.
#[test]
fn instant_event_record_inline() {
    let record = Record::Event(Event {
        ticks: 4000,
        thread: ThreadRef::Inline { process_koid: 1030, thread_koid: 1031 },
        category: StringRef::Inline("cat"),
        name: StringRef::Inline("name"),
        args: &[],
        payload: EventPayload::Instant { scope: Scope::Process },
    });
    let header = 4 | (7 << 4) | (0x8003 << 32) | (0x8004 << 48);
    assert_eq!(header, 0x8004_8003_0000_0074);
    assert_eq!(
        record.to_bytes().unwrap(),
        concat(&[words(&[header, 4000, 1030, 1031]), stream("cat"), stream("name"), words(&[1])])
    );
}

/// "Counter event" with an indexed thread and strings and one 32-bit signed integer
/// argument ("32-bit signed integer argument": type 1, value in bits 32..63).
#[test]
fn counter_event_record_indexed() {
    let args = [Arg::new("n", ArgValue::Int32(-2))];
    let record = Record::Event(Event {
        ticks: 10,
        thread: ThreadRef::Indexed(2),
        category: StringRef::Indexed(5),
        name: StringRef::Indexed(6),
        args: &args,
        payload: EventPayload::Counter { id: 9 },
    });
    let header = 4 | (5 << 4) | (1 << 16) | (1 << 20) | (2 << 24) | (5 << 32) | (6 << 48);
    assert_eq!(header, 0x0006_0005_0211_0054);
    let arg_header = 1 | (2 << 4) | (0x8001 << 16) | (0xffff_fffe << 32);
    assert_eq!(
        record.to_bytes().unwrap(),
        concat(&[words(&[header, 10, arg_header]), stream("n"), words(&[9])])
    );
}

/// The words after the header and timestamp of a duration begin event (no payload words)
/// with an indexed thread and strings and `arg`.
fn arg_bytes(arg: Arg<'_>) -> Vec<u8> {
    let args = [arg];
    let record = Record::Event(Event {
        ticks: 1,
        thread: ThreadRef::Indexed(1),
        category: StringRef::Indexed(1),
        name: StringRef::Indexed(2),
        args: &args,
        payload: EventPayload::DurationBegin,
    });
    record.to_bytes().unwrap()[16..].to_vec()
}

/// "Arguments": header `[0..3]` type, `[4..15]` size in words, `[16..31]` name ref; each
/// argument type's section gives the rest.
#[test]
fn argument_encodings() {
    let name = StringRef::Indexed(3);
    let arg = |value| Arg { name, value };
    let cases: [(ArgValue<'_>, Vec<u8>); 11] = [
        (ArgValue::Null, words(&[0x0003_0010])),
        (ArgValue::Bool(true), words(&[0x0000_0001_0003_0019])),
        (ArgValue::Int32(-1), words(&[0xffff_ffff_0003_0011])),
        (ArgValue::Uint32(7), words(&[0x0000_0007_0003_0012])),
        (ArgValue::Int64(-1), words(&[0x0003_0023, u64::MAX])),
        (ArgValue::Uint64(5), words(&[0x0003_0024, 5])),
        (ArgValue::Double(1.0), words(&[0x0003_0025, 1.0f64.to_bits()])),
        (ArgValue::String(StringRef::Indexed(4)), words(&[0x0000_0004_0003_0016])),
        (
            ArgValue::String(StringRef::Inline("ab")),
            concat(&[words(&[0x0000_8002_0003_0026]), stream("ab")]),
        ),
        (ArgValue::Pointer(0x1000), words(&[0x0003_0027, 0x1000])),
        (ArgValue::Koid(1030), words(&[0x0003_0028, 1030])),
    ];
    for (value, expected) in cases {
        assert_eq!(arg_bytes(arg(value)), expected, "{value:?}");
    }
}

/// "String references": a stream that is a whole number of words gets no padding, and an
/// inline empty string is encoded as the empty ref (zero).
#[test]
fn string_ref_edge_cases() {
    assert_eq!(
        arg_bytes(Arg::new("12345678", ArgValue::Null)),
        concat(&[words(&[0x8008_0020]), stream("12345678")])
    );
    assert_eq!(arg_bytes(Arg::new("", ArgValue::Null)), words(&[0x10]));
}

/// "Duration complete event" and the async and flow events: the end time or correlation id
/// is the last word.
#[test]
fn payload_words() {
    let cases = [
        (EventPayload::DurationEnd, 3, None),
        (EventPayload::DurationComplete { end_ticks: 99 }, 4, Some(99)),
        (EventPayload::AsyncBegin { id: 1 }, 5, Some(1)),
        (EventPayload::AsyncInstant { id: 2 }, 6, Some(2)),
        (EventPayload::AsyncEnd { id: 3 }, 7, Some(3)),
        (EventPayload::FlowBegin { id: 4 }, 8, Some(4)),
        (EventPayload::FlowStep { id: 5 }, 9, Some(5)),
        (EventPayload::FlowEnd { id: 6 }, 10, Some(6)),
    ];
    for (payload, event_type, tail) in cases {
        let record = Record::Event(Event {
            ticks: 1,
            thread: ThreadRef::Indexed(1),
            category: StringRef::Indexed(1),
            name: StringRef::Indexed(2),
            args: &[],
            payload,
        });
        let size = 2 + tail.is_some() as u64;
        let header = 4 | (size << 4) | (event_type << 16) | (1 << 24) | (1 << 32) | (2 << 48);
        let expected: Vec<u64> = [header, 1].into_iter().chain(tail).collect();
        assert_eq!(record.to_bytes().unwrap(), words(&expected), "{payload:?}");
    }
}
