//! VMOs: page-granular byte arrays, committed lazily, that one thread may read while another
//! writes.
//!
//! Sizes follow `VmObject::RoundSize` and `VmObject::MAX_SIZE` in
//! `zircon/kernel/vm/include/vm/vm_object.h`: a size is rounded up to whole pages, and one
//! whose rounding overflows or exceeds the maximum is OUT_OF_RANGE. As in the kernel, a page
//! costs memory only once it is written; unwritten pages read as zero.

use super::object::{KernelObject, ObjectHeader};
use crate::{Signals, Status};
use rustc_hash::FxHashMap;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// The page size in bytes; VMO sizes are whole pages.
pub(crate) const PAGE_SIZE: u64 = 4096;

/// The largest VMO size in bytes: `VmPageList::MAX_SIZE`, `UINT64_MAX` rounded down to
/// 2 x 16 (the page-list fan-out) pages.
pub(crate) const MAX_SIZE: u64 = u64::MAX - u64::MAX % (2 * 16 * PAGE_SIZE);

/// One committed page. Readers and writers use relaxed atomic byte accesses (racing accesses
/// are defined but may tear, as on Fuchsia).
type Page = Box<[AtomicU8]>;

struct Pages {
    /// The VMO size in bytes, a whole number of pages.
    size: u64,
    /// The pages written so far, by page index; absent pages read as zero.
    committed: FxHashMap<u64, Page>,
}

pub(crate) struct VmoObject {
    pub(crate) header: ObjectHeader,
    /// Whether the VMO was created RESIZABLE.
    pub(crate) resizable: bool,
    /// Byte accesses to committed pages take the read lock; committing a page and resizing
    /// take the write lock. Any thread holding a handle may take either.
    pages: RwLock<Pages>,
    /// The size the creator or the last resize asked for, in bytes
    /// (`ZX_PROP_VMO_CONTENT_SIZE`).
    content_size: AtomicU64,
}

/// `size` rounded up to whole pages; OUT_OF_RANGE past `MAX_SIZE`.
fn round_size(size: u64) -> Result<u64, Status> {
    match size.checked_next_multiple_of(PAGE_SIZE) {
        Some(rounded) if rounded <= MAX_SIZE => Ok(rounded),
        _ => Err(Status::OUT_OF_RANGE),
    }
}

/// The byte range `offset..offset + len`, if it lies within `size` bytes.
fn range(offset: u64, len: usize, size: u64) -> Result<(u64, u64), Status> {
    let end = offset.checked_add(len as u64).ok_or(Status::OUT_OF_RANGE)?;
    if end > size { Err(Status::OUT_OF_RANGE) } else { Ok((offset, end)) }
}

/// The pieces of `start..end` within each page: (page index, offset in page, offset in the
/// caller's buffer, length).
fn pieces(start: u64, end: u64) -> impl Iterator<Item = (u64, usize, usize, usize)> {
    let mut at = start;
    std::iter::from_fn(move || {
        if at >= end {
            return None;
        }
        let in_page = at % PAGE_SIZE;
        let len = (PAGE_SIZE - in_page).min(end - at);
        let piece = (at / PAGE_SIZE, in_page as usize, (at - start) as usize, len as usize);
        at += len;
        Some(piece)
    })
}

fn zero_page() -> Page {
    (0..PAGE_SIZE).map(|_| AtomicU8::new(0)).collect()
}

impl VmoObject {
    /// A VMO of `size` bytes (rounded up to pages), none committed. OUT_OF_RANGE if too big.
    pub(crate) fn create(size: u64, resizable: bool) -> Result<Arc<VmoObject>, Status> {
        let rounded = round_size(size)?;
        Ok(Arc::new(VmoObject {
            header: ObjectHeader::new(Signals::VMO_ZERO_CHILDREN),
            resizable,
            pages: RwLock::new(Pages { size: rounded, committed: FxHashMap::default() }),
            content_size: AtomicU64::new(size),
        }))
    }

    fn read_pages(&self) -> RwLockReadGuard<'_, Pages> {
        self.pages.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write_pages(&self) -> RwLockWriteGuard<'_, Pages> {
        self.pages.write().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn size(&self) -> u64 {
        self.read_pages().size
    }

    pub(crate) fn content_size(&self) -> u64 {
        self.content_size.load(Ordering::Relaxed)
    }

    /// The number of committed pages (what the VMO costs in memory).
    pub(crate) fn committed_pages(&self) -> usize {
        self.read_pages().committed.len()
    }

    pub(crate) fn read(&self, out: &mut [u8], offset: u64) -> Result<(), Status> {
        let pages = self.read_pages();
        let (start, end) = range(offset, out.len(), pages.size)?;
        for (index, in_page, in_buf, len) in pieces(start, end) {
            let dst = &mut out[in_buf..in_buf + len];
            match pages.committed.get(&index) {
                Some(page) => dst
                    .iter_mut()
                    .zip(&page[in_page..in_page + len])
                    .for_each(|(d, s)| *d = s.load(Ordering::Relaxed)),
                None => dst.fill(0),
            }
        }
        Ok(())
    }

    pub(crate) fn write(&self, bytes: &[u8], offset: u64) -> Result<(), Status> {
        {
            let pages = self.read_pages();
            let (start, end) = range(offset, bytes.len(), pages.size)?;
            if pieces(start, end).all(|(index, ..)| pages.committed.contains_key(&index)) {
                store(&pages, bytes, start, end);
                return Ok(());
            }
        }
        // Some page is not committed yet: commit under the write lock (the size may have
        // changed meanwhile, so the range is checked again).
        let mut pages = self.write_pages();
        let (start, end) = range(offset, bytes.len(), pages.size)?;
        for (index, ..) in pieces(start, end) {
            pages.committed.entry(index).or_insert_with(zero_page);
        }
        store(&pages, bytes, start, end);
        Ok(())
    }

    /// Resizes to `size` rounded up to pages (OUT_OF_RANGE if too big): pages past the end
    /// are decommitted, and the bytes from `size` to the end of its page read as zero.
    pub(crate) fn set_size(&self, size: u64) -> Result<(), Status> {
        let rounded = round_size(size)?;
        let mut pages = self.write_pages();
        pages.committed.retain(|index, _| index * PAGE_SIZE < rounded);
        if let Some(page) = pages.committed.get(&(size / PAGE_SIZE)) {
            page[(size % PAGE_SIZE) as usize..].iter().for_each(|b| b.store(0, Ordering::Relaxed));
        }
        pages.size = rounded;
        self.content_size.store(size, Ordering::Relaxed);
        Ok(())
    }
}

/// Copies `bytes` into `start..end`, whose pages are all committed.
fn store(pages: &Pages, bytes: &[u8], start: u64, end: u64) {
    for (index, in_page, in_buf, len) in pieces(start, end) {
        let page = &pages.committed[&index];
        page[in_page..in_page + len]
            .iter()
            .zip(&bytes[in_buf..in_buf + len])
            .for_each(|(d, s)| d.store(*s, Ordering::Relaxed));
    }
}

impl From<Arc<VmoObject>> for KernelObject {
    fn from(vmo: Arc<VmoObject>) -> KernelObject {
        KernelObject::Vmo(vmo)
    }
}
