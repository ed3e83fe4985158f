//! ServiceFs serving an outgoing directory, and protocol clients over it.

use fidl::endpoints::{ClientEnd, ControlHandle, Proxy, RequestStream, create_endpoints};
use fidl_test_protocol::{EchoMarker, EchoProxy, EchoRequest, EchoRequestStream};
use fuchsia_async as fasync;
use fuchsia_component::client;
use fuchsia_component::fio;
use fuchsia_component::host::Namespace;
use fuchsia_component::server::ServiceFs;
use fuchsia_runtime::host::ComponentInstance;
use fuchsia_runtime::{HandleInfo, HandleType};
use futures::{FutureExt, StreamExt, TryStreamExt};

enum IncomingRequest {
    Echo(EchoRequestStream),
}

async fn serve_echo(stream: EchoRequestStream) {
    let _ = stream
        .try_for_each(|request| async move {
            if let EchoRequest::EchoString { value, responder } = request {
                responder.send(&value)?;
            }
            Ok(())
        })
        .await;
}

/// A ServiceFs with Echo at svc/, served on a fresh channel; returns the directory proxy.
fn echo_fs()
-> (ServiceFs<fuchsia_component::server::ServiceObj<'static, IncomingRequest>>, fio::DirectoryProxy)
{
    let mut fs = ServiceFs::new();
    fs.dir("svc").add_fidl_service(IncomingRequest::Echo);
    let (dir, server) = create_endpoints::<fio::DirectoryMarker>();
    fs.serve_connection(server).unwrap();
    (fs, dir.into_proxy())
}

fn run_fs<S: futures::Stream<Item = IncomingRequest> + 'static>(fs: S) -> fasync::Task<()> {
    fasync::Task::local(
        fs.for_each_concurrent(None, |IncomingRequest::Echo(stream)| serve_echo(stream)),
    )
}

/// The status a proxy's first call fails with.
async fn call_status(proxy: &EchoProxy) -> zx::Status {
    match proxy.echo_string("x").await {
        Err(fidl::Error::ClientChannelClosed { status, .. }) => status,
        other => panic!("expected a closed channel, got {other:?}"),
    }
}

#[test]
fn a_protocol_is_served_at_svc_under_its_discoverable_name() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let (fs, dir) = echo_fs();
        let _server = run_fs(fs);
        let echo = client::connect_to_protocol_at_dir_svc::<EchoMarker>(&dir).unwrap();
        assert_eq!(echo.echo_string("hello").await.unwrap(), "hello");
        let named = client::connect_to_named_protocol_at_dir_root::<EchoMarker>(
            &dir,
            "svc/test.protocol.Echo",
        )
        .unwrap();
        assert_eq!(named.echo_string("again").await.unwrap(), "again");
    });
}

#[test]
fn a_sub_directory_connection_serves_its_entries() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let (fs, dir) = echo_fs();
        let _server = run_fs(fs);
        let (svc, server) = create_endpoints::<fio::DirectoryMarker>();
        dir.open("svc", fio::Flags::PROTOCOL_DIRECTORY, server.into_channel()).unwrap();
        let svc = svc.into_proxy();
        let echo = client::connect_to_protocol_at_dir_root::<EchoMarker>(&svc).unwrap();
        assert_eq!(echo.echo_string("nested").await.unwrap(), "nested");
        // "." is the directory itself.
        let (again, server) = create_endpoints::<fio::DirectoryMarker>();
        svc.open(".", fio::Flags::empty(), server.into_channel()).unwrap();
        let echo =
            client::connect_to_protocol_at_dir_root::<EchoMarker>(&again.into_proxy()).unwrap();
        assert_eq!(echo.echo_string("dot").await.unwrap(), "dot");
    });
}

#[test]
fn open_errors_arrive_as_epitaphs() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let (fs, dir) = echo_fs();
        let _server = run_fs(fs);
        let open = |path: &str, flags: fio::Flags| {
            let (client, server) = create_endpoints::<EchoMarker>();
            dir.open(path, flags, server.into_channel()).unwrap();
            client.into_proxy()
        };
        let service = fio::Flags::PROTOCOL_SERVICE;
        assert_eq!(call_status(&open("svc/missing", service)).await, zx::Status::NOT_FOUND);
        assert_eq!(call_status(&open("nodir/x", service)).await, zx::Status::NOT_FOUND);
        assert_eq!(
            call_status(&open("svc/test.protocol.Echo/deeper", service)).await,
            zx::Status::NOT_FOUND
        );
        assert_eq!(
            call_status(&open("/svc/test.protocol.Echo", service)).await,
            zx::Status::INVALID_ARGS
        );
        assert_eq!(call_status(&open("svc/../svc", service)).await, zx::Status::INVALID_ARGS);
        assert_eq!(call_status(&open("", service)).await, zx::Status::INVALID_ARGS);
        assert_eq!(
            call_status(&open("svc/test.protocol.Echo", fio::Flags::PROTOCOL_DIRECTORY)).await,
            zx::Status::NOT_SUPPORTED
        );
        assert_eq!(call_status(&open("svc", service)).await, zx::Status::NOT_SUPPORTED);
        // The directory connection survives the failed opens.
        let echo = client::connect_to_protocol_at_dir_svc::<EchoMarker>(&dir).unwrap();
        assert_eq!(echo.echo_string("still").await.unwrap(), "still");
    });
}

#[test]
fn the_stream_ends_when_no_directory_connection_is_left() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let (mut fs, dir) = echo_fs();
        let echo = client::connect_to_protocol_at_dir_svc::<EchoMarker>(&dir).unwrap();
        drop(dir);
        let Some(IncomingRequest::Echo(stream)) = fs.next().await else {
            panic!("the open sent before the close is served")
        };
        assert!(fs.next().await.is_none());
        // Service connections outlive the directory connection they were opened through.
        assert!(!stream.control_handle().is_closed());
        drop(echo);
    });
}

#[test]
fn add_fidl_service_at_and_add_service_at_use_the_given_names() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let mut fs = ServiceFs::new_local();
        let (raw_tx, raw_rx) = std::sync::mpsc::channel();
        fs.add_fidl_service_at("echo-at-root", IncomingRequest::Echo).add_service_at(
            "raw",
            move |channel: zx::Channel| {
                raw_tx.send(channel).unwrap();
                None
            },
        );
        let (dir, server) = create_endpoints::<fio::DirectoryMarker>();
        fs.serve_connection(server).unwrap();
        let dir = dir.into_proxy();
        let _server = run_fs(fs);
        let echo =
            client::connect_to_named_protocol_at_dir_root::<EchoMarker>(&dir, "echo-at-root")
                .unwrap();
        assert_eq!(echo.echo_string("root").await.unwrap(), "root");
        let raw = client::connect_to_named_protocol_at_dir_root::<EchoMarker>(&dir, "raw").unwrap();
        // Round trip on the directory so the open has been served.
        assert_eq!(echo.echo_string("sync").await.unwrap(), "sync");
        let channel = raw_rx.try_recv().expect("the raw connector got the channel");
        drop(channel);
        assert_eq!(call_status(&raw).await, zx::Status::PEER_CLOSED);
    });
}

#[test]
#[should_panic(expected = "duplicate entry")]
fn a_duplicate_entry_is_a_programming_error() {
    let mut fs = ServiceFs::new_local();
    fs.dir("svc").add_fidl_service(IncomingRequest::Echo).add_fidl_service(IncomingRequest::Echo);
}

#[test]
fn take_and_serve_directory_handle_uses_the_startup_handle_once() {
    let mut fs =
        ServiceFs::<fuchsia_component::server::ServiceObjLocal<'_, IncomingRequest>>::new_local();
    let error = fs.take_and_serve_directory_handle().err().expect("no instance, no handle");
    assert!(error.to_string().contains("Directory handle"));

    let (dir, server) = zx::Channel::create();
    let instance = ComponentInstance::new(
        "realm_builder:t/c",
        "#meta/c.cm",
        [(HandleInfo::new(HandleType::DirectoryRequest, 0), server.into())],
    );
    let _entered = instance.enter();
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let mut fs = ServiceFs::new_local();
        fs.dir("svc").add_fidl_service(IncomingRequest::Echo);
        fs.take_and_serve_directory_handle().unwrap();
        assert!(fs.take_and_serve_directory_handle().is_err(), "the handle is taken once");
        let _server = run_fs(fs);
        let dir = ClientEnd::<fio::DirectoryMarker>::new(dir).into_proxy();
        let echo = client::connect_to_protocol_at_dir_svc::<EchoMarker>(&dir).unwrap();
        assert_eq!(echo.echo_string("startup").await.unwrap(), "startup");
    });
}

#[test]
fn connect_to_protocol_goes_through_the_instance_namespace() {
    assert!(client::connect_to_protocol::<EchoMarker>().is_err(), "outside any component");
    let instance = ComponentInstance::new("realm_builder:t/ns", "#meta/ns.cm", []);
    let _entered = instance.enter();
    let error = client::connect_to_protocol::<EchoMarker>().expect_err("no /svc bound");
    assert!(error.to_string().contains("not in the namespace"));

    fasync::LocalExecutor::default().run_singlethreaded(async {
        // The namespace's /svc is a directory whose entries are the protocols.
        let mut fs = ServiceFs::new();
        fs.add_fidl_service(IncomingRequest::Echo);
        let (svc, server) = create_endpoints::<fio::DirectoryMarker>();
        fs.serve_connection(server).unwrap();
        instance.singleton::<Namespace>().bind("/svc", svc);
        assert_eq!(instance.singleton::<Namespace>().paths(), vec!["/svc".to_owned()]);
        let _server = run_fs(fs);

        let echo = client::connect_to_protocol::<EchoMarker>().unwrap();
        assert_eq!(echo.echo_string("ns").await.unwrap(), "ns");
        let at = client::connect_to_protocol_at::<EchoMarker>("/svc").unwrap();
        assert_eq!(at.echo_string("at").await.unwrap(), "at");
        let path =
            client::connect_to_protocol_at_path::<EchoMarker>("/svc/test.protocol.Echo").unwrap();
        assert_eq!(path.echo_string("path").await.unwrap(), "path");
        let sync = client::connect_to_protocol_sync::<EchoMarker>().unwrap();
        let reply =
            fasync::unblock(move || sync.echo_string("sync", zx::MonotonicInstant::INFINITE))
                .map(|r| r.unwrap())
                .await;
        assert_eq!(reply, "sync");
        let missing = client::connect_to_protocol_at_path::<EchoMarker>("/svc/none").unwrap();
        assert_eq!(call_status(&missing).await, zx::Status::NOT_FOUND);
        assert!(client::connect_to_protocol_at_path::<EchoMarker>("/svcx/a").is_err());
        assert!(!echo.is_closed());
    });
}

#[test]
fn namespace_resolution_picks_the_longest_bound_prefix() {
    let namespace = Namespace::default();
    let (a, _a_server) = create_endpoints::<fio::DirectoryMarker>();
    let (b, _b_server) = create_endpoints::<fio::DirectoryMarker>();
    namespace.bind("/svc", a);
    namespace.bind("/svc/nested", b);
    assert_eq!(namespace.resolve("/svc/x").unwrap().1, "x");
    assert_eq!(namespace.resolve("/svc/nested/y").unwrap().1, "y");
    assert_eq!(namespace.resolve("/svc").unwrap().1, ".");
    assert!(namespace.resolve("/svcfoo").is_none());
    assert!(namespace.resolve("/other").is_none());
    let (c, _c_server) = create_endpoints::<fio::DirectoryMarker>();
    namespace.bind("/svc", c);
    assert_eq!(namespace.paths(), vec!["/svc/nested".to_owned(), "/svc".to_owned()]);
}

#[test]
fn a_send_service_fs_can_move_to_another_thread() {
    let (fs, dir) = echo_fs();
    let handle = std::thread::spawn(move || {
        fasync::LocalExecutor::default().run_singlethreaded(
            fs.for_each_concurrent(None, |IncomingRequest::Echo(stream)| serve_echo(stream)),
        )
    });
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let echo = client::connect_to_protocol_at_dir_svc::<EchoMarker>(&dir).unwrap();
        assert_eq!(echo.echo_string("thread").await.unwrap(), "thread");
    });
    drop(dir);
    handle.join().unwrap();
}

#[test]
fn inspect_sink_marks_last_as_long_as_their_guard() {
    use fuchsia_component::host::{inspect_sink_routed, mark_inspect_sink_unrouted};
    assert!(inspect_sink_routed("realm_builder:mark/a"));
    let first = mark_inspect_sink_unrouted("realm_builder:mark/a");
    let second = mark_inspect_sink_unrouted("realm_builder:mark/b");
    assert!(!inspect_sink_routed("realm_builder:mark/a"));
    assert!(!inspect_sink_routed("realm_builder:mark/b"));
    drop(first);
    assert!(inspect_sink_routed("realm_builder:mark/a"));
    assert!(!inspect_sink_routed("realm_builder:mark/b"));
    drop(second);
    assert!(inspect_sink_routed("realm_builder:mark/b"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Any Open path is served or refused with an epitaph; the directory keeps serving.
    #[test]
    fn arbitrary_open_paths_are_served_or_refused(path in r"[a-z./]{0,12}", flags in 0u64..8) {
        fasync::LocalExecutor::default().run_singlethreaded(async {
            let (fs, dir) = echo_fs();
            let _server = run_fs(fs);
            let (client, server) = create_endpoints::<EchoMarker>();
            dir.open(&path, fio::Flags::from_bits_retain(flags), server.into_channel()).unwrap();
            let _ = client.into_proxy().echo_string("x").await;
            let echo = client::connect_to_protocol_at_dir_svc::<EchoMarker>(&dir).unwrap();
            assert_eq!(echo.echo_string("alive").await.unwrap(), "alive");
        });
    }
}
