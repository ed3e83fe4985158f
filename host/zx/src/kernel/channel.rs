//! Channel endpoints: message queues with peer-closed semantics, after
//! `zircon/kernel/object/channel_dispatcher.cc`.

use super::object::{KernelObject, ObjectHeader};
use super::table::Entry;
use crate::identity::new_koid;
use crate::{Signals, Status};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};
use std::task::Waker;

/// A message in flight: its bytes and the handles it carries (out of every handle table).
pub(crate) struct Message {
    pub(crate) bytes: Vec<u8>,
    pub(crate) handles: Vec<Entry>,
}

/// What a reader gets when the queue has no message it can take.
pub(crate) enum ReadError {
    Status(Status),
    TooSmall { bytes_avail: usize, handles_avail: usize },
}

/// Transaction ids from this value up are the kernel's (`kMinKernelGeneratedTxid`); only
/// those are matched against waiting calls.
pub(crate) const MIN_KERNEL_TXID: u32 = 0x8000_0000;

/// A thread blocked in `zx_channel_call` on this end (the kernel's `MessageWaiter`).
struct CallWaiter {
    txid: u32,
    waker: Waker,
    /// Set once: the reply, or why none will come (PEER_CLOSED, CANCELED).
    outcome: Option<Result<Message, Status>>,
}

struct EndpointState {
    /// Messages written by the peer, oldest first, waiting to be read from this end.
    queue: VecDeque<Message>,
    /// Set when the last handle to this end closes; no message is queued after that.
    closed: bool,
    /// Calls made on this end that wait for their reply.
    callers: Vec<CallWaiter>,
}

/// One end of a channel.
pub(crate) struct ChannelEndpoint {
    pub(crate) header: ObjectHeader,
    pub(crate) peer_koid: crate::Koid,
    /// Set once, right after both ends exist.
    peer: OnceLock<Weak<ChannelEndpoint>>,
    /// Locked by writers on the peer end (to enqueue or hand a reply to a caller), by readers
    /// and callers on this end, and by whichever thread closes either end; the signal lock of
    /// this end nests inside it so READABLE always matches the queue. Never held together
    /// with the peer's state lock.
    state: Mutex<EndpointState>,
}

impl ChannelEndpoint {
    /// Creates both ends, each WRITABLE, naming each other as related koid.
    pub(crate) fn create_pair() -> (Arc<ChannelEndpoint>, Arc<ChannelEndpoint>) {
        let (koid0, koid1) = (new_koid(), new_koid());
        let end = |koid, peer_koid| {
            Arc::new(ChannelEndpoint {
                header: ObjectHeader::with_koid(koid, Signals::CHANNEL_WRITABLE),
                peer_koid,
                peer: OnceLock::new(),
                state: Mutex::new(EndpointState {
                    queue: VecDeque::new(),
                    closed: false,
                    callers: Vec::new(),
                }),
            })
        };
        let (a, b) = (end(koid0, koid1), end(koid1, koid0));
        let _ = a.peer.set(Arc::downgrade(&b));
        let _ = b.peer.set(Arc::downgrade(&a));
        (a, b)
    }

    fn state(&self) -> MutexGuard<'_, EndpointState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn peer(&self) -> Option<Arc<ChannelEndpoint>> {
        self.peer.get().and_then(Weak::upgrade)
    }

    /// Runs `f` on the peer if it is still open; PEER_CLOSED otherwise.
    pub(crate) fn with_peer(&self, f: impl FnOnce(&ChannelEndpoint)) -> Result<(), Status> {
        match self.peer() {
            Some(peer) if !peer.state().closed => {
                f(&peer);
                Ok(())
            }
            _ => Err(Status::PEER_CLOSED),
        }
    }

    /// Sends `message` to the peer: to the peer's call waiting for its transaction id if there
    /// is one (`TryWriteToMessageWaiter`), else onto the peer's queue (`WriteSelf`). Returns
    /// the number of messages queued on the peer afterwards (0 when handed to a call). On
    /// failure the message is handed back so that the caller destroys it (closing its
    /// handles) outside every lock.
    pub(crate) fn write(&self, message: Message) -> Result<usize, (Status, Message)> {
        self.send(message, true)
    }

    fn send(&self, message: Message, to_waiter: bool) -> Result<usize, (Status, Message)> {
        let Some(peer) = self.peer() else { return Err((Status::PEER_CLOSED, message)) };
        let mut state = peer.state();
        if state.closed {
            return Err((Status::PEER_CLOSED, message));
        }
        let txid = txid_of(&message);
        if to_waiter
            && txid >= MIN_KERNEL_TXID
            && let Some(waiter) =
                state.callers.iter_mut().find(|w| w.txid == txid && w.outcome.is_none())
        {
            waiter.outcome = Some(Ok(message));
            waiter.waker.wake_by_ref();
            return Ok(0);
        }
        state.queue.push_back(message);
        if state.queue.len() == 1 {
            peer.header.signals.update(Signals::NONE, Signals::CHANNEL_READABLE);
        }
        Ok(state.queue.len())
    }

    /// Dequeues the oldest message if it fits in `max_bytes` / `max_handles`.
    pub(crate) fn read(&self, max_bytes: usize, max_handles: usize) -> Result<Message, ReadError> {
        let mut state = self.state();
        let Some(front) = state.queue.front() else {
            let status = if self.peer_closed() { Status::PEER_CLOSED } else { Status::SHOULD_WAIT };
            return Err(ReadError::Status(status));
        };
        if front.bytes.len() > max_bytes || front.handles.len() > max_handles {
            return Err(ReadError::TooSmall {
                bytes_avail: front.bytes.len(),
                handles_avail: front.handles.len(),
            });
        }
        let message = state.queue.pop_front().expect("the queue has a front");
        if state.queue.is_empty() {
            self.header.signals.update(Signals::CHANNEL_READABLE, Signals::NONE);
        }
        Ok(message)
    }

    /// Starts a call on this end (`ChannelDispatcher::Call`): stamps `message` with a fresh
    /// kernel transaction id, registers the caller, then queues the request on the peer
    /// (never handing it to a call waiting there). Returns the id and the number of messages
    /// queued on the peer; PEER_CLOSED (message handed back) if the peer is closed.
    pub(crate) fn begin_call(
        &self,
        mut message: Message,
        waker: &Waker,
    ) -> Result<(u32, usize), (Status, Message)> {
        let txid = {
            let mut state = self.state();
            let txid = loop {
                let txid = NEXT_CALL_TXID.fetch_add(1, Ordering::Relaxed) | MIN_KERNEL_TXID;
                if !state.callers.iter().any(|w| w.txid == txid) {
                    break txid;
                }
            };
            state.callers.push(CallWaiter { txid, waker: waker.clone(), outcome: None });
            txid
        };
        message.bytes[..4].copy_from_slice(&txid.to_le_bytes());
        match self.send(message, false) {
            Ok(queued) => Ok((txid, queued)),
            Err(failure) => {
                self.state().callers.retain(|w| w.txid != txid);
                Err(failure)
            }
        }
    }

    /// The outcome of call `txid` if it has one (the caller is then forgotten); otherwise
    /// stores `waker` to be woken when it has.
    pub(crate) fn poll_call(&self, txid: u32, waker: &Waker) -> Option<Result<Message, Status>> {
        let mut state = self.state();
        let index = state.callers.iter().position(|w| w.txid == txid)?;
        if state.callers[index].outcome.is_some() {
            return state.callers.swap_remove(index).outcome;
        }
        state.callers[index].waker.clone_from(waker);
        None
    }

    /// Forgets call `txid`, whose deadline passed: TIMED_OUT, unless an outcome arrived
    /// meanwhile (the kernel's `EndWait`).
    pub(crate) fn end_call(&self, txid: u32) -> Result<Message, Status> {
        let mut state = self.state();
        match state.callers.iter().position(|w| w.txid == txid) {
            Some(index) => {
                state.callers.swap_remove(index).outcome.unwrap_or(Err(Status::TIMED_OUT))
            }
            None => Err(Status::TIMED_OUT),
        }
    }

    /// Whether the peer has closed (PEER_CLOSED is asserted on this end).
    fn peer_closed(&self) -> bool {
        self.header.signals.get().contains(Signals::CHANNEL_PEER_CLOSED)
    }

    /// Gives every call waiting on this end the outcome `status` (`CancelMessageWaitersLocked`).
    fn cancel_calls(&self, status: Status) {
        for waiter in self.state().callers.iter_mut().filter(|w| w.outcome.is_none()) {
            waiter.outcome = Some(Err(status));
            waiter.waker.wake_by_ref();
        }
    }

    /// The last handle to this end closed: calls waiting on this end are CANCELED, unread
    /// messages are destroyed (closing the handles inside them), and the peer sees
    /// PEER_CLOSED, loses WRITABLE, and its waiting calls end with PEER_CLOSED.
    pub(crate) fn on_zero_handles(&self) {
        let unread = {
            let mut state = self.state();
            state.closed = true;
            std::mem::take(&mut state.queue)
        };
        self.cancel_calls(Status::CANCELED);
        if let Some(peer) = self.peer() {
            peer.header.signals.update(Signals::CHANNEL_WRITABLE, Signals::CHANNEL_PEER_CLOSED);
            peer.cancel_calls(Status::PEER_CLOSED);
        }
        destroy_messages(unread);
    }
}

/// The transaction id: the first four bytes, little-endian (0 for a shorter message).
fn txid_of(message: &Message) -> u32 {
    message.bytes.get(..4).map_or(0, |b| u32::from_le_bytes(b.try_into().expect("four bytes")))
}

/// Transaction ids for calls, before the kernel bit is set; any thread, relaxed (only
/// uniqueness among one end's waiting calls matters, and `begin_call` checks it).
static NEXT_CALL_TXID: AtomicU32 = AtomicU32::new(1);

impl From<Arc<ChannelEndpoint>> for KernelObject {
    fn from(end: Arc<ChannelEndpoint>) -> KernelObject {
        KernelObject::Channel(end)
    }
}

thread_local! {
    /// Messages waiting to be destroyed on this thread, while an outer destruction runs.
    /// `None` when no destruction is running. Only this thread touches it.
    static DOOMED: RefCell<Option<VecDeque<Message>>> = const { RefCell::new(None) };
}

/// Destroys messages and everything they transitively hold, iteratively: a channel end closed
/// by a destroyed message queues its own unread messages here instead of recursing, so a long
/// chain of channels inside channels cannot overflow the stack.
pub(crate) fn destroy_messages(messages: VecDeque<Message>) {
    if messages.is_empty() {
        return;
    }
    let outermost = DOOMED.with(|doomed| {
        let mut doomed = doomed.borrow_mut();
        match doomed.as_mut() {
            Some(queue) => {
                queue.extend(messages);
                None
            }
            None => {
                *doomed = Some(VecDeque::new());
                Some(messages)
            }
        }
    });
    let Some(mut batch) = outermost else { return };
    loop {
        // Dropping may re-enter `destroy_messages`, which appends to DOOMED; no borrow is held.
        drop(batch);
        batch = DOOMED.with(|doomed| {
            let mut doomed = doomed.borrow_mut();
            let queue = doomed.as_mut().expect("set by the outermost call");
            std::mem::take(queue)
        });
        if batch.is_empty() {
            DOOMED.with(|doomed| *doomed.borrow_mut() = None);
            return;
        }
    }
}
