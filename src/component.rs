// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! The component: wires the proxy thread, the manager, Inspect and the outgoing directory,
//! then serves `fuchsia.starnix.proxy/ProxyManager` until stopped, while the stuck watcher
//! keeps the health node current (UNHEALTHY while a wake source is stuck).

use crate::config::Limits;
use crate::manager::ProxyManager;
use crate::proxy_thread::run_proxy_thread;
use crate::{inspect, server, stuck};
use anyhow::Context;
use fidl_fuchsia_starnix_proxy::ProxyManagerRequestStream;
use fuchsia_component::server::ServiceFs;
use fuchsia_inspect::health::Reporter;
use std::sync::Arc;

/// Serves the component with `limits` until its outgoing directory is closed.
///
/// The FIDL server runs on the calling executor; proxies and wake-source monitors run on the
/// proxy thread. When serving ends the manager is dropped, so the proxy thread takes no more
/// work and ends once its proxies have.
pub async fn run(limits: Limits) -> Result<(), anyhow::Error> {
    let mut health = fuchsia_inspect::component::health();
    health.set_starting_up();
    let inspector = fuchsia_inspect::component::inspector();
    fuchsia_inspect::component::serve_inspect_stats();
    let _inspect_server =
        inspect_runtime::publish(inspector, inspect_runtime::PublishOptions::default());

    let (work, work_receiver) = async_channel::unbounded();
    run_proxy_thread(work_receiver).context("starting the proxy thread")?;
    let manager = Arc::new(ProxyManager::new(limits, work));
    let connections = Arc::new(server::Connections::default());
    inspect::record(inspector.root(), &manager);
    inspect::record_connections(inspector.root(), &connections);

    let mut fs = ServiceFs::new_local();
    fs.dir("svc").add_fidl_service(|stream: ProxyManagerRequestStream| stream);
    fs.take_and_serve_directory_handle().context("serving the outgoing directory")?;
    health.set_ok();
    log::info!("serving with {limits:?}");
    let serving = std::pin::pin!(server::serve_all(&manager, &connections, fs));
    let watching_stuck = std::pin::pin!(stuck::watch(manager.wake_sources(), &mut health));
    futures::future::select(serving, watching_stuck).await;
    Ok(())
}
