//! Host FIDL runtime: wire format v2 byte for byte, typed endpoints, async
//! and blocking clients, and request-stream servers, with the public API of
//! the in-tree `fidl` crate.
//!
//! Generated bindings build on [`encoding`], [`client`] and [`server`]; the
//! exact contract is host/fidl/CODEGEN.md.

pub mod client;
pub mod encoding;
pub mod endpoints;
pub mod epitaph;
mod error;
pub mod marker;
pub mod server;

pub use endpoints::MethodType;
pub use error::{Error, Result};
pub use server::ServeInner;

pub use zx::{
    AsHandleRef, Channel, Counter, Event, EventPair, Fifo, Handle, HandleBased, HandleDisposition,
    HandleInfo, HandleOp, HandleRef, MessageBuf, MessageBufEtc, MonotonicInstant, NullableHandle,
    ObjectType, Peered, Rights, Signals, Socket, Status, Thread, Vmo,
};

/// The async channel type proxies and request streams run on.
pub type AsyncChannel = fuchsia_async::Channel;

/// The async socket type, as in-tree.
pub type AsyncSocket = fuchsia_async::Socket;

pub use fuchsia_async::{OnSignals, OnSignalsRef};

/// Traits to bring into scope when using FIDL bindings.
pub mod prelude {
    pub use crate::endpoints::{
        ControlHandle as _, DiscoverableProtocolMarker as _, ProtocolMarker as _, Proxy as _,
        RequestStream as _, Responder as _, SynchronousProxy as _,
    };
}

/// Crates generated code names through `fidl` so it needs no other dependency.
#[doc(hidden)]
pub mod __codegen {
    pub use bitflags;
    pub use futures;
}
