// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! The manager: validates requests, enforces limits, and keeps the live proxies, the
//! non-proxy wake sources and the history of closed proxies. The FIDL server calls it; the
//! proxy thread does the forwarding and watching.

use crate::config::Limits;
use crate::method_stats::MethodSnapshot;
use crate::proxy::{ChannelProxy, ProxyEnd, ProxyRegistration, StopSignal};
use crate::proxy_stats::{DirectionTotals, ProxyStats};
use crate::proxy_thread::Work;
use crate::wake_sources::{RegisterError, WakeSourceId, WakeSourceKind, WakeSources};
use futures::FutureExt;
use futures::channel::oneshot;
use futures::future::Shared;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

/// How many closed proxies the history keeps (the oldest is dropped first).
pub const CLOSED_PROXY_HISTORY: usize = 64;

/// Why a request was refused. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManagerError {
    #[error("invalid arguments: {0}")]
    InvalidArgs(&'static str),
    #[error("limit reached: {0}")]
    LimitReached(&'static str),
    #[error("already registered: {0}")]
    AlreadyRegistered(&'static str),
    #[error("no proxy or wake source {0}")]
    NotFound(WakeSourceId),
    /// The proxy thread is gone; not reachable from input.
    #[error("the proxy thread is not running")]
    ProxyThreadGone,
}

/// A proxy to add; the handle types and rights were checked when the request was decoded.
pub struct NewProxy {
    pub name: String,
    pub container_channel: zx::Channel,
    pub remote_channel: zx::Channel,
    pub counter: zx::Counter,
}

/// A wake source to add.
pub struct NewWakeSource {
    pub name: String,
    pub handle: zx::NullableHandle,
    pub signals: zx::Signals,
}

/// A running proxy, as Inspect reports it.
#[derive(Clone)]
pub struct LiveProxy {
    pub id: WakeSourceId,
    pub name: String,
    pub container_koid: zx::Koid,
    pub remote_koid: zx::Koid,
    pub counter_koid: zx::Koid,
    pub stats: Arc<ProxyStats>,
}

/// A proxy that has ended, with its totals and its per-method counts, taken when it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedProxy {
    pub id: WakeSourceId,
    pub name: String,
    pub end: ProxyEnd,
    pub incoming: DirectionTotals,
    pub outgoing: DirectionTotals,
    /// Both directions' counts per method ordinal (at most the proxy's
    /// `max_ordinals_per_proxy` entries) and of `other`, `non_fidl` and `epitaph`.
    pub methods: MethodSnapshot,
    pub wakes: u64,
    pub created: zx::MonotonicInstant,
    pub closed: zx::MonotonicInstant,
}

/// Counts over the life of the manager.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub proxies_added: u64,
    pub proxies_ended: u64,
    pub wake_sources_added: u64,
    pub wake_sources_removed: u64,
    pub requests_rejected: u64,
}

type ProxyEnded = Shared<oneshot::Receiver<ProxyEnd>>;

struct RunningProxy {
    info: LiveProxy,
    /// Taken by the first removal request.
    stop: Option<oneshot::Sender<()>>,
    ended: ProxyEnded,
}

struct State {
    proxies: BTreeMap<WakeSourceId, RunningProxy>,
    /// Every channel end a running proxy holds, by koid, mapped to the koid of the peer of
    /// that proxy's other end: where a message read on this end's side ends up. Following
    /// it finds proxy-to-proxy links (see [`closes_a_cycle`]).
    channel_koids: HashMap<zx::Koid, zx::Koid>,
    /// Stop switches of the wake sources added with `add_wake_source`.
    handle_sources: HashMap<WakeSourceId, oneshot::Sender<()>>,
    closed: VecDeque<ClosedProxy>,
    totals: Totals,
}

/// The manager.
///
/// Its state is shared by the FIDL server (main thread), which adds and removes, and the
/// proxy thread, which reports proxies that end. The state mutex is held for one short
/// operation, never across an await; it may be held while taking the wake-source registry's
/// mutex, never the other way round.
pub struct ProxyManager {
    limits: Limits,
    wake_sources: Arc<WakeSources>,
    state: Arc<Mutex<State>>,
    work: async_channel::Sender<Work>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn basic_info_of(handle: zx::HandleRef<'_>) -> Result<zx::HandleBasicInfo, ManagerError> {
    handle.basic_info().map_err(|_| ManagerError::InvalidArgs("invalid handle"))
}

/// A registry refusal as the manager reports it; `already` says what was registered twice.
fn registration_refused(error: RegisterError, already: &'static str) -> ManagerError {
    match error {
        RegisterError::AlreadyRegistered(_) => ManagerError::AlreadyRegistered(already),
        RegisterError::LimitReached(_) => ManagerError::LimitReached("wake sources"),
    }
}

impl ProxyManager {
    /// A manager that sends its work to the proxy thread fed by `work`.
    pub fn new(limits: Limits, work: async_channel::Sender<Work>) -> ProxyManager {
        ProxyManager {
            wake_sources: Arc::new(
                WakeSources::new(limits.max_wake_sources)
                    .with_linger_limit(limits.linger_limit)
                    .with_activation_history(limits.activation_history)
                    .with_stuck_threshold(limits.stuck_threshold),
            ),
            limits,
            state: Arc::new(Mutex::new(State {
                proxies: BTreeMap::new(),
                channel_koids: HashMap::new(),
                handle_sources: HashMap::new(),
                closed: VecDeque::new(),
                totals: Totals::default(),
            })),
            work,
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    pub fn wake_sources(&self) -> &Arc<WakeSources> {
        &self.wake_sources
    }

    fn rejected<T>(&self, error: ManagerError) -> Result<T, ManagerError> {
        lock(&self.state).totals.requests_rejected += 1;
        Err(error)
    }

    /// Starts a proxy and registers its counter as a wake source; returns its id.
    pub fn add_proxy(&self, new: NewProxy) -> Result<WakeSourceId, ManagerError> {
        self.try_add_proxy(new).or_else(|error| self.rejected(error))
    }

    fn try_add_proxy(&self, new: NewProxy) -> Result<WakeSourceId, ManagerError> {
        if new.name.is_empty() {
            return Err(ManagerError::InvalidArgs("the name is empty"));
        }
        let container = basic_info_of(new.container_channel.as_handle_ref())?;
        let remote = basic_info_of(new.remote_channel.as_handle_ref())?;
        let counter_koid = basic_info_of(new.counter.as_handle_ref())?.koid;
        if container.related_koid == remote.koid {
            return Err(ManagerError::InvalidArgs("both channels are ends of one channel"));
        }
        let mut state = lock(&self.state);
        if state.channel_koids.contains_key(&container.koid)
            || state.channel_koids.contains_key(&remote.koid)
        {
            return Err(ManagerError::AlreadyRegistered("a channel is already proxied"));
        }
        if closes_a_cycle(&state.channel_koids, &container, &remote) {
            return Err(ManagerError::InvalidArgs("the proxy would close a cycle of proxies"));
        }
        if state.proxies.len() >= self.limits.max_proxies {
            return Err(ManagerError::LimitReached("proxies"));
        }
        let id = self
            .wake_sources
            .register(&new.name, counter_koid, zx::Signals::COUNTER_POSITIVE, WakeSourceKind::Proxy)
            .map_err(|e| registration_refused(e, "the counter is already a wake source"))?;
        // Active from the start if it took over a lingering source; only its monitor changes
        // that from now on.
        let starts_active = self.wake_sources.is_active(id);

        let stats = Arc::new(ProxyStats::new(self.limits.max_ordinals_per_proxy));
        let (stop, stop_signal) = StopSignal::new();
        let (ended_sender, ended) = oneshot::channel();
        let info = LiveProxy {
            id,
            name: new.name.clone(),
            container_koid: container.koid,
            remote_koid: remote.koid,
            counter_koid,
            stats: Arc::clone(&stats),
        };
        let state_for_end = Arc::clone(&self.state);
        let registration = ProxyRegistration {
            wake_sources: Arc::clone(&self.wake_sources),
            wake_source: Some(id),
            starts_active,
            stats,
            stop: stop_signal,
            on_end: Some(Box::new(move |end: ProxyEnd| record_end(&state_for_end, id, end))),
            max_unhandled_messages: self.limits.max_unhandled_messages,
        };
        let proxy = ChannelProxy {
            container_channel: new.container_channel,
            remote_channel: new.remote_channel,
            message_counter: new.counter,
            name: new.name,
        };
        let work = Work::Proxy { proxy, registration, ended: Some(ended_sender) };
        if self.work.try_send(work).is_err() {
            self.wake_sources.unregister(id);
            return Err(ManagerError::ProxyThreadGone);
        }
        state.channel_koids.insert(container.koid, remote.related_koid);
        state.channel_koids.insert(remote.koid, container.related_koid);
        state.proxies.insert(id, RunningProxy { info, stop: Some(stop), ended: ended.shared() });
        state.totals.proxies_added += 1;
        Ok(id)
    }

    /// Stops proxy `id`: what is queued is delivered, then its channels close and its wake
    /// source goes. Resolves once that is done.
    pub async fn remove_proxy(&self, id: WakeSourceId) -> Result<ProxyEnd, ManagerError> {
        let ended = {
            let mut state = lock(&self.state);
            match state.proxies.get_mut(&id) {
                Some(proxy) => {
                    if let Some(stop) = proxy.stop.take() {
                        let _ = stop.send(());
                    }
                    proxy.ended.clone()
                }
                None => {
                    state.totals.requests_rejected += 1;
                    return Err(ManagerError::NotFound(id));
                }
            }
        };
        ended.await.map_err(|_| ManagerError::ProxyThreadGone)
    }

    /// Registers a wake source that is not a proxy; returns its id.
    pub fn add_wake_source(&self, new: NewWakeSource) -> Result<WakeSourceId, ManagerError> {
        self.try_add_wake_source(new).or_else(|error| self.rejected(error))
    }

    fn try_add_wake_source(&self, new: NewWakeSource) -> Result<WakeSourceId, ManagerError> {
        if new.name.is_empty() {
            return Err(ManagerError::InvalidArgs("the name is empty"));
        }
        if new.signals.is_empty() {
            return Err(ManagerError::InvalidArgs("no signals"));
        }
        let info = basic_info_of(new.handle.as_handle_ref())?;
        if !info.rights.contains(zx::Rights::WAIT) {
            return Err(ManagerError::InvalidArgs("the handle lacks the WAIT right"));
        }
        let mut state = lock(&self.state);
        let id = self
            .wake_sources
            .register(&new.name, info.koid, new.signals, WakeSourceKind::Handle)
            .map_err(|e| registration_refused(e, "the object is already a wake source"))?;
        let (stop, stop_signal) = StopSignal::new();
        let work = Work::WakeSource {
            id,
            handle: new.handle,
            signals: new.signals,
            starts_active: self.wake_sources.is_active(id),
            wake_sources: Arc::clone(&self.wake_sources),
            stop: stop_signal,
        };
        if self.work.try_send(work).is_err() {
            self.wake_sources.unregister(id);
            return Err(ManagerError::ProxyThreadGone);
        }
        state.handle_sources.insert(id, stop);
        state.totals.wake_sources_added += 1;
        Ok(id)
    }

    /// Unregisters a wake source added with `add_wake_source`; its handle is closed once its
    /// monitor stops. A proxy's id is NOT_FOUND here: proxies are removed with `remove_proxy`.
    pub fn remove_wake_source(&self, id: WakeSourceId) -> Result<(), ManagerError> {
        let mut state = lock(&self.state);
        let Some(stop) = state.handle_sources.remove(&id) else {
            state.totals.requests_rejected += 1;
            return Err(ManagerError::NotFound(id));
        };
        self.wake_sources.unregister(id);
        let _ = stop.send(());
        state.totals.wake_sources_removed += 1;
        Ok(())
    }

    /// The running proxies, by id.
    pub fn live_proxies(&self) -> Vec<LiveProxy> {
        lock(&self.state).proxies.values().map(|p| p.info.clone()).collect()
    }

    /// The most recently closed proxies, oldest first.
    pub fn closed_proxies(&self) -> Vec<ClosedProxy> {
        lock(&self.state).closed.iter().cloned().collect()
    }

    pub fn totals(&self) -> Totals {
        lock(&self.state).totals
    }
}

/// Whether a proxy of the channel ends `container` and `remote` would close a cycle of
/// proxies, given the ends running proxies hold (`held`, see `State::channel_koids`).
///
/// Each channel end has one peer and each proxy two ends, so proxies linked through their
/// channels form chains. The walk starts at the peer of the new proxy's remote end and hops
/// from proxy to proxy through the ends they hold; the chain is a cycle if it comes back to
/// the new proxy's container end. One hop per running proxy at most, so the walk ends even
/// if `held` were inconsistent.
fn closes_a_cycle(
    held: &HashMap<zx::Koid, zx::Koid>,
    container: &zx::HandleBasicInfo,
    remote: &zx::HandleBasicInfo,
) -> bool {
    let mut peer = remote.related_koid;
    for _ in 0..=held.len() / 2 {
        if peer == container.koid {
            return true;
        }
        match held.get(&peer) {
            Some(next) => peer = *next,
            None => return false,
        }
    }
    false
}

/// Moves proxy `id` from the running set to the history. Runs on the proxy thread, before
/// the proxy's channels close.
fn record_end(state: &Mutex<State>, id: WakeSourceId, end: ProxyEnd) {
    let mut state = lock(state);
    let Some(proxy) = state.proxies.remove(&id) else { return };
    let info = proxy.info;
    state.channel_koids.remove(&info.container_koid);
    state.channel_koids.remove(&info.remote_koid);
    if state.closed.len() == CLOSED_PROXY_HISTORY {
        state.closed.pop_front();
    }
    state.closed.push_back(ClosedProxy {
        id,
        name: info.name,
        end,
        incoming: info.stats.incoming.totals(),
        outgoing: info.stats.outgoing.totals(),
        methods: info.stats.methods.snapshot(),
        wakes: info.stats.wakes(),
        created: info.stats.created(),
        closed: zx::MonotonicInstant::get(),
    });
    state.totals.proxies_ended += 1;
}

#[cfg(test)]
mod tests;
