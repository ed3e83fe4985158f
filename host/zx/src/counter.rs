//! `zx::Counter`: a signed 64-bit counter signalling its sign.

use crate::handle::{handle_based_type, new_handle};
use crate::kernel::counter::CounterObject;
use crate::kernel::object::KernelObject;
use crate::kernel::table;
use crate::{Rights, Status};
use std::sync::Arc;

handle_based_type! {
    /// A counter. Exactly one of COUNTER_POSITIVE (value > 0) and COUNTER_NON_POSITIVE
    /// (value <= 0) is asserted at any time.
    Counter
}

impl Counter {
    /// Creates a counter at 0 (NON_POSITIVE asserted) with the default counter rights.
    pub fn create() -> Counter {
        let _syscall = crate::host::counters::syscall();
        Counter(new_handle(CounterObject::create().into(), Rights::COUNTER_DEFAULT))
    }

    fn object(&self, needed: Rights) -> Result<Arc<CounterObject>, Status> {
        let (object, rights) = table::lookup(self.raw_handle())?;
        let KernelObject::Counter(counter) = object else { return Err(Status::WRONG_TYPE) };
        if !rights.contains(needed) {
            return Err(Status::ACCESS_DENIED);
        }
        Ok(counter)
    }

    /// Adds `value` (may be negative). Needs READ and WRITE; OUT_OF_RANGE on overflow or
    /// underflow, leaving the value unchanged.
    pub fn add(&self, value: i64) -> Result<(), Status> {
        let _syscall = crate::host::counters::syscall();
        self.object(Rights::READ | Rights::WRITE)?.add(value)
    }

    /// The current value. Needs READ.
    pub fn read(&self) -> Result<i64, Status> {
        let _syscall = crate::host::counters::syscall();
        Ok(self.object(Rights::READ)?.read())
    }

    /// Sets the value. Needs WRITE.
    pub fn write(&self, value: i64) -> Result<(), Status> {
        let _syscall = crate::host::counters::syscall();
        self.object(Rights::WRITE)?.write(value);
        Ok(())
    }
}
