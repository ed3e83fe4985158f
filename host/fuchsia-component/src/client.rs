//! Connecting to protocols: in the component's namespace, or in a directory.
//!
//! Follows the in-tree `src/lib/fuchsia-component/client/src/lib.rs`: the free functions are
//! generic over the protocol marker and return its proxy; [`Connect`] and the [`connect`]
//! module are generic over what they return (an async proxy or a `ClientEnd`).

use crate::fio;
use anyhow::{Context as _, Error, anyhow};
use fidl::endpoints::{
    DiscoverableProtocolMarker, FromClient, ProtocolMarker, Proxy, SynchronousProxy,
};
use std::sync::Arc;

/// Default namespace directory of protocols.
pub const SVC_DIR: &str = "/svc";

/// A directory protocols can be opened in.
pub trait Directory {
    /// Sends `Open(path, flags, server_end)`; failures of the open itself arrive as an
    /// epitaph on `server_end`.
    fn open(&self, path: &str, flags: fio::Flags, server_end: zx::Channel) -> Result<(), Error>;
}

/// Something that is or holds a [`Directory`].
pub trait AsRefDirectory {
    /// The directory.
    fn as_ref_directory(&self) -> &dyn Directory;
}

impl Directory for fio::DirectoryProxy {
    fn open(&self, path: &str, flags: fio::Flags, server_end: zx::Channel) -> Result<(), Error> {
        fio::DirectoryProxy::open(self, path, flags, server_end).context("Directory.Open failed")
    }
}

impl Directory for fio::DirectorySynchronousProxy {
    fn open(&self, path: &str, flags: fio::Flags, server_end: zx::Channel) -> Result<(), Error> {
        fio::DirectorySynchronousProxy::open(self, path, flags, server_end)
            .context("Directory.Open failed")
    }
}

impl<D: Directory> AsRefDirectory for D {
    fn as_ref_directory(&self) -> &dyn Directory {
        self
    }
}

/// A client type returned by connecting to a protocol (an async proxy or a `ClientEnd`):
/// the return type names the protocol, e.g. `let proxy: EchoProxy = Connect::connect()?`.
pub trait Connect: Sized + FromClient<Protocol: DiscoverableProtocolMarker> {
    /// Connects to the protocol in the namespace's `/svc`.
    fn connect() -> Result<Self, Error> {
        Self::connect_at(SVC_DIR)
    }

    /// Connects to the protocol in the namespace directory `service_prefix`.
    fn connect_at(service_prefix: impl AsRef<str>) -> Result<Self, Error> {
        let (client, server) = fidl::endpoints::create_endpoints::<Self::Protocol>();
        let path = format!("{}/{}", service_prefix.as_ref(), Self::Protocol::PROTOCOL_NAME);
        open_in_namespace(&path, server.into_channel())?;
        Ok(Self::from_client(client))
    }

    /// Connects to the protocol at `svc/<name>` in `directory`.
    fn connect_at_dir_svc(directory: &impl AsRefDirectory) -> Result<Self, Error> {
        let path = format!("svc/{}", Self::Protocol::PROTOCOL_NAME);
        Self::connect_at_dir_root_with_name(directory, &path)
    }

    /// Connects to the protocol at its discoverable name in `directory`.
    fn connect_at_dir_root(directory: &impl AsRefDirectory) -> Result<Self, Error> {
        Self::connect_at_dir_root_with_name(directory, Self::Protocol::PROTOCOL_NAME)
    }

    /// Connects to the protocol at `filename` in `directory`.
    fn connect_at_dir_root_with_name(
        directory: &impl AsRefDirectory,
        filename: &str,
    ) -> Result<Self, Error> {
        let (client, server) = fidl::endpoints::create_endpoints::<Self::Protocol>();
        directory.as_ref_directory().open(
            filename,
            fio::Flags::PROTOCOL_SERVICE,
            server.into_channel(),
        )?;
        Ok(Self::from_client(client))
    }
}

impl<T: FromClient<Protocol: DiscoverableProtocolMarker>> Connect for T {}

/// The free connect functions, generic over what they return (see [`Connect`]).
pub mod connect {
    use super::{AsRefDirectory, Connect, Error};

    /// Connects to the protocol in the namespace's `/svc`.
    pub fn connect_to_protocol<T: Connect>() -> Result<T, Error> {
        T::connect()
    }

    /// Connects to the protocol in the namespace directory `service_prefix`.
    pub fn connect_to_protocol_at<T: Connect>(service_prefix: impl AsRef<str>) -> Result<T, Error> {
        T::connect_at(service_prefix)
    }

    /// Connects to the protocol at `svc/<name>` in `directory`.
    pub fn connect_to_protocol_at_dir_svc<T: Connect>(
        directory: &impl AsRefDirectory,
    ) -> Result<T, Error> {
        T::connect_at_dir_svc(directory)
    }

    /// Connects to the protocol at its discoverable name in `directory`.
    pub fn connect_to_protocol_at_dir_root<T: Connect>(
        directory: &impl AsRefDirectory,
    ) -> Result<T, Error> {
        T::connect_at_dir_root(directory)
    }

    /// Connects to the protocol at `filename` in `directory`.
    pub fn connect_to_named_protocol_at_dir_root<T: Connect>(
        directory: &impl AsRefDirectory,
        filename: &str,
    ) -> Result<T, Error> {
        T::connect_at_dir_root_with_name(directory, filename)
    }
}

/// Opens `path` of the calling component's namespace as a service on `server_end`.
fn open_in_namespace(path: &str, server_end: zx::Channel) -> Result<(), Error> {
    let namespace = crate::host::current_namespace()
        .ok_or_else(|| anyhow!("Failed to connect to {path}: the caller is in no component"))?;
    let (directory, rest): (Arc<fio::DirectorySynchronousProxy>, String) = namespace
        .resolve(path)
        .ok_or_else(|| anyhow!("Failed to connect to {path}: not in the namespace"))?;
    Directory::open(&*directory, &rest, fio::Flags::PROTOCOL_SERVICE, server_end)
}

/// Connects `server_end` to protocol `P` in the namespace's `/svc`.
pub fn connect_channel_to_protocol<P: DiscoverableProtocolMarker>(
    server_end: zx::Channel,
) -> Result<(), Error> {
    open_in_namespace(&format!("{SVC_DIR}/{}", P::PROTOCOL_NAME), server_end)
}

/// Connects to protocol `P` in the namespace's `/svc`. As in-tree, this succeeds whenever
/// the namespace has `/svc`; a capability that is not routed closes the returned proxy's
/// channel (calls fail with `PEER_CLOSED`).
pub fn connect_to_protocol<P: DiscoverableProtocolMarker>() -> Result<P::Proxy, Error> {
    connect_to_protocol_at::<P>(SVC_DIR)
}

/// Like [`connect_to_protocol`], with a blocking proxy.
pub fn connect_to_protocol_sync<P: DiscoverableProtocolMarker>()
-> Result<P::SynchronousProxy, Error> {
    let (client, server) = zx::Channel::create();
    connect_channel_to_protocol::<P>(server)?;
    Ok(P::SynchronousProxy::from_channel(client))
}

/// Connects to protocol `P` in the namespace directory `service_directory_path`.
pub fn connect_to_protocol_at<P: DiscoverableProtocolMarker>(
    service_directory_path: impl AsRef<str>,
) -> Result<P::Proxy, Error> {
    let path = format!("{}/{}", service_directory_path.as_ref(), P::PROTOCOL_NAME);
    connect_to_protocol_at_path::<P>(path)
}

/// Connects to protocol `P` at the namespace path `protocol_path`.
pub fn connect_to_protocol_at_path<P: ProtocolMarker>(
    protocol_path: impl AsRef<str>,
) -> Result<P::Proxy, Error> {
    let (client, server) = zx::Channel::create();
    open_in_namespace(protocol_path.as_ref(), server)?;
    Ok(P::Proxy::from_channel(fidl::AsyncChannel::from_channel(client)))
}

/// Connects to protocol `P` at `filename` in `directory`.
pub fn connect_to_named_protocol_at_dir_root<P: ProtocolMarker>(
    directory: &impl AsRefDirectory,
    filename: &str,
) -> Result<P::Proxy, Error> {
    let (client, server) = zx::Channel::create();
    directory.as_ref_directory().open(filename, fio::Flags::PROTOCOL_SERVICE, server)?;
    Ok(P::Proxy::from_channel(fidl::AsyncChannel::from_channel(client)))
}

/// Connects to protocol `P` at its discoverable name in `directory`.
pub fn connect_to_protocol_at_dir_root<P: DiscoverableProtocolMarker>(
    directory: &impl AsRefDirectory,
) -> Result<P::Proxy, Error> {
    connect_to_named_protocol_at_dir_root::<P>(directory, P::PROTOCOL_NAME)
}

/// Connects to protocol `P` at `svc/<name>` in `directory` (e.g. an exposed directory).
pub fn connect_to_protocol_at_dir_svc<P: DiscoverableProtocolMarker>(
    directory: &impl AsRefDirectory,
) -> Result<P::Proxy, Error> {
    connect_to_named_protocol_at_dir_root::<P>(directory, &format!("svc/{}", P::PROTOCOL_NAME))
}
