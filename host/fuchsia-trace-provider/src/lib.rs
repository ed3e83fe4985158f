//! Host build of `fuchsia_trace_provider` (in-tree `//src/lib/trace/rust:trace-provider`,
//! `src/lib/trace/rust/trace-provider/src/lib.rs`, over the C++ provider of
//! //zircon/system/ulib/trace-provider).
//!
//! As on Fuchsia, a component's trace events reach a trace session only once the component
//! has created its trace provider, and only through the trace manager its
//! `fuchsia.tracing.provider.Registry` is routed from (`trace/client.shard.cml`):
//! [`trace_provider_create_with_fdio`] starts a thread named `trace-provider` in the calling
//! component instance (on Fuchsia, in its process) that connects to `/svc/
//! fuchsia.tracing.provider.Registry` in the instance's namespace, registers a
//! `fuchsia.tracing.provider/ProviderV2` with `RegisterV2Synchronously`, and serves it,
//! driving the instance's trace engine (`fuchsia_trace::host::Engine`) as the trace manager
//! asks. Without a routed registry the provider does nothing, and no event is recorded.
//!
//! The provider's name is the component's manifest name (`proxy_manager.cm`), as the ELF
//! runner names a component's process; outside any instance, the executable's name.

use fidl_fuchsia_tracing::BufferingMode as FidlBufferingMode;
use fidl_fuchsia_tracing_provider::{
    ProviderConfigV2, ProviderV2Marker, ProviderV2Request, ProviderV2RequestStream, RegistryMarker,
};
use fuchsia_async as fasync;
use fuchsia_trace::host::{BufferingMode, Engine, engine};
use futures::StreamExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

/// Creates the trace provider of the calling component, so that its events are recorded
/// by the trace sessions of the trace manager its registry is routed from. Call it once,
/// early in the entry point; calling it again is harmless.
pub fn trace_provider_create_with_fdio() {
    let provider = provider();
    if provider.created.swap(true, Ordering::AcqRel) {
        return;
    }
    let engine = engine();
    let name = provider_name();
    let init = Arc::clone(&provider.init);
    let spawned = std::thread::Builder::new().name("trace-provider".into()).spawn(move || {
        fasync::LocalExecutor::default().run_singlethreaded(serve(engine, name, init))
    });
    if let Err(error) = spawned {
        log::warn!("Trace provider thread could not start: {error}");
        provider.init.done();
    }
}

/// Waits until the provider has registered and, if a session was already tracing, has
/// been started by it, so that the caller's next events are recorded. Returns at once if
/// no provider was created or it has no registry.
pub fn trace_provider_wait_for_init() {
    let provider = provider();
    if provider.created.load(Ordering::Acquire) {
        provider.init.wait();
    }
}

/// The calling component's provider: one per instance (per process on Fuchsia) or, outside
/// any instance, one for the process.
#[derive(Default)]
struct Provider {
    /// Set by the first `trace_provider_create_with_fdio`.
    created: AtomicBool,
    /// Set by the provider thread once registration is settled.
    init: Arc<InitDone>,
}

fn provider() -> Arc<Provider> {
    static PROCESS: OnceLock<Arc<Provider>> = OnceLock::new();
    match fuchsia_runtime::host::current_component() {
        Some(instance) => instance.singleton::<Provider>(),
        None => Arc::clone(PROCESS.get_or_init(Default::default)),
    }
}

/// A one-way latch: the provider thread opens it, callers of `wait_for_init` wait on it.
#[derive(Default)]
struct InitDone {
    done: Mutex<bool>,
    opened: Condvar,
}

impl InitDone {
    fn done(&self) {
        *self.done.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = true;
        self.opened.notify_all();
    }

    fn wait(&self) {
        let done = self.done.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let _done = self
            .opened
            .wait_while(done, |done| !*done)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
    }
}

/// The name the provider registers under.
fn provider_name() -> String {
    match fuchsia_runtime::host::current_component() {
        Some(instance) => instance
            .url()
            .rsplit(['#', '/'])
            .next()
            .filter(|name| !name.is_empty())
            .unwrap_or(instance.moniker())
            .to_owned(),
        None => std::env::current_exe()
            .ok()
            .and_then(|path| path.file_name().map(|name| name.to_string_lossy().into_owned()))
            .unwrap_or_default(),
    }
}

/// Registers with the routed registry and serves the trace manager until it goes away.
async fn serve(engine: Arc<Engine>, name: String, init: Arc<InitDone>) {
    let registry = match fuchsia_component::client::connect_to_protocol::<RegistryMarker>() {
        Ok(registry) => registry,
        Err(error) => {
            log::debug!("No trace registry ({error}); tracing stays off");
            init.done();
            return;
        }
    };
    let (client, stream) = fidl::endpoints::create_request_stream::<ProviderV2Marker>();
    let started =
        match registry.register_v2_synchronously(client, engine.process_koid(), &name).await {
            Ok(Ok(started)) => started,
            Ok(Err(status)) => {
                log::warn!("Trace registry refused the provider: {}", zx::Status::from_raw(status));
                init.done();
                return;
            }
            Err(error) => {
                log::debug!("No trace registry ({error}); tracing stays off");
                init.done();
                return;
            }
        };
    if !started {
        init.done();
    }
    serve_provider(&engine, stream, &init).await;
    // The trace manager went away: stop, and discard the buffer.
    engine.terminate();
    init.done();
}

/// Serves `fuchsia.tracing.provider/ProviderV2` for `engine`; opens `init` at the first
/// start.
async fn serve_provider(engine: &Engine, mut stream: ProviderV2RequestStream, init: &InitDone) {
    while let Some(Ok(request)) = stream.next().await {
        match request {
            ProviderV2Request::Initialize { config, .. } => initialize(engine, config),
            ProviderV2Request::Start { options, responder } => {
                if let Err(error) = engine.start(options.additional_categories) {
                    log::warn!("Trace provider could not start: {error}");
                }
                init.done();
                let _ = responder.send();
            }
            ProviderV2Request::Stop { responder } => {
                engine.stop();
                let _ = responder.send();
            }
            ProviderV2Request::Terminate { responder } => {
                engine.terminate();
                let _ = responder.send();
            }
            ProviderV2Request::GetKnownCategories { responder } => {
                let _ = responder.send(&[]);
            }
            // Streaming mode only, which the host engine does not write.
            ProviderV2Request::NotifyBufferSaved { .. } | ProviderV2Request::Flush { .. } => {}
            ProviderV2Request::_UnknownMethod { ordinal, .. } => {
                log::warn!("Trace provider got an unknown method with ordinal {ordinal:#x}");
            }
        }
    }
}

fn initialize(engine: &Engine, config: ProviderConfigV2) {
    let Some(buffer) = config.buffer else {
        log::warn!("Trace provider initialized without a buffer");
        return;
    };
    let mode = match config.buffering_mode.unwrap_or(FidlBufferingMode::Oneshot) {
        FidlBufferingMode::Oneshot => BufferingMode::Oneshot,
        FidlBufferingMode::Circular => BufferingMode::Circular,
        FidlBufferingMode::Streaming => BufferingMode::Streaming,
    };
    if let Err(error) = engine.initialize(buffer, mode, config.categories.unwrap_or_default()) {
        log::warn!("Trace provider initialization ignored: {error}");
    }
}
