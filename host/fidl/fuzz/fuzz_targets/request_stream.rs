//! Writes arbitrary messages to an `Echo` request stream and drains it. Must
//! never panic; after an error the stream must end.
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
        while let [len, handle_count, tail @ ..] = rest {
            let len = usize::from(*len).min(tail.len());
            let (bytes, next) = tail.split_at(len);
            let mut handles: Vec<fidl::NullableHandle> =
                (0..handle_count % 4).map(|_| fidl::Event::create().into()).collect();
            let _ = raw.write(bytes, &mut handles);
            rest = next;
        }
        drop(raw);
        let mut failed = false;
        while let Some(item) = stream.next().await {
            assert!(!failed, "request stream yielded an item after an error");
            failed = item.is_err();
        }
    })
});
