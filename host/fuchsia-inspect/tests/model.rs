//! Property test against a plain model, and a concurrent reader that must never see a torn tree.

use diagnostics_hierarchy::{DiagnosticsHierarchy, Property as HProperty};
use fuchsia_inspect::reader::{self, PartialNodeHierarchy, ReaderError, Snapshot};
use fuchsia_inspect::{
    Inspector, IntProperty, LazyNode, Node, NumericProperty, Property, StringProperty, UintProperty,
};
use futures::FutureExt;
use proptest::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Clone, Debug)]
enum Op {
    CreateNode { parent: usize },
    CreateUint { parent: usize, value: u64 },
    CreateInt { parent: usize, value: i64 },
    CreateString { parent: usize, value: String },
    CreateLazy { parent: usize, value: u64 },
    SetUint { target: usize, value: u64 },
    AddUint { target: usize, value: u64 },
    SubtractInt { target: usize, value: i64 },
    SetString { target: usize, value: String },
    Delete { target: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let index = 0usize..64;
    prop_oneof![
        index.clone().prop_map(|parent| Op::CreateNode { parent }),
        (index.clone(), any::<u64>()).prop_map(|(parent, value)| Op::CreateUint { parent, value }),
        (index.clone(), any::<i64>()).prop_map(|(parent, value)| Op::CreateInt { parent, value }),
        (index.clone(), "[a-z]{0,40}")
            .prop_map(|(parent, value)| Op::CreateString { parent, value }),
        (index.clone(), any::<u64>()).prop_map(|(parent, value)| Op::CreateLazy { parent, value }),
        (index.clone(), any::<u64>()).prop_map(|(target, value)| Op::SetUint { target, value }),
        (index.clone(), any::<u64>()).prop_map(|(target, value)| Op::AddUint { target, value }),
        (index.clone(), any::<i64>()).prop_map(|(target, value)| Op::SubtractInt { target, value }),
        (index.clone(), "[a-z]{0,300}").prop_map(|(target, value)| Op::SetString { target, value }),
        index.prop_map(|target| Op::Delete { target }),
    ]
}

/// What the model knows about one created value.
#[derive(Clone, Debug)]
enum Value {
    Node,
    Uint(u64),
    Int(i64),
    Str(String),
    Lazy(u64),
}

struct Entry {
    name: String,
    /// Index of the parent entry; `None` for the root.
    parent: Option<usize>,
    value: Value,
    alive: bool,
}

enum Handle {
    Node(Node),
    Uint(UintProperty),
    Int(IntProperty),
    Str(StringProperty),
    Lazy(LazyNode),
}

impl Handle {
    fn is_valid(&self) -> bool {
        match self {
            Handle::Node(h) => h.is_valid(),
            Handle::Uint(h) => h.is_valid(),
            Handle::Int(h) => h.is_valid(),
            Handle::Str(h) => h.is_valid(),
            Handle::Lazy(h) => h.is_valid(),
        }
    }
}

struct Harness {
    inspector: Inspector,
    entries: Vec<Entry>,
    handles: Vec<Option<Handle>>,
}

impl Harness {
    fn new() -> Self {
        Harness { inspector: Inspector::default(), entries: vec![], handles: vec![] }
    }

    /// Picks a live node entry (or the root) from a random index.
    fn parent(&self, pick: usize) -> Option<usize> {
        let nodes: Vec<usize> = (0..self.entries.len())
            .filter(|i| self.entries[*i].alive && matches!(self.entries[*i].value, Value::Node))
            .collect();
        let choice = pick % (nodes.len() + 1);
        nodes.get(choice).copied()
    }

    fn parent_node(&self, parent: Option<usize>) -> &Node {
        match parent {
            None => self.inspector.root(),
            Some(i) => match &self.handles[i] {
                Some(Handle::Node(node)) => node,
                _ => unreachable!("parents are live nodes"),
            },
        }
    }

    fn live(&self, pick: usize) -> Option<usize> {
        let live: Vec<usize> = (0..self.entries.len()).filter(|i| self.entries[*i].alive).collect();
        (!live.is_empty()).then(|| live[pick % live.len()])
    }

    fn apply(&mut self, op: Op) {
        let name = format!("v{}", self.entries.len());
        let (parent, value, handle) = match op {
            Op::CreateNode { parent } => {
                let parent = self.parent(parent);
                let node = self.parent_node(parent).create_child(name.as_str());
                (parent, Value::Node, Handle::Node(node))
            }
            Op::CreateUint { parent, value } => {
                let parent = self.parent(parent);
                let p = self.parent_node(parent).create_uint(name.as_str(), value);
                (parent, Value::Uint(value), Handle::Uint(p))
            }
            Op::CreateInt { parent, value } => {
                let parent = self.parent(parent);
                let p = self.parent_node(parent).create_int(name.as_str(), value);
                (parent, Value::Int(value), Handle::Int(p))
            }
            Op::CreateString { parent, value } => {
                let parent = self.parent(parent);
                let p = self.parent_node(parent).create_string(name.as_str(), value.as_str());
                (parent, Value::Str(value), Handle::Str(p))
            }
            Op::CreateLazy { parent, value } => {
                let parent = self.parent(parent);
                let p = self.parent_node(parent).create_lazy_child(name.as_str(), move || {
                    async move {
                        let inspector = Inspector::default();
                        inspector.root().record_uint("lazy", value);
                        Ok(inspector)
                    }
                    .boxed()
                });
                (parent, Value::Lazy(value), Handle::Lazy(p))
            }
            Op::SetUint { target, value } => {
                if let Some(i) = self.live(target)
                    && let Some(Handle::Uint(p)) = &self.handles[i]
                {
                    p.set(value);
                    self.entries[i].value = Value::Uint(value);
                }
                return;
            }
            Op::AddUint { target, value } => {
                if let Some(i) = self.live(target)
                    && let (Some(Handle::Uint(p)), Value::Uint(old)) =
                        (&self.handles[i], &self.entries[i].value)
                {
                    let new = old.saturating_add(value);
                    assert_eq!(p.add(value), Some(new));
                    self.entries[i].value = Value::Uint(new);
                }
                return;
            }
            Op::SubtractInt { target, value } => {
                if let Some(i) = self.live(target)
                    && let (Some(Handle::Int(p)), Value::Int(old)) =
                        (&self.handles[i], &self.entries[i].value)
                {
                    let new = old.saturating_sub(value);
                    assert_eq!(p.subtract(value), Some(new));
                    self.entries[i].value = Value::Int(new);
                }
                return;
            }
            Op::SetString { target, value } => {
                if let Some(i) = self.live(target)
                    && let Some(Handle::Str(p)) = &self.handles[i]
                {
                    p.set(&value);
                    self.entries[i].value = Value::Str(value);
                }
                return;
            }
            Op::Delete { target } => {
                if let Some(i) = self.live(target) {
                    self.handles[i] = None;
                    self.entries[i].alive = false;
                }
                return;
            }
        };
        assert!(handle.is_valid(), "a 256 KiB VMO holds every tree this test builds");
        self.entries.push(Entry { name, parent, value, alive: true });
        self.handles.push(Some(handle));
    }

    /// The tree a reader must see: live values whose every ancestor is live.
    fn expected(&self, parent: Option<usize>, name: &str) -> DiagnosticsHierarchy {
        let mut node = DiagnosticsHierarchy::new(name, vec![], vec![]);
        for (i, entry) in self.entries.iter().enumerate() {
            if !entry.alive || entry.parent != parent {
                continue;
            }
            let key = entry.name.clone();
            match &entry.value {
                Value::Node => node.add_child(self.expected(Some(i), &entry.name)),
                Value::Uint(v) => node.add_property(HProperty::Uint(key, *v)),
                Value::Int(v) => node.add_property(HProperty::Int(key, *v)),
                Value::Str(v) => node.add_property(HProperty::String(key, v.clone())),
                Value::Lazy(v) => node.add_child(DiagnosticsHierarchy::new(
                    key,
                    vec![HProperty::Uint("lazy".into(), *v)],
                    vec![],
                )),
            }
        }
        node
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// After every operation, reading the VMO gives exactly the model's tree.
    #[test]
    fn reader_of_vmo_equals_model(ops in prop::collection::vec(op(), 1..60)) {
        let mut harness = Harness::new();
        for op in ops {
            harness.apply(op);
            let mut actual = futures::executor::block_on(reader::read(&harness.inspector)).unwrap();
            let mut expected = harness.expected(None, "root");
            actual.sort();
            expected.sort();
            prop_assert_eq!(actual, expected);
        }
    }
}

/// A reader snapshotting while a writer mutates under `atomic_update` sees only whole updates:
/// properties `a` and `b` are always equal, and exactly one child `c` exists holding the same
/// value.
#[test]
fn concurrent_reader_never_sees_a_torn_tree() {
    const ROUNDS: u64 = 2000;
    let inspector = Inspector::default();
    let a = inspector.root().create_uint("a", 0);
    let b = inspector.root().create_uint("b", 0);
    let mut child = inspector.root().create_child("c");
    child.record_uint("v", 0);
    let vmo = inspector.duplicate_vmo().unwrap();
    let done = Arc::new(AtomicBool::new(false));

    let reader = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut consistent_reads = 0u64;
            loop {
                let finished = done.load(Ordering::Acquire);
                match Snapshot::try_from(&vmo) {
                    Ok(snapshot) => {
                        let tree: DiagnosticsHierarchy =
                            PartialNodeHierarchy::try_from(snapshot).unwrap().into();
                        let a = tree.get_property("a").and_then(|p| p.uint()).copied();
                        let b = tree.get_property("b").and_then(|p| p.uint()).copied();
                        assert_eq!(a, b, "torn properties");
                        assert_eq!(tree.children.len(), 1, "torn children: {tree:?}");
                        let v =
                            tree.get_property_by_path(&["c", "v"]).and_then(|p| p.uint()).copied();
                        assert_eq!(v, a, "torn child");
                        consistent_reads += 1;
                    }
                    Err(ReaderError::InconsistentSnapshot) => {}
                    Err(err) => panic!("read failed: {err}"),
                }
                if finished {
                    return consistent_reads;
                }
            }
        })
    };

    for round in 1..=ROUNDS {
        inspector.atomic_update(|root| {
            a.set(round);
            drop(std::mem::take(&mut child));
            child = root.create_child("c");
            child.record_uint("v", round);
            b.set(round);
        });
    }
    done.store(true, Ordering::Release);
    let reads = reader.join().expect("reader thread");
    assert!(reads >= 1);
}
