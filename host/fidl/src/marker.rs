//! Marker values used by generated types.

/// Field of every generated table: keeps adding fields a non-breaking change
/// by requiring `..Default::default()` in struct literals outside the crate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceBreaking;
