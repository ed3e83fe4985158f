//! The emulated kernel: objects, their signal state, and the handle table.
//!
//! Everything here is shared by all threads of the process, as kernel state is on Fuchsia.
//! Lock order (outer to inner): an object's own state lock (channel queue, counter value,
//! VMO pages) -> that object's or its peer's `SignalState` lock. A handle-table shard lock
//! nests outside a `SignalState` lock only (a wait is registered while its handle is held in
//! the table); it is never held while an object's state lock is taken or a handle is dropped.
//! The two state locks of a channel's ends are never held together. A socket's or FIFO's two
//! ends share one state lock (`peered.rs`), inside which both ends' `SignalState` locks nest.

pub(crate) mod channel;
pub(crate) mod counter;
pub(crate) mod event;
pub(crate) mod fifo;
pub(crate) mod object;
pub(crate) mod peered;
pub(crate) mod signal_state;
pub(crate) mod socket;
pub(crate) mod table;
pub(crate) mod thread;
pub(crate) mod vmo;
pub(crate) mod wait;
