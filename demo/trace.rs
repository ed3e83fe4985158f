// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! The demo's trace: a `fuchsia.tracing.controller` session of category `power` on the
//! realm's trace manager for the whole run, written to an FXT file (which trace viewers
//! such as ui.perfetto.dev open) and summarised per wake source.

use anyhow::Context;
use fidl_fuchsia_tracing_controller::{
    ProvisionerProxy, SessionMarker, SessionProxy, StartOptions, StopOptions, TraceConfig,
};
use fuchsia_async as fasync;
use futures::AsyncReadExt;
use std::collections::BTreeMap;

/// The provider name of the component's process: its manifest's name.
const PROVIDER: &str = "proxy_manager.cm";

/// A running session and the task reading its socket.
pub struct Tracing {
    session: SessionProxy,
    reading: fasync::Task<Result<Vec<u8>, std::io::Error>>,
}

/// Starts tracing category `power` once the component's provider has registered (it does
/// so from its own thread as the component starts).
pub async fn start(provisioner: &ProvisionerProxy) -> Result<Tracing, anyhow::Error> {
    loop {
        let providers = provisioner.get_providers().await?;
        if providers.iter().any(|provider| provider.name.as_deref() == Some(PROVIDER)) {
            break;
        }
    }
    let (session, server) = fidl::endpoints::create_proxy::<SessionMarker>();
    let (reader, writer) = zx::Socket::create_stream();
    let config = TraceConfig { categories: Some(vec!["power".to_owned()]), ..Default::default() };
    provisioner.initialize_tracing(server, &config, writer)?;
    let reading = fasync::Task::local(async move {
        let mut bytes = Vec::new();
        fasync::Socket::from_socket(reader).read_to_end(&mut bytes).await?;
        Ok(bytes)
    });
    session
        .start_tracing(&StartOptions::default())
        .await?
        .map_err(|e| anyhow::anyhow!("StartTracing: {e:?}"))?;
    Ok(Tracing { session, reading })
}

/// What the trace shows of one wake source.
#[derive(Debug, Default)]
pub struct SourceTrace {
    /// Activation spans (begin events).
    pub spans: u64,
    /// Time within ended spans, nanoseconds.
    pub active_ns: i64,
    /// Spans not ended when tracing stopped (the source was still active).
    pub open: u64,
}

/// The trace, summarised.
#[derive(Debug, Default)]
pub struct Summary {
    /// By wake source name.
    pub sources: BTreeMap<String, SourceTrace>,
    /// `proxy_manager:waking_message` instants.
    pub waking_messages: u64,
    /// Records in the file.
    pub records: usize,
    /// Bytes in the file.
    pub bytes: usize,
}

/// Stops the session, writes the trace to `path` and summarises it.
pub async fn finish(tracing: Tracing, path: &std::path::Path) -> Result<Summary, anyhow::Error> {
    let Tracing { session, reading } = tracing;
    let options = StopOptions { write_results: Some(true), ..Default::default() };
    session.stop_tracing(&options).await?.map_err(|e| anyhow::anyhow!("StopTracing: {e:?}"))?;
    drop(session);
    let bytes = reading.await.context("reading the trace socket")?;
    std::fs::write(path, &bytes).with_context(|| format!("writing {}", path.display()))?;
    let (records, _warnings) = fxt::parse_full_session(&bytes)?;
    let mut summary = Summary { records: records.len(), bytes: bytes.len(), ..Summary::default() };
    // Begun spans not ended yet: id -> begin time, nanoseconds.
    let mut begun: BTreeMap<u64, (String, i64)> = BTreeMap::new();
    for record in &records {
        let fxt::TraceRecord::Event(event) = record else { continue };
        match event.payload {
            fxt::EventPayload::AsyncBegin { id } => {
                summary.sources.entry(event.name.to_string()).or_default().spans += 1;
                begun.insert(id, (event.name.to_string(), event.timestamp));
            }
            fxt::EventPayload::AsyncEnd { id } => {
                if let Some((name, start)) = begun.remove(&id) {
                    summary.sources.entry(name).or_default().active_ns += event.timestamp - start;
                }
            }
            fxt::EventPayload::Instant if event.name == "proxy_manager:waking_message" => {
                summary.waking_messages += 1;
            }
            _ => {}
        }
    }
    for (name, _) in begun.into_values() {
        summary.sources.entry(name).or_default().open += 1;
    }
    Ok(summary)
}
