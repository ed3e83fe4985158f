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
//!   The stop is looked at before every batch, so a peer that keeps writing cannot hold it
//!   off, and at most `MAX_DRAIN_ON_STOP` messages per direction are delivered after it.
//! - Backpressure toward the container: while the counter is at the registration's
//!   `max_unhandled_messages`, nothing is read from the remote, so the container's channel
//!   never holds more than that many messages from the proxy.
//!
//! Cost (measured by benches/engine_cost.rs): each channel is watched by one long-lived
//! wait registration (`fasync::RWHandle`), re-armed only after a read of that side found it
//! empty, so a message costs its read, counter add and write plus a share of one wait per
//! wake-up; the forwarding path allocates nothing.

use crate::method_stats::MessageKind;
use crate::proxy_stats::{DirectionRecorder, ProxyStats};
use crate::wake_monitor;
use crate::wake_sources::{WakeSourceId, WakeSources};
use fasync::ReadableHandle as _;
use fuchsia_async as fasync;
use futures::FutureExt;
use futures::channel::oneshot;
use futures::future::Either;
use log::{error, warn};
use std::cell::{Cell, RefCell};
use std::convert::Infallible;
use std::future::{Future, poll_fn};
use std::mem::MaybeUninit;
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll};

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
    /// A message of `bytes` bytes and `handles` handles was delivered; its header says it
    /// is a `kind`.
    Message { bytes: usize, handles: usize, kind: MessageKind },
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
/// same way (by its FIDL method ordinal too): before the write, taken back if the write
/// fails.
pub fn forward_message(
    read_channel: &zx::Channel,
    write_channel: &zx::Channel,
    message_counter: Option<&zx::Counter>,
    stats: Option<DirectionRecorder<'_>>,
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
    let kind = MessageKind::of(bytes);
    if let Some(stats) = stats {
        stats.record(kind, n_bytes, n_handles);
    }

    let counted = message_counter.filter(|counter| match counter.add(1) {
        Ok(()) => true,
        Err(status) => {
            error!("proxy {name}: cannot count a message entering the container: {status}");
            false
        }
    });

    match write_channel.write(bytes, handles) {
        Ok(()) => Ok(Forwarded::Message { bytes: n_bytes, handles: n_handles, kind }),
        Err(status) => {
            if let Some(counter) = counted
                && let Err(undo) = counter.add(-1)
            {
                error!("proxy {name}: cannot undo the count of an undelivered message: {undo}");
            }
            if let Some(stats) = stats {
                stats.unrecord(kind, n_bytes, n_handles);
            }
            match status {
                zx::Status::PEER_CLOSED => Ok(Forwarded::DestinationClosed),
                status => Err(ForwardError::Write(status)),
            }
        }
    }
}

/// One direction of a proxy: messages read from `from` (watched through one long-lived
/// wait registration) are written to `to`.
struct Direction<'a> {
    from: fasync::RWHandle<&'a zx::Channel>,
    to: &'a zx::Channel,
    /// Toward the container only: the counter of unhandled messages.
    counter: Option<&'a zx::Counter>,
    /// Toward the container only: told of each message forwarded.
    attribution: Option<&'a WakeAttribution>,
    stats: DirectionRecorder<'a>,
}

/// What a batch of forwarding left behind.
enum Batch {
    /// The source is empty (the read said SHOULD_WAIT) and its peer open.
    Idle,
    /// The batch's budget was used up; more may be queued.
    Full,
    /// The source's peer closed and its queue is drained.
    SourceClosed,
    /// The destination's peer closed.
    DestinationClosed,
    Failed(ForwardError),
}

/// Forwards up to `budget` messages; returns why it stopped. Makes no wait call: the
/// caller arms the source's wait only after an `Idle` batch.
fn forward_batch(
    direction: &Direction<'_>,
    budget: usize,
    buffers: &BounceBuffers,
    name: &str,
) -> (Batch, usize) {
    fuchsia_trace::duration!("power", "proxy_manager:forward_batch", "name" => name);
    let mut bytes = buffers.bytes.borrow_mut();
    let mut handles = buffers.handles.borrow_mut();
    for forwarded in 0..budget {
        let outcome = forward_message(
            direction.from.get_ref(),
            direction.to,
            direction.counter,
            Some(direction.stats),
            &mut bytes,
            &mut handles,
            name,
        );
        let batch = match outcome {
            Ok(Forwarded::Message { kind, .. }) => {
                if let Some(attribution) = direction.attribution {
                    attribution.forwarded(kind);
                }
                continue;
            }
            Ok(Forwarded::SourceEmpty) => Batch::Idle,
            Ok(Forwarded::SourceClosed) => Batch::SourceClosed,
            Ok(Forwarded::DestinationClosed) => Batch::DestinationClosed,
            Err(e) => Batch::Failed(e),
        };
        return (batch, forwarded);
    }
    (Batch::Full, budget)
}

/// Backpressure toward the container: how many more messages it may be sent before its
/// counter of unhandled messages reaches the limit.
///
/// The count is a lower bound of the real room: the proxy subtracts what it forwards, and
/// only the container's decrements (which it does not see) add room. So the counter is read
/// only when the bound reaches zero, and a proxy at the limit waits for
/// COUNTER_NON_POSITIVE (the container has handled everything), since Zircon signals no
/// other counter threshold. Owned by the proxy's task.
struct Room {
    /// The configured limit of unhandled messages, at least 1.
    limit: i64,
    /// Messages that may still be sent before the counter is read again.
    known: i64,
}

impl Room {
    fn new(limit: i64) -> Room {
        let limit = limit.max(1);
        Room { limit, known: 0 }
    }

    /// Re-reads `counter` once the known room is used up; the room now known. A counter that
    /// cannot be read applies no backpressure (forwarding matters more than the bound).
    fn refresh(&mut self, counter: &zx::Counter) -> i64 {
        if self.known <= 0 {
            self.known = match counter.read() {
                Ok(value) => self.limit - value.max(0),
                Err(_) => self.limit,
            };
        }
        self.known
    }
}

/// A proxy's forwarding state between two polls of its task.
struct Forwarding<'a> {
    incoming: Direction<'a>,
    outgoing: Direction<'a>,
    room: Room,
    /// While the container is at the limit: the wait for its counter to be non-positive.
    held_back: Option<fasync::OnSignalsRef<'a>>,
    stats: &'a ProxyStats,
    name: &'a str,
}

/// `Pending`; if a turn `progressed` (more may be queued without a wake to come), the task
/// is scheduled again at once, behind the others on its thread.
fn yield_if<T>(progressed: bool, cx: &mut Context<'_>) -> Poll<T> {
    if progressed {
        cx.waker().wake_by_ref();
    }
    Poll::Pending
}

/// Why forwarding stopped.
enum Turn {
    /// A stop was requested; nothing was forwarded after it was seen.
    Stop,
    /// The proxy ends.
    End(ProxyEnd),
    /// One peer is gone: what the other direction's source still holds is to be delivered
    /// (`incoming` says which direction), then the proxy ends with `then`.
    Drain { incoming: bool, then: ProxyEnd },
}

impl Forwarding<'_> {
    /// The room toward the container now, waiting (registering `cx`) while there is none.
    fn poll_room(&mut self, cx: &mut Context<'_>) -> Poll<i64> {
        let Some(counter) = self.incoming.counter else { return Poll::Ready(i64::MAX) };
        loop {
            if let Some(wait) = self.held_back.as_mut() {
                match wait.poll_unpin(cx) {
                    Poll::Pending => return Poll::Pending,
                    // Handled everything (or the counter is gone: the next read says so).
                    Poll::Ready(_) => {
                        self.held_back = None;
                        self.stats.set_held_back(false);
                        self.room.known = 0;
                    }
                }
            }
            let room = self.room.refresh(counter);
            if room > 0 {
                return Poll::Ready(room);
            }
            self.stats.set_held_back(true);
            self.held_back = Some(fasync::OnSignals::new(
                counter.as_handle_ref(),
                zx::Signals::COUNTER_NON_POSITIVE,
            ));
        }
    }

    /// One direction's share of a turn: forwards a batch if the source may be readable and
    /// arms its wait once it is empty. `Ready` if the proxy ends; `progressed` is set if
    /// more work may be waiting without a wake.
    fn turn_direction(
        &mut self,
        incoming: bool,
        cx: &mut Context<'_>,
        buffers: &BounceBuffers,
        progressed: &mut bool,
    ) -> Option<Batch> {
        let budget = if incoming {
            match self.poll_room(cx) {
                Poll::Pending => return None,
                Poll::Ready(room) => usize::try_from(room).unwrap_or(usize::MAX).min(MAX_BATCH),
            }
        } else {
            MAX_BATCH
        };
        let direction = if incoming { &self.incoming } else { &self.outgoing };
        match direction.from.poll_readable(cx) {
            Poll::Pending => return None,
            Poll::Ready(Err(status)) => return Some(Batch::Failed(ForwardError::Wait(status))),
            Poll::Ready(Ok(_)) => {}
        }
        let (batch, forwarded) = forward_batch(direction, budget, buffers, self.name);
        if incoming {
            self.room.known -= forwarded as i64;
        }
        match batch {
            Batch::Idle => match direction.from.need_readable(cx) {
                Poll::Pending => None,
                Poll::Ready(Ok(())) => {
                    *progressed = true;
                    None
                }
                Poll::Ready(Err(status)) => Some(Batch::Failed(ForwardError::Wait(status))),
            },
            Batch::Full => {
                *progressed = true;
                None
            }
            ended => Some(ended),
        }
    }

    /// Forwards until a stop is requested or the proxy ends. Each poll forwards at most
    /// `MAX_BATCH` messages per direction and then yields if more may be queued, so a busy
    /// proxy cannot starve the others; the stop request is looked at before every batch, so
    /// a peer that keeps writing cannot hold it off.
    ///
    /// (Plain functions returning `poll_fn` futures, here and in `drain`, so that their
    /// arguments are stored once in the proxy's future.)
    fn run<'b>(
        &'b mut self,
        buffers: &'b BounceBuffers,
        stop: &'b mut StopSignal,
    ) -> impl Future<Output = Turn> + 'b {
        poll_fn(move |cx| {
            if stop.poll_requested(cx).is_ready() {
                return Poll::Ready(Turn::Stop);
            }
            let mut progressed = false;
            let incoming = self.turn_direction(true, cx, buffers, &mut progressed);
            let outgoing = match &incoming {
                Some(_) => None,
                None => self.turn_direction(false, cx, buffers, &mut progressed),
            };
            let end = match (incoming, outgoing) {
                (Some(Batch::Failed(e)), _) | (_, Some(Batch::Failed(e))) => ProxyEnd::Failed(e),
                // The remote is gone and everything it wrote reached the container.
                (Some(Batch::SourceClosed), _) => ProxyEnd::RemoteClosed,
                // The container is gone and everything it wrote reached the remote.
                (_, Some(Batch::SourceClosed)) => ProxyEnd::ContainerClosed,
                // The container is gone: deliver what it wrote before it closed.
                (Some(Batch::DestinationClosed), _) => {
                    return Poll::Ready(Turn::Drain {
                        incoming: false,
                        then: ProxyEnd::ContainerClosed,
                    });
                }
                // The remote is gone: deliver what it wrote before it closed.
                (_, Some(Batch::DestinationClosed)) => {
                    return Poll::Ready(Turn::Drain {
                        incoming: true,
                        then: ProxyEnd::RemoteClosed,
                    });
                }
                _ => return yield_if(progressed, cx),
            };
            Poll::Ready(Turn::End(end))
        })
    }

    /// Forwards everything one direction's source still holds, its destination's peer being
    /// gone or going. Ends at the source's end; a stop request ends it early.
    fn drain<'b>(
        &'b mut self,
        incoming: bool,
        then: ProxyEnd,
        buffers: &'b BounceBuffers,
        stop: &'b mut StopSignal,
    ) -> impl Future<Output = Turn> + 'b {
        poll_fn(move |cx| {
            if stop.poll_requested(cx).is_ready() {
                return Poll::Ready(Turn::Stop);
            }
            let mut progressed = false;
            match self.turn_direction(incoming, cx, buffers, &mut progressed) {
                Some(Batch::Failed(e)) => Poll::Ready(Turn::End(ProxyEnd::Failed(e))),
                Some(_) => Poll::Ready(Turn::End(then.clone())),
                None => yield_if(progressed, cx),
            }
        })
    }

    /// Delivers what is queued in both directions without waiting: at most
    /// `MAX_DRAIN_ON_STOP` messages per direction, and toward the container no more than
    /// its room under the backpressure limit, so that a peer that keeps writing cannot hold
    /// the stop open and the container's channel cannot be overfilled. What is left is
    /// closed with the channels.
    async fn deliver_queued(&mut self, buffers: &BounceBuffers) -> ProxyEnd {
        let incoming_room = match self.incoming.counter {
            Some(counter) => {
                self.room.known = 0;
                usize::try_from(self.room.refresh(counter)).unwrap_or(0)
            }
            None => usize::MAX,
        };
        let mut left = [MAX_DRAIN_ON_STOP.min(incoming_room), MAX_DRAIN_ON_STOP];
        loop {
            let mut more = false;
            for (direction, left) in [&self.incoming, &self.outgoing].into_iter().zip(&mut left) {
                if *left == 0 {
                    continue;
                }
                let (batch, forwarded) =
                    forward_batch(direction, (*left).min(MAX_BATCH), buffers, self.name);
                *left -= forwarded;
                match batch {
                    Batch::Full => more |= *left > 0,
                    Batch::Idle | Batch::SourceClosed | Batch::DestinationClosed => *left = 0,
                    Batch::Failed(e) => return ProxyEnd::Failed(e),
                }
            }
            if !more {
                return ProxyEnd::Stopped;
            }
            fasync::yield_now().await;
        }
    }
}

/// Forwards until either side closes, forwarding fails, or a stop is requested.
async fn forward_until_closed(
    forwarding: &mut Forwarding<'_>,
    buffers: &BounceBuffers,
    stop: &mut StopSignal,
) -> ProxyEnd {
    let mut turn = forwarding.run(buffers, stop).await;
    loop {
        turn = match turn {
            Turn::Stop => return forwarding.deliver_queued(buffers).await,
            Turn::End(end) => return end,
            Turn::Drain { incoming, then } => forwarding.drain(incoming, then, buffers, stop).await,
        };
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
        poll_fn(|cx| self.poll_requested(cx)).await
    }

    /// `Ready` once a stop is requested (or its requester is gone); otherwise registers
    /// `cx`. Never ready for a default signal.
    fn poll_requested(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let Some(receiver) = self.0.as_mut() else { return Poll::Pending };
        match receiver.poll_unpin(cx) {
            Poll::Ready(_) => {
                self.0 = None;
                Poll::Ready(())
            }
            Poll::Pending => Poll::Pending,
        }
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
    /// Whether the wake source was already active when it was registered: it took over a
    /// lingering source's activation (`WakeSources::register`). Its monitor starts from that.
    pub starts_active: bool,
    pub stats: Arc<ProxyStats>,
    pub stop: StopSignal,
    pub on_end: Option<OnProxyEnd>,
    /// Backpressure toward the container: the proxy stops reading from the remote while the
    /// counter of unhandled messages is at this value, and resumes once the container has
    /// handled them (counter non-positive). Below Zircon's 3,500 queued messages per
    /// channel end, so the proxy never overfills the container's channel.
    pub max_unhandled_messages: i64,
}

/// The backpressure limit of a proxy whose registration does not set one
/// (`max_unhandled_messages` in the component's structured configuration).
pub const DEFAULT_MAX_UNHANDLED_MESSAGES: i64 = 1024;

impl Default for ProxyRegistration {
    /// Unregistered, with fresh statistics, no way to stop it and nobody told of its end.
    fn default() -> Self {
        ProxyRegistration {
            wake_sources: Arc::default(),
            wake_source: None,
            starts_active: false,
            stats: Arc::default(),
            stop: StopSignal::default(),
            on_end: None,
            max_unhandled_messages: DEFAULT_MAX_UNHANDLED_MESSAGES,
        }
    }
}

/// Names a proxy's counter in logs, formatted only if a log needs it.
struct CounterOf<'a>(&'a str);

impl std::fmt::Display for CounterOf<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the counter of proxy {}", self.0)
    }
}

/// Which message entering the container made the proxy's counter go positive.
///
/// Owned by the proxy's task on the proxy thread: the forwarding path tells it of each
/// message forwarded into the container, and the wake monitor (in the same task, never
/// running at the same time) asks it for the cause of each activation. No kernel call:
/// it keeps the monitor's last report and two message kinds.
///
/// Exact: only the proxy increments the counter, so when the monitor last saw the source
/// inactive (counter non-positive), the first message forwarded after that is the one
/// that made it positive, provided the container did not take the counter below zero.
/// Approximate: if the counter went to zero and positive again between two turns of the
/// monitor, the monitor reports a deactivation and an activation that no message forwarded
/// "while inactive" explains; the activation is then attributed to the last message
/// forwarded, which may be a later message of the same burst. A counter taken negative by
/// the container attributes the activation to the first message, not the one that crossed
/// zero. The activations attributed add up to the proxy's `wakes`, except those seen before
/// any message was forwarded (a counter handed over already positive).
#[derive(Debug, Default)]
struct WakeAttribution {
    /// Whether the monitor last reported the source active.
    seen_active: Cell<bool>,
    /// The first message forwarded into the container since the monitor last reported the
    /// source inactive.
    first_since_inactive: Cell<Option<MessageKind>>,
    /// The last message forwarded into the container.
    last: Cell<Option<MessageKind>>,
}

impl WakeAttribution {
    /// A message of `kind` was forwarded into the container (and counted).
    fn forwarded(&self, kind: MessageKind) {
        if !self.seen_active.get() && self.first_since_inactive.get().is_none() {
            self.first_since_inactive.set(Some(kind));
        }
        self.last.set(Some(kind));
    }

    /// The monitor saw the source become active: the message that caused it, if known.
    fn activated(&self) -> Option<MessageKind> {
        self.seen_active.set(true);
        self.first_since_inactive.take().or(self.last.get())
    }

    /// The source starts active, having taken over a lingering source's activation, which
    /// no message of this proxy caused.
    fn took_over(&self) {
        self.seen_active.set(true);
        self.first_since_inactive.set(None);
    }

    /// The monitor saw the source become inactive.
    fn deactivated(&self) {
        self.seen_active.set(false);
        self.first_since_inactive.set(None);
    }
}

/// Keeps the registry's view of the proxy's wake source current, counts wakes and
/// attributes each to the message that caused it (per method ordinal, and as a trace
/// instant event).
///
/// A plain function returning the monitor's future (not an `async fn`), so that its
/// arguments are not stored a second time in every proxy's future.
fn monitor_counter<'a>(
    counter: &'a zx::Counter,
    id: WakeSourceId,
    registration: &'a ProxyRegistration,
    attribution: &'a WakeAttribution,
    name: &'a str,
) -> impl Future<Output = Infallible> + 'a {
    let on_change = move |active| {
        let cause = if active {
            let cause = attribution.activated();
            // Counted first, so that whoever sees the source active also sees the wake.
            registration.stats.record_wake();
            if let Some(kind) = cause {
                registration.stats.methods.record_activation(kind);
            }
            cause
        } else {
            attribution.deactivated();
            None
        };
        // The container's pending messages as a counter track, sampled at each change (one
        // counter read per activation or deactivation, and only while `power` is traced),
        // before the registry tells anyone of the change.
        fuchsia_trace::counter!(
            "power",
            "proxy_manager:pending_messages",
            id,
            "pending" => counter.read().unwrap_or_default().max(0)
        );
        // Begins or ends the activation's trace span, so that the waking message's instant
        // falls inside it.
        let ordinal = cause.and_then(MessageKind::ordinal);
        registration.wake_sources.set_active_with_ordinal(id, active, ordinal);
        if let Some(kind) = cause {
            trace_waking_message(name, kind);
        }
    };
    // A source that took over a lingering one (`WakeSources::register`) is active from the
    // takeover: that is its first activation, a wake with no message of this proxy behind it.
    let reported_active = registration.starts_active;
    if reported_active {
        attribution.took_over();
        registration.stats.record_wake();
    }
    let what = CounterOf(name);
    let signals = zx::Signals::COUNTER_POSITIVE;
    wake_monitor::watch(counter.as_handle_ref(), signals, reported_active, on_change, what)
}

/// Records the message that woke the container as an instant event in category `power`:
/// the proxy's name and the message's ordinal (absent for a non-FIDL message).
fn trace_waking_message(name: &str, kind: MessageKind) {
    match kind.ordinal() {
        Some(ordinal) => fuchsia_trace::instant!(
            "power",
            "proxy_manager:waking_message",
            fuchsia_trace::Scope::Process,
            "name" => name,
            "ordinal" => ordinal
        ),
        None => fuchsia_trace::instant!(
            "power",
            "proxy_manager:waking_message",
            fuchsia_trace::Scope::Process,
            "name" => name
        ),
    }
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
    let mut stop = std::mem::take(&mut registration.stop);
    let on_end = registration.on_end.take();
    let stats = &*registration.stats;
    let attribution = WakeAttribution::default();
    let mut forwarding = Forwarding {
        incoming: Direction {
            from: fasync::RWHandle::new(&remote_channel),
            to: &container_channel,
            counter: Some(&counter),
            attribution: Some(&attribution),
            stats: stats.recorder(true),
        },
        outgoing: Direction {
            from: fasync::RWHandle::new(&container_channel),
            to: &remote_channel,
            counter: None,
            attribution: None,
            stats: stats.recorder(false),
        },
        room: Room::new(registration.max_unhandled_messages),
        held_back: None,
        stats,
        name: &name,
    };
    let forwarding = pin!(forward_until_closed(&mut forwarding, &buffers, &mut stop));
    let monitoring = pin!(async {
        match registration.wake_source {
            Some(id) => monitor_counter(&counter, id, &registration, &attribution, &name).await,
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
