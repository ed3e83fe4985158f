//! `zx::Fifo`: a pair of ends, each a bounded queue of fixed-size elements written by the
//! other end.
//!
//! The API follows the in-tree `sdk/rust/zx/src/fifo.rs` (the element types are part of the
//! Rust type; `Fifo` without parameters carries no element type and is only transferred);
//! the kernel rules are those of `zircon/kernel/object/fifo_dispatcher.cc` and
//! `lib/syscalls/fifo.cc`, implemented in `kernel/fifo.rs`.

use crate::handle::new_handle;
use crate::kernel::fifo::{self, FifoEndpoint};
use crate::kernel::object::KernelObject;
use crate::kernel::table;
use crate::{AsHandleRef, HandleBased, HandleRef, NullableHandle, Rights, Status};
use std::marker::PhantomData;
use std::mem::{MaybeUninit, size_of};
use std::sync::Arc;
use zerocopy::{FromBytes, IntoBytes};

/// One end of a FIFO that reads elements of type `R` and writes elements of type `W` (both
/// of the size the FIFO was created with). Writing enqueues onto the peer's queue.
#[repr(transparent)]
pub struct Fifo<R = UnspecifiedFifoElement, W = R>(NullableHandle, PhantomData<(R, W)>);

/// The element type of a `Fifo` whose element type is not known; such a FIFO can only be
/// transferred, or given element types with [`Fifo::cast`].
#[derive(Copy, Clone, Debug)]
pub struct UnspecifiedFifoElement;

fn endpoint(handle: &NullableHandle, needed: Rights) -> Result<Arc<FifoEndpoint>, Status> {
    let (object, rights) = table::lookup(handle.raw_handle())?;
    let KernelObject::Fifo(end) = object else { return Err(Status::WRONG_TYPE) };
    if !rights.contains(needed) {
        return Err(Status::ACCESS_DENIED);
    }
    Ok(end)
}

impl<R: IntoBytes + FromBytes, W: IntoBytes + FromBytes> Fifo<R, W> {
    /// Creates a FIFO whose two queues each hold `elem_count` elements of `size_of::<R>()`
    /// bytes. INVALID_ARGS when `R` and `W` differ in size; OUT_OF_RANGE when either size is
    /// 0 or the elements take more than `ZX_FIFO_MAX_SIZE_BYTES` (4096). Both ends start
    /// WRITABLE, with the default FIFO rights.
    pub fn create(elem_count: usize) -> Result<(Self, Fifo<W, R>), Status> {
        if size_of::<R>() != size_of::<W>() {
            return Err(Status::INVALID_ARGS);
        }
        let _syscall = crate::host::counters::syscall();
        let (a, b) = fifo::create_pair(elem_count, size_of::<R>())?;
        Ok((
            Fifo::from(new_handle(a.into(), Rights::FIFO_DEFAULT)),
            Fifo::from(new_handle(b.into(), Rights::FIFO_DEFAULT)),
        ))
    }

    /// Writes as many elements of `buf` as the peer's queue has room for; the count written.
    /// Errors, in the kernel's order: ACCESS_DENIED without WRITE, PEER_CLOSED,
    /// OUT_OF_RANGE when `W`'s size is not the FIFO's element size or `buf` is empty,
    /// SHOULD_WAIT when the queue is full.
    pub fn write(&self, buf: &[W]) -> Result<usize, Status> {
        // SAFETY: the pointer and length describe `buf`.
        unsafe { self.write_raw(buf.as_ptr(), buf.len()) }
    }

    /// Writes one element; the errors of [`Fifo::write`].
    pub fn write_one(&self, elem: &W) -> Result<(), Status> {
        // SAFETY: the pointer is valid for one element.
        unsafe { self.write_raw(elem, 1) }.map(|written| debug_assert_eq!(written, 1))
    }

    /// [`Fifo::write`] from a raw buffer.
    ///
    /// # Safety
    /// `buf` must be valid to read for `count` elements.
    pub unsafe fn write_raw(&self, buf: *const W, count: usize) -> Result<usize, Status> {
        let _syscall = crate::host::counters::syscall();
        let end = endpoint(&self.0, Rights::WRITE)?;
        let bytes = if count == 0 || size_of::<W>() == 0 {
            &[][..]
        } else {
            // SAFETY: the caller guarantees `count` readable elements; `W: IntoBytes` has no
            // padding, so all of its bytes are initialized.
            unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), count * size_of::<W>()) }
        };
        fifo::write(&end, size_of::<W>(), bytes)
    }

    /// Reads up to `buf.len()` elements; the count read. Errors: ACCESS_DENIED without READ,
    /// OUT_OF_RANGE when `R`'s size is not the FIFO's element size or `buf` is empty; from an
    /// empty queue SHOULD_WAIT, or PEER_CLOSED once the peer has closed (queued elements are
    /// read first).
    pub fn read(&self, buf: &mut [R]) -> Result<usize, Status> {
        // SAFETY: the pointer and length describe `buf`.
        unsafe { self.read_raw(buf.as_mut_ptr(), buf.len()) }
    }

    /// Reads one element; the errors of [`Fifo::read`].
    pub fn read_one(&self) -> Result<R, Status> {
        let mut elem = MaybeUninit::<R>::uninit();
        // SAFETY: the pointer is valid to write one element.
        let count = unsafe { self.read_raw(elem.as_mut_ptr(), 1)? };
        debug_assert_eq!(count, 1);
        // SAFETY: `read_raw` initialized the element.
        Ok(unsafe { elem.assume_init() })
    }

    /// [`Fifo::read`] into memory that may be uninitialized; the elements read.
    pub fn read_uninit<'a>(&self, buf: &'a mut [MaybeUninit<R>]) -> Result<&'a mut [R], Status> {
        // SAFETY: the pointer and length describe `buf`.
        let count = unsafe { self.read_raw(buf.as_mut_ptr().cast::<R>(), buf.len())? };
        let (valid, _rest) = buf.split_at_mut(count);
        // SAFETY: `read_raw` initialized the first `count` elements.
        Ok(unsafe { std::slice::from_raw_parts_mut(valid.as_mut_ptr().cast::<R>(), count) })
    }

    /// [`Fifo::read`] into a raw buffer.
    ///
    /// # Safety
    /// `buf` must be valid to write for `count` elements (not necessarily initialized).
    pub unsafe fn read_raw(&self, buf: *mut R, count: usize) -> Result<usize, Status> {
        let _syscall = crate::host::counters::syscall();
        let end = endpoint(&self.0, Rights::READ)?;
        let bytes = if count == 0 || size_of::<R>() == 0 {
            &mut [][..]
        } else {
            let len = count * size_of::<R>();
            // SAFETY: the caller guarantees `count` writable elements; they are zeroed so the
            // byte slice is initialized, and `R: FromBytes` accepts any bytes.
            unsafe {
                std::ptr::write_bytes(buf.cast::<u8>(), 0, len);
                std::slice::from_raw_parts_mut(buf.cast::<u8>(), len)
            }
        };
        fifo::read(&end, size_of::<R>(), bytes)
    }
}

impl Fifo<UnspecifiedFifoElement> {
    /// Gives this FIFO element types; reads and writes fail with OUT_OF_RANGE unless their
    /// size is the one the FIFO was created with.
    pub fn cast<R2, W2>(self) -> Fifo<R2, W2> {
        Fifo::<R2, W2>::from(self.0)
    }
}

impl<R, W> Fifo<R, W> {
    /// Forgets the element types (for transfer).
    pub fn downcast(self) -> Fifo {
        Fifo::from(self.0)
    }

    pub fn raw_handle(&self) -> crate::sys::zx_handle_t {
        self.0.raw_handle()
    }

    pub fn into_raw(self) -> crate::sys::zx_handle_t {
        self.0.into_raw()
    }

    pub fn is_invalid(&self) -> bool {
        self.0.is_invalid()
    }

    pub fn koid(&self) -> Result<crate::Koid, Status> {
        self.0.koid()
    }

    pub fn basic_info(&self) -> Result<crate::HandleBasicInfo, Status> {
        self.0.basic_info()
    }

    pub fn wait_one(
        &self,
        signals: crate::Signals,
        deadline: crate::MonotonicInstant,
    ) -> crate::WaitResult {
        self.0.wait_one(signals, deadline)
    }

    pub fn signal(
        &self,
        clear_mask: crate::Signals,
        set_mask: crate::Signals,
    ) -> Result<(), Status> {
        self.0.signal(clear_mask, set_mask)
    }

    /// A `WaitItem` for `object_wait_many` waiting on this handle for `signals`.
    pub fn wait_item(&self, signals: crate::Signals) -> crate::WaitItem<'_> {
        self.0.wait_item(signals)
    }
}

impl<R, W> AsHandleRef for Fifo<R, W> {
    fn as_handle_ref(&self) -> HandleRef<'_> {
        self.0.as_handle_ref()
    }
}

impl<R, W> From<NullableHandle> for Fifo<R, W> {
    fn from(handle: NullableHandle) -> Self {
        Fifo(handle, PhantomData)
    }
}

impl<R, W> From<Fifo<R, W>> for NullableHandle {
    fn from(fifo: Fifo<R, W>) -> NullableHandle {
        fifo.0
    }
}

impl<R: FromBytes + IntoBytes, W: FromBytes + IntoBytes> From<Fifo> for Fifo<R, W> {
    fn from(untyped: Fifo) -> Self {
        untyped.cast()
    }
}

impl<R, W> HandleBased for Fifo<R, W> {}

impl<R, W> std::fmt::Debug for Fifo<R, W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let short = |name: &'static str| name.rsplit("::").next().unwrap_or(name);
        let name = format!(
            "Fifo<{}, {}>",
            short(std::any::type_name::<R>()),
            short(std::any::type_name::<W>())
        );
        f.debug_tuple(&name).field(&self.0).finish()
    }
}

impl<R, W> PartialEq for Fifo<R, W> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<R, W> Eq for Fifo<R, W> {}

impl<R, W> PartialOrd for Fifo<R, W> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<R, W> Ord for Fifo<R, W> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

impl<R, W> std::hash::Hash for Fifo<R, W> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state)
    }
}
