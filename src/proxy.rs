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

use crate::wake_sources::WakeSources;
use fuchsia_async as fasync;
use futures::FutureExt;
use log::{error, warn};
use std::cell::RefCell;
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

const MAX_MSG_BYTES: usize = zx::sys::ZX_CHANNEL_MAX_MSG_BYTES as usize;
const MAX_MSG_HANDLES: usize = zx::sys::ZX_CHANNEL_MAX_MSG_HANDLES as usize;

/// The buffers every proxy on one thread shares to move one message at a time.
///
/// Owned by the proxy thread (hence `Rc`); borrowed only inside `forward_message`, never
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
/// dropping it would be worse than a wrong count.
pub fn forward_message(
    read_channel: &zx::Channel,
    write_channel: &zx::Channel,
    message_counter: Option<&zx::Counter>,
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

fn forward_batch(direction: &Direction<'_>, buffers: &BounceBuffers, name: &str) -> Batch {
    let mut bytes = buffers.bytes.borrow_mut();
    let mut handles = buffers.handles.borrow_mut();
    for _ in 0..MAX_BATCH {
        let forwarded = forward_message(
            direction.from,
            direction.to,
            direction.counter,
            &mut bytes,
            &mut handles,
            name,
        );
        match forwarded {
            Ok(Forwarded::Message { .. }) => {}
            Ok(Forwarded::SourceEmpty) => return Batch::Idle,
            Ok(Forwarded::SourceClosed) => return Batch::SourceClosed,
            Ok(Forwarded::DestinationClosed) => return Batch::DestinationClosed,
            Err(e) => return Batch::Failed(e),
        }
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

/// Forwards everything `direction.from` still holds, then reports how the proxy ends.
/// Called once the peer of `direction.from` is known to be gone.
async fn drain(
    direction: Direction<'_>,
    buffers: &BounceBuffers,
    name: &str,
) -> Result<(), ForwardError> {
    loop {
        match forward_batch(&direction, buffers, name) {
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

async fn forward_until_closed(proxy: &ChannelProxy, buffers: &BounceBuffers) -> ProxyEnd {
    let name = proxy.name.as_str();
    let incoming = Direction {
        from: &proxy.remote_channel,
        to: &proxy.container_channel,
        counter: Some(&proxy.message_counter),
    };
    let outgoing =
        Direction { from: &proxy.container_channel, to: &proxy.remote_channel, counter: None };
    loop {
        if let Err(e) = wait_for_either(&proxy.container_channel, &proxy.remote_channel).await {
            return ProxyEnd::Failed(e);
        }
        loop {
            let end = match (
                forward_batch(&incoming, buffers, name),
                forward_batch(&outgoing, buffers, name),
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

/// Proxies `proxy` until either side closes or forwarding fails, then removes its counter
/// from `wake_sources` and closes both channels (by dropping them).
pub async fn start_proxy(
    proxy: ChannelProxy,
    wake_sources: Arc<WakeSources>,
    buffers: Rc<BounceBuffers>,
) -> ProxyEnd {
    let end = forward_until_closed(&proxy, &buffers).await;
    match proxy.message_counter.koid() {
        Ok(koid) => {
            wake_sources.remove(&koid);
        }
        Err(status) => {
            warn!("proxy {}: counter has no koid ({status}), nothing to unregister", proxy.name)
        }
    }
    match &end {
        ProxyEnd::Failed(e) => warn!("proxy {} failed: {e}", proxy.name),
        ProxyEnd::ContainerClosed | ProxyEnd::RemoteClosed => {
            log::debug!("proxy {} ended: {end:?}", proxy.name)
        }
    }
    end
}

/// Starts the thread that runs every proxy on one single-threaded executor, sharing one set
/// of bounce buffers. Proxies arrive on `new_proxies`; when every sender is dropped the
/// thread stops taking new ones, lets the running ones finish, and exits.
pub fn run_proxy_thread(
    new_proxies: async_channel::Receiver<(ChannelProxy, Arc<WakeSources>)>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new().name("proxy_thread".to_string()).spawn(move || {
        let mut executor = fasync::LocalExecutor::default();
        executor.run_singlethreaded(async move {
            let tasks = fasync::Scope::new_with_name("proxies");
            let buffers = Rc::new(BounceBuffers::new());
            while let Ok((proxy, wake_sources)) = new_proxies.recv().await {
                tasks.spawn_local(start_proxy(proxy, wake_sources, Rc::clone(&buffers)).map(drop));
            }
            tasks.join().await;
        })
    })
}

#[cfg(test)]
mod tests;
