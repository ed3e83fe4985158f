//! Host build of `fuchsia_inspect_contrib`: higher-level Inspect helpers.

pub mod nodes;
