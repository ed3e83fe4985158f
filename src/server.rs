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
use std::sync::Arc;

/// The most requests one connection takes in a row before it yields to other tasks. Each
/// request costs at most one manager operation and one reply (RemoveProxy and the hanging
/// get wait without blocking), so this bounds the work one connection does per turn.
pub const MAX_REQUESTS_PER_TURN: usize = 16;

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
fn missing<T>(method: &str, field: &str) -> Result<T, ProxyManagerError> {
    warn!("{method}: missing {field}");
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
pub async fn serve(manager: &ProxyManager, mut stream: ProxyManagerRequestStream) {
    let control_handle = stream.control_handle();
    let watch = WatchState::default();
    let mut in_flight = FuturesUnordered::new();
    let mut taken_this_turn = 0;
    let closed_for = loop {
        if taken_this_turn == MAX_REQUESTS_PER_TURN {
            fasync::yield_now().await;
            taken_this_turn = 0;
        }
        futures::select! {
            request = stream.next() => match request {
                None => break None,
                Some(Err(e)) => break Some(ConnectionError::Decode(e)),
                Some(Ok(request)) => {
                    taken_this_turn += 1;
                    in_flight.push(handle(manager, &watch, request));
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
        warn!("closing a ProxyManager connection: {error}");
        control_handle.shutdown_with_epitaph(error.epitaph());
    }
}

async fn handle(
    manager: &ProxyManager,
    watch: &WatchState,
    request: ProxyManagerRequest,
) -> Result<(), ConnectionError> {
    match request {
        ProxyManagerRequest::AddProxy { payload, responder } => {
            let result = match new_proxy(payload) {
                Ok(new) => reply(manager.add_proxy(new))?,
                Err(field) => missing("AddProxy", field),
            };
            let response = result
                .map(|id| ProxyManagerAddProxyResponse { id: Some(id), ..Default::default() });
            sent(responder.send(response.as_ref().map_err(|e| *e)), "AddProxy");
        }
        ProxyManagerRequest::RemoveProxy { payload, responder } => {
            let result = match payload.id {
                Some(id) => reply(manager.remove_proxy(id).await.map(drop))?,
                None => missing("RemoveProxy", "id"),
            };
            sent(responder.send(result), "RemoveProxy");
        }
        ProxyManagerRequest::AddWakeSource { payload, responder } => {
            let result = match new_wake_source(payload) {
                Ok(new) => reply(manager.add_wake_source(new))?,
                Err(field) => missing("AddWakeSource", field),
            };
            let response = result
                .map(|id| ProxyManagerAddWakeSourceResponse { id: Some(id), ..Default::default() });
            sent(responder.send(response.as_ref().map_err(|e| *e)), "AddWakeSource");
        }
        ProxyManagerRequest::RemoveWakeSource { payload, responder } => {
            let result = match payload.id {
                Some(id) => reply(manager.remove_wake_source(id))?,
                None => missing("RemoveWakeSource", "id"),
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
            warn!("unknown {method_type:?} method, ordinal {ordinal:#x}");
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

/// Serves each connection handed over by `connections` as its own task until `connections`
/// ends; then waits for the connections still open to end.
pub async fn serve_all(
    manager: &Arc<ProxyManager>,
    connections: impl futures::Stream<Item = ProxyManagerRequestStream>,
) {
    let tasks = fasync::Scope::new_with_name("connections");
    let mut connections = std::pin::pin!(connections);
    while let Some(stream) = connections.next().await {
        let manager = Arc::clone(manager);
        tasks.spawn_local(async move { serve(&manager, stream).await });
    }
    tasks.join().await;
}

#[cfg(test)]
mod tests;
