//! The manager's state, `Provisioner`, and the one trace session (in-tree
//! `trace_manager.cc` and `trace_session.cc`).

use crate::output::Output;
use crate::providers::Provider;
use crate::tracee::Tracee;
use fidl::endpoints::ServerEnd;
use fidl_fuchsia_tracing::{BufferDisposition, BufferingMode, KnownCategory};
use fidl_fuchsia_tracing_controller::{
    ProviderInfo, ProvisionerRequest, ProvisionerRequestStream, SessionControlHandle,
    SessionMarker, SessionRequest, SessionRequestStream, SessionState, StartError, StartOptions,
    StopError, StopResult, TraceConfig,
};
use fidl_fuchsia_tracing_provider::ProviderV2Proxy;
use fuchsia_async::{self as fasync, TimeoutExt};
use futures::StreamExt;
use futures::future::join_all;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// Buffer size per provider when the configuration names none, in MiB (as in-tree).
const DEFAULT_BUFFER_SIZE_MEGABYTES: u32 = 4;
/// Smallest buffer size per provider, in MiB (as in-tree).
const MIN_BUFFER_SIZE_MEGABYTES: u32 = 1;
/// How long StartTracing waits for providers when the configuration names no timeout.
const DEFAULT_START_TIMEOUT: zx::MonotonicDuration = zx::MonotonicDuration::from_millis(5000);
/// How long stopping or terminating waits for providers (in-tree `kStopTimeout`).
const STOP_TIMEOUT: zx::MonotonicDuration = zx::MonotonicDuration::from_seconds(60);

/// The manager: registered providers and the session. Touched only by the component's
/// thread; no borrow is held across an await.
#[derive(Default)]
pub struct Manager {
    /// Registered providers whose channel is open, in registration order.
    providers: RefCell<Vec<Rc<Provider>>>,
    /// The id the last registered provider got (0: none yet).
    last_id: Cell<u32>,
    /// The session, from InitializeTracing until it has terminated.
    session: RefCell<Option<Rc<Session>>>,
}

impl Manager {
    /// Registers a provider, adding it to the running session if there is one; returns
    /// whether that session is tracing (the `started` hint of RegisterV2Synchronously).
    pub fn register(self: &Rc<Self>, proxy: ProviderV2Proxy, pid: u64, name: String) -> bool {
        let id = self.last_id.get() + 1;
        self.last_id.set(id);
        let mut events = proxy.take_event_stream();
        let provider = Rc::new(Provider { id, pid, name, proxy });
        self.providers.borrow_mut().push(Rc::clone(&provider));
        let manager = Rc::downgrade(self);
        fasync::Task::local(async move {
            // Streaming buffers and alerts are not supported (README); the stream ends when
            // the provider goes away.
            while events.next().await.is_some() {}
            if let Some(manager) = manager.upgrade() {
                manager.providers.borrow_mut().retain(|provider| provider.id != id);
            }
        })
        .detach();
        let session = self.session.borrow().clone();
        session.is_some_and(|session| session.add_provider(provider))
    }

    fn provider_infos(&self) -> Vec<ProviderInfo> {
        self.providers
            .borrow()
            .iter()
            .map(|provider| ProviderInfo {
                id: Some(provider.id),
                pid: Some(provider.pid),
                name: Some(provider.name.clone()),
                ..Default::default()
            })
            .collect()
    }

    /// The categories the providers know, each (name, description) once, sorted.
    async fn known_categories(&self) -> Vec<KnownCategory> {
        let providers = self.providers.borrow().clone();
        let replies = join_all(providers.iter().map(|p| p.proxy.get_known_categories())).await;
        let categories: BTreeSet<(String, String)> = replies
            .into_iter()
            .flatten()
            .flatten()
            .map(|category| (category.name, category.description))
            .collect();
        categories
            .into_iter()
            .map(|(name, description)| KnownCategory { name, description })
            .collect()
    }

    /// Creates the session unless one exists, and serves it on its own task.
    fn initialize(
        self: &Rc<Self>,
        controller: ServerEnd<SessionMarker>,
        config: TraceConfig,
        output: fidl::Socket,
    ) {
        if self.session.borrow().is_some() {
            log::error!("Ignoring initialize request, trace already initialized");
            return;
        }
        let Some(config) = SessionConfig::new(config) else { return };
        let (stream, control) = controller.into_stream_and_control_handle();
        let session = Rc::new(Session {
            config,
            state: Cell::new(State::Initialized),
            tracees: RefCell::new(Vec::new()),
            control,
        });
        *self.session.borrow_mut() = Some(Rc::clone(&session));
        let providers = self.providers.borrow().clone();
        for provider in providers {
            session.add_provider(provider);
        }
        let manager = Rc::clone(self);
        fasync::Task::local(async move {
            session.serve(stream, Output::new(output)).await;
            *manager.session.borrow_mut() = None;
        })
        .detach();
    }
}

/// Serves one `Provisioner` connection until it closes.
pub async fn serve_provisioner(manager: Rc<Manager>, mut stream: ProvisionerRequestStream) {
    while let Some(request) = stream.next().await {
        match request {
            Ok(ProvisionerRequest::InitializeTracing { controller, config, output, .. }) => {
                manager.initialize(controller, config, output);
            }
            Ok(ProvisionerRequest::GetProviders { responder }) => {
                let _ = responder.send(&manager.provider_infos());
            }
            Ok(ProvisionerRequest::GetKnownCategories { responder }) => {
                let _ = responder.send(&manager.known_categories().await);
            }
            Ok(ProvisionerRequest::_UnknownMethod { ordinal, .. }) => {
                log::warn!("Received an unknown Provisioner method with ordinal {ordinal:#x}");
            }
            Err(error) => {
                log::warn!("Provisioner connection closed: {error}");
                return;
            }
        }
    }
}

/// A session's configuration, with the in-tree defaults applied.
struct SessionConfig {
    categories: Vec<String>,
    /// Per provider, bytes.
    buffer_bytes: u64,
    mode: BufferingMode,
    start_timeout: zx::MonotonicDuration,
    /// Overrides by provider name: buffer bytes and categories.
    provider_specs: BTreeMap<String, (Option<u64>, Option<Vec<String>>)>,
}

impl SessionConfig {
    /// `None`, logged, for a buffering mode the host does not support.
    fn new(config: TraceConfig) -> Option<SessionConfig> {
        let mode = config.buffering_mode.unwrap_or(BufferingMode::Oneshot);
        if mode != BufferingMode::Oneshot {
            log::error!("Buffering mode {mode:?} is not supported by the host trace manager");
            return None;
        }
        let megabytes = |hint: Option<u32>| {
            u64::from(hint.unwrap_or(DEFAULT_BUFFER_SIZE_MEGABYTES).max(MIN_BUFFER_SIZE_MEGABYTES))
                << 20
        };
        let provider_specs = config
            .provider_specs
            .unwrap_or_default()
            .into_iter()
            .filter_map(|spec| {
                let bytes = spec.buffer_size_megabytes_hint.map(|hint| megabytes(Some(hint)));
                Some((spec.name?, (bytes, spec.categories)))
            })
            .collect();
        let start_timeout = config.start_timeout_milliseconds.map_or(DEFAULT_START_TIMEOUT, |ms| {
            zx::MonotonicDuration::from_millis(i64::try_from(ms).unwrap_or(i64::MAX))
        });
        Some(SessionConfig {
            categories: config.categories.unwrap_or_default(),
            buffer_bytes: megabytes(config.buffer_size_megabytes_hint),
            mode,
            start_timeout,
            provider_specs,
        })
    }
}

/// Where a session stands (in-tree `TraceSession::State`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Initialized,
    Starting,
    Started,
    Stopping,
    Stopped,
    Terminating,
}

/// The one trace session. Touched only by the component's thread.
struct Session {
    config: SessionConfig,
    state: Cell<State>,
    /// The providers taking part, in the order they were added.
    tracees: RefCell<Vec<Rc<Tracee>>>,
    control: SessionControlHandle,
}

impl Session {
    fn set_state(&self, state: State) {
        self.state.set(state);
        let reported = match state {
            State::Initialized => SessionState::Initialized,
            State::Starting => SessionState::Starting,
            State::Started => SessionState::Started,
            State::Stopping => SessionState::Stopping,
            State::Stopped => SessionState::Stopped,
            State::Terminating => SessionState::Terminating,
        };
        let _ = self.control.send_on_session_state_change(reported);
    }

    /// Adds a provider (initializing it, and starting it if the session is tracing);
    /// returns whether the session is tracing.
    fn add_provider(&self, provider: Rc<Provider>) -> bool {
        let spec = self.config.provider_specs.get(&provider.name);
        let buffer_bytes = spec.and_then(|(bytes, _)| *bytes).unwrap_or(self.config.buffer_bytes);
        let categories = spec
            .and_then(|(_, categories)| categories.clone())
            .unwrap_or_else(|| self.config.categories.clone());
        let name = provider.name.clone();
        let tracee = match Tracee::initialize(provider, buffer_bytes, self.config.mode, categories)
        {
            Ok(tracee) => Rc::new(tracee),
            Err(error) => {
                log::warn!("Provider {name} could not be initialized: {error}");
                return self.is_tracing();
            }
        };
        self.tracees.borrow_mut().push(Rc::clone(&tracee));
        if self.is_tracing() {
            fasync::Task::local(async move {
                tracee.start(BufferDisposition::ClearEntire, Vec::new()).await;
            })
            .detach();
        }
        self.is_tracing()
    }

    fn is_tracing(&self) -> bool {
        matches!(self.state.get(), State::Starting | State::Started)
    }

    fn tracees(&self) -> Vec<Rc<Tracee>> {
        self.tracees.borrow().clone()
    }

    /// Serves the session's channel until it closes or the output fails, then terminates.
    async fn serve(self: Rc<Self>, mut stream: SessionRequestStream, mut output: Output) {
        // The trace's first record, written before any provider's.
        if output.write(&crate::records::magic_number()).await {
            // Alerts are never raised on the host; the calls stay pending until the end.
            let mut alert_watchers = Vec::new();
            while let Some(request) = stream.next().await {
                match request {
                    Ok(SessionRequest::StartTracing { payload, responder }) => {
                        let _ = responder.send(self.start(payload).await);
                    }
                    Ok(SessionRequest::StopTracing { payload, responder }) => {
                        let write_results = payload.write_results.unwrap_or(false);
                        let result = self.stop(write_results, &mut output).await;
                        let _ = responder.send(result.as_ref().map_err(|error| *error));
                    }
                    Ok(SessionRequest::WatchAlert { responder }) => alert_watchers.push(responder),
                    Ok(SessionRequest::_UnknownMethod { ordinal, .. }) => {
                        log::warn!("Received an unknown Session method with ordinal {ordinal:#x}");
                    }
                    Err(error) => {
                        log::warn!("Session connection closed: {error}");
                        break;
                    }
                }
                if output.failed() {
                    break;
                }
            }
        }
        self.terminate(&mut output).await;
    }

    async fn start(&self, options: StartOptions) -> Result<(), StartError> {
        match self.state.get() {
            State::Starting | State::Started => {
                log::error!("Ignoring start request, trace already started");
                return Err(StartError::AlreadyStarted);
            }
            State::Stopping => {
                log::error!("Ignoring start request, trace stopping");
                return Err(StartError::Stopping);
            }
            State::Terminating => {
                log::error!("Ignoring start request, trace terminating");
                return Err(StartError::Terminating);
            }
            State::Initialized | State::Stopped => {}
        }
        self.set_state(State::Starting);
        let disposition = options.buffer_disposition.unwrap_or(BufferDisposition::Retain);
        let additional = options.additional_categories.unwrap_or_default();
        let tracees = self.tracees();
        let starts = join_all(tracees.iter().map(|t| t.start(disposition, additional.clone())));
        async {
            starts.await;
        }
        .on_timeout(self.config.start_timeout, || {
            log::warn!("Not every provider started within the start timeout");
        })
        .await;
        self.set_state(State::Started);
        Ok(())
    }

    async fn stop(
        &self,
        write_results: bool,
        output: &mut Output,
    ) -> Result<StopResult, StopError> {
        if !matches!(self.state.get(), State::Initialized | State::Starting | State::Started) {
            log::info!("Ignoring stop request, state != Initialized,Starting,Started");
            return Err(StopError::NotStarted);
        }
        self.set_state(State::Stopping);
        let tracees = self.tracees();
        stop_all(&tracees).await;
        self.set_state(State::Stopped);
        if write_results {
            for tracee in &tracees {
                tracee.write_results(output).await;
            }
        }
        Ok(StopResult {
            provider_stats: Some(tracees.iter().map(|tracee| tracee.stats()).collect()),
            ..Default::default()
        })
    }

    /// Stops what is still tracing, writes the results not yet written (unless the output
    /// failed), and terminates every provider.
    async fn terminate(&self, output: &mut Output) {
        let was_tracing = self.is_tracing();
        self.set_state(State::Terminating);
        let tracees = self.tracees();
        if was_tracing {
            stop_all(&tracees).await;
        }
        for tracee in tracees.iter().filter(|tracee| !tracee.results_written()) {
            tracee.write_results(output).await;
        }
        let terminations = join_all(tracees.iter().map(|tracee| tracee.terminate()));
        async {
            terminations.await;
        }
        .on_timeout(STOP_TIMEOUT, || log::warn!("Not every provider terminated in time"))
        .await;
    }
}

/// Stops every tracee, waiting at most `STOP_TIMEOUT`.
async fn stop_all(tracees: &[Rc<Tracee>]) {
    let stops = join_all(tracees.iter().map(|tracee| tracee.stop()));
    async {
        stops.await;
    }
    .on_timeout(STOP_TIMEOUT, || log::warn!("Not every provider stopped in time"))
    .await;
}
