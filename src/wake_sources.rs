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
//!
//! A proxy's source may outlive its proxy: while the counter is still positive when the
//! proxy ends, the source lingers (see `crate::linger`), and the registry keeps the history of
//! how each linger ended.

use std::collections::{BTreeMap, HashMap, VecDeque};
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
    /// When its proxy ended, if this is a proxy's source lingering after its proxy.
    pub lingering_since: Option<zx::MonotonicInstant>,
}

/// The longest a proxy's wake source lingers after its proxy ends, unless configured.
pub const DEFAULT_LINGER_LIMIT: zx::MonotonicDuration = zx::MonotonicDuration::from_seconds(5);

/// How many ended lingers the registry remembers (the oldest is dropped first).
pub const LINGER_HISTORY: usize = 64;

/// How a linger ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LingerEnd {
    /// The counter was no longer positive: every counted message was handled.
    Drained,
    /// The configured limit passed while the counter was still positive.
    LimitReached,
    /// The counter could no longer be waited on or read.
    Failed(zx::Status),
}

/// A linger that has ended: a proxy's source that stayed registered after its proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndedLinger {
    pub id: WakeSourceId,
    pub name: String,
    /// When the proxy ended and the linger began.
    pub began: zx::MonotonicInstant,
    pub ended: zx::MonotonicInstant,
    pub end: LingerEnd,
    /// The counter's value when the linger ended (unhandled messages left), if readable.
    pub pending: Option<i64>,
}

/// The active sources at one moment, in activation order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActiveSet {
    pub ids: Vec<WakeSourceId>,
    pub names: Vec<String>,
}

impl ActiveSet {
    /// The names joined by "," (the runner's resume reason), at most `max_len` bytes.
    ///
    /// A reason that does not fit is cut and ends with "..." (counted in `max_len`). It
    /// always names at least the first active source: a first name too long to fit is
    /// truncated at a UTF-8 character boundary; then as many further whole names as fit are
    /// added. With `max_len` below 4 no name fits and the reason is as much of "..." as fits.
    pub fn resume_reason(&self, max_len: usize) -> String {
        const CUT: &str = "...";
        let full = self.names.join(",");
        if full.len() <= max_len {
            return full;
        }
        let room = max_len.saturating_sub(CUT.len());
        let mut names = self.names.iter();
        let mut reason = match names.next() {
            Some(first) => truncated(first, room).to_string(),
            None => String::new(),
        };
        for name in names {
            if reason.len() + 1 + name.len() > room {
                break;
            }
            reason.push(',');
            reason.push_str(name);
        }
        reason.push_str(&CUT[..CUT.len().min(max_len)]);
        reason
    }
}

/// The longest prefix of `s` of at most `max_len` bytes that ends at a character boundary.
fn truncated(s: &str, max_len: usize) -> &str {
    if s.len() <= max_len {
        return s;
    }
    let end = (0..=max_len).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
    &s[..end]
}

struct Source {
    info: WakeSourceInfo,
    /// Position in activation order while active (a strictly increasing stamp).
    activated_at_seq: u64,
}

struct State {
    limit: usize,
    /// The longest a proxy's source lingers after its proxy.
    linger_limit: zx::MonotonicDuration,
    /// How the most recent lingers ended, oldest first.
    ended_lingers: VecDeque<EndedLinger>,
    next_id: WakeSourceId,
    next_activation_seq: u64,
    sources: BTreeMap<WakeSourceId, Source>,
    by_koid: HashMap<zx::Koid, WakeSourceId>,
}

/// The registry of wake sources.
///
/// Shared (behind `Arc`) by the FIDL server on the main thread, which registers and removes
/// sources and waits for changes, and the proxy thread, whose monitors report activity, and
/// whose ending proxies unregister their counters or make them linger (`crate::linger`, which
/// also ends the lingers). Inspect reads it from the thread serving Inspect. The mutex is held for one short
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
                linger_limit: DEFAULT_LINGER_LIMIT,
                ended_lingers: VecDeque::new(),
                next_id: 1,
                next_activation_seq: 0,
                sources: BTreeMap::new(),
                by_koid: HashMap::new(),
            }),
            changed: event_listener::Event::new(),
        }
    }

    /// This registry, with proxies' sources lingering at most `limit` after their proxy.
    pub fn with_linger_limit(self, limit: zx::MonotonicDuration) -> WakeSources {
        self.state().linger_limit = limit;
        self
    }

    /// The longest a proxy's source lingers after its proxy.
    pub fn linger_limit(&self) -> zx::MonotonicDuration {
        self.state().linger_limit
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
        let info = WakeSourceInfo {
            id,
            name: name.to_string(),
            koid,
            signals,
            kind,
            activity,
            lingering_since: None,
        };
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

    /// Marks `id` as lingering after its proxy ended, and active (its counter is positive).
    /// Returns false if `id` is unknown.
    pub fn begin_linger(&self, id: WakeSourceId) -> bool {
        {
            let mut state = self.state();
            let Some(source) = state.sources.get_mut(&id) else { return false };
            source.info.lingering_since = Some(zx::MonotonicInstant::get());
        }
        self.set_active(id, true);
        true
    }

    /// Unregisters the lingering source `id` and records how its linger ended, with the
    /// counter's value `pending` at that moment. Unknown or non-lingering ids are ignored.
    pub fn end_linger(&self, id: WakeSourceId, end: LingerEnd, pending: Option<i64>) {
        {
            let mut state = self.state();
            let Some(began) = state.sources.get(&id).and_then(|s| s.info.lingering_since) else {
                return;
            };
            let name = state.sources[&id].info.name.clone();
            if state.ended_lingers.len() == LINGER_HISTORY {
                state.ended_lingers.pop_front();
            }
            let ended = zx::MonotonicInstant::get();
            state.ended_lingers.push_back(EndedLinger { id, name, began, ended, end, pending });
        }
        self.unregister(id);
    }

    /// How the most recent lingers ended, oldest first.
    pub fn ended_lingers(&self) -> Vec<EndedLinger> {
        self.state().ended_lingers.iter().cloned().collect()
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
