// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! The oneshot trace buffer: header layout (`buffer_internal.h`), dropping when full
//! (`RollingBuffer::AllocRecord`), concurrent writers, and the reader's checks.

mod common;

use common::{TICKS_PER_SECOND, buffer, finish};
use fxt::TraceRecord;
use trace_engine::buffer::{HEADER_MAGIC, HEADER_SIZE};
use trace_engine::{
    Arg, ArgValue, BufferError, BufferHeader, BufferingMode, Event, EventPayload, ReadError,
    Record, Scope, StringRef, ThreadRef, TraceBuffer, WriteError, read_buffer,
};

fn instant<'a>(ticks: u64, thread_koid: u64, args: &'a [Arg<'a>]) -> Record<'a> {
    Record::Event(Event {
        ticks,
        thread: ThreadRef::Inline { process_koid: 1, thread_koid },
        category: StringRef::Inline("cat"),
        name: StringRef::Inline("name"),
        args,
        payload: EventPayload::Instant { scope: Scope::Thread },
    })
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
}

fn events(records: &[TraceRecord]) -> Vec<&fxt::EventRecord> {
    records
        .iter()
        .map(|r| match r {
            TraceRecord::Event(e) => e,
            other => panic!("not an event: {other:?}"),
        })
        .collect()
}

#[test]
fn start_writes_the_header_then_the_initialization_record() {
    let vmo = zx::Vmo::create(8192).unwrap();
    let reader = vmo.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    let _buffer = TraceBuffer::start(vmo, BufferingMode::Oneshot, TICKS_PER_SECOND).unwrap();
    let raw = reader.read_to_vec(0, 144).unwrap();
    assert_eq!(u64_at(&raw, 0), 0x627566ee68656164);
    assert_eq!(&raw[8..16], &[0, 0, 0, 0, 0, 0, 0, 0], "version, mode, reserved, wrapped count");
    assert_eq!(u64_at(&raw, 16), 8192, "total size");
    assert_eq!(u64_at(&raw, 24), 0, "durable buffer size");
    assert_eq!(u64_at(&raw, 32), 8192 - 128, "rolling buffer size");
    assert!(raw[40..128].iter().all(|b| *b == 0), "data ends, dropped count, reserved");
    assert_eq!(u64_at(&raw, 128), 0x21, "initialization record header");
    assert_eq!(u64_at(&raw, 136), TICKS_PER_SECOND);
}

#[test]
fn stop_publishes_the_data_end_and_dropped_count() {
    let buffer = buffer(4096);
    buffer.write(&instant(1, 2, &[])).unwrap();
    let allocated = buffer.bytes_allocated();
    assert_eq!(allocated, 16 + 56);
    let vmo = buffer.stop().unwrap();
    let contents = read_buffer(&vmo).unwrap();
    assert_eq!(
        contents.header,
        BufferHeader {
            magic: HEADER_MAGIC,
            version: 0,
            buffering_mode: 0,
            wrapped_count: 0,
            total_size: 4096,
            durable_buffer_size: 0,
            rolling_buffer_size: 4096 - HEADER_SIZE,
            durable_data_end: 0,
            rolling_data_end: [allocated, 0],
            num_records_dropped: 0,
        }
    );
    assert_eq!(contents.records.len() as u64, allocated);
    assert_eq!(BufferHeader::from_bytes(&contents.header.to_bytes()), contents.header);
}

#[test]
fn a_full_buffer_drops_and_counts_whole_records_only() {
    let buffer = buffer(4096);
    let data_size = 4096 - HEADER_SIZE - 16;
    // 56-byte events: 70 fit, 32 bytes stay free.
    let attempts = 100;
    let mut written = 0;
    for i in 0..attempts {
        match buffer.write(&instant(i, 2, &[])) {
            Ok(()) => written += 1,
            Err(e) => assert_eq!(e, WriteError::BufferFull),
        }
    }
    assert_eq!(written, data_size / 56);
    assert_eq!(buffer.records_dropped(), attempts - written);
    // As in-tree, a later record that fits the room left is still written.
    buffer.write(&Record::Thread { index: 1, process_koid: 1, thread_koid: 2 }).unwrap();
    assert_eq!(
        buffer.write(&Record::Thread { index: 2, process_koid: 1, thread_koid: 3 }),
        Err(WriteError::BufferFull)
    );
    assert_eq!(buffer.records_dropped(), attempts - written + 1);
    assert_eq!(buffer.bytes_allocated(), 16 + written * 56 + 24);

    let vmo = buffer.stop().unwrap();
    let header = read_buffer(&vmo).unwrap().header;
    assert_eq!(header.num_records_dropped, attempts - written + 1);
    let session = [common::session_prefix(), read_buffer(&vmo).unwrap().records].concat();
    let (records, warnings) = fxt::parse_full_session(&session).unwrap();
    assert_eq!(warnings, vec![]);
    let ticks: Vec<i64> = events(&records).iter().map(|e| e.timestamp).collect();
    assert_eq!(ticks, (0..written as i64).map(|t| t / 2).collect::<Vec<_>>());
}

#[test]
fn a_drop_publishes_the_data_end_before_stop() {
    let vmo = zx::Vmo::create(4096).unwrap();
    let reader = vmo.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    let buffer = TraceBuffer::start(vmo, BufferingMode::Oneshot, TICKS_PER_SECOND).unwrap();
    while buffer.write(&instant(0, 2, &[])).is_ok() {}
    let header = read_buffer(&reader).unwrap().header;
    assert_eq!(header.rolling_data_end[0], buffer.bytes_allocated());
    assert_eq!(header.num_records_dropped, 0, "counted in the header only at stop");
}

#[test]
fn concurrent_writers_are_all_parsed_back_in_each_threads_order() {
    const THREADS: u64 = 8;
    const PER_THREAD: u64 = 500;
    let buffer = buffer(1 << 20);
    std::thread::scope(|s| {
        for thread in 0..THREADS {
            let buffer = &buffer;
            s.spawn(move || {
                for seq in 0..PER_THREAD {
                    let args = [
                        Arg::new("thread", ArgValue::Uint64(thread)),
                        Arg::new("seq", ArgValue::Uint64(seq)),
                    ];
                    buffer.write(&instant(seq, 100 + thread, &args)).unwrap();
                }
            });
        }
    });
    assert_eq!(buffer.records_dropped(), 0);
    let (records, warnings) = fxt::parse_full_session(&finish(buffer)).unwrap();
    assert_eq!(warnings, vec![]);
    let events = events(&records);
    assert_eq!(events.len() as u64, THREADS * PER_THREAD);
    for thread in 0..THREADS {
        let seqs: Vec<u64> = events
            .iter()
            .filter(|e| e.thread == fxt::ThreadKoid(100 + thread))
            .map(|e| {
                assert_eq!(e.args[0].value, fxt::ArgValue::Unsigned64(thread));
                e.args[1].value.unsigned_64().unwrap()
            })
            .collect();
        assert_eq!(seqs, (0..PER_THREAD).collect::<Vec<_>>(), "thread {thread}");
    }
}

#[test]
fn concurrent_writers_filling_the_buffer_lose_no_count() {
    const THREADS: u64 = 8;
    const PER_THREAD: u64 = 500;
    let buffer = buffer(64 << 10);
    let written: u64 = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|thread| {
                let buffer = &buffer;
                s.spawn(move || {
                    let args = [Arg::new("thread", ArgValue::Uint64(thread))];
                    (0..PER_THREAD)
                        .filter(|seq| match buffer.write(&instant(*seq, 100 + thread, &args)) {
                            Ok(()) => true,
                            Err(e) => {
                                assert_eq!(e, WriteError::BufferFull);
                                false
                            }
                        })
                        .count() as u64
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert!(written < THREADS * PER_THREAD, "the buffer must fill");
    assert_eq!(buffer.records_dropped(), THREADS * PER_THREAD - written);
    let (records, warnings) = fxt::parse_full_session(&finish(buffer)).unwrap();
    assert_eq!(warnings, vec![]);
    assert_eq!(events(&records).len() as u64, written);
}

#[test]
fn start_refuses_what_the_engine_refuses() {
    let start = |vmo, mode, tps| TraceBuffer::start(vmo, mode, tps).map(|_| ());
    for mode in [BufferingMode::Circular, BufferingMode::Streaming] {
        assert_eq!(
            start(zx::Vmo::create(4096).unwrap(), mode, 1),
            Err(BufferError::UnsupportedMode(mode))
        );
    }
    assert_eq!(
        start(zx::Vmo::create(0).unwrap(), BufferingMode::Oneshot, 1),
        Err(BufferError::InvalidSize { size: 0 })
    );
    let too_big = (1 << 32) + 4096;
    assert_eq!(
        start(zx::Vmo::create(too_big).unwrap(), BufferingMode::Oneshot, 1),
        Err(BufferError::InvalidSize { size: too_big })
    );
    assert_eq!(
        start(zx::Vmo::create(4096).unwrap(), BufferingMode::Oneshot, 0),
        Err(BufferError::Init(WriteError::ZeroTicksPerSecond))
    );
    let read_only = zx::Vmo::create(4096)
        .unwrap()
        .replace_handle(zx::Rights::BASIC | zx::Rights::READ | zx::Rights::GET_PROPERTY)
        .unwrap();
    assert_eq!(
        start(read_only, BufferingMode::Oneshot, 1),
        Err(BufferError::Vmo(zx::Status::ACCESS_DENIED))
    );
}

/// A stopped buffer's VMO with the header field at `at` overwritten by `bytes`.
fn patched(at: u64, bytes: &[u8]) -> zx::Vmo {
    let buffer = buffer(4096);
    buffer.write(&instant(1, 2, &[])).unwrap();
    let vmo = buffer.stop().unwrap();
    vmo.write(bytes, at).unwrap();
    vmo
}

#[test]
fn read_buffer_refuses_bad_headers() {
    assert_eq!(
        read_buffer(&zx::Vmo::create(4096).unwrap()),
        Err(ReadError::BadMagic { observed: 0 })
    );
    assert_eq!(read_buffer(&patched(8, &[1, 0])), Err(ReadError::UnsupportedVersion(1)));
    assert_eq!(read_buffer(&patched(10, &[2])), Err(ReadError::UnsupportedMode(2)));
    assert_eq!(read_buffer(&patched(16, &8192u64.to_le_bytes())), Err(ReadError::BadSizes));
    assert_eq!(read_buffer(&patched(24, &8u64.to_le_bytes())), Err(ReadError::BadSizes));
    assert_eq!(read_buffer(&patched(32, &8u64.to_le_bytes())), Err(ReadError::BadSizes));
    assert_eq!(
        read_buffer(&patched(48, &4000u64.to_le_bytes())),
        Err(ReadError::BadDataEnd { data_end: 4000 })
    );
    assert_eq!(
        read_buffer(&patched(48, &20u64.to_le_bytes())),
        Err(ReadError::BadDataEnd { data_end: 20 })
    );
    let unreadable = patched(0, &HEADER_MAGIC.to_le_bytes())
        .replace_handle(zx::Rights::BASIC | zx::Rights::GET_PROPERTY)
        .unwrap();
    assert_eq!(read_buffer(&unreadable), Err(ReadError::Vmo(zx::Status::ACCESS_DENIED)));
}

#[test]
fn a_vmo_shrunk_under_the_buffer_fails_writes_and_stop() {
    let vmo = zx::Vmo::create_with_opts(zx::VmoOptions::RESIZABLE, 4096).unwrap();
    let other = vmo.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    let buffer = TraceBuffer::start(vmo, BufferingMode::Oneshot, TICKS_PER_SECOND).unwrap();
    other.set_size(0).unwrap();
    assert_eq!(buffer.write(&instant(1, 2, &[])), Err(WriteError::Vmo(zx::Status::OUT_OF_RANGE)));
    assert_eq!(buffer.stop().map(|_| ()), Err(zx::Status::OUT_OF_RANGE));
}
