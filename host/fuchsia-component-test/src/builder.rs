//! `RealmBuilder`: describing a realm of children and the routes between them.

use crate::config::{ChildConfig, ConfigSchema, ValuesSource};
use crate::error::Error;
use crate::local::LocalComponentHandles;
use crate::manifest::{Availability, Manifest};
use crate::realm::RealmInstance;
use crate::resolver;
use config_encoder::ConfigValueSpec;
use fidl::endpoints::DiscoverableProtocolMarker;
use futures::future::BoxFuture;
use std::sync::{Arc, Mutex, MutexGuard};

/// The body of a local child: called with the child's handles each time it starts.
pub(crate) type LocalImplementation = Arc<
    dyn Fn(LocalComponentHandles) -> BoxFuture<'static, Result<(), anyhow::Error>> + Send + Sync,
>;

/// How a child starts.
#[derive(Clone, Debug, Default)]
pub struct ChildOptions {
    pub(crate) eager: bool,
}

impl ChildOptions {
    /// Lazy by default: the child starts when something connects to one of its capabilities.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts the child with the realm.
    pub fn eager(mut self) -> Self {
        self.eager = true;
        self
    }
}

/// A child added to a builder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildRef {
    name: String,
}

impl ChildRef {
    /// The child's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A source or target of a route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ref {
    /// The realm's parent: the test.
    Parent,
    /// A child of the realm.
    Child(String),
    /// Nothing: the capability is offered from void (optional uses only).
    Void,
}

impl Ref {
    pub fn parent() -> Ref {
        Ref::Parent
    }

    pub fn child(name: impl Into<String>) -> Ref {
        Ref::Child(name.into())
    }

    pub fn void() -> Ref {
        Ref::Void
    }
}

impl From<&ChildRef> for ChildRef {
    fn from(child: &ChildRef) -> ChildRef {
        child.clone()
    }
}

impl From<&ChildRef> for Ref {
    fn from(child: &ChildRef) -> Ref {
        Ref::Child(child.name.clone())
    }
}

impl From<ChildRef> for Ref {
    fn from(child: ChildRef) -> Ref {
        Ref::Child(child.name)
    }
}

impl std::fmt::Display for Ref {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ref::Parent => f.write_str("parent"),
            Ref::Child(name) => write!(f, "#{name}"),
            Ref::Void => f.write_str("void"),
        }
    }
}

/// Capability constructors.
pub struct Capability;

impl Capability {
    /// Protocol `P` by its discoverable name.
    pub fn protocol<P: DiscoverableProtocolMarker>() -> ProtocolCapability {
        Self::protocol_by_name(P::PROTOCOL_NAME)
    }

    /// A protocol by name.
    pub fn protocol_by_name(name: impl Into<String>) -> ProtocolCapability {
        ProtocolCapability { name: name.into(), as_: None, availability: None }
    }

    /// A dictionary by name, e.g. "diagnostics".
    pub fn dictionary(name: impl Into<String>) -> DictionaryCapability {
        DictionaryCapability { name: name.into(), availability: None }
    }
}

/// A protocol in a route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolCapability {
    name: String,
    as_: Option<String>,
    availability: Option<Availability>,
}

impl ProtocolCapability {
    /// Renames the protocol at the target.
    pub fn as_(mut self, name: impl Into<String>) -> Self {
        self.as_ = Some(name.into());
        self
    }

    /// Marks the route optional.
    pub fn optional(mut self) -> Self {
        self.availability = Some(Availability::Optional);
        self
    }

    /// The route's availability follows the target's use.
    pub fn availability_same_as_target(mut self) -> Self {
        self.availability = Some(Availability::SameAsTarget);
        self
    }
}

/// A dictionary in a route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DictionaryCapability {
    name: String,
    availability: Option<Availability>,
}

impl DictionaryCapability {
    /// Marks the route optional.
    pub fn optional(mut self) -> Self {
        self.availability = Some(Availability::Optional);
        self
    }
}

/// Any capability a route can carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteCapability {
    Protocol(ProtocolCapability),
    Dictionary(DictionaryCapability),
}

impl From<ProtocolCapability> for RouteCapability {
    fn from(capability: ProtocolCapability) -> Self {
        RouteCapability::Protocol(capability)
    }
}

impl From<DictionaryCapability> for RouteCapability {
    fn from(capability: DictionaryCapability) -> Self {
        RouteCapability::Dictionary(capability)
    }
}

/// Capabilities from one source to some targets.
#[derive(Clone, Debug, Default)]
pub struct Route {
    capabilities: Vec<RouteCapability>,
    from: Option<Ref>,
    to: Vec<Ref>,
}

impl Route {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a capability to the route.
    pub fn capability(mut self, capability: impl Into<RouteCapability>) -> Self {
        self.capabilities.push(capability.into());
        self
    }

    /// Sets the source.
    pub fn from(mut self, source: impl Into<Ref>) -> Self {
        self.from = Some(source.into());
        self
    }

    /// Adds a target.
    pub fn to(mut self, target: impl Into<Ref>) -> Self {
        self.to.push(target.into());
        self
    }
}

/// What a child runs.
#[derive(Clone)]
pub(crate) enum Program {
    /// A registered `#[fuchsia::main]` entry point with its manifest and configuration.
    Registered {
        manifest: Arc<Manifest>,
        main: fn(),
        config_schema: Option<Arc<ConfigSchema>>,
        config: ChildConfig,
    },
    /// A local child.
    Local(LocalImplementation),
}

/// A child of the realm being built.
#[derive(Clone)]
pub(crate) struct ChildDecl {
    pub name: String,
    pub url: String,
    pub options: ChildOptions,
    pub program: Program,
}

/// What a capability is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Protocol,
    Dictionary,
}

/// One capability offered to one target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Offer {
    pub kind: Kind,
    pub source: Ref,
    pub source_name: String,
    pub target: Ref,
    pub target_name: String,
    pub availability: Availability,
}

/// The realm described so far. Touched by whichever thread calls the builder's methods;
/// the mutex is held only for one method's bookkeeping, never across an await.
#[derive(Default)]
pub(crate) struct RealmDecl {
    pub children: Vec<ChildDecl>,
    pub offers: Vec<Offer>,
}

/// Builds a realm of components for a test; see the crate documentation.
pub struct RealmBuilder {
    decl: Arc<Mutex<RealmDecl>>,
}

impl RealmBuilder {
    /// An empty realm.
    pub async fn new() -> Result<RealmBuilder, Error> {
        Ok(RealmBuilder { decl: Arc::default() })
    }

    fn decl(&self) -> Result<MutexGuard<'_, RealmDecl>, Error> {
        self.decl.lock().map_err(|_| Error::Poisoned)
    }

    fn add(&self, child: ChildDecl) -> Result<ChildRef, Error> {
        let valid = !child.name.is_empty()
            && child.name.len() <= 1024
            && child.name.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
        let mut decl = self.decl()?;
        if !valid || decl.children.iter().any(|c| c.name == child.name) {
            return Err(Error::ChildName(child.name));
        }
        let name = child.name.clone();
        decl.children.push(child);
        Ok(ChildRef { name })
    }

    /// Adds a child started from `url` (`#meta/<name>.cm`), resolved against the component
    /// entry points registered by `#[fuchsia::main]`.
    pub async fn add_child(
        &self,
        name: impl Into<String>,
        url: impl Into<String>,
        options: ChildOptions,
    ) -> Result<ChildRef, Error> {
        let url = url.into();
        let resolved = resolver::resolve(&url)?;
        let program = Program::Registered {
            manifest: Arc::new(resolved.manifest),
            main: resolved.main,
            config_schema: resolved.config.map(Arc::new),
            config: ChildConfig::default(),
        };
        self.add(ChildDecl { name: name.into(), url, options, program })
    }

    /// Adds a child implemented by `implementation`, run on its own thread each time the
    /// child starts.
    pub async fn add_local_child<M>(
        &self,
        name: impl Into<String>,
        implementation: M,
        options: ChildOptions,
    ) -> Result<ChildRef, Error>
    where
        M: Fn(LocalComponentHandles) -> BoxFuture<'static, Result<(), anyhow::Error>>
            + Sync
            + Send
            + 'static,
    {
        let name = name.into();
        let url = format!("#meta/{name}.cm");
        self.add(ChildDecl {
            name,
            url,
            options,
            program: Program::Local(Arc::new(implementation)),
        })
    }

    /// The configuration of `child`, which must be a registered child with a schema.
    fn with_config<T>(
        &self,
        child: ChildRef,
        change: impl FnOnce(&mut ChildConfig, &ConfigSchema) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut decl = self.decl()?;
        let child_decl = decl
            .children
            .iter_mut()
            .find(|c| c.name == child.name)
            .ok_or_else(|| Error::NoSuchChild(child.name.clone()))?;
        match &mut child_decl.program {
            Program::Registered { config_schema: Some(schema), config, .. } => {
                change(config, schema)
            }
            _ => Err(Error::NoConfigSchema(child.name)),
        }
    }

    /// Makes the child's configuration start from its packaged values, which
    /// `set_config_value` may then override.
    pub async fn init_mutable_config_from_package(
        &self,
        child: impl Into<ChildRef>,
    ) -> Result<(), Error> {
        self.with_config(child.into(), |config, _| {
            *config =
                ChildConfig { source: ValuesSource::PackageWithOverrides, overrides: Vec::new() };
            Ok(())
        })
    }

    /// Makes the child's configuration start empty: `set_config_value` must then give every
    /// field before `build`.
    pub async fn init_mutable_config_to_empty(
        &self,
        child: impl Into<ChildRef>,
    ) -> Result<(), Error> {
        self.with_config(child.into(), |config, _| {
            *config = ChildConfig { source: ValuesSource::Overrides, overrides: Vec::new() };
            Ok(())
        })
    }

    /// Overrides the configuration field `key` of `child`. Fails at once if the child's
    /// configuration was not made mutable, the key is not in its schema, the field is not
    /// mutable by the parent, or the value does not fit the field's type.
    pub async fn set_config_value(
        &self,
        child: impl Into<ChildRef>,
        key: &str,
        value: ConfigValueSpec,
    ) -> Result<(), Error> {
        let child = child.into();
        let name = child.name.clone();
        self.with_config(child, |config, schema| config.set(&name, schema, key, value))
    }

    /// Adds a route. Fails if it has no capability, source or target, names a child not
    /// in the realm, or routes a child to itself or the parent to itself.
    pub async fn add_route(&self, route: Route) -> Result<(), Error> {
        let Route { capabilities, from, to } = route;
        let source = from.ok_or_else(|| Error::InvalidRoute("no source (`from`)".into()))?;
        if capabilities.is_empty() {
            return Err(Error::InvalidRoute("no capability".into()));
        }
        if to.is_empty() {
            return Err(Error::InvalidRoute("no target (`to`)".into()));
        }
        let mut decl = self.decl()?;
        for reference in to.iter().chain(std::iter::once(&source)) {
            if let Ref::Child(name) = reference
                && !decl.children.iter().any(|c| &c.name == name)
            {
                return Err(Error::NoSuchChild(name.clone()));
            }
        }
        for target in &to {
            if *target == source {
                return Err(Error::InvalidRoute(format!("{source} routes to itself")));
            }
            if *target == Ref::Void {
                return Err(Error::InvalidRoute("void cannot be a target".into()));
            }
            for capability in &capabilities {
                let (kind, name, as_, availability) = match capability {
                    RouteCapability::Protocol(p) => {
                        (Kind::Protocol, &p.name, p.as_.as_ref(), p.availability)
                    }
                    RouteCapability::Dictionary(d) => {
                        (Kind::Dictionary, &d.name, None, d.availability)
                    }
                };
                for capability_name in std::iter::once(name).chain(as_) {
                    if !is_valid_capability_name(capability_name) {
                        return Err(Error::InvalidRoute(format!(
                            "{capability_name:?} is not a valid capability name"
                        )));
                    }
                }
                if source == Ref::Void && availability != Some(Availability::Optional) {
                    return Err(Error::InvalidRoute(format!(
                        "{name:?} from void must be optional"
                    )));
                }
                decl.offers.push(Offer {
                    kind,
                    source: source.clone(),
                    source_name: name.clone(),
                    target: target.clone(),
                    target_name: as_.unwrap_or(name).clone(),
                    availability: availability.unwrap_or(Availability::Required),
                });
            }
        }
        Ok(())
    }

    /// Validates the routes and starts the realm: eager children start now.
    ///
    /// Fails if a route takes from a child a capability its manifest does not expose, routes
    /// a dictionary from a child, or offers one name to one target twice.
    pub async fn build(self) -> Result<RealmInstance, Error> {
        let decl = std::mem::take(&mut *self.decl()?);
        validate(&decl)?;
        RealmInstance::start(decl)
    }
}

/// Capability names become directory entry names: non-empty, at most 255 bytes, no '/',
/// not "." or "..".
pub(crate) fn is_valid_capability_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 255 && !name.contains('/') && name != "." && name != ".."
}

fn validate(decl: &RealmDecl) -> Result<(), Error> {
    for (index, offer) in decl.offers.iter().enumerate() {
        if decl.offers[..index].iter().any(|o| {
            o.target == offer.target && o.target_name == offer.target_name && o.kind == offer.kind
        }) {
            return Err(Error::DuplicateRoute {
                capability: offer.target_name.clone(),
                target: offer.target.to_string(),
            });
        }
        let Ref::Child(source) = &offer.source else { continue };
        let child = decl.children.iter().find(|c| &c.name == source).expect("checked by add_route");
        match (&child.program, offer.kind) {
            (Program::Registered { manifest, .. }, Kind::Protocol) => {
                if manifest.exposed_protocol(&offer.source_name).is_none() {
                    return Err(Error::CapabilityNotExposed {
                        capability: offer.source_name.clone(),
                        child: source.clone(),
                    });
                }
            }
            (Program::Local(_), Kind::Protocol) => {}
            (_, Kind::Dictionary) => {
                return Err(Error::InvalidRoute(format!(
                    "dictionary {:?} from child {source:?}: the host routes dictionaries only from the parent",
                    offer.source_name
                )));
            }
        }
    }
    Ok(())
}
