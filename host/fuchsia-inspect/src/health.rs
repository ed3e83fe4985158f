//! The standard health node, `fuchsia.inspect.Health`.
//!
//! Shows `status` ("STARTING_UP", "OK" or "UNHEALTHY"), `start_timestamp_nanos` (monotonic time
//! of creation, nanoseconds) and, only while unhealthy, `message`.

use crate::{IntProperty, Node as InspectNode, Property, StringProperty};

/// Name of the health node.
pub const FUCHSIA_INSPECT_HEALTH: &str = "fuchsia.inspect.Health";

/// Status strings.
mod status {
    pub const STARTING_UP: &str = "STARTING_UP";
    pub const OK: &str = "OK";
    pub const UNHEALTHY: &str = "UNHEALTHY";
}

/// Reports health transitions.
pub trait Reporter {
    /// The component is starting up.
    fn set_starting_up(&mut self);
    /// The component is healthy.
    fn set_ok(&mut self);
    /// The component is unhealthy, for the reason in `message`.
    fn set_unhealthy(&mut self, message: &str);
}

/// A health node under some parent node.
#[derive(Debug)]
pub struct Node {
    // Field order matters: properties are dropped before the node that holds them.
    status: StringProperty,
    message: Option<StringProperty>,
    _start_timestamp_nanos: IntProperty,
    node: InspectNode,
}

impl Node {
    /// Creates `fuchsia.inspect.Health` under `parent` with status STARTING_UP.
    pub fn new(parent: &InspectNode) -> Self {
        parent.atomic_update(|parent| {
            let node = parent.create_child(FUCHSIA_INSPECT_HEALTH);
            let status = node.create_string("status", status::STARTING_UP);
            let start =
                node.create_int("start_timestamp_nanos", zx::MonotonicInstant::get().into_nanos());
            Node { status, message: None, _start_timestamp_nanos: start, node }
        })
    }

    fn set(&mut self, status: &str, message: Option<&str>) {
        self.node.atomic_update(|node| {
            self.status.set(status);
            match (message, &self.message) {
                (Some(text), Some(property)) => property.set(text),
                (Some(text), None) => self.message = Some(node.create_string("message", text)),
                (None, _) => self.message = None,
            }
        });
    }
}

impl Reporter for Node {
    fn set_starting_up(&mut self) {
        self.set(status::STARTING_UP, None);
    }

    fn set_ok(&mut self) {
        self.set(status::OK, None);
    }

    fn set_unhealthy(&mut self, message: &str) {
        self.set(status::UNHEALTHY, Some(message));
    }
}
