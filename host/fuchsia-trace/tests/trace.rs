//! Trace macros: recorded only for enabled categories, arguments evaluated only then.

use fuchsia_trace::host::{ArgData, EventKind, Session, register_provider};
use fuchsia_trace::{Scope, category_enabled, duration, instant};
use std::cell::Cell;

// Each test uses its own category names: tests run in parallel and sessions are global.
// Tests outside component instances register the process's trace provider first (it is
// process-wide, as on Fuchsia); tests/no_provider.rs runs without one.

#[test]
fn disabled_categories_record_nothing_and_evaluate_no_argument() {
    register_provider();
    let session = Session::start(&["other-category"]);
    let evaluated = Cell::new(0);
    let count = || {
        evaluated.set(evaluated.get() + 1);
        1u64
    };
    {
        duration!("off-category", "work", "n" => count());
    }
    instant!("off-category", "tick", Scope::Process, "n" => count());
    assert_eq!(evaluated.get(), 0);
    assert!(!category_enabled("off-category"));
    assert!(session.events().iter().all(|e| e.category != "off-category"));
}

#[test]
fn a_duration_records_begin_with_arguments_and_end_at_scope_exit() {
    register_provider();
    let session = Session::start(&["dur-cat"]);
    {
        duration!("dur-cat", "forward", "bytes" => 12u64, "name" => "p1");
        instant!("dur-cat", "inside", Scope::Thread);
    }
    let events = session.events();
    let kinds: Vec<_> = events.iter().map(|e| (e.name.as_str(), e.kind.clone())).collect();
    assert_eq!(
        kinds,
        vec![
            ("forward", EventKind::DurationBegin),
            ("inside", EventKind::Instant { scope: Scope::Thread }),
            ("forward", EventKind::DurationEnd),
        ]
    );
    assert_eq!(events[0].arg("bytes"), Some(&ArgData::Uint64(12)));
    assert_eq!(events[0].arg("name"), Some(&ArgData::String("p1".into())));
    assert!(events[0].timestamp_nanos <= events[2].timestamp_nanos);
    assert_eq!(events[0].thread, std::thread::current().id());
}

#[test]
fn instants_take_c_string_names_and_every_argument_type() {
    register_provider();
    let session = Session::start(&["inst-cat"]);
    let owned = String::from("s");
    instant!(c"inst-cat", c"all", Scope::Global,
        "b" => true, "i" => -1i32, "u" => 2u32, "l" => -3i64, "d" => 0.5f64,
        "z" => 4usize, "s" => &owned, "n" => (), "k" => zx::Koid::from_raw(9));
    let events = session.events();
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event.kind, EventKind::Instant { scope: Scope::Global });
    assert_eq!(event.arg("b"), Some(&ArgData::Bool(true)));
    assert_eq!(event.arg("i"), Some(&ArgData::Int32(-1)));
    assert_eq!(event.arg("u"), Some(&ArgData::Uint32(2)));
    assert_eq!(event.arg("l"), Some(&ArgData::Int64(-3)));
    assert_eq!(event.arg("d"), Some(&ArgData::Double(0.5)));
    assert_eq!(event.arg("z"), Some(&ArgData::Uint64(4)));
    assert_eq!(event.arg("s"), Some(&ArgData::String("s".into())));
    assert_eq!(event.arg("n"), Some(&ArgData::Null));
    assert_eq!(event.arg("k"), Some(&ArgData::Koid(9)));
    assert_eq!(event.arg("missing"), None);
}

#[test]
fn a_stopped_session_records_nothing_more() {
    register_provider();
    let session = Session::start(&["stop-cat"]);
    assert!(fuchsia_trace::is_enabled());
    let other = Session::start(&["stop-cat"]);
    drop(other);
    instant!("stop-cat", "one", Scope::Process);
    assert_eq!(session.events().len(), 1);
    drop(session);
    assert!(!category_enabled("stop-cat"));
}

#[test]
fn events_carry_the_component_moniker() {
    let session = Session::start(&["moniker-cat"]);
    let instance =
        fuchsia_runtime::host::ComponentInstance::new("realm_builder:t/c", "#meta/c.cm", []);
    {
        let _entered = instance.enter();
        register_provider();
        instant!("moniker-cat", "in", Scope::Process);
    }
    register_provider();
    instant!("moniker-cat", "out", Scope::Process);
    let monikers: Vec<_> = session.events().into_iter().map(|e| e.moniker).collect();
    assert_eq!(monikers, vec![Some("realm_builder:t/c".to_owned()), None]);
}

#[test]
fn a_component_records_nothing_until_it_creates_a_provider() {
    let session = Session::start(&["provider-cat"]);
    let instance =
        fuchsia_runtime::host::ComponentInstance::new("realm_builder:t/p", "#meta/p.cm", []);
    let _entered = instance.enter();
    let evaluated = Cell::new(0);
    let count = || {
        evaluated.set(evaluated.get() + 1);
        1u64
    };
    instant!("provider-cat", "before", Scope::Process, "n" => count());
    assert!(!fuchsia_trace::is_enabled());
    assert!(!category_enabled("provider-cat"));
    assert_eq!(evaluated.get(), 0);
    register_provider();
    register_provider();
    instant!("provider-cat", "after", Scope::Process, "n" => count());
    assert!(category_enabled("provider-cat"));
    let names: Vec<_> = session.events().into_iter().map(|e| e.name).collect();
    assert_eq!(names, vec!["after".to_owned()]);
    assert_eq!(evaluated.get(), 1);
}

#[test]
fn another_component_s_provider_does_not_cover_this_one() {
    let session = Session::start(&["other-provider-cat"]);
    let with = fuchsia_runtime::host::ComponentInstance::new("realm_builder:t/w", "#meta/w.cm", []);
    let without =
        fuchsia_runtime::host::ComponentInstance::new("realm_builder:t/o", "#meta/o.cm", []);
    {
        let _entered = with.enter();
        register_provider();
    }
    register_provider();
    {
        let _entered = without.enter();
        instant!("other-provider-cat", "unseen", Scope::Process);
    }
    assert!(session.events().is_empty());
}

#[test]
fn ids_are_distinct_and_convert() {
    let (a, b) = (fuchsia_trace::Id::new(), fuchsia_trace::Id::default());
    assert_ne!(a, b);
    assert_eq!(u64::from(fuchsia_trace::Id::from(7)), 7);
}

#[test]
fn counters_record_their_id_and_series() {
    register_provider();
    let session = Session::start(&["counter-cat"]);
    fuchsia_trace::counter!("counter-cat", "pending", 7, "wifi" => 3i64, "input" => 0i64);
    let events = session.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, EventKind::Counter { id: 7 });
    assert_eq!(events[0].arg("wifi"), Some(&ArgData::Int64(3)));
    assert_eq!(events[0].arg("input"), Some(&ArgData::Int64(0)));
}

#[test]
#[should_panic(expected = "at least one numeric argument")]
fn a_counter_without_a_series_panics_as_in_tree() {
    register_provider();
    let _session = Session::start(&["empty-counter-cat"]);
    fuchsia_trace::counter!("empty-counter-cat", "nothing", 1);
}

#[test]
#[should_panic(expected = "no more than 15 trace arguments")]
fn more_than_15_arguments_panic_as_in_tree() {
    register_provider();
    let _session = Session::start(&["many-args-cat"]);
    let args: Vec<_> = (0..16).map(|_| fuchsia_trace::ArgValue::of("n", 1u64)).collect();
    if let Some(context) = fuchsia_trace::TraceCategoryContext::acquire("many-args-cat") {
        instant(&context, "too many", Scope::Thread, &args);
    }
}

#[test]
fn an_async_span_begins_and_ends_with_its_id_and_an_owned_name() {
    register_provider();
    let session = Session::start(&["async-cat"]);
    let id = fuchsia_trace::Id::from(42);
    let scope =
        fuchsia_trace::async_enter!(id, "async-cat", String::from("wifi"), "source" => 1u64);
    fuchsia_trace::async_instant!(id, "async-cat", "message", "ordinal" => 5u64);
    scope.expect("the category is enabled").end(&[fuchsia_trace::ArgValue::of("n", 2u64)]);
    let dropped = fuchsia_trace::async_enter!(fuchsia_trace::Id::from(43), "async-cat", "other");
    drop(dropped);
    let events: Vec<_> =
        session.events().into_iter().map(|e| (e.name.clone(), e.kind.clone(), e.args)).collect();
    assert_eq!(
        events,
        vec![
            (
                "wifi".into(),
                EventKind::AsyncBegin { id: 42 },
                vec![("source".into(), ArgData::Uint64(1))]
            ),
            (
                "message".into(),
                EventKind::AsyncInstant { id: 42 },
                vec![("ordinal".into(), ArgData::Uint64(5))]
            ),
            ("wifi".into(), EventKind::AsyncEnd { id: 42 }, vec![("n".into(), ArgData::Uint64(2))]),
            ("other".into(), EventKind::AsyncBegin { id: 43 }, vec![]),
            ("other".into(), EventKind::AsyncEnd { id: 43 }, vec![]),
        ]
    );
}

#[test]
fn async_spans_of_a_disabled_category_are_none_and_evaluate_no_argument() {
    register_provider();
    let _session = Session::start(&["some-async-cat"]);
    let evaluated = Cell::new(0);
    let count = || {
        evaluated.set(evaluated.get() + 1);
        1u64
    };
    let scope =
        fuchsia_trace::async_enter!(fuchsia_trace::Id::new(), "off-async-cat", "x", "n" => count());
    assert!(scope.is_none());
    fuchsia_trace::counter!("off-async-cat", "c", 1, "n" => count());
    assert_eq!(evaluated.get(), 0);
}

#[test]
fn a_span_whose_session_stopped_writes_no_end() {
    register_provider();
    let session = Session::start(&["stopping-async-cat"]);
    let scope = fuchsia_trace::async_enter!(fuchsia_trace::Id::from(1), "stopping-async-cat", "s");
    let begun = session.events();
    drop(session);
    let late = Session::start(&["other-late-cat"]);
    drop(scope);
    assert_eq!(begun.len(), 1);
    assert!(late.events().is_empty());
}
