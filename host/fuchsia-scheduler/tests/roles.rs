//! set_role_for_this_thread through a RoleManager routed in a realm.

use fidl_fuchsia_scheduler::{
    RoleManagerMarker, RoleManagerRequest, RoleManagerRequestStream, RoleManagerSetRoleResponse,
    RoleTarget,
};
use fuchsia_async as fasync;
use fuchsia_component::server::ServiceFs;
use fuchsia_component_test::{
    Capability, ChildOptions, LocalComponentHandles, RealmBuilder, Route,
};
use futures::channel::mpsc;
use futures::{FutureExt, StreamExt, TryStreamExt};

/// What the fake RoleManager saw: (role, name of the target thread).
type Seen = (String, String);

fn role_manager(
    seen: mpsc::UnboundedSender<Seen>,
) -> impl Fn(LocalComponentHandles) -> futures::future::BoxFuture<'static, Result<(), anyhow::Error>>
+ Send
+ Sync
+ 'static {
    move |handles| {
        let seen = seen.clone();
        async move {
            let mut fs = ServiceFs::new();
            fs.dir("svc").add_fidl_service(|stream: RoleManagerRequestStream| stream);
            fs.serve_connection(handles.outgoing_dir)?;
            fs.for_each_concurrent(None, |stream| {
                let seen = seen.clone();
                stream
                    .try_for_each(move |request| {
                        let seen = seen.clone();
                        async move {
                            let RoleManagerRequest::SetRole { payload, responder } = request else {
                                return Ok(());
                            };
                            let role = payload.role.map(|r| r.role).unwrap_or_default();
                            let thread_name = match payload.target {
                                Some(RoleTarget::Thread(thread)) => thread
                                    .get_name()
                                    .map(|name| {
                                        String::from_utf8_lossy(name.as_bytes()).into_owned()
                                    })
                                    .unwrap_or_default(),
                                _ => String::new(),
                            };
                            let _ = seen.unbounded_send((role.clone(), thread_name));
                            if role == "unknown.role" {
                                responder.send(Err(zx::Status::NOT_FOUND.into_raw()))
                            } else {
                                responder.send(Ok(RoleManagerSetRoleResponse::default()))
                            }
                        }
                    })
                    .map(|_| ())
            })
            .await;
            Ok(())
        }
        .boxed()
    }
}

/// Results of the worker's thread: (first call ok, recorded role, unknown-role error text).
type WorkerReport = (Result<(), String>, Option<String>, Option<String>);

fn worker(
    report: mpsc::UnboundedSender<WorkerReport>,
) -> impl Fn(LocalComponentHandles) -> futures::future::BoxFuture<'static, Result<(), anyhow::Error>>
+ Send
+ Sync
+ 'static {
    move |_handles| {
        let report = report.clone();
        async move {
            let thread = std::thread::Builder::new().name("proxy_thread".into()).spawn(|| {
                let first =
                    fuchsia_scheduler::set_role_for_this_thread("fuchsia.starnix.runner.proxy")
                        .map_err(|e| format!("{e:#}"));
                let recorded = fuchsia_scheduler::host::role_of_this_thread();
                let unknown = fuchsia_scheduler::set_role_for_this_thread("unknown.role")
                    .err()
                    .map(|e| format!("{e:#}"));
                (first, recorded, unknown)
            })?;
            let result = fasync::unblock(move || thread.join()).await.expect("the thread returns");
            report.unbounded_send(result)?;
            Ok(())
        }
        .boxed()
    }
}

#[test]
fn the_role_is_requested_for_the_calling_thread_and_recorded() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let (seen_tx, mut seen) = mpsc::unbounded();
        let (report_tx, mut report) = mpsc::unbounded();
        let builder = RealmBuilder::new().await.unwrap();
        let manager = builder
            .add_local_child("role_manager", role_manager(seen_tx), ChildOptions::new())
            .await
            .unwrap();
        let worker = builder
            .add_local_child("worker", worker(report_tx), ChildOptions::new().eager())
            .await
            .unwrap();
        builder
            .add_route(
                Route::new()
                    .capability(Capability::protocol::<RoleManagerMarker>())
                    .from(&manager)
                    .to(&worker),
            )
            .await
            .unwrap();
        let _realm = builder.build().await.unwrap();
        let (first, recorded, unknown) = report.next().await.unwrap();
        assert_eq!(first, Ok(()));
        assert_eq!(recorded.as_deref(), Some("fuchsia.starnix.runner.proxy"));
        let unknown = unknown.expect("an unknown role is refused");
        assert!(unknown.contains("returned error"), "{unknown}");
        assert_eq!(
            seen.next().await.unwrap(),
            ("fuchsia.starnix.runner.proxy".to_owned(), "proxy_thread".to_owned())
        );
        assert_eq!(seen.next().await.unwrap().0, "unknown.role");
    });
}

#[test]
fn without_a_route_setting_a_role_fails_and_records_nothing() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let (report_tx, mut report) = mpsc::unbounded();
        let builder = RealmBuilder::new().await.unwrap();
        builder
            .add_local_child("worker", worker(report_tx), ChildOptions::new().eager())
            .await
            .unwrap();
        let _realm = builder.build().await.unwrap();
        let (first, recorded, unknown) = report.next().await.unwrap();
        let error = first.expect_err("RoleManager is not routed");
        assert!(error.contains("SetRole failed"), "{error}");
        assert_eq!(recorded, None);
        assert!(unknown.is_some());
    });
}

#[test]
fn outside_a_component_there_is_no_role_manager() {
    let error = fuchsia_scheduler::set_role_for_this_thread("r").unwrap_err();
    assert!(format!("{error:#}").contains("not in a component"));
    assert_eq!(fuchsia_scheduler::host::role_of_this_thread(), None);
}
