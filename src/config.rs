// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Limits on what one manager holds, how far a proxy runs ahead of its container, how
//! long a proxy's wake source outlives it, how many activations the history keeps, and
//! when an active wake source is stuck.

/// The most wake sources the protocol allows one manager to hold (`MAX_WAKE_SOURCES` in
/// fuchsia.starnix.proxy); configured limits are capped at it.
pub const MAX_WAKE_SOURCES: usize = 4096;

/// The highest backpressure limit, in messages: one below the 3,500 messages Zircon lets a
/// channel end queue before raising the channel-full policy exception on the writer.
pub const MAX_UNHANDLED_MESSAGES_CAP: i64 = 3499;

/// How many proxies and wake sources one manager accepts, how far each proxy may run ahead
/// of its container, and how long a proxy's wake source may outlive it. A proxy's counter is
/// one of its wake sources, so `max_wake_sources` bounds proxies plus other sources together
/// (lingering sources included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_proxies: usize,
    pub max_wake_sources: usize,
    /// The longest a proxy's wake source lingers after the proxy ends while its counter is
    /// still positive (see `crate::linger`).
    pub linger_limit: zx::MonotonicDuration,
    /// Backpressure toward the container, in messages: the most unhandled messages (the
    /// counter's value) a proxy lets the container have before it stops reading from the
    /// remote. Between 1 and `MAX_UNHANDLED_MESSAGES_CAP`.
    pub max_unhandled_messages: i64,
    /// How many of the latest wake-source activations the history keeps (Inspect
    /// `activations`); 0 keeps none.
    pub activation_history: usize,
    /// A wake source active for longer than this is stuck (see `crate::stuck`).
    pub stuck_threshold: zx::MonotonicDuration,
    /// FIDL method ordinals each proxy counts apart (see `crate::method_stats`); further
    /// ordinals are counted together as `other`. At most `MAX_ORDINALS_PER_PROXY_CAP`.
    pub max_ordinals_per_proxy: usize,
}

impl Limits {
    /// Limits as configured, with `max_wake_sources` capped at the protocol's maximum, and
    /// the default linger, backpressure, activation history and stuck limits.
    pub fn new(max_proxies: usize, max_wake_sources: usize) -> Limits {
        Limits {
            max_proxies,
            max_wake_sources: max_wake_sources.min(MAX_WAKE_SOURCES),
            linger_limit: crate::wake_sources::DEFAULT_LINGER_LIMIT,
            max_unhandled_messages: crate::proxy::DEFAULT_MAX_UNHANDLED_MESSAGES,
            activation_history: crate::wake_sources::DEFAULT_ACTIVATION_HISTORY,
            stuck_threshold: crate::wake_sources::DEFAULT_STUCK_THRESHOLD,
            max_ordinals_per_proxy: crate::method_stats::DEFAULT_MAX_ORDINALS_PER_PROXY,
        }
    }

    /// These limits with a linger limit of `linger_limit_ms` milliseconds (the structured
    /// config field `linger_limit_ms`).
    pub fn with_linger_limit_ms(self, linger_limit_ms: u32) -> Limits {
        let linger_limit = zx::MonotonicDuration::from_millis(linger_limit_ms.into());
        Limits { linger_limit, ..self }
    }

    /// These limits with a backpressure limit of `max_unhandled_messages`, brought into
    /// 1..=`MAX_UNHANDLED_MESSAGES_CAP`.
    pub fn with_max_unhandled_messages(self, max_unhandled_messages: u32) -> Limits {
        Limits {
            max_unhandled_messages: i64::from(max_unhandled_messages)
                .clamp(1, MAX_UNHANDLED_MESSAGES_CAP),
            ..self
        }
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

impl Limits {
    /// These limits with `max_ordinals_per_proxy` ordinals counted apart per proxy (the
    /// structured config field of that name), capped at `MAX_ORDINALS_PER_PROXY_CAP`.
    pub fn with_max_ordinals_per_proxy(self, max_ordinals_per_proxy: u32) -> Limits {
        let max_ordinals_per_proxy = usize::try_from(max_ordinals_per_proxy)
            .unwrap_or(usize::MAX)
            .min(crate::method_stats::MAX_ORDINALS_PER_PROXY_CAP);
        Limits { max_ordinals_per_proxy, ..self }
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::new(1024, 2048)
    }
}
