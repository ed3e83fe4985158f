// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Rate-limits one kind of warning: at most one is logged per interval, and the ones in
//! between are counted and reported with the next one logged.
//!
//! A warning a client can cause (a malformed request, say) would otherwise let a client that
//! misbehaves in a loop flood the component's log, and with it archivist's budget, evicting
//! the records that matter. The first warning after a quiet interval is always logged.
//! Time is passed in by the caller (`zx::MonotonicInstant::get()` in production, made-up
//! instants in unit tests), so the limiter never reads a clock itself.

use std::fmt;

/// The limiter of one kind of warning. Not synchronised: its owner decides who may touch it.
#[derive(Debug)]
pub struct LogLimit {
    /// The shortest time between two logged warnings.
    interval: zx::MonotonicDuration,
    /// When the last warning was logged; `None` before the first.
    last_logged: Option<zx::MonotonicInstant>,
    /// Warnings suppressed since the last one logged.
    pending: u64,
    /// Warnings suppressed over the limiter's life.
    suppressed: u64,
}

/// How many similar warnings were suppressed before the one being logged. Displays as
/// ` (N similar suppressed)`, or as nothing when none was, so it can follow the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suppressed(pub u64);

impl fmt::Display for Suppressed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => Ok(()),
            n => write!(f, " ({n} similar suppressed)"),
        }
    }
}

impl LogLimit {
    /// A limiter that logs at most one warning per `interval`.
    pub fn new(interval: zx::MonotonicDuration) -> LogLimit {
        LogLimit { interval, last_logged: None, pending: 0, suppressed: 0 }
    }

    /// Decides about a warning that arises at `now`: `Some` with the count of those
    /// suppressed since the last one logged if it is to be logged, or `None` if it is
    /// suppressed (and counted).
    pub fn admit(&mut self, now: zx::MonotonicInstant) -> Option<Suppressed> {
        let due = match self.last_logged {
            None => true,
            Some(last) => now - last >= self.interval,
        };
        if due {
            self.last_logged = Some(now);
            Some(Suppressed(std::mem::take(&mut self.pending)))
        } else {
            self.pending += 1;
            self.suppressed += 1;
            None
        }
    }

    /// The warnings suppressed over the limiter's life.
    pub fn suppressed(&self) -> u64 {
        self.suppressed
    }
}

#[cfg(test)]
mod tests;
