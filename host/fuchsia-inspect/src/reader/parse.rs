//! Strict parsing of a snapshot into a `PartialNodeHierarchy` (lazy links not yet resolved).
//!
//! Every block is checked: order and alignment, reserved bits, known type; every index a value
//! uses (parent, name, string reference, extent) must name a block of the right type; extent
//! chains must provide exactly the declared length without looping; parent chains must reach the
//! root or a tombstone without cycles and within `MAX_DEPTH` levels. Values whose parent chain
//! ends at a tombstone are deleted data and are skipped, as the format says.

use crate::reader::ReaderError;
use crate::reader::snapshot::Snapshot;
use diagnostics_hierarchy::{
    ArrayContent, ArrayFormat, DiagnosticsHierarchy, MissingValueReason, Property,
};
use inspect_format::{
    ArrayDisplay, BlockHeader, BlockIndex, BlockType, HEADER_WORD_SIZE, LinkNodeDisposition,
    MAX_ORDER, Payload, PropertyFormat, ReadBytes, array_slot_size, block_size, extent_capacity,
    string_reference_inline_capacity,
};

/// Deepest node nesting accepted (the root is depth 0). Deeper trees are rejected so that
/// recursive consumers (serialization, assertions, drop) cannot overflow the stack.
pub const MAX_DEPTH: usize = 1000;

/// A lazy link found in the VMO.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkValue {
    /// Name the linked tree appears under (for `Child` links).
    pub name: String,
    /// Content name: the key of the callback that produces the linked tree.
    pub content: String,
    /// Where the linked tree is attached.
    pub disposition: LinkNodeDisposition,
}

/// A node hierarchy read from one VMO, with its lazy links unresolved.
#[derive(Clone, Debug, PartialEq)]
pub struct PartialNodeHierarchy {
    /// Node name.
    pub name: String,
    /// Properties, in block order.
    pub properties: Vec<Property>,
    /// Children, in block order.
    pub children: Vec<PartialNodeHierarchy>,
    /// Lazy links on this node.
    pub links: Vec<LinkValue>,
}

impl PartialNodeHierarchy {
    fn empty(name: String) -> Self {
        Self { name, properties: vec![], children: vec![], links: vec![] }
    }
}

impl From<PartialNodeHierarchy> for DiagnosticsHierarchy {
    /// Drops the links, recording each as a missing value that was never expanded.
    fn from(partial: PartialNodeHierarchy) -> Self {
        let mut node = DiagnosticsHierarchy::new(
            partial.name,
            partial.properties,
            partial.children.into_iter().map(DiagnosticsHierarchy::from).collect(),
        );
        for link in partial.links {
            node.add_missing(MissingValueReason::LinkNeverExpanded, link.name);
        }
        node
    }
}

impl TryFrom<Snapshot> for PartialNodeHierarchy {
    type Error = ReaderError;

    fn try_from(snapshot: Snapshot) -> Result<Self, ReaderError> {
        Parser::new(snapshot.as_bytes())?.parse()
    }
}

impl TryFrom<&zx::Vmo> for PartialNodeHierarchy {
    type Error = ReaderError;

    fn try_from(vmo: &zx::Vmo) -> Result<Self, ReaderError> {
        PartialNodeHierarchy::try_from(Snapshot::try_from_vmo(vmo)?)
    }
}

impl TryFrom<Vec<u8>> for PartialNodeHierarchy {
    type Error = ReaderError;

    fn try_from(bytes: Vec<u8>) -> Result<Self, ReaderError> {
        PartialNodeHierarchy::try_from(Snapshot::try_from(bytes)?)
    }
}

/// Where a node's parent chain ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    /// Reaches the root at this depth.
    Root(usize),
    /// Ends at a tombstone: deleted data.
    Orphan,
}

struct Parser<'a> {
    bytes: &'a [u8],
    /// Header word of the block starting at each index; `None` inside a block.
    blocks: Vec<Option<BlockHeader>>,
    block_count: usize,
}

impl<'a> Parser<'a> {
    /// Walks the blocks in order, checking each one's layout.
    fn new(bytes: &'a [u8]) -> Result<Self, ReaderError> {
        let mut blocks = vec![None; bytes.len() / 16];
        let mut offset = 0;
        let mut block_count = 0;
        while offset < bytes.len() {
            let index =
                BlockIndex::from_offset(offset).ok_or(ReaderError::BadBlock(offset / 16))?;
            let header = BlockHeader(
                bytes.get_u64(offset).ok_or(ReaderError::BadBlock(index.get() as usize))?,
            );
            let order = header.order() as u8;
            let size = block_size(order.min(MAX_ORDER));
            if order > MAX_ORDER
                || header.reserved() != 0
                || header.block_type().is_none()
                || offset % size != 0
                || offset + size > bytes.len()
            {
                return Err(ReaderError::BadBlock(index.get() as usize));
            }
            blocks[index.get() as usize] = Some(header);
            block_count += 1;
            offset += size;
        }
        Ok(Parser { bytes, blocks, block_count })
    }

    fn header(&self, index: BlockIndex) -> Option<BlockHeader> {
        self.blocks.get(index.get() as usize).copied().flatten()
    }

    fn typed(&self, index: BlockIndex, ty: BlockType) -> Result<BlockHeader, ReaderError> {
        match self.header(index) {
            Some(header) if header.block_type() == Some(ty) => Ok(header),
            _ => Err(ReaderError::DanglingIndex(index.get())),
        }
    }

    fn payload(&self, index: BlockIndex) -> Payload {
        Payload(self.bytes.get_u64(index.offset() + 8).unwrap_or(0))
    }

    /// Follows an extent chain from `first`, collecting exactly `len` bytes into `out`.
    fn read_extents(
        &self,
        first: BlockIndex,
        len: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), ReaderError> {
        let mut next = first;
        let mut visited = 0;
        while out.len() < len {
            visited += 1;
            if visited > self.block_count {
                return Err(ReaderError::ChainTooLong(first.get()));
            }
            let header = self.typed(next, BlockType::Extent)?;
            let order = header.order() as u8;
            let take = (len - out.len()).min(extent_capacity(order));
            out.extend_from_slice(
                self.bytes
                    .get_slice_at(next.offset() + HEADER_WORD_SIZE, take)
                    .ok_or(ReaderError::DanglingIndex(next.get()))?,
            );
            next = header.next();
        }
        Ok(())
    }

    /// The bytes of a STRING_REFERENCE block and its extents.
    fn string_reference(&self, index: BlockIndex) -> Result<String, ReaderError> {
        let header = self.typed(index, BlockType::StringReference)?;
        let len = self.bytes.get_u32(index.offset() + 8).unwrap_or(0) as usize;
        let inline = len.min(string_reference_inline_capacity(header.order() as u8));
        if len > self.bytes.len() {
            return Err(ReaderError::ChainTooLong(index.get()));
        }
        let mut out = Vec::with_capacity(len);
        out.extend_from_slice(self.bytes.get_slice_at(index.offset() + 12, inline).unwrap_or(&[]));
        self.read_extents(header.next(), len, &mut out)?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// A name: a NAME block or a STRING_REFERENCE.
    fn name(&self, index: BlockIndex) -> Result<String, ReaderError> {
        match self.header(index).and_then(|h| h.block_type()) {
            Some(BlockType::StringReference) => self.string_reference(index),
            Some(BlockType::Name) => {
                let header = self.typed(index, BlockType::Name)?;
                let len = header.name_length() as usize;
                let bytes = self
                    .bytes
                    .get_slice_at(index.offset() + HEADER_WORD_SIZE, len)
                    .filter(|_| len <= block_size(header.order() as u8) - HEADER_WORD_SIZE)
                    .ok_or(ReaderError::BadBlock(index.get() as usize))?;
                Ok(String::from_utf8_lossy(bytes).into_owned())
            }
            _ => Err(ReaderError::DanglingIndex(index.get())),
        }
    }

    /// Decides, for every NODE block, whether its parent chain reaches the root (and at which
    /// depth) or a tombstone. Iterative with memoization: linear in the number of nodes.
    fn node_fates(&self) -> Result<Vec<Option<Fate>>, ReaderError> {
        let mut fates: Vec<Option<Fate>> = vec![None; self.blocks.len()];
        for start in 0..self.blocks.len() {
            if self.blocks[start].and_then(|h| h.block_type()) != Some(BlockType::NodeValue)
                || fates[start].is_some()
            {
                continue;
            }
            let mut path = vec![start];
            let end = loop {
                let current = *path.last().unwrap_or(&start);
                let parent = self.blocks[current].map(|h| h.parent()).unwrap_or_default();
                if parent == BlockIndex::ROOT {
                    break Fate::Root(0);
                }
                let p = parent.get() as usize;
                match self.header(parent).and_then(|h| h.block_type()) {
                    Some(BlockType::Tombstone) => break Fate::Orphan,
                    Some(BlockType::NodeValue) => {
                        if let Some(fate) = fates[p] {
                            break fate;
                        }
                        if path.len() > self.block_count || path.contains(&p) {
                            return Err(ReaderError::Cycle(parent.get()));
                        }
                        path.push(p);
                    }
                    _ => return Err(ReaderError::DanglingIndex(parent.get())),
                }
            };
            for (distance, node) in path.iter().rev().enumerate() {
                fates[*node] = Some(match end {
                    Fate::Root(depth) => {
                        let depth = depth + distance + 1;
                        if depth > MAX_DEPTH {
                            return Err(ReaderError::TooDeep);
                        }
                        Fate::Root(depth)
                    }
                    Fate::Orphan => Fate::Orphan,
                });
            }
        }
        Ok(fates)
    }

    fn property(
        &self,
        index: BlockIndex,
        header: BlockHeader,
        name: String,
    ) -> Result<Property, ReaderError> {
        let payload = self.payload(index);
        let bad = || ReaderError::BadBlock(index.get() as usize);
        Ok(match header.block_type() {
            Some(BlockType::IntValue) => Property::Int(name, payload.0 as i64),
            Some(BlockType::UintValue) => Property::Uint(name, payload.0),
            Some(BlockType::DoubleValue) => Property::Double(name, f64::from_bits(payload.0)),
            Some(BlockType::BoolValue) => Property::Bool(name, payload.0 != 0),
            Some(BlockType::BufferValue) => {
                let first = BlockIndex::new(payload.buffer_extent_index() as u32);
                let len = payload.buffer_total_length() as usize;
                match PropertyFormat::from_raw(payload.buffer_format() as u8).ok_or_else(bad)? {
                    PropertyFormat::StringReference => {
                        Property::String(name, self.string_reference(first)?)
                    }
                    format => {
                        if len > self.bytes.len() {
                            return Err(ReaderError::ChainTooLong(first.get()));
                        }
                        let mut out = Vec::with_capacity(len);
                        self.read_extents(first, len, &mut out)?;
                        if format == PropertyFormat::Bytes {
                            Property::Bytes(name, out)
                        } else {
                            Property::String(name, String::from_utf8_lossy(&out).into_owned())
                        }
                    }
                }
            }
            Some(BlockType::ArrayValue) => self.array(index, header, payload, name)?,
            _ => return Err(bad()),
        })
    }

    fn array(
        &self,
        index: BlockIndex,
        header: BlockHeader,
        payload: Payload,
        name: String,
    ) -> Result<Property, ReaderError> {
        let bad = || ReaderError::BadBlock(index.get() as usize);
        let entry = BlockType::from_raw(payload.array_entry_type() as u8).ok_or_else(bad)?;
        let slot_size = array_slot_size(entry).ok_or_else(bad)?;
        let display = ArrayDisplay::from_raw(payload.array_display() as u8).ok_or_else(bad)?;
        let count = payload.array_slot_count() as usize;
        if 16 + count * slot_size > block_size(header.order() as u8) {
            return Err(bad());
        }
        let slot = |i: usize| self.bytes.get_u64(index.offset() + 16 + i * 8).unwrap_or(0);
        let format = match display {
            ArrayDisplay::Flat => ArrayFormat::Default,
            ArrayDisplay::LinearHistogram => ArrayFormat::LinearHistogram,
            ArrayDisplay::ExponentialHistogram => ArrayFormat::ExponentialHistogram,
        };
        fn content<T: Copy>(
            values: Vec<T>,
            format: ArrayFormat,
            index: BlockIndex,
        ) -> Result<ArrayContent<T>, ReaderError> {
            ArrayContent::new(values, format)
                .map_err(|_| ReaderError::BadBlock(index.get() as usize))
        }
        Ok(match entry {
            BlockType::IntValue => Property::IntArray(
                name,
                content((0..count).map(|i| slot(i) as i64).collect(), format, index)?,
            ),
            BlockType::UintValue => {
                Property::UintArray(name, content((0..count).map(slot).collect(), format, index)?)
            }
            BlockType::DoubleValue => Property::DoubleArray(
                name,
                content((0..count).map(|i| f64::from_bits(slot(i))).collect(), format, index)?,
            ),
            _ => {
                if format != ArrayFormat::Default {
                    return Err(bad());
                }
                let strings = (0..count)
                    .map(|i| {
                        let raw = self.bytes.get_u32(index.offset() + 16 + i * 4).unwrap_or(0);
                        if raw == 0 {
                            Ok(String::new())
                        } else {
                            self.string_reference(BlockIndex::new(raw))
                        }
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Property::StringList(name, strings)
            }
        })
    }

    fn parse(self) -> Result<PartialNodeHierarchy, ReaderError> {
        let fates = self.node_fates()?;
        // Arena of nodes; slot 0 is the root.
        let mut nodes: Vec<Option<PartialNodeHierarchy>> = vec![None; self.blocks.len().max(1)];
        nodes[0] = Some(PartialNodeHierarchy::empty("root".to_owned()));
        let placement = |parent: BlockIndex| -> Result<Option<usize>, ReaderError> {
            if parent == BlockIndex::ROOT {
                return Ok(Some(0));
            }
            match self.header(parent).and_then(|h| h.block_type()) {
                Some(BlockType::Tombstone) => Ok(None),
                Some(BlockType::NodeValue) => match fates[parent.get() as usize] {
                    Some(Fate::Root(_)) => Ok(Some(parent.get() as usize)),
                    _ => Ok(None),
                },
                _ => Err(ReaderError::DanglingIndex(parent.get())),
            }
        };
        let mut node_order = Vec::new();
        for (i, header) in self.blocks.iter().enumerate() {
            let Some(header) = *header else { continue };
            let Some(ty) = header.block_type().filter(|t| t.is_value()) else { continue };
            let index = BlockIndex::new(i as u32);
            let Some(parent) = placement(header.parent())? else { continue };
            let name = self.name(header.name())?;
            match ty {
                BlockType::NodeValue => {
                    if let Some(Fate::Root(depth)) = fates[i] {
                        nodes[i]
                            .get_or_insert_with(|| PartialNodeHierarchy::empty(String::new()))
                            .name = name;
                        node_order.push((depth, i, parent));
                    }
                }
                BlockType::LinkValue => {
                    let payload = self.payload(index);
                    let content =
                        self.name(BlockIndex::new(payload.link_content_index() as u32))?;
                    let disposition =
                        LinkNodeDisposition::from_raw(payload.link_disposition() as u8)
                            .ok_or(ReaderError::BadBlock(i))?;
                    let link = LinkValue { name, content, disposition };
                    pending_push(&mut nodes, parent, |n| n.links.push(link));
                }
                _ => {
                    let property = self.property(index, header, name)?;
                    pending_push(&mut nodes, parent, |n| n.properties.push(property));
                }
            }
        }
        // Properties may precede their node in block order; attach them now that all nodes exist.
        // Children are moved into parents deepest first, keeping block order among siblings.
        node_order.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
        for (_, index, parent) in node_order {
            if let Some(node) = nodes[index].take()
                && let Some(parent) = nodes[parent].as_mut()
            {
                parent.children.push(node);
            }
        }
        let mut root =
            nodes[0].take().unwrap_or_else(|| PartialNodeHierarchy::empty("root".to_owned()));
        reverse_children(&mut root);
        Ok(root)
    }
}

/// Adds to the node at `slot`, creating a placeholder when the node's block comes later in the
/// VMO than the value (its name is filled when the node block is reached).
fn pending_push(
    nodes: &mut [Option<PartialNodeHierarchy>],
    slot: usize,
    add: impl FnOnce(&mut PartialNodeHierarchy),
) {
    let node = nodes[slot].get_or_insert_with(|| PartialNodeHierarchy::empty(String::new()));
    add(node);
}

/// Children were pushed in reverse block order; restore block order, iteratively.
fn reverse_children(root: &mut PartialNodeHierarchy) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        node.children.reverse();
        stack.extend(node.children.iter_mut());
    }
}
