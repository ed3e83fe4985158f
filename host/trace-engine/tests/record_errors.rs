// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Every refusal of the record writer, and the truncation of over-long strings.

mod common;

use trace_engine::record::{MAX_RECORD_SIZE_BYTES, MAX_STRING_LENGTH};
use trace_engine::{
    Arg, ArgValue, Event, EventPayload, MetadataRecord, Record, StringRef, ThreadRef, WriteError,
};

fn event<'a>(thread: ThreadRef, name: StringRef<'a>, args: &'a [Arg<'a>]) -> Record<'a> {
    Record::Event(Event {
        ticks: 1,
        thread,
        category: StringRef::Inline("c"),
        name,
        args,
        payload: EventPayload::Instant { scope: trace_engine::Scope::Thread },
    })
}

const THREAD: ThreadRef = ThreadRef::Inline { process_koid: 1, thread_koid: 2 };

#[test]
fn fifteen_args_are_written_sixteen_refused() {
    let args = [Arg::new("a", ArgValue::Null); 16];
    assert!(event(THREAD, StringRef::Inline("n"), &args[..15]).to_bytes().is_ok());
    assert_eq!(
        event(THREAD, StringRef::Inline("n"), &args).to_bytes(),
        Err(WriteError::TooManyArgs { count: 16 })
    );
    let kernel_object = Record::KernelObject {
        koid: 1,
        obj_type: zx::ObjectType::CHANNEL,
        name: StringRef::Empty,
        args: &args,
    };
    assert_eq!(kernel_object.to_bytes(), Err(WriteError::TooManyArgs { count: 16 }));
}

#[test]
fn records_past_4095_words_are_refused() {
    // Two 32000-byte strings make a record of 64000+ bytes.
    let long = "x".repeat(MAX_STRING_LENGTH);
    let args = [Arg::new("v", ArgValue::String(StringRef::Inline(&long)))];
    let refused = event(THREAD, StringRef::Inline(&long), &args).to_bytes();
    assert!(
        matches!(refused, Err(WriteError::RecordTooLarge { bytes }) if bytes > MAX_RECORD_SIZE_BYTES),
        "{refused:?}"
    );
    // Header, ticks, two koids, category "c" and the scope word are 48 bytes; a 32000-byte
    // name and an argument (header, name "v", 696-byte value) fill 4095 words exactly.
    let name = "n".repeat(MAX_STRING_LENGTH);
    let value = "s".repeat(696);
    let args = [Arg::new("v", ArgValue::String(StringRef::Inline(&value)))];
    let bytes = event(THREAD, StringRef::Inline(&name), &args).to_bytes().unwrap();
    assert_eq!(bytes.len(), MAX_RECORD_SIZE_BYTES);
    let one_more = "s".repeat(697);
    let args = [Arg::new("v", ArgValue::String(StringRef::Inline(&one_more)))];
    assert_eq!(
        event(THREAD, StringRef::Inline(&name), &args).to_bytes(),
        Err(WriteError::RecordTooLarge { bytes: MAX_RECORD_SIZE_BYTES + 8 })
    );
}

#[test]
fn inline_strings_over_32000_bytes_are_truncated_at_a_char_boundary() {
    // 31999 ASCII bytes then a 2-byte character straddling the limit.
    let long = format!("{}é{}", "a".repeat(MAX_STRING_LENGTH - 1), "b".repeat(100));
    let bytes = Record::String { index: 1, value: &long }.to_bytes().unwrap();
    let len = (u64::from_le_bytes(bytes[..8].try_into().unwrap()) >> 32) & 0x7fff;
    assert_eq!(len, MAX_STRING_LENGTH as u64 - 1);
    assert_eq!(&bytes[8..8 + len as usize], &long.as_bytes()[..MAX_STRING_LENGTH - 1]);
}

#[test]
fn invalid_string_indices_are_refused() {
    for index in [0, 0x8000, u16::MAX] {
        assert_eq!(
            Record::String { index, value: "s" }.to_bytes(),
            Err(WriteError::InvalidStringIndex(index))
        );
        assert_eq!(
            event(THREAD, StringRef::Indexed(index), &[]).to_bytes(),
            Err(WriteError::InvalidStringIndex(index))
        );
        let args = [Arg { name: StringRef::Indexed(index), value: ArgValue::Null }];
        assert_eq!(
            event(THREAD, StringRef::Empty, &args).to_bytes(),
            Err(WriteError::InvalidStringIndex(index))
        );
        let args = [Arg::new("v", ArgValue::String(StringRef::Indexed(index)))];
        assert_eq!(
            event(THREAD, StringRef::Empty, &args).to_bytes(),
            Err(WriteError::InvalidStringIndex(index))
        );
    }
}

#[test]
fn thread_index_zero_is_refused() {
    assert_eq!(
        Record::Thread { index: 0, process_koid: 1, thread_koid: 2 }.to_bytes(),
        Err(WriteError::InvalidThreadIndex)
    );
    assert_eq!(
        event(ThreadRef::Indexed(0), StringRef::Empty, &[]).to_bytes(),
        Err(WriteError::InvalidThreadIndex)
    );
}

#[test]
fn zero_ticks_per_second_is_refused() {
    assert_eq!(
        Record::Initialization { ticks_per_second: 0 }.to_bytes(),
        Err(WriteError::ZeroTicksPerSecond)
    );
}

#[test]
fn provider_names_over_255_bytes_are_refused() {
    let name = "p".repeat(256);
    assert_eq!(
        MetadataRecord::ProviderInfo { provider_id: 1, name: &name }.to_bytes(),
        Err(WriteError::ProviderNameTooLong { len: 256 })
    );
    assert!(MetadataRecord::ProviderInfo { provider_id: 1, name: &name[..255] }.to_bytes().is_ok());
}

#[test]
fn a_refused_record_leaves_the_buffer_untouched() {
    let buffer = common::buffer(4096);
    let before = buffer.bytes_allocated();
    let args = [Arg::new("a", ArgValue::Null); 16];
    assert_eq!(
        buffer.write(&event(THREAD, StringRef::Empty, &args)),
        Err(WriteError::TooManyArgs { count: 16 })
    );
    assert_eq!(buffer.bytes_allocated(), before);
    assert_eq!(buffer.records_dropped(), 0);
    let (records, warnings) = fxt::parse_full_session(&common::finish(buffer)).unwrap();
    assert_eq!((records, warnings), (vec![], vec![]));
}
