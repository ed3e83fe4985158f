//! Closing a channel with an epitaph.

use zx::Status;

use crate::server::write_epitaph;
use crate::{AsyncChannel, Error};

/// Sends an epitaph (the final message of a server) and closes the channel.
pub trait ChannelEpitaphExt {
    /// Writes an epitaph carrying `status`, then closes the channel. A peer
    /// that is already gone is not an error.
    fn close_with_epitaph(self, status: Status) -> Result<(), Error>;
}

impl ChannelEpitaphExt for zx::Channel {
    fn close_with_epitaph(self, status: Status) -> Result<(), Error> {
        write_epitaph(|bytes, handles| self.write_etc(bytes, handles), status)
    }
}

impl ChannelEpitaphExt for AsyncChannel {
    fn close_with_epitaph(self, status: Status) -> Result<(), Error> {
        write_epitaph(|bytes, handles| self.write_etc(bytes, handles), status)
    }
}
