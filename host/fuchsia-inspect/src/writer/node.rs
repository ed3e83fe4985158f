//! `Node`: a node of the tree, the factory of every other value type.

use crate::Inspector;
use crate::writer::handle::BlockHandle;
use crate::writer::histograms::{ExponentialHistogram, LinearHistogram};
use crate::writer::properties::{
    BoolProperty, BytesProperty, DoubleProperty, IntProperty, LazyNode, StringProperty,
    UintProperty,
};
use crate::writer::state::{Error, InnerState, LazyNodeCallback, State};
use crate::writer::traits::InspectType;
use crate::writer::{
    DoubleArrayProperty, IntArrayProperty, StringArrayProperty, UintArrayProperty,
};
use diagnostics_hierarchy::{ExponentialHistogramParams, LinearHistogramParams};
use futures::future::BoxFuture;
use inspect_format::{ArrayDisplay, BlockIndex, BlockType, LinkNodeDisposition};
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// The shared part of a node: its block and the values recorded on it.
///
/// Concurrency: `recorded` is touched by any thread holding the node; its lock is never held
/// while a recorded value is dropped (dropping takes the state lock).
pub(crate) struct NodeShared {
    pub(crate) state: State,
    pub(crate) index: BlockIndex,
    recorded: Mutex<Vec<Box<dyn InspectType>>>,
    destroyed: AtomicBool,
}

impl NodeShared {
    fn clear_recorded(&self) {
        let values = std::mem::take(&mut *self.recorded.lock().unwrap_or_else(|p| p.into_inner()));
        drop(values);
    }

    fn destroy(&self) {
        if self.index != BlockIndex::ROOT && !self.destroyed.swap(true, Ordering::SeqCst) {
            let index = self.index;
            // A node handle only ever owns a NODE block.
            let _ = self.state.transact(|inner| inner.free_value(index));
        }
    }
}

impl Drop for NodeShared {
    fn drop(&mut self) {
        self.clear_recorded();
        self.destroy();
    }
}

#[derive(Default)]
enum NodeRef {
    #[default]
    NoOp,
    Strong(Arc<NodeShared>),
    Weak(Weak<NodeShared>),
}

/// A node of the Inspect tree. Dropping it deletes the node (a node with live children becomes
/// a tombstone until they are gone). `Node::default()` is a no-op node.
#[derive(Default)]
pub struct Node {
    inner: NodeRef,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node").field("index", &self.upgrade().map(|s| s.index)).finish()
    }
}

impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        match (self.upgrade(), other.upgrade()) {
            (Some(a), Some(b)) => Arc::ptr_eq(&a, &b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl InspectType for Node {}

impl crate::writer::traits::private::InspectTypeInternal for Node {
    fn state(&self) -> Option<&State> {
        match &self.inner {
            NodeRef::Strong(shared) => Some(&shared.state),
            _ => None,
        }
    }
}

impl Node {
    pub(crate) fn new_root(state: State) -> Node {
        Node {
            inner: NodeRef::Strong(Arc::new(NodeShared {
                state,
                index: BlockIndex::ROOT,
                recorded: Mutex::new(Vec::new()),
                destroyed: AtomicBool::new(false),
            })),
        }
    }

    /// The live shared part, `None` for no-op, dropped or forgotten nodes.
    pub(crate) fn upgrade(&self) -> Option<Arc<NodeShared>> {
        let shared = match &self.inner {
            NodeRef::NoOp => None,
            NodeRef::Strong(shared) => Some(shared.clone()),
            NodeRef::Weak(weak) => weak.upgrade(),
        }?;
        (!shared.destroyed.load(Ordering::SeqCst)).then_some(shared)
    }

    /// The writer state behind this node.
    pub(crate) fn writer_state(&self) -> Option<State> {
        self.upgrade().map(|shared| shared.state.clone())
    }

    /// True when this node is backed by a live block.
    pub fn is_valid(&self) -> bool {
        self.upgrade().is_some()
    }

    /// A weak reference: behaves like this node while it lives, then as a no-op.
    pub fn clone_weak(&self) -> Node {
        match &self.inner {
            NodeRef::NoOp => Node::default(),
            NodeRef::Strong(shared) => Node { inner: NodeRef::Weak(Arc::downgrade(shared)) },
            NodeRef::Weak(weak) => Node { inner: NodeRef::Weak(weak.clone()) },
        }
    }

    /// Runs `op` on the state with this node's block index; `None` for no-op nodes.
    fn with_state<R>(
        &self,
        op: impl FnOnce(&mut InnerState, BlockIndex) -> R,
    ) -> Option<(State, R)> {
        let shared = self.upgrade()?;
        let result = shared.state.transact(|inner| op(inner, shared.index));
        Some((shared.state.clone(), result))
    }

    fn create_handle(
        &self,
        op: impl FnOnce(&mut InnerState, BlockIndex) -> Result<BlockIndex, Error>,
    ) -> Option<BlockHandle> {
        let (state, result) = self.with_state(op)?;
        result.ok().map(|index| BlockHandle { state, index })
    }

    /// Adds a child node; it is deleted when the returned `Node` is dropped.
    #[must_use]
    pub fn create_child<'a>(&self, name: impl Into<Cow<'a, str>>) -> Node {
        let name = name.into();
        let Some(shared) = self.upgrade() else { return Node::default() };
        match shared.state.transact(|inner| inner.create_node(&name, shared.index)) {
            Ok(index) => Node {
                inner: NodeRef::Strong(Arc::new(NodeShared {
                    state: shared.state.clone(),
                    index,
                    recorded: Mutex::new(Vec::new()),
                    destroyed: AtomicBool::new(false),
                })),
            },
            Err(_) => Node::default(),
        }
    }

    /// Adds a child node kept alive by this node, initialized by `initialize`.
    pub fn record_child<'a, F: FnOnce(&Node)>(&self, name: impl Into<Cow<'a, str>>, initialize: F) {
        self.atomic_update(|node| {
            let child = node.create_child(name);
            initialize(&child);
            node.record(child);
        });
    }

    /// Runs `update_fn` so that readers see all of its writes or none of them.
    pub fn atomic_update<F: FnOnce(&Node) -> R, R>(&self, update_fn: F) -> R {
        match self.writer_state() {
            Some(state) => {
                state.begin_transaction();
                let result = update_fn(self);
                state.end_transaction();
                result
            }
            None => update_fn(self),
        }
    }

    /// Keeps `value` alive as long as this node.
    pub fn record(&self, value: impl InspectType + 'static) {
        match self.upgrade() {
            Some(shared) => {
                shared.recorded.lock().unwrap_or_else(|p| p.into_inner()).push(Box::new(value))
            }
            None => drop(value),
        }
    }

    /// Drops every value recorded on this node.
    pub fn clear_recorded(&self) {
        if let Some(shared) = self.upgrade() {
            shared.clear_recorded();
        }
    }

    /// Deletes this node now (weak clones become no-ops).
    pub fn forget(&self) {
        if let Some(shared) = self.upgrade() {
            shared.destroy();
        }
    }

    /// Adds a signed integer property.
    #[must_use]
    pub fn create_int<'a>(&self, name: impl Into<Cow<'a, str>>, value: i64) -> IntProperty {
        let name = name.into();
        IntProperty {
            handle: self.create_handle(|s, p| {
                s.create_numeric(&name, p, BlockType::IntValue, value as u64)
            }),
        }
    }

    /// Adds a signed integer property kept alive by this node.
    pub fn record_int<'a>(&self, name: impl Into<Cow<'a, str>>, value: i64) {
        self.record(self.create_int(name, value));
    }

    /// Adds an unsigned integer property.
    #[must_use]
    pub fn create_uint<'a>(&self, name: impl Into<Cow<'a, str>>, value: u64) -> UintProperty {
        let name = name.into();
        UintProperty {
            handle: self
                .create_handle(|s, p| s.create_numeric(&name, p, BlockType::UintValue, value)),
        }
    }

    /// Adds an unsigned integer property kept alive by this node.
    pub fn record_uint<'a>(&self, name: impl Into<Cow<'a, str>>, value: u64) {
        self.record(self.create_uint(name, value));
    }

    /// Adds a double property.
    #[must_use]
    pub fn create_double<'a>(&self, name: impl Into<Cow<'a, str>>, value: f64) -> DoubleProperty {
        let name = name.into();
        DoubleProperty {
            handle: self.create_handle(|s, p| {
                s.create_numeric(&name, p, BlockType::DoubleValue, value.to_bits())
            }),
        }
    }

    /// Adds a double property kept alive by this node.
    pub fn record_double<'a>(&self, name: impl Into<Cow<'a, str>>, value: f64) {
        self.record(self.create_double(name, value));
    }

    /// Adds a boolean property.
    #[must_use]
    pub fn create_bool<'a>(&self, name: impl Into<Cow<'a, str>>, value: bool) -> BoolProperty {
        let name = name.into();
        BoolProperty {
            handle: self.create_handle(|s, p| {
                s.create_numeric(&name, p, BlockType::BoolValue, value as u64)
            }),
        }
    }

    /// Adds a boolean property kept alive by this node.
    pub fn record_bool<'a>(&self, name: impl Into<Cow<'a, str>>, value: bool) {
        self.record(self.create_bool(name, value));
    }

    /// Adds a string property.
    #[must_use]
    pub fn create_string<'a, 'b>(
        &self,
        name: impl Into<Cow<'a, str>>,
        value: impl Into<Cow<'b, str>>,
    ) -> StringProperty {
        let (name, value) = (name.into(), value.into());
        StringProperty { handle: self.create_handle(|s, p| s.create_string(&name, &value, p)) }
    }

    /// Adds a string property kept alive by this node.
    pub fn record_string<'a, 'b>(
        &self,
        name: impl Into<Cow<'a, str>>,
        value: impl Into<Cow<'b, str>>,
    ) {
        self.record(self.create_string(name, value));
    }

    /// Adds a bytes property.
    #[must_use]
    pub fn create_bytes<'a>(
        &self,
        name: impl Into<Cow<'a, str>>,
        value: impl AsRef<[u8]>,
    ) -> BytesProperty {
        let name = name.into();
        BytesProperty {
            handle: self.create_handle(|s, p| s.create_bytes(&name, value.as_ref(), p)),
        }
    }

    /// Adds a bytes property kept alive by this node.
    pub fn record_bytes<'a>(&self, name: impl Into<Cow<'a, str>>, value: impl AsRef<[u8]>) {
        self.record(self.create_bytes(name, value));
    }

    fn create_array_handle(
        &self,
        name: Cow<'_, str>,
        entry: BlockType,
        slots: usize,
    ) -> Option<BlockHandle> {
        self.create_handle(|s, p| s.create_array(&name, p, entry, ArrayDisplay::Flat, slots))
    }

    /// Adds an array of `slots` signed integers (capped at what one block holds: 254).
    #[must_use]
    pub fn create_int_array<'a>(
        &self,
        name: impl Into<Cow<'a, str>>,
        slots: usize,
    ) -> IntArrayProperty {
        IntArrayProperty {
            handle: self.create_array_handle(name.into(), BlockType::IntValue, slots),
        }
    }

    /// Adds an array of `slots` unsigned integers.
    #[must_use]
    pub fn create_uint_array<'a>(
        &self,
        name: impl Into<Cow<'a, str>>,
        slots: usize,
    ) -> UintArrayProperty {
        UintArrayProperty {
            handle: self.create_array_handle(name.into(), BlockType::UintValue, slots),
        }
    }

    /// Adds an array of `slots` doubles.
    #[must_use]
    pub fn create_double_array<'a>(
        &self,
        name: impl Into<Cow<'a, str>>,
        slots: usize,
    ) -> DoubleArrayProperty {
        DoubleArrayProperty {
            handle: self.create_array_handle(name.into(), BlockType::DoubleValue, slots),
        }
    }

    /// Adds an array of `slots` strings.
    #[must_use]
    pub fn create_string_array<'a>(
        &self,
        name: impl Into<Cow<'a, str>>,
        slots: usize,
    ) -> StringArrayProperty {
        StringArrayProperty {
            handle: self.create_array_handle(name.into(), BlockType::StringReference, slots),
        }
    }

    /// Adds a linear histogram of signed integers.
    #[must_use]
    pub fn create_int_linear_histogram<'a>(
        &self,
        name: impl Into<Cow<'a, str>>,
        params: LinearHistogramParams<i64>,
    ) -> LinearHistogram<i64> {
        LinearHistogram::new(name.into(), params, self)
    }

    /// Adds a linear histogram of unsigned integers.
    #[must_use]
    pub fn create_uint_linear_histogram<'a>(
        &self,
        name: impl Into<Cow<'a, str>>,
        params: LinearHistogramParams<u64>,
    ) -> LinearHistogram<u64> {
        LinearHistogram::new(name.into(), params, self)
    }

    /// Adds a linear histogram of doubles.
    #[must_use]
    pub fn create_double_linear_histogram<'a>(
        &self,
        name: impl Into<Cow<'a, str>>,
        params: LinearHistogramParams<f64>,
    ) -> LinearHistogram<f64> {
        LinearHistogram::new(name.into(), params, self)
    }

    /// Adds an exponential histogram of signed integers.
    #[must_use]
    pub fn create_int_exponential_histogram<'a>(
        &self,
        name: impl Into<Cow<'a, str>>,
        params: ExponentialHistogramParams<i64>,
    ) -> ExponentialHistogram<i64> {
        ExponentialHistogram::new(name.into(), params, self)
    }

    /// Adds an exponential histogram of unsigned integers.
    #[must_use]
    pub fn create_uint_exponential_histogram<'a>(
        &self,
        name: impl Into<Cow<'a, str>>,
        params: ExponentialHistogramParams<u64>,
    ) -> ExponentialHistogram<u64> {
        ExponentialHistogram::new(name.into(), params, self)
    }

    /// Adds an exponential histogram of doubles.
    #[must_use]
    pub fn create_double_exponential_histogram<'a>(
        &self,
        name: impl Into<Cow<'a, str>>,
        params: ExponentialHistogramParams<f64>,
    ) -> ExponentialHistogram<f64> {
        ExponentialHistogram::new(name.into(), params, self)
    }

    fn create_lazy<'a, F>(
        &self,
        name: Cow<'a, str>,
        disposition: LinkNodeDisposition,
        callback: F,
    ) -> LazyNode
    where
        F: Fn() -> BoxFuture<'static, Result<Inspector, anyhow::Error>> + Sync + Send + 'static,
    {
        let callback: LazyNodeCallback = Arc::new(callback);
        LazyNode {
            handle: self.create_handle(|s, p| s.create_lazy_node(&name, p, disposition, callback)),
        }
    }

    /// Adds a lazy child: each read calls `callback` and shows its tree as a child `name`.
    #[must_use]
    pub fn create_lazy_child<'a, F>(&self, name: impl Into<Cow<'a, str>>, callback: F) -> LazyNode
    where
        F: Fn() -> BoxFuture<'static, Result<Inspector, anyhow::Error>> + Sync + Send + 'static,
    {
        self.create_lazy(name.into(), LinkNodeDisposition::Child, callback)
    }

    /// Adds a lazy child kept alive by this node.
    pub fn record_lazy_child<'a, F>(&self, name: impl Into<Cow<'a, str>>, callback: F)
    where
        F: Fn() -> BoxFuture<'static, Result<Inspector, anyhow::Error>> + Sync + Send + 'static,
    {
        self.record(self.create_lazy_child(name, callback));
    }

    /// Adds lazy values: each read calls `callback` and merges its root into this node.
    #[must_use]
    pub fn create_lazy_values<'a, F>(&self, name: impl Into<Cow<'a, str>>, callback: F) -> LazyNode
    where
        F: Fn() -> BoxFuture<'static, Result<Inspector, anyhow::Error>> + Sync + Send + 'static,
    {
        self.create_lazy(name.into(), LinkNodeDisposition::Inline, callback)
    }

    /// Adds lazy values kept alive by this node.
    pub fn record_lazy_values<'a, F>(&self, name: impl Into<Cow<'a, str>>, callback: F)
    where
        F: Fn() -> BoxFuture<'static, Result<Inspector, anyhow::Error>> + Sync + Send + 'static,
    {
        self.record(self.create_lazy_values(name, callback));
    }
}
