//! The buddy-allocated block heap inside an Inspect VMO.
//!
//! The heap keeps the writer's own copy of the used part of the VMO (`mirror`) and writes every
//! change through to the VMO: changed byte ranges are collected and written out by [`Heap::flush`],
//! which the state calls before it makes the generation count even again. Readers only ever see
//! the VMO. The heap starts at one page and grows a page at a time up to `max_size`.
//!
//! Concurrency: a `Heap` is owned by `writer::state::InnerState` and touched only with the
//! state's mutex held, from whichever thread holds it.

use inspect_format::{
    BlockHeader, BlockIndex, BlockType, GENERATION_OFFSET, HEADER_ORDER, MAX_ORDER, NUM_ORDERS,
    PAGE_SIZE, ReadBytes, VMO_SIZE_OFFSET, WriteBytes, block_size,
};
use std::ops::Range;
use std::sync::atomic::{Ordering, fence};

/// The heap could not provide a block: the VMO reached its maximum size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OutOfSpace;

/// Block heap over a VMO. Invariants: `mirror.len()` is the current size (a multiple of
/// `PAGE_SIZE`, at most `max_size`); every FREE block is on exactly one free list, the one of
/// its order; the VMO's bytes equal the mirror's after each `flush`.
pub(crate) struct Heap {
    vmo: zx::Vmo,
    mirror: Vec<u8>,
    max_size: usize,
    free_heads: [u32; NUM_ORDERS],
    dirty: Vec<Range<usize>>,
    /// Blocks handed out since creation (the header included).
    pub(crate) allocated_blocks: usize,
    /// Blocks returned since creation.
    pub(crate) deallocated_blocks: usize,
    /// Allocations refused for lack of space.
    pub(crate) failed_allocations: usize,
}

impl Heap {
    /// A heap over `vmo`, which must be at least `max_size` bytes; `max_size` is a positive
    /// multiple of `PAGE_SIZE`. The first page holds the order-1 block at index 0, reserved for
    /// the HEADER (index 0 doubles as the free lists' "none", so it is never free), and free
    /// blocks at 2 (order 1), 4 (order 2), 8, 16, 32, 64 and 128 (order 7).
    pub(crate) fn new(vmo: zx::Vmo, max_size: usize) -> Self {
        let mut heap = Heap {
            vmo,
            mirror: vec![0; PAGE_SIZE],
            max_size,
            free_heads: [0; NUM_ORDERS],
            dirty: Vec::new(),
            allocated_blocks: 1,
            deallocated_blocks: 0,
            failed_allocations: 0,
        };
        heap.write(0, &[0u8; PAGE_SIZE]);
        heap.set_header(BlockIndex::HEADER, BlockHeader::new(HEADER_ORDER, BlockType::Reserved));
        for order in (HEADER_ORDER..=MAX_ORDER).rev() {
            heap.push_free(BlockIndex::new(1 << order), order);
        }
        heap
    }

    /// The VMO the heap writes to.
    pub(crate) fn vmo(&self) -> &zx::Vmo {
        &self.vmo
    }

    /// The writer's copy of the used bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.mirror
    }

    /// Current used size in bytes.
    pub(crate) fn current_size(&self) -> usize {
        self.mirror.len()
    }

    /// Maximum size in bytes.
    pub(crate) fn max_size(&self) -> usize {
        self.max_size
    }

    /// The header word of block `index` (zero if out of range).
    pub(crate) fn header(&self, index: BlockIndex) -> BlockHeader {
        BlockHeader(self.mirror.get_u64(index.offset()).unwrap_or(0))
    }

    /// The u64 at `offset` (zero if out of range).
    pub(crate) fn read_u64(&self, offset: usize) -> u64 {
        self.mirror.get_u64(offset).unwrap_or(0)
    }

    /// Writes `bytes` at `offset` in the mirror and records the range for the next flush.
    /// Offsets come from blocks the heap handed out, so they are in range.
    pub(crate) fn write(&mut self, offset: usize, bytes: &[u8]) {
        if !self.mirror.write_at(offset, bytes) {
            return;
        }
        let range = offset..offset + bytes.len();
        match self.dirty.last_mut() {
            Some(last) if range.start <= last.end && last.start <= range.end => {
                last.start = last.start.min(range.start);
                last.end = last.end.max(range.end);
            }
            _ => self.dirty.push(range),
        }
    }

    /// Writes a u64 at `offset`.
    pub(crate) fn write_u64(&mut self, offset: usize, value: u64) {
        self.write(offset, &value.to_le_bytes());
    }

    /// Writes the header word of block `index`.
    pub(crate) fn set_header(&mut self, index: BlockIndex, header: BlockHeader) {
        self.write_u64(index.offset(), header.0);
    }

    /// Writes all changed ranges through to the VMO.
    pub(crate) fn flush(&mut self) {
        let Heap { vmo, mirror, dirty, .. } = self;
        for range in dirty.drain(..) {
            // The VMO is at least `max_size` bytes and the mirror never exceeds it.
            let _ = vmo.write(&mirror[range.clone()], range.start as u64);
        }
    }

    /// Sets the generation count in the mirror and the VMO at once. Making it odd happens
    /// before any data write of the transaction, making it even after all of them (the release
    /// fences order the VMO's relaxed byte stores for readers that use acquire fences).
    pub(crate) fn publish_generation(&mut self, generation: u64) {
        let bytes = generation.to_le_bytes();
        self.mirror.write_at(GENERATION_OFFSET, &bytes);
        if generation.is_multiple_of(2) {
            fence(Ordering::Release);
        }
        let _ = self.vmo.write(&bytes, GENERATION_OFFSET as u64);
        fence(Ordering::Release);
    }

    /// Allocates a block of `order`, zeroed, with type RESERVED.
    pub(crate) fn allocate(&mut self, order: u8) -> Result<BlockIndex, OutOfSpace> {
        let Some(mut found) = (order..=MAX_ORDER).find(|o| self.free_heads[*o as usize] != 0)
        else {
            if self.grow().is_err() {
                self.failed_allocations += 1;
                return Err(OutOfSpace);
            }
            return self.allocate(order);
        };
        let index = BlockIndex::new(self.free_heads[found as usize]);
        self.unlink_head(found);
        while found > order {
            found -= 1;
            self.push_free(BlockIndex::new(index.get() + (1 << found)), found);
        }
        self.write(index.offset(), &vec![0u8; block_size(order)]);
        self.set_header(index, BlockHeader::new(order, BlockType::Reserved));
        self.allocated_blocks += 1;
        Ok(index)
    }

    /// Returns block `index` to the heap, merging it with free buddies.
    pub(crate) fn free(&mut self, index: BlockIndex) {
        let mut order = self.header(index).order() as u8;
        let mut index = index;
        self.deallocated_blocks += 1;
        while order < MAX_ORDER {
            let buddy = index.buddy(order);
            let buddy_header = self.header(buddy);
            if buddy.offset() >= self.current_size()
                || buddy_header.block_type() != Some(BlockType::Free)
                || buddy_header.order() != order as u64
            {
                break;
            }
            self.remove_free(buddy, order);
            index = index.min(buddy);
            order += 1;
        }
        self.write(index.offset(), &vec![0u8; block_size(order)]);
        self.push_free(index, order);
    }

    fn push_free(&mut self, index: BlockIndex, order: u8) {
        let next = self.free_heads[order as usize] as u64;
        self.set_header(index, BlockHeader::new(order, BlockType::Free).with_free_next(next));
        self.free_heads[order as usize] = index.get();
    }

    fn unlink_head(&mut self, order: u8) {
        let head = BlockIndex::new(self.free_heads[order as usize]);
        self.free_heads[order as usize] = self.header(head).free_next() as u32;
    }

    /// Removes `index` from the free list of `order`; it is known to be on it.
    fn remove_free(&mut self, index: BlockIndex, order: u8) {
        if self.free_heads[order as usize] == index.get() {
            self.unlink_head(order);
            return;
        }
        let mut current = BlockIndex::new(self.free_heads[order as usize]);
        while current != BlockIndex::EMPTY {
            let header = self.header(current);
            let next = header.free_next();
            if next == index.get() as u64 {
                let after = self.header(index).free_next();
                self.set_header(current, header.with_free_next(after));
                return;
            }
            current = BlockIndex::new(next as u32);
        }
    }

    /// Adds a page of order-7 free blocks and records the new size in the VMO header.
    /// Only called once the first page (and so the header) exists.
    fn grow(&mut self) -> Result<(), OutOfSpace> {
        let old = self.current_size();
        if old + PAGE_SIZE > self.max_size {
            return Err(OutOfSpace);
        }
        self.mirror.resize(old + PAGE_SIZE, 0);
        let top = block_size(MAX_ORDER);
        for offset in (old..old + PAGE_SIZE).step_by(top).rev() {
            if let Some(index) = BlockIndex::from_offset(offset) {
                self.push_free(index, MAX_ORDER);
            }
        }
        self.write(VMO_SIZE_OFFSET, &((old + PAGE_SIZE) as u32).to_le_bytes());
        Ok(())
    }
}
