//! Host build of `diagnostics_reader`: `ArchiveReader` snapshots of Inspect data.
//!
//! On Fuchsia, `ArchiveReader` asks archivist (`fuchsia.diagnostics.ArchiveAccessor`) for the
//! Inspect data of the components its selectors name. On the host, archivist is the
//! in-process registry of `inspect_runtime::host::archivist`: a snapshot reads every
//! published tree whose component and tree name a selector matches (seqlock VMO read, lazy
//! nodes resolved) and keeps the selected parts, as archivist does.
//!
//! Trees of realm components whose `fuchsia.inspect.InspectSink` use is not routed are
//! never returned, as archivist never receives them on Fuchsia.
//!
//! As in-tree, a snapshot retries until at least `minimum schema count` results (default 1)
//! are available, unless a timeout is set.

mod filter;
mod selectors;

pub use diagnostics_data::{Data, Inspect, InspectData};
pub use diagnostics_hierarchy::{DiagnosticsHierarchy, Property};
pub use selectors::{Selector, TreeNames, sanitize_moniker_for_selectors};

use fuchsia_async as fasync;
use futures::FutureExt;
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

/// Reads diagnostics data of type `T` (only [`Inspect`] on the host).
pub struct ArchiveReader<T> {
    selectors: Vec<String>,
    retry_config: RetryConfig,
    timeout: Option<zx::MonotonicDuration>,
    _data: PhantomData<T>,
}

/// `ArchiveReader<Inspect>`.
pub type InspectArchiveReader = ArchiveReader<Inspect>;

impl ArchiveReader<Inspect> {
    /// A reader of Inspect data: everything, until selectors are added.
    pub fn inspect() -> Self {
        ArchiveReader {
            selectors: Vec::new(),
            retry_config: RetryConfig::always(),
            timeout: None,
            _data: PhantomData,
        }
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

    /// Selects every tree of one component.
    pub fn select_all_for_component(
        &mut self,
        component: impl ToComponentSelectorArguments,
    ) -> &mut Self {
        self.add_selector(component.to_component_selector_arguments())
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
        let retry = self.retry_config;
        let read = async {
            loop {
                let results = Self::read_once(&selectors).await;
                if !retry.should_retry(results.len()) {
                    return results;
                }
                fasync::Timer::new(fasync::MonotonicInstant::after(RETRY_DELAY)).await;
            }
        };
        Ok(match self.timeout {
            None => read.await,
            Some(timeout) => {
                let deadline = fasync::Timer::new(fasync::MonotonicInstant::after(timeout));
                futures::select! {
                    results = read.fuse() => results,
                    () = deadline.fuse() => Vec::new(),
                }
            }
        })
    }
}
