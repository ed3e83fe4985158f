// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! The proxy engine: forwards messages between a channel into the Starnix container and a
//! channel to a peer outside it, counting each message that enters the container.
//!
//! ```text
//! [remote peer] <-- remote_channel --> [proxy] <-- container_channel --> [container]
//! ```
//!
//! Guarantees, each tested below:
//! - Nothing queued is lost on close: when one side's peer closes, everything it wrote before
//!   closing is forwarded, in order and with its handles, before the proxy ends.
//! - The counter is incremented before a message reaches the container (so the container can
//!   never decrement first) and the increment is undone if the message cannot be delivered.
//! - Nothing on the proxy thread panics on a bad handle, a failed counter operation or a
//!   dropped sender: failures are logged and end at most the proxy concerned.
//! - A wake-up forwards at most `MAX_BATCH` messages per direction before the task yields,
//!   so a busy proxy cannot starve the others on the same thread.
//! - A proxy asked to stop delivers what is already queued in both directions, then closes.

use crate::proxy_stats::{DirectionStats, ProxyStats};
use crate::wake_monitor;
use crate::wake_sources::{WakeSourceId, WakeSources};
use fuchsia_async as fasync;
use futures::FutureExt;
use futures::channel::oneshot;
use futures::future::Either;
use log::{error, warn};
use std::cell::RefCell;
use std::convert::Infallible;
use std::mem::MaybeUninit;
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;

/// A channel pair to proxy, with the counter of unhandled messages entering the container.
///
/// `[remote peer] <-- remote_channel --> [proxy_manager] <-- container_channel --> [container]`
#[derive(Debug)]
pub struct ChannelProxy {
    /// The end whose peer is held by the container.
    pub container_channel: zx::Channel,

    /// The end whose peer is held by a component outside the container.
    pub remote_channel: zx::Channel,

    /// Incremented once per message forwarded into the container, before the message is
    /// written; the container decrements it once it has handled the message. Positive means
    /// the container has unhandled messages and must not suspend.
    pub message_counter: zx::Counter,

    /// Human-readable name of what is proxied, for logs.
    pub name: String,
}

/// The most messages one direction of one proxy forwards per wake-up before yielding.
pub const MAX_BATCH: usize = 64;

/// The most messages a stopping proxy delivers per direction: the number of messages Zircon
/// lets a channel end queue before it raises a policy exception on the writer, so everything
/// queued when the stop was asked is covered while a peer that keeps writing cannot hold the
/// stop open.
pub const MAX_DRAIN_ON_STOP: usize = 3500;

const MAX_MSG_BYTES: usize = zx::sys::ZX_CHANNEL_MAX_MSG_BYTES as usize;
const MAX_MSG_HANDLES: usize = zx::sys::ZX_CHANNEL_MAX_MSG_HANDLES as usize;

/// The buffers every proxy on one thread shares to move one message at a time.
///
/// Owned by the proxy thread (hence `Rc`); borrowed only for one `forward_batch`, never
/// across an await, so the borrows of different proxies never overlap.
pub struct BounceBuffers {
    bytes: RefCell<Box<[MaybeUninit<u8>]>>,
    handles: RefCell<Box<[MaybeUninit<zx::NullableHandle>]>>,
}

impl BounceBuffers {
    /// Buffers for the largest message a channel carries.
    pub fn new() -> BounceBuffers {
        BounceBuffers {
            bytes: RefCell::new(Box::new_uninit_slice(MAX_MSG_BYTES)),
            handles: RefCell::new((0..MAX_MSG_HANDLES).map(|_| MaybeUninit::uninit()).collect()),
        }
    }
}

impl Default for BounceBuffers {
    fn default() -> Self {
        BounceBuffers::new()
    }
}

/// Why a proxy ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyEnd {
    /// It was asked to stop; what was queued was delivered first.
    Stopped,
    /// The container closed its end; everything it had written was forwarded first.
    ContainerClosed,
    /// The remote peer closed its end; everything it had written was forwarded first.
    RemoteClosed,
    /// A channel operation failed in a way that is not a peer closing.
    Failed(ForwardError),
}

/// A channel operation that failed while forwarding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForwardError {
    #[error("waiting on the channels failed: {0}")]
    Wait(zx::Status),
    #[error("reading the message failed: {0}")]
    Read(zx::Status),
    #[error("writing the message failed: {0}")]
    Write(zx::Status),
}

/// What one `forward_message` call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forwarded {
    /// A message of `bytes` bytes and `handles` handles was delivered.
    Message { bytes: usize, handles: usize },
    /// The source has no message queued and its peer is open.
    SourceEmpty,
    /// The source has no message queued and its peer has closed: nothing more will come.
    SourceClosed,
    /// The destination's peer has closed; the message read was destroyed with its handles
    /// (and its counter increment undone).
    DestinationClosed,
}

/// Moves one message from `read_channel` to `write_channel`.
///
/// If `message_counter` is given it is incremented before the write and decremented again
/// if the write fails, so that a message that never reached the container leaves no count
/// behind. A failed counter operation is logged; the message is still delivered, since
/// dropping it would be worse than a wrong count. `stats`, if given, counts the message the
/// same way: before the write, taken back if the write fails.
pub fn forward_message(
    read_channel: &zx::Channel,
    write_channel: &zx::Channel,
    message_counter: Option<&zx::Counter>,
    stats: Option<&DirectionStats>,
    bytes: &mut [MaybeUninit<u8>],
    handles: &mut [MaybeUninit<zx::NullableHandle>],
    name: &str,
) -> Result<Forwarded, ForwardError> {
    let (bytes, handles) = match read_channel.read_uninit(bytes, handles) {
        zx::ChannelReadResult::Ok(message) => message,
        zx::ChannelReadResult::Err(zx::Status::SHOULD_WAIT) => return Ok(Forwarded::SourceEmpty),
        zx::ChannelReadResult::Err(zx::Status::PEER_CLOSED) => return Ok(Forwarded::SourceClosed),
        zx::ChannelReadResult::Err(status) => return Err(ForwardError::Read(status)),
        zx::ChannelReadResult::BufferTooSmall { .. } => {
            return Err(ForwardError::Read(zx::Status::BUFFER_TOO_SMALL));
        }
    };
    let (n_bytes, n_handles) = (bytes.len(), handles.len());
    if let Some(stats) = stats {
        stats.record(n_bytes, n_handles);
    }

    let counted = message_counter.filter(|counter| match counter.add(1) {
        Ok(()) => true,
        Err(status) => {
            error!("proxy {name}: cannot count a message entering the container: {status}");
            false
        }
    });

    match write_channel.write(bytes, handles) {
        Ok(()) => Ok(Forwarded::Message { bytes: n_bytes, handles: n_handles }),
        Err(status) => {
            if let Some(counter) = counted
                && let Err(undo) = counter.add(-1)
            {
                error!("proxy {name}: cannot undo the count of an undelivered message: {undo}");
            }
            if let Some(stats) = stats {
                stats.unrecord(n_bytes, n_handles);
            }
            match status {
                zx::Status::PEER_CLOSED => Ok(Forwarded::DestinationClosed),
                status => Err(ForwardError::Write(status)),
            }
        }
    }
}

/// One direction of a proxy.
struct Direction<'a> {
    from: &'a zx::Channel,
    to: &'a zx::Channel,
    counter: Option<&'a zx::Counter>,
    stats: &'a DirectionStats,
}

/// What a batch of forwarding left behind.
enum Batch {
    /// The source is empty and its peer open.
    Idle,
    /// `MAX_BATCH` messages were forwarded; more may be queued.
    Full,
    /// The source's peer closed and its queue is drained.
    SourceClosed,
    /// The destination's peer closed.
    DestinationClosed,
    Failed(ForwardError),
}

/// Forwards up to `MAX_BATCH` messages; returns why it stopped.
fn forward_batch(direction: &Direction<'_>, buffers: &BounceBuffers, name: &str) -> Batch {
    fuchsia_trace::duration!("power", "proxy_manager:forward_batch", "name" => name);
    let mut bytes = buffers.bytes.borrow_mut();
    let mut handles = buffers.handles.borrow_mut();
    for _ in 0..MAX_BATCH {
        let forwarded = forward_message(
            direction.from,
            direction.to,
            direction.counter,
            Some(direction.stats),
            &mut bytes,
            &mut handles,
            name,
        );
        return match forwarded {
            Ok(Forwarded::Message { .. }) => continue,
            Ok(Forwarded::SourceEmpty) => Batch::Idle,
            Ok(Forwarded::SourceClosed) => Batch::SourceClosed,
            Ok(Forwarded::DestinationClosed) => Batch::DestinationClosed,
            Err(e) => Batch::Failed(e),
        };
    }
    Batch::Full
}

/// Waits until either channel is readable or sees its peer close.
async fn wait_for_either(a: &zx::Channel, b: &zx::Channel) -> Result<(), ForwardError> {
    let signals = zx::Signals::CHANNEL_READABLE | zx::Signals::CHANNEL_PEER_CLOSED;
    let a = pin!(fasync::OnSignals::new(a, signals));
    let b = pin!(fasync::OnSignals::new(b, signals));
    let (result, _) = futures::future::select(a, b).await.factor_first();
    result.map(drop).map_err(ForwardError::Wait)
}

/// Forwards everything `direction.from` still holds. Called once the peer of
/// `direction.from` is known to be gone.
async fn drain(
    direction: &Direction<'_>,
    buffers: &BounceBuffers,
    name: &str,
) -> Result<(), ForwardError> {
    loop {
        match forward_batch(direction, buffers, name) {
            Batch::Full => fasync::yield_now().await,
            // The peer's closure is not visible on this end yet; it will be.
            Batch::Idle => {
                fasync::OnSignals::new(
                    direction.from,
                    zx::Signals::CHANNEL_READABLE | zx::Signals::CHANNEL_PEER_CLOSED,
                )
                .await
                .map_err(ForwardError::Wait)?;
            }
            Batch::SourceClosed | Batch::DestinationClosed => return Ok(()),
            Batch::Failed(e) => return Err(e),
        }
    }
}

/// Delivers what is queued in both directions, at most `MAX_DRAIN_ON_STOP` messages each.
async fn deliver_queued(
    directions: [&Direction<'_>; 2],
    buffers: &BounceBuffers,
    name: &str,
) -> ProxyEnd {
    let mut delivered = [0; 2];
    loop {
        let mut more = false;
        for (direction, delivered) in directions.iter().zip(delivered.iter_mut()) {
            if *delivered >= MAX_DRAIN_ON_STOP {
                continue;
            }
            match forward_batch(direction, buffers, name) {
                Batch::Full => {
                    *delivered += MAX_BATCH;
                    more = true;
                }
                Batch::Idle | Batch::SourceClosed | Batch::DestinationClosed => {
                    *delivered = MAX_DRAIN_ON_STOP;
                }
                Batch::Failed(e) => return ProxyEnd::Failed(e),
            }
        }
        if !more {
            return ProxyEnd::Stopped;
        }
        fasync::yield_now().await;
    }
}

/// The channels of one proxy, viewed as its two directions.
struct Channels<'a> {
    incoming: Direction<'a>,
    outgoing: Direction<'a>,
    name: &'a str,
}

async fn forward_until_closed(
    channels: &Channels<'_>,
    buffers: &BounceBuffers,
    stop: &mut StopSignal,
) -> ProxyEnd {
    let Channels { incoming, outgoing, name } = channels;
    loop {
        let woken = {
            let wait = pin!(wait_for_either(incoming.from, outgoing.from).map(Some));
            futures::future::select(wait, pin!(stop.requested())).await.factor_first().0
        };
        match woken {
            Some(Err(e)) => return ProxyEnd::Failed(e),
            None => return deliver_queued([incoming, outgoing], buffers, name).await,
            Some(Ok(())) => {}
        }
        loop {
            let end = match (
                forward_batch(incoming, buffers, name),
                forward_batch(outgoing, buffers, name),
            ) {
                (Batch::Failed(e), _) | (_, Batch::Failed(e)) => ProxyEnd::Failed(e),
                // The remote is gone and everything it wrote reached the container.
                (Batch::SourceClosed, _) => ProxyEnd::RemoteClosed,
                // The container is gone and everything it wrote reached the remote.
                (_, Batch::SourceClosed) => ProxyEnd::ContainerClosed,
                // The container is gone: deliver what it wrote before it closed.
                (Batch::DestinationClosed, _) => match drain(outgoing, buffers, name).await {
                    Ok(()) => ProxyEnd::ContainerClosed,
                    Err(e) => ProxyEnd::Failed(e),
                },
                // The remote is gone: deliver what it wrote before it closed.
                (_, Batch::DestinationClosed) => match drain(incoming, buffers, name).await {
                    Ok(()) => ProxyEnd::RemoteClosed,
                    Err(e) => ProxyEnd::Failed(e),
                },
                (Batch::Full, _) | (_, Batch::Full) => {
                    fasync::yield_now().await;
                    continue;
                }
                (Batch::Idle, Batch::Idle) => break,
            };
            return end;
        }
    }
}

/// A request to stop a proxy, as its task sees it.
#[derive(Default)]
pub struct StopSignal(Option<oneshot::Receiver<()>>);

impl StopSignal {
    /// A signal that fires when `requester` sends, or is dropped.
    pub fn new() -> (oneshot::Sender<()>, StopSignal) {
        let (sender, receiver) = oneshot::channel();
        (sender, StopSignal(Some(receiver)))
    }

    /// Resolves once a stop is requested (or its requester is gone); never for a default
    /// signal.
    pub async fn wait(&mut self) {
        match self.0.as_mut() {
            Some(receiver) => {
                let _ = receiver.await;
                self.0 = None;
            }
            None => futures::future::pending().await,
        }
    }

    /// `wait`, shaped to race a wait for channel signals.
    async fn requested(&mut self) -> Option<Result<(), ForwardError>> {
        self.wait().await;
        None
    }
}

/// Called with a proxy's end, on the proxy thread, after its wake source is gone and before
/// its channels close: whoever sees a channel close then already sees the end recorded.
pub type OnProxyEnd = Box<dyn FnOnce(ProxyEnd) + Send>;

/// What a proxy is registered as, and how it reports.
pub struct ProxyRegistration {
    /// The registry holding the proxy's wake source.
    pub wake_sources: Arc<WakeSources>,
    /// The proxy's wake source, if registered: kept up to date while the proxy runs and
    /// removed when it ends.
    pub wake_source: Option<WakeSourceId>,
    pub stats: Arc<ProxyStats>,
    pub stop: StopSignal,
    pub on_end: Option<OnProxyEnd>,
}

impl Default for ProxyRegistration {
    /// Unregistered, with fresh statistics, no way to stop it and nobody told of its end.
    fn default() -> Self {
        ProxyRegistration {
            wake_sources: Arc::default(),
            wake_source: None,
            stats: Arc::default(),
            stop: StopSignal::default(),
            on_end: None,
        }
    }
}

/// Keeps the registry's view of the proxy's wake source current, and counts wakes.
async fn monitor_counter(
    counter: &zx::Counter,
    id: WakeSourceId,
    registration: &ProxyRegistration,
    name: &str,
) -> Infallible {
    let on_change = |active| {
        // Counted first, so that whoever sees the source active also sees the wake.
        if active {
            registration.stats.record_wake();
        }
        registration.wake_sources.set_active(id, active);
    };
    let what = format!("the counter of proxy {name}");
    wake_monitor::watch(counter.as_handle_ref(), zx::Signals::COUNTER_POSITIVE, on_change, &what)
        .await
}

/// Proxies `proxy` until either side closes, forwarding fails, or a stop is requested;
/// then removes its wake source, reports the end to `registration.on_end`, and closes both
/// channels (by dropping them).
pub async fn start_proxy(
    proxy: ChannelProxy,
    mut registration: ProxyRegistration,
    buffers: Rc<BounceBuffers>,
) -> ProxyEnd {
    let ChannelProxy { container_channel, remote_channel, message_counter, name } = proxy;
    let counter = Arc::new(message_counter);
    registration.stats.attach_counter(Arc::clone(&counter));
    let stats = Arc::clone(&registration.stats);
    let channels = Channels {
        incoming: Direction {
            from: &remote_channel,
            to: &container_channel,
            counter: Some(&counter),
            stats: &stats.incoming,
        },
        outgoing: Direction {
            from: &container_channel,
            to: &remote_channel,
            counter: None,
            stats: &stats.outgoing,
        },
        name: &name,
    };
    let mut stop = std::mem::take(&mut registration.stop);
    let on_end = registration.on_end.take();
    let forwarding = pin!(forward_until_closed(&channels, &buffers, &mut stop));
    let monitoring = pin!(async {
        match registration.wake_source {
            Some(id) => monitor_counter(&counter, id, &registration, &name).await,
            None => futures::future::pending().await,
        }
    });
    let end = match futures::future::select(forwarding, monitoring).await {
        Either::Left((end, _)) => end,
        Either::Right((never, _)) => match never {},
    };
    if let Some(id) = registration.wake_source {
        crate::linger::after_proxy_end(&registration.wake_sources, id, Arc::clone(&counter));
    }
    fuchsia_trace::instant!(
        "power",
        "proxy_manager:proxy_ended",
        fuchsia_trace::Scope::Process,
        "name" => name.as_str()
    );
    match &end {
        ProxyEnd::Failed(e) => warn!("proxy {name} failed: {e}"),
        other => log::debug!("proxy {name} ended: {other:?}"),
    }
    if let Some(on_end) = on_end {
        on_end(end.clone());
    }
    end
}

#[cfg(test)]
mod tests;
