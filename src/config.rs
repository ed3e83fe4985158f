// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Limits on what one manager holds, how long a proxy's wake source outlives it, how many
//! activations the history keeps, and when an active wake source is stuck.

/// The most wake sources the protocol allows one manager to hold (`MAX_WAKE_SOURCES` in
/// fuchsia.starnix.proxy); configured limits are capped at it.
pub const MAX_WAKE_SOURCES: usize = 4096;

/// How many proxies and wake sources one manager accepts. A proxy's counter is one of its
/// wake sources, so `max_wake_sources` bounds proxies plus other sources together (lingering
/// sources included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_proxies: usize,
    pub max_wake_sources: usize,
    /// The longest a proxy's wake source lingers after the proxy ends while its counter is
    /// still positive (see `crate::linger`).
    pub linger_limit: zx::MonotonicDuration,
    /// How many of the latest wake-source activations the history keeps (Inspect
    /// `activations`); 0 keeps none.
    pub activation_history: usize,
    /// A wake source active for longer than this is stuck (see `crate::stuck`).
    pub stuck_threshold: zx::MonotonicDuration,
}

impl Limits {
    /// Limits as configured, with `max_wake_sources` capped at the protocol's maximum, and
    /// the default linger limit, activation history and stuck threshold.
    pub fn new(max_proxies: usize, max_wake_sources: usize) -> Limits {
        Limits {
            max_proxies,
            max_wake_sources: max_wake_sources.min(MAX_WAKE_SOURCES),
            linger_limit: crate::wake_sources::DEFAULT_LINGER_LIMIT,
            activation_history: crate::wake_sources::DEFAULT_ACTIVATION_HISTORY,
            stuck_threshold: crate::wake_sources::DEFAULT_STUCK_THRESHOLD,
        }
    }

    /// These limits with a linger limit of `linger_limit_ms` milliseconds (the structured
    /// config field `linger_limit_ms`).
    pub fn with_linger_limit_ms(self, linger_limit_ms: u32) -> Limits {
        let linger_limit = zx::MonotonicDuration::from_millis(linger_limit_ms.into());
        Limits { linger_limit, ..self }
    }

    /// These limits with a history of the latest `max_activation_history` activations (the
    /// structured config field `max_activation_history`, a count of entries).
    pub fn with_activation_history(self, max_activation_history: u32) -> Limits {
        Limits { activation_history: max_activation_history as usize, ..self }
    }

    /// These limits with sources stuck once active for more than `stuck_threshold_ms`
    /// milliseconds (the structured config field `stuck_threshold_ms`).
    pub fn with_stuck_threshold_ms(self, stuck_threshold_ms: u32) -> Limits {
        let stuck_threshold = zx::MonotonicDuration::from_millis(stuck_threshold_ms.into());
        Limits { stuck_threshold, ..self }
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::new(1024, 2048)
    }
}
