//! Thread objects: identity and name of an OS thread.

use super::object::{KernelObject, ObjectHeader};
use crate::{Name, Signals};
use std::sync::Arc;

pub(crate) struct ThreadObject {
    pub(crate) header: ObjectHeader,
    pub(crate) name: Name,
}

impl ThreadObject {
    pub(crate) fn create(name: Name) -> Arc<ThreadObject> {
        Arc::new(ThreadObject { header: ObjectHeader::new(Signals::NONE), name })
    }
}

impl From<Arc<ThreadObject>> for KernelObject {
    fn from(thread: Arc<ThreadObject>) -> KernelObject {
        KernelObject::Thread(thread)
    }
}
