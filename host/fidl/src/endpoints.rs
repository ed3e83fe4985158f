//! Typed channel endpoints, protocol markers and the traits generated
//! proxies, request streams, control handles and responders implement.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use futures::{Stream, TryStream};
use zx::{AsHandleRef, Channel, HandleRef, NullableHandle, Status};

use crate::server::{ServeInner, write_epitaph};
use crate::{AsyncChannel, Error};

/// A FIDL protocol, identified by its generated marker type.
pub trait ProtocolMarker: Sized + Send + Sync + 'static {
    /// The async client type.
    type Proxy: Proxy<Protocol = Self>;
    /// The blocking client type.
    type SynchronousProxy: SynchronousProxy<Protocol = Self>;
    /// The server's stream of requests.
    type RequestStream: RequestStream<Protocol = Self>;
    /// Name for diagnostics (the discoverable name when there is one).
    const DEBUG_NAME: &'static str;
}

/// A protocol marked `@discoverable`: served under `PROTOCOL_NAME`.
pub trait DiscoverableProtocolMarker: ProtocolMarker {
    /// Name under which the protocol is offered, e.g. "fuchsia.starnix.proxy.ProxyManager".
    const PROTOCOL_NAME: &'static str = Self::DEBUG_NAME;
}

/// An async client of a protocol.
pub trait Proxy: Sized + Send + Sync {
    /// The protocol.
    type Protocol: ProtocolMarker<Proxy = Self>;

    /// Wraps a channel.
    fn from_channel(inner: AsyncChannel) -> Self;

    /// Unwraps the channel; fails (giving the proxy back) while other clones
    /// of the proxy exist.
    fn into_channel(self) -> Result<AsyncChannel, Self>;

    /// The channel.
    fn as_channel(&self) -> &AsyncChannel;

    /// Converts back into a client end (same condition as `into_channel`).
    fn into_client_end(self) -> Result<ClientEnd<Self::Protocol>, Self> {
        self.into_channel().map(|channel| ClientEnd::new(channel.into_zx_channel()))
    }

    /// Whether the server end is closed.
    fn is_closed(&self) -> bool {
        self.as_channel().is_closed()
    }

    /// Resolves when the server end is closed.
    fn on_closed(&self) -> fuchsia_async::OnSignalsRef<'_> {
        self.as_channel().on_closed()
    }
}

/// A blocking client of a protocol.
pub trait SynchronousProxy: Sized + Send + Sync {
    /// The async client of the same protocol.
    type Proxy: Proxy<Protocol = Self::Protocol>;
    /// The protocol.
    type Protocol: ProtocolMarker<Proxy = Self::Proxy>;

    /// Wraps a channel.
    fn from_channel(inner: Channel) -> Self;

    /// Unwraps the channel.
    fn into_channel(self) -> Channel;

    /// The channel.
    fn as_channel(&self) -> &Channel;
}

/// The server side of a connection: a stream of decoded requests.
pub trait RequestStream: Sized + Send + Stream + TryStream<Error = Error> + Unpin {
    /// The protocol.
    type Protocol: ProtocolMarker<RequestStream = Self>;
    /// Handle for events and shutdown.
    type ControlHandle: ControlHandle;

    /// A control handle for this connection.
    fn control_handle(&self) -> Self::ControlHandle;

    /// Serves requests arriving on `inner`.
    fn from_channel(inner: AsyncChannel) -> Self;

    /// The shared connection state and whether the stream has ended.
    fn into_inner(self) -> (Arc<ServeInner>, bool);

    /// Rebuilds a stream from [`RequestStream::into_inner`]'s parts.
    fn from_inner(inner: Arc<ServeInner>, is_terminated: bool) -> Self;
}

/// Controls a server connection from anywhere (events, shutdown).
pub trait ControlHandle {
    /// Ends the request stream; the channel closes once the stream and all
    /// control handles and responders are dropped (as in-tree).
    fn shutdown(&self);

    /// Sends an epitaph with `status`, then shuts down as `shutdown`.
    fn shutdown_with_epitaph(&self, status: Status);

    /// Whether the peer has closed the channel.
    fn is_closed(&self) -> bool;
}

/// The reply side of one two-way request. Dropping it without replying
/// shuts the connection down.
pub trait Responder {
    /// The connection's control handle type.
    type ControlHandle: ControlHandle;

    /// The connection's control handle.
    fn control_handle(&self) -> &Self::ControlHandle;

    /// Drops the responder without replying and without closing the channel.
    fn drop_without_shutdown(self);
}

/// Kind of an unknown method received by a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MethodType {
    /// A one-way method.
    OneWay,
    /// A two-way method (already answered with a framework error).
    TwoWay,
}

/// The client end of a channel speaking protocol `T`.
pub struct ClientEnd<T> {
    inner: Channel,
    phantom: PhantomData<T>,
}

impl<T> ClientEnd<T> {
    /// Wraps a channel.
    pub fn new(inner: Channel) -> Self {
        ClientEnd { inner, phantom: PhantomData }
    }

    /// The channel.
    pub fn channel(&self) -> &Channel {
        &self.inner
    }

    /// Unwraps the channel.
    pub fn into_channel(self) -> Channel {
        self.inner
    }
}

impl<T: ProtocolMarker> ClientEnd<T> {
    /// An async proxy on this end.
    pub fn into_proxy(self) -> T::Proxy {
        T::Proxy::from_channel(AsyncChannel::from_channel(self.inner))
    }

    /// A blocking proxy on this end.
    pub fn into_sync_proxy(self) -> T::SynchronousProxy {
        T::SynchronousProxy::from_channel(self.inner)
    }
}

/// The server end of a channel speaking protocol `T`.
pub struct ServerEnd<T> {
    inner: Channel,
    phantom: PhantomData<T>,
}

impl<T> ServerEnd<T> {
    /// Wraps a channel.
    pub fn new(inner: Channel) -> Self {
        ServerEnd { inner, phantom: PhantomData }
    }

    /// The channel.
    pub fn channel(&self) -> &Channel {
        &self.inner
    }

    /// Unwraps the channel.
    pub fn into_channel(self) -> Channel {
        self.inner
    }

    /// Sends an epitaph with `status` and closes the channel.
    pub fn close_with_epitaph(self, status: Status) -> Result<(), Error> {
        write_epitaph(|bytes, handles| self.inner.write_etc(bytes, handles), status)
    }
}

impl<T: ProtocolMarker> ServerEnd<T> {
    /// A request stream serving this end.
    pub fn into_stream(self) -> T::RequestStream {
        T::RequestStream::from_channel(AsyncChannel::from_channel(self.inner))
    }

    /// A request stream serving this end and its control handle.
    pub fn into_stream_and_control_handle(
        self,
    ) -> (T::RequestStream, <T::RequestStream as RequestStream>::ControlHandle) {
        let stream = self.into_stream();
        let control_handle = stream.control_handle();
        (stream, control_handle)
    }
}

macro_rules! endpoint_impls {
    ($name:ident) => {
        impl<T> fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.inner).finish()
            }
        }

        impl<T> PartialEq for $name<T> {
            fn eq(&self, other: &Self) -> bool {
                self.inner.raw_handle() == other.inner.raw_handle()
            }
        }

        impl<T> Eq for $name<T> {}

        impl<T> AsHandleRef for $name<T> {
            fn as_handle_ref(&self) -> HandleRef<'_> {
                self.inner.as_handle_ref()
            }
        }

        impl<T> From<Channel> for $name<T> {
            fn from(inner: Channel) -> Self {
                $name::new(inner)
            }
        }

        impl<T> From<NullableHandle> for $name<T> {
            fn from(handle: NullableHandle) -> Self {
                $name::new(Channel::from(handle))
            }
        }

        impl<T> From<$name<T>> for Channel {
            fn from(end: $name<T>) -> Channel {
                end.inner
            }
        }

        impl<T> From<$name<T>> for NullableHandle {
            fn from(end: $name<T>) -> NullableHandle {
                end.inner.into()
            }
        }
    };
}

endpoint_impls!(ClientEnd);
endpoint_impls!(ServerEnd);

/// A client type that can be made from a client end: what the in-tree
/// `fuchsia_component::client::Connect` (src/lib/fuchsia-component/client/src/lib.rs) builds
/// on. Implemented for `ClientEnd<P>` and every async proxy.
///
/// Host deviation: synchronous proxies do not implement it (two blanket impls, over
/// [`Proxy`] and [`SynchronousProxy`], would overlap); see host/fidl/README.md.
pub trait FromClient {
    /// The protocol spoken on the client end.
    type Protocol: ProtocolMarker;

    /// Wraps the client end.
    fn from_client(value: ClientEnd<Self::Protocol>) -> Self;
}

impl<P: ProtocolMarker> FromClient for ClientEnd<P> {
    type Protocol = P;

    fn from_client(value: ClientEnd<P>) -> Self {
        value
    }
}

impl<T: Proxy> FromClient for T {
    type Protocol = T::Protocol;

    fn from_client(value: ClientEnd<T::Protocol>) -> Self {
        value.into_proxy()
    }
}

/// A new channel as client and server ends of protocol `T`.
pub fn create_endpoints<T: ProtocolMarker>() -> (ClientEnd<T>, ServerEnd<T>) {
    let (client, server) = Channel::create();
    (ClientEnd::new(client), ServerEnd::new(server))
}

/// A new channel as an async proxy and a server end.
pub fn create_proxy<T: ProtocolMarker>() -> (T::Proxy, ServerEnd<T>) {
    let (client, server) = create_endpoints::<T>();
    (client.into_proxy(), server)
}

/// A new channel as a blocking proxy and a server end.
pub fn create_sync_proxy<T: ProtocolMarker>() -> (T::SynchronousProxy, ServerEnd<T>) {
    let (client, server) = create_endpoints::<T>();
    (client.into_sync_proxy(), server)
}

/// A new channel as a client end and a request stream.
pub fn create_request_stream<T: ProtocolMarker>() -> (ClientEnd<T>, T::RequestStream) {
    let (client, server) = create_endpoints::<T>();
    (client, server.into_stream())
}

/// A new channel as an async proxy and a request stream.
pub fn create_proxy_and_stream<T: ProtocolMarker>() -> (T::Proxy, T::RequestStream) {
    let (client, server) = create_endpoints::<T>();
    (client.into_proxy(), server.into_stream())
}

/// A new channel as a blocking proxy and a request stream.
pub fn create_sync_proxy_and_stream<T: ProtocolMarker>() -> (T::SynchronousProxy, T::RequestStream)
{
    let (client, server) = create_endpoints::<T>();
    (client.into_sync_proxy(), server.into_stream())
}
