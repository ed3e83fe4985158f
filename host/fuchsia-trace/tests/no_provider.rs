//! A process whose threads (outside any component instance) created no trace provider
//! records nothing, as on Fuchsia; its own test binary, so no other test registers one.

use fuchsia_trace::host::{Session, register_provider};
use fuchsia_trace::{Scope, category_enabled, instant};

#[test]
fn nothing_is_recorded_before_the_process_creates_a_provider() {
    let session = Session::start(&["np-cat"]);
    instant!("np-cat", "before", Scope::Process);
    assert!(!fuchsia_trace::is_enabled());
    assert!(!category_enabled("np-cat"));
    assert!(session.events().is_empty());

    register_provider();
    instant!("np-cat", "after", Scope::Process);
    let names: Vec<_> = session.events().into_iter().map(|e| e.name).collect();
    assert_eq!(names, vec!["after".to_owned()]);
}
