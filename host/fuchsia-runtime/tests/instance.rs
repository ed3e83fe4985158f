//! Component instances: startup handles, singletons, thread membership.

use fuchsia_runtime::host::{ComponentInstance, ComponentStopped, StopReason, current_component};
use fuchsia_runtime::{HandleInfo, HandleType, take_startup_handle};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use zx::Peered;

fn instance(moniker: &str) -> Arc<ComponentInstance> {
    let (dir, _peer) = zx::Channel::create();
    ComponentInstance::new(
        moniker,
        "#meta/test.cm",
        [(HandleInfo::new(HandleType::DirectoryRequest, 0), dir.into_handle())],
    )
}

#[test]
fn startup_handles_are_taken_once_and_only_inside_the_instance() {
    let info = HandleInfo::new(HandleType::DirectoryRequest, 0);
    assert!(take_startup_handle(info).is_none(), "no instance outside a component");
    let component = instance("a");
    let _entered = component.enter();
    assert!(take_startup_handle(info).is_some());
    assert!(take_startup_handle(info).is_none());
    assert!(take_startup_handle(HandleType::Lifecycle.into()).is_none());
}

#[test]
fn handle_info_encodes_like_processargs() {
    assert_eq!(HandleInfo::new(HandleType::DirectoryRequest, 0).as_raw(), 0x3B);
    assert_eq!(HandleInfo::new(HandleType::User0, 2).as_raw(), 0x0002_00F0);
}

#[test]
fn entering_sets_and_leaving_restores_membership() {
    assert!(current_component().is_none());
    let outer = instance("outer");
    let entered = outer.enter();
    {
        let inner = instance("inner");
        let _entered = inner.enter();
        assert_eq!(current_component().unwrap().moniker(), "inner");
    }
    assert_eq!(current_component().unwrap().moniker(), "outer");
    drop(entered);
    assert!(current_component().is_none());
}

#[test]
fn threads_spawned_inside_an_instance_belong_to_it() {
    let component = instance("spawner");
    let entered = component.enter();
    let monikers = std::thread::spawn(|| {
        let own = current_component().map(|c| c.moniker().to_owned());
        let grandchild = std::thread::spawn(|| current_component().map(|c| c.moniker().to_owned()))
            .join()
            .unwrap();
        (own, grandchild)
    })
    .join()
    .unwrap();
    assert_eq!(monikers, (Some("spawner".to_owned()), Some("spawner".to_owned())));
    drop(entered);
    assert!(std::thread::spawn(|| current_component().is_none()).join().unwrap());
}

#[derive(Default)]
struct Tally(AtomicU32);

#[test]
fn singletons_are_per_instance_and_per_type() {
    let (a, b) = (instance("a"), instance("b"));
    a.singleton::<Tally>().0.fetch_add(1, Ordering::Relaxed);
    a.singleton::<Tally>().0.fetch_add(1, Ordering::Relaxed);
    assert_eq!(a.singleton::<Tally>().0.load(Ordering::Relaxed), 2);
    assert_eq!(b.singleton::<Tally>().0.load(Ordering::Relaxed), 0);
    assert_eq!(*a.singleton::<String>(), "");
}

#[test]
fn request_stop_raises_the_stop_event_once_and_for_all() {
    let component = instance("stopping");
    assert!(!component.is_stop_requested());
    component.request_stop();
    assert!(component.is_stop_requested());
    let signals = component
        .stop_event()
        .wait_one(zx::Signals::EVENT_SIGNALED, zx::MonotonicInstant::INFINITE_PAST)
        .unwrap();
    assert!(signals.contains(zx::Signals::EVENT_SIGNALED));
    component.request_stop();
    assert!(component.is_stop_requested());
    assert_eq!(component.stop_reason(), Some(StopReason::Requested));
}

#[test]
fn a_thread_of_an_instance_that_overflows_a_channel_crashes_the_instance() {
    let component = instance("overflowing");
    assert_eq!(component.stop_reason(), None);
    let (writer, reader) = zx::Channel::create();
    let receiver = reader.koid().unwrap().raw_koid();
    let entered = component.enter();
    let worker = std::thread::spawn(move || {
        for _ in 0..zx::host::MAX_PENDING_CHANNEL_MESSAGES {
            writer.write(b"m", &mut []).unwrap();
        }
        // The write succeeds, then the thread is stopped: it never gets the result.
        let _ = writer.write(b"one too many", &mut []);
    });
    drop(entered);
    let payload = worker.join().expect_err("the writing thread unwinds");
    assert!(payload.is::<ComponentStopped>());
    assert!(component.is_stop_requested());
    match component.stop_reason() {
        Some(StopReason::Crashed(reason)) => {
            assert!(reason.contains("ZX_EXCP_POLICY_CODE_CHANNEL_FULL_WRITE"), "{reason}");
            assert!(reason.contains(&format!("channel {receiver} ")), "{reason}");
        }
        other => panic!("unexpected stop reason {other:?}"),
    }
    let mut buf = zx::MessageBuf::new();
    let mut queued = 0;
    while reader.read(&mut buf).is_ok() {
        queued += 1;
    }
    assert_eq!(queued, 3501);
    assert!(reader.is_closed().unwrap(), "the unwound thread dropped the writer");
}

#[test]
fn the_first_stop_reason_stays() {
    let component = instance("crashing");
    component.crash("first");
    component.request_stop();
    component.crash("second");
    assert_eq!(component.stop_reason(), Some(StopReason::Crashed("first".into())));
}

#[test]
fn threads_created_inside_an_instance_are_counted_until_they_return() {
    let component = instance("counted");
    assert_eq!(component.live_threads(), 0);
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let (started_tx, started_rx) = std::sync::mpsc::channel::<()>();
    let entered = component.enter();
    let worker = std::thread::spawn(move || {
        // A grandchild that returns at once is counted while it runs.
        std::thread::spawn(|| ()).join().unwrap();
        started_tx.send(()).unwrap();
        release_rx.recv().unwrap();
    });
    drop(entered);
    started_rx.recv().unwrap();
    // The worker is live (the grandchild has been joined): counted from creation.
    assert_eq!(component.live_threads(), 1);
    // Threads created outside the instance are not counted.
    std::thread::spawn(|| ()).join().unwrap();
    assert_eq!(component.live_threads(), 1);
    release_tx.send(()).unwrap();
    component.wait_for_threads();
    assert_eq!(component.live_threads(), 0);
    worker.join().unwrap();
}

fn registered_main() {}

#[fuchsia_runtime::host::linkme::distributed_slice(fuchsia_runtime::host::COMPONENT_ENTRIES)]
#[linkme(crate = fuchsia_runtime::host::linkme)]
static TEST_ENTRY: fuchsia_runtime::host::ComponentEntry = fuchsia_runtime::host::ComponentEntry {
    package: "fuchsia-runtime-test-entry",
    manifest_dir: env!("CARGO_MANIFEST_DIR"),
    main: registered_main,
};

#[test]
fn registered_entry_points_are_listed() {
    let entry = fuchsia_runtime::host::component_entries()
        .iter()
        .find(|entry| entry.package == "fuchsia-runtime-test-entry")
        .expect("the entry registered by this test binary");
    assert_eq!(entry.manifest_dir, env!("CARGO_MANIFEST_DIR"));
    (entry.main)();
}

#[test]
fn thread_self_is_one_named_object_per_thread() {
    let (koid, name) = std::thread::Builder::new()
        .name("worker".to_string())
        .spawn(|| {
            let a = fuchsia_runtime::thread_self().koid().unwrap();
            assert_eq!(fuchsia_runtime::thread_self().koid().unwrap(), a);
            (a, fuchsia_runtime::thread_self().get_name().unwrap().to_string())
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(name, "worker");
    assert_ne!(fuchsia_runtime::thread_self().koid().unwrap(), koid);
}
