// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! The dedicated thread that runs every proxy and every wake-source monitor.
//!
//! One single-threaded executor on one named thread, with the scheduler role the Starnix
//! runner gives its proxy thread. Proxies share one set of bounce buffers. Work arrives over
//! an unbounded channel from the thread serving FIDL, which therefore never waits for it.

use crate::proxy::{
    BounceBuffers, ChannelProxy, ProxyEnd, ProxyRegistration, StopSignal, start_proxy,
};
use crate::wake_monitor;
use crate::wake_sources::{WakeSourceId, WakeSources};
use fuchsia_async as fasync;
use futures::FutureExt;
use futures::channel::oneshot;
use log::warn;
use std::rc::Rc;
use std::sync::Arc;

/// The Zircon role name applied to the proxy thread.
pub const PROXY_ROLE_NAME: &str = "fuchsia.starnix.runner.proxy";

/// The name of the proxy thread.
pub const PROXY_THREAD_NAME: &str = "proxy_thread";

/// Work for the proxy thread.
pub enum Work {
    /// Run a proxy until it ends. Its registration reports the end before the channels
    /// close; `ended` gets it once they are closed.
    Proxy {
        proxy: ChannelProxy,
        registration: ProxyRegistration,
        ended: Option<oneshot::Sender<ProxyEnd>>,
    },
    /// Keep `wake_sources` informed of whether `handle` asserts any of `signals`, until
    /// `stop` fires; then close the handle. `starts_active`: the source was already active
    /// when it was registered (it took over a lingering source, `WakeSources::register`).
    WakeSource {
        id: WakeSourceId,
        handle: zx::NullableHandle,
        signals: zx::Signals,
        starts_active: bool,
        wake_sources: Arc<WakeSources>,
        stop: StopSignal,
    },
}

async fn monitor_wake_source(
    id: WakeSourceId,
    handle: zx::NullableHandle,
    signals: zx::Signals,
    starts_active: bool,
    wake_sources: Arc<WakeSources>,
    mut stop: StopSignal,
) {
    let what = format!("wake source {id}");
    let on_change = |active| wake_sources.set_active(id, active);
    let monitoring = std::pin::pin!(wake_monitor::watch(
        handle.as_handle_ref(),
        signals,
        starts_active,
        on_change,
        &what
    ));
    futures::future::select(monitoring, std::pin::pin!(stop.wait())).await;
}

/// Starts the proxy thread, asking for the proxy scheduling role (a missing RoleManager is
/// logged, not fatal). It runs `work` as it arrives; once every sender is dropped it
/// takes no more work, lets running proxies and monitors finish, and exits.
pub fn run_proxy_thread(
    work: async_channel::Receiver<Work>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new().name(PROXY_THREAD_NAME.to_string()).spawn(move || {
        if let Err(e) = fuchsia_scheduler::set_role_for_this_thread(PROXY_ROLE_NAME) {
            warn!("the proxy thread runs without the {PROXY_ROLE_NAME} role: {e:#}");
        }
        let mut executor = fasync::LocalExecutor::default();
        executor.run_singlethreaded(async move {
            let tasks = fasync::Scope::new_with_name("proxies");
            let buffers = Rc::new(BounceBuffers::new());
            while let Ok(item) = work.recv().await {
                match item {
                    Work::Proxy { proxy, registration, ended } => {
                        // `map`, not an async block awaiting the proxy: a block would hold
                        // the proxy's future twice (captured, and being awaited), doubling
                        // every idle proxy's task.
                        let proxy = start_proxy(proxy, registration, Rc::clone(&buffers));
                        tasks.spawn_local(proxy.map(move |end| {
                            if let Some(ended) = ended {
                                let _ = ended.send(end);
                            }
                        }));
                    }
                    Work::WakeSource { id, handle, signals, starts_active, wake_sources, stop } => {
                        tasks.spawn_local(monitor_wake_source(
                            id,
                            handle,
                            signals,
                            starts_active,
                            wake_sources,
                            stop,
                        ));
                    }
                }
            }
            tasks.join().await;
        })
    })
}

#[cfg(test)]
mod tests {
    use super::{Work, run_proxy_thread};
    use crate::proxy::{ChannelProxy, ProxyEnd, ProxyRegistration, StopSignal};
    use crate::wake_sources::{WakeSourceKind, WakeSources};
    use std::sync::Arc;
    use std::sync::mpsc;

    fn read_blocking(channel: &zx::Channel) -> zx::MessageBuf {
        channel.wait_one(zx::Signals::CHANNEL_READABLE, zx::MonotonicInstant::INFINITE).unwrap();
        let mut buf = zx::MessageBuf::new();
        channel.read(&mut buf).unwrap();
        buf
    }

    #[test]
    fn proxies_run_on_the_named_thread_and_report_their_end() {
        let (sender, receiver) = async_channel::unbounded();
        let thread = run_proxy_thread(receiver).unwrap();
        assert_eq!(thread.thread().name(), Some(super::PROXY_THREAD_NAME));
        let (container, container_channel) = zx::Channel::create();
        let (remote_channel, remote) = zx::Channel::create();
        let (ended_sender, ended) = mpsc::channel();
        sender
            .try_send(Work::Proxy {
                proxy: ChannelProxy {
                    container_channel,
                    remote_channel,
                    message_counter: zx::Counter::create(),
                    name: "threaded".to_string(),
                },
                registration: ProxyRegistration {
                    on_end: Some(Box::new(move |end| ended_sender.send(end).unwrap())),
                    ..ProxyRegistration::default()
                },
                ended: None,
            })
            .unwrap();
        drop(sender);
        remote.write(b"across threads", &mut []).unwrap();
        assert_eq!(read_blocking(&container).bytes(), b"across threads");
        drop(remote);
        assert_eq!(ended.recv().unwrap(), ProxyEnd::RemoteClosed);
        thread.join().expect("the proxy thread ends without panicking");
    }

    #[test]
    fn wake_sources_are_watched_until_stopped_and_their_handle_closed() {
        let (sender, receiver) = async_channel::unbounded();
        let thread = run_proxy_thread(receiver).unwrap();
        let wake_sources = Arc::new(WakeSources::new(4));
        let (local, watched) = zx::EventPair::create();
        let id = wake_sources
            .register("pair", watched.koid().unwrap(), zx::Signals::USER_0, WakeSourceKind::Handle)
            .unwrap();
        let (stop, stop_signal) = StopSignal::new();
        sender
            .try_send(Work::WakeSource {
                id,
                handle: watched.into_handle(),
                signals: zx::Signals::USER_0,
                starts_active: false,
                wake_sources: Arc::clone(&wake_sources),
                stop: stop_signal,
            })
            .unwrap();
        zx::Peered::signal_peer(&local, zx::Signals::NONE, zx::Signals::USER_0).unwrap();
        let mut executor = fuchsia_async::LocalExecutor::default();
        let active = executor.run_singlethreaded(wake_sources.next_change(&Default::default()));
        assert_eq!(active.ids, vec![id]);

        stop.send(()).unwrap();
        local.wait_one(zx::Signals::EVENTPAIR_PEER_CLOSED, zx::MonotonicInstant::INFINITE).unwrap();
        drop(sender);
        thread.join().expect("the proxy thread ends without panicking");
    }

    #[test]
    fn the_thread_exits_at_once_without_work() {
        let (sender, receiver) = async_channel::unbounded::<Work>();
        let thread = run_proxy_thread(receiver).unwrap();
        drop(sender);
        thread.join().expect("the proxy thread ends without panicking");
    }
}
