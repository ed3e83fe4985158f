//! Server side: the shared connection state behind a request stream, its
//! control handles and responders.
//!
//! Follows in-tree `src/lib/fidl/rust/fidl/src/server.rs` (`ServeInner`) and
//! the request stream of the fidlgen_rust template
//! `tools/fidl/fidlgen_rust/codegen/protocol.tmpl`: a message that cannot be
//! served (a bad header, a txid that does not fit the method, an unknown
//! strict ordinal, a body that does not decode) is an error item of the
//! stream and nothing more. It neither shuts the connection down nor ends the
//! stream, so the server may still send an epitaph with
//! `shutdown_with_epitaph`, or go on reading.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use futures::task::AtomicWaker;
use zx::{HandleDisposition, HandleInfo, Status};

use crate::encoding::{
    DynamicFlags, EPITAPH_ORDINAL, Flexible, FrameworkErr, IncomingMessage, Openness,
    TransactionHeader, TypeMarker, encode_message,
};
use crate::endpoints::MethodType;
use crate::{AsyncChannel, Error, Result};

/// Connection state shared by a request stream, its control handles and its
/// responders (any thread).
///
/// As in-tree, shutting down only ends the request stream: the channel
/// closes when the stream and every control handle and responder are
/// dropped (fxbug.dev/74241 in-tree). Messages sent before that still go out.
pub struct ServeInner {
    /// The channel; reads come from the stream's poll, writes from any
    /// thread (the async channel takes `&self` for both).
    channel: AsyncChannel,
    /// Set by `shutdown*` from any thread; read by the stream's poll.
    shutdown: AtomicBool,
    /// The request stream's waker, woken by `shutdown*` from any thread.
    stream_waker: AtomicWaker,
}

impl fmt::Debug for ServeInner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServeInner")
            .field("shutdown", &self.shutdown.load(Ordering::Relaxed))
            .finish()
    }
}

impl ServeInner {
    /// Serves `channel`.
    pub fn new(channel: AsyncChannel) -> ServeInner {
        ServeInner { channel, shutdown: AtomicBool::new(false), stream_waker: AtomicWaker::new() }
    }

    /// The channel.
    pub fn channel(&self) -> &AsyncChannel {
        &self.channel
    }

    /// Gives the channel back (unread messages stay in it).
    pub fn into_channel(self) -> AsyncChannel {
        self.channel
    }

    /// Whether `shutdown*` was called; registers `cx` to learn of it if not.
    pub fn check_shutdown(&self, cx: &Context<'_>) -> bool {
        if self.shutdown.load(Ordering::Acquire) {
            return true;
        }
        self.stream_waker.register(cx.waker());
        self.shutdown.load(Ordering::Acquire)
    }

    /// The next message: `None` after `shutdown*` or once the peer closed; a
    /// failed read is `Err(ServerRequestRead)`, and a message with a bad
    /// header `Err(OutOfRange | IncompatibleMagicNumber |
    /// UnsupportedWireFormatVersion)` (its handles closed). An error does not
    /// shut the connection down.
    pub fn poll_next_message(&self, cx: &mut Context<'_>) -> Poll<Option<Result<IncomingMessage>>> {
        if self.check_shutdown(cx) {
            return Poll::Ready(None);
        }
        let mut bytes = Vec::new();
        let mut handles: Vec<HandleInfo> = Vec::new();
        match self.channel.read_etc(cx, &mut bytes, &mut handles) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(Status::PEER_CLOSED)) => Poll::Ready(None),
            Poll::Ready(Err(status)) => Poll::Ready(Some(Err(Error::ServerRequestRead(status)))),
            Poll::Ready(Ok(())) => Poll::Ready(Some(IncomingMessage::new(bytes, handles))),
        }
    }

    /// Decodes a request of a two-way method. A zero txid
    /// (`InvalidRequestTxid`) or a body that does not decode is an error; the
    /// connection stays up, so the server may still send an epitaph through a
    /// control handle. The channel closes when the stream and every control
    /// handle and responder are gone, as in-tree.
    pub fn decode_two_way<T: TypeMarker>(
        self: &Arc<Self>,
        message: IncomingMessage,
    ) -> Result<(T::Owned, PendingReply)> {
        let (tx_id, ordinal) = (message.tx_id(), message.ordinal());
        if tx_id == 0 {
            return Err(Error::InvalidRequestTxid { tx_id, ordinal });
        }
        let flags = message.header().dynamic_flags() & DynamicFlags::FLEXIBLE;
        let body = message.decode_body::<T>()?;
        Ok((body, PendingReply { inner: Some(self.clone()), tx_id, ordinal, flags }))
    }

    /// Decodes a request of a one-way method. A nonzero txid or a body that
    /// does not decode is an error (see [`ServeInner::decode_two_way`]).
    pub fn decode_one_way<T: TypeMarker>(&self, message: IncomingMessage) -> Result<T::Owned> {
        let (tx_id, ordinal) = (message.tx_id(), message.ordinal());
        if tx_id != 0 {
            return Err(Error::InvalidRequestTxid { tx_id, ordinal });
        }
        message.decode_body::<T>()
    }

    /// Handles a request with an ordinal the protocol does not declare:
    /// - flexible two-way on an open protocol: replies with the
    ///   `UnknownMethod` framework error, gives `(ordinal, TwoWay)`;
    /// - flexible one-way on an open or ajar protocol: gives `(ordinal, OneWay)`;
    /// - anything else is an error, `UnknownOrdinal`: a strict method, an
    ///   unknown two-way method of an ajar protocol, any unknown method of a
    ///   closed one. As in-tree, an epitaph sent by the client is judged like
    ///   any other ordinal (it is strict unless flagged flexible).
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
            && match openness {
                Openness::Open => true,
                Openness::Ajar => !two_way,
                Openness::Closed => false,
            };
        drop(message);
        if !accepted {
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

    /// Encodes and writes one message. A closed peer discards it silently,
    /// as in-tree.
    fn send_message<T: TypeMarker>(&self, header: TransactionHeader, body: T::Owned) -> Result<()> {
        let (bytes, mut handles) = encode_message::<T>(header, body)?;
        match self.channel.write_etc(&bytes, &mut handles) {
            Ok(()) | Err(Status::PEER_CLOSED) => Ok(()),
            Err(status) => Err(Error::ServerResponseWrite(status)),
        }
    }

    /// Ends the request stream at its next poll. The channel closes once the
    /// stream, control handles and responders are all dropped.
    pub fn shutdown(&self) {
        self.shutdown.store(true, Ordering::Release);
        self.stream_waker.wake();
    }

    /// Sends an epitaph with `status` (best effort, first shutdown only) and
    /// shuts down as [`ServeInner::shutdown`].
    pub fn shutdown_with_epitaph(&self, status: Status) {
        if !self.shutdown.swap(true, Ordering::AcqRel) {
            let _ = write_epitaph(|bytes, handles| self.channel.write_etc(bytes, handles), status);
        }
        self.stream_waker.wake();
    }

    /// Whether the peer has closed the channel.
    pub fn is_closed(&self) -> bool {
        self.channel.is_closed()
    }
}

/// Writes an epitaph carrying `status` with `write` (a channel's `write_etc`).
pub(crate) fn write_epitaph(
    write: impl FnOnce(&[u8], &mut [HandleDisposition<'static>]) -> std::result::Result<(), Status>,
    status: Status,
) -> Result<()> {
    let (bytes, mut handles) = encode_message::<i32>(
        TransactionHeader::new(0, EPITAPH_ORDINAL, DynamicFlags::empty()),
        status.into_raw(),
    )?;
    match write(&bytes, &mut handles) {
        Ok(()) | Err(Status::PEER_CLOSED) => Ok(()),
        Err(status) => Err(Error::ServerEpitaphWrite(status)),
    }
}

/// The obligation to answer one two-way request. Dropping it without
/// sending (or `drop_without_shutdown`) shuts the connection down, as
/// in-tree.
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
