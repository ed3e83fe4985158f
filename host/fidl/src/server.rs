//! Server side: the shared connection state behind a request stream, its
//! control handles and responders.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use futures::task::AtomicWaker;
use zx::{Channel, HandleInfo, Status};

use crate::encoding::{
    DynamicFlags, EPITAPH_ORDINAL, Flexible, FrameworkErr, IncomingMessage, Openness,
    TransactionHeader, TypeMarker, encode_message,
};
use crate::endpoints::MethodType;
use crate::{AsyncChannel, Error, Result};

/// Connection state shared by a request stream, its control handles and its
/// responders (any thread).
pub struct ServeInner {
    /// The channel; `None` once shut down (which closed it) or once the peer
    /// closed. Locked briefly to read (by the stream's poll) or write (by
    /// senders); never held across an await.
    channel: Mutex<Option<AsyncChannel>>,
    /// The request stream's waker, woken by `shutdown` from any thread.
    stream_waker: AtomicWaker,
}

impl fmt::Debug for ServeInner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServeInner").field("closed", &self.is_closed()).finish()
    }
}

impl ServeInner {
    /// Serves `channel`.
    pub fn new(channel: AsyncChannel) -> ServeInner {
        ServeInner { channel: Mutex::new(Some(channel)), stream_waker: AtomicWaker::new() }
    }

    fn lock(&self) -> MutexGuard<'_, Option<AsyncChannel>> {
        self.channel.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next message: `None` once the channel is closed (by the peer or
    /// by `shutdown`); a message with a bad header tears the connection down
    /// and is `Err(InvalidHeader | IncompatibleMagicNumber)`.
    pub fn poll_next_message(&self, cx: &mut Context<'_>) -> Poll<Option<Result<IncomingMessage>>> {
        self.stream_waker.register(cx.waker());
        let mut guard = self.lock();
        let Some(channel) = guard.as_ref() else { return Poll::Ready(None) };
        let mut bytes = Vec::new();
        let mut handles: Vec<HandleInfo> = Vec::new();
        match channel.read_etc(cx, &mut bytes, &mut handles) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(Status::PEER_CLOSED)) => {
                *guard = None;
                Poll::Ready(None)
            }
            Poll::Ready(Err(status)) => {
                *guard = None;
                Poll::Ready(Some(Err(Error::ServerRequestRead(status))))
            }
            Poll::Ready(Ok(())) => match IncomingMessage::new(bytes, handles) {
                Ok(message) => Poll::Ready(Some(Ok(message))),
                Err(error) => {
                    *guard = None;
                    Poll::Ready(Some(Err(error)))
                }
            },
        }
    }

    /// Decodes a request of a two-way method. A zero txid tears the
    /// connection down. A body that does not decode is an error while the
    /// channel stays open, as in-tree: the server may still send an epitaph
    /// through a control handle; the channel closes when the stream and every
    /// control handle and responder are gone.
    pub fn decode_two_way<T: TypeMarker>(
        self: &Arc<Self>,
        message: IncomingMessage,
    ) -> Result<(T::Owned, PendingReply)> {
        let (tx_id, ordinal) = (message.tx_id(), message.ordinal());
        if tx_id == 0 {
            self.shutdown();
            return Err(Error::InvalidRequestTxid { tx_id, ordinal });
        }
        let flags = message.header().dynamic_flags() & DynamicFlags::FLEXIBLE;
        let body = message.decode_body::<T>()?;
        Ok((body, PendingReply { inner: Some(self.clone()), tx_id, ordinal, flags }))
    }

    /// Decodes a request of a one-way method. A nonzero txid tears the
    /// connection down; a body that does not decode is an error with the
    /// channel left open (see [`ServeInner::decode_two_way`]).
    pub fn decode_one_way<T: TypeMarker>(&self, message: IncomingMessage) -> Result<T::Owned> {
        let (tx_id, ordinal) = (message.tx_id(), message.ordinal());
        if tx_id != 0 {
            self.shutdown();
            return Err(Error::InvalidRequestTxid { tx_id, ordinal });
        }
        message.decode_body::<T>()
    }

    /// Handles a request with an ordinal the protocol does not declare:
    /// - flexible two-way on an open protocol: replies with the
    ///   `UnknownMethod` framework error, gives `(ordinal, TwoWay)`;
    /// - flexible one-way on an open or ajar protocol: gives `(ordinal, OneWay)`;
    /// - anything else tears the connection down: `UnknownOrdinal`.
    ///
    /// The request's handles are closed.
    pub fn unknown_method(
        &self,
        message: IncomingMessage,
        openness: Openness,
        protocol_name: &'static str,
    ) -> Result<(u64, MethodType)> {
        let (tx_id, ordinal) = (message.tx_id(), message.ordinal());
        let two_way = tx_id != 0;
        let accepted = message.is_flexible()
            && ordinal != EPITAPH_ORDINAL
            && match openness {
                Openness::Open => true,
                Openness::Ajar => !two_way,
                Openness::Closed => false,
            };
        drop(message);
        if !accepted {
            self.shutdown();
            return Err(Error::UnknownOrdinal { ordinal, protocol_name });
        }
        if !two_way {
            return Ok((ordinal, MethodType::OneWay));
        }
        self.send_message::<crate::encoding::result::UnknownMethodReply>(
            TransactionHeader::new(tx_id, ordinal, DynamicFlags::FLEXIBLE),
            Flexible::FrameworkErr(FrameworkErr::UnknownMethod),
        )?;
        Ok((ordinal, MethodType::TwoWay))
    }

    /// Sends an event.
    pub fn send_event<T: TypeMarker>(
        &self,
        body: T::Owned,
        ordinal: u64,
        flags: DynamicFlags,
    ) -> Result<()> {
        self.send_message::<T>(TransactionHeader::new(0, ordinal, flags), body)
    }

    /// Encodes and writes one message. A closed channel (by either side)
    /// discards it silently, as in-tree.
    fn send_message<T: TypeMarker>(&self, header: TransactionHeader, body: T::Owned) -> Result<()> {
        let (bytes, mut handles) = encode_message::<T>(header, body)?;
        let guard = self.lock();
        let Some(channel) = guard.as_ref() else { return Ok(()) };
        match channel.write_etc(&bytes, &mut handles) {
            Ok(()) | Err(Status::PEER_CLOSED) => Ok(()),
            Err(status) => Err(Error::ServerResponseWrite(status)),
        }
    }

    /// Closes the channel; the request stream ends.
    pub fn shutdown(&self) {
        let channel = self.lock().take();
        drop(channel);
        self.stream_waker.wake();
    }

    /// Sends an epitaph with `status`, then closes the channel.
    pub fn shutdown_with_epitaph(&self, status: Status) {
        let channel = self.lock().take();
        if let Some(channel) = channel {
            // The peer may already be gone; the channel closes either way.
            let _ = write_epitaph(&channel.into_zx_channel(), status);
        }
        self.stream_waker.wake();
    }

    /// Whether the channel is closed, here or by the peer.
    pub fn is_closed(&self) -> bool {
        self.lock().as_ref().is_none_or(|channel| channel.is_closed())
    }
}

/// Writes an epitaph carrying `status` to `channel`.
pub(crate) fn write_epitaph(channel: &Channel, status: Status) -> Result<()> {
    let (bytes, mut handles) = encode_message::<i32>(
        TransactionHeader::new(0, EPITAPH_ORDINAL, DynamicFlags::empty()),
        status.into_raw(),
    )?;
    match channel.write_etc(&bytes, &mut handles) {
        Ok(()) | Err(Status::PEER_CLOSED) => Ok(()),
        Err(status) => Err(Error::ServerEpitaphWrite(status)),
    }
}

/// The obligation to answer one two-way request. Dropping it without
/// sending (or `drop_without_shutdown`) closes the channel, as in-tree.
pub struct PendingReply {
    /// `None` once answered or released.
    inner: Option<Arc<ServeInner>>,
    tx_id: u32,
    ordinal: u64,
    flags: DynamicFlags,
}

impl fmt::Debug for PendingReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingReply")
            .field("tx_id", &self.tx_id)
            .field("ordinal", &self.ordinal)
            .finish()
    }
}

impl PendingReply {
    fn take(&mut self) -> Option<Arc<ServeInner>> {
        self.inner.take()
    }

    fn reply<T: TypeMarker>(&mut self, body: T::Owned) -> (Option<Arc<ServeInner>>, Result<()>) {
        let header = TransactionHeader::new(self.tx_id, self.ordinal, self.flags);
        match self.take() {
            Some(inner) => {
                let result = inner.send_message::<T>(header, body);
                (Some(inner), result)
            }
            None => (None, Ok(())),
        }
    }

    /// Sends the response; on failure the channel is closed.
    pub fn send<T: TypeMarker>(mut self, body: T::Owned) -> Result<()> {
        let (inner, result) = self.reply::<T>(body);
        if let (Some(inner), Err(_)) = (inner, &result) {
            inner.shutdown();
        }
        result
    }

    /// Sends the response; the channel stays open on failure.
    pub fn send_no_shutdown_on_err<T: TypeMarker>(mut self, body: T::Owned) -> Result<()> {
        self.reply::<T>(body).1
    }

    /// Releases the obligation without replying and without closing.
    pub fn drop_without_shutdown(mut self) {
        self.take();
    }
}

impl Drop for PendingReply {
    fn drop(&mut self) {
        if let Some(inner) = self.take() {
            inner.shutdown();
        }
    }
}
