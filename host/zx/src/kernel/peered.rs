//! Peered objects whose two ends share one lock: sockets and FIFOs.
//!
//! Follows the kernel's `PeeredDispatcher` / `PeerHolder` (`zircon/kernel/object/include/
//! object/dispatcher.h`): both ends of a socket or FIFO are guarded by one lock held in a
//! holder they share, so an operation on one end sees and updates the other end's state and
//! signals atomically. When the last handle to an end closes, that end leaves the pair: the
//! other end's `peer()` becomes null, which each object type turns into PEER_CLOSED
//! (`OnPeerZeroHandlesLocked`).

use super::object::ObjectHeader;
use super::signal_state::SignalState;
use crate::identity::new_koid;
use crate::{Koid, Signals};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};

/// The per-end state of a peered object type: what one end holds (its receive buffer).
pub(crate) trait EndState: Send + 'static {
    /// Called under the pair lock when the last handle to this end closes; frees what the
    /// end holds, since nobody can read it any more.
    fn release(&mut self);
}

/// The state of both ends, guarded by the pair's one lock.
struct PairState<S> {
    ends: [S; 2],
    /// `closed[i]`: end `i` has no handles left (its peer's `peer()` is null).
    closed: [bool; 2],
}

/// One end of the pair as seen under the pair lock: its state and its signals.
pub(crate) struct Side<'a, S> {
    pub(crate) state: &'a mut S,
    pub(crate) signals: &'a SignalState,
}

/// One end of a socket or FIFO.
pub(crate) struct PeeredEndpoint<S> {
    pub(crate) header: ObjectHeader,
    pub(crate) peer_koid: Koid,
    /// 0 or 1: this end's index in the shared state.
    side: usize,
    /// Shared by both ends. Locked by any thread operating on either end (reads, writes,
    /// info, dispositions) and by the thread closing either end's last handle; the signal
    /// locks of both ends nest inside it, so signals always match the buffers.
    shared: Arc<Mutex<PairState<S>>>,
    /// Set once, right after both ends exist.
    peer: OnceLock<Weak<PeeredEndpoint<S>>>,
}

impl<S: EndState> PeeredEndpoint<S> {
    /// Creates both ends with their initial states, each asserting `initial` signals.
    pub(crate) fn create_pair(
        states: [S; 2],
        initial: Signals,
    ) -> (Arc<PeeredEndpoint<S>>, Arc<PeeredEndpoint<S>>) {
        let shared = Arc::new(Mutex::new(PairState { ends: states, closed: [false; 2] }));
        let (koid0, koid1) = (new_koid(), new_koid());
        let end = |side, koid, peer_koid| {
            Arc::new(PeeredEndpoint {
                header: ObjectHeader::with_koid(koid, initial),
                peer_koid,
                side,
                shared: shared.clone(),
                peer: OnceLock::new(),
            })
        };
        let (a, b) = (end(0, koid0, koid1), end(1, koid1, koid0));
        let _ = a.peer.set(Arc::downgrade(&b));
        let _ = b.peer.set(Arc::downgrade(&a));
        (a, b)
    }

    fn lock_pair(&self) -> MutexGuard<'_, PairState<S>> {
        // Every update under this lock leaves buffers and signals consistent before any call
        // that could panic, so a poisoned lock is still usable.
        self.shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` under the pair lock with this end and, unless it has closed, the peer.
    pub(crate) fn with_pair<R>(&self, f: impl FnOnce(Side<'_, S>, Option<Side<'_, S>>) -> R) -> R {
        let peer_object = self.peer.get().and_then(Weak::upgrade);
        let mut guard = self.lock_pair();
        let PairState { ends, closed } = &mut *guard;
        let peer_open = !closed[1 - self.side];
        let [end0, end1] = ends;
        let (mine, theirs) = if self.side == 0 { (end0, end1) } else { (end1, end0) };
        let this = Side { state: mine, signals: &self.header.signals };
        let peer = match (&peer_object, peer_open) {
            (Some(peer), true) => Some(Side { state: theirs, signals: &peer.header.signals }),
            _ => None,
        };
        f(this, peer)
    }

    /// The last handle to this end has closed: it leaves the pair, and the peer sees
    /// PEER_CLOSED and loses WRITABLE (`OnPeerZeroHandlesLocked` of sockets and FIFOs).
    pub(crate) fn on_zero_handles(&self) {
        let peer_object = self.peer.get().and_then(Weak::upgrade);
        let mut guard = self.lock_pair();
        guard.closed[self.side] = true;
        guard.ends[self.side].release();
        if let Some(peer) = peer_object
            && !guard.closed[1 - self.side]
        {
            peer.header.signals.update(Signals::OBJECT_WRITABLE, Signals::OBJECT_PEER_CLOSED);
        }
    }
}
