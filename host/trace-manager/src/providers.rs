//! `fuchsia.tracing.provider/Registry`: trace providers registering with the manager.

use crate::session::Manager;
use fidl_fuchsia_tracing_provider::{ProviderV2Proxy, RegistryRequest, RegistryRequestStream};
use futures::StreamExt;
use std::rc::Rc;

/// A registered trace provider, until its `ProviderV2` channel closes.
#[derive(Debug)]
pub struct Provider {
    /// Assigned by the manager at registration, from 1, never reused.
    pub id: u32,
    /// The koid of the provider's process, as it told at registration.
    pub pid: u64,
    /// The provider's name, as it told at registration.
    pub name: String,
    pub proxy: ProviderV2Proxy,
}

/// Serves one `Registry` connection until it closes; the providers it registered stay
/// registered (registration outlives the connection, as the protocol says).
pub async fn serve_registry(manager: Rc<Manager>, mut stream: RegistryRequestStream) {
    while let Some(request) = stream.next().await {
        match request {
            Ok(RegistryRequest::RegisterV2 { provider, pid, name, .. }) => {
                manager.register(provider.into_proxy(), pid, name);
            }
            Ok(RegistryRequest::RegisterV2Synchronously { provider, pid, name, responder }) => {
                let started = manager.register(provider.into_proxy(), pid, name);
                let _ = responder.send(Ok(started));
            }
            Ok(RegistryRequest::_UnknownMethod { ordinal, .. }) => {
                log::warn!("Received an unknown Registry method with ordinal {ordinal:#x}");
            }
            Err(error) => {
                log::warn!("Registry connection closed: {error}");
                return;
            }
        }
    }
}
