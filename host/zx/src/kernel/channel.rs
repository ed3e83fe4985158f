//! Channel endpoints: message queues with peer-closed semantics.

use super::object::{KernelObject, ObjectHeader};
use super::table::Entry;
use crate::identity::new_koid;
use crate::{Signals, Status};
use std::cell::RefCell;
use std::collections::VecDeque;
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

struct EndpointState {
    /// Messages written by the peer, oldest first, waiting to be read from this end.
    queue: VecDeque<Message>,
    /// Set when the last handle to this end closes; no message is queued after that.
    closed: bool,
    /// Threads blocked in `zx_channel_call` on this end: the transaction id each awaits.
    callers: Vec<(u32, Waker)>,
}

/// One end of a channel.
pub(crate) struct ChannelEndpoint {
    pub(crate) header: ObjectHeader,
    pub(crate) peer_koid: crate::Koid,
    /// Set once, right after both ends exist.
    peer: OnceLock<Weak<ChannelEndpoint>>,
    /// Locked by writers on the peer end (to enqueue) and readers on this end (to dequeue);
    /// the signal lock of this end nests inside it so READABLE always matches the queue.
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

    /// Queues `message` on the peer. On failure the message is handed back so that the caller
    /// destroys it (closing its handles) outside every lock.
    pub(crate) fn write(&self, message: Message) -> Result<(), (Status, Message)> {
        let Some(peer) = self.peer() else { return Err((Status::PEER_CLOSED, message)) };
        let mut state = peer.state();
        if state.closed {
            return Err((Status::PEER_CLOSED, message));
        }
        if !state.callers.is_empty() {
            let txid = message.bytes.get(..4);
            for (_, waker) in
                state.callers.iter().filter(|(id, _)| txid == Some(&id.to_le_bytes()[..]))
            {
                waker.wake_by_ref();
            }
        }
        state.queue.push_back(message);
        if state.queue.len() == 1 {
            peer.header.signals.update(Signals::NONE, Signals::CHANNEL_READABLE);
        }
        Ok(())
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
        Ok(self.dequeue(&mut state, 0))
    }

    /// Dequeues the reply to call `txid` if it has arrived; otherwise registers `waker` to be
    /// woken when it arrives or the peer closes. PEER_CLOSED once no reply can come.
    pub(crate) fn take_reply(&self, txid: u32, waker: &Waker) -> Result<Option<Message>, Status> {
        let wanted = txid.to_le_bytes();
        let mut state = self.state();
        if let Some(index) = state.queue.iter().position(|m| m.bytes.get(..4) == Some(&wanted[..]))
        {
            state.callers.retain(|(id, _)| *id != txid);
            return Ok(Some(self.dequeue(&mut state, index)));
        }
        if self.peer_closed() {
            state.callers.retain(|(id, _)| *id != txid);
            return Err(Status::PEER_CLOSED);
        }
        match state.callers.iter_mut().find(|(id, _)| *id == txid) {
            Some((_, registered)) => registered.clone_from(waker),
            None => state.callers.push((txid, waker.clone())),
        }
        Ok(None)
    }

    /// Forgets a call that gave up waiting.
    pub(crate) fn cancel_call(&self, txid: u32) {
        self.state().callers.retain(|(id, _)| *id != txid);
    }

    /// Removes the queued message at `index`, clearing READABLE when the queue empties.
    fn dequeue(&self, state: &mut EndpointState, index: usize) -> Message {
        let message = state.queue.remove(index).expect("the index is in the queue");
        if state.queue.is_empty() {
            self.header.signals.update(Signals::CHANNEL_READABLE, Signals::NONE);
        }
        message
    }

    /// Whether the peer has closed (PEER_CLOSED is asserted on this end).
    fn peer_closed(&self) -> bool {
        self.header.signals.get().contains(Signals::CHANNEL_PEER_CLOSED)
    }

    /// The last handle to this end closed: unread messages are destroyed (closing the handles
    /// inside them) and the peer sees PEER_CLOSED and loses WRITABLE.
    pub(crate) fn on_zero_handles(&self) {
        let unread = {
            let mut state = self.state();
            state.closed = true;
            std::mem::take(&mut state.queue)
        };
        if let Some(peer) = self.peer() {
            peer.header.signals.update(Signals::CHANNEL_WRITABLE, Signals::CHANNEL_PEER_CLOSED);
            peer.state().callers.iter().for_each(|(_, waker)| waker.wake_by_ref());
        }
        destroy_messages(unread);
    }
}

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
