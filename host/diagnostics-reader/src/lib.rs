//! Host build of `diagnostics_reader`: `ArchiveReader` snapshots of Inspect data and of
//! logs, and log subscriptions. Follows the in-tree src/lib/diagnostics/reader/rust/src/lib.rs
//! (XSLabs/fuchsia): `ArchiveReader::inspect()` / `ArchiveReader::logs()`, the selection and
//! retry options shared by both, `snapshot()` returning `Vec<Data<T>>`, and for logs
//! `snapshot_then_subscribe()` returning a [`Subscription`] stream.
//!
//! On Fuchsia, `ArchiveReader` asks archivist (`fuchsia.diagnostics.ArchiveAccessor`) for the
//! data of the components its selectors name. On the host, archivist is in-process:
//! - Inspect: the registry of `inspect_runtime::host::archivist`; a snapshot reads every
//!   published tree whose component and tree name a selector matches (seqlock VMO read, lazy
//!   nodes resolved) and keeps the selected parts, as archivist does. Trees of realm
//!   components whose `fuchsia.inspect.InspectSink` use is not routed are never returned,
//!   as archivist never receives them on Fuchsia.
//! - Logs: the log store of `fuchsia::host` (the logger `#[fuchsia::main]` and
//!   `#[fuchsia::test]` install writes every record of a component instance there, unless
//!   the instance's `fuchsia.logger.LogSink` is not routed). Selectors select components by
//!   moniker; the tree part of a selector is ignored for logs, as archivist ignores it.
//!
//! As in-tree, a snapshot waits until at least `minimum schema count` results (default 1)
//! are available, unless a timeout is set.

mod filter;
mod logs;
mod selectors;

pub use diagnostics_data::{Data, Inspect, InspectData, Logs, Severity};
pub use diagnostics_hierarchy::{DiagnosticsHierarchy, Property};
pub use logs::{Subscription, SubscriptionResultsStream};
pub use selectors::{Selector, TreeNames, sanitize_moniker_for_selectors};

use fuchsia_async as fasync;
use futures::FutureExt;
use std::future::Future;
use std::marker::PhantomData;

/// Delay between snapshot attempts while fewer results than required are available.
const RETRY_DELAY: zx::MonotonicDuration = zx::MonotonicDuration::from_millis(10);

/// Errors of a snapshot.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A selector string is not valid selector syntax.
    #[error("invalid selector {selector:?}: {reason}")]
    InvalidSelector { selector: String, reason: String },
}

/// How many results a snapshot waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RetryConfig {
    /// Retry until at least this many results are available.
    MinSchemaCount(usize),
}

impl RetryConfig {
    /// Retry until there is a result.
    pub fn always() -> Self {
        RetryConfig::MinSchemaCount(1)
    }

    /// Never retry.
    pub fn never() -> Self {
        RetryConfig::MinSchemaCount(0)
    }

    fn should_retry(self, results: usize) -> bool {
        let RetryConfig::MinSchemaCount(minimum) = self;
        results < minimum
    }
}

/// Selects a component (and optionally parts of its trees).
pub struct ComponentSelector {
    moniker: Vec<String>,
    tree_selectors: Vec<String>,
}

impl ComponentSelector {
    /// Selects the component at `moniker` (segments already escaped), whole tree by default.
    pub fn new(moniker: Vec<String>) -> Self {
        ComponentSelector { moniker, tree_selectors: Vec::new() }
    }

    /// Selects a part of the component's trees (`root/a/b:prop`).
    pub fn with_tree_selector(mut self, tree_selector: impl Into<String>) -> Self {
        self.tree_selectors.push(tree_selector.into());
        self
    }
}

/// Things that can be turned into selector strings.
pub trait ToSelectorArguments {
    /// The selector strings.
    fn to_selector_arguments(self) -> Box<dyn Iterator<Item = String>>;
}

impl ToSelectorArguments for String {
    fn to_selector_arguments(self) -> Box<dyn Iterator<Item = String>> {
        Box::new(std::iter::once(self))
    }
}

impl ToSelectorArguments for &str {
    fn to_selector_arguments(self) -> Box<dyn Iterator<Item = String>> {
        Box::new(std::iter::once(self.to_owned()))
    }
}

impl ToSelectorArguments for ComponentSelector {
    fn to_selector_arguments(self) -> Box<dyn Iterator<Item = String>> {
        let moniker = self.moniker.join("/");
        if self.tree_selectors.is_empty() {
            Box::new(std::iter::once(format!("{moniker}:root")))
        } else {
            Box::new(self.tree_selectors.into_iter().map(move |tree| format!("{moniker}:{tree}")))
        }
    }
}

/// Things that can name a component: a moniker (escaped or not) or a `ComponentSelector`.
pub trait ToComponentSelectorArguments {
    /// The component selector.
    fn to_component_selector_arguments(self) -> ComponentSelector;
}

impl ToComponentSelectorArguments for &str {
    fn to_component_selector_arguments(self) -> ComponentSelector {
        if self.contains("\\:") {
            ComponentSelector::new(self.split('/').map(str::to_owned).collect())
        } else {
            ComponentSelector::new(
                sanitize_moniker_for_selectors(self).split('/').map(str::to_owned).collect(),
            )
            .with_tree_selector("[...]root")
        }
    }
}

impl ToComponentSelectorArguments for String {
    fn to_component_selector_arguments(self) -> ComponentSelector {
        self.as_str().to_component_selector_arguments()
    }
}

impl ToComponentSelectorArguments for ComponentSelector {
    fn to_component_selector_arguments(self) -> ComponentSelector {
        self
    }
}

/// A kind of diagnostics data an [`ArchiveReader`] reads: [`Inspect`] or [`Logs`].
pub trait DiagnosticsDataType: private::Sealed {}

mod private {
    pub trait Sealed {}
}

impl private::Sealed for Inspect {}
impl private::Sealed for Logs {}
impl DiagnosticsDataType for Inspect {}
impl DiagnosticsDataType for Logs {}

/// Reads diagnostics data of type `T` ([`Inspect`] or [`Logs`]).
pub struct ArchiveReader<T> {
    selectors: Vec<String>,
    retry_config: RetryConfig,
    timeout: Option<zx::MonotonicDuration>,
    _data: PhantomData<T>,
}

/// `ArchiveReader<Inspect>`.
pub type InspectArchiveReader = ArchiveReader<Inspect>;

/// `ArchiveReader<Logs>`.
pub type LogsArchiveReader = ArchiveReader<Logs>;

impl<T: DiagnosticsDataType> ArchiveReader<T> {
    /// A reader of everything, until selectors are added.
    fn new() -> Self {
        ArchiveReader {
            selectors: Vec::new(),
            retry_config: RetryConfig::always(),
            timeout: None,
            _data: PhantomData,
        }
    }

    /// Selects one component: a moniker (escaped or not) or a [`ComponentSelector`].
    pub fn select_all_for_component(
        &mut self,
        component: impl ToComponentSelectorArguments,
    ) -> &mut Self {
        self.selectors.extend(component.to_component_selector_arguments().to_selector_arguments());
        self
    }

    /// Waits for at least `minimum` results.
    pub fn with_minimum_schema_count(&mut self, minimum: usize) -> &mut Self {
        self.retry_config = RetryConfig::MinSchemaCount(minimum);
        self
    }

    /// Sets the retry configuration.
    pub fn retry(&mut self, config: RetryConfig) -> &mut Self {
        self.retry_config = config;
        self
    }

    /// Gives up after `duration`, returning no data.
    pub fn with_timeout(&mut self, duration: zx::MonotonicDuration) -> &mut Self {
        self.timeout = Some(duration);
        self
    }

    fn parse_selectors(&self) -> Result<Vec<Selector>, Error> {
        self.selectors
            .iter()
            .map(|text| {
                Selector::parse(text)
                    .map_err(|reason| Error::InvalidSelector { selector: text.clone(), reason })
            })
            .collect()
    }

    /// `read` until the retry configuration is satisfied, or nothing once the timeout passes.
    async fn read_until_enough<R, F: Future<Output = Vec<R>>>(
        &self,
        read: impl Fn() -> F,
    ) -> Vec<R> {
        let retry = self.retry_config;
        let reads = async {
            loop {
                let results = read().await;
                if !retry.should_retry(results.len()) {
                    return results;
                }
            }
        };
        match self.timeout {
            None => reads.await,
            Some(timeout) => {
                let deadline = fasync::Timer::new(fasync::MonotonicInstant::after(timeout));
                futures::select! {
                    results = reads.fuse() => results,
                    () = deadline.fuse() => Vec::new(),
                }
            }
        }
    }
}

impl ArchiveReader<Inspect> {
    /// A reader of Inspect data: everything, until selectors are added.
    pub fn inspect() -> Self {
        Self::new()
    }

    /// Adds a selector (`moniker:tree[:property]`).
    pub fn add_selector(&mut self, selector: impl ToSelectorArguments) -> &mut Self {
        self.selectors.extend(selector.to_selector_arguments());
        self
    }

    /// Adds several selectors.
    pub fn add_selectors<T, S>(&mut self, selectors: T) -> &mut Self
    where
        T: Iterator<Item = S>,
        S: ToSelectorArguments,
    {
        for selector in selectors {
            self.add_selector(selector);
        }
        self
    }

    /// One pass over the published trees.
    async fn read_once(selectors: &[Selector]) -> Vec<InspectData> {
        let mut results = Vec::new();
        for tree in inspect_runtime::host::archivist::published() {
            let moniker = &tree.identity.moniker;
            // Archivist never receives trees of components whose InspectSink is not routed.
            if !fuchsia_component::host::inspect_sink_routed(moniker) {
                continue;
            }
            let matching: Vec<&Selector> = selectors
                .iter()
                .filter(|s| s.matches_moniker(moniker) && s.tree_names.matches(&tree.name))
                .collect();
            if !selectors.is_empty() && matching.is_empty() {
                continue;
            }
            let mut data = tree.snapshot().await;
            if !selectors.is_empty() {
                data.payload = data.payload.and_then(|payload| filter::filter(&payload, &matching));
            }
            results.push(data);
        }
        results.sort_by(|a, b| {
            (a.moniker.to_string(), a.name().to_owned())
                .cmp(&(b.moniker.to_string(), b.name().to_owned()))
        });
        results
    }

    /// The data the selectors select (all data without selectors), sorted by moniker and
    /// tree name. Retries (see [`RetryConfig`]) until enough results exist or the timeout
    /// passes (then the result is empty).
    pub async fn snapshot(&self) -> Result<Vec<InspectData>, Error> {
        let selectors = self.parse_selectors()?;
        Ok(self
            .read_until_enough(|| async {
                let results = Self::read_once(&selectors).await;
                if self.retry_config.should_retry(results.len()) {
                    fasync::Timer::new(fasync::MonotonicInstant::after(RETRY_DELAY)).await;
                }
                results
            })
            .await)
    }
}

impl ArchiveReader<Logs> {
    /// A reader of logs: every component's, until components are selected.
    pub fn logs() -> Self {
        Self::new()
    }

    /// The records kept of the selected components (all without selectors), oldest first.
    /// Waits (see [`RetryConfig`]) until enough records exist or the timeout passes (then
    /// the result is empty): each new record written wakes the wait, nothing polls.
    pub async fn snapshot(&self) -> Result<Vec<Data<Logs>>, Error> {
        let selectors = self.parse_selectors()?;
        Ok(self
            .read_until_enough(|| async {
                let appended = fuchsia::host::listen();
                let (records, _) = logs::read_selected(&selectors, 0);
                if self.retry_config.should_retry(records.len()) {
                    appended.await;
                }
                records
            })
            .await)
    }

    /// The records kept of the selected components, then every new one as it is written:
    /// a stream that never ends. A subscriber that falls more than the archive's budget
    /// behind misses the records rolled out meanwhile, as with archivist.
    pub fn snapshot_then_subscribe(&self) -> Result<Subscription, Error> {
        Ok(Subscription::new(self.parse_selectors()?))
    }
}
