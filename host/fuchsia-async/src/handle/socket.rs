//! `Socket`: a `zx::Socket` with futures reads and writes.
//!
//! Follows the in-tree `src/lib/fuchsia-async/src/handle/zircon/socket.rs`: reads wait for
//! SOCKET_READABLE or SOCKET_PEER_WRITE_DISABLED, writes for SOCKET_WRITABLE or
//! SOCKET_WRITE_DISABLED, each through one wait registration of an [`RWHandle`]; a read at
//! the end of the stream (peer closed, or its writes disabled) is `Ok(0)`, as
//! `std::io::Read` wants.

use crate::handle::on_signals::OnSignalsRef;
use crate::handle::rwhandle::{
    RWHandle, RWHandleSpec, ReadableHandle, ReadableState, WritableHandle, WritableState,
};
use futures::future::poll_fn;
use futures::io::{self, AsyncRead, AsyncWrite};
use futures::stream::Stream;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use zx::AsHandleRef;

/// The signals of a socket's two directions.
struct SocketRWHandleSpec;

impl RWHandleSpec for SocketRWHandleSpec {
    const READABLE_SIGNALS: zx::Signals =
        zx::Signals::SOCKET_READABLE.union(zx::Signals::SOCKET_PEER_WRITE_DISABLED);
    const WRITABLE_SIGNALS: zx::Signals =
        zx::Signals::SOCKET_WRITABLE.union(zx::Signals::SOCKET_WRITE_DISABLED);
}

/// An asynchronous socket.
pub struct Socket(RWHandle<zx::Socket, SocketRWHandleSpec>);

impl Socket {
    /// Wraps a socket.
    pub fn from_socket(socket: zx::Socket) -> Self {
        Socket(RWHandle::new_with_spec(socket))
    }

    /// Gives the socket back.
    pub fn into_zx_socket(self) -> zx::Socket {
        self.0.into_inner()
    }

    /// Whether the peer has closed.
    pub fn is_closed(&self) -> bool {
        self.0.is_closed()
    }

    /// A future that completes when the peer has closed.
    pub fn on_closed(&self) -> OnSignalsRef<'_> {
        self.0.on_closed()
    }

    /// Reads into `buf`, or registers `cx` for a wake when there is nothing to read. The end
    /// of the stream (PEER_CLOSED, or BAD_STATE: the peer's writes are disabled) is `Ok(0)`,
    /// after every queued byte has been read.
    pub fn poll_read_ref(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<Result<usize, zx::Status>> {
        ready!(self.poll_readable(cx))?;
        loop {
            match self.0.get_ref().read(buf) {
                Err(zx::Status::SHOULD_WAIT) => ready!(self.need_readable(cx)?),
                Err(zx::Status::BAD_STATE) | Err(zx::Status::PEER_CLOSED) => {
                    return Poll::Ready(Ok(0));
                }
                done => return Poll::Ready(done),
            }
        }
    }

    /// Writes from `buf` (possibly short), or registers `cx` for a wake when the peer's
    /// buffer is full. BAD_STATE once this end's writes are disabled; PEER_CLOSED once the
    /// peer has closed.
    pub fn poll_write_ref(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<Result<usize, zx::Status>> {
        ready!(self.poll_writable(cx))?;
        loop {
            match self.0.get_ref().write(buf) {
                Err(zx::Status::SHOULD_WAIT) => ready!(self.need_writable(cx)?),
                done => return Poll::Ready(done),
            }
        }
    }

    /// Reads the next datagram (or, on a stream socket, every queued byte) onto the end of
    /// `out`: its length. IO_DATA_LOSS if the read returned less than was announced
    /// available; PEER_CLOSED at the end.
    pub fn poll_datagram(
        &self,
        cx: &mut Context<'_>,
        out: &mut Vec<u8>,
    ) -> Poll<Result<usize, zx::Status>> {
        ready!(self.poll_readable(cx))?;
        let start = out.len();
        loop {
            let avail = self.0.get_ref().outstanding_read_bytes()?;
            out.resize(start + avail, 0);
            match self.0.get_ref().read(&mut out[start..]) {
                Err(zx::Status::SHOULD_WAIT) => {
                    out.truncate(start);
                    ready!(self.need_readable(cx)?)
                }
                Err(status) => {
                    out.truncate(start);
                    return Poll::Ready(Err(status));
                }
                Ok(bytes) if bytes == avail => return Poll::Ready(Ok(bytes)),
                Ok(bytes) => {
                    out.truncate(start + bytes);
                    return Poll::Ready(Err(zx::Status::IO_DATA_LOSS));
                }
            }
        }
    }

    /// Reads the next datagram onto the end of `out`; its length. One at a time.
    pub async fn read_datagram<'a>(&'a self, out: &'a mut Vec<u8>) -> Result<usize, zx::Status> {
        poll_fn(move |cx| self.poll_datagram(cx, out)).await
    }

    /// This socket as a stream of datagrams, ending when the peer closes.
    pub fn as_datagram_stream(&self) -> DatagramStream<&Self> {
        DatagramStream(self)
    }

    /// Turns this socket into a stream of datagrams, ending when the peer closes.
    pub fn into_datagram_stream(self) -> DatagramStream<Self> {
        DatagramStream(self)
    }
}

impl ReadableHandle for Socket {
    fn poll_readable(&self, cx: &mut Context<'_>) -> Poll<Result<ReadableState, zx::Status>> {
        self.0.poll_readable(cx)
    }

    fn need_readable(&self, cx: &mut Context<'_>) -> Poll<Result<(), zx::Status>> {
        self.0.need_readable(cx)
    }
}

impl WritableHandle for Socket {
    fn poll_writable(&self, cx: &mut Context<'_>) -> Poll<Result<WritableState, zx::Status>> {
        self.0.poll_writable(cx)
    }

    fn need_writable(&self, cx: &mut Context<'_>) -> Poll<Result<(), zx::Status>> {
        self.0.need_writable(cx)
    }
}

impl AsRef<zx::Socket> for Socket {
    fn as_ref(&self) -> &zx::Socket {
        self.0.get_ref()
    }
}

impl AsHandleRef for Socket {
    fn as_handle_ref(&self) -> zx::HandleRef<'_> {
        self.0.get_ref().as_handle_ref()
    }
}

impl fmt::Debug for Socket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.get_ref().fmt(f)
    }
}

impl AsyncRead for Socket {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_read_ref(cx, buf).map_err(zx::Status::into_io_error)
    }
}

impl AsyncWrite for Socket {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_ref(cx, buf).map_err(zx::Status::into_io_error)
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for &Socket {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_read_ref(cx, buf).map_err(zx::Status::into_io_error)
    }
}

impl AsyncWrite for &Socket {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_ref(cx, buf).map_err(zx::Status::into_io_error)
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// A stream of the datagrams of a [`Socket`]: each `Ok(bytes)`, ending at PEER_CLOSED.
#[derive(Debug)]
pub struct DatagramStream<S>(pub S);

fn poll_datagram_as_stream(
    socket: &Socket,
    cx: &mut Context<'_>,
) -> Poll<Option<Result<Vec<u8>, zx::Status>>> {
    let mut datagram = Vec::new();
    Poll::Ready(match ready!(socket.poll_datagram(cx, &mut datagram)) {
        Ok(_) => Some(Ok(datagram)),
        Err(zx::Status::PEER_CLOSED) => None,
        Err(status) => Some(Err(status)),
    })
}

impl Stream for DatagramStream<Socket> {
    type Item = Result<Vec<u8>, zx::Status>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        poll_datagram_as_stream(&self.0, cx)
    }
}

impl Stream for DatagramStream<&Socket> {
    type Item = Result<Vec<u8>, zx::Status>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        poll_datagram_as_stream(self.0, cx)
    }
}
