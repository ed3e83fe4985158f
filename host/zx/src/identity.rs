//! Kernel object identities: `Koid` and `ObjectType`.

use std::sync::atomic::{AtomicU64, Ordering};

/// A kernel object id. Unique for the life of the system; 0 is invalid, 1 the kernel.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct Koid(u64);

impl Koid {
    pub const fn from_raw(raw: u64) -> Koid {
        Koid(raw)
    }

    pub const fn raw_koid(&self) -> u64 {
        self.0
    }
}

/// The next koid to hand out. Starts at `ZX_KOID_FIRST`; touched by every thread that creates
/// an object, with relaxed atomics (only uniqueness matters).
static NEXT_KOID: AtomicU64 = AtomicU64::new(crate::sys::ZX_KOID_FIRST);

/// Allocates a fresh koid. Koids are 63-bit; the host never gets near the limit.
pub(crate) fn new_koid() -> Koid {
    Koid(NEXT_KOID.fetch_add(1, Ordering::Relaxed))
}

/// The type of a kernel object (`zx_obj_type_t`).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct ObjectType(u32);

impl ObjectType {
    pub const NONE: ObjectType = ObjectType(0);
    pub const PROCESS: ObjectType = ObjectType(1);
    pub const THREAD: ObjectType = ObjectType(2);
    pub const VMO: ObjectType = ObjectType(3);
    pub const CHANNEL: ObjectType = ObjectType(4);
    pub const EVENT: ObjectType = ObjectType(5);
    pub const PORT: ObjectType = ObjectType(6);
    pub const INTERRUPT: ObjectType = ObjectType(9);
    pub const PCI_DEVICE: ObjectType = ObjectType(11);
    pub const DEBUGLOG: ObjectType = ObjectType(12);
    pub const SOCKET: ObjectType = ObjectType(14);
    pub const RESOURCE: ObjectType = ObjectType(15);
    pub const EVENTPAIR: ObjectType = ObjectType(16);
    pub const JOB: ObjectType = ObjectType(17);
    pub const VMAR: ObjectType = ObjectType(18);
    pub const FIFO: ObjectType = ObjectType(19);
    pub const GUEST: ObjectType = ObjectType(20);
    pub const VCPU: ObjectType = ObjectType(21);
    pub const TIMER: ObjectType = ObjectType(22);
    pub const IOMMU: ObjectType = ObjectType(23);
    pub const BTI: ObjectType = ObjectType(24);
    pub const PROFILE: ObjectType = ObjectType(25);
    pub const PMT: ObjectType = ObjectType(26);
    pub const SUSPEND_TOKEN: ObjectType = ObjectType(27);
    pub const PAGER: ObjectType = ObjectType(28);
    pub const EXCEPTION: ObjectType = ObjectType(29);
    pub const CLOCK: ObjectType = ObjectType(30);
    pub const STREAM: ObjectType = ObjectType(31);
    pub const MSI: ObjectType = ObjectType(32);
    pub const IOB: ObjectType = ObjectType(33);
    pub const COUNTER: ObjectType = ObjectType(34);

    pub const fn from_raw(raw: u32) -> ObjectType {
        ObjectType(raw)
    }

    pub const fn into_raw(self) -> u32 {
        self.0
    }
}
