//! Registered test components (entry points + meta/*.cml of this crate).

use fidl_test_protocol::{EchoMarker, EchoRequest, EchoRequestStream};
use fuchsia_async as fasync;
use fuchsia_component::client::connect_to_protocol_at_path;
use fuchsia_component::server::ServiceFs;
use fuchsia_runtime::host::{COMPONENT_ENTRIES, ComponentEntry, linkme};
use futures::{StreamExt, TryStreamExt};

/// Runs `main` on the component's executor, which unwinds with `ComponentStopped` when the
/// component is stopped (as a `#[fuchsia::main]` executor does).
fn run_component(main: impl std::future::Future<Output = ()>) {
    fasync::LocalExecutor::default().run_singlethreaded(main);
}

enum Incoming {
    Echo(EchoRequestStream),
}

async fn serve(
    mut fs: ServiceFs<fuchsia_component::server::ServiceObjLocal<'_, Incoming>>,
    reply: impl Fn(String) -> futures::future::LocalBoxFuture<'static, String> + Clone,
) {
    fs.dir("svc").add_fidl_service(Incoming::Echo);
    fs.take_and_serve_directory_handle().expect("directory request");
    fs.for_each_concurrent(None, |Incoming::Echo(stream)| {
        let reply = reply.clone();
        async move {
            let _ = stream
                .try_for_each(|request| {
                    let reply = reply.clone();
                    async move {
                        if let EchoRequest::EchoString { value, responder } = request {
                            responder.send(&reply(value).await)?;
                        }
                        Ok(())
                    }
                })
                .await;
        }
    })
    .await;
}

fn echo_server_main() {
    run_component(serve(ServiceFs::new_local(), |value| Box::pin(async move { value })));
}

/// "error: <status>" for a failed call.
fn outcome(result: Result<String, fidl::Error>) -> String {
    match result {
        Ok(value) => value,
        Err(fidl::Error::ClientChannelClosed { status, .. }) => format!("error: {status}"),
        Err(other) => format!("error: {other}"),
    }
}

fn echo_relay_main() {
    run_component(serve(ServiceFs::new_local(), |value| {
        Box::pin(async move {
            let path =
                if value == "optional" { "/svc/fuchsia.example.Optional" } else { "/svc/upstream" };
            let upstream = connect_to_protocol_at_path::<EchoMarker>(path).expect("/svc is bound");
            outcome(upstream.echo_string(&value).await)
        })
    }));
}

#[linkme::distributed_slice(COMPONENT_ENTRIES)]
#[linkme(crate = fuchsia_runtime::host::linkme)]
static ECHO_SERVER: ComponentEntry = ComponentEntry {
    package: "echo_server",
    manifest_dir: env!("CARGO_MANIFEST_DIR"),
    main: echo_server_main,
};

#[linkme::distributed_slice(COMPONENT_ENTRIES)]
#[linkme(crate = fuchsia_runtime::host::linkme)]
static ECHO_RELAY: ComponentEntry = ComponentEntry {
    package: "echo-relay",
    manifest_dir: env!("CARGO_MANIFEST_DIR"),
    main: echo_relay_main,
};

/// Hex of the configuration VMO contents, or "none".
fn config_hex() -> String {
    let Some(handle) = fuchsia_runtime::take_startup_handle(fuchsia_runtime::HandleInfo::new(
        fuchsia_runtime::HandleType::ComponentConfigVmo,
        0,
    )) else {
        return "none".into();
    };
    let vmo = zx::Vmo::from(handle);
    let mut bytes = vec![0; vmo.get_content_size().expect("content size") as usize];
    vmo.read(&mut bytes, 0).expect("readable");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn config_reader_main() {
    let config = config_hex();
    run_component(serve(ServiceFs::new_local(), move |_| {
        let config = config.clone();
        Box::pin(async move { config })
    }));
}

#[linkme::distributed_slice(COMPONENT_ENTRIES)]
#[linkme(crate = fuchsia_runtime::host::linkme)]
static CONFIG_READER: ComponentEntry = ComponentEntry {
    package: "config_reader",
    manifest_dir: env!("CARGO_MANIFEST_DIR"),
    main: config_reader_main,
};

fn config_fixed_main() {}

#[linkme::distributed_slice(COMPONENT_ENTRIES)]
#[linkme(crate = fuchsia_runtime::host::linkme)]
static CONFIG_FIXED: ComponentEntry = ComponentEntry {
    package: "config_fixed",
    manifest_dir: env!("CARGO_MANIFEST_DIR"),
    main: config_fixed_main,
};
