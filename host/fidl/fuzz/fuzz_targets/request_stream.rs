//! Writes arbitrary messages to an `Echo` request stream and drains it. Must
//! never panic; as in-tree, an error does not end the stream, so it yields at
//! most one item per message written.
//!
//! Input: a sequence of messages, each `len: u8`, `handles: u8 (mod 4)`,
//! then `len` bytes written as one channel message.

#![no_main]

use fidl::endpoints::create_request_stream;
use fidl_test_protocol::EchoMarker;
use fuchsia_async as fasync;
use futures::StreamExt;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fasync::TestExecutor::new().run_singlethreaded(async {
        let (client, mut stream) = create_request_stream::<EchoMarker>();
        let raw = client.into_channel();
        let mut rest = data;
        let mut written = 0usize;
        while let [len, handle_count, tail @ ..] = rest {
            let len = usize::from(*len).min(tail.len());
            let (bytes, next) = tail.split_at(len);
            let mut handles: Vec<fidl::NullableHandle> =
                (0..handle_count % 4).map(|_| fidl::Event::create().into()).collect();
            if raw.write(bytes, &mut handles).is_ok() {
                written += 1;
            }
            rest = next;
        }
        drop(raw);
        let mut items = 0usize;
        while let Some(item) = stream.next().await {
            items += 1;
            assert!(items <= written, "more items than messages");
            drop(item);
        }
    })
});
