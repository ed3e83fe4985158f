//! A `#[fuchsia::main]` component: registered by the macro under this test binary's crate
//! name (`macro_entry`, matching `bin/macro_entry` in meta/macro_entry.cml), resolved,
//! started, and stopped by destruction while a client still holds a connection.

use fidl_test_protocol::{EchoMarker, EchoProxy, EchoRequest, EchoRequestStream};
use fuchsia_async as fasync;
use fuchsia_component::server::ServiceFs;
use fuchsia_component_test::{Capability, ChildOptions, RealmBuilder, Ref, Route};
use futures::{StreamExt, TryStreamExt};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the component's helper thread when its executor (stopped with the component) ends.
static HELPER_ENDED: AtomicBool = AtomicBool::new(false);

enum Incoming {
    Echo(EchoRequestStream),
}

#[fuchsia::main(logging_tags = ["macro_entry"])]
async fn main() -> Result<(), anyhow::Error> {
    // A thread with its own executor, like a product's worker thread: it runs until the
    // component is stopped.
    std::thread::spawn(|| {
        let outcome = std::panic::catch_unwind(|| {
            fasync::LocalExecutor::default().run_singlethreaded(futures::future::pending::<()>())
        });
        HELPER_ENDED.store(outcome.is_err(), Ordering::SeqCst);
    });
    let mut fs = ServiceFs::new_local();
    fs.dir("svc").add_fidl_service(Incoming::Echo);
    fs.take_and_serve_directory_handle()?;
    fs.for_each_concurrent(None, |Incoming::Echo(stream)| async move {
        let _ = stream
            .try_for_each(|request| async move {
                if let EchoRequest::EchoString { value, responder } = request {
                    responder.send(&value)?;
                }
                Ok(())
            })
            .await;
    })
    .await;
    Ok(())
}

#[test]
fn a_fuchsia_main_component_is_resolved_served_and_stopped() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let builder = RealmBuilder::new().await.unwrap();
        let child = builder
            .add_child("entry", "#meta/macro_entry.cm", ChildOptions::new().eager())
            .await
            .unwrap();
        builder
            .add_route(
                Route::new()
                    .capability(Capability::protocol::<EchoMarker>())
                    .from(&child)
                    .to(Ref::parent()),
            )
            .await
            .unwrap();
        let realm = builder.build().await.unwrap();
        let echo = realm.root.connect_to_protocol_at_exposed_dir::<EchoProxy>().unwrap();
        assert_eq!(echo.echo_string("registered").await.unwrap(), "registered");
        assert!(!HELPER_ENDED.load(Ordering::SeqCst));

        // `echo` stays connected: only the stop request can end the component.
        drop(realm);
        assert!(HELPER_ENDED.load(Ordering::SeqCst), "the helper thread was stopped and joined");
        assert!(matches!(
            echo.echo_string("after").await,
            Err(fidl::Error::ClientChannelClosed { status: zx::Status::PEER_CLOSED, .. })
        ));
    });
}
