//! Trace macros write FXT records into the started engine's buffer: only for enabled
//! categories, evaluating arguments only then, each record read back with the FXT parser.

mod common;

use common::{arg, initialized, names, record, record_into};
use fuchsia_trace::{ArgValue, Id, Scope, TraceCategoryContext, category_enabled, instant};
use fxt::{ArgValue as Value, EventPayload};
use std::cell::Cell;

#[test]
fn disabled_categories_record_nothing_and_evaluate_no_argument() {
    let recording = record("disabled", &["other-category"]);
    let evaluated = Cell::new(0);
    let count = || {
        evaluated.set(evaluated.get() + 1);
        1u64
    };
    {
        fuchsia_trace::duration!("off-category", "work", "n" => count());
    }
    instant!("off-category", "tick", Scope::Process, "n" => count());
    fuchsia_trace::counter!("off-category", "c", 1, "n" => count());
    let span = fuchsia_trace::async_enter!(Id::new(), "off-category", "x", "n" => count());
    assert!(span.is_none());
    assert_eq!(evaluated.get(), 0);
    assert!(!category_enabled("off-category"));
    assert!(category_enabled("other-category"));
    assert_eq!(recording.events(), vec![]);
}

#[test]
fn a_duration_is_one_complete_event_with_its_start_arguments() {
    let recording = record("duration", &["dur-cat"]);
    {
        fuchsia_trace::duration!("dur-cat", "forward", "bytes" => 12u64, "name" => "p1");
        instant!("dur-cat", "inside", Scope::Thread);
    }
    {
        fuchsia_trace::duration!(c"dur-cat", c"bare");
    }
    let events = recording.events();
    assert_eq!(names(&events), ["inside", "forward", "bare"]);
    let forward = &events[1];
    let EventPayload::DurationComplete { end_timestamp } = forward.payload else {
        panic!("not a complete duration: {forward:?}");
    };
    assert!(forward.timestamp <= events[0].timestamp && events[0].timestamp <= end_timestamp);
    assert_eq!(arg(forward, "bytes"), Some(&Value::Unsigned64(12)));
    assert_eq!(arg(forward, "name"), Some(&Value::String("p1".into())));
    assert_eq!(forward.category, "dur-cat");
    assert!(events[2].args.is_empty());
}

#[test]
fn instants_take_c_string_names_and_every_argument_type() {
    let recording = record("instant", &["inst-cat"]);
    let owned = String::from("s");
    instant!(c"inst-cat", c"all", Scope::Global,
        "b" => true, "i" => -1i32, "u" => 2u32, "l" => -3i64, "d" => 0.5f64,
        "z" => 4usize, "s" => &owned, "n" => (), "k" => zx::Koid::from_raw(9));
    let events = recording.events();
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event.payload, EventPayload::Instant);
    let expected = [
        ("b", Value::Boolean(true)),
        ("i", Value::Signed32(-1)),
        ("u", Value::Unsigned32(2)),
        ("l", Value::Signed64(-3)),
        ("d", Value::Double(0.5)),
        ("z", Value::Unsigned64(4)),
        ("s", Value::String("s".into())),
        ("n", Value::Null),
        ("k", Value::KernelObj(9)),
    ];
    for (key, value) in expected {
        assert_eq!(arg(event, key), Some(&value), "argument {key}");
    }
}

#[test]
fn events_carry_the_instance_s_process_and_each_thread_s_koid() {
    let recording = record("koids", &["koid-cat"]);
    instant!("koid-cat", "main", Scope::Process);
    let engine = std::sync::Arc::clone(&recording.engine);
    std::thread::spawn(move || {
        // A thread spawned in the instance belongs to it.
        instant!("koid-cat", "spawned", Scope::Process);
        drop(engine);
    })
    .join()
    .expect("thread");
    let events = recording.events();
    assert_eq!(names(&events), ["main", "spawned"]);
    assert_eq!(events[0].process.0, recording.engine.process_koid());
    assert_eq!(events[0].process, events[1].process);
    assert_ne!(events[0].thread, events[1].thread);
    let main_thread = fuchsia_runtime::thread_self().koid().expect("koid").raw_koid();
    assert_eq!(events[0].thread.0, main_thread);
}

#[test]
fn nothing_is_recorded_by_an_instance_whose_engine_is_not_started() {
    let recording = initialized("unstarted", &["ready-cat"], common::BUFFER_BYTES);
    instant!("ready-cat", "early", Scope::Process);
    assert!(!fuchsia_trace::is_enabled());
    recording.engine.start(Vec::new()).expect("start");
    assert!(fuchsia_trace::is_enabled());
    instant!("ready-cat", "late", Scope::Process);
    assert_eq!(names(&recording.events()), ["late"]);
    assert!(!fuchsia_trace::is_enabled());
}

#[test]
fn another_instance_s_started_engine_does_not_record_this_one() {
    let started = record("started-other", &["other-engine-cat"]);
    let quiet = fuchsia_runtime::host::ComponentInstance::new(
        "realm_builder:t/quiet",
        "#meta/quiet.cm",
        [],
    );
    {
        let _entered = quiet.enter();
        assert!(!category_enabled("other-engine-cat"));
        instant!("other-engine-cat", "unseen", Scope::Process);
    }
    assert_eq!(started.events(), vec![]);
}

#[test]
fn a_stopped_engine_records_nothing_more() {
    let recording = record("stop", &["stop-cat"]);
    instant!("stop-cat", "one", Scope::Process);
    let before = recording.events();
    instant!("stop-cat", "two", Scope::Process);
    assert!(!category_enabled("stop-cat"));
    assert_eq!(names(&before), ["one"]);
    assert_eq!(names(&recording.events()), ["one"]);
}

#[test]
fn an_empty_category_list_and_wildcards_enable_as_in_tree() {
    let everything = record("all", &[]);
    assert!(category_enabled("any") && category_enabled("power"));
    drop(everything);
    let prefixed = record("prefix", &["power:*", "exact"]);
    assert!(category_enabled("power:wake") && category_enabled("exact"));
    assert!(!category_enabled("powerful") && !category_enabled("exactly"));
    prefixed.engine.stop();
    prefixed.engine.start(vec!["more".to_owned()]).expect("restart");
    assert!(category_enabled("more") && category_enabled("exact"));
}

#[test]
fn a_full_buffer_drops_and_counts_records_and_keeps_every_kept_one_whole() {
    let recording = record_into("full", &["full-cat"], 4096);
    for n in 0..200u64 {
        instant!("full-cat", "fill", Scope::Thread, "n" => n);
    }
    let events = recording.events();
    assert!(!events.is_empty() && events.len() < 200);
    assert_eq!(recording.records_dropped(), 200 - events.len() as u64);
    let kept: Vec<_> = events.iter().map(|event| arg(event, "n").cloned()).collect();
    let expected: Vec<_> = (0..events.len() as u64).map(|n| Some(Value::Unsigned64(n))).collect();
    assert_eq!(kept, expected);
}

#[test]
fn engine_requests_out_of_order_are_refused() {
    use fuchsia_trace::host::{BufferingMode, EngineError, engine};
    let instance =
        fuchsia_runtime::host::ComponentInstance::new("realm_builder:t/order", "#meta/o.cm", []);
    let _entered = instance.enter();
    let engine = engine();
    assert!(matches!(engine.start(Vec::new()), Err(EngineError::NotInitialized)));
    let vmo = || zx::Vmo::create(1 << 14).expect("vmo");
    engine.initialize(vmo(), BufferingMode::Circular, Vec::new()).expect("initialize");
    assert!(matches!(
        engine.initialize(vmo(), BufferingMode::Oneshot, Vec::new()),
        Err(EngineError::AlreadyInitialized)
    ));
    assert!(matches!(engine.start(Vec::new()), Err(EngineError::Buffer(_))));
    assert!(!fuchsia_trace::is_enabled());
    engine.terminate();
    // Over the engine's 4 GiB limit (VMOs are lazy, so this costs nothing).
    let huge = zx::Vmo::create(1 << 33).expect("vmo");
    engine.initialize(huge, BufferingMode::Oneshot, Vec::new()).expect("initialize");
    assert!(matches!(engine.start(Vec::new()), Err(EngineError::Buffer(_))));
    engine.terminate();
    assert!(matches!(engine.start(Vec::new()), Err(EngineError::NotInitialized)));
}

#[test]
fn ids_are_distinct_and_convert() {
    let (a, b) = (Id::new(), Id::default());
    assert_ne!(a, b);
    assert_eq!(u64::from(Id::from(7)), 7);
}

#[test]
fn counters_record_their_id_and_series() {
    let recording = record("counter", &["counter-cat"]);
    fuchsia_trace::counter!("counter-cat", "pending", 7, "wifi" => 3i64, "input" => 0i64);
    let events = recording.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].payload, EventPayload::Counter { id: 7 });
    assert_eq!(arg(&events[0], "wifi"), Some(&Value::Signed64(3)));
    assert_eq!(arg(&events[0], "input"), Some(&Value::Signed64(0)));
}

#[test]
#[should_panic(expected = "at least one numeric argument")]
fn a_counter_without_a_series_panics_as_in_tree() {
    let _recording = record("empty-counter", &["empty-counter-cat"]);
    fuchsia_trace::counter!("empty-counter-cat", "nothing", 1);
}

#[test]
#[should_panic(expected = "no more than 15 trace arguments")]
fn more_than_15_arguments_panic_as_in_tree() {
    let _recording = record("many-args", &["many-args-cat"]);
    let args: Vec<_> = (0..16).map(|_| ArgValue::of("n", 1u64)).collect();
    if let Some(context) = TraceCategoryContext::acquire("many-args-cat") {
        instant(&context, "too many", Scope::Thread, &args);
    }
}

#[test]
fn an_async_span_begins_and_ends_with_its_id_and_an_owned_name() {
    let recording = record("async", &["async-cat"]);
    let id = Id::from(42);
    let scope =
        fuchsia_trace::async_enter!(id, "async-cat", String::from("wifi"), "source" => 1u64);
    fuchsia_trace::async_instant!(id, "async-cat", "message", "ordinal" => 5u64);
    scope.expect("the category is enabled").end(&[ArgValue::of("n", 2u64)]);
    drop(fuchsia_trace::async_enter!(Id::from(43), "async-cat", "other"));
    let events: Vec<_> = recording
        .events()
        .into_iter()
        .map(|event| (event.name.to_string(), event.payload, event.args))
        .collect();
    let one = |key: &str, n: u64| vec![fxt::Arg { name: key.into(), value: Value::Unsigned64(n) }];
    assert_eq!(
        events,
        vec![
            ("wifi".into(), EventPayload::AsyncBegin { id: 42 }, one("source", 1)),
            ("message".into(), EventPayload::AsyncInstant { id: 42 }, one("ordinal", 5)),
            ("wifi".into(), EventPayload::AsyncEnd { id: 42 }, one("n", 2)),
            ("other".into(), EventPayload::AsyncBegin { id: 43 }, vec![]),
            ("other".into(), EventPayload::AsyncEnd { id: 43 }, vec![]),
        ]
    );
}

#[test]
fn a_span_whose_engine_stopped_writes_no_end() {
    let recording = record("stopping-async", &["stopping-async-cat"]);
    let scope = fuchsia_trace::async_enter!(Id::from(1), "stopping-async-cat", "s");
    let begun = recording.events();
    drop(scope);
    assert_eq!(names(&begun), ["s"]);
    assert_eq!(names(&recording.events()), ["s"]);
}

#[test]
fn stopping_an_engine_that_never_started_keeps_its_buffer() {
    let recording = initialized("stop-unstarted", &["unstarted-cat"], common::BUFFER_BYTES);
    recording.engine.stop();
    recording.engine.start(Vec::new()).expect("still initialized");
    instant!("unstarted-cat", "kept", Scope::Process);
    assert_eq!(names(&recording.events()), ["kept"]);
}
