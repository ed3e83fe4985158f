// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! proxy_manager: forwards channel messages into a Starnix container, counting every message
//! that enters it so that the container is not suspended while one is unhandled, and tracks
//! the container's wake sources.

pub mod component;
pub mod config;
pub mod inspect;
pub mod linger;
pub mod log_limit;
pub mod manager;
pub mod method_stats;
pub mod proxy;
pub mod proxy_stats;
pub mod proxy_thread;
pub mod server;
pub mod stuck;
pub mod wake_monitor;
pub mod wake_sources;

/// The component's entry point, run by `bin/proxy_manager` (src/main.rs) and, on the host,
/// by the launcher that resolves `#meta/proxy_manager.cm`. Reads the structured
/// configuration, records it in Inspect, and serves until stopped. Creates the trace
/// provider first: `#[fuchsia::main]` does not, and without one no trace event of the
/// component would ever be recorded.
#[fuchsia::main(logging_tags = ["proxy_manager"])]
pub async fn main() -> Result<(), anyhow::Error> {
    fuchsia_trace_provider::trace_provider_create_with_fdio();
    let config = proxy_manager_config::Config::take_from_startup_handle();
    let root = fuchsia_inspect::component::inspector().root();
    root.record_child("config", |node| config.record_inspect(node));
    let limits = config::Limits::new(config.max_proxies as usize, config.max_wake_sources as usize)
        .with_linger_limit_ms(config.linger_limit_ms)
        .with_max_unhandled_messages(config.max_unhandled_messages)
        .with_activation_history(config.max_activation_history)
        .with_stuck_threshold_ms(config.stuck_threshold_ms)
        .with_max_ordinals_per_proxy(config.max_ordinals_per_proxy);
    component::run(limits).await
}
