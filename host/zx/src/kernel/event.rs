//! Events and event pairs: objects that carry only signals.

use super::object::{KernelObject, ObjectHeader};
use crate::identity::new_koid;
use crate::{Koid, Signals, Status};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, Weak};

/// An event: user-settable signals and EVENT_SIGNALED.
pub(crate) struct EventObject {
    pub(crate) header: ObjectHeader,
}

impl EventObject {
    pub(crate) fn create() -> Arc<EventObject> {
        Arc::new(EventObject { header: ObjectHeader::new(Signals::NONE) })
    }
}

/// One end of an event pair.
pub(crate) struct EventPairEndpoint {
    pub(crate) header: ObjectHeader,
    pub(crate) peer_koid: Koid,
    /// Set once, right after both ends exist.
    peer: OnceLock<Weak<EventPairEndpoint>>,
    /// Set (by the thread closing the last handle) when this end has no handles left.
    closed: AtomicBool,
}

impl EventPairEndpoint {
    pub(crate) fn create_pair() -> (Arc<EventPairEndpoint>, Arc<EventPairEndpoint>) {
        let (koid0, koid1) = (new_koid(), new_koid());
        let end = |koid, peer_koid| {
            Arc::new(EventPairEndpoint {
                header: ObjectHeader::with_koid(koid, Signals::NONE),
                peer_koid,
                peer: OnceLock::new(),
                closed: AtomicBool::new(false),
            })
        };
        let (a, b) = (end(koid0, koid1), end(koid1, koid0));
        let _ = a.peer.set(Arc::downgrade(&b));
        let _ = b.peer.set(Arc::downgrade(&a));
        (a, b)
    }

    pub(crate) fn with_peer(&self, f: impl FnOnce(&EventPairEndpoint)) -> Result<(), Status> {
        match self.peer.get().and_then(Weak::upgrade) {
            Some(peer) if !peer.closed.load(Ordering::Acquire) => {
                f(&peer);
                Ok(())
            }
            _ => Err(Status::PEER_CLOSED),
        }
    }

    pub(crate) fn on_zero_handles(&self) {
        self.closed.store(true, Ordering::Release);
        if let Some(peer) = self.peer.get().and_then(Weak::upgrade) {
            peer.header.signals.update(Signals::NONE, Signals::EVENTPAIR_PEER_CLOSED);
        }
    }
}

impl From<Arc<EventObject>> for KernelObject {
    fn from(event: Arc<EventObject>) -> KernelObject {
        KernelObject::Event(event)
    }
}

impl From<Arc<EventPairEndpoint>> for KernelObject {
    fn from(end: Arc<EventPairEndpoint>) -> KernelObject {
        KernelObject::EventPair(end)
    }
}
