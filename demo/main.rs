// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! `cargo run --release`: runs the proxy_manager component in a host realm with a simulated
//! Starnix container, then shows what it did and its Inspect tree as `ffx inspect show`
//! prints it.
//!
//! The realm holds the real component (its manifest from meta/, its entry point) and a local
//! RoleManager that logs the scheduler role the proxy thread asks for. The demo plays the
//! Starnix runner (adding a proxy per channel, plus an "alarm" wake source), the remote peers
//! (sending at `--rate` messages per second, some with handles) and the container (handling
//! messages, decrementing counters, suspending when no wake source is active). The peers
//! send FIDL events of two methods each; the container forgets one decrement of the "input"
//! proxy, whose wake source then stays active. At the end it prints, per proxy, the messages
//! and activations (wake-ups) of each method as the component attributes them, and the
//! sources the component itself marks stuck (its `stuck_threshold_ms` is set to
//! `--stuck-after-ms`) with the health it reports.
//!
//! The realm also holds the hermetic trace manager: the run is traced in category `power`
//! (one span per activation, per wake source), and the trace is written as FXT to
//! `--trace-out` (default `proxy_manager_demo.fxt` in the temporary directory), for a trace
//! viewer such as ui.perfetto.dev, and summarised.
//!
//! With `--json`, stdout holds only one JSON document (`{"proxies", "container", "stuck",
//! "component", "trace", "inspect"}`) and the narrative goes to stderr.

mod attribution;
mod container;
mod narrative;
mod remote;
mod trace;

use anyhow::Context;
use argh::FromArgs;
use container::ContainerEnd;
use diagnostics_reader::ArchiveReader;
use fidl_fuchsia_scheduler::{RoleManagerMarker, RoleManagerRequest, RoleManagerSetRoleResponse};
use fidl_fuchsia_starnix_proxy::{
    ProxyManagerMarker, ProxyManagerProxy, ProxyManagerRemoveProxyRequest, ProxySpec,
    WakeSourceSpec,
};
use fidl_fuchsia_tracing_controller::{ProvisionerMarker, ProvisionerProxy};
use fuchsia_async as fasync;
use fuchsia_component::server::ServiceFs;
use fuchsia_component_test::{
    Capability, ChildOptions, LocalComponentHandles, RealmBuilder, RealmInstance, Ref, Route,
};
use futures::{FutureExt, StreamExt, TryStreamExt};
use narrative::{Narrative, say};
use serde_json::json;
use std::rc::Rc;

#[derive(FromArgs)]
/// Runs proxy_manager on the host with a simulated Starnix container.
struct Flags {
    /// how many proxied channels (default 4)
    #[argh(option, default = "4")]
    proxies: u32,
    /// messages per second each remote peer sends (default 5)
    #[argh(option, default = "5")]
    rate: u32,
    /// how long the traffic runs, in seconds (default 3)
    #[argh(option, default = "3")]
    duration: u32,
    /// after how long, in milliseconds, an active wake source is stuck, for the container and
    /// the component's `stuck_threshold_ms` (default 1000)
    #[argh(option, default = "1000")]
    stuck_after_ms: u32,
    /// print one JSON document (attribution, container, stuck sources, trace, Inspect) on
    /// stdout, and the narrative on stderr
    #[argh(switch)]
    json: bool,
    /// where to write the trace (FXT); default proxy_manager_demo.fxt in the temporary
    /// directory
    #[argh(option)]
    trace_out: Option<std::path::PathBuf>,
}

/// The FIDL event ordinals each demo peer sends (the second every fifth message).
const PEER_ORDINALS: [[u64; 2]; 4] = [
    [0x3c5a_f7b1_6d2e_0a41, 0x1b0e_94c3_55d7_2f08],
    [0x6a2d_01ee_7b93_c4f5, 0x0f41_c8a2_93e6_7d1c],
    [0x51e9_3b07_c2a8_6d14, 0x2d8f_6a14_e0b3_9c57],
    [0x7e13_5c9a_04bd_2f86, 0x4a60_d2f7_1c85_e3b9],
];

/// The proxy whose container end forgets one decrement.
const FORGETFUL_PROXY: usize = 1;

/// Serves fuchsia.scheduler.RoleManager, printing each role handed out.
async fn role_manager(
    handles: LocalComponentHandles,
    narrative: Narrative,
) -> Result<(), anyhow::Error> {
    let mut fs = ServiceFs::new();
    fs.dir("svc")
        .add_fidl_service(|stream: fidl_fuchsia_scheduler::RoleManagerRequestStream| stream);
    fs.serve_connection(handles.outgoing_dir)?;
    fs.for_each_concurrent(None, |stream| async move {
        let _ = stream
            .try_for_each(|request| async move {
                if let RoleManagerRequest::SetRole { payload, responder } = request {
                    let role = payload.role.map(|r| r.role).unwrap_or_default();
                    let thread = match payload.target {
                        Some(fidl_fuchsia_scheduler::RoleTarget::Thread(thread)) => {
                            thread.get_name().map(|n| n.to_string()).unwrap_or_default()
                        }
                        _ => "?".to_string(),
                    };
                    say!(narrative, "RoleManager: role {role} for thread {thread}");
                    let _ = responder.send(Ok(RoleManagerSetRoleResponse::default()));
                }
                Ok(())
            })
            .await;
    })
    .await;
    Ok(())
}

async fn build_realm(
    narrative: Narrative,
    stuck_threshold_ms: u32,
) -> Result<RealmInstance, anyhow::Error> {
    let builder = RealmBuilder::new().await?;
    let manager = builder
        .add_child("proxy_manager", "#meta/proxy_manager.cm", ChildOptions::new().eager())
        .await?;
    // The component's own stuck detection uses the container's threshold.
    builder.init_mutable_config_from_package(&manager).await?;
    builder.set_config_value(&manager, "stuck_threshold_ms", stuck_threshold_ms.into()).await?;
    let roles = builder
        .add_local_child(
            "role_manager",
            move |handles| role_manager(handles, narrative).boxed(),
            ChildOptions::new(),
        )
        .await?;
    builder
        .add_route(
            Route::new()
                .capability(Capability::protocol::<ProxyManagerMarker>())
                .from(&manager)
                .to(Ref::parent()),
        )
        .await?;
    builder
        .add_route(
            Route::new()
                .capability(Capability::protocol::<RoleManagerMarker>())
                .from(&roles)
                .to(&manager),
        )
        .await?;
    // The hermetic trace manager: its registry for the component's trace provider, its
    // provisioner for the demo.
    let trace_manager =
        builder.add_child("trace_manager", "#meta/trace_manager.cm", ChildOptions::new()).await?;
    builder
        .add_route(
            Route::new()
                .capability(Capability::protocol_by_name("fuchsia.tracing.provider.Registry"))
                .from(&trace_manager)
                .to(&manager),
        )
        .await?;
    builder
        .add_route(
            Route::new()
                .capability(Capability::protocol::<ProvisionerMarker>())
                .from(&trace_manager)
                .to(Ref::parent()),
        )
        .await?;
    for child in [&manager, &trace_manager] {
        builder
            .add_route(
                Route::new()
                    .capability(Capability::dictionary("diagnostics"))
                    .from(Ref::parent())
                    .to(child),
            )
            .await?;
    }
    Ok(builder.build().await?)
}

/// Adds `count` proxies; returns the container's ends, the remote ends and the proxies' ids.
async fn add_proxies(
    manager: &ProxyManagerProxy,
    count: u32,
) -> Result<(Vec<ContainerEnd>, Vec<zx::Channel>, Vec<u64>), anyhow::Error> {
    let names = ["wifi", "input", "network", "bluetooth", "sensors", "audio", "display", "power"];
    let (mut ends, mut remotes, mut ids) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..count as usize {
        let name = match names.get(i) {
            Some(name) => name.to_string(),
            None => format!("channel-{i}"),
        };
        let (container, container_channel) = zx::Channel::create();
        let (remote_channel, remote) = zx::Channel::create();
        let counter = zx::Counter::create();
        let container_counter = counter.duplicate_handle(zx::Rights::SAME_RIGHTS)?;
        let spec = ProxySpec {
            name: Some(name.clone()),
            container_channel: Some(container_channel),
            remote_channel: Some(remote_channel),
            counter: Some(counter),
            ..Default::default()
        };
        let added = manager.add_proxy(spec).await?;
        let id =
            added.map_err(|e| anyhow::anyhow!("AddProxy {name}: {e:?}"))?.id.unwrap_or_default();
        ids.push(id);
        ends.push(ContainerEnd {
            id,
            name,
            forgetful: i == FORGETFUL_PROXY,
            channel: container,
            counter: container_counter,
            received: 0,
            handles_received: 0,
        });
        remotes.push(remote);
    }
    Ok((ends, remotes, ids))
}

/// An "alarm" wake source that fires every `period`, staying asserted for 20 ms.
async fn alarm(
    manager: &ProxyManagerProxy,
    period: zx::MonotonicDuration,
    stop_at: fasync::MonotonicInstant,
) -> Result<(), anyhow::Error> {
    let (local, remote) = zx::EventPair::create();
    let spec = WakeSourceSpec {
        name: Some("alarm".to_string()),
        handle: Some(remote.into_handle()),
        signals: Some(zx::Signals::USER_0.bits()),
        ..Default::default()
    };
    manager.add_wake_source(spec).await?.map_err(|e| anyhow::anyhow!("AddWakeSource: {e:?}"))?;
    let mut next = fasync::MonotonicInstant::now() + period;
    while next < stop_at {
        fasync::Timer::new(next).await;
        zx::Peered::signal_peer(&local, zx::Signals::NONE, zx::Signals::USER_0)?;
        fasync::Timer::new(zx::MonotonicDuration::from_millis(20)).await;
        zx::Peered::signal_peer(&local, zx::Signals::USER_0, zx::Signals::NONE)?;
        next += period;
    }
    Ok(())
}

#[fuchsia::main(logging_tags = ["proxy_manager_demo"])]
async fn main() -> Result<(), anyhow::Error> {
    let flags: Flags = argh::from_env();
    // Each proxy's counter is a wake source, and so is the demo's alarm.
    let most = proxy_manager::config::MAX_WAKE_SOURCES - 1;
    anyhow::ensure!((flags.proxies as usize) <= most, "--proxies must be at most {most}");
    let narrative = Narrative::new(flags.json);
    let realm = build_realm(narrative, flags.stuck_after_ms).await.context("building the realm")?;
    let manager = realm.root.connect_to_protocol_at_exposed_dir::<ProxyManagerProxy>()?;
    let provisioner = realm.root.connect_to_protocol_at_exposed_dir::<ProvisionerProxy>()?;
    let tracing = trace::start(&provisioner).await.context("starting the trace")?;
    let (mut ends, remotes, ids) = add_proxies(&manager, flags.proxies).await?;
    say!(
        narrative,
        "{} proxies added; traffic for {} s at {} msg/s each",
        flags.proxies,
        flags.duration,
        flags.rate
    );

    let start = zx::MonotonicInstant::get();
    let stop_at =
        fasync::MonotonicInstant::after(zx::MonotonicDuration::from_seconds(flags.duration.into()));
    let interval = zx::MonotonicDuration::from_nanos(1_000_000_000 / i64::from(flags.rate.max(1)));
    let tallies: Vec<Rc<remote::RemoteTally>> = remotes.iter().map(|_| Rc::default()).collect();
    // The peers start staggered so that the container sees separate wake-ups.
    let peers = futures::future::join_all(remotes.iter().zip(&tallies).enumerate().map(
        |(i, (channel, tally))| async move {
            fasync::Timer::new(zx::MonotonicDuration::from_millis(40 * i as i64)).await;
            let ordinals = PEER_ORDINALS[i % PEER_ORDINALS.len()];
            remote::run(channel, ordinals, interval, stop_at, Rc::clone(tally)).await
        },
    ));
    let container_stop = stop_at + zx::MonotonicDuration::from_millis(300);
    let (_, container, alarm) = futures::join!(
        peers,
        container::run(
            &manager,
            &mut ends,
            container_stop,
            start,
            zx::MonotonicDuration::from_millis(flags.stuck_after_ms.into()),
            narrative,
        ),
        alarm(&manager, zx::MonotonicDuration::from_millis(700), stop_at),
    );
    let container = container?;
    alarm?;

    say!(narrative, "\nSummary after {} ms:", (zx::MonotonicInstant::get() - start).into_millis());
    say!(
        narrative,
        "  {:<10} {:>6} {:>8} {:>8} {:>8} {:>8}",
        "proxy",
        "sent",
        "received",
        "handles",
        "replies",
        "counter"
    );
    for (end, tally) in ends.iter().zip(&tallies) {
        say!(
            narrative,
            "  {:<10} {:>6} {:>8} {:>8} {:>8} {:>8}",
            end.name,
            tally.sent.get(),
            end.received,
            end.handles_received,
            tally.replies.get(),
            end.counter.read()?,
        );
    }
    say!(
        narrative,
        "  container: {} suspends, {} resumes, {} ms suspended",
        container.suspends,
        container.resumes,
        container.suspended_for.into_millis()
    );

    // The attribution, read before any proxy is removed (Inspect shows it for live proxies).
    let selector = format!("realm_builder\\:{}/proxy_manager:root", realm.root.child_name());
    let before = ArchiveReader::inspect().add_selector(selector.clone()).snapshot().await?;
    let root = before.first().and_then(|data| data.payload.as_ref());
    say!(narrative, "\nWhat woke the container, per proxy (messages in, wake-ups caused):");
    let mut proxies_json = Vec::new();
    for (end, id) in ends.iter().zip(&ids) {
        let lines = root.map(|root| attribution::of_proxy(root, *id)).unwrap_or_default();
        say!(narrative, "  {}:", end.name);
        for line in lines.iter().filter(|line| line.messages > 0 || line.activations > 0) {
            say!(
                narrative,
                "    {:<20} {:>6} messages {:>4} wake-ups",
                line.method,
                line.messages,
                line.activations
            );
        }
        proxies_json.push(json!({
            "id": id,
            "name": end.name,
            "counter": end.counter.read()?,
            "methods": attribution::to_json(&lines),
        }));
    }
    if container.stuck.is_empty() {
        say!(narrative, "  no wake source stayed active longer than {} ms", flags.stuck_after_ms);
    }
    for (name, active_ms) in &container.stuck {
        say!(narrative, "  stuck: {name}, active for {active_ms} ms when noticed");
    }
    let stuck_in_inspect = root.map(attribution::stuck_sources).unwrap_or_default();
    let (status, message) = root.map(attribution::health).unwrap_or_default();
    say!(
        narrative,
        "  the component marks stuck: [{}]; its health: {status}{}",
        stuck_in_inspect.join(", "),
        message.map(|message| format!(" ({message})")).unwrap_or_default()
    );

    let trace_path = flags
        .trace_out
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("proxy_manager_demo.fxt"));
    let traced = trace::finish(tracing, &trace_path).await.context("ending the trace")?;
    say!(
        narrative,
        "\nTrace (category power): {} records, {} bytes, in {} (open it in ui.perfetto.dev)",
        traced.records,
        traced.bytes,
        trace_path.display()
    );
    say!(
        narrative,
        "  {} waking messages; activation spans per wake source:",
        traced.waking_messages
    );
    for (name, source) in &traced.sources {
        say!(
            narrative,
            "    {:<10} {:>4} spans, {:>6} ms active{}",
            name,
            source.spans,
            source.active_ns / 1_000_000,
            if source.open > 0 { format!(", {} still active", source.open) } else { String::new() }
        );
    }

    // Remove one proxy, so that Inspect shows it in the history while the others run on.
    let first = ends.first().map(|end| end.name.clone()).unwrap_or_default();
    if let Some(id) = ids.first() {
        let request = ProxyManagerRemoveProxyRequest { id: Some(*id), ..Default::default() };
        manager.remove_proxy(&request).await?.map_err(|e| anyhow::anyhow!("RemoveProxy: {e:?}"))?;
        say!(narrative, "  removed proxy {first}: its queue was delivered and its channels closed");
    }

    let data = ArchiveReader::inspect().add_selector(selector).snapshot().await?;
    if flags.json {
        let stuck: Vec<_> = container
            .stuck
            .iter()
            .map(|(name, active_ms)| json!({ "name": name, "active_ms": active_ms }))
            .collect();
        let document = json!({
            "proxies": proxies_json,
            "container": {
                "suspends": container.suspends,
                "resumes": container.resumes,
                "suspended_ms": container.suspended_for.into_millis(),
            },
            "stuck": stuck,
            "component": {
                "stuck": stuck_in_inspect,
                "health": status,
            },
            "trace": {
                "file": trace_path,
                "records": traced.records,
                "waking_messages": traced.waking_messages,
                "sources": traced.sources.iter().map(|(name, source)| {
                    (name.clone(), json!({
                        "spans": source.spans,
                        "active_ms": source.active_ns / 1_000_000,
                        "still_active": source.open,
                    }))
                }).collect::<serde_json::Map<_, _>>(),
            },
            "inspect": serde_json::to_value(&data)?,
        });
        println!("{}", serde_json::to_string_pretty(&document)?);
    } else {
        println!();
        for tree in &data {
            print!("{tree}");
        }
    }
    Ok(())
}
