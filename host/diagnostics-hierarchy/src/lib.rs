//! Diagnostics hierarchy: the tree of named nodes and typed properties that Inspect readers
//! produce, with its JSON serialization (the form archivist and `ffx inspect` emit).

mod array;
mod serialize;

pub use array::{
    ArrayContent, ArrayFormat, ExponentialHistogram, ExponentialHistogramParams, HistogramError,
    LinearHistogram, LinearHistogramParams,
};

use std::borrow::Cow;
use std::cmp::Ordering;

/// Anything a hierarchy can be obtained from (a hierarchy itself, an Inspector, ...). As
/// in-tree, getting it is asynchronous (reading an Inspector resolves its lazy nodes): the
/// in-tree `assert_data_tree!` and `JsonGetter`
/// (src/lib/diagnostics/testing/diagnostics-assertions/rust/src/lib.rs) await
/// `get_diagnostics_hierarchy()`, so the macro works only in async code.
pub trait DiagnosticsHierarchyGetter<K: Clone> {
    /// The hierarchy, borrowed or freshly read.
    fn get_diagnostics_hierarchy<'a>(
        &'a self,
    ) -> impl std::future::Future<Output = Cow<'a, DiagnosticsHierarchy<K>>>
    where
        K: 'a;
}

impl<K: Clone> DiagnosticsHierarchyGetter<K> for DiagnosticsHierarchy<K> {
    async fn get_diagnostics_hierarchy<'a>(&'a self) -> Cow<'a, DiagnosticsHierarchy<K>>
    where
        K: 'a,
    {
        Cow::Borrowed(self)
    }
}

/// A tree of named nodes, each with properties and children.
#[derive(Clone, Debug, PartialEq)]
pub struct DiagnosticsHierarchy<Key = String> {
    /// The name of this node.
    pub name: String,
    /// The properties of this node, in the order they were read (or sorted by [`Self::sort`]).
    pub properties: Vec<Property<Key>>,
    /// The children of this node.
    pub children: Vec<DiagnosticsHierarchy<Key>>,
    /// Values that could not be loaded (e.g. lazy children whose callback failed).
    pub missing: Vec<MissingValue>,
}

/// A value that could not be loaded, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingValue {
    /// Why it is missing.
    pub reason: MissingValueReason,
    /// The name of the missing value.
    pub name: String,
}

/// Reasons a value could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MissingValueReason {
    /// The link's content has no callback.
    LinkNotFound,
    /// The linked tree could not be parsed.
    LinkParseFailure,
    /// The link was invalid (e.g. nested too deeply).
    LinkInvalid,
    /// The link was never expanded.
    LinkNeverExpanded,
    /// Loading timed out.
    Timeout,
}

/// Orders names numerically when both are unsigned integers, else lexically.
fn name_cmp(a: &str, b: &str) -> Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(n), Ok(m)) => n.cmp(&m),
        _ => a.cmp(b),
    }
}

impl<Key: AsRef<str>> DiagnosticsHierarchy<Key> {
    /// A hierarchy named `name` with the given properties and children.
    pub fn new(
        name: impl Into<String>,
        properties: Vec<Property<Key>>,
        children: Vec<DiagnosticsHierarchy<Key>>,
    ) -> Self {
        Self { name: name.into(), properties, children, missing: vec![] }
    }

    /// An empty hierarchy named "root".
    pub fn new_root() -> Self {
        Self::new("root", vec![], vec![])
    }

    /// Sorts properties and children by name, recursively (numeric names numerically).
    pub fn sort(&mut self) {
        self.properties.sort_by(|a, b| name_cmp(a.name(), b.name()));
        self.children.sort_by(|a, b| name_cmp(&a.name, &b.name));
        for child in &mut self.children {
            child.sort();
        }
    }

    /// The first property named `name`.
    pub fn get_property(&self, name: &str) -> Option<&Property<Key>> {
        self.properties.iter().find(|p| p.name() == name)
    }

    /// The first child named `name`.
    pub fn get_child(&self, name: &str) -> Option<&DiagnosticsHierarchy<Key>> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The first child named `name`, mutably.
    pub fn get_child_mut(&mut self, name: &str) -> Option<&mut DiagnosticsHierarchy<Key>> {
        self.children.iter_mut().find(|c| c.name == name)
    }

    /// The node reached by following `path` (child names, not including this node's name).
    pub fn get_child_by_path(&self, path: &[&str]) -> Option<&DiagnosticsHierarchy<Key>> {
        path.iter().try_fold(self, |node, name| node.get_child(name))
    }

    /// The property at `path`: child names then the property name. `None` for an empty path.
    pub fn get_property_by_path(&self, path: &[&str]) -> Option<&Property<Key>> {
        let (name, nodes) = path.split_last()?;
        self.get_child_by_path(nodes)?.get_property(name)
    }

    /// The child named `name`, created empty if absent.
    pub fn get_or_add_child_mut(&mut self, name: &str) -> &mut DiagnosticsHierarchy<Key> {
        match self.children.iter().position(|c| c.name == name) {
            Some(i) => &mut self.children[i],
            None => {
                self.children.push(DiagnosticsHierarchy::new(name, vec![], vec![]));
                let last = self.children.len() - 1;
                &mut self.children[last]
            }
        }
    }

    /// Appends a child.
    pub fn add_child(&mut self, child: DiagnosticsHierarchy<Key>) {
        self.children.push(child);
    }

    /// Appends a property.
    pub fn add_property(&mut self, property: Property<Key>) {
        self.properties.push(property);
    }

    /// Records a value that could not be loaded.
    pub fn add_missing(&mut self, reason: MissingValueReason, name: String) {
        self.missing.push(MissingValue { reason, name });
    }
}

/// A named, typed value.
#[derive(Clone, Debug, PartialEq)]
pub enum Property<Key = String> {
    /// UTF-8 text.
    String(Key, String),
    /// Bytes.
    Bytes(Key, Vec<u8>),
    /// Signed integer.
    Int(Key, i64),
    /// Unsigned integer.
    Uint(Key, u64),
    /// Double.
    Double(Key, f64),
    /// Boolean.
    Bool(Key, bool),
    /// Double array or histogram.
    DoubleArray(Key, ArrayContent<f64>),
    /// Int array or histogram.
    IntArray(Key, ArrayContent<i64>),
    /// Uint array or histogram.
    UintArray(Key, ArrayContent<u64>),
    /// List of strings.
    StringList(Key, Vec<String>),
}

impl<Key> Property<Key> {
    /// The property's key.
    pub fn key(&self) -> &Key {
        match self {
            Property::String(k, _)
            | Property::Bytes(k, _)
            | Property::Int(k, _)
            | Property::Uint(k, _)
            | Property::Double(k, _)
            | Property::Bool(k, _)
            | Property::DoubleArray(k, _)
            | Property::IntArray(k, _)
            | Property::UintArray(k, _)
            | Property::StringList(k, _) => k,
        }
    }

    /// The property's name.
    pub fn name(&self) -> &str
    where
        Key: AsRef<str>,
    {
        self.key().as_ref()
    }

    /// A short name of the property's type, used in assertion messages.
    pub fn discriminant_name(&self) -> &'static str {
        match self {
            Property::String(..) => "String",
            Property::Bytes(..) => "Bytes",
            Property::Int(..) => "Int",
            Property::Uint(..) => "Uint",
            Property::Double(..) => "Double",
            Property::Bool(..) => "Bool",
            Property::DoubleArray(..) => "DoubleArray",
            Property::IntArray(..) => "IntArray",
            Property::UintArray(..) => "UintArray",
            Property::StringList(..) => "StringList",
        }
    }
}

macro_rules! property_getters {
    ($($variant:ident => $fn_name:ident : $ty:ty;)*) => {
        impl<Key> Property<Key> {
            $(
                #[doc = concat!("The ", stringify!($variant), " value, `None` for other types.")]
                pub fn $fn_name(&self) -> Option<&$ty> {
                    match self {
                        Property::$variant(_, value) => Some(value),
                        _ => None,
                    }
                }
            )*
        }
    };
}

property_getters! {
    String => string: str;
    Bytes => bytes: [u8];
    Int => int: i64;
    Uint => uint: u64;
    Double => double: f64;
    Bool => boolean: bool;
    DoubleArray => double_array: ArrayContent<f64>;
    IntArray => int_array: ArrayContent<i64>;
    UintArray => uint_array: ArrayContent<u64>;
    StringList => string_list: Vec<String>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> DiagnosticsHierarchy {
        DiagnosticsHierarchy::new(
            "root",
            vec![
                Property::Uint("10".into(), 1),
                Property::Int("9".into(), -1),
                Property::Bool("b".into(), true),
            ],
            vec![
                DiagnosticsHierarchy::new(
                    "z",
                    vec![Property::String("s".into(), "x".into())],
                    vec![],
                ),
                DiagnosticsHierarchy::new("a", vec![], vec![]),
            ],
        )
    }

    #[test]
    fn sort_orders_numeric_names_numerically() {
        let mut t = tree();
        t.sort();
        let names: Vec<_> = t.properties.iter().map(|p| p.name()).collect();
        assert_eq!(names, ["9", "10", "b"]);
        assert_eq!(t.children[0].name, "a");
    }

    #[test]
    fn lookups_by_path() {
        let t = tree();
        assert_eq!(t.get_property_by_path(&["z", "s"]).and_then(|p| p.string()), Some("x"));
        assert_eq!(t.get_property_by_path(&["b"]).and_then(|p| p.boolean()), Some(&true));
        assert!(t.get_property_by_path(&[]).is_none());
        assert!(t.get_property_by_path(&["nope", "s"]).is_none());
        assert!(t.get_child_by_path(&["z"]).is_some());
        assert_eq!(t.get_property("10").and_then(|p| p.uint()), Some(&1));
        assert_eq!(t.get_property("10").and_then(|p| p.int()), None);
    }

    #[test]
    fn get_or_add_child_reuses_existing() {
        let mut t = tree();
        t.get_or_add_child_mut("a").add_property(Property::Int("n".into(), 1));
        t.get_or_add_child_mut("new");
        assert_eq!(t.children.len(), 3);
        assert_eq!(t.get_child("a").unwrap().properties.len(), 1);
    }
}
