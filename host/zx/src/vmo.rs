//! `zx::Vmo`: a virtual memory object, here a shared byte array.

use crate::handle::{handle_based_type, new_handle};
use crate::kernel::object::KernelObject;
use crate::kernel::table;
use crate::kernel::vmo::VmoObject;
use crate::{Rights, Status};
use std::sync::Arc;

handle_based_type! {
    /// A VMO. Its size is a whole number of 4 KiB pages; reads and writes may come from any
    /// thread at once (racing accesses may tear, as on Fuchsia).
    Vmo
}

bitflags::bitflags! {
    /// Options for `Vmo::create_with_opts`.
    #[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
    pub struct VmoOptions: u32 {
        /// The VMO may be resized; its handle gets RESIZE.
        const RESIZABLE = 1 << 1;
    }
}

/// `zx_info_vmo_t`, reduced to what the host tracks (see the README).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct VmoInfo {
    pub koid: crate::Koid,
    /// The size in bytes (whole pages).
    pub size_bytes: u64,
    /// The bytes of the pages written so far (what the VMO costs in memory).
    pub committed_bytes: u64,
    /// The rights of the handle queried.
    pub handle_rights: Rights,
}

impl Vmo {
    /// Creates a VMO of `size` bytes (rounded up to a page), reading as zero, not resizable.
    pub fn create(size: u64) -> Result<Vmo, Status> {
        Vmo::create_with_opts(VmoOptions::empty(), size)
    }

    /// Creates a VMO of `size` bytes (rounded up to a page); no page costs memory until it is
    /// written. OUT_OF_RANGE if the rounded size overflows or exceeds the kernel's maximum.
    /// `VMO_ZERO_CHILDREN` is asserted.
    pub fn create_with_opts(opts: VmoOptions, size: u64) -> Result<Vmo, Status> {
        let _syscall = crate::host::counters::syscall();
        let object = VmoObject::create(size, opts.contains(VmoOptions::RESIZABLE))?;
        let rights = if opts.contains(VmoOptions::RESIZABLE) {
            Rights::VMO_DEFAULT | Rights::RESIZE
        } else {
            Rights::VMO_DEFAULT
        };
        Ok(Vmo(new_handle(object.into(), rights)))
    }

    fn object(&self, needed: Rights) -> Result<(Arc<VmoObject>, Rights), Status> {
        let (object, rights) = table::lookup(self.raw_handle())?;
        let KernelObject::Vmo(vmo) = object else { return Err(Status::WRONG_TYPE) };
        if !rights.contains(needed) {
            return Err(Status::ACCESS_DENIED);
        }
        Ok((vmo, rights))
    }

    /// Reads `data.len()` bytes at `offset`. Needs READ; OUT_OF_RANGE past the end.
    pub fn read(&self, data: &mut [u8], offset: u64) -> Result<(), Status> {
        let _syscall = crate::host::counters::syscall();
        self.object(Rights::READ)?.0.read(data, offset)
    }

    /// Reads `len` bytes at `offset` into a new vector.
    pub fn read_to_vec(&self, offset: u64, len: u64) -> Result<Vec<u8>, Status> {
        let mut data = vec![0; usize::try_from(len).map_err(|_| Status::OUT_OF_RANGE)?];
        self.read(&mut data, offset)?;
        Ok(data)
    }

    /// Writes `data` at `offset`. Needs WRITE; OUT_OF_RANGE past the end.
    pub fn write(&self, data: &[u8], offset: u64) -> Result<(), Status> {
        let _syscall = crate::host::counters::syscall();
        self.object(Rights::WRITE)?.0.write(data, offset)
    }

    /// The size in bytes (a whole number of pages).
    pub fn get_size(&self) -> Result<u64, Status> {
        let _syscall = crate::host::counters::syscall();
        Ok(self.object(Rights::NONE)?.0.size())
    }

    /// Resizes to `size` rounded up to a page; the bytes from `size` to the end of its page
    /// read as zero afterwards. Needs WRITE; a VMO created without RESIZABLE is UNAVAILABLE;
    /// a handle without RESIZE is ACCESS_DENIED; OUT_OF_RANGE as for `create`.
    pub fn set_size(&self, size: u64) -> Result<(), Status> {
        let _syscall = crate::host::counters::syscall();
        let (vmo, rights) = self.object(Rights::WRITE)?;
        if !vmo.resizable {
            return Err(Status::UNAVAILABLE);
        }
        if !rights.contains(Rights::RESIZE) {
            return Err(Status::ACCESS_DENIED);
        }
        vmo.set_size(size)
    }

    /// `ZX_INFO_VMO`, with the fields the host tracks.
    pub fn info(&self) -> Result<VmoInfo, Status> {
        let _syscall = crate::host::counters::syscall();
        let (vmo, rights) = self.object(Rights::INSPECT)?;
        Ok(VmoInfo {
            koid: vmo.header.koid,
            size_bytes: vmo.size(),
            committed_bytes: vmo.committed_pages() as u64 * crate::kernel::vmo::PAGE_SIZE,
            handle_rights: rights,
        })
    }

    /// The size the VMO was created or last resized with, in bytes. Needs GET_PROPERTY.
    pub fn get_content_size(&self) -> Result<u64, Status> {
        let _syscall = crate::host::counters::syscall();
        Ok(self.object(Rights::GET_PROPERTY)?.0.content_size())
    }
}
