//! Counters: a signed 64-bit value whose sign is mirrored in two signals.

use super::object::{KernelObject, ObjectHeader};
use crate::{Signals, Status};
use std::sync::{Arc, Mutex, MutexGuard};

pub(crate) struct CounterObject {
    pub(crate) header: ObjectHeader,
    /// Locked by any thread that reads or changes the value; the signal lock nests inside it
    /// so that exactly one of POSITIVE / NON_POSITIVE always matches the value.
    value: Mutex<i64>,
}

fn sign_signals(value: i64) -> Signals {
    if value > 0 { Signals::COUNTER_POSITIVE } else { Signals::COUNTER_NON_POSITIVE }
}

impl CounterObject {
    pub(crate) fn create() -> Arc<CounterObject> {
        Arc::new(CounterObject { header: ObjectHeader::new(sign_signals(0)), value: Mutex::new(0) })
    }

    fn value(&self) -> MutexGuard<'_, i64> {
        self.value.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn store(&self, value: &mut i64, new: i64) {
        let (old_sign, new_sign) = (sign_signals(*value), sign_signals(new));
        *value = new;
        if old_sign != new_sign {
            self.header.signals.update(old_sign, new_sign);
        }
    }

    pub(crate) fn read(&self) -> i64 {
        *self.value()
    }

    pub(crate) fn write(&self, new: i64) {
        let mut value = self.value();
        self.store(&mut value, new);
    }

    /// Adds `delta`; OUT_OF_RANGE (value unchanged) on overflow or underflow.
    pub(crate) fn add(&self, delta: i64) -> Result<(), Status> {
        let mut value = self.value();
        let new = value.checked_add(delta).ok_or(Status::OUT_OF_RANGE)?;
        self.store(&mut value, new);
        Ok(())
    }
}

impl From<Arc<CounterObject>> for KernelObject {
    fn from(counter: Arc<CounterObject>) -> KernelObject {
        KernelObject::Counter(counter)
    }
}
