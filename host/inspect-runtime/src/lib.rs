//! Publishing a component's Inspect tree.
//!
//! On Fuchsia, `publish` serves `fuchsia.inspect.Tree` and hands it to archivist through
//! `fuchsia.inspect.InspectSink`. On the host, components are threads of one process and the
//! archivist is the in-process registry in [`host`]: `publish` registers the inspector there
//! under the publishing component's moniker and URL, and the registration lasts as long as
//! the returned [`PublishedInspectController`].

pub mod host;

use fuchsia_inspect::Inspector;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// How the tree server sends the VMO to readers.
///
/// On the host every read snapshots the live VMO with the seqlock protocol, which gives the
/// same contents a frozen or deep copy would; the preference is accepted for API compatibility.
#[derive(Clone, Debug)]
pub enum TreeServerSendPreference {
    /// A copy-on-write (frozen) VMO, falling back to `on_failure`.
    Frozen {
        /// Behaviour when the VMO cannot be frozen.
        on_failure: Box<TreeServerSendPreference>,
    },
    /// A live handle to the VMO.
    Live,
    /// A private copy of the VMO.
    DeepCopy,
}

impl TreeServerSendPreference {
    /// Frozen, falling back to `failure_mode`.
    pub fn frozen_or(failure_mode: TreeServerSendPreference) -> Self {
        TreeServerSendPreference::Frozen { on_failure: Box::new(failure_mode) }
    }
}

impl Default for TreeServerSendPreference {
    fn default() -> Self {
        TreeServerSendPreference::frozen_or(TreeServerSendPreference::Live)
    }
}

/// Options for [`publish`].
#[derive(Default)]
pub struct PublishOptions {
    pub(crate) vmo_preference: TreeServerSendPreference,
    pub(crate) tree_name: Option<String>,
}

impl PublishOptions {
    /// How the VMO is sent to readers.
    pub fn send_vmo_preference(mut self, preference: TreeServerSendPreference) -> Self {
        self.vmo_preference = preference;
        self
    }

    /// The tree name shown in snapshot metadata (default "root").
    pub fn inspect_tree_name(mut self, name: impl Into<String>) -> Self {
        self.tree_name = Some(name.into());
        self
    }
}

/// Makes `inspector` readable by the (host) archivist under the calling component's moniker.
/// The tree stays published while the returned controller is alive. Returns `None` only where
/// Fuchsia would fail to reach InspectSink, which cannot happen on the host.
#[must_use]
pub fn publish(
    inspector: &Inspector,
    options: PublishOptions,
) -> Option<PublishedInspectController> {
    let PublishOptions { vmo_preference: _, tree_name } = options;
    let identity = host::identity::current();
    let name = tree_name.unwrap_or_else(|| diagnostics_data::DEFAULT_TREE_NAME.to_owned());
    let registration = host::archivist::register(identity, name, inspector.clone());
    Some(PublishedInspectController { registration: Some(registration) })
}

/// Keeps a published tree registered; dropping it (or `cancel`) unpublishes.
///
/// As a future it resolves when the tree is no longer served, i.e. after `cancel`; while
/// published it stays pending.
#[must_use = "dropping the controller unpublishes the tree"]
pub struct PublishedInspectController {
    registration: Option<host::archivist::Registration>,
}

impl PublishedInspectController {
    /// Unpublishes the tree.
    pub async fn cancel(mut self) {
        self.registration.take();
    }
}

impl Future for PublishedInspectController {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        // Serving never finishes on its own: the registration ends only with `cancel` or drop,
        // both of which consume the controller, so no wake-up is ever needed.
        if self.registration.is_some() { Poll::Pending } else { Poll::Ready(()) }
    }
}
