// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Where the demo's narrative goes: stdout, or stderr when stdout carries only the JSON
//! document (`--json`, so that it pipes into `jq`).

use std::fmt;

/// The narrative's destination; copied into every task that prints.
#[derive(Debug, Clone, Copy)]
pub struct Narrative {
    to_stderr: bool,
}

impl Narrative {
    /// Narrative on stdout, or on stderr if `json` is printed on stdout.
    pub fn new(json: bool) -> Narrative {
        Narrative { to_stderr: json }
    }

    /// Prints one line of narrative.
    pub fn say(self, line: fmt::Arguments<'_>) {
        if self.to_stderr {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }
}

/// `say!(narrative, "format", args...)`: one line of narrative.
macro_rules! say {
    ($narrative:expr, $($arg:tt)*) => {
        $narrative.say(format_args!($($arg)*))
    };
}
pub(crate) use say;
