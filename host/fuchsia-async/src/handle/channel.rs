//! `Channel`: a `zx::Channel` whose reads are futures.

use crate::handle::on_signals::OnSignalsRef;
use crate::handle::rwhandle::{RWHandle, ReadableHandle};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use zx::AsHandleRef;

/// An asynchronous channel: reads wait for `CHANNEL_READABLE` or `CHANNEL_PEER_CLOSED`
/// through one long-lived wait registration (an [`RWHandle`]), never by polling, as the
/// in-tree `src/lib/fuchsia-async/src/handle/zircon/channel.rs` does.
///
/// Reads drain queued messages before reporting `PEER_CLOSED`, as Zircon does.
pub struct Channel {
    channel: RWHandle<zx::Channel>,
}

impl Channel {
    /// Wraps a channel.
    pub fn from_channel(channel: zx::Channel) -> Self {
        Channel { channel: RWHandle::new(channel) }
    }

    /// Gives the channel back.
    pub fn into_zx_channel(self) -> zx::Channel {
        self.channel.into_inner()
    }

    /// Whether the peer endpoint is closed.
    pub fn is_closed(&self) -> bool {
        self.channel.is_closed()
    }

    /// A future that resolves when the peer endpoint is closed.
    pub fn on_closed(&self) -> OnSignalsRef<'_> {
        self.channel.on_closed()
    }

    /// Reads the next message into `bytes` and `handles` (replacing their contents), or
    /// registers `cx` to be woken when the channel becomes readable or its peer closes.
    pub fn read(
        &self,
        cx: &mut Context<'_>,
        bytes: &mut Vec<u8>,
        handles: &mut Vec<zx::NullableHandle>,
    ) -> Poll<Result<(), zx::Status>> {
        self.poll_read(cx, |channel| channel.read_split(bytes, handles))
    }

    /// Like [`Channel::read`], with each handle's object type and rights.
    pub fn read_etc(
        &self,
        cx: &mut Context<'_>,
        bytes: &mut Vec<u8>,
        handles: &mut Vec<zx::HandleInfo>,
    ) -> Poll<Result<(), zx::Status>> {
        self.poll_read(cx, |channel| channel.read_etc_split(bytes, handles))
    }

    /// Reads the next message into `buf`, or registers `cx` for a wake.
    pub fn recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut zx::MessageBuf,
    ) -> Poll<Result<(), zx::Status>> {
        self.poll_read(cx, |channel| channel.read(buf))
    }

    /// Reads the next message with handle infos into `buf`, or registers `cx` for a wake.
    pub fn recv_etc_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut zx::MessageBufEtc,
    ) -> Poll<Result<(), zx::Status>> {
        self.poll_read(cx, |channel| channel.read_etc(buf))
    }

    /// A future of the next message, read into `buf`.
    pub fn recv_msg<'a>(&'a self, buf: &'a mut zx::MessageBuf) -> RecvMsg<'a> {
        RecvMsg { channel: self, buf }
    }

    /// A future of the next message with handle infos, read into `buf`.
    pub fn recv_etc_msg<'a>(&'a self, buf: &'a mut zx::MessageBufEtc) -> RecvEtcMsg<'a> {
        RecvEtcMsg { channel: self, buf }
    }

    /// Writes a message; the handles are consumed (also on error).
    pub fn write(
        &self,
        bytes: &[u8],
        handles: &mut [zx::NullableHandle],
    ) -> Result<(), zx::Status> {
        self.channel.get_ref().write(bytes, handles)
    }

    /// Writes a message with handle dispositions (type and rights checks, moves or
    /// duplicates).
    pub fn write_etc(
        &self,
        bytes: &[u8],
        handles: &mut [zx::HandleDisposition<'_>],
    ) -> Result<(), zx::Status> {
        self.channel.get_ref().write_etc(bytes, handles)
    }

    /// Tries `read`; on SHOULD_WAIT arms the channel's wait (if not armed) and tries again
    /// once it fires.
    fn poll_read(
        &self,
        cx: &mut Context<'_>,
        mut read: impl FnMut(&zx::Channel) -> Result<(), zx::Status>,
    ) -> Poll<Result<(), zx::Status>> {
        loop {
            match read(self.channel.get_ref()) {
                Err(zx::Status::SHOULD_WAIT) => ready!(self.channel.need_readable(cx)?),
                done => return Poll::Ready(done),
            }
        }
    }
}

impl AsHandleRef for Channel {
    fn as_handle_ref(&self) -> zx::HandleRef<'_> {
        self.channel.as_handle_ref()
    }
}

impl AsRef<zx::Channel> for Channel {
    fn as_ref(&self) -> &zx::Channel {
        self.channel.get_ref()
    }
}

impl From<zx::Channel> for Channel {
    fn from(channel: zx::Channel) -> Channel {
        Channel::from_channel(channel)
    }
}

impl From<Channel> for zx::Channel {
    fn from(channel: Channel) -> zx::Channel {
        channel.into_zx_channel()
    }
}

impl fmt::Debug for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Channel").field(self.channel.get_ref()).finish()
    }
}

/// A future of the next message of a [`Channel`], read into a `zx::MessageBuf`.
#[must_use = "futures do nothing unless polled"]
#[derive(Debug)]
pub struct RecvMsg<'a> {
    channel: &'a Channel,
    buf: &'a mut zx::MessageBuf,
}

impl Future for RecvMsg<'_> {
    type Output = Result<(), zx::Status>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        this.channel.recv_from(cx, this.buf)
    }
}

/// A future of the next message of a [`Channel`], read into a `zx::MessageBufEtc`.
#[must_use = "futures do nothing unless polled"]
#[derive(Debug)]
pub struct RecvEtcMsg<'a> {
    channel: &'a Channel,
    buf: &'a mut zx::MessageBufEtc,
}

impl Future for RecvEtcMsg<'_> {
    type Output = Result<(), zx::Status>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        this.channel.recv_etc_from(cx, this.buf)
    }
}
