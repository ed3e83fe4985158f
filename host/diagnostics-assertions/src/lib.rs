//! Assertions on diagnostics hierarchies: `assert_data_tree!`, `tree_assertion!` and the
//! property matchers (`AnyProperty`, `AnyUintProperty`, `NonZeroUintProperty`, ...).
//!
//! Follows the in-tree
//! `src/lib/diagnostics/testing/diagnostics-assertions/rust/src/lib.rs`: the key of a
//! `var key: ..` entry is passed as it is to `TreeAssertion::new(name: &str, ..)` or
//! `add_property_assertion(key: &str, ..)`, so it must be a `&str` (a `&String` coerces);
//! a `String` does not compile:
//!
//! ```compile_fail,E0308
//! use diagnostics_assertions::assert_data_tree;
//! use diagnostics_hierarchy::DiagnosticsHierarchy;
//! async fn check(tree: DiagnosticsHierarchy) {
//!     let key = 7.to_string();
//!     assert_data_tree!(tree, root: { var key: {} });
//! }
//! ```
//!
//! ```
//! # use diagnostics_assertions::assert_data_tree;
//! # use diagnostics_hierarchy::DiagnosticsHierarchy;
//! # async fn check(tree: DiagnosticsHierarchy) {
//! let key = &7.to_string();
//! assert_data_tree!(tree, root: { var key: {} });
//! # }
//! ```
//!
//! ```
//! use diagnostics_assertions::{assert_data_tree, AnyProperty};
//! use diagnostics_hierarchy::{DiagnosticsHierarchy, Property};
//! let tree: DiagnosticsHierarchy = DiagnosticsHierarchy::new(
//!     "root",
//!     vec![Property::Uint("a".into(), 1)],
//!     vec![DiagnosticsHierarchy::new("child", vec![Property::Int("n".into(), -1)], vec![])],
//! );
//! futures::executor::block_on(async {
//!     assert_data_tree!(tree, root: { a: 1u64, child: contains { n: AnyProperty } });
//! });
//! ```

mod matchers;
mod tree;

pub use diagnostics_hierarchy::DiagnosticsHierarchyGetter;
pub use matchers::{
    AnyBoolProperty, AnyBytesProperty, AnyDoubleProperty, AnyIntProperty, AnyNumericProperty,
    AnyProperty, AnyStringProperty, AnyUintProperty, NonZeroIntProperty, NonZeroUintProperty,
    PropertyAssertion,
};
pub use tree::{Error, TreeAssertion};

/// Builds a [`TreeAssertion`] from the `assert_data_tree!` syntax:
/// `root: { key: value, child: { .. }, other: contains { .. }, "quoted key": value, var k: value }`
/// (`k` a `&str`).
/// `{ .. }` asserts exactly the listed properties and children; `contains { .. }` allows more.
/// Values are literals (`1u64`, `-2i64`, `0.5`, `true`, `"text"`, `vec![..]`) or matchers.
#[macro_export]
macro_rules! tree_assertion {
    (@build $node:ident $(,)?) => {};
    (@build $node:ident, var $key:ident : $($rest:tt)+) => {
        $crate::tree_assertion!(@value $node, ($key), $($rest)+)
    };
    (@build $node:ident, $key:ident : $($rest:tt)+) => {
        $crate::tree_assertion!(@value $node, (stringify!($key)), $($rest)+)
    };
    (@build $node:ident, $key:literal : $($rest:tt)+) => {
        $crate::tree_assertion!(@value $node, ({ let key: &'static str = $key; key }), $($rest)+)
    };
    (@value $node:ident, ($key:expr), contains { $($sub:tt)* } $(, $($rest:tt)*)?) => {
        let mut child = $crate::TreeAssertion::new($key, false);
        $crate::tree_assertion!(@build child, $($sub)*);
        $node.add_child_assertion(child);
        $crate::tree_assertion!(@build $node, $($($rest)*)?);
    };
    (@value $node:ident, ($key:expr), { $($sub:tt)* } $(, $($rest:tt)*)?) => {
        let mut child = $crate::TreeAssertion::new($key, true);
        $crate::tree_assertion!(@build child, $($sub)*);
        $node.add_child_assertion(child);
        $crate::tree_assertion!(@build $node, $($($rest)*)?);
    };
    (@value $node:ident, ($key:expr), $value:expr $(, $($rest:tt)*)?) => {
        $node.add_property_assertion($key, ::std::boxed::Box::new($value));
        $crate::tree_assertion!(@build $node, $($($rest)*)?);
    };
    ($key:ident : contains { $($sub:tt)* }) => {{
        let mut root = $crate::TreeAssertion::new(stringify!($key), false);
        $crate::tree_assertion!(@build root, $($sub)*);
        root
    }};
    ($key:ident : { $($sub:tt)* }) => {{
        let mut root = $crate::TreeAssertion::new(stringify!($key), true);
        $crate::tree_assertion!(@build root, $($sub)*);
        root
    }};
}

/// Asserts that a hierarchy (or an Inspector, or anything implementing
/// `DiagnosticsHierarchyGetter`) matches the tree; panics with the first mismatch's path.
/// As in-tree, it awaits the hierarchy, so it is used in async code only:
///
/// ```compile_fail,E0728
/// fn not_async(tree: diagnostics_hierarchy::DiagnosticsHierarchy) {
///     diagnostics_assertions::assert_data_tree!(tree, root: {});
/// }
/// ```
///
/// ```
/// async fn in_async(tree: diagnostics_hierarchy::DiagnosticsHierarchy) {
///     diagnostics_assertions::assert_data_tree!(tree, root: {});
/// }
/// ```
#[macro_export]
macro_rules! assert_data_tree {
    ($hierarchy:expr, $($rest:tt)+) => {{
        use $crate::DiagnosticsHierarchyGetter as _;
        let tree_assertion = $crate::tree_assertion!($($rest)+);
        if let Err(error) =
            tree_assertion.run($hierarchy.get_diagnostics_hierarchy().await.as_ref())
        {
            panic!("tree assertion fails: {}", error);
        }
    }};
}
