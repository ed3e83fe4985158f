// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Random events through the writer, the buffer and the parser come back unchanged.

mod common;

use proptest::prelude::*;
use trace_engine::{Arg, ArgValue, Event, EventPayload, Record, Scope, StringRef, ThreadRef};

/// An owned argument value, so strategies can generate strings.
#[derive(Clone, Debug)]
enum Value {
    Null,
    Bool(bool),
    I32(i32),
    U32(u32),
    I64(i64),
    U64(u64),
    F64(f64),
    Str(String),
    Ptr(u64),
    Koid(u64),
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::I32),
        any::<u32>().prop_map(Value::U32),
        any::<i64>().prop_map(Value::I64),
        any::<u64>().prop_map(Value::U64),
        any::<f64>()
            .prop_filter("NaN is not equal to itself", |f| !f.is_nan())
            .prop_map(Value::F64),
        ".{0,40}".prop_map(Value::Str),
        any::<u64>().prop_map(Value::Ptr),
        any::<u64>().prop_map(Value::Koid),
    ]
}

fn payload() -> impl Strategy<Value = EventPayload> {
    prop_oneof![
        Just(EventPayload::Instant { scope: Scope::Global }),
        any::<u64>().prop_map(|id| EventPayload::Counter { id }),
        Just(EventPayload::DurationBegin),
        Just(EventPayload::DurationEnd),
        (0..u64::MAX / 2).prop_map(|end_ticks| EventPayload::DurationComplete { end_ticks }),
        any::<u64>().prop_map(|id| EventPayload::AsyncBegin { id }),
        any::<u64>().prop_map(|id| EventPayload::AsyncInstant { id }),
        any::<u64>().prop_map(|id| EventPayload::AsyncEnd { id }),
        any::<u64>().prop_map(|id| EventPayload::FlowBegin { id }),
        any::<u64>().prop_map(|id| EventPayload::FlowStep { id }),
        any::<u64>().prop_map(|id| EventPayload::FlowEnd { id }),
    ]
}

fn expected_payload(payload: EventPayload) -> fxt::EventPayload<i64> {
    use fxt::EventPayload as P;
    match payload {
        EventPayload::Instant { .. } => P::Instant,
        EventPayload::Counter { id } => P::Counter { id },
        EventPayload::DurationBegin => P::DurationBegin,
        EventPayload::DurationEnd => P::DurationEnd,
        EventPayload::DurationComplete { end_ticks } => {
            P::DurationComplete { end_timestamp: (end_ticks / 2) as i64 }
        }
        EventPayload::AsyncBegin { id } => P::AsyncBegin { id },
        EventPayload::AsyncInstant { id } => P::AsyncInstant { id },
        EventPayload::AsyncEnd { id } => P::AsyncEnd { id },
        EventPayload::FlowBegin { id } => P::FlowBegin { id },
        EventPayload::FlowStep { id } => P::FlowStep { id },
        EventPayload::FlowEnd { id } => P::FlowEnd { id },
    }
}

fn written(value: &Value) -> ArgValue<'_> {
    match value {
        Value::Null => ArgValue::Null,
        Value::Bool(v) => ArgValue::Bool(*v),
        Value::I32(v) => ArgValue::Int32(*v),
        Value::U32(v) => ArgValue::Uint32(*v),
        Value::I64(v) => ArgValue::Int64(*v),
        Value::U64(v) => ArgValue::Uint64(*v),
        Value::F64(v) => ArgValue::Double(*v),
        Value::Str(v) => ArgValue::String(StringRef::Inline(v)),
        Value::Ptr(v) => ArgValue::Pointer(*v),
        Value::Koid(v) => ArgValue::Koid(*v),
    }
}

fn parsed(value: &Value) -> fxt::ArgValue {
    use fxt::ArgValue as A;
    match value {
        Value::Null => A::Null,
        Value::Bool(v) => A::Boolean(*v),
        Value::I32(v) => A::Signed32(*v),
        Value::U32(v) => A::Unsigned32(*v),
        Value::I64(v) => A::Signed64(*v),
        Value::U64(v) => A::Unsigned64(*v),
        Value::F64(v) => A::Double(*v),
        Value::Str(v) => A::String(v.clone()),
        Value::Ptr(v) => A::Pointer(*v),
        Value::Koid(v) => A::KernelObj(*v),
    }
}

#[derive(Clone, Debug)]
struct RandomEvent {
    ticks: u64,
    process_koid: u64,
    thread_koid: u64,
    category: String,
    name: String,
    args: Vec<(String, Value)>,
    payload: EventPayload,
}

fn random_event() -> impl Strategy<Value = RandomEvent> {
    (
        0..u64::MAX / 2,
        any::<u64>(),
        any::<u64>(),
        ".{0,20}",
        ".{0,20}",
        prop::collection::vec((".{0,12}", value()), 0..=15),
        payload(),
    )
        .prop_map(|(ticks, process_koid, thread_koid, category, name, args, payload)| {
            RandomEvent { ticks, process_koid, thread_koid, category, name, args, payload }
        })
}

proptest! {
    #[test]
    fn random_events_round_trip(events in prop::collection::vec(random_event(), 1..20)) {
        let buffer = common::buffer(1 << 20);
        for event in &events {
            let args: Vec<Arg<'_>> =
                event.args.iter().map(|(name, value)| Arg::new(name, written(value))).collect();
            buffer
                .write(&Record::Event(Event {
                    ticks: event.ticks,
                    thread: ThreadRef::Inline {
                        process_koid: event.process_koid,
                        thread_koid: event.thread_koid,
                    },
                    category: StringRef::Inline(&event.category),
                    name: StringRef::Inline(&event.name),
                    args: &args,
                    payload: event.payload,
                }))
                .unwrap();
        }
        let (records, warnings) = fxt::parse_full_session(&common::finish(buffer)).unwrap();
        prop_assert_eq!(warnings, vec![]);
        let expected: Vec<fxt::TraceRecord> = events
            .iter()
            .map(|event| {
                fxt::TraceRecord::Event(fxt::EventRecord {
                    provider: common::provider(),
                    timestamp: (event.ticks / 2) as i64,
                    process: fxt::ProcessKoid(event.process_koid),
                    thread: fxt::ThreadKoid(event.thread_koid),
                    category: event.category.clone(),
                    name: event.name.clone(),
                    args: event
                        .args
                        .iter()
                        .map(|(name, value)| fxt::Arg { name: name.clone(), value: parsed(value) })
                        .collect(),
                    payload: expected_payload(event.payload),
                })
            })
            .collect();
        prop_assert_eq!(records, expected);
    }
}
