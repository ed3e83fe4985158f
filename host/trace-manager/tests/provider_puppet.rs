//! The trace manager in a realm with a traced component (this test binary's
//! `#[fuchsia::main]`, the "puppet"), driven as in-tree tests drive it: Provisioner,
//! Session, the output socket read to its end, and the FXT parser.

use fidl::endpoints::create_proxy;
use fidl_fuchsia_tracing_controller::{
    ProvisionerMarker, ProvisionerProxy, SessionMarker, SessionProxy, StartError, StartOptions,
    StopError, StopOptions, TraceConfig,
};
use fidl_fuchsia_tracing_provider::RegistryMarker;
use fidl_test_protocol::{EchoMarker, EchoProxy, EchoRequest, EchoRequestStream};
use fuchsia_async as fasync;
use fuchsia_component::server::ServiceFs;
use fuchsia_component_test::{Capability, ChildOptions, RealmBuilder, RealmInstance, Ref, Route};
use futures::{AsyncReadExt, StreamExt, TryStreamExt};
use trace_manager as _;

/// The puppet: creates its trace provider, waits until it is registered (and started, if a
/// session is tracing), then for each Echo request writes an instant named after the value
/// in category "puppet", and one in category "other".
#[fuchsia::main(logging_tags = ["provider_puppet"])]
async fn main() -> Result<(), anyhow::Error> {
    fuchsia_trace_provider::trace_provider_create_with_fdio();
    fuchsia_trace_provider::trace_provider_wait_for_init();
    let mut fs = ServiceFs::new_local();
    fs.dir("svc").add_fidl_service(|stream: EchoRequestStream| stream);
    fs.take_and_serve_directory_handle()?;
    fs.for_each_concurrent(None, |stream| async move {
        let _ = stream
            .try_for_each(|request| async move {
                if let EchoRequest::EchoString { value, responder } = request {
                    fuchsia_trace::instant!("puppet", value.clone(), fuchsia_trace::Scope::Thread,
                        "len" => value.len() as u64);
                    fuchsia_trace::instant!("other", "unseen", fuchsia_trace::Scope::Thread);
                    responder.send(&value)?;
                }
                Ok(())
            })
            .await;
    })
    .await;
    Ok(())
}

fn run<F: std::future::Future>(future: F) -> F::Output {
    fasync::LocalExecutor::default().run_singlethreaded(future)
}

/// A realm of the trace manager and the puppet.
struct Traced {
    _realm: RealmInstance,
    provisioner: ProvisionerProxy,
    echo: EchoProxy,
}

/// Builds the realm; the puppet's registry is routed from the trace manager when
/// `route_registry`. The puppet starts with the first Echo request.
async fn traced_realm(route_registry: bool) -> Traced {
    let builder = RealmBuilder::new().await.unwrap();
    let manager =
        builder.add_child("trace_manager", "#meta/trace_manager.cm", ChildOptions::new()).await;
    let manager = manager.unwrap();
    let puppet =
        builder.add_child("puppet", "#meta/provider_puppet.cm", ChildOptions::new()).await.unwrap();
    if route_registry {
        builder
            .add_route(
                Route::new()
                    .capability(Capability::protocol::<RegistryMarker>())
                    .from(&manager)
                    .to(&puppet),
            )
            .await
            .unwrap();
    }
    builder
        .add_route(
            Route::new()
                .capability(Capability::protocol::<ProvisionerMarker>())
                .from(&manager)
                .to(Ref::parent()),
        )
        .await
        .unwrap();
    builder
        .add_route(
            Route::new()
                .capability(Capability::protocol::<EchoMarker>())
                .from(&puppet)
                .to(Ref::parent()),
        )
        .await
        .unwrap();
    for child in [&manager, &puppet] {
        builder
            .add_route(
                Route::new()
                    .capability(Capability::dictionary("diagnostics"))
                    .from(Ref::parent())
                    .to(child),
            )
            .await
            .unwrap();
    }
    let realm = builder.build().await.unwrap();
    let provisioner = realm.root.connect_to_protocol_at_exposed_dir::<ProvisionerProxy>().unwrap();
    let echo = realm.root.connect_to_protocol_at_exposed_dir::<EchoProxy>().unwrap();
    Traced { _realm: realm, provisioner, echo }
}

/// A session recording `categories`, and the task reading its socket to the end.
fn initialize(
    provisioner: &ProvisionerProxy,
    config: TraceConfig,
) -> (SessionProxy, fasync::Task<Vec<u8>>) {
    let (session, server) = create_proxy::<SessionMarker>();
    let (reader, writer) = zx::Socket::create_stream();
    provisioner.initialize_tracing(server, &config, writer).unwrap();
    let reading = fasync::Task::local(async move {
        let mut bytes = Vec::new();
        fasync::Socket::from_socket(reader).read_to_end(&mut bytes).await.unwrap();
        bytes
    });
    (session, reading)
}

fn categories(categories: &[&str]) -> TraceConfig {
    TraceConfig {
        categories: Some(categories.iter().map(|c| (*c).to_owned()).collect()),
        ..Default::default()
    }
}

fn write_results() -> StopOptions {
    StopOptions { write_results: Some(true), ..Default::default() }
}

/// The trace's records (no parsing warning allowed).
fn parse(bytes: &[u8]) -> Vec<fxt::TraceRecord> {
    let (records, warnings) = fxt::parse_full_session(bytes).unwrap();
    assert_eq!(warnings, vec![]);
    records
}

/// The names of the trace's events.
fn event_names(records: &[fxt::TraceRecord]) -> Vec<String> {
    records
        .iter()
        .filter_map(|record| match record {
            fxt::TraceRecord::Event(event) => Some(event.name.to_string()),
            _ => None,
        })
        .collect()
}

#[fuchsia::test]
async fn a_started_provider_s_events_reach_the_socket_as_fxt() {
    let traced = traced_realm(true).await;
    // Starts the puppet, which registers before it serves.
    assert_eq!(traced.echo.echo_string("before").await.unwrap(), "before");
    let (session, reading) = initialize(&traced.provisioner, categories(&["puppet"]));
    session.start_tracing(&StartOptions::default()).await.unwrap().unwrap();
    traced.echo.echo_string("hello").await.unwrap();
    let stopped = session.stop_tracing(&write_results()).await.unwrap().unwrap();
    traced.echo.echo_string("after").await.unwrap();
    drop(session);
    let records = parse(&reading.await);

    let stats = stopped.provider_stats.unwrap();
    assert_eq!(stats.len(), 1);
    assert_eq!(stats[0].name.as_deref(), Some("provider_puppet.cm"));
    assert_eq!(stats[0].records_dropped, Some(0));
    assert_eq!(event_names(&records), ["hello"]);
    let fxt::TraceRecord::Event(hello) =
        records.iter().find(|r| matches!(r, fxt::TraceRecord::Event(_))).unwrap()
    else {
        unreachable!()
    };
    assert_eq!(hello.category, "puppet");
    assert_eq!(hello.payload, fxt::EventPayload::Instant);
    assert_eq!(hello.provider, Some(fxt::Provider { id: 1, name: "provider_puppet.cm".into() }));
    assert_eq!(
        hello.args,
        vec![fxt::Arg { name: "len".into(), value: fxt::ArgValue::Unsigned64(5) }]
    );
    assert_eq!(Some(hello.process.0), stats[0].pid);
}

#[fuchsia::test]
async fn a_component_without_a_routed_registry_records_nothing() {
    let traced = traced_realm(false).await;
    traced.echo.echo_string("before").await.unwrap();
    assert_eq!(traced.provisioner.get_providers().await.unwrap(), vec![]);
    let (session, reading) = initialize(&traced.provisioner, categories(&["puppet"]));
    session.start_tracing(&StartOptions::default()).await.unwrap().unwrap();
    traced.echo.echo_string("unrecorded").await.unwrap();
    let stopped = session.stop_tracing(&write_results()).await.unwrap().unwrap();
    drop(session);
    assert_eq!(stopped.provider_stats, Some(vec![]));
    let records = parse(&reading.await);
    assert_eq!(event_names(&records), Vec::<String>::new());
}

#[fuchsia::test]
async fn a_provider_registering_during_a_session_joins_it() {
    let traced = traced_realm(true).await;
    let (session, reading) = initialize(&traced.provisioner, categories(&["puppet"]));
    session.start_tracing(&StartOptions::default()).await.unwrap().unwrap();
    // The puppet starts now: its registration finds the session tracing, and it waits for
    // its own start before serving.
    traced.echo.echo_string("late").await.unwrap();
    let providers = traced.provisioner.get_providers().await.unwrap();
    assert_eq!(providers.len(), 1);
    assert_eq!(providers[0].id, Some(1));
    assert_eq!(providers[0].name.as_deref(), Some("provider_puppet.cm"));
    session.stop_tracing(&write_results()).await.unwrap().unwrap();
    drop(session);
    assert_eq!(event_names(&parse(&reading.await)), ["late"]);
}

#[fuchsia::test]
async fn closing_the_session_writes_what_was_not_written_and_ends_the_stream() {
    let traced = traced_realm(true).await;
    traced.echo.echo_string("before").await.unwrap();
    let (session, reading) = initialize(&traced.provisioner, categories(&[]));
    session.start_tracing(&StartOptions::default()).await.unwrap().unwrap();
    traced.echo.echo_string("kept").await.unwrap();
    drop(session);
    // An empty category list records every category.
    assert_eq!(event_names(&parse(&reading.await)), ["kept", "unseen"]);
    // The session ended: another may begin.
    let (session, reading) = initialize(&traced.provisioner, categories(&["other"]));
    session.start_tracing(&StartOptions::default()).await.unwrap().unwrap();
    traced.echo.echo_string("second").await.unwrap();
    session.stop_tracing(&write_results()).await.unwrap().unwrap();
    drop(session);
    assert_eq!(event_names(&parse(&reading.await)), ["unseen"]);
}

#[fuchsia::test]
async fn a_restarted_session_writes_each_stop_s_records_under_one_provider() {
    let traced = traced_realm(true).await;
    traced.echo.echo_string("before").await.unwrap();
    let (session, reading) = initialize(&traced.provisioner, categories(&["puppet"]));
    session.start_tracing(&StartOptions::default()).await.unwrap().unwrap();
    traced.echo.echo_string("first").await.unwrap();
    session.stop_tracing(&write_results()).await.unwrap().unwrap();
    session.start_tracing(&StartOptions::default()).await.unwrap().unwrap();
    traced.echo.echo_string("second").await.unwrap();
    session.stop_tracing(&write_results()).await.unwrap().unwrap();
    drop(session);
    let records = parse(&reading.await);
    assert_eq!(event_names(&records), ["first", "second"]);
    let providers: Vec<_> = records
        .iter()
        .filter_map(|record| match record {
            fxt::TraceRecord::Event(event) => event.provider.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(providers[0], providers[1]);
}

/// Misuse answered as in-tree; the trace manager logs these at ERROR, so this is a plain
/// test (the in-tree equivalent sets `max_severity = "ERROR"`).
#[test]
fn session_requests_out_of_order_are_refused_as_in_tree() {
    run(async {
        let traced = traced_realm(true).await;
        traced.echo.echo_string("before").await.unwrap();
        let (session, reading) = initialize(&traced.provisioner, categories(&["puppet"]));
        assert_eq!(
            session.stop_tracing(&StopOptions::default()).await.unwrap().map(|_| ()),
            Ok(())
        );
        assert_eq!(
            session.stop_tracing(&StopOptions::default()).await.unwrap().map(|_| ()),
            Err(StopError::NotStarted)
        );
        session.start_tracing(&StartOptions::default()).await.unwrap().unwrap();
        assert_eq!(
            session.start_tracing(&StartOptions::default()).await.unwrap(),
            Err(StartError::AlreadyStarted)
        );

        // A second session while one exists is ignored: its channel is closed.
        let (second, _second_reading) = initialize(&traced.provisioner, categories(&["puppet"]));
        assert!(second.start_tracing(&StartOptions::default()).await.is_err());

        drop(session);
        let records = parse(&reading.await);
        assert_eq!(event_names(&records), Vec::<String>::new());

        // Only oneshot buffering is supported on the host: other modes are refused.
        let circular = TraceConfig {
            buffering_mode: Some(fidl_fuchsia_tracing::BufferingMode::Circular),
            ..categories(&["puppet"])
        };
        let (refused, _refused_reading) = initialize(&traced.provisioner, circular);
        assert!(refused.start_tracing(&StartOptions::default()).await.is_err());
    });
}

#[fuchsia::test]
async fn a_reader_that_closes_its_end_aborts_the_session() {
    let traced = traced_realm(true).await;
    traced.echo.echo_string("before").await.unwrap();
    let (session, reading) = initialize(&traced.provisioner, categories(&["puppet"]));
    session.start_tracing(&StartOptions::default()).await.unwrap().unwrap();
    // Dropping the task cancels the read and closes the reader's end of the socket.
    drop(reading);
    traced.echo.echo_string("lost").await.unwrap();
    let _ = session.stop_tracing(&write_results()).await;
    assert!(session.start_tracing(&StartOptions::default()).await.is_err());
}

#[fuchsia::test]
async fn known_categories_are_asked_of_every_provider() {
    let traced = traced_realm(true).await;
    traced.echo.echo_string("before").await.unwrap();
    assert_eq!(traced.provisioner.get_known_categories().await.unwrap(), vec![]);
}
