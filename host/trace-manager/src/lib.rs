//! Host build of trace_manager, as the hermetic component test realms include
//! (`//src/performance/trace_manager:component_hermetic`, `#meta/trace_manager.cm`).
//!
//! Follows src/performance/trace_manager: `trace_manager.cc` (Provisioner, Registry and the
//! Session controller's state checks), `trace_session.cc` (one session, its providers),
//! `tracee.cc` (one provider within a session) and `buffer_forwarder.cc` (what is written to
//! the output socket and in which order):
//!
//! - Trace providers register through `fuchsia.tracing.provider/Registry.RegisterV2*`, each
//!   getting the next provider id (from 1), and are driven over
//!   `fuchsia.tracing.provider/ProviderV2`.
//! - `fuchsia.tracing.controller/Provisioner.InitializeTracing` creates the one session: it
//!   writes the FXT magic number record to the output socket at once, gives every registered
//!   provider (and every provider registering later in the session) a buffer VMO and the
//!   categories, and binds the `Session` channel. A second `InitializeTracing` while a
//!   session exists is ignored, its channels closed.
//! - `Session.StartTracing` starts every provider and replies once all have replied or the
//!   start timeout passed; `Session.StopTracing` stops them and, with `write_results`,
//!   writes each provider's records to the socket: a provider info metadata record the first
//!   time (a provider section record after that), a buffer-overflow provider event if it
//!   dropped records, then its buffer's records.
//! - Closing the `Session` channel terminates the session: providers still started are
//!   stopped, results not yet written are written, providers are terminated and the socket
//!   is closed, so a reader sees the end of the stream. A write the reader refused (socket
//!   closed) aborts the session without further writes.
//!
//! The component runs on one thread: its state is `Rc`/`RefCell`, never borrowed across an
//! await.

mod output;
mod providers;
mod records;
mod session;
mod tracee;

use fidl_fuchsia_tracing_controller::ProvisionerRequestStream;
use fidl_fuchsia_tracing_provider::RegistryRequestStream;
use fuchsia_component::server::ServiceFs;
use futures::StreamExt;
use std::rc::Rc;

/// A connection to one of the protocols the component serves.
enum Incoming {
    Provisioner(ProvisionerRequestStream),
    Registry(RegistryRequestStream),
}

/// The component's entry point (`bin/trace_manager`): serves Provisioner and Registry until
/// stopped.
#[fuchsia::main(logging_tags = ["trace_manager"])]
pub async fn main() -> Result<(), anyhow::Error> {
    let manager = Rc::new(session::Manager::default());
    let mut fs = ServiceFs::new_local();
    fs.dir("svc").add_fidl_service(Incoming::Provisioner).add_fidl_service(Incoming::Registry);
    fs.take_and_serve_directory_handle()?;
    fs.for_each_concurrent(None, |incoming| {
        let manager = Rc::clone(&manager);
        async move {
            match incoming {
                Incoming::Provisioner(stream) => session::serve_provisioner(manager, stream).await,
                Incoming::Registry(stream) => providers::serve_registry(manager, stream).await,
            }
        }
    })
    .await;
    Ok(())
}
