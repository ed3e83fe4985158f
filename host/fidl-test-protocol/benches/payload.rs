//! Encode and decode of a table request carrying a 64-byte string and 3
//! event handles (`test.protocol/Echo.SendPayload`), against baselines run
//! in the same process: the same table without handles, and a header-only
//! message through the same channel path.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use fidl::encoding::{
    DynamicFlags, EmptyPayload, IncomingMessage, TransactionHeader, encode_message,
};
use fidl::{HandleInfo, MessageBufEtc, ObjectType, Rights};
use fidl_test_protocol::Payload;

const ORDINAL: u64 = 0x23324434e361eb90;

fn payload(handles: usize) -> Payload {
    Payload {
        name: Some("n".repeat(64)),
        events: Some((0..handles).map(|_| fidl::Event::create()).collect()),
        ..Default::default()
    }
}

fn header() -> TransactionHeader {
    TransactionHeader::new(1, ORDINAL, DynamicFlags::empty())
}

/// Handle infos as the kernel reports received events (TRANSFER | WAIT).
fn received_events(count: usize) -> Vec<HandleInfo> {
    (0..count)
        .map(|_| {
            let handle: fidl::NullableHandle = fidl::Event::create().into();
            let rights = Rights::TRANSFER | Rights::WAIT;
            HandleInfo::new(handle.replace_handle(rights).unwrap(), ObjectType::EVENT, rights)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let (encoded, _) = encode_message::<Payload>(header(), payload(0)).unwrap();

    c.bench_function("encode table+64B string+3 handles", |b| {
        b.iter_batched(
            || payload(3),
            |p| encode_message::<Payload>(header(), p).unwrap(),
            BatchSize::SmallInput,
        )
    });
    c.bench_function("encode table+64B string (baseline, no handles)", |b| {
        b.iter_batched(
            || payload(0),
            |p| encode_message::<Payload>(header(), p).unwrap(),
            BatchSize::SmallInput,
        )
    });

    let (with_handles, _) = encode_message::<Payload>(header(), payload(3)).unwrap();
    c.bench_function("decode table+64B string+3 handles", |b| {
        b.iter_batched(
            || (with_handles.clone(), received_events(3)),
            |(bytes, handles)| {
                IncomingMessage::new(bytes, handles).unwrap().decode_body::<Payload>().unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("decode table+64B string (baseline, no handles)", |b| {
        b.iter_batched(
            || encoded.clone(),
            |bytes| {
                IncomingMessage::new(bytes, Vec::new()).unwrap().decode_body::<Payload>().unwrap()
            },
            BatchSize::SmallInput,
        )
    });

    let (tx, rx) = fidl::Channel::create();
    c.bench_function("channel round trip: encode+write+read+decode, 3 handles", |b| {
        b.iter_batched(
            || payload(3),
            |p| {
                let (bytes, mut handles) = encode_message::<Payload>(header(), p).unwrap();
                tx.write_etc(&bytes, &mut handles).unwrap();
                let mut buf = MessageBufEtc::new();
                rx.read_etc(&mut buf).unwrap();
                let (bytes, handles) = buf.split();
                IncomingMessage::new(bytes, handles).unwrap().decode_body::<Payload>().unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("channel round trip: header-only message (baseline)", |b| {
        b.iter(|| {
            let (bytes, mut handles) = encode_message::<EmptyPayload>(header(), ()).unwrap();
            tx.write_etc(&bytes, &mut handles).unwrap();
            let mut buf = MessageBufEtc::new();
            rx.read_etc(&mut buf).unwrap();
            let (bytes, handles) = buf.split();
            IncomingMessage::new(bytes, handles).unwrap().decode_body::<EmptyPayload>().unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
