//! Blocking client: two-way calls use `zx_channel_call` semantics (the
//! kernel stamps the txid and routes the reply), so concurrent calls from
//! several threads are safe and events stay queued for `wait_for_event`.

use zx::{Channel, MessageBufEtc, MonotonicInstant, Signals, Status, WaitResult};

use crate::encoding::{
    DynamicFlags, IncomingMessage, TransactionHeader, TypeMarker, encode_message,
};
use crate::{Error, Result};

/// A blocking client of one channel. Immutable after creation; usable from
/// any thread.
#[derive(Debug)]
pub struct Client {
    channel: Channel,
    protocol_name: &'static str,
}

impl Client {
    /// A client of `protocol_name` on `channel`.
    pub fn new(channel: Channel, protocol_name: &'static str) -> Client {
        Client { channel, protocol_name }
    }

    /// The channel.
    pub fn as_channel(&self) -> &Channel {
        &self.channel
    }

    /// Unwraps the channel.
    pub fn into_channel(self) -> Channel {
        self.channel
    }

    /// `ClientChannelClosed` for PEER_CLOSED, else `variant(status)`.
    fn wrap_error(&self, variant: fn(Status) -> Error, status: Status) -> Error {
        if status == Status::PEER_CLOSED {
            Error::ClientChannelClosed {
                status: Status::PEER_CLOSED,
                protocol_name: self.protocol_name,
                epitaph: None,
            }
        } else {
            variant(status)
        }
    }

    /// Sends a one-way message. A closed peer is not an error (as in-tree).
    pub fn send<Req: TypeMarker>(
        &self,
        body: Req::Owned,
        ordinal: u64,
        flags: DynamicFlags,
    ) -> Result<()> {
        let (bytes, mut handles) =
            encode_message::<Req>(TransactionHeader::new(0, ordinal, flags), body)?;
        match self.channel.write_etc(&bytes, &mut handles) {
            Ok(()) | Err(Status::PEER_CLOSED) => Ok(()),
            Err(status) => Err(Error::ClientWrite(status)),
        }
    }

    /// Sends a two-way call and blocks until its reply or `deadline`
    /// (`ClientCall(TIMED_OUT)`). A closed channel is
    /// `ClientChannelClosed { status: PEER_CLOSED }`; epitaphs are reported
    /// only by `wait_for_event`, as in-tree.
    pub fn send_query<Req: TypeMarker, Resp: TypeMarker>(
        &self,
        body: Req::Owned,
        ordinal: u64,
        flags: DynamicFlags,
        deadline: MonotonicInstant,
    ) -> Result<Resp::Owned> {
        // The kernel replaces the txid placeholder.
        let (bytes, mut handles) =
            encode_message::<Req>(TransactionHeader::new(0, ordinal, flags), body)?;
        let mut reply = MessageBufEtc::new();
        self.channel
            .call_etc(deadline, &bytes, &mut handles, &mut reply)
            .map_err(|status| self.wrap_error(Error::ClientCall, status))?;
        let (bytes, handles) = reply.split();
        let message = IncomingMessage::new(bytes, handles)?;
        if message.ordinal() != ordinal {
            return Err(Error::InvalidResponseOrdinal {
                expected: ordinal,
                actual: message.ordinal(),
            });
        }
        message.decode_body::<Resp>()
    }

    /// Blocks until the next event or `deadline` (`ClientEvent(TIMED_OUT)`).
    /// An epitaph is `ClientChannelClosed` with its status; a response
    /// instead of an event is `UnexpectedSyncResponse`.
    pub fn wait_for_event(&self, deadline: MonotonicInstant) -> Result<IncomingMessage> {
        loop {
            let mut buf = MessageBufEtc::new();
            match self.channel.read_etc(&mut buf) {
                Ok(()) => {
                    let (bytes, handles) = buf.split();
                    let message = IncomingMessage::new(bytes, handles)?;
                    if message.header().is_epitaph() {
                        let raw = message.decode_body::<i32>()?;
                        return Err(Error::ClientChannelClosed {
                            status: Status::from_raw(raw),
                            protocol_name: self.protocol_name,
                            epitaph: Some(raw as u32),
                        });
                    }
                    if message.tx_id() != 0 {
                        return Err(Error::UnexpectedSyncResponse { tx_id: message.tx_id() });
                    }
                    return Ok(message);
                }
                // Another thread may have taken the message we woke for.
                Err(Status::SHOULD_WAIT) => {}
                Err(status) => return Err(self.wrap_error(Error::ClientRead, status)),
            }
            let signals = Signals::CHANNEL_READABLE | Signals::CHANNEL_PEER_CLOSED;
            match self.channel.wait_one(signals, deadline) {
                WaitResult::Ok(_) => {}
                WaitResult::TimedOut(_) => return Err(Error::ClientEvent(Status::TIMED_OUT)),
                WaitResult::Canceled(_) => return Err(Error::ClientEvent(Status::CANCELED)),
                WaitResult::Err(status) => return Err(self.wrap_error(Error::ClientEvent, status)),
            }
        }
    }
}
