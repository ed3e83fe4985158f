//! Host-only: component instances standing in for component processes.
//!
//! The host launcher (fuchsia_component_test's RealmBuilder) creates one `ComponentInstance`
//! per started component and runs the component's entry point on a thread that has entered
//! it. Every thread that thread spawns, by any means (std::thread, executor worker threads),
//! belongs to the same instance, as threads belong to their process on Fuchsia; see
//! `thread_inheritance`. Product code never uses this module.

mod entries;
mod instance;
mod policy;
mod thread_inheritance;

pub use entries::{COMPONENT_ENTRIES, ComponentEntry, ComponentStopped, component_entries, linkme};
pub use instance::{ComponentInstance, EnteredInstance, StopReason, current_component};
