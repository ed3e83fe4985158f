//! Host-only: the in-process stand-in for archivist, and how the publishing component is
//! identified. Product code never uses this module; the host ArchiveReader and test drivers do.

pub mod archivist;
pub mod identity;
