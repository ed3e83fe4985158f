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
//! how each linger ended. Registering the object of a lingering source again (the runner
//! re-adding a proxy with the same counter after a channel reset) takes the source over: the
//! linger ends, handed over, and the new source carries the activity on under a new id, in
//! one change of the active set (see [`WakeSources::register`]).
//!
//! Attribution: each activation may carry the FIDL method ordinal of the message that caused
//! it (`set_active_with_ordinal`, called by the engine when it knows it). The registry keeps a
//! bounded history of the latest activations, marks sources active longer than the stuck
//! threshold (`check_stuck`, driven by `crate::stuck`), and traces each activation as an async
//! span in [`TRACE_CATEGORY`], named by the source, from activation to deactivation.

use futures::channel::oneshot;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};

/// The trace category of the component's events: the wake-source spans here and the
/// engine's events. "power", as the Starnix runner's proxy uses.
pub const TRACE_CATEGORY: &str = "power";

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
    /// While active: the FIDL method ordinal of the message that activated it, if known.
    pub ordinal: Option<u64>,
    /// Whether the current activation has lasted longer than the stuck threshold (see
    /// [`WakeSources::check_stuck`]); cleared on deactivation.
    pub stuck: bool,
}

/// One activation of a wake source, as the history keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activation {
    /// The activation's number: strictly increasing over all sources, in activation order.
    pub seq: u64,
    /// When the source became active (monotonic).
    pub at: zx::MonotonicInstant,
    pub id: WakeSourceId,
    pub name: String,
    /// The FIDL method ordinal of the message that caused it, if known (proxies only).
    pub ordinal: Option<u64>,
    /// How long the source stayed active; `None` while it still is.
    pub active_for: Option<zx::MonotonicDuration>,
}

/// How many activations the history keeps, unless configured (the oldest is dropped first).
pub const DEFAULT_ACTIVATION_HISTORY: usize = 256;

/// How long a source may stay active before it is reported stuck, unless configured.
pub const DEFAULT_STUCK_THRESHOLD: zx::MonotonicDuration = zx::MonotonicDuration::from_seconds(60);

/// What [`WakeSources::check_stuck`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StuckCheck {
    /// Sources that became stuck at this check: each is reported once per activation.
    pub newly_stuck: Vec<WakeSourceInfo>,
    /// Every stuck source (newly or not), by id: (id, name).
    pub stuck: Vec<(WakeSourceId, String)>,
    /// When the next active source would become stuck, if one may.
    pub next_check: Option<zx::MonotonicInstant>,
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
    /// The object was registered again, as the source with this id, which took over.
    HandedOver(WakeSourceId),
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
    /// The counter's value when the linger ended (unhandled messages left), if readable;
    /// `None` for a handover (the registry does not hold the counter, and the messages are the
    /// new source's to wait for).
    pub pending: Option<i64>,
}

/// The active sources at one moment, in activation order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActiveSet {
    pub ids: Vec<WakeSourceId>,
    pub names: Vec<String>,
    /// For each source in `ids`, the ordinal of the message that activated it, if known.
    pub ordinals: Vec<Option<u64>>,
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

/// The trace span of one activation (see [`TRACE_CATEGORY`]).
type ActivationSpan = fuchsia_trace::AsyncScope<&'static str, String>;

struct Source {
    info: WakeSourceInfo,
    /// Position in activation order while active (a strictly increasing stamp); also the
    /// activation's `seq` in the history.
    activated_at_seq: u64,
    /// The current activation's trace span, if a trace session recorded its beginning.
    span: Option<ActivationSpan>,
    /// While the source lingers: dropped when the linger ends other than through its linger
    /// task (a handover, an unregistration), which wakes that task so that it ends too.
    linger_task_stop: Option<oneshot::Sender<()>>,
}

/// Ends an activation's span, with the ordinal that caused it if known.
fn end_span(span: Option<ActivationSpan>, ordinal: Option<u64>) {
    match (span, ordinal) {
        (Some(span), Some(ordinal)) => span.end(&[fuchsia_trace::ArgValue::of("ordinal", ordinal)]),
        (span, None) => drop(span),
        (None, Some(_)) => {}
    }
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
    /// The latest activations, oldest first, at most `history_limit`; their `seq`s are
    /// consecutive.
    history: VecDeque<Activation>,
    history_limit: usize,
    /// Active longer than this, a source is stuck.
    stuck_threshold: zx::MonotonicDuration,
}

impl State {
    /// Adds `entry` to the history, dropping the oldest beyond the limit.
    fn push_history(&mut self, entry: Activation) {
        if self.history_limit == 0 {
            return;
        }
        if self.history.len() >= self.history_limit {
            self.history.pop_front();
        }
        self.history.push_back(entry);
    }

    /// The history entry of activation `seq`, if still kept.
    fn history_entry(&mut self, seq: u64) -> Option<&mut Activation> {
        let first = self.history.front()?.seq;
        let index = usize::try_from(seq.checked_sub(first)?).ok()?;
        self.history.get_mut(index)
    }

    /// Records that the registered, inactive source `id` becomes active at `now`, caused by
    /// the message of method `ordinal` if known: its activity, its place in activation order,
    /// its trace span and its history entry.
    fn begin_activation(
        &mut self,
        id: WakeSourceId,
        now: zx::MonotonicInstant,
        ordinal: Option<u64>,
    ) {
        let seq = self.next_activation_seq;
        let Some(source) = self.sources.get_mut(&id) else { return };
        source.info.activity.set(true, now);
        source.info.ordinal = ordinal;
        source.activated_at_seq = seq;
        source.span = fuchsia_trace::async_enter!(
            fuchsia_trace::Id::new(),
            TRACE_CATEGORY,
            source.info.name.clone(),
            "source_id" => id
        );
        let entry = Activation {
            seq,
            at: now,
            id,
            name: source.info.name.clone(),
            ordinal,
            active_for: None,
        };
        self.next_activation_seq += 1;
        self.push_history(entry);
    }

    /// Ends the linger of source `old` at `now`, handed over to the source `new` (not yet
    /// inserted): records the linger's end, ends `old`'s activation (its history entry and
    /// span) and unregisters it, which stops its linger task. Returns whether `old` was active,
    /// or `None` if it is unknown or not lingering.
    fn hand_over(
        &mut self,
        old: WakeSourceId,
        new: WakeSourceId,
        now: zx::MonotonicInstant,
    ) -> Option<bool> {
        let source = self.sources.get(&old)?;
        let began = source.info.lingering_since?;
        let (name, was_active, cause) =
            (source.info.name.clone(), source.info.activity.active, source.info.ordinal);
        self.record_linger_end(EndedLinger {
            id: old,
            name,
            began,
            ended: now,
            end: LingerEnd::HandedOver(new),
            pending: None,
        });
        let (_, span) = self.remove(old, now)?;
        end_span(span, cause);
        Some(was_active)
    }

    /// Unregisters `id` at `now`: an active source's activation ends (its history entry gets
    /// its duration); returns the source and the span to end once the mutex is released, or
    /// `None` if `id` is unknown.
    fn remove(
        &mut self,
        id: WakeSourceId,
        now: zx::MonotonicInstant,
    ) -> Option<(WakeSourceInfo, Option<ActivationSpan>)> {
        let active = self.sources.get(&id)?.info.activity.active;
        let span = if active { self.end_activation(id, now) } else { None };
        let source = self.sources.remove(&id)?;
        self.by_koid.remove(&source.info.koid);
        Some((source.info, span))
    }

    /// Adds `ended` to the history of lingers, dropping the oldest beyond its bound.
    fn record_linger_end(&mut self, ended: EndedLinger) {
        if self.ended_lingers.len() == LINGER_HISTORY {
            self.ended_lingers.pop_front();
        }
        self.ended_lingers.push_back(ended);
    }

    /// Records that the source `id`, active since activation `seq` began, is no longer active
    /// at `now`; returns its span to end.
    fn end_activation(
        &mut self,
        id: WakeSourceId,
        now: zx::MonotonicInstant,
    ) -> Option<ActivationSpan> {
        let source = self.sources.get_mut(&id)?;
        let seq = source.activated_at_seq;
        source.info.ordinal = None;
        source.info.stuck = false;
        let span = source.span.take();
        if let Some(entry) = self.history_entry(seq) {
            entry.active_for = Some(now - entry.at);
        }
        span
    }
}

/// The registry of wake sources.
///
/// Shared (behind `Arc`) by the FIDL server on the main thread, which registers and removes
/// sources and waits for changes, and the proxy thread, whose monitors report activity, and
/// whose ending proxies unregister their counters or make them linger (`crate::linger`,
/// which also ends the lingers). Inspect reads it from the thread serving Inspect. The
/// mutex is held for one short operation at a time, never across an await; `changed` is
/// notified after it is released.
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
                history: VecDeque::new(),
                history_limit: DEFAULT_ACTIVATION_HISTORY,
                stuck_threshold: DEFAULT_STUCK_THRESHOLD,
            }),
            changed: event_listener::Event::new(),
        }
    }

    /// This registry, with proxies' sources lingering at most `limit` after their proxy.
    pub fn with_linger_limit(self, limit: zx::MonotonicDuration) -> WakeSources {
        self.state().linger_limit = limit;
        self
    }

    /// This registry, keeping the latest `limit` activations in its history.
    pub fn with_activation_history(self, limit: usize) -> WakeSources {
        self.state().history_limit = limit;
        self
    }

    /// This registry, reporting sources active longer than `threshold` as stuck.
    pub fn with_stuck_threshold(self, threshold: zx::MonotonicDuration) -> WakeSources {
        self.state().stuck_threshold = threshold;
        self
    }

    /// The longest a proxy's source lingers after its proxy.
    pub fn linger_limit(&self) -> zx::MonotonicDuration {
        self.state().linger_limit
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers the object `koid` under a fresh id; returns the id.
    ///
    /// A new object starts inactive: its monitor reports it active once it is. An object
    /// already registered is refused (`AlreadyRegistered`), unless its source is lingering
    /// after its proxy ended: then the new source takes it over, in one step under the mutex.
    /// The linger ends, recorded as [`LingerEnd::HandedOver`] to the new id, and the old
    /// source is unregistered; the new source starts active if the lingering one was (it
    /// always is while it lingers). Its activation begins at the moment the old one's ends,
    /// so the active set goes from the old id to the new one in a single change, which is
    /// notified once. A takeover replaces a source, so it is never refused for the limit. The
    /// new source's monitor starts from that state ([`WakeSources::is_active`], asked before
    /// the monitor starts) and reports it inactive if the object no longer is.
    pub fn register(
        &self,
        name: &str,
        koid: zx::Koid,
        signals: zx::Signals,
        kind: WakeSourceKind,
    ) -> Result<WakeSourceId, RegisterError> {
        let now = zx::MonotonicInstant::get();
        let (id, handed_over) = {
            let mut state = self.state();
            let lingering = match state.by_koid.get(&koid) {
                Some(&existing) => {
                    if state.sources[&existing].info.lingering_since.is_none() {
                        return Err(RegisterError::AlreadyRegistered(existing));
                    }
                    Some(existing)
                }
                None if state.sources.len() >= state.limit => {
                    return Err(RegisterError::LimitReached(state.limit));
                }
                None => None,
            };
            let id = state.next_id;
            state.next_id += 1;
            // The old source goes first, so that its span ends before the new one begins.
            let handed_over = lingering.and_then(|old| state.hand_over(old, id, now));
            let info = WakeSourceInfo {
                id,
                name: name.to_string(),
                koid,
                signals,
                kind,
                activity: Activity::new(now),
                lingering_since: None,
                ordinal: None,
                stuck: false,
            };
            let source = Source { info, activated_at_seq: 0, span: None, linger_task_stop: None };
            state.sources.insert(id, source);
            state.by_koid.insert(koid, id);
            if handed_over == Some(true) {
                state.begin_activation(id, now, None);
            }
            (id, handed_over)
        };
        if handed_over == Some(true) {
            self.changed.notify(usize::MAX);
        }
        Ok(id)
    }

    /// Whether `koid` is registered.
    pub fn contains_koid(&self, koid: zx::Koid) -> bool {
        self.state().by_koid.contains_key(&koid)
    }

    /// Unregisters `id`; `None` if it is unknown. Watchers see it leave the active set.
    /// An active source's activation ends here: its history entry gets its duration and its
    /// span ends.
    pub fn unregister(&self, id: WakeSourceId) -> Option<WakeSourceInfo> {
        let (removed, span) = self.state().remove(id, zx::MonotonicInstant::get())?;
        Some(self.removed(removed, span))
    }

    /// Ends the span of the removed source `removed`'s activation, if any, and tells watchers
    /// if it was active; returns it. Called after the mutex is released.
    fn removed(&self, removed: WakeSourceInfo, span: Option<ActivationSpan>) -> WakeSourceInfo {
        end_span(span, None);
        if removed.activity.active {
            self.changed.notify(usize::MAX);
        }
        removed
    }

    /// Marks `id` as lingering after its proxy ended, and active (its counter is positive).
    /// Returns `None` if `id` is unknown; otherwise a receiver that completes (cancelled) once
    /// the linger ends without the linger task: the source was handed over to a new
    /// registration of its object, or unregistered. The linger task then ends too.
    pub fn begin_linger(&self, id: WakeSourceId) -> Option<oneshot::Receiver<()>> {
        let (stop, stopped) = oneshot::channel();
        // One step under the mutex: whoever sees the source lingering sees it active.
        let activated = {
            let mut state = self.state();
            let now = zx::MonotonicInstant::get();
            let source = state.sources.get_mut(&id)?;
            source.info.lingering_since = Some(now);
            source.linger_task_stop = Some(stop);
            let activate = !source.info.activity.active;
            if activate {
                state.begin_activation(id, now, None);
            }
            activate
        };
        if activated {
            self.changed.notify(usize::MAX);
        }
        Some(stopped)
    }

    /// Unregisters the lingering source `id` and records how its linger ended, with the
    /// counter's value `pending` at that moment. Unknown or non-lingering ids are ignored (a
    /// source handed over is no longer known by its old id, and ids are never reused, so this
    /// never touches the source that took over).
    pub fn end_linger(&self, id: WakeSourceId, end: LingerEnd, pending: Option<i64>) {
        // One step under the mutex: a registration racing this one either takes the source
        // over before it (and this finds it gone) or finds it gone.
        let removed = {
            let mut state = self.state();
            let Some(source) = state.sources.get(&id) else { return };
            let Some(began) = source.info.lingering_since else { return };
            let name = source.info.name.clone();
            let ended = zx::MonotonicInstant::get();
            state.record_linger_end(EndedLinger { id, name, began, ended, end, pending });
            state.remove(id, ended)
        };
        if let Some((removed, span)) = removed {
            self.removed(removed, span);
        }
    }

    /// How the most recent lingers ended, oldest first.
    pub fn ended_lingers(&self) -> Vec<EndedLinger> {
        self.state().ended_lingers.iter().cloned().collect()
    }

    /// Whether `id` is registered and active. Asked right after registering a source: one that
    /// took over a lingering source is active from its registration, and its monitor starts
    /// from that.
    pub fn is_active(&self, id: WakeSourceId) -> bool {
        self.state().sources.get(&id).is_some_and(|s| s.info.activity.active)
    }

    /// Records whether `id` is active now, with no known cause. Unknown ids are ignored (the
    /// source was removed while its monitor was reporting).
    pub fn set_active(&self, id: WakeSourceId, active: bool) {
        self.set_active_with_ordinal(id, active, None);
    }

    /// Records whether `id` is active now and, for an activation, the FIDL method ordinal of
    /// the message that caused it, if known. The engine calls it when it knows the ordinal
    /// that activated a proxy's source: at the activation, or later (the ordinal is then
    /// attached to the current activation if it has none yet). Unknown ids are ignored.
    ///
    /// An activation gets a history entry and a trace span; a deactivation fills in the
    /// entry's duration, ends the span and clears `stuck`. Watchers are told of any change,
    /// an attached ordinal included.
    pub fn set_active_with_ordinal(&self, id: WakeSourceId, active: bool, ordinal: Option<u64>) {
        let now = zx::MonotonicInstant::get();
        let (changed, ended) = {
            let mut state = self.state();
            let Some(source) = state.sources.get_mut(&id) else { return };
            let was_active = source.info.activity.active;
            if active && was_active {
                let attach = source.info.ordinal.is_none() && ordinal.is_some();
                if attach {
                    source.info.ordinal = ordinal;
                    let seq = source.activated_at_seq;
                    if let Some(entry) = state.history_entry(seq) {
                        entry.ordinal = ordinal;
                    }
                }
                (attach, None)
            } else if active {
                state.begin_activation(id, now, ordinal);
                (true, None)
            } else if was_active {
                let cause = source.info.ordinal;
                source.info.activity.set(false, now);
                (true, Some((state.end_activation(id, now), cause)))
            } else {
                (false, None)
            }
        };
        if let Some((span, cause)) = ended {
            end_span(span, cause);
        }
        if changed {
            self.changed.notify(usize::MAX);
        }
    }

    /// The latest activations, oldest first.
    pub fn activations(&self) -> Vec<Activation> {
        self.state().history.iter().cloned().collect()
    }

    /// Marks every source active for longer than the stuck threshold at `now` as stuck, and
    /// reports which became stuck now, which are stuck, and when to check next.
    pub fn check_stuck(&self, now: zx::MonotonicInstant) -> StuckCheck {
        let mut state = self.state();
        let threshold = state.stuck_threshold;
        let mut check = StuckCheck::default();
        for source in state.sources.values_mut() {
            let Some(since) = source.info.activity.active_since else { continue };
            let stuck_at = since + threshold;
            if now < stuck_at {
                check.next_check =
                    Some(check.next_check.map_or(stuck_at, |next| next.min(stuck_at)));
                continue;
            }
            if !source.info.stuck {
                source.info.stuck = true;
                check.newly_stuck.push(source.info.clone());
            }
            check.stuck.push((source.info.id, source.info.name.clone()));
        }
        check
    }

    /// A listener notified at the next change of the active set (see `next_change`).
    pub fn listen(&self) -> event_listener::EventListener {
        self.changed.listen()
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
            ordinals: active.iter().map(|s| s.info.ordinal).collect(),
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
