//! `ServiceFs`: a component's outgoing directory, served over fuchsia.io channels.
//!
//! The directory is a tree of sub-directories and services. Every served directory
//! connection is a request stream; `ServiceFs` is a `Stream` that serves `Open` requests
//! on all of them and yields one `Output` per connection made to a service, e.g. the
//! `IncomingRequest::ProxyManager(stream)` a component then handles with
//! `for_each_concurrent`. The stream ends when no directory connection is left.

use crate::fio;
use crate::path::components;
use anyhow::Context as _;
use fidl::endpoints::{DiscoverableProtocolMarker, RequestStream, ServerEnd};
use futures::stream::{SelectAll, Stream, StreamExt};
use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Something a channel can be connected to.
pub trait Service {
    /// What a connection produces for the `ServiceFs` stream.
    type Output;
    /// Connects `channel`; `None` when the service handled it without output.
    fn connect(&mut self, channel: zx::Channel) -> Option<Self::Output>;
}

/// A FIDL protocol served by turning each connection into a request stream and passing it
/// to a function (typically an enum variant constructor).
pub struct FidlService<F, RS, Output> {
    f: F,
    marker: PhantomData<fn(RS) -> Output>,
}

impl<F, RS, Output> From<F> for FidlService<F, RS, Output>
where
    F: FnMut(RS) -> Output,
    RS: RequestStream,
{
    fn from(f: F) -> Self {
        FidlService { f, marker: PhantomData }
    }
}

impl<F, RS, Output> Service for FidlService<F, RS, Output>
where
    F: FnMut(RS) -> Output,
    RS: RequestStream,
{
    type Output = Output;

    fn connect(&mut self, channel: zx::Channel) -> Option<Output> {
        Some((self.f)(RS::from_channel(fidl::AsyncChannel::from_channel(channel))))
    }
}

/// A service given raw channels by a function.
pub struct ServiceConnector<F, Output> {
    f: F,
    marker: PhantomData<fn() -> Output>,
}

impl<F, Output> Service for ServiceConnector<F, Output>
where
    F: FnMut(zx::Channel) -> Option<Output>,
{
    type Output = Output;

    fn connect(&mut self, channel: zx::Channel) -> Option<Output> {
        (self.f)(channel)
    }
}

/// The kind of boxed service a `ServiceFs` holds (local, or `Send` for multithreaded use).
pub trait ServiceObjTrait {
    /// What connections produce.
    type Output;
    /// The service.
    fn service(&mut self) -> &mut dyn Service<Output = Self::Output>;
}

/// A service usable on one thread.
pub struct ServiceObjLocal<'a, Output>(Box<dyn Service<Output = Output> + 'a>);

/// A `Send` service.
pub struct ServiceObj<'a, Output>(Box<dyn Service<Output = Output> + Send + 'a>);

impl<'a, S: Service + 'a> From<S> for ServiceObjLocal<'a, S::Output> {
    fn from(service: S) -> Self {
        ServiceObjLocal(Box::new(service))
    }
}

impl<'a, S: Service + Send + 'a> From<S> for ServiceObj<'a, S::Output> {
    fn from(service: S) -> Self {
        ServiceObj(Box::new(service))
    }
}

impl<Output> ServiceObjTrait for ServiceObjLocal<'_, Output> {
    type Output = Output;
    fn service(&mut self) -> &mut dyn Service<Output = Output> {
        &mut *self.0
    }
}

impl<Output> ServiceObjTrait for ServiceObj<'_, Output> {
    type Output = Output;
    fn service(&mut self) -> &mut dyn Service<Output = Output> {
        &mut *self.0
    }
}

/// A node of the served tree.
enum Entry<S> {
    Dir(Dir<S>),
    Service(S),
}

/// A directory: entries by name.
struct Dir<S> {
    entries: BTreeMap<String, Entry<S>>,
}

impl<S> Dir<S> {
    fn new() -> Self {
        Dir { entries: BTreeMap::new() }
    }

    /// The sub-directory at `path` (all components present and directories).
    fn dir_at(&self, path: &[String]) -> Option<&Dir<S>> {
        path.iter().try_fold(self, |dir, name| match dir.entries.get(name) {
            Some(Entry::Dir(sub)) => Some(sub),
            _ => None,
        })
    }

    fn dir_at_mut(&mut self, path: &[String]) -> &mut Dir<S> {
        path.iter().fold(self, |dir, name| {
            match dir.entries.entry(name.clone()).or_insert_with(|| Entry::Dir(Dir::new())) {
                Entry::Dir(sub) => sub,
                Entry::Service(_) => panic!("ServiceFs: {name:?} is a service, not a directory"),
            }
        })
    }
}

/// One directory connection: the requests of one channel, tagged with the directory's path.
type Connection =
    Pin<Box<dyn Stream<Item = (Vec<String>, Result<fio::DirectoryRequest, fidl::Error>)> + Send>>;

/// A component's outgoing directory; see the module documentation.
pub struct ServiceFs<ServiceObjTy: ServiceObjTrait> {
    root: Dir<ServiceObjTy>,
    /// Live directory connections. Only the task polling the `ServiceFs` touches them.
    connections: SelectAll<Connection>,
}

impl<'a, Output: 'a> ServiceFs<ServiceObjLocal<'a, Output>> {
    /// An empty directory whose services need not be `Send`.
    pub fn new_local() -> Self {
        Self::new_empty()
    }
}

impl<'a, Output: 'a> ServiceFs<ServiceObj<'a, Output>> {
    /// An empty directory whose services are `Send`.
    pub fn new() -> Self {
        Self::new_empty()
    }
}

impl<'a, Output: 'a> Default for ServiceFs<ServiceObj<'a, Output>> {
    fn default() -> Self {
        Self::new()
    }
}

/// A sub-directory of a `ServiceFs` being filled.
pub struct ServiceFsDir<'a, ServiceObjTy: ServiceObjTrait> {
    fs: &'a mut ServiceFs<ServiceObjTy>,
    path: Vec<String>,
}

macro_rules! add_functions {
    () => {
        /// Adds a FIDL protocol at its discoverable name.
        pub fn add_fidl_service<F, RS>(&mut self, service: F) -> &mut Self
        where
            F: FnMut(RS) -> ServiceObjTy::Output,
            RS: RequestStream,
            RS::Protocol: DiscoverableProtocolMarker,
            FidlService<F, RS, ServiceObjTy::Output>: Into<ServiceObjTy>,
        {
            self.add_fidl_service_at(
                <RS::Protocol as DiscoverableProtocolMarker>::PROTOCOL_NAME,
                service,
            )
        }

        /// Adds a FIDL protocol under `path` (one name).
        pub fn add_fidl_service_at<F, RS>(
            &mut self,
            path: impl Into<String>,
            service: F,
        ) -> &mut Self
        where
            F: FnMut(RS) -> ServiceObjTy::Output,
            RS: RequestStream,
            FidlService<F, RS, ServiceObjTy::Output>: Into<ServiceObjTy>,
        {
            self.add_entry(path.into(), FidlService::from(service).into())
        }

        /// Adds a service under `path` that is given the raw channel of each connection.
        pub fn add_service_at<F>(&mut self, path: impl Into<String>, connect: F) -> &mut Self
        where
            F: FnMut(zx::Channel) -> Option<ServiceObjTy::Output>,
            ServiceConnector<F, ServiceObjTy::Output>: Into<ServiceObjTy>,
        {
            self.add_entry(path.into(), ServiceConnector { f: connect, marker: PhantomData }.into())
        }
    };
}

impl<ServiceObjTy: ServiceObjTrait> ServiceFsDir<'_, ServiceObjTy> {
    /// The sub-directory `name` of this directory, created if absent.
    ///
    /// # Panics
    /// If `name` is already a service.
    pub fn dir(&mut self, name: impl Into<String>) -> ServiceFsDir<'_, ServiceObjTy> {
        let mut path = self.path.clone();
        path.push(name.into());
        self.fs.root.dir_at_mut(&path);
        ServiceFsDir { fs: self.fs, path }
    }

    fn add_entry(&mut self, name: String, service: ServiceObjTy) -> &mut Self {
        self.fs.insert(&self.path, name, service);
        self
    }

    add_functions!();
}

impl<ServiceObjTy: ServiceObjTrait> ServiceFs<ServiceObjTy> {
    fn new_empty() -> Self {
        ServiceFs { root: Dir::new(), connections: SelectAll::new() }
    }

    /// The sub-directory `name` of the root, created if absent.
    ///
    /// # Panics
    /// If `name` is already a service.
    pub fn dir(&mut self, name: impl Into<String>) -> ServiceFsDir<'_, ServiceObjTy> {
        let path = vec![name.into()];
        self.root.dir_at_mut(&path);
        ServiceFsDir { fs: self, path }
    }

    fn add_entry(&mut self, name: String, service: ServiceObjTy) -> &mut Self {
        self.insert(&[], name, service);
        self
    }

    /// # Panics
    /// If `name` is not a valid single path component or is already taken: both are
    /// programming errors of the component, as in-tree.
    fn insert(&mut self, dir: &[String], name: String, service: ServiceObjTy) {
        assert!(
            matches!(components(&name).as_deref(), Ok([_])),
            "ServiceFs: {name:?} is not a valid entry name"
        );
        let entries = &mut self.root.dir_at_mut(dir).entries;
        assert!(!entries.contains_key(&name), "ServiceFs: duplicate entry {name:?}");
        entries.insert(name, Entry::Service(service));
    }

    add_functions!();

    /// Serves the outgoing directory on the component's `DirectoryRequest` startup handle.
    /// Fails if the handle is absent or already taken.
    pub fn take_and_serve_directory_handle(&mut self) -> Result<&mut Self, anyhow::Error> {
        let handle = fuchsia_runtime::take_startup_handle(fuchsia_runtime::HandleInfo::new(
            fuchsia_runtime::HandleType::DirectoryRequest,
            0,
        ))
        .context("Directory handle not provided by the component's launcher")?;
        self.serve_connection(ServerEnd::new(zx::Channel::from(handle)))
    }

    /// Serves the root directory on `chan`.
    pub fn serve_connection(
        &mut self,
        chan: ServerEnd<fio::DirectoryMarker>,
    ) -> Result<&mut Self, anyhow::Error> {
        self.add_connection(Vec::new(), chan.into_channel());
        Ok(self)
    }

    fn add_connection(&mut self, path: Vec<String>, channel: zx::Channel) {
        // A protocol error ends the connection (its channel closes with the stream), as the
        // in-tree VFS does; the request stream itself goes on after an error, as in-tree.
        let stream = ServerEnd::<fio::DirectoryMarker>::new(channel)
            .into_stream()
            .take_while(|request| futures::future::ready(request.is_ok()));
        self.connections.push(Box::pin(stream.map(move |request| (path.clone(), request))));
    }

    /// Serves one `Open`; returns what a service connection produced.
    fn open(
        &mut self,
        base: Vec<String>,
        path: &str,
        flags: fio::Flags,
        object: zx::Channel,
    ) -> Option<ServiceObjTy::Output> {
        let refuse = |object: zx::Channel, status: zx::Status| {
            // The client may already have closed its end; then nobody is told.
            let _ = ServerEnd::<fio::DirectoryMarker>::new(object).close_with_epitaph(status);
        };
        let relative = match components(path) {
            Ok(relative) => relative,
            Err(status) => {
                refuse(object, status);
                return None;
            }
        };
        let (last, parents) = match relative.split_last() {
            Some((last, parents)) => (Some(*last), parents),
            None => (None, &[][..]),
        };
        let mut dir_path = base;
        dir_path.extend(parents.iter().map(|s| (*s).to_owned()));
        let Some(parent) = self.root.dir_at(&dir_path) else {
            refuse(object, zx::Status::NOT_FOUND);
            return None;
        };
        let wants_service = flags.contains(fio::Flags::PROTOCOL_SERVICE);
        let wants_dir = flags.contains(fio::Flags::PROTOCOL_DIRECTORY);
        match last.map(|name| (name, parent.entries.contains_key(name))) {
            None => {}
            Some((_, false)) => {
                refuse(object, zx::Status::NOT_FOUND);
                return None;
            }
            Some((name, true)) => {
                let service = match self.root.dir_at_mut(&dir_path).entries.get_mut(name) {
                    Some(Entry::Service(service)) => Some(service),
                    _ => None,
                };
                if let Some(service) = service {
                    if wants_dir && !wants_service {
                        refuse(object, zx::Status::NOT_SUPPORTED);
                        return None;
                    }
                    return service.service().connect(object);
                }
                dir_path.push(name.to_owned());
            }
        }
        if wants_service && !wants_dir {
            refuse(object, zx::Status::NOT_SUPPORTED);
            return None;
        }
        self.add_connection(dir_path, object);
        None
    }
}

impl<ServiceObjTy: ServiceObjTrait> Unpin for ServiceFs<ServiceObjTy> {}

impl<ServiceObjTy: ServiceObjTrait> Stream for ServiceFs<ServiceObjTy> {
    type Item = ServiceObjTy::Output;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match this.connections.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some((
                    base,
                    Ok(fio::DirectoryRequest::Open { path, flags, object, control_handle: _ }),
                ))) => {
                    if let Some(output) = this.open(base, &path, flags, object) {
                        return Poll::Ready(Some(output));
                    }
                }
                // Unknown flexible methods were already answered by the bindings; a broken
                // connection ended with its first error (see `add_connection`).
                Poll::Ready(Some((_, Ok(_) | Err(_)))) => {}
            }
        }
    }
}
