//! Limits on what one manager holds.

/// The most wake sources the protocol allows one manager to hold (`MAX_WAKE_SOURCES` in
/// fuchsia.starnix.proxy); configured limits are capped at it.
pub const MAX_WAKE_SOURCES: usize = 4096;
