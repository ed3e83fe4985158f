//! A component's trace events are recorded once it has created its provider.

use fuchsia_trace::host::Session;
use fuchsia_trace::{Scope, instant};

#[test]
fn creating_the_provider_lets_the_component_s_events_be_recorded() {
    let session = Session::start(&["tp-cat"]);
    let instance =
        fuchsia_runtime::host::ComponentInstance::new("realm_builder:t/tp", "#meta/tp.cm", []);
    let _entered = instance.enter();
    instant!("tp-cat", "before", Scope::Process);
    fuchsia_trace_provider::trace_provider_create_with_fdio();
    fuchsia_trace_provider::trace_provider_wait_for_init();
    instant!("tp-cat", "after", Scope::Process);
    let names: Vec<_> = session.events().into_iter().map(|e| e.name).collect();
    assert_eq!(names, vec!["after".to_owned()]);
}
