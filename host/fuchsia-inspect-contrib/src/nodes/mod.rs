//! Node helpers.

mod list;

pub use list::BoundedListNode;
