// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! What the benchmarks share: the runner baseline and the ends of proxies under test.

#![allow(dead_code)]

pub mod runner;

use proxy_manager::proxy::{
    ChannelProxy, DEFAULT_MAX_UNHANDLED_MESSAGES, ProxyEnd, ProxyRegistration, StopSignal,
};
use proxy_manager::proxy_thread::Work;
use proxy_manager::wake_sources::WakeSources;
use std::sync::Arc;

/// The outside ends of one proxied pair: what the remote peer and the container hold.
pub struct Ends {
    /// The remote peer's end.
    pub remote: zx::Channel,
    /// The container's end.
    pub container: zx::Channel,
    /// The container's handle to the counter.
    pub counter: zx::Counter,
}

/// The proxy-side ends of a fresh pair, and the outside ends.
pub struct Pair {
    pub container_channel: zx::Channel,
    pub remote_channel: zx::Channel,
    pub message_counter: zx::Counter,
    pub ends: Ends,
}

impl Pair {
    pub fn new() -> Pair {
        let (container, container_channel) = zx::Channel::create();
        let (remote_channel, remote) = zx::Channel::create();
        let message_counter = zx::Counter::create();
        let counter = message_counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
        Pair {
            container_channel,
            remote_channel,
            message_counter,
            ends: Ends { remote, container, counter },
        }
    }

    /// Work for the engine's proxy thread: no wake source, statistics of its own, the
    /// default backpressure limit, and the registry every proxy of a manager shares.
    pub fn engine(
        self,
        wake_sources: &Arc<WakeSources>,
        ended: Option<futures::channel::oneshot::Sender<ProxyEnd>>,
    ) -> (Work, Ends) {
        let Pair { container_channel, remote_channel, message_counter, ends } = self;
        let proxy = ChannelProxy {
            container_channel,
            remote_channel,
            message_counter,
            name: "bench".to_string(),
        };
        let registration = ProxyRegistration {
            wake_sources: Arc::clone(wake_sources),
            wake_source: None,
            starts_active: false,
            stats: Arc::default(),
            stop: StopSignal::default(),
            on_end: None,
            max_unhandled_messages: DEFAULT_MAX_UNHANDLED_MESSAGES,
        };
        (Work::Proxy { proxy, registration, ended }, ends)
    }

    /// A proxy for the runner baseline's thread.
    pub fn runner(
        self,
        ended: Option<futures::channel::oneshot::Sender<()>>,
    ) -> (runner::RunnerProxy, Ends) {
        let Pair { container_channel, remote_channel, message_counter, ends } = self;
        (runner::RunnerProxy { container_channel, remote_channel, message_counter, ended }, ends)
    }
}

/// Reads one message from `channel` into `buf`, blocking until one arrives.
pub fn read_blocking(channel: &zx::Channel, buf: &mut zx::MessageBuf) {
    loop {
        match channel.read(buf) {
            Ok(()) => return,
            Err(zx::Status::SHOULD_WAIT) => {
                channel
                    .wait_one(zx::Signals::CHANNEL_READABLE, zx::MonotonicInstant::INFINITE)
                    .unwrap();
            }
            Err(status) => panic!("read failed: {status}"),
        }
    }
}
