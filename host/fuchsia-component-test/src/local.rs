//! What a local child is given when it starts.

use anyhow::{Context as _, Error};
use fidl::endpoints::{DiscoverableProtocolMarker, ProtocolMarker, Proxy, ServerEnd};
use fuchsia_component::fio;
use fuchsia_component::host::Namespace;
use std::sync::Arc;

/// The handles of a running local child: its outgoing directory request and its namespace
/// (every protocol routed to it is in `/svc`).
pub struct LocalComponentHandles {
    namespace: Arc<Namespace>,
    /// The server end of the child's outgoing directory: serve it with
    /// `ServiceFs::serve_connection` to expose protocols.
    pub outgoing_dir: ServerEnd<fio::DirectoryMarker>,
}

impl LocalComponentHandles {
    pub(crate) fn new(
        namespace: Arc<Namespace>,
        outgoing_dir: ServerEnd<fio::DirectoryMarker>,
    ) -> Self {
        LocalComponentHandles { namespace, outgoing_dir }
    }

    /// Connects to protocol `P` routed to this child.
    pub fn connect_to_protocol<P: DiscoverableProtocolMarker>(&self) -> Result<P::Proxy, Error> {
        self.connect_to_named_protocol::<P>(P::PROTOCOL_NAME)
    }

    /// Connects to the protocol routed to this child as `name`.
    pub fn connect_to_named_protocol<P: ProtocolMarker>(
        &self,
        name: &str,
    ) -> Result<P::Proxy, Error> {
        let (svc, rest) =
            self.namespace.resolve(&format!("/svc/{name}")).context("the child has no /svc")?;
        let (client, server) = zx::Channel::create();
        svc.open(&rest, fio::Flags::PROTOCOL_SERVICE, server)?;
        Ok(P::Proxy::from_channel(fidl::AsyncChannel::from_channel(client)))
    }
}
