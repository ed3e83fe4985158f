//! Component instances: startup handles, singletons, thread membership.

use fuchsia_runtime::host::{ComponentInstance, current_component};
use fuchsia_runtime::{HandleInfo, HandleType, take_startup_handle};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

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
