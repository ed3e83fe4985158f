// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Serves `fuchsia.starnix.proxy/ProxyManager` connections on top of the manager.
//!
//! Serving is fair: each connection is its own task on the main executor, and it yields
//! after taking `MAX_REQUESTS_PER_TURN` requests in a row, so no connection can hold off
//! another connection's reply, a new connection, Inspect or the outgoing directory by more
//! than that much work, whatever it sends. Within a connection, requests run concurrently (a
//! pending hanging get never holds up an AddProxy on the same connection); nothing here waits
//! for the proxy thread except RemoveProxy, which waits asynchronously for the drain it asked
//! for. When the client closes the channel, whatever is still in flight for it is dropped.
//! A message that is not a well-formed request (bad header, txid not fitting the method,
//! unknown strict ordinal, undecodable body), a handle of the wrong type or without the
//! required rights, or a second pending hanging get closes that connection with an epitaph
//! (the request stream yields the error without shutting anything down, as in-tree, so the
//! epitaph goes out in both builds); nothing else changes.
//!
//! Memory is bounded per connection: at most `MAX_IN_FLIGHT_PER_CONNECTION` requests are in
//! progress at once. At the bound the connection stops reading its channel until one
//! completes, so the excess waits in the channel, where the kernel bounds it (a client that
//! queues more than a channel holds meets the channel-full policy itself, as on Fuchsia).
//!
//! The warnings a client can cause (a connection closed for misuse, a missing field, an
//! unknown method) are rate-limited per kind across all connections of the instance
//! (`WARNING_INTERVAL`, see `log_limit`), so a client that misbehaves in a loop cannot flood
//! the log; Inspect counts the suppressed ones (`connections/suppressed_warnings`).

use crate::log_limit::LogLimit;
use crate::manager::{ManagerError, NewProxy, NewWakeSource, ProxyManager};
use crate::wake_sources::ActiveSet;
use fidl::endpoints::{ControlHandle, RequestStream, Responder};
use fidl_fuchsia_starnix_proxy::{
    ActiveWakeSource, MAX_ACTIVE_SOURCE_DETAILS, MAX_RESUME_REASON_LENGTH,
    ProxyManagerAddProxyResponse, ProxyManagerAddWakeSourceResponse, ProxyManagerError,
    ProxyManagerRequest, ProxyManagerRequestStream, ProxySpec, WakeSourceSpec, WakeSourcesState,
};
use fuchsia_async as fasync;
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use log::warn;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The most requests one connection takes in a row before it yields to other tasks. Each
/// request costs at most one manager operation and one reply (RemoveProxy and the hanging
/// get wait without blocking), so this bounds the work one connection does per turn.
pub const MAX_REQUESTS_PER_TURN: usize = 16;

/// The most requests one connection has in progress at once (taken from the channel and not
/// yet answered). Only RemoveProxy (waiting for the drain) and WatchWakeSources (at most one
/// per connection) stay in progress past their first poll, so this is how many removals one
/// connection can have under way; the client's further requests wait in the channel. Four
/// turns' worth of requests: enough for a runner removing its proxies at once to keep the
/// proxy thread busy, and each one costs the bytes of its request future (ARCHITECTURE).
pub const MAX_IN_FLIGHT_PER_CONNECTION: usize = 4 * MAX_REQUESTS_PER_TURN;

/// The most connections one instance serves at once. The Starnix runner needs one, and
/// tools a few more; a client that opens more gets each extra one closed with the epitaph
/// NO_RESOURCES, so the connections' tasks and their requests in progress stay bounded
/// (each connection at most `MAX_IN_FLIGHT_PER_CONNECTION` requests, about 100 KiB at
/// worst, ARCHITECTURE).
pub const MAX_CONNECTIONS: usize = 32;

/// The shortest time between two logged warnings of one kind a client can cause.
pub const WARNING_INTERVAL: zx::MonotonicDuration = zx::MonotonicDuration::from_seconds(1);

/// A kind of warning a client can cause; each is rate-limited on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientWarning {
    /// A connection closed for misuse, with its epitaph.
    ConnectionClosed,
    /// A request missing a required field.
    MissingField,
    /// A request of an unknown flexible method.
    UnknownMethod,
    /// A connection refused because `MAX_CONNECTIONS` were open.
    TooManyConnections,
}

impl ClientWarning {
    pub const ALL: [ClientWarning; 4] = [
        ClientWarning::ConnectionClosed,
        ClientWarning::MissingField,
        ClientWarning::UnknownMethod,
        ClientWarning::TooManyConnections,
    ];

    /// How the kind reads in Inspect.
    pub fn name(self) -> &'static str {
        match self {
            ClientWarning::ConnectionClosed => "connection_closed",
            ClientWarning::MissingField => "missing_field",
            ClientWarning::UnknownMethod => "unknown_method",
            ClientWarning::TooManyConnections => "too_many_connections",
        }
    }
}

/// What the connections of one component instance share: the warning limiters and the most
/// requests any connection has had in progress.
///
/// The connection tasks (main executor) write it; Inspect reads it from whatever thread
/// serves a snapshot. The limiters' mutex is held for one decision, never across an await.
pub struct Connections {
    /// One limiter per `ClientWarning`, in the order of `ClientWarning::ALL`.
    warnings: Mutex<[LogLimit; 4]>,
    /// The most requests one connection has had in progress at once, over all connections.
    max_in_flight: AtomicUsize,
    /// Connections being served now; never more than `MAX_CONNECTIONS`.
    live: AtomicUsize,
    /// Connections refused (closed with NO_RESOURCES) because `MAX_CONNECTIONS` were open.
    refused: AtomicU64,
}

impl Default for Connections {
    fn default() -> Connections {
        Connections {
            warnings: Mutex::new(ClientWarning::ALL.map(|_| LogLimit::new(WARNING_INTERVAL))),
            max_in_flight: AtomicUsize::new(0),
            live: AtomicUsize::new(0),
            refused: AtomicU64::new(0),
        }
    }
}

impl Connections {
    /// Logs `message` as a WARN unless a warning of its kind was logged less than
    /// `WARNING_INTERVAL` ago, in which case it is only counted; a warning logged after
    /// suppressed ones says how many.
    fn warn(&self, kind: ClientWarning, message: fmt::Arguments<'_>) {
        let verdict = self.limiters()[kind as usize].admit(zx::MonotonicInstant::get());
        if let Some(suppressed) = verdict {
            warn!("{message}{suppressed}");
        }
    }

    /// The warnings of `kind` suppressed so far.
    pub fn suppressed(&self, kind: ClientWarning) -> u64 {
        self.limiters()[kind as usize].suppressed()
    }

    /// The most requests one connection has had in progress at once; never more than
    /// `MAX_IN_FLIGHT_PER_CONNECTION`.
    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::Relaxed)
    }

    fn note_in_flight(&self, in_flight: usize) {
        self.max_in_flight.fetch_max(in_flight, Ordering::Relaxed);
    }

    /// Connections being served now.
    pub fn live(&self) -> usize {
        self.live.load(Ordering::Relaxed)
    }

    /// Connections refused because `MAX_CONNECTIONS` were open.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    /// Counts a new connection in, unless `MAX_CONNECTIONS` are open; the returned guard
    /// counts it out when dropped (its task ended).
    fn admit(self: &Arc<Self>) -> Option<LiveConnection> {
        let admitted = self
            .live
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |live| {
                (live < MAX_CONNECTIONS).then_some(live + 1)
            })
            .is_ok();
        if !admitted {
            self.refused.fetch_add(1, Ordering::Relaxed);
        }
        admitted.then(|| LiveConnection(Arc::clone(self)))
    }

    fn limiters(&self) -> std::sync::MutexGuard<'_, [LogLimit; 4]> {
        self.warnings.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// One connection counted in `Connections::live` until dropped.
struct LiveConnection(Arc<Connections>);

impl Drop for LiveConnection {
    fn drop(&mut self) {
        self.0.live.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Why a connection is closed by the server.
#[derive(Debug, thiserror::Error)]
enum ConnectionError {
    #[error("malformed request: {0}")]
    Decode(fidl::Error),
    #[error("WatchWakeSources called while a call is pending")]
    WatchAlreadyPending,
    #[error("internal error: {0}")]
    Internal(ManagerError),
}

impl ConnectionError {
    /// The epitaph the connection is closed with.
    fn epitaph(&self) -> zx::Status {
        match self {
            ConnectionError::Decode(fidl::Error::IncorrectHandleSubtype { .. }) => {
                zx::Status::WRONG_TYPE
            }
            ConnectionError::Decode(fidl::Error::MissingExpectedHandleRights { .. }) => {
                zx::Status::ACCESS_DENIED
            }
            ConnectionError::Decode(_) => zx::Status::INVALID_ARGS,
            ConnectionError::WatchAlreadyPending => zx::Status::BAD_STATE,
            ConnectionError::Internal(_) => zx::Status::INTERNAL,
        }
    }
}

/// The reply to send for a manager outcome: a value or a refusal for the client; or a
/// reason to close the connection.
fn reply<T>(
    result: Result<T, ManagerError>,
) -> Result<Result<T, ProxyManagerError>, ConnectionError> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(ManagerError::InvalidArgs(_)) => Ok(Err(ProxyManagerError::InvalidArgs)),
        Err(ManagerError::LimitReached(_)) => Ok(Err(ProxyManagerError::LimitReached)),
        Err(ManagerError::AlreadyRegistered(_)) => Ok(Err(ProxyManagerError::AlreadyRegistered)),
        Err(ManagerError::NotFound(_)) => Ok(Err(ProxyManagerError::NotFound)),
        Err(error @ ManagerError::ProxyThreadGone) => Err(ConnectionError::Internal(error)),
    }
}

/// A request missing a required field is refused as INVALID_ARGS.
fn missing<T>(
    connections: &Connections,
    method: &str,
    field: &str,
) -> Result<T, ProxyManagerError> {
    connections.warn(ClientWarning::MissingField, format_args!("{method}: missing {field}"));
    Err(ProxyManagerError::InvalidArgs)
}

/// Logs a failed reply: the client went away, which only ends its connection.
fn sent(result: Result<(), fidl::Error>, method: &str) {
    if let Err(e) = result {
        log::debug!("{method}: reply not delivered: {e}");
    }
}

/// What one connection remembers between hanging gets.
#[derive(Default)]
struct WatchState {
    /// The active set this connection was last told; `None` before the first reply.
    last: RefCell<Option<ActiveSet>>,
    pending: Cell<bool>,
}

/// Serves one connection until the client closes it or the server closes it for misuse.
pub async fn serve(
    manager: &ProxyManager,
    connections: &Connections,
    mut stream: ProxyManagerRequestStream,
) {
    let control_handle = stream.control_handle();
    let watch = WatchState::default();
    let mut in_flight = FuturesUnordered::new();
    let mut taken_this_turn = 0;
    let closed_for = loop {
        if taken_this_turn == MAX_REQUESTS_PER_TURN {
            fasync::yield_now().await;
            taken_this_turn = 0;
        }
        if in_flight.len() == MAX_IN_FLIGHT_PER_CONNECTION {
            // At the bound the channel is not read: the client's further requests wait in it.
            match in_flight.next().await {
                Some(Err(e)) => break Some(e),
                _ => continue,
            }
        }
        futures::select! {
            request = stream.next() => match request {
                None => break None,
                Some(Err(e)) => break Some(ConnectionError::Decode(e)),
                Some(Ok(request)) => {
                    taken_this_turn += 1;
                    in_flight.push(handle(manager, connections, &watch, request));
                    connections.note_in_flight(in_flight.len());
                }
            },
            done = in_flight.select_next_some() => {
                if let Err(e) = done {
                    break Some(e);
                }
            }
        }
    };
    if let Some(error) = closed_for {
        connections.warn(
            ClientWarning::ConnectionClosed,
            format_args!("closing a ProxyManager connection: {error}"),
        );
        control_handle.shutdown_with_epitaph(error.epitaph());
    }
}

async fn handle(
    manager: &ProxyManager,
    connections: &Connections,
    watch: &WatchState,
    request: ProxyManagerRequest,
) -> Result<(), ConnectionError> {
    match request {
        ProxyManagerRequest::AddProxy { payload, responder } => {
            let result = match new_proxy(payload) {
                Ok(new) => reply(manager.add_proxy(new))?,
                Err(field) => missing(connections, "AddProxy", field),
            };
            let response = result
                .map(|id| ProxyManagerAddProxyResponse { id: Some(id), ..Default::default() });
            sent(responder.send(response.as_ref().map_err(|e| *e)), "AddProxy");
        }
        ProxyManagerRequest::RemoveProxy { payload, responder } => {
            let result = match payload.id {
                Some(id) => reply(manager.remove_proxy(id).await.map(drop))?,
                None => missing(connections, "RemoveProxy", "id"),
            };
            sent(responder.send(result), "RemoveProxy");
        }
        ProxyManagerRequest::AddWakeSource { payload, responder } => {
            let result = match new_wake_source(payload) {
                Ok(new) => reply(manager.add_wake_source(new))?,
                Err(field) => missing(connections, "AddWakeSource", field),
            };
            let response = result
                .map(|id| ProxyManagerAddWakeSourceResponse { id: Some(id), ..Default::default() });
            sent(responder.send(response.as_ref().map_err(|e| *e)), "AddWakeSource");
        }
        ProxyManagerRequest::RemoveWakeSource { payload, responder } => {
            let result = match payload.id {
                Some(id) => reply(manager.remove_wake_source(id))?,
                None => missing(connections, "RemoveWakeSource", "id"),
            };
            sent(responder.send(result), "RemoveWakeSource");
        }
        ProxyManagerRequest::WatchWakeSources { responder } => {
            if watch.pending.replace(true) {
                responder.drop_without_shutdown();
                return Err(ConnectionError::WatchAlreadyPending);
            }
            let last = watch.last.borrow().clone();
            let active = match last {
                None => manager.wake_sources().active(),
                Some(last) => manager.wake_sources().next_change(&last).await,
            };
            watch.pending.set(false);
            let state = WakeSourcesState {
                active: Some(active.ids.clone()),
                resume_reason: Some(active.resume_reason(MAX_RESUME_REASON_LENGTH as usize)),
                active_sources: Some(active_sources(&active)),
                ..Default::default()
            };
            *watch.last.borrow_mut() = Some(active);
            sent(responder.send(&state), "WatchWakeSources");
        }
        ProxyManagerRequest::_UnknownMethod { ordinal, method_type, .. } => {
            connections.warn(
                ClientWarning::UnknownMethod,
                format_args!("unknown {method_type:?} method, ordinal {ordinal:#x}"),
            );
        }
    }
    Ok(())
}

/// The watch's `active_sources`: each active source with the ordinal that woke it, at most
/// `MAX_ACTIVE_SOURCE_DETAILS`, in activation order.
fn active_sources(active: &ActiveSet) -> Vec<ActiveWakeSource> {
    active
        .ids
        .iter()
        .zip(&active.ordinals)
        .take(MAX_ACTIVE_SOURCE_DETAILS as usize)
        .map(|(id, ordinal)| ActiveWakeSource {
            id: Some(*id),
            ordinal: *ordinal,
            ..Default::default()
        })
        .collect()
}

fn new_proxy(spec: ProxySpec) -> Result<NewProxy, &'static str> {
    Ok(NewProxy {
        name: spec.name.ok_or("name")?,
        container_channel: spec.container_channel.ok_or("container_channel")?,
        remote_channel: spec.remote_channel.ok_or("remote_channel")?,
        counter: spec.counter.ok_or("counter")?,
    })
}

fn new_wake_source(spec: WakeSourceSpec) -> Result<NewWakeSource, &'static str> {
    Ok(NewWakeSource {
        name: spec.name.ok_or("name")?,
        handle: spec.handle.ok_or("handle")?,
        signals: zx::Signals::from_bits_retain(spec.signals.ok_or("signals")?),
    })
}

/// Serves each connection handed over by `incoming` as its own task, all sharing
/// `connections`, until `incoming` ends; then waits for the connections still open to end.
pub async fn serve_all(
    manager: &Arc<ProxyManager>,
    connections: &Arc<Connections>,
    incoming: impl futures::Stream<Item = ProxyManagerRequestStream>,
) {
    let tasks = fasync::Scope::new_with_name("connections");
    let mut incoming = std::pin::pin!(incoming);
    while let Some(stream) = incoming.next().await {
        let Some(live) = connections.admit() else {
            connections.warn(
                ClientWarning::TooManyConnections,
                format_args!("refusing a connection: {MAX_CONNECTIONS} are open"),
            );
            stream.control_handle().shutdown_with_epitaph(zx::Status::NO_RESOURCES);
            continue;
        };
        let manager = Arc::clone(manager);
        let connections = Arc::clone(connections);
        tasks.spawn_local(async move {
            serve(&manager, &connections, stream).await;
            drop(live);
        });
    }
    tasks.join().await;
}

#[cfg(test)]
mod tests;
