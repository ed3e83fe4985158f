//! RealmBuilder on the host: resolution, routing, enforcement and destruction.

mod common;

use fidl::endpoints::ClientEnd;
use fidl_test_protocol::{EchoMarker, EchoProxy, EchoRequest, EchoRequestStream};
use fuchsia_async as fasync;
use fuchsia_component::server::ServiceFs;
use fuchsia_component_test::{
    Capability, ChildOptions, Error, LocalComponentHandles, RealmBuilder, RealmInstance, Ref, Route,
};
use futures::channel::mpsc;
use futures::{FutureExt, StreamExt, TryStreamExt};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

fn run<F: std::future::Future>(future: F) -> F::Output {
    fasync::LocalExecutor::default().run_singlethreaded(future)
}

async fn echo(proxy: &EchoProxy, value: &str) -> Result<String, fidl::Error> {
    proxy.echo_string(value).await
}

/// A realm with `echo_server` exposing Echo to the parent.
async fn server_realm() -> RealmInstance {
    let builder = RealmBuilder::new().await.unwrap();
    let server = builder
        .add_child("echo_server", "#meta/echo_server.cm", ChildOptions::new().eager())
        .await
        .unwrap();
    builder
        .add_route(
            Route::new()
                .capability(Capability::protocol::<EchoMarker>())
                .from(&server)
                .to(Ref::parent()),
        )
        .await
        .unwrap();
    builder.build().await.unwrap()
}

#[test]
fn a_registered_child_serves_its_exposed_protocol_to_the_parent() {
    run(async {
        let realm = server_realm().await;
        assert!(realm.root.child_name().starts_with("auto-"));
        let proxy = realm.root.connect_to_protocol_at_exposed_dir::<EchoProxy>().unwrap();
        assert_eq!(echo(&proxy, "hi").await.unwrap(), "hi");
        let client_end: ClientEnd<EchoMarker> =
            realm.root.connect_to_protocol_at_exposed_dir().unwrap();
        assert_eq!(echo(&client_end.into_proxy(), "end").await.unwrap(), "end");
        let named = realm
            .root
            .connect_to_named_protocol_at_exposed_dir::<EchoMarker>("test.protocol.Echo")
            .unwrap();
        assert_eq!(echo(&named, "named").await.unwrap(), "named");
        // Not routed to the parent: not in the exposed directory.
        let missing =
            realm.root.connect_to_named_protocol_at_exposed_dir::<EchoMarker>("other").unwrap();
        assert!(matches!(
            echo(&missing, "x").await,
            Err(fidl::Error::ClientChannelClosed { status: zx::Status::NOT_FOUND, .. })
        ));
    });
}

#[test]
fn a_local_child_uses_a_protocol_exposed_by_another_child() {
    run(async {
        let builder = RealmBuilder::new().await.unwrap();
        let server = builder
            .add_child("echo_server", "#meta/echo_server.cm", ChildOptions::new())
            .await
            .unwrap();
        let (results, mut received) = mpsc::unbounded();
        let client = builder
            .add_local_child(
                "client",
                move |handles: LocalComponentHandles| {
                    let results = results.clone();
                    async move {
                        let moniker = fuchsia_runtime::host::current_component()
                            .map(|c| c.moniker().to_owned());
                        let echo = handles.connect_to_protocol::<EchoMarker>()?;
                        let reply = echo.echo_string("from local").await?;
                        // Not routed to the local child: closed.
                        let other = handles.connect_to_named_protocol::<EchoMarker>("nothing")?;
                        let unrouted = other.echo_string("x").await.is_err();
                        results.unbounded_send((moniker, reply, unrouted))?;
                        Ok(())
                    }
                    .boxed()
                },
                ChildOptions::new().eager(),
            )
            .await
            .unwrap();
        builder
            .add_route(
                Route::new()
                    .capability(Capability::protocol::<EchoMarker>())
                    .from(&server)
                    .to(&client),
            )
            .await
            .unwrap();
        let realm = builder.build().await.unwrap();
        let (moniker, reply, unrouted) = received.next().await.unwrap();
        assert_eq!(moniker, Some(format!("realm_builder:{}/client", realm.root.child_name())));
        assert_eq!(reply, "from local");
        assert!(unrouted);
    });
}

async fn relay_realm(route_upstream: bool) -> RealmInstance {
    let builder = RealmBuilder::new().await.unwrap();
    let server =
        builder.add_child("server", "#meta/echo_server.cm", ChildOptions::new()).await.unwrap();
    let relay =
        builder.add_child("relay", "#meta/echo_relay.cm", ChildOptions::new()).await.unwrap();
    if route_upstream {
        builder
            .add_route(
                Route::new()
                    .capability(Capability::protocol::<EchoMarker>().as_("test.protocol.Echo"))
                    .from(&server)
                    .to(&relay),
            )
            .await
            .unwrap();
    }
    builder
        .add_route(
            Route::new()
                .capability(Capability::protocol::<EchoMarker>())
                .from(&relay)
                .to(Ref::parent()),
        )
        .await
        .unwrap();
    builder
        .add_route(
            Route::new()
                .capability(Capability::dictionary("diagnostics"))
                .from(Ref::parent())
                .to(&relay)
                .to(&server),
        )
        .await
        .unwrap();
    builder.build().await.unwrap()
}

#[test]
fn lazy_children_start_when_a_routed_connection_reaches_them() {
    run(async {
        let realm = relay_realm(true).await;
        let relay = realm.root.connect_to_protocol_at_exposed_dir::<EchoProxy>().unwrap();
        assert_eq!(echo(&relay, "through").await.unwrap(), "through");
    });
}

#[test]
fn a_use_without_a_route_closes_with_peer_closed() {
    run(async {
        let realm = relay_realm(false).await;
        let relay = realm.root.connect_to_protocol_at_exposed_dir::<EchoProxy>().unwrap();
        let closed = format!("error: {}", zx::Status::PEER_CLOSED);
        assert_eq!(echo(&relay, "lost").await.unwrap(), closed);
        // The optional use behaves the same, without a routing warning.
        assert_eq!(echo(&relay, "optional").await.unwrap(), closed);
    });
}

#[test]
fn routing_a_protocol_the_child_does_not_expose_fails_at_build() {
    run(async {
        let builder = RealmBuilder::new().await.unwrap();
        let server =
            builder.add_child("s", "#meta/echo_server.cm", ChildOptions::new()).await.unwrap();
        builder
            .add_route(
                Route::new()
                    .capability(Capability::protocol_by_name("fuchsia.Other"))
                    .from(&server)
                    .to(Ref::parent()),
            )
            .await
            .unwrap();
        match builder.build().await {
            Err(Error::CapabilityNotExposed { capability, child }) => {
                assert_eq!((capability.as_str(), child.as_str()), ("fuchsia.Other", "s"));
            }
            other => panic!("expected CapabilityNotExposed, got {:?}", other.err()),
        }
    });
}

#[test]
fn build_rejects_duplicate_routes_and_dictionaries_from_children() {
    run(async {
        let builder = RealmBuilder::new().await.unwrap();
        let server =
            builder.add_child("s", "#meta/echo_server.cm", ChildOptions::new()).await.unwrap();
        for _ in 0..2 {
            builder
                .add_route(
                    Route::new()
                        .capability(Capability::protocol::<EchoMarker>())
                        .from(&server)
                        .to(Ref::parent()),
                )
                .await
                .unwrap();
        }
        assert!(matches!(builder.build().await, Err(Error::DuplicateRoute { .. })));

        let builder = RealmBuilder::new().await.unwrap();
        let local = builder
            .add_local_child("l", |_| async { Ok(()) }.boxed(), ChildOptions::new())
            .await
            .unwrap();
        builder
            .add_route(
                Route::new().capability(Capability::dictionary("d")).from(&local).to(Ref::parent()),
            )
            .await
            .unwrap();
        assert!(matches!(builder.build().await, Err(Error::InvalidRoute(_))));
    });
}

#[test]
fn add_route_rejects_incomplete_or_inconsistent_routes() {
    run(async {
        let builder = RealmBuilder::new().await.unwrap();
        let a = builder
            .add_local_child("a", |_| async { Ok(()) }.boxed(), ChildOptions::new())
            .await
            .unwrap();
        let echo = || Capability::protocol::<EchoMarker>();
        let cases = [
            Route::new().capability(echo()).to(&a),
            Route::new().capability(echo()).from(Ref::parent()),
            Route::new().from(Ref::parent()).to(&a),
            Route::new().capability(echo()).from(&a).to(&a),
            Route::new().capability(echo()).from(Ref::void()).to(&a),
            Route::new().capability(echo()).from(Ref::parent()).to(Ref::void()),
            Route::new().capability(Capability::protocol_by_name("a/b")).from(Ref::parent()).to(&a),
            Route::new().capability(echo().as_("..")).from(Ref::parent()).to(&a),
            Route::new().capability(Capability::dictionary("")).from(Ref::parent()).to(&a),
        ];
        for route in cases {
            assert!(matches!(builder.add_route(route).await, Err(Error::InvalidRoute(_))));
        }
        let unknown = Route::new().capability(echo()).from(Ref::child("nobody")).to(&a);
        assert!(
            matches!(builder.add_route(unknown).await, Err(Error::NoSuchChild(name)) if name == "nobody")
        );
        let optional_void = Route::new().capability(echo().optional()).from(Ref::void()).to(&a);
        builder.add_route(optional_void).await.unwrap();
    });
}

#[test]
fn add_child_rejects_bad_names_and_unresolvable_urls() {
    run(async {
        let builder = RealmBuilder::new().await.unwrap();
        builder.add_child("s", "#meta/echo_server.cm", ChildOptions::new()).await.unwrap();
        assert!(matches!(
            builder.add_child("s", "#meta/echo_server.cm", ChildOptions::new()).await,
            Err(Error::ChildName(_))
        ));
        assert!(matches!(
            builder
                .add_local_child("bad/name", |_| async { Ok(()) }.boxed(), ChildOptions::new())
                .await,
            Err(Error::ChildName(_))
        ));
        assert!(matches!(
            builder.add_child("u", "echo_server", ChildOptions::new()).await,
            Err(Error::InvalidUrl(_))
        ));
        assert!(matches!(
            builder.add_child("u", "#meta/not_registered.cm", ChildOptions::new()).await,
            Err(Error::UnresolvableUrl { .. })
        ));
        // A full package URL resolves by its fragment.
        builder
            .add_child(
                "full",
                "fuchsia-pkg://fuchsia.com/echo#meta/echo_server.cm",
                ChildOptions::new(),
            )
            .await
            .unwrap();
    });
}

/// A local child that serves Echo and runs a helper thread until its future is dropped.
fn serving_local_child(
    helper_exited: Arc<AtomicBool>,
) -> impl Fn(LocalComponentHandles) -> futures::future::BoxFuture<'static, Result<(), anyhow::Error>>
+ Send
+ Sync
+ 'static {
    move |handles| {
        let helper_exited = Arc::clone(&helper_exited);
        async move {
            // The helper waits for the peer of `keep` to close: it is closed when this
            // future is dropped, i.e. when the component is stopped.
            let (keep, watched) = zx::Channel::create();
            std::thread::spawn(move || {
                let _ = watched
                    .wait_one(zx::Signals::CHANNEL_PEER_CLOSED, zx::MonotonicInstant::INFINITE);
                helper_exited.store(true, Ordering::SeqCst);
            });
            let mut fs = ServiceFs::new();
            fs.dir("svc").add_fidl_service(|stream: EchoRequestStream| stream);
            fs.serve_connection(handles.outgoing_dir)?;
            fs.for_each_concurrent(None, |stream| {
                stream
                    .try_for_each(|request| async move {
                        if let EchoRequest::EchoString { value, responder } = request {
                            responder.send(&value)?;
                        }
                        Ok(())
                    })
                    .map(|_| ())
            })
            .await;
            drop(keep);
            Ok(())
        }
        .boxed()
    }
}

#[test]
fn dropping_the_realm_stops_components_joins_threads_and_closes_channels() {
    run(async {
        let helper_exited = Arc::new(AtomicBool::new(false));
        let builder = RealmBuilder::new().await.unwrap();
        let local = builder
            .add_local_child(
                "local",
                serving_local_child(Arc::clone(&helper_exited)),
                ChildOptions::new().eager(),
            )
            .await
            .unwrap();
        let server = builder
            .add_child("server", "#meta/echo_server.cm", ChildOptions::new().eager())
            .await
            .unwrap();
        builder
            .add_route(
                Route::new()
                    .capability(Capability::protocol::<EchoMarker>())
                    .from(&local)
                    .to(Ref::parent()),
            )
            .await
            .unwrap();
        builder
            .add_route(
                Route::new()
                    .capability(Capability::protocol::<EchoMarker>().as_("server.Echo"))
                    .from(&server)
                    .to(Ref::parent()),
            )
            .await
            .unwrap();
        let realm = builder.build().await.unwrap();
        let local_echo = realm.root.connect_to_protocol_at_exposed_dir::<EchoProxy>().unwrap();
        let server_echo = realm
            .root
            .connect_to_named_protocol_at_exposed_dir::<EchoMarker>("server.Echo")
            .unwrap();
        assert_eq!(echo(&local_echo, "a").await.unwrap(), "a");
        assert_eq!(echo(&server_echo, "b").await.unwrap(), "b");
        assert!(!helper_exited.load(Ordering::SeqCst));

        // The connections stay open on our side while the realm is destroyed.
        realm.destroy().await.unwrap();
        assert!(helper_exited.load(Ordering::SeqCst), "the local child's thread was joined");
        for proxy in [&local_echo, &server_echo] {
            assert!(matches!(
                echo(proxy, "after").await,
                Err(fidl::Error::ClientChannelClosed { status: zx::Status::PEER_CLOSED, .. })
            ));
        }
    });
}

#[test]
fn lazy_local_children_start_only_when_connected_to() {
    run(async {
        let started = Arc::new(AtomicBool::new(false));
        let builder = RealmBuilder::new().await.unwrap();
        let flag = Arc::clone(&started);
        let serve = serving_local_child(Arc::new(AtomicBool::new(false)));
        let local = builder
            .add_local_child(
                "lazy",
                move |handles| {
                    flag.store(true, Ordering::SeqCst);
                    serve(handles)
                },
                ChildOptions::new(),
            )
            .await
            .unwrap();
        builder
            .add_route(
                Route::new()
                    .capability(Capability::protocol::<EchoMarker>())
                    .from(&local)
                    .to(Ref::parent()),
            )
            .await
            .unwrap();
        let realm = builder.build().await.unwrap();
        assert!(!started.load(Ordering::SeqCst));
        let proxy = realm.root.connect_to_protocol_at_exposed_dir::<EchoProxy>().unwrap();
        assert_eq!(echo(&proxy, "wake").await.unwrap(), "wake");
        assert!(started.load(Ordering::SeqCst));
    });
}

#[test]
fn realms_built_at_the_same_time_are_independent() {
    run(async {
        let (first, second) = (server_realm().await, server_realm().await);
        assert_ne!(first.root.child_name(), second.root.child_name());
        let a = first.root.connect_to_protocol_at_exposed_dir::<EchoProxy>().unwrap();
        let b = second.root.connect_to_protocol_at_exposed_dir::<EchoProxy>().unwrap();
        drop(first);
        assert!(echo(&a, "gone").await.is_err());
        assert_eq!(echo(&b, "alive").await.unwrap(), "alive");
    });
}

#[test]
fn builders_and_realms_can_move_between_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<RealmBuilder>();
    send_sync::<RealmInstance>();
    send_sync::<fuchsia_component_test::ScopedInstance>();
    let realm = run(server_realm());
    let proxy_on_other_thread = std::thread::spawn(move || {
        run(async move {
            let proxy = realm.root.connect_to_protocol_at_exposed_dir::<EchoProxy>().unwrap();
            echo(&proxy, "moved").await.unwrap()
        })
    });
    assert_eq!(proxy_on_other_thread.join().unwrap(), "moved");
}

#[test]
fn a_child_that_overflows_a_channel_is_stopped_like_a_crashed_component() {
    run(async {
        let (writer, reader) = zx::Channel::create();
        let writer = Arc::new(std::sync::Mutex::new(Some(writer)));
        let builder = RealmBuilder::new().await.unwrap();
        builder
            .add_local_child(
                "overflowing",
                move |_handles: LocalComponentHandles| {
                    let writer = writer.lock().unwrap().take().expect("started once");
                    async move {
                        for _ in 0..=zx::host::MAX_PENDING_CHANNEL_MESSAGES {
                            writer.write(b"m", &mut [])?;
                        }
                        unreachable!("the channel-full policy stops the component first");
                    }
                    .boxed()
                },
                ChildOptions::new().eager(),
            )
            .await
            .unwrap();
        let _realm = builder.build().await.unwrap();
        // The component's handles close when it is stopped, as a killed process's do.
        reader.wait_one(zx::Signals::CHANNEL_PEER_CLOSED, zx::MonotonicInstant::INFINITE).unwrap();
        let mut buf = zx::MessageBuf::new();
        let mut queued = 0;
        while reader.read(&mut buf).is_ok() {
            queued += 1;
        }
        assert_eq!(queued, 3501, "the overflowing write itself succeeded");
    });
}
