//! `zx::Thread`: the kernel object of an OS thread, carrying its name.

use crate::handle::{handle_based_type, new_handle};
use crate::kernel::object::KernelObject;
use crate::kernel::table;
use crate::kernel::thread::ThreadObject;
use crate::{Name, Rights, Status};

handle_based_type! {
    /// A thread. On the host, one object stands for each OS thread of the process; its name
    /// is the OS thread's name when the object was created.
    Thread
}

impl Thread {
    /// A new handle to an object for the calling OS thread, named after it. Host-only way
    /// to make one; `fuchsia_runtime::thread_self()` keeps one per thread.
    pub fn for_current_thread() -> Thread {
        let name = Name::new_lossy(std::thread::current().name().unwrap_or(""));
        Thread(new_handle(ThreadObject::create(name).into(), Rights::THREAD_DEFAULT))
    }

    /// The thread's name (`ZX_PROP_NAME`). Needs GET_PROPERTY.
    pub fn get_name(&self) -> Result<Name, Status> {
        let _syscall = crate::host::counters::syscall();
        let (object, rights) = table::lookup(self.raw_handle())?;
        let KernelObject::Thread(thread) = object else { return Err(Status::WRONG_TYPE) };
        if !rights.contains(Rights::GET_PROPERTY) {
            return Err(Status::ACCESS_DENIED);
        }
        Ok(thread.name)
    }
}
