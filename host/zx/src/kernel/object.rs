//! `KernelObject`: a reference to any emulated kernel object, and the header they all share.

use super::channel::ChannelEndpoint;
use super::counter::CounterObject;
use super::event::{EventObject, EventPairEndpoint};
use super::fifo::FifoEndpoint;
use super::peered::{EndState, PeeredEndpoint};
use super::signal_state::SignalState;
use super::socket::SocketEndpoint;
use super::thread::ThreadObject;
use super::vmo::VmoObject;
use crate::identity::new_koid;
use crate::{Koid, ObjectType, Signals, Status};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What every object has: identity, signals, and the count of handles that refer to it
/// (in handle tables and inside queued channel messages).
pub(crate) struct ObjectHeader {
    pub(crate) koid: Koid,
    pub(crate) signals: SignalState,
    /// Touched by whichever thread creates or closes a handle to the object.
    handle_count: AtomicUsize,
}

impl ObjectHeader {
    pub(crate) fn new(initial: Signals) -> ObjectHeader {
        Self::with_koid(new_koid(), initial)
    }

    pub(crate) fn with_koid(koid: Koid, initial: Signals) -> ObjectHeader {
        ObjectHeader { koid, signals: SignalState::new(initial), handle_count: AtomicUsize::new(0) }
    }
}

/// A counted reference to a kernel object of any type.
#[derive(Clone)]
pub(crate) enum KernelObject {
    Channel(Arc<ChannelEndpoint>),
    Event(Arc<EventObject>),
    EventPair(Arc<EventPairEndpoint>),
    Counter(Arc<CounterObject>),
    Vmo(Arc<VmoObject>),
    Thread(Arc<ThreadObject>),
    Socket(Arc<SocketEndpoint>),
    Fifo(Arc<FifoEndpoint>),
}

impl KernelObject {
    pub(crate) fn header(&self) -> &ObjectHeader {
        match self {
            KernelObject::Channel(o) => &o.header,
            KernelObject::Event(o) => &o.header,
            KernelObject::EventPair(o) => &o.header,
            KernelObject::Counter(o) => &o.header,
            KernelObject::Vmo(o) => &o.header,
            KernelObject::Thread(o) => &o.header,
            KernelObject::Socket(o) => &o.header,
            KernelObject::Fifo(o) => &o.header,
        }
    }

    pub(crate) fn object_type(&self) -> ObjectType {
        match self {
            KernelObject::Channel(_) => ObjectType::CHANNEL,
            KernelObject::Event(_) => ObjectType::EVENT,
            KernelObject::EventPair(_) => ObjectType::EVENTPAIR,
            KernelObject::Counter(_) => ObjectType::COUNTER,
            KernelObject::Vmo(_) => ObjectType::VMO,
            KernelObject::Thread(_) => ObjectType::THREAD,
            KernelObject::Socket(_) => ObjectType::SOCKET,
            KernelObject::Fifo(_) => ObjectType::FIFO,
        }
    }

    /// The peer's koid for peered objects, `Koid(0)` otherwise.
    pub(crate) fn related_koid(&self) -> Koid {
        match self {
            KernelObject::Channel(o) => o.peer_koid,
            KernelObject::EventPair(o) => o.peer_koid,
            KernelObject::Socket(o) => o.peer_koid,
            KernelObject::Fifo(o) => o.peer_koid,
            _ => Koid::from_raw(crate::sys::ZX_KOID_INVALID),
        }
    }

    /// The signals `zx_object_signal` may set or clear on this object.
    pub(crate) fn user_signalable(&self) -> Signals {
        match self {
            KernelObject::Event(_) | KernelObject::EventPair(_) => {
                Signals::USER_ALL | Signals::EVENT_SIGNALED
            }
            // `CounterDispatcher::user_signal_self`.
            KernelObject::Counter(_) => Signals::USER_ALL | Signals::COUNTER_SIGNALED,
            _ => Signals::USER_ALL,
        }
    }

    /// The peer's signal state, for `zx_object_signal_peer`.
    pub(crate) fn with_peer_signals(&self, f: impl FnOnce(&SignalState)) -> Result<(), Status> {
        match self {
            KernelObject::Channel(o) => o.with_peer(|peer| f(&peer.header.signals)),
            KernelObject::EventPair(o) => o.with_peer(|peer| f(&peer.header.signals)),
            KernelObject::Socket(o) => peer_signals_of(o, f),
            KernelObject::Fifo(o) => peer_signals_of(o, f),
            _ => Err(Status::NOT_SUPPORTED),
        }
    }

    /// Counts one more handle to this object.
    pub(crate) fn add_handle(&self) {
        self.header().handle_count.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one handle less; runs the object's last-handle-closed behaviour at zero.
    pub(crate) fn remove_handle(&self) {
        if self.header().handle_count.fetch_sub(1, Ordering::AcqRel) == 1 {
            match self {
                KernelObject::Channel(o) => o.on_zero_handles(),
                KernelObject::EventPair(o) => o.on_zero_handles(),
                KernelObject::Socket(o) => o.on_zero_handles(),
                KernelObject::Fifo(o) => o.on_zero_handles(),
                KernelObject::Event(_)
                | KernelObject::Counter(_)
                | KernelObject::Vmo(_)
                | KernelObject::Thread(_) => {}
            }
        }
    }
}

/// Runs `f` on the peer's signals under the pair lock; PEER_CLOSED once the peer is gone.
fn peer_signals_of<S: EndState>(
    end: &PeeredEndpoint<S>,
    f: impl FnOnce(&SignalState),
) -> Result<(), Status> {
    end.with_pair(|_, peer| match peer {
        Some(peer) => {
            f(peer.signals);
            Ok(())
        }
        None => Err(Status::PEER_CLOSED),
    })
}
