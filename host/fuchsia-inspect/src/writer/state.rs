//! The writer's state: the heap plus the string-reference table, lazy-node callbacks and the
//! seqlock (generation count) that brackets every mutation.
//!
//! Concurrency: `State` is a cheap clone of an `Arc<Mutex<InnerState>>`; any thread may hold a
//! `State` and every operation locks the mutex for its own duration only (never across an
//! await or a callback). `atomic_update` keeps the generation odd across several operations
//! without holding the lock between them.

use crate::Inspector;
use crate::writer::heap::{Heap, OutOfSpace};
use futures::future::BoxFuture;
use inspect_format::{
    BlockHeader, BlockIndex, BlockType, FORMAT_VERSION, HEADER_ORDER, LinkNodeDisposition,
    MAGIC_NUMBER, MAX_ORDER_SIZE, Payload, PropertyFormat, VMO_FROZEN, VMO_SIZE_OFFSET,
    array_capacity, array_slot_size, extent_capacity, fit_order, string_reference_inline_capacity,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// A lazy node's callback: produces the Inspector whose tree is attached at the link.
pub type LazyNodeCallback =
    Arc<dyn Fn() -> BoxFuture<'static, Result<Inspector, anyhow::Error>> + Send + Sync>;

/// Why a writer operation failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The VMO is at its maximum size and has no free block large enough.
    #[error("the Inspect VMO is full")]
    NoSpace,
    /// The block does not have the type the operation needs.
    #[error("block {0} has the wrong type for this operation")]
    WrongType(BlockIndex),
    /// The array slot is outside the array.
    #[error("slot {slot} is outside the array at block {index}")]
    SlotOutOfRange {
        /// The array block.
        index: BlockIndex,
        /// The slot asked for.
        slot: usize,
    },
}

impl From<OutOfSpace> for Error {
    fn from(_: OutOfSpace) -> Self {
        Error::NoSpace
    }
}

/// Counters describing the heap, as shown in `fuchsia.inspect.Stats`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stats {
    /// Bytes of the VMO in use.
    pub current_size: usize,
    /// Bytes the VMO may grow to.
    pub maximum_size: usize,
    /// Lazy nodes currently registered.
    pub total_dynamic_children: usize,
    /// Blocks allocated since creation.
    pub allocated_blocks: usize,
    /// Blocks freed since creation.
    pub deallocated_blocks: usize,
    /// Allocations refused because the VMO was full.
    pub failed_allocations: usize,
}

/// Shared handle to a writer's state.
#[derive(Clone)]
pub struct State {
    inner: Arc<Mutex<InnerState>>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State").finish_non_exhaustive()
    }
}

impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl State {
    /// A state over `vmo` with a heap of at most `max_size` bytes (a positive multiple of the
    /// page size, at most the VMO's size). Writes the HEADER block.
    pub(crate) fn create(vmo: zx::Vmo, max_size: usize) -> Self {
        let mut heap = Heap::new(vmo, max_size);
        heap.set_header(
            BlockIndex::HEADER,
            BlockHeader::new(HEADER_ORDER, BlockType::Header)
                .with_header_version(FORMAT_VERSION as u64)
                .with_header_magic(u32::from_le_bytes(MAGIC_NUMBER) as u64),
        );
        heap.write(VMO_SIZE_OFFSET, &(heap.current_size() as u32).to_le_bytes());
        heap.flush();
        let inner = InnerState {
            heap,
            strings: HashMap::new(),
            string_of: HashMap::new(),
            callbacks: HashMap::new(),
            next_link_id: 0,
            transaction_depth: 0,
            generation: 0,
        };
        State { inner: Arc::new(Mutex::new(inner)) }
    }

    /// Locks the state. A panic while the lock was held leaves the VMO as it was; the state
    /// stays usable.
    pub(crate) fn lock(&self) -> MutexGuard<'_, InnerState> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `op` inside a transaction: the generation is odd while it runs.
    pub(crate) fn transact<R>(&self, op: impl FnOnce(&mut InnerState) -> R) -> R {
        let mut inner = self.lock();
        inner.begin();
        let result = op(&mut inner);
        inner.end();
        result
    }

    /// Makes the generation odd until the matching `end_transaction`.
    pub(crate) fn begin_transaction(&self) {
        self.lock().begin();
    }

    /// Ends a transaction started by `begin_transaction`.
    pub(crate) fn end_transaction(&self) {
        self.lock().end();
    }

    /// Heap statistics.
    pub fn stats(&self) -> Stats {
        self.lock().stats()
    }
}

/// State guarded by `State`'s mutex. Invariants: `strings` and `string_of` are inverse maps of
/// the live STRING_REFERENCE blocks, whose reference counts equal their uses; `callbacks` has
/// one entry per live LINK block, keyed by its content name.
pub(crate) struct InnerState {
    pub(crate) heap: Heap,
    strings: HashMap<String, BlockIndex>,
    string_of: HashMap<BlockIndex, String>,
    callbacks: HashMap<String, LazyNodeCallback>,
    next_link_id: u64,
    transaction_depth: usize,
    generation: u64,
}

impl InnerState {
    fn begin(&mut self) {
        if self.transaction_depth == 0 {
            self.generation += 1;
            self.heap.publish_generation(self.generation);
        }
        self.transaction_depth += 1;
    }

    fn end(&mut self) {
        self.transaction_depth = self.transaction_depth.saturating_sub(1);
        if self.transaction_depth == 0 {
            self.heap.flush();
            self.generation += 1;
            self.heap.publish_generation(self.generation);
        }
    }

    pub(crate) fn stats(&self) -> Stats {
        Stats {
            current_size: self.heap.current_size(),
            maximum_size: self.heap.max_size(),
            total_dynamic_children: self.callbacks.len(),
            allocated_blocks: self.heap.allocated_blocks,
            deallocated_blocks: self.heap.deallocated_blocks,
            failed_allocations: self.heap.failed_allocations,
        }
    }

    /// A copy of the used bytes, or `None` while a transaction is open.
    pub(crate) fn copy_bytes(&self) -> Option<Vec<u8>> {
        (self.transaction_depth == 0).then(|| self.heap.bytes().to_vec())
    }

    /// A copy of the used bytes marked frozen, or `None` while a transaction is open.
    pub(crate) fn frozen_bytes(&self) -> Option<Vec<u8>> {
        let mut bytes = self.copy_bytes()?;
        bytes[inspect_format::GENERATION_OFFSET..inspect_format::GENERATION_OFFSET + 8]
            .copy_from_slice(&VMO_FROZEN.to_le_bytes());
        Some(bytes)
    }

    /// The callback registered for a link's content name.
    pub(crate) fn callback(&self, content: &str) -> Option<LazyNodeCallback> {
        self.callbacks.get(content).cloned()
    }

    fn payload(&self, index: BlockIndex) -> Payload {
        Payload(self.heap.read_u64(index.offset() + 8))
    }

    fn set_payload(&mut self, index: BlockIndex, payload: Payload) {
        self.heap.write_u64(index.offset() + 8, payload.0);
    }

    fn expect_type(&self, index: BlockIndex, ty: BlockType) -> Result<BlockHeader, Error> {
        let header = self.heap.header(index);
        if header.block_type() == Some(ty) { Ok(header) } else { Err(Error::WrongType(index)) }
    }

    // ----- string references -----

    /// The STRING_REFERENCE block for `value`, created or shared; its count is incremented.
    fn acquire_string(&mut self, value: &str) -> Result<BlockIndex, Error> {
        if let Some(&index) = self.strings.get(value) {
            let header = self.heap.header(index);
            self.heap.set_header(index, header.with_reference_count(header.reference_count() + 1));
            return Ok(index);
        }
        let bytes = value.as_bytes();
        let order = fit_order((bytes.len() + 12).min(MAX_ORDER_SIZE)).unwrap_or(0);
        let index = self.heap.allocate(order)?;
        let inline = bytes.len().min(string_reference_inline_capacity(order));
        self.heap.write(index.offset() + 8, &(bytes.len() as u32).to_le_bytes());
        self.heap.write(index.offset() + 12, &bytes[..inline]);
        let header = BlockHeader::new(order, BlockType::StringReference).with_reference_count(1);
        self.heap.set_header(index, header);
        if let Err(err) = self.write_extents(index, &bytes[inline..]) {
            self.heap.free(index);
            return Err(err);
        }
        self.strings.insert(value.to_owned(), index);
        self.string_of.insert(index, value.to_owned());
        Ok(index)
    }

    /// Drops one use of a STRING_REFERENCE block, freeing it with its extents at zero.
    fn release_string(&mut self, index: BlockIndex) {
        let header = self.heap.header(index);
        if header.block_type() != Some(BlockType::StringReference) {
            return;
        }
        let count = header.reference_count().saturating_sub(1);
        if count > 0 {
            self.heap.set_header(index, header.with_reference_count(count));
            return;
        }
        self.free_extents(header.next());
        self.heap.free(index);
        if let Some(value) = self.string_of.remove(&index) {
            self.strings.remove(&value);
        }
    }

    /// Writes `data` into a new chain of EXTENT blocks linked from `owner`'s next-extent field
    /// (STRING_REFERENCE) or returns the first extent's index through `owner`'s header. On
    /// failure nothing stays allocated and `owner`'s link is cleared.
    fn write_extents(&mut self, owner: BlockIndex, data: &[u8]) -> Result<(), Error> {
        let mut previous = owner;
        let mut rest = data;
        while !rest.is_empty() {
            let order = fit_order((rest.len() + 8).min(MAX_ORDER_SIZE)).unwrap_or(0);
            let extent = match self.heap.allocate(order) {
                Ok(extent) => extent,
                Err(err) => {
                    let header = self.heap.header(owner);
                    self.free_extents(header.next());
                    self.heap.set_header(owner, header.with_next_extent(0));
                    return Err(err.into());
                }
            };
            let len = rest.len().min(extent_capacity(order));
            self.heap.write(extent.offset() + 8, &rest[..len]);
            self.heap.set_header(extent, BlockHeader::new(order, BlockType::Extent));
            let header = self.heap.header(previous);
            self.heap.set_header(previous, header.with_next_extent(extent.get() as u64));
            previous = extent;
            rest = &rest[len..];
        }
        Ok(())
    }

    fn free_extents(&mut self, first: BlockIndex) {
        let mut next = first;
        while next != BlockIndex::EMPTY
            && self.heap.header(next).block_type() == Some(BlockType::Extent)
        {
            let following = self.heap.header(next).next();
            self.heap.free(next);
            next = following;
        }
    }

    // ----- value blocks -----

    /// Allocates a value block of `order` named `name` under `parent`, with `payload`.
    fn create_value(
        &mut self,
        name: &str,
        parent: BlockIndex,
        ty: BlockType,
        order: u8,
        payload: Payload,
    ) -> Result<BlockIndex, Error> {
        let index = self.heap.allocate(order)?;
        let name_index = match self.acquire_string(name) {
            Ok(name_index) => name_index,
            Err(err) => {
                self.heap.free(index);
                return Err(err);
            }
        };
        self.set_payload(index, payload);
        self.heap.set_header(
            index,
            BlockHeader::new(order, ty)
                .with_parent_index(parent.get() as u64)
                .with_name_index(name_index.get() as u64),
        );
        self.adjust_child_count(parent, 1);
        Ok(index)
    }

    fn adjust_child_count(&mut self, parent: BlockIndex, delta: i64) {
        if parent == BlockIndex::ROOT {
            return;
        }
        let header = self.heap.header(parent);
        let ty = header.block_type();
        if ty != Some(BlockType::NodeValue) && ty != Some(BlockType::Tombstone) {
            return;
        }
        let count = self.payload(parent).0.saturating_add_signed(delta);
        self.set_payload(parent, Payload(count));
        if ty == Some(BlockType::Tombstone) && count == 0 {
            self.heap.free(parent);
        }
    }

    pub(crate) fn create_node(
        &mut self,
        name: &str,
        parent: BlockIndex,
    ) -> Result<BlockIndex, Error> {
        self.create_value(name, parent, BlockType::NodeValue, 0, Payload(0))
    }

    pub(crate) fn create_numeric(
        &mut self,
        name: &str,
        parent: BlockIndex,
        ty: BlockType,
        raw: u64,
    ) -> Result<BlockIndex, Error> {
        self.create_value(name, parent, ty, 0, Payload(raw))
    }

    pub(crate) fn create_lazy_node(
        &mut self,
        name: &str,
        parent: BlockIndex,
        disposition: LinkNodeDisposition,
        callback: LazyNodeCallback,
    ) -> Result<BlockIndex, Error> {
        let content = format!("{name}-{}", self.next_link_id);
        let content_index = self.acquire_string(&content)?;
        let payload = Payload::default()
            .with_link_content_index(content_index.get() as u64)
            .with_link_disposition(disposition as u64);
        match self.create_value(name, parent, BlockType::LinkValue, 0, payload) {
            Ok(index) => {
                self.next_link_id += 1;
                self.callbacks.insert(content, callback);
                Ok(index)
            }
            Err(err) => {
                self.release_string(content_index);
                Err(err)
            }
        }
    }

    /// Creates a string property: the BUFFER block and its name first, then the value's
    /// string reference (the in-tree order, which the allocation statistics reflect).
    pub(crate) fn create_string(
        &mut self,
        name: &str,
        value: &str,
        parent: BlockIndex,
    ) -> Result<BlockIndex, Error> {
        let payload = Payload::default().with_buffer_format(PropertyFormat::StringReference as u64);
        let index = self.create_value(name, parent, BlockType::BufferValue, 0, payload)?;
        match self.acquire_string(value) {
            Ok(value_index) => {
                self.set_payload(index, payload.with_buffer_extent_index(value_index.get() as u64));
                Ok(index)
            }
            Err(err) => {
                self.free_value(index)?;
                Err(err)
            }
        }
    }

    pub(crate) fn set_string(&mut self, index: BlockIndex, value: &str) -> Result<(), Error> {
        self.expect_type(index, BlockType::BufferValue)?;
        let old = self.payload(index);
        let value_index = self.acquire_string(value)?;
        self.set_payload(
            index,
            old.with_buffer_extent_index(value_index.get() as u64).with_buffer_total_length(0),
        );
        self.release_string(BlockIndex::new(old.buffer_extent_index() as u32));
        Ok(())
    }

    pub(crate) fn create_bytes(
        &mut self,
        name: &str,
        value: &[u8],
        parent: BlockIndex,
    ) -> Result<BlockIndex, Error> {
        let payload = Payload::default().with_buffer_format(PropertyFormat::Bytes as u64);
        let index = self.create_value(name, parent, BlockType::BufferValue, 0, payload)?;
        if let Err(err) = self.set_bytes(index, value) {
            self.free_value(index)?;
            return Err(err);
        }
        Ok(index)
    }

    /// Replaces a bytes property's contents. On failure the property is left empty.
    pub(crate) fn set_bytes(&mut self, index: BlockIndex, value: &[u8]) -> Result<(), Error> {
        self.expect_type(index, BlockType::BufferValue)?;
        let old = self.payload(index);
        self.free_extents(BlockIndex::new(old.buffer_extent_index() as u32));
        let header = self.heap.header(index);
        // The first extent is linked through a temporary next-extent field on the buffer's
        // header word (BUFFER blocks keep it in the payload), moved there afterwards.
        self.heap.set_header(index, header.with_next_extent(0));
        let result = self.write_extents(index, value);
        let first = self.heap.header(index).next();
        self.heap.set_header(index, header);
        let (len, first) =
            if result.is_ok() { (value.len() as u64, first) } else { (0, BlockIndex::EMPTY) };
        self.set_payload(
            index,
            old.with_buffer_total_length(len).with_buffer_extent_index(first.get() as u64),
        );
        result
    }

    pub(crate) fn create_array(
        &mut self,
        name: &str,
        parent: BlockIndex,
        entry_type: BlockType,
        display: inspect_format::ArrayDisplay,
        slots: usize,
    ) -> Result<BlockIndex, Error> {
        let slot_size = array_slot_size(entry_type).ok_or(Error::WrongType(parent))?;
        let order = fit_order((16 + slots * slot_size).min(MAX_ORDER_SIZE)).unwrap_or(0);
        let slots = slots.min(array_capacity(order, entry_type).unwrap_or(0));
        let payload = Payload::default()
            .with_array_entry_type(entry_type as u64)
            .with_array_display(display as u64)
            .with_array_slot_count(slots as u64);
        self.create_value(name, parent, BlockType::ArrayValue, order, payload)
    }

    fn array_slot_offset(&self, index: BlockIndex, slot: usize) -> Result<(Payload, usize), Error> {
        self.expect_type(index, BlockType::ArrayValue)?;
        let payload = self.payload(index);
        if slot >= payload.array_slot_count() as usize {
            return Err(Error::SlotOutOfRange { index, slot });
        }
        let entry = BlockType::from_raw(payload.array_entry_type() as u8);
        let size = entry.and_then(array_slot_size).ok_or(Error::WrongType(index))?;
        Ok((payload, index.offset() + 16 + slot * size))
    }

    /// Number of slots of an array.
    pub(crate) fn array_len(&self, index: BlockIndex) -> Result<usize, Error> {
        self.expect_type(index, BlockType::ArrayValue)?;
        Ok(self.payload(index).array_slot_count() as usize)
    }

    /// The raw 64-bit value of a numeric array slot.
    pub(crate) fn array_get(&self, index: BlockIndex, slot: usize) -> Result<u64, Error> {
        let (_, offset) = self.array_slot_offset(index, slot)?;
        Ok(self.heap.read_u64(offset))
    }

    /// Sets a numeric array slot to a raw 64-bit value.
    pub(crate) fn array_set(
        &mut self,
        index: BlockIndex,
        slot: usize,
        raw: u64,
    ) -> Result<(), Error> {
        let (payload, offset) = self.array_slot_offset(index, slot)?;
        if payload.array_entry_type() == BlockType::StringReference as u64 {
            return Err(Error::WrongType(index));
        }
        self.heap.write_u64(offset, raw);
        Ok(())
    }

    /// Sets a string array slot (the empty string is stored as index 0).
    pub(crate) fn array_set_string(
        &mut self,
        index: BlockIndex,
        slot: usize,
        value: &str,
    ) -> Result<(), Error> {
        let (payload, offset) = self.array_slot_offset(index, slot)?;
        if payload.array_entry_type() != BlockType::StringReference as u64 {
            return Err(Error::WrongType(index));
        }
        let new = if value.is_empty() { BlockIndex::EMPTY } else { self.acquire_string(value)? };
        let old = BlockIndex::new(self.heap.read_u64(offset) as u32);
        self.heap.write(offset, &new.get().to_le_bytes());
        if old != BlockIndex::EMPTY {
            self.release_string(old);
        }
        Ok(())
    }

    /// Zeroes slots `from..` of an array, releasing string references.
    pub(crate) fn array_clear(&mut self, index: BlockIndex, from: usize) -> Result<(), Error> {
        let len = self.array_len(index)?;
        let strings = self.payload(index).array_entry_type() == BlockType::StringReference as u64;
        for slot in from..len {
            if strings {
                self.array_set_string(index, slot, "")?;
            } else {
                self.array_set(index, slot, 0)?;
            }
        }
        Ok(())
    }

    // ----- numeric values -----

    /// The raw 64-bit payload of an INT, UINT, DOUBLE or BOOL block.
    pub(crate) fn get_raw(&self, index: BlockIndex, ty: BlockType) -> Result<u64, Error> {
        self.expect_type(index, ty)?;
        Ok(self.payload(index).0)
    }

    /// Sets the raw 64-bit payload of an INT, UINT, DOUBLE or BOOL block.
    pub(crate) fn set_raw(
        &mut self,
        index: BlockIndex,
        ty: BlockType,
        raw: u64,
    ) -> Result<(), Error> {
        self.expect_type(index, ty)?;
        self.set_payload(index, Payload(raw));
        Ok(())
    }

    // ----- deletion -----

    /// Deletes a value block: a node with children becomes a TOMBSTONE, anything else is freed
    /// with its name, strings, extents or callback.
    pub(crate) fn free_value(&mut self, index: BlockIndex) -> Result<(), Error> {
        let header = self.heap.header(index);
        let ty = header.block_type().filter(|ty| ty.is_value()).ok_or(Error::WrongType(index))?;
        let payload = self.payload(index);
        match ty {
            BlockType::BufferValue => match PropertyFormat::from_raw(payload.buffer_format() as u8)
            {
                Some(PropertyFormat::StringReference) => {
                    self.release_string(BlockIndex::new(payload.buffer_extent_index() as u32))
                }
                _ => self.free_extents(BlockIndex::new(payload.buffer_extent_index() as u32)),
            },
            BlockType::ArrayValue
                if payload.array_entry_type() == BlockType::StringReference as u64 =>
            {
                self.array_clear(index, 0)?;
            }
            BlockType::LinkValue => {
                let content = BlockIndex::new(payload.link_content_index() as u32);
                if let Some(name) = self.string_of.get(&content) {
                    self.callbacks.remove(name);
                }
                self.release_string(content);
            }
            _ => {}
        }
        self.release_string(header.name());
        if ty == BlockType::NodeValue && payload.0 > 0 {
            self.heap
                .set_header(index, BlockHeader::new(header.order() as u8, BlockType::Tombstone));
        } else {
            self.heap.free(index);
        }
        self.adjust_child_count(header.parent(), -1);
        Ok(())
    }
}
