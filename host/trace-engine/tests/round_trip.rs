// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Writer -> buffer -> fxt parser, for every event payload and argument kind, with inline
//! and indexed strings and threads.

mod common;

use common::{provider, round_trip};
use fxt::{ArgValue as Parsed, EventPayload as P, TraceRecord};
use trace_engine::{Arg, ArgValue, Event, EventPayload, Record, Scope, StringRef, ThreadRef};

const THREAD: ThreadRef = ThreadRef::Inline { process_koid: 1030, thread_koid: 1031 };

fn event<'a>(payload: EventPayload, args: &'a [Arg<'a>]) -> Record<'a> {
    Record::Event(Event {
        ticks: 4000,
        thread: THREAD,
        category: StringRef::Inline("starnix_proxy"),
        name: StringRef::Inline("wake"),
        args,
        payload,
    })
}

fn single_event(record: Record<'_>) -> fxt::EventRecord {
    match round_trip(&[record]).as_slice() {
        [TraceRecord::Event(e)] => e.clone(),
        other => panic!("expected one event, got {other:?}"),
    }
}

#[test]
fn every_payload_round_trips() {
    let cases = [
        (EventPayload::Instant { scope: Scope::Process }, P::Instant),
        (EventPayload::Counter { id: 9 }, P::Counter { id: 9 }),
        (EventPayload::DurationBegin, P::DurationBegin),
        (EventPayload::DurationEnd, P::DurationEnd),
        (
            EventPayload::DurationComplete { end_ticks: 9000 },
            P::DurationComplete { end_timestamp: 4500 },
        ),
        (EventPayload::AsyncBegin { id: 1 }, P::AsyncBegin { id: 1 }),
        (EventPayload::AsyncInstant { id: 2 }, P::AsyncInstant { id: 2 }),
        (EventPayload::AsyncEnd { id: 3 }, P::AsyncEnd { id: 3 }),
        (EventPayload::FlowBegin { id: 4 }, P::FlowBegin { id: 4 }),
        (EventPayload::FlowStep { id: 5 }, P::FlowStep { id: 5 }),
        (EventPayload::FlowEnd { id: u64::MAX }, P::FlowEnd { id: u64::MAX }),
    ];
    for (written, expected) in cases {
        let parsed = single_event(event(written, &[]));
        assert_eq!(
            parsed,
            fxt::EventRecord {
                provider: provider(),
                timestamp: 2000,
                process: fxt::ProcessKoid(1030),
                thread: fxt::ThreadKoid(1031),
                category: "starnix_proxy".into(),
                name: "wake".into(),
                args: vec![],
                payload: expected,
            },
            "{written:?}"
        );
    }
}

#[test]
fn every_arg_kind_round_trips() {
    let args = [
        Arg::new("null", ArgValue::Null),
        Arg::new("true", ArgValue::Bool(true)),
        Arg::new("false", ArgValue::Bool(false)),
        Arg::new("i32", ArgValue::Int32(i32::MIN)),
        Arg::new("u32", ArgValue::Uint32(u32::MAX)),
        Arg::new("i64", ArgValue::Int64(-5)),
        Arg::new("u64", ArgValue::Uint64(0x0123_4567_89ab_cdef)),
        Arg::new("f64", ArgValue::Double(-1.5)),
        Arg::new("str", ArgValue::String(StringRef::Inline("a string of 23 bytes...."))),
        Arg::new("empty", ArgValue::String(StringRef::Empty)),
        Arg::new("ptr", ArgValue::Pointer(0xdead_beef)),
        Arg::new("koid", ArgValue::Koid(1030)),
        Arg { name: StringRef::Empty, value: ArgValue::Uint32(1) },
    ];
    let parsed = single_event(event(EventPayload::Instant { scope: Scope::Thread }, &args));
    let expected: Vec<fxt::Arg> = [
        ("null", Parsed::Null),
        ("true", Parsed::Boolean(true)),
        ("false", Parsed::Boolean(false)),
        ("i32", Parsed::Signed32(i32::MIN)),
        ("u32", Parsed::Unsigned32(u32::MAX)),
        ("i64", Parsed::Signed64(-5)),
        ("u64", Parsed::Unsigned64(0x0123_4567_89ab_cdef)),
        ("f64", Parsed::Double(-1.5)),
        ("str", Parsed::String("a string of 23 bytes....".into())),
        ("empty", Parsed::String(String::new())),
        ("ptr", Parsed::Pointer(0xdead_beef)),
        ("koid", Parsed::KernelObj(1030)),
        ("", Parsed::Unsigned32(1)),
    ]
    .into_iter()
    .map(|(name, value)| fxt::Arg { name: name.into(), value })
    .collect();
    assert_eq!(parsed.args, expected);
}

#[test]
fn indexed_strings_and_threads_resolve() {
    let args =
        [Arg { name: StringRef::Indexed(3), value: ArgValue::String(StringRef::Indexed(1)) }];
    let records = [
        Record::String { index: 1, value: "starnix_proxy" },
        Record::String { index: 2, value: "wake" },
        Record::String { index: 3, value: "ordinal" },
        Record::Thread { index: 1, process_koid: 1030, thread_koid: 1031 },
        Record::Event(Event {
            ticks: 10,
            thread: ThreadRef::Indexed(1),
            category: StringRef::Indexed(1),
            name: StringRef::Indexed(2),
            args: &args,
            payload: EventPayload::AsyncBegin { id: 77 },
        }),
    ];
    let parsed = round_trip(&records);
    let [TraceRecord::Event(e)] = parsed.as_slice() else { panic!("{parsed:?}") };
    assert_eq!((e.process, e.thread), (fxt::ProcessKoid(1030), fxt::ThreadKoid(1031)));
    assert_eq!((e.category.as_str(), e.name.as_str()), ("starnix_proxy", "wake"));
    assert_eq!(
        e.args,
        vec![fxt::Arg { name: "ordinal".into(), value: Parsed::String("starnix_proxy".into()) }]
    );
    assert_eq!(e.payload, P::AsyncBegin { id: 77 });
    assert_eq!(parsed[0].process(), Some(fxt::ProcessKoid(1030)));
    assert_eq!(parsed[0].thread(), Some(fxt::ThreadKoid(1031)));
}

#[test]
fn process_and_thread_names_round_trip() {
    let args = [Arg::new("mode", ArgValue::Uint32(2))];
    let records = [
        Record::ProcessInfo { process_koid: 1030, name: "proxy_manager.cm" },
        Record::ThreadInfo { process_koid: 1030, thread_koid: 1031, name: "proxy-0" },
        Record::KernelObject {
            koid: 2000,
            obj_type: zx::ObjectType::CHANNEL,
            name: StringRef::Inline("wifi"),
            args: &args,
        },
    ];
    let parsed = round_trip(&records);
    let expected = vec![
        TraceRecord::KernelObj(fxt::KernelObjRecord {
            provider: provider(),
            koid: 1030,
            ty: fxt::KernelObjType::Process,
            name: "proxy_manager.cm".into(),
            args: vec![],
        }),
        TraceRecord::KernelObj(fxt::KernelObjRecord {
            provider: provider(),
            koid: 1031,
            ty: fxt::KernelObjType::Thread,
            name: "proxy-0".into(),
            args: vec![fxt::Arg { name: "process".into(), value: Parsed::KernelObj(1030) }],
        }),
        TraceRecord::KernelObj(fxt::KernelObjRecord {
            provider: provider(),
            koid: 2000,
            ty: fxt::KernelObjType::Channel,
            name: "wifi".into(),
            args: vec![fxt::Arg { name: "mode".into(), value: Parsed::Unsigned32(2) }],
        }),
    ];
    assert_eq!(parsed, expected);
    assert_eq!(parsed[1].process(), Some(fxt::ProcessKoid(1030)));
    assert_eq!(parsed[0].process(), None);
    assert_eq!(parsed[1].thread(), None);
}

#[test]
fn the_largest_record_and_longest_strings_round_trip() {
    // A 32000-byte name and a 696-byte argument make a record of exactly 4095 words.
    let name = "n".repeat(trace_engine::record::MAX_STRING_LENGTH);
    let value = "é".repeat(348);
    let args = [Arg::new("v", ArgValue::String(StringRef::Inline(&value)))];
    let record = Record::Event(Event {
        ticks: 2,
        thread: THREAD,
        category: StringRef::Inline("c"),
        name: StringRef::Inline(&name),
        args: &args,
        payload: EventPayload::Instant { scope: Scope::Global },
    });
    assert_eq!(record.to_bytes().unwrap().len(), trace_engine::record::MAX_RECORD_SIZE_BYTES);
    let parsed = single_event(record);
    assert_eq!(parsed.name, name);
    assert_eq!(parsed.args, vec![fxt::Arg { name: "v".into(), value: Parsed::String(value) }]);
}
