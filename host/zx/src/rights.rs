//! `zx::Rights`: what a handle may do with its object.

bitflags::bitflags! {
    /// Handle rights (`zx_rights_t`).
    #[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
    #[repr(transparent)]
    pub struct Rights: u32 {
        const NONE = 0;
        const DUPLICATE = 1 << 0;
        const TRANSFER = 1 << 1;
        const READ = 1 << 2;
        const WRITE = 1 << 3;
        const EXECUTE = 1 << 4;
        const MAP = 1 << 5;
        const GET_PROPERTY = 1 << 6;
        const SET_PROPERTY = 1 << 7;
        const ENUMERATE = 1 << 8;
        const DESTROY = 1 << 9;
        const SET_POLICY = 1 << 10;
        const GET_POLICY = 1 << 11;
        const SIGNAL = 1 << 12;
        const SIGNAL_PEER = 1 << 13;
        const WAIT = 1 << 14;
        const INSPECT = 1 << 15;
        const MANAGE_JOB = 1 << 16;
        const MANAGE_PROCESS = 1 << 17;
        const MANAGE_THREAD = 1 << 18;
        const APPLY_PROFILE = 1 << 19;
        const MANAGE_SOCKET = 1 << 20;
        const OP_CHILDREN = 1 << 21;
        const RESIZE = 1 << 22;
        const ATTACH_VMO = 1 << 23;
        const WRITE_VMO = 1 << 24;
        /// Not a right: asks duplicate/replace/write_etc to keep the handle's rights.
        const SAME_RIGHTS = 1 << 31;

        const BASIC = Self::TRANSFER.bits() | Self::DUPLICATE.bits() | Self::WAIT.bits() | Self::INSPECT.bits();
        const IO = Self::READ.bits() | Self::WRITE.bits();
        const PROPERTY = Self::GET_PROPERTY.bits() | Self::SET_PROPERTY.bits();
        const POLICY = Self::GET_POLICY.bits() | Self::SET_POLICY.bits();

        /// Rights of a new channel end: no DUPLICATE, channels cannot be duplicated.
        const CHANNEL_DEFAULT = Self::TRANSFER.bits() | Self::WAIT.bits() | Self::INSPECT.bits()
            | Self::IO.bits() | Self::SIGNAL.bits() | Self::SIGNAL_PEER.bits();
        const EVENT_DEFAULT = Self::BASIC.bits() | Self::SIGNAL.bits();
        const EVENTPAIR_DEFAULT = Self::BASIC.bits() | Self::SIGNAL.bits() | Self::SIGNAL_PEER.bits();
        const COUNTER_DEFAULT = Self::BASIC.bits() | Self::IO.bits() | Self::SIGNAL.bits();
        const THREAD_DEFAULT = Self::BASIC.bits() | Self::IO.bits() | Self::PROPERTY.bits()
            | Self::SIGNAL.bits() | Self::MANAGE_THREAD.bits();
        /// `ZX_DEFAULT_SOCKET_RIGHTS`.
        const SOCKET_DEFAULT = Self::BASIC.bits() | Self::IO.bits() | Self::PROPERTY.bits()
            | Self::SIGNAL.bits() | Self::SIGNAL_PEER.bits() | Self::MANAGE_SOCKET.bits();
        /// `ZX_DEFAULT_FIFO_RIGHTS`.
        const FIFO_DEFAULT = Self::BASIC.bits() | Self::IO.bits() | Self::SIGNAL.bits()
            | Self::SIGNAL_PEER.bits();
        const VMO_DEFAULT = Self::BASIC.bits() | Self::IO.bits() | Self::PROPERTY.bits()
            | Self::MAP.bits() | Self::SIGNAL.bits();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_zircon() {
        assert_eq!(Rights::CHANNEL_DEFAULT.bits(), 0xF00E);
        assert_eq!(Rights::COUNTER_DEFAULT.bits(), 0xD00F);
        assert!(!Rights::CHANNEL_DEFAULT.contains(Rights::DUPLICATE));
        assert_eq!(Rights::SAME_RIGHTS.bits(), 0x8000_0000);
        assert_eq!(Rights::SOCKET_DEFAULT.bits(), 0x10_f0cf);
        assert_eq!(Rights::FIFO_DEFAULT.bits(), 0xf00f);
    }
}
