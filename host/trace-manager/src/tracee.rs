//! One provider within a session (in-tree `tracee.cc`): its buffer, and what of it was
//! written to the output.

use crate::output::Output;
use crate::providers::Provider;
use crate::records;
use fidl_fuchsia_tracing::{BufferDisposition, BufferingMode};
use fidl_fuchsia_tracing_controller::ProviderStats;
use fidl_fuchsia_tracing_provider::{ProviderConfigV2, StartOptions};
use std::cell::Cell;
use std::rc::Rc;

/// A provider taking part in a session. Touched only by the manager's thread.
#[derive(Debug)]
pub struct Tracee {
    pub provider: Rc<Provider>,
    /// The trace manager's handle to the provider's buffer.
    buffer: zx::Vmo,
    mode: BufferingMode,
    /// Whether the provider info record was written; later writes of this provider's
    /// records are preceded by a provider section record instead.
    info_written: Cell<bool>,
    /// Whether the records written since the provider last started are on the output.
    results_written: Cell<bool>,
}

impl Tracee {
    /// Creates a buffer of `buffer_bytes` for `provider` and hands it over with `categories`
    /// (`ProviderV2.Initialize`). Fails if the buffer cannot be made or the provider is gone.
    pub fn initialize(
        provider: Rc<Provider>,
        buffer_bytes: u64,
        mode: BufferingMode,
        categories: Vec<String>,
    ) -> Result<Tracee, anyhow::Error> {
        let buffer = zx::Vmo::create(buffer_bytes)?;
        let provider_buffer = buffer.duplicate_handle(zx::Rights::SAME_RIGHTS)?;
        provider.proxy.initialize(ProviderConfigV2 {
            buffering_mode: Some(mode),
            buffer: Some(provider_buffer),
            categories: Some(categories),
            ..Default::default()
        })?;
        Ok(Tracee {
            provider,
            buffer,
            mode,
            info_written: Cell::new(false),
            results_written: Cell::new(false),
        })
    }

    /// Starts the provider; resolves when it replied or is gone.
    pub async fn start(&self, disposition: BufferDisposition, additional_categories: Vec<String>) {
        self.results_written.set(false);
        let options = StartOptions { buffer_disposition: disposition, additional_categories };
        if let Err(error) = self.provider.proxy.start(&options).await {
            log::warn!("Provider {} did not start: {error}", self.provider.name);
        }
    }

    /// Stops the provider; resolves when every record it began is in the buffer, or it is
    /// gone.
    pub async fn stop(&self) {
        if let Err(error) = self.provider.proxy.stop().await {
            log::warn!("Provider {} did not stop: {error}", self.provider.name);
        }
    }

    /// Terminates the provider; resolves when it replied or is gone.
    pub async fn terminate(&self) {
        if let Err(error) = self.provider.proxy.terminate().await {
            log::debug!("Provider {} did not acknowledge termination: {error}", self.provider.name);
        }
    }

    /// Whether the records since the provider last started are on the output.
    pub fn results_written(&self) -> bool {
        self.results_written.get()
    }

    /// Writes the provider's records to `output`: its provider info (first time) or provider
    /// section record, a buffer-overflow event if it dropped records, then the records.
    pub async fn write_results(&self, output: &mut Output) {
        let contents = match records::read_buffer(&self.buffer) {
            Ok(contents) => contents,
            Err(error) => {
                log::error!("Provider {}: buffer unreadable: {error}", self.provider.name);
                return;
            }
        };
        let id = self.provider.id;
        let header = if self.info_written.replace(true) {
            records::provider_section(id)
        } else {
            records::provider_info(id, &self.provider.name)
        };
        if !output.write(&header).await {
            return;
        }
        if contents.records_dropped > 0 && !output.write(&records::buffer_overflow(id)).await {
            return;
        }
        if output.write(&contents.records).await {
            self.results_written.set(true);
        }
    }

    /// The provider's figures, read from its buffer's header (not its records).
    pub fn stats(&self) -> ProviderStats {
        let (written, dropped) = records::written_and_dropped(&self.buffer);
        ProviderStats {
            name: Some(self.provider.name.clone()),
            pid: Some(self.provider.pid),
            buffering_mode: Some(self.mode),
            buffer_wrapped_count: Some(0),
            records_dropped: Some(dropped),
            percentage_durable_buffer_used: Some(0.0),
            non_durable_bytes_written: Some(written),
            ..Default::default()
        }
    }
}
