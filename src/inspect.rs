// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! The component's Inspect tree, as `ffx inspect show` prints it.
//!
//! ```text
//! root:
//!   config:          max_proxies, max_wake_sources, linger_limit_ms, max_unhandled_messages,
//!                    max_activation_history, stuck_threshold_ms, max_ordinals_per_proxy
//!                    (by the entry point)
//!   totals:          proxies_added, proxies_ended, wake_sources_added, wake_sources_removed,
//!                    requests_rejected, live_proxies, active_wake_sources
//!   proxies:         <id>: name, *_koid, incoming/outgoing {messages, bytes, handles,
//!                          methods: {<ordinal as 0x...>, other, non_fidl, epitaph:
//!                          {messages, bytes, activations (incoming only)}}}, wakes,
//!                          held_back, times_held_back, pending, created_at_ns,
//!                          last_message_at_ns
//!   closed_proxies:  <id>: name, reason, incoming/outgoing (as a live proxy's, methods
//!                          included, counted until the proxy ended), wakes, created_at_ns,
//!                          closed_at_ns
//!   wake_sources:    <id>: name, kind, koid, signals, active, activation_count,
//!                          active_since_ns, total_active_ns, max_active_ns, last_change_ns,
//!                          lingering_since_ns (a proxy's source lingering after its proxy),
//!                          stuck (active longer than the stuck threshold), ordinal ("0x..",
//!                          the method ordinal of the message that activated it, if known)
//!   activations:     <seq>: at_ns, source_id, name, ordinal ("0x..", if known), active_ns
//!                          (how long it stayed active, once it is no longer)
//!   ended_lingers:   <id>: name, began_at_ns, ended_at_ns, end (drained | limit_reached |
//!                          failed: <status> | handed_over), pending (counter value at the
//!                          end, if read), handed_over_to (the id of the source that took
//!                          over, for handed_over)
//!   connections:     live (served now), refused (closed with NO_RESOURCES at
//!                    MAX_CONNECTIONS), max_in_flight_requests (the most one connection has
//!                    had in progress at once), suppressed_warnings: {connection_closed,
//!                    missing_field, unknown_method, too_many_connections} (warnings clients
//!                    caused that the rate limit kept out of the log) (by the component,
//!                    from the server's shared state)
//! ```
//!
//! Everything here is a lazy node: it is built from the manager's state and the
//! proxies' atomic counters when a snapshot is taken, so forwarding a message never writes
//! to the Inspect VMO. Times are monotonic nanoseconds.

use crate::manager::{ClosedProxy, LiveProxy, ProxyManager};
use crate::method_stats::{MethodSnapshot, MethodTotals};
use crate::proxy::ProxyEnd;
use crate::proxy_stats::DirectionTotals;
use crate::server::{ClientWarning, Connections};
use crate::wake_sources::{Activation, EndedLinger, LingerEnd, WakeSourceInfo, WakeSourceKind};
use fuchsia_inspect::{Inspector, Node};
use futures::FutureExt;
use std::sync::Arc;

/// Records the manager's tree under `node`.
pub fn record(node: &Node, manager: &Arc<ProxyManager>) {
    record_lazy(node, "totals", manager, record_totals);
    record_lazy(node, "proxies", manager, |node, manager| {
        for proxy in manager.live_proxies() {
            node.record_child(proxy.id.to_string(), |child| record_live_proxy(child, &proxy));
        }
    });
    record_lazy(node, "closed_proxies", manager, |node, manager| {
        for proxy in manager.closed_proxies() {
            node.record_child(proxy.id.to_string(), |child| record_closed_proxy(child, &proxy));
        }
    });
    record_lazy(node, "wake_sources", manager, |node, manager| {
        let now = zx::MonotonicInstant::get();
        for source in manager.wake_sources().snapshot() {
            node.record_child(source.id.to_string(), |child| {
                record_wake_source(child, &source, now)
            });
        }
    });
    record_lazy(node, "ended_lingers", manager, |node, manager| {
        for linger in manager.wake_sources().ended_lingers() {
            node.record_child(linger.id.to_string(), |child| record_ended_linger(child, &linger));
        }
    });
    record_lazy(node, "activations", manager, |node, manager| {
        for activation in manager.wake_sources().activations() {
            node.record_child(activation.seq.to_string(), |child| {
                record_activation(child, &activation)
            });
        }
    });
}

/// Records `connections` under `node`, as a lazy node read at snapshot time.
pub fn record_connections(node: &Node, connections: &Arc<Connections>) {
    let connections = Arc::clone(connections);
    node.record_lazy_child("connections", move || {
        let connections = Arc::clone(&connections);
        async move {
            let inspector = Inspector::default();
            let root = inspector.root();
            root.record_uint("live", connections.live() as u64);
            root.record_uint("refused", connections.refused());
            root.record_uint("max_in_flight_requests", connections.max_in_flight() as u64);
            root.record_child("suppressed_warnings", |node| {
                for kind in ClientWarning::ALL {
                    node.record_uint(kind.name(), connections.suppressed(kind));
                }
            });
            Ok(inspector)
        }
        .boxed()
    });
}

/// How a FIDL method ordinal reads in Inspect: hexadecimal, as `0x...`.
pub fn ordinal_name(ordinal: u64) -> String {
    format!("{ordinal:#x}")
}

fn record_activation(node: &Node, activation: &Activation) {
    node.record_int("at_ns", activation.at.into_nanos());
    node.record_uint("source_id", activation.id);
    node.record_string("name", &activation.name);
    if let Some(ordinal) = activation.ordinal {
        node.record_string("ordinal", ordinal_name(ordinal));
    }
    if let Some(active_for) = activation.active_for {
        node.record_int("active_ns", active_for.into_nanos());
    }
}

/// Records a lazy child `name` whose content `fill` writes from the manager at read time.
fn record_lazy(
    node: &Node,
    name: &'static str,
    manager: &Arc<ProxyManager>,
    fill: fn(&Node, &ProxyManager),
) {
    let manager = Arc::clone(manager);
    node.record_lazy_child(name, move || {
        let manager = Arc::clone(&manager);
        async move {
            let inspector = Inspector::default();
            fill(inspector.root(), &manager);
            Ok(inspector)
        }
        .boxed()
    });
}

fn record_totals(node: &Node, manager: &ProxyManager) {
    let totals = manager.totals();
    node.record_uint("proxies_added", totals.proxies_added);
    node.record_uint("proxies_ended", totals.proxies_ended);
    node.record_uint("wake_sources_added", totals.wake_sources_added);
    node.record_uint("wake_sources_removed", totals.wake_sources_removed);
    node.record_uint("requests_rejected", totals.requests_rejected);
    node.record_uint("live_proxies", manager.live_proxies().len() as u64);
    node.record_uint("active_wake_sources", manager.wake_sources().active().ids.len() as u64);
}

fn record_direction_totals(direction: &Node, totals: DirectionTotals) {
    direction.record_uint("messages", totals.messages);
    direction.record_uint("bytes", totals.bytes);
    direction.record_uint("handles", totals.handles);
}

/// Records one direction's per-method counts as `methods` under `node`: a child per ordinal
/// that has traffic (or, incoming, activations) in this direction, named by the ordinal in
/// lower-case hex (`0x1a2b`), and `other`, `non_fidl` and `epitaph` always.
fn record_methods(node: &Node, methods: &MethodSnapshot, incoming: bool) {
    let record = |node: &Node, totals: &MethodTotals| {
        let traffic = if incoming { totals.incoming } else { totals.outgoing };
        node.record_uint("messages", traffic.messages);
        node.record_uint("bytes", traffic.bytes);
        if incoming {
            node.record_uint("activations", totals.activations);
        }
    };
    node.record_child("methods", |node| {
        for (ordinal, totals) in &methods.methods {
            let traffic = if incoming { totals.incoming } else { totals.outgoing };
            if traffic.messages > 0 || (incoming && totals.activations > 0) {
                node.record_child(format!("{ordinal:#x}"), |child| record(child, totals));
            }
        }
        for (name, totals) in [
            ("other", &methods.other),
            ("non_fidl", &methods.non_fidl),
            ("epitaph", &methods.epitaph),
        ] {
            node.record_child(name, |child| record(child, totals));
        }
    });
}

/// Records a proxy's `incoming` and `outgoing` nodes: each direction's totals and its
/// `methods`. Live and closed proxies share this layout.
fn record_directions(
    node: &Node,
    incoming: DirectionTotals,
    outgoing: DirectionTotals,
    methods: &MethodSnapshot,
) {
    for (name, is_incoming, totals) in [("incoming", true, incoming), ("outgoing", false, outgoing)]
    {
        node.record_child(name, |direction| {
            record_direction_totals(direction, totals);
            record_methods(direction, methods, is_incoming);
        });
    }
}

fn record_live_proxy(node: &Node, proxy: &LiveProxy) {
    node.record_string("name", &proxy.name);
    node.record_uint("container_channel_koid", proxy.container_koid.raw_koid());
    node.record_uint("remote_channel_koid", proxy.remote_koid.raw_koid());
    node.record_uint("counter_koid", proxy.counter_koid.raw_koid());
    record_directions(
        node,
        proxy.stats.incoming.totals(),
        proxy.stats.outgoing.totals(),
        &proxy.stats.methods.snapshot(),
    );
    node.record_uint("wakes", proxy.stats.wakes());
    node.record_bool("held_back", proxy.stats.held_back());
    node.record_uint("times_held_back", proxy.stats.times_held_back());
    if let Some(pending) = proxy.stats.pending() {
        node.record_int("pending", pending);
    }
    node.record_int("created_at_ns", proxy.stats.created().into_nanos());
    if let Some(last) = proxy.stats.last_message() {
        node.record_int("last_message_at_ns", last.into_nanos());
    }
}

/// How a proxy's end reads in Inspect.
pub fn end_reason(end: &ProxyEnd) -> String {
    match end {
        ProxyEnd::Stopped => "removed".to_string(),
        ProxyEnd::ContainerClosed => "container_closed".to_string(),
        ProxyEnd::RemoteClosed => "remote_closed".to_string(),
        ProxyEnd::Failed(e) => format!("failed: {e}"),
    }
}

fn record_closed_proxy(node: &Node, proxy: &ClosedProxy) {
    node.record_string("name", &proxy.name);
    node.record_string("reason", end_reason(&proxy.end));
    record_directions(node, proxy.incoming, proxy.outgoing, &proxy.methods);
    node.record_uint("wakes", proxy.wakes);
    node.record_int("created_at_ns", proxy.created.into_nanos());
    node.record_int("closed_at_ns", proxy.closed.into_nanos());
}

fn record_wake_source(node: &Node, source: &WakeSourceInfo, now: zx::MonotonicInstant) {
    let activity = &source.activity;
    node.record_string("name", &source.name);
    node.record_string(
        "kind",
        match source.kind {
            WakeSourceKind::Proxy => "proxy",
            WakeSourceKind::Handle => "handle",
        },
    );
    node.record_uint("koid", source.koid.raw_koid());
    node.record_uint("signals", source.signals.bits() as u64);
    node.record_bool("active", activity.active);
    node.record_uint("activation_count", activity.activation_count);
    if let Some(since) = activity.active_since {
        node.record_int("active_since_ns", since.into_nanos());
    }
    node.record_int("total_active_ns", activity.total_active_at(now).into_nanos());
    node.record_int("max_active_ns", activity.max_active.into_nanos());
    node.record_int("last_change_ns", activity.last_change.into_nanos());
    if let Some(since) = source.lingering_since {
        node.record_int("lingering_since_ns", since.into_nanos());
    }
    node.record_bool("stuck", source.stuck);
    if let Some(ordinal) = source.ordinal {
        node.record_string("ordinal", ordinal_name(ordinal));
    }
}

/// How a linger's end reads in Inspect.
pub fn linger_end(end: &LingerEnd) -> String {
    match end {
        LingerEnd::Drained => "drained".to_string(),
        LingerEnd::LimitReached => "limit_reached".to_string(),
        LingerEnd::Failed(status) => format!("failed: {status}"),
        LingerEnd::HandedOver(_) => "handed_over".to_string(),
    }
}

fn record_ended_linger(node: &Node, linger: &EndedLinger) {
    node.record_string("name", &linger.name);
    node.record_int("began_at_ns", linger.began.into_nanos());
    node.record_int("ended_at_ns", linger.ended.into_nanos());
    node.record_string("end", linger_end(&linger.end));
    if let LingerEnd::HandedOver(to) = linger.end {
        node.record_uint("handed_over_to", to);
    }
    if let Some(pending) = linger.pending {
        node.record_int("pending", pending);
    }
}

#[cfg(test)]
mod tests;
