// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! The baseline: the Starnix runner's proxy loop (the seed, `kernel_manager/proxy.rs`),
//! ported to this host platform so that every benchmark compares the engine with the proxy
//! it replaces, measured in the same run. Not product code.
//!
//! Faithful to the seed's loop: per wake-up it creates two fresh `OnSignals` waits (one per
//! channel, READABLE | PEER_CLOSED), selects the first that fires, forwards at most one
//! message from that side (counting it first if it enters the container), and ends when a
//! side reports PEER_CLOSED or a read or write fails. Its thread runs one executor with
//! shared bounce buffers, as the seed's `run_proxy_thread` does. Left out: the wake-source
//! registry the seed removes the counter from at the end, and its trace events.

use fuchsia_async as fasync;
use futures::FutureExt;
use futures::channel::oneshot;
use std::cell::RefCell;
use std::mem::MaybeUninit;
use std::pin::pin;
use std::rc::Rc;

/// The name of the baseline's proxy thread (its counts are looked up by name).
pub const RUNNER_THREAD_NAME: &str = "runner_proxy_thread";

const MAX_BYTES: usize = zx::sys::ZX_CHANNEL_MAX_MSG_BYTES as usize;
const MAX_HANDLES: usize = zx::sys::ZX_CHANNEL_MAX_MSG_HANDLES as usize;

type Bytes = Rc<RefCell<Box<[MaybeUninit<u8>]>>>;
type Handles = Rc<RefCell<Box<[MaybeUninit<zx::NullableHandle>]>>>;

/// A proxy for the baseline: the seed's `ChannelProxy` fields, plus who to tell when it ends.
pub struct RunnerProxy {
    pub container_channel: zx::Channel,
    pub remote_channel: zx::Channel,
    pub message_counter: zx::Counter,
    pub ended: Option<oneshot::Sender<()>>,
}

/// Which side's wait fired.
enum Side {
    Container,
    Remote,
}

/// Starts the baseline's proxy thread; it runs every proxy it is sent until the sender is
/// dropped and its proxies have ended.
pub fn run_runner_thread(
    proxies: async_channel::Receiver<RunnerProxy>,
) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name(RUNNER_THREAD_NAME.to_string())
        .spawn(move || {
            let mut executor = fasync::LocalExecutor::default();
            executor.run_singlethreaded(async move {
                let tasks = fasync::Scope::new();
                let bytes: Bytes = Rc::new(RefCell::new(Box::new_uninit_slice(MAX_BYTES)));
                let handles: Handles = Rc::new(RefCell::new(
                    (0..MAX_HANDLES).map(|_| MaybeUninit::uninit()).collect(),
                ));
                while let Ok(proxy) = proxies.recv().await {
                    tasks.spawn_local(start_proxy(proxy, Rc::clone(&bytes), Rc::clone(&handles)));
                }
                tasks.join().await;
            })
        })
        .expect("cannot start the runner's proxy thread")
}

/// The seed's `start_proxy`: one message per wake-up, two fresh waits per wake-up.
async fn start_proxy(mut proxy: RunnerProxy, bytes: Bytes, handles: Handles) {
    let signals = zx::Signals::CHANNEL_READABLE | zx::Signals::CHANNEL_PEER_CLOSED;
    loop {
        let mut container_wait =
            pin!(fasync::OnSignals::new(proxy.container_channel.as_handle_ref(), signals).fuse());
        let mut remote_wait =
            pin!(fasync::OnSignals::new(proxy.remote_channel.as_handle_ref(), signals).fuse());
        let (observed, side) = futures::select! {
            result = container_wait => match result {
                Ok(observed) => (observed, Side::Container),
                Err(_) => break,
            },
            result = remote_wait => match result {
                Ok(observed) => (observed, Side::Remote),
                Err(_) => break,
            },
        };
        let (from, to, counter) = match side {
            Side::Container => (&proxy.container_channel, &proxy.remote_channel, None),
            Side::Remote => {
                (&proxy.remote_channel, &proxy.container_channel, Some(&proxy.message_counter))
            }
        };
        let forwarded = forward_message(
            observed,
            from,
            to,
            counter,
            &mut bytes.borrow_mut(),
            &mut handles.borrow_mut(),
        );
        if forwarded.is_err() {
            break;
        }
    }
    if let Some(ended) = proxy.ended.take() {
        let _ = ended.send(());
    }
}

/// The seed's `forward_message`: reads one message if READABLE was observed, counts it if it
/// enters the container, writes it; then fails if PEER_CLOSED was observed.
fn forward_message(
    observed: zx::Signals,
    from: &zx::Channel,
    to: &zx::Channel,
    counter: Option<&zx::Counter>,
    bytes: &mut [MaybeUninit<u8>],
    handles: &mut [MaybeUninit<zx::NullableHandle>],
) -> Result<(), zx::Status> {
    if observed.contains(zx::Signals::CHANNEL_READABLE) {
        let (bytes, handles) = from.read_uninit(bytes, handles).to_result()?;
        if let Some(counter) = counter {
            counter.add(1)?;
        }
        to.write(bytes, handles)?;
    }
    if observed.contains(zx::Signals::CHANNEL_PEER_CLOSED) {
        return Err(zx::Status::PEER_CLOSED);
    }
    Ok(())
}
