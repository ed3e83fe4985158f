// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! The container's wake sources: what keeps it from suspending, and when each was active.
//!
//! Every proxy's counter is a wake source (active while positive), and clients may register
//! any other handle with the signals that make it active. The registry gives each source a
//! never-reused id, refuses duplicates (by kernel object) and sources beyond the configured
//! limit, tracks when each source is active with the figures Linux keeps for a wakeup source,
//! and lets watchers wait for the set of active sources to change.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

/// Identifies a wake source for the life of the component; 0 is never used.
pub type WakeSourceId = u64;

/// What kind of thing a wake source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WakeSourceKind {
    /// A proxy's message counter, active while positive.
    Proxy,
    /// A handle registered with AddWakeSource, active while any of its signals is asserted.
    Handle,
}

/// Why a source cannot be registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RegisterError {
    #[error("the object is already registered as wake source {0}")]
    AlreadyRegistered(WakeSourceId),
    #[error("the limit of {0} wake sources is reached")]
    LimitReached(usize),
}

/// The Linux wakeup-source figures of one source. Times are monotonic, in nanoseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Activity {
    pub active: bool,
    /// Times the source went from inactive to active.
    pub activation_count: u64,
    /// When the current activation began, if active.
    pub active_since: Option<zx::MonotonicInstant>,
    /// Sum of completed activations.
    pub total_active: zx::MonotonicDuration,
    /// Longest completed activation.
    pub max_active: zx::MonotonicDuration,
    /// When `active` last changed (registration counts as a change).
    pub last_change: zx::MonotonicInstant,
}

impl Activity {
    fn new(now: zx::MonotonicInstant) -> Activity {
        Activity { last_change: now, ..Activity::default() }
    }

    /// Records a change of state at `now`; returns whether the state changed.
    fn set(&mut self, active: bool, now: zx::MonotonicInstant) -> bool {
        if self.active == active {
            return false;
        }
        if active {
            self.activation_count += 1;
            self.active_since = Some(now);
        } else if let Some(since) = self.active_since.take() {
            let span = now - since;
            self.total_active += span;
            self.max_active = self.max_active.max(span);
        }
        self.active = active;
        self.last_change = now;
        true
    }

    /// Total active time including the current activation, up to `now`.
    pub fn total_active_at(&self, now: zx::MonotonicInstant) -> zx::MonotonicDuration {
        self.total_active + self.active_since.map(|since| now - since).unwrap_or_default()
    }
}

/// One registered source, as the registry reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WakeSourceInfo {
    pub id: WakeSourceId,
    pub name: String,
    pub koid: zx::Koid,
    pub signals: zx::Signals,
    pub kind: WakeSourceKind,
    pub activity: Activity,
}

/// The active sources at one moment, in activation order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActiveSet {
    pub ids: Vec<WakeSourceId>,
    pub names: Vec<String>,
}

impl ActiveSet {
    /// The names joined by "," (the runner's resume reason), cut at a name boundary so that
    /// it fits in `max_len` bytes, with "..." marking a cut.
    pub fn resume_reason(&self, max_len: usize) -> String {
        let full = self.names.join(",");
        if full.len() <= max_len {
            return full;
        }
        let mut reason = String::new();
        for name in &self.names {
            let separator = if reason.is_empty() { "" } else { "," };
            if reason.len() + separator.len() + name.len() + 3 > max_len {
                break;
            }
            reason.push_str(separator);
            reason.push_str(name);
        }
        reason.push_str("...");
        reason
    }
}

struct Source {
    info: WakeSourceInfo,
    /// Position in activation order while active (a strictly increasing stamp).
    activated_at_seq: u64,
}

struct State {
    limit: usize,
    next_id: WakeSourceId,
    next_activation_seq: u64,
    sources: BTreeMap<WakeSourceId, Source>,
    by_koid: HashMap<zx::Koid, WakeSourceId>,
}

/// The registry of wake sources.
///
/// Shared (behind `Arc`) by the FIDL server on the main thread, which registers and removes
/// sources and waits for changes, and the proxy thread, whose monitors report activity and
/// whose proxies unregister their counters when they end. The mutex is held for one short
/// operation at a time, never across an await; `changed` is notified after it is released.
pub struct WakeSources {
    state: Mutex<State>,
    changed: event_listener::Event,
}

impl WakeSources {
    /// A registry that refuses sources beyond `limit`.
    pub fn new(limit: usize) -> WakeSources {
        WakeSources {
            state: Mutex::new(State {
                limit,
                next_id: 1,
                next_activation_seq: 0,
                sources: BTreeMap::new(),
                by_koid: HashMap::new(),
            }),
            changed: event_listener::Event::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers the object `koid` under a fresh id, initially inactive.
    pub fn register(
        &self,
        name: &str,
        koid: zx::Koid,
        signals: zx::Signals,
        kind: WakeSourceKind,
    ) -> Result<WakeSourceId, RegisterError> {
        let mut state = self.state();
        if let Some(existing) = state.by_koid.get(&koid) {
            return Err(RegisterError::AlreadyRegistered(*existing));
        }
        if state.sources.len() >= state.limit {
            return Err(RegisterError::LimitReached(state.limit));
        }
        let id = state.next_id;
        state.next_id += 1;
        let activity = Activity::new(zx::MonotonicInstant::get());
        let info = WakeSourceInfo { id, name: name.to_string(), koid, signals, kind, activity };
        state.sources.insert(id, Source { info, activated_at_seq: 0 });
        state.by_koid.insert(koid, id);
        Ok(id)
    }

    /// Whether `koid` is registered.
    pub fn contains_koid(&self, koid: zx::Koid) -> bool {
        self.state().by_koid.contains_key(&koid)
    }

    /// Unregisters `id`; `None` if it is unknown. Watchers see it leave the active set.
    pub fn unregister(&self, id: WakeSourceId) -> Option<WakeSourceInfo> {
        let removed = {
            let mut state = self.state();
            let source = state.sources.remove(&id)?;
            state.by_koid.remove(&source.info.koid);
            source.info
        };
        if removed.activity.active {
            self.changed.notify(usize::MAX);
        }
        Some(removed)
    }

    /// Records whether `id` is active now. Unknown ids are ignored (the source was removed
    /// while its monitor was reporting).
    pub fn set_active(&self, id: WakeSourceId, active: bool) {
        let changed = {
            let mut state = self.state();
            let seq = state.next_activation_seq;
            let Some(source) = state.sources.get_mut(&id) else { return };
            let changed = source.info.activity.set(active, zx::MonotonicInstant::get());
            if changed && active {
                source.activated_at_seq = seq;
                state.next_activation_seq += 1;
            }
            changed
        };
        if changed {
            self.changed.notify(usize::MAX);
        }
    }

    /// The active sources, in the order they became active.
    pub fn active(&self) -> ActiveSet {
        let state = self.state();
        let mut active: Vec<&Source> =
            state.sources.values().filter(|s| s.info.activity.active).collect();
        active.sort_by_key(|s| s.activated_at_seq);
        ActiveSet {
            ids: active.iter().map(|s| s.info.id).collect(),
            names: active.iter().map(|s| s.info.name.clone()).collect(),
        }
    }

    /// Waits until the active set differs from `last` and returns it; at once if it already
    /// differs.
    pub async fn next_change(&self, last: &ActiveSet) -> ActiveSet {
        loop {
            let listener = self.changed.listen();
            let current = self.active();
            if &current != last {
                return current;
            }
            listener.await;
        }
    }

    /// Every registered source, by id.
    pub fn snapshot(&self) -> Vec<WakeSourceInfo> {
        self.state().sources.values().map(|s| s.info.clone()).collect()
    }

    /// How many sources are registered.
    pub fn len(&self) -> usize {
        self.state().sources.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for WakeSources {
    /// A registry with the protocol's largest limit.
    fn default() -> WakeSources {
        WakeSources::new(crate::config::MAX_WAKE_SOURCES)
    }
}

#[cfg(test)]
mod tests;
