//! `zx::Event` and `zx::EventPair`.

use crate::handle::{handle_based_type, new_handle};
use crate::kernel::event::{EventObject, EventPairEndpoint};
use crate::{Peered, Rights};

handle_based_type! {
    /// An object with only signals: EVENT_SIGNALED and the user signals.
    Event
}

impl Event {
    pub fn create() -> Event {
        let _syscall = crate::host::counters::syscall();
        Event(new_handle(EventObject::create().into(), Rights::EVENT_DEFAULT))
    }
}

handle_based_type! {
    /// One end of an event pair: signals on both ends, PEER_CLOSED when the other end closes.
    EventPair
}

impl EventPair {
    pub fn create() -> (EventPair, EventPair) {
        let _syscall = crate::host::counters::syscall();
        let (a, b) = EventPairEndpoint::create_pair();
        (
            EventPair(new_handle(a.into(), Rights::EVENTPAIR_DEFAULT)),
            EventPair(new_handle(b.into(), Rights::EVENTPAIR_DEFAULT)),
        )
    }
}

impl Peered for EventPair {}
