//! Blocking client: calls wait on the channel with a deadline.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError};

use zx::{Channel, MessageBufEtc, MonotonicInstant, Signals, Status, WaitResult};

use crate::encoding::{
    DynamicFlags, IncomingMessage, TransactionHeader, TypeMarker, encode_message,
};
use crate::{Error, Result};

/// A blocking client of one channel.
///
/// Meant for one call at a time: a call that reads the response of another
/// thread's concurrent call fails with `UnexpectedSyncResponse` (as in-tree).
#[derive(Debug)]
pub struct Client {
    channel: Channel,
    protocol_name: &'static str,
    /// Last txid handed out (any thread, atomically).
    last_tx_id: AtomicU32,
    /// Events read while waiting for a response, for `wait_for_event`.
    /// Locked briefly by any caller thread; never across a wait.
    events: Mutex<VecDeque<IncomingMessage>>,
}

impl Client {
    /// A client of `protocol_name` on `channel`.
    pub fn new(channel: Channel, protocol_name: &'static str) -> Client {
        Client {
            channel,
            protocol_name,
            last_tx_id: AtomicU32::new(0),
            events: Mutex::new(VecDeque::new()),
        }
    }

    /// The channel.
    pub fn as_channel(&self) -> &Channel {
        &self.channel
    }

    /// Unwraps the channel.
    pub fn into_channel(self) -> Channel {
        self.channel
    }

    fn next_tx_id(&self) -> u32 {
        let previous = self
            .last_tx_id
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |id| {
                Some(if id >= super::MAX_TX_ID { 1 } else { id + 1 })
            })
            .unwrap_or(0);
        if previous >= super::MAX_TX_ID { 1 } else { previous + 1 }
    }

    fn write<Req: TypeMarker>(&self, header: TransactionHeader, body: Req::Owned) -> Result<()> {
        let (bytes, mut handles) = encode_message::<Req>(header, body)?;
        match self.channel.write_etc(&bytes, &mut handles) {
            Ok(()) | Err(Status::PEER_CLOSED) => Ok(()),
            Err(status) => Err(Error::ClientWrite(status)),
        }
    }

    /// Sends a one-way message.
    pub fn send<Req: TypeMarker>(
        &self,
        body: Req::Owned,
        ordinal: u64,
        flags: DynamicFlags,
    ) -> Result<()> {
        self.write::<Req>(TransactionHeader::new(0, ordinal, flags), body)
    }

    /// Sends a two-way call and blocks until its response or `deadline`
    /// (`Timeout`). Events arriving meanwhile are kept for `wait_for_event`.
    pub fn send_query<Req: TypeMarker, Resp: TypeMarker>(
        &self,
        body: Req::Owned,
        ordinal: u64,
        flags: DynamicFlags,
        deadline: MonotonicInstant,
    ) -> Result<Resp::Owned> {
        let tx_id = self.next_tx_id();
        self.write::<Req>(TransactionHeader::new(tx_id, ordinal, flags), body)?;
        loop {
            let message = self.read_next(deadline)?;
            if message.tx_id() == 0 {
                self.events.lock().unwrap_or_else(PoisonError::into_inner).push_back(message);
                continue;
            }
            if message.tx_id() != tx_id {
                return Err(Error::UnexpectedSyncResponse {
                    tx_id: message.tx_id(),
                    expected: tx_id,
                });
            }
            if message.ordinal() != ordinal {
                return Err(Error::InvalidResponseOrdinal {
                    expected: ordinal,
                    actual: message.ordinal(),
                });
            }
            return message.decode_body::<Resp>();
        }
    }

    /// The next event (one kept from an earlier call first), waiting until
    /// `deadline` (`Timeout`).
    pub fn wait_for_event(&self, deadline: MonotonicInstant) -> Result<IncomingMessage> {
        if let Some(event) = self.events.lock().unwrap_or_else(PoisonError::into_inner).pop_front()
        {
            return Ok(event);
        }
        let message = self.read_next(deadline)?;
        if message.tx_id() != 0 {
            return Err(Error::UnexpectedSyncResponse { tx_id: message.tx_id(), expected: 0 });
        }
        Ok(message)
    }

    /// Blocks for the next message; an epitaph or peer closure becomes
    /// `ClientChannelClosed`.
    fn read_next(&self, deadline: MonotonicInstant) -> Result<IncomingMessage> {
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
                            epitaph: Some(raw),
                        });
                    }
                    return Ok(message);
                }
                Err(Status::SHOULD_WAIT) => {}
                Err(Status::PEER_CLOSED) => {
                    return Err(Error::ClientChannelClosed {
                        status: Status::PEER_CLOSED,
                        protocol_name: self.protocol_name,
                        epitaph: None,
                    });
                }
                Err(status) => return Err(Error::ClientRead(status)),
            }
            match self
                .channel
                .wait_one(Signals::CHANNEL_READABLE | Signals::CHANNEL_PEER_CLOSED, deadline)
            {
                WaitResult::Ok(_) => {}
                WaitResult::TimedOut(_) => return Err(Error::Timeout),
                WaitResult::Canceled(_) => return Err(Error::ClientRead(Status::CANCELED)),
                WaitResult::Err(status) => return Err(Error::ClientRead(status)),
            }
        }
    }
}
