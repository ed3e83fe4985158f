//! The component's own inspector and health reporter.
//!
//! Host behaviour: components run as threads of one process, so the "static" component
//! inspector is chosen per component instance (see [`crate::component_identity`]). A thread
//! that belongs to no component instance gets the process-level inspector.

use crate::component_identity::{ComponentSlot, current_slot};
use crate::health;
use crate::stats::InspectorExt;
use crate::{Inspector, InspectorConfig, writer};
use std::sync::{Arc, Mutex};

/// A handle to the component's health reporter (`fuchsia.inspect.Health` under the
/// component inspector's root). Any thread may use it.
pub struct Health {
    node: Arc<Mutex<health::Node>>,
}

impl health::Reporter for Health {
    fn set_starting_up(&mut self) {
        self.node.lock().unwrap_or_else(|p| p.into_inner()).set_starting_up();
    }

    fn set_ok(&mut self) {
        self.node.lock().unwrap_or_else(|p| p.into_inner()).set_ok();
    }

    fn set_unhealthy(&mut self, message: &str) {
        self.node.lock().unwrap_or_else(|p| p.into_inner()).set_unhealthy(message);
    }
}

/// The component's inspector (256 KiB unless `init_inspector_with_size` ran first).
pub fn inspector() -> &'static Inspector {
    current_slot().inspector()
}

/// Sets the component inspector's size, then returns it. Has no effect on the size if the
/// inspector was already created.
pub fn init_inspector_with_size(max_size: usize) -> &'static Inspector {
    let slot = current_slot();
    slot.set_size(max_size);
    slot.inspector()
}

/// The component's health reporter; the health node is created on first use with status
/// STARTING_UP.
pub fn health() -> Health {
    Health { node: current_slot().health() }
}

/// Serves `fuchsia.inspect.Stats` (a lazy node) on the component inspector.
pub fn serve_inspect_stats() {
    inspector().record_lazy_stats();
}

impl ComponentSlot {
    fn inspector(&self) -> &'static Inspector {
        self.inspector.get_or_init(|| {
            let size = *self.size.lock().unwrap_or_else(|p| p.into_inner());
            // Leaked on purpose: the in-tree API hands out `&'static Inspector`. One inspector
            // per component instance for the life of the process.
            Box::leak(Box::new(Inspector::new(InspectorConfig::default().size(size))))
        })
    }

    fn set_size(&self, max_size: usize) {
        *self.size.lock().unwrap_or_else(|p| p.into_inner()) = max_size;
    }

    fn health(&self) -> Arc<Mutex<health::Node>> {
        self.health
            .get_or_init(|| Arc::new(Mutex::new(health::Node::new(self.inspector().root()))))
            .clone()
    }
}

impl Default for ComponentSlot {
    fn default() -> Self {
        ComponentSlot {
            size: Mutex::new(writer::DEFAULT_VMO_SIZE_BYTES),
            inspector: Default::default(),
            health: Default::default(),
        }
    }
}
