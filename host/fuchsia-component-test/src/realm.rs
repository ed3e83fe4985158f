//! A running realm: its children's instances, threads and the router between them.
//!
//! Each child is a `fuchsia_runtime` component instance with moniker
//! `realm_builder:<realm>/<child>`, its own outgoing directory channel and its own namespace
//! (`/svc`, served by the realm's router). The router runs on one thread per realm: it
//! serves every child's `/svc` and the realm's exposed directory, and forwards each
//! connection along its route into the source child's outgoing directory, starting that
//! child if needed. Dropping the `RealmInstance` destroys the realm: routing stops, every
//! child is asked to stop, loses its outgoing directory connection, and its threads are
//! joined.

use crate::builder::{ChildDecl, Kind, Offer, Program, RealmDecl, Ref};
use crate::error::Error;
use crate::local::LocalComponentHandles;
use crate::manifest::{Availability, UseSource};
use anyhow::Context as _;
use fidl::endpoints::{
    ClientEnd, DiscoverableProtocolMarker, ProtocolMarker, Proxy, ServerEnd, create_endpoints,
};
use fuchsia_async as fasync;
use fuchsia_component::fio;
use fuchsia_component::host::Namespace;
use fuchsia_component::server::ServiceFs;
use fuchsia_runtime::host::{ComponentInstance, ComponentStopped, StopReason};
use fuchsia_runtime::{HandleInfo, HandleType};
use futures::StreamExt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Lifecycle of one child.
enum ChildState {
    /// Not started; a local child's outgoing directory request waits here.
    NotStarted { outgoing_server: Option<ServerEnd<fio::DirectoryMarker>> },
    /// Its main thread runs.
    Running(JoinHandle<()>),
    /// Destroyed, or failed to start.
    Stopped,
}

/// One child at run time. Shared by the router thread (which starts children and forwards
/// connections) and the `RealmInstance` (which destroys them); each mutex is held only to
/// read or swap its value, never while joining a thread or waiting.
struct ChildRuntime {
    decl: ChildDecl,
    instance: Arc<ComponentInstance>,
    /// Client end of the child's outgoing directory; `None` once the realm is destroyed.
    outgoing: Mutex<Option<fio::DirectorySynchronousProxy>>,
    state: Mutex<ChildState>,
}

impl ChildRuntime {
    /// Starts the child's main on its own thread, once.
    fn ensure_started(&self) {
        let mut state = lock(&self.state);
        let ChildState::NotStarted { outgoing_server } = &mut *state else { return };
        let instance = Arc::clone(&self.instance);
        let name = self.instance.moniker().to_owned();
        let spawned = match &self.decl.program {
            Program::Registered { main, .. } => {
                let main = *main;
                std::thread::Builder::new().name(name).spawn(move || {
                    let _entered = instance.enter();
                    run_until_stopped(&instance, main);
                })
            }
            Program::Local(implementation) => {
                let Some(outgoing_dir) = outgoing_server.take() else { return };
                let handles =
                    LocalComponentHandles::new(instance.singleton::<Namespace>(), outgoing_dir);
                let body = implementation(handles);
                std::thread::Builder::new().name(name).spawn(move || {
                    let _entered = instance.enter();
                    // Nothing observes the body's state after an unwind: it is dropped.
                    run_until_stopped(
                        &instance,
                        std::panic::AssertUnwindSafe(|| run_local(&instance, body)),
                    );
                })
            }
        };
        *state = match spawned {
            Ok(thread) => ChildState::Running(thread),
            Err(error) => {
                log::error!("cannot start {}: {error}", self.instance.moniker());
                ChildState::Stopped
            }
        };
    }

    /// Forwards `channel` to the protocol `source_name` this child serves, starting it.
    fn connect(&self, source_name: &str, channel: zx::Channel) {
        let path = match &self.decl.program {
            Program::Registered { manifest, .. } => match manifest.exposed_protocol(source_name) {
                Some(capability) => capability.outgoing_path.clone(),
                None => return,
            },
            Program::Local(_) => format!("svc/{source_name}"),
        };
        if let Some(outgoing) = &*lock(&self.outgoing) {
            // A child that already exited has closed its outgoing directory; then the
            // channel is dropped and the client sees PEER_CLOSED.
            let _ = outgoing.open(&path, fio::Flags::PROTOCOL_SERVICE, channel);
        }
        self.ensure_started();
    }
}

/// Runs a registered child's entry point or a local child's body on this thread (which has
/// entered the child's instance). A stopped instance's executors unwind with
/// `ComponentStopped` (see fuchsia_async): that is the normal end of a destroyed or crashed
/// component; any other unwind is a real panic and continues. A crash (see
/// `ComponentInstance::crash`) is logged as component manager logs it; the instance's
/// `stop_reason` tells it too.
fn run_until_stopped(instance: &ComponentInstance, run: impl FnOnce() + std::panic::UnwindSafe) {
    if let Err(payload) = std::panic::catch_unwind(run)
        && !payload.is::<ComponentStopped>()
    {
        std::panic::resume_unwind(payload);
    }
    if let Some(StopReason::Crashed(reason)) = instance.stop_reason() {
        log::error!("{} crashed: {reason}", instance.moniker());
    }
}

/// A local child's body, run on its own executor.
fn run_local(
    instance: &ComponentInstance,
    body: futures::future::BoxFuture<'static, Result<(), anyhow::Error>>,
) {
    if let Err(error) = fasync::LocalExecutor::default().run_singlethreaded(body) {
        log::warn!("local child {} failed: {error:#}", instance.moniker());
    }
}

/// The realm's routing table and children, shared with the router thread.
struct Realm {
    children: Vec<ChildRuntime>,
    offers: Vec<Offer>,
}

impl Realm {
    fn child(&self, name: &str) -> Option<&ChildRuntime> {
        self.children.iter().find(|c| c.decl.name == name)
    }

    /// Routes a connection to `name` made by `target` (a child, or the parent through the
    /// exposed directory). Unrouted connections are closed (the client sees PEER_CLOSED);
    /// a required one is logged, as component manager does.
    fn route(
        &self,
        target: &Ref,
        name: &str,
        use_source: Option<&UseSource>,
        availability: Availability,
        channel: zx::Channel,
    ) {
        let offer = self
            .offers
            .iter()
            .find(|o| o.kind == Kind::Protocol && &o.target == target && o.target_name == name);
        let Some(offer) = offer else {
            let through_dictionary = match use_source {
                Some(UseSource::ParentDictionary(dictionary)) => self.offers.iter().any(|o| {
                    o.kind == Kind::Dictionary
                        && &o.target == target
                        && &o.source_name == dictionary
                }),
                _ => false,
            };
            // Capabilities of the parent's dictionaries (logs, Inspect, tracing) are served
            // in-process on the host; nothing answers their channels.
            if !through_dictionary && !availability.may_be_unrouted() {
                log::warn!("{name} is used by {target} but not routed to it");
            }
            return;
        };
        match &offer.source {
            Ref::Child(source) => {
                if let Some(child) = self.child(source) {
                    child.connect(&offer.source_name, channel);
                }
            }
            // The test (parent) serves nothing to the realm on the host; void is nothing.
            Ref::Parent | Ref::Void => {}
        }
    }
}

/// One entry of a child's `/svc`.
struct SvcEntry {
    /// Name in `/svc`.
    entry: String,
    /// Name of the capability used (what routes offer to the child).
    capability: String,
    source: Option<UseSource>,
    availability: Availability,
}

/// Name of the protocol through which Inspect reaches archivist.
const INSPECT_SINK: &str = "fuchsia.inspect.InspectSink";

/// Name of the protocol through which logs reach archivist.
const LOG_SINK: &str = "fuchsia.logger.LogSink";

/// Whether a registered child's Inspect (`sink` = InspectSink) or logs (`sink` = LogSink)
/// reach archivist: it uses `sink` and the use is routed (directly, or through the
/// dictionary it is used from). Local children publish and log through the test's own
/// sinks, as in-tree.
fn sink_routed(offers: &[Offer], child: &ChildDecl, sink: &str) -> bool {
    let Program::Registered { manifest, .. } = &child.program else { return true };
    let Some(used) = manifest.uses.iter().find(|u| u.name == sink) else { return false };
    let target = Ref::Child(child.name.clone());
    offers.iter().any(|o| {
        o.target == target
            && o.source != Ref::Void
            && match (&o.kind, &used.from) {
                (Kind::Protocol, _) => o.target_name == sink,
                (Kind::Dictionary, UseSource::ParentDictionary(dictionary)) => {
                    &o.source_name == dictionary
                }
                (Kind::Dictionary, _) => false,
            }
    })
}

/// The entries of a child's `/svc`: its manifest's uses, or for a local child every
/// protocol routed to it.
fn svc_entries(realm: &Realm, child: &ChildRuntime) -> Vec<SvcEntry> {
    match &child.decl.program {
        Program::Registered { manifest, .. } => manifest
            .uses
            .iter()
            .map(|u| SvcEntry {
                entry: u.svc_entry.clone(),
                capability: u.name.clone(),
                source: Some(u.from.clone()),
                availability: u.availability,
            })
            .collect(),
        Program::Local(_) => realm
            .offers
            .iter()
            .filter(|o| o.kind == Kind::Protocol && o.target == Ref::Child(child.decl.name.clone()))
            .map(|o| SvcEntry {
                entry: o.target_name.clone(),
                capability: o.target_name.clone(),
                source: None,
                availability: Availability::Optional,
            })
            .collect(),
    }
}

/// Serves every `/svc` and the exposed directory until `exit` is signalled.
fn run_router(
    realm: Arc<Realm>,
    svc_servers: Vec<ServerEnd<fio::DirectoryMarker>>,
    exposed_server: ServerEnd<fio::DirectoryMarker>,
    exit: zx::Event,
) {
    fasync::LocalExecutor::default().run_singlethreaded(async move {
        let mut directories = Vec::new();
        for (child, server) in realm.children.iter().zip(svc_servers) {
            let mut fs = ServiceFs::new_local();
            let target = Ref::Child(child.decl.name.clone());
            for SvcEntry { entry, capability, source, availability } in svc_entries(&realm, child) {
                let (realm, target) = (Arc::clone(&realm), target.clone());
                fs.add_service_at(entry, move |channel| {
                    realm.route(&target, &capability, source.as_ref(), availability, channel);
                    None::<()>
                });
            }
            fs.serve_connection(server).expect("serving a fresh channel cannot fail");
            directories.push(fs);
        }
        let mut exposed = ServiceFs::new_local();
        for offer in realm.offers.iter().filter(|o| o.target == Ref::Parent) {
            let (realm, name) = (Arc::clone(&realm), offer.target_name.clone());
            exposed.add_service_at(offer.target_name.clone(), move |channel| {
                realm.route(&Ref::Parent, &name, None, Availability::Required, channel);
                None::<()>
            });
        }
        exposed.serve_connection(exposed_server).expect("serving a fresh channel cannot fail");
        directories.push(exposed);
        let serve = futures::future::join_all(
            directories.into_iter().map(|fs| fs.for_each(|()| futures::future::ready(()))),
        );
        let exit = fasync::OnSignals::new(exit.as_handle_ref(), zx::Signals::EVENT_SIGNALED);
        futures::future::select(Box::pin(serve), exit).await;
    });
}

/// The realm's root as the test sees it: its name and its exposed directory.
pub struct ScopedInstance {
    child_name: String,
    exposed: fio::DirectorySynchronousProxy,
}

impl ScopedInstance {
    /// The realm's name: monikers of its children are `realm_builder:<name>/<child>`.
    pub fn child_name(&self) -> &str {
        &self.child_name
    }

    /// Connects to a protocol routed from a child to the parent. As in-tree
    /// (src/lib/fuchsia-component-test/src/lib.rs), generic over what it returns: the
    /// protocol's proxy or `ClientEnd` (`::<EchoProxy>()`), not its marker.
    pub fn connect_to_protocol_at_exposed_dir<T: fuchsia_component::client::Connect>(
        &self,
    ) -> Result<T, anyhow::Error> {
        T::connect_at_dir_root(&self.exposed)
    }

    /// Connects to the protocol routed to the parent as `name`.
    pub fn connect_to_named_protocol_at_exposed_dir<P: ProtocolMarker>(
        &self,
        name: &str,
    ) -> Result<P::Proxy, anyhow::Error> {
        let (client, server) = zx::Channel::create();
        self.exposed
            .open(name, fio::Flags::PROTOCOL_SERVICE, server)
            .context("exposed directory")?;
        Ok(P::Proxy::from_channel(fidl::AsyncChannel::from_channel(client)))
    }

    /// Connects `server_end` to protocol `P` routed to the parent.
    pub fn connect_request_to_protocol_at_exposed_dir<P: DiscoverableProtocolMarker>(
        &self,
        server_end: ServerEnd<P>,
    ) -> Result<(), anyhow::Error> {
        self.exposed
            .open(P::PROTOCOL_NAME, fio::Flags::PROTOCOL_SERVICE, server_end.into_channel())
            .context("exposed directory")
    }
}

/// A running realm; dropping it destroys the realm (see the module documentation).
pub struct RealmInstance {
    /// The realm's root.
    pub root: ScopedInstance,
    realm: Arc<Realm>,
    router_exit: zx::Event,
    router: Option<JoinHandle<()>>,
    /// Children whose Inspect does not reach the host archivist; unmarked when the realm is
    /// destroyed.
    _inspect_unrouted: Vec<fuchsia_component::host::InspectSinkUnrouted>,
}

/// Distinguishes the realms of one process.
static NEXT_REALM: AtomicU32 = AtomicU32::new(0);

impl RealmInstance {
    pub(crate) fn start(decl: RealmDecl) -> Result<RealmInstance, Error> {
        let realm_name = format!(
            "auto-{:08x}{:08x}",
            std::process::id(),
            NEXT_REALM.fetch_add(1, Ordering::Relaxed)
        );
        let mut children = Vec::new();
        let mut svc_servers = Vec::new();
        let inspect_unrouted = decl
            .children
            .iter()
            .filter(|child| !sink_routed(&decl.offers, child, INSPECT_SINK))
            .map(|child| {
                fuchsia_component::host::mark_inspect_sink_unrouted(format!(
                    "realm_builder:{realm_name}/{}",
                    child.name
                ))
            })
            .collect();
        for child in decl.children {
            let (outgoing, outgoing_server) = create_endpoints::<fio::DirectoryMarker>();
            let (svc, svc_server) = create_endpoints::<fio::DirectoryMarker>();
            let moniker = format!("realm_builder:{realm_name}/{}", child.name);
            let (startup, pending) = match &child.program {
                Program::Registered { config_schema, config, .. } => {
                    let mut startup = vec![(
                        HandleInfo::new(HandleType::DirectoryRequest, 0),
                        outgoing_server.into_channel().into(),
                    )];
                    if let Some(schema) = config_schema {
                        let bytes = config.encode(&child.name, schema)?;
                        let vmo = crate::config::config_vmo(&bytes).map_err(Error::ConfigVmo)?;
                        startup
                            .push((HandleInfo::new(HandleType::ComponentConfigVmo, 0), vmo.into()));
                    }
                    (startup, None)
                }
                Program::Local(_) => (Vec::new(), Some(outgoing_server)),
            };
            let instance = ComponentInstance::new(moniker, child.url.clone(), startup);
            // A test's realm's components log for the test, as on Fuchsia.
            fuchsia::host::inherit_test_logs(&instance);
            // Without a routed LogSink, archivist never receives the child's records.
            if !sink_routed(&decl.offers, &child, LOG_SINK) {
                fuchsia::host::disconnect_log_sink(&instance);
            }
            instance.singleton::<Namespace>().bind("/svc", svc);
            children.push(ChildRuntime {
                decl: child,
                instance,
                outgoing: Mutex::new(Some(outgoing.into_sync_proxy())),
                state: Mutex::new(ChildState::NotStarted { outgoing_server: pending }),
            });
            svc_servers.push(svc_server);
        }
        let realm = Arc::new(Realm { children, offers: decl.offers });
        let (exposed, exposed_server): (ClientEnd<fio::DirectoryMarker>, _) = create_endpoints();
        let router_exit = zx::Event::create();
        let router = {
            let (realm, exit) = (
                Arc::clone(&realm),
                router_exit
                    .duplicate_handle(zx::Rights::SAME_RIGHTS)
                    .map_err(|s| Error::Thread(s.to_string()))?,
            );
            std::thread::Builder::new()
                .name(format!("realm_builder:{realm_name}"))
                .spawn(move || run_router(realm, svc_servers, exposed_server, exit))
                .map_err(|e| Error::Thread(e.to_string()))?
        };
        for child in realm.children.iter().filter(|c| c.decl.options.eager) {
            child.ensure_started();
        }
        Ok(RealmInstance {
            root: ScopedInstance { child_name: realm_name, exposed: exposed.into_sync_proxy() },
            realm,
            router_exit,
            router: Some(router),
            _inspect_unrouted: inspect_unrouted,
        })
    }

    /// Destroys the realm (as dropping it does).
    pub async fn destroy(self) -> Result<(), anyhow::Error> {
        drop(self);
        Ok(())
    }
}

impl Drop for RealmInstance {
    fn drop(&mut self) {
        // Stop routing: every /svc and the exposed directory close.
        let _ = self.router_exit.signal(zx::Signals::empty(), zx::Signals::EVENT_SIGNALED);
        if let Some(router) = self.router.take()
            && router.join().is_err()
        {
            log::error!("the router of realm {} panicked", self.root.child_name);
        }
        // Ask every child to stop and close its outgoing directory.
        for child in &self.realm.children {
            child.instance.request_stop();
            lock(&child.outgoing).take();
        }
        // Join every child's threads.
        for child in &self.realm.children {
            let state = std::mem::replace(&mut *lock(&child.state), ChildState::Stopped);
            if let ChildState::Running(thread) = state
                && thread.join().is_err()
            {
                log::error!("{} panicked", child.instance.moniker());
            }
            child.instance.wait_for_threads();
        }
    }
}
