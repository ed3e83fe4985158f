//! `zx::Signals`: the signal bits objects assert.

bitflags::bitflags! {
    /// Signal bits (`zx_signals_t`). Bits 0..=22 are object-specific, 24..=31 are user signals.
    #[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
    #[repr(transparent)]
    pub struct Signals: u32 {
        const NONE = 0;
        const OBJECT_READABLE = 1 << 0;
        const OBJECT_WRITABLE = 1 << 1;
        const OBJECT_PEER_CLOSED = 1 << 2;
        const OBJECT_SIGNALED = 1 << 3;
        const OBJECT_4 = 1 << 4;
        const OBJECT_5 = 1 << 5;
        const HANDLE_CLOSED = 1 << 23;
        const USER_0 = 1 << 24;
        const USER_1 = 1 << 25;
        const USER_2 = 1 << 26;
        const USER_3 = 1 << 27;
        const USER_4 = 1 << 28;
        const USER_5 = 1 << 29;
        const USER_6 = 1 << 30;
        const USER_7 = 1 << 31;
        const USER_ALL = 0xff00_0000;
        const OBJECT_ALL = 0x00ff_ffff;

        const CHANNEL_READABLE = Self::OBJECT_READABLE.bits();
        const CHANNEL_WRITABLE = Self::OBJECT_WRITABLE.bits();
        const CHANNEL_PEER_CLOSED = Self::OBJECT_PEER_CLOSED.bits();
        const EVENT_SIGNALED = Self::OBJECT_SIGNALED.bits();
        const EVENTPAIR_SIGNALED = Self::OBJECT_SIGNALED.bits();
        const EVENTPAIR_PEER_CLOSED = Self::OBJECT_PEER_CLOSED.bits();
        /// Asserted while a counter's value is greater than zero.
        const COUNTER_POSITIVE = Self::OBJECT_4.bits();
        /// Asserted while a counter's value is zero or less.
        const COUNTER_NON_POSITIVE = Self::OBJECT_5.bits();
        /// `ZX_COUNTER_SIGNALED`: a counter's user-settable object signal.
        const COUNTER_SIGNALED = Self::OBJECT_SIGNALED.bits();
        /// `ZX_VMO_ZERO_CHILDREN`: asserted while a VMO has no children (always on the host).
        const VMO_ZERO_CHILDREN = Self::OBJECT_SIGNALED.bits();

        const SOCKET_READABLE = Self::OBJECT_READABLE.bits();
        const SOCKET_WRITABLE = Self::OBJECT_WRITABLE.bits();
        const SOCKET_PEER_CLOSED = Self::OBJECT_PEER_CLOSED.bits();
        /// The peer's writes are disabled (`zx_socket_set_disposition`).
        const SOCKET_PEER_WRITE_DISABLED = Self::OBJECT_4.bits();
        /// This end's writes are disabled (`zx_socket_set_disposition`).
        const SOCKET_WRITE_DISABLED = Self::OBJECT_5.bits();
        /// At least the read threshold's bytes are queued (`__ZX_OBJECT_SIGNAL_10`).
        const SOCKET_READ_THRESHOLD = 1 << 10;
        /// The peer's buffer has at least the write threshold free (`__ZX_OBJECT_SIGNAL_11`).
        const SOCKET_WRITE_THRESHOLD = 1 << 11;

        const FIFO_READABLE = Self::OBJECT_READABLE.bits();
        const FIFO_WRITABLE = Self::OBJECT_WRITABLE.bits();
        const FIFO_PEER_CLOSED = Self::OBJECT_PEER_CLOSED.bits();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_match_zircon() {
        assert_eq!(Signals::CHANNEL_PEER_CLOSED.bits(), 0x4);
        assert_eq!(Signals::COUNTER_POSITIVE.bits(), 0x10);
        assert_eq!(Signals::COUNTER_NON_POSITIVE.bits(), 0x20);
        assert_eq!(Signals::HANDLE_CLOSED.bits(), 0x80_0000);
        assert_eq!(Signals::USER_0.bits(), 1 << 24);
        assert_eq!(Signals::COUNTER_SIGNALED.bits(), 0x8);
        assert_eq!(Signals::VMO_ZERO_CHILDREN.bits(), 0x8);
        assert_eq!(Signals::SOCKET_PEER_WRITE_DISABLED.bits(), 0x10);
        assert_eq!(Signals::SOCKET_WRITE_DISABLED.bits(), 0x20);
        assert_eq!(Signals::SOCKET_READ_THRESHOLD.bits(), 0x400);
        assert_eq!(Signals::SOCKET_WRITE_THRESHOLD.bits(), 0x800);
        assert_eq!(Signals::FIFO_PEER_CLOSED.bits(), 0x4);
    }
}
