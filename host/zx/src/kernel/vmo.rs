//! VMOs: resizable byte arrays that one thread may read while another writes.

use super::object::{KernelObject, ObjectHeader};
use crate::{Signals, Status};
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// The page size; VMO sizes are rounded up to it.
pub(crate) const PAGE_SIZE: u64 = 4096;

/// The largest VMO the host emulation creates, in bytes. Zircon's limit is far higher; past
/// this the host reports NO_MEMORY, as Zircon does when it cannot commit the pages.
pub(crate) const MAX_HOST_VMO_SIZE: u64 = 1 << 32;

pub(crate) struct VmoObject {
    pub(crate) header: ObjectHeader,
    /// The pages. Readers and writers of bytes take the read lock and use relaxed atomic byte
    /// accesses (racing accesses are defined but may tear, as on Fuchsia); only a resize takes
    /// the write lock.
    data: RwLock<Box<[AtomicU8]>>,
    /// The size the creator asked for, in bytes (`ZX_PROP_VMO_CONTENT_SIZE`).
    content_size: AtomicU64,
}

fn zeroed_pages(size: u64) -> Result<Box<[AtomicU8]>, Status> {
    if size > MAX_HOST_VMO_SIZE {
        return Err(Status::NO_MEMORY);
    }
    let rounded = size.div_ceil(PAGE_SIZE) * PAGE_SIZE;
    let bytes = vec![0u8; rounded as usize].into_boxed_slice();
    // SAFETY: AtomicU8 has the same size, alignment and bit validity as u8, and the box is
    // uniquely owned, so reinterpreting the allocation is sound.
    Ok(unsafe { Box::from_raw(Box::into_raw(bytes) as *mut [AtomicU8]) })
}

fn range(offset: u64, len: usize, size: usize) -> Result<std::ops::Range<usize>, Status> {
    let start = usize::try_from(offset).map_err(|_| Status::OUT_OF_RANGE)?;
    let end = start.checked_add(len).ok_or(Status::OUT_OF_RANGE)?;
    if end > size { Err(Status::OUT_OF_RANGE) } else { Ok(start..end) }
}

impl VmoObject {
    pub(crate) fn create(size: u64) -> Result<Arc<VmoObject>, Status> {
        Ok(Arc::new(VmoObject {
            header: ObjectHeader::new(Signals::NONE),
            data: RwLock::new(zeroed_pages(size)?),
            content_size: AtomicU64::new(size),
        }))
    }

    pub(crate) fn size(&self) -> u64 {
        self.data.read().unwrap_or_else(|p| p.into_inner()).len() as u64
    }

    pub(crate) fn content_size(&self) -> u64 {
        self.content_size.load(Ordering::Relaxed)
    }

    pub(crate) fn read(&self, out: &mut [u8], offset: u64) -> Result<(), Status> {
        let data = self.data.read().unwrap_or_else(|p| p.into_inner());
        let range = range(offset, out.len(), data.len())?;
        for (dst, src) in out.iter_mut().zip(&data[range]) {
            *dst = src.load(Ordering::Relaxed);
        }
        Ok(())
    }

    pub(crate) fn write(&self, bytes: &[u8], offset: u64) -> Result<(), Status> {
        let data = self.data.read().unwrap_or_else(|p| p.into_inner());
        let range = range(offset, bytes.len(), data.len())?;
        for (dst, src) in data[range].iter().zip(bytes) {
            dst.store(*src, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Resizes to `size` rounded up to a page; new bytes read as zero.
    pub(crate) fn set_size(&self, size: u64) -> Result<(), Status> {
        let mut new = zeroed_pages(size)?;
        let mut data = self.data.write().unwrap_or_else(|p| p.into_inner());
        for (dst, src) in new.iter_mut().zip(data.iter()) {
            *dst.get_mut() = src.load(Ordering::Relaxed);
        }
        *data = new;
        self.content_size.store(size, Ordering::Relaxed);
        Ok(())
    }
}

impl From<Arc<VmoObject>> for KernelObject {
    fn from(vmo: Arc<VmoObject>) -> KernelObject {
        KernelObject::Vmo(vmo)
    }
}
