// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! What happens to a proxy's wake source when the proxy ends.
//!
//! Messages the proxy counted may still be unhandled in the container when the proxy ends (a
//! remote that writes and closes at once, a removal that delivers the queue). Until the
//! container handles them, their counter stays positive and the container must stay awake.
//! So the source lingers: it stays registered and reported active until the counter is no
//! longer positive, or until the registry's linger limit passes, whichever comes first. A
//! source whose counter is not positive when the proxy ends is unregistered at once. A new
//! registration of the same counter takes a lingering source over (see
//! `WakeSources::register`): the linger then ends at once, recorded by the registry, and its
//! task ends without touching the registry.
//!
//! Runs on the proxy thread, as part of the proxy's end; the waiting is a task of its own in
//! the scope of the proxy that ended, so it never delays that proxy's end.

use crate::wake_sources::{LingerEnd, WakeSourceId, WakeSources};
use fuchsia_async as fasync;
use futures::channel::oneshot;
use futures::future::{Either, select};
use std::pin::pin;
use std::sync::Arc;

/// Called when the proxy whose wake source is `id` ends, with its counter. If the counter
/// is positive the source lingers (a task waits for it to drain or for the limit); otherwise
/// it is unregistered now. Either way this returns at once.
pub fn after_proxy_end(
    wake_sources: &Arc<WakeSources>,
    id: WakeSourceId,
    counter: Arc<zx::Counter>,
) {
    match counter.read() {
        Ok(pending) if pending > 0 => {
            if let Some(handed_over) = wake_sources.begin_linger(id) {
                let task = linger(Arc::clone(wake_sources), id, counter, handed_over);
                fasync::Scope::current().spawn_local(task);
            }
        }
        Ok(_) => {
            wake_sources.unregister(id);
        }
        Err(status) => {
            log::warn!("wake source {id}: the counter of an ended proxy cannot be read: {status}");
            wake_sources.unregister(id);
        }
    }
}

/// Waits until `counter` is no longer positive or the linger limit passes, then ends the
/// linger of `id`; or, as soon as `handed_over` completes (the registry ended the linger, see
/// `WakeSources::begin_linger`), ends without touching the registry.
async fn linger(
    wake_sources: Arc<WakeSources>,
    id: WakeSourceId,
    counter: Arc<zx::Counter>,
    handed_over: oneshot::Receiver<()>,
) {
    let limit = wake_sources.linger_limit();
    let drained = pin!(fasync::OnSignals::new(&*counter, zx::Signals::COUNTER_NON_POSITIVE));
    let timeout = pin!(fasync::Timer::new(fasync::MonotonicInstant::after(limit)));
    let end = match select(handed_over, select(drained, timeout)).await {
        Either::Left(_) => return,
        Either::Right((Either::Left((Ok(_), _)), _)) => LingerEnd::Drained,
        Either::Right((Either::Left((Err(status), _)), _)) => LingerEnd::Failed(status),
        Either::Right((Either::Right(((), _)), _)) => LingerEnd::LimitReached,
    };
    let pending = counter.read().ok();
    if end == LingerEnd::LimitReached {
        log::warn!("wake source {id}: {pending:?} messages still unhandled after {limit:?}");
    }
    wake_sources.end_linger(id, end, pending);
}

#[cfg(test)]
mod tests;
