//! Futures over Zircon handles, woken through `zx::host::SignalWait` (never by polling).

pub(crate) mod channel;
pub(crate) mod on_signals;
pub(crate) mod rwhandle;
pub(crate) mod socket;
