// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! `bin/proxy_manager`: the component's executable, running the entry point of the library.

fn main() -> impl std::process::Termination {
    proxy_manager::main()
}
