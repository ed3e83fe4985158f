// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Generates proxy_manager's config client library from the `config` block of
//! proxy_manager.cml (host build of the `fuchsia_structured_config_rust_lib` GN rule).

fn main() {
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    configc::Build::new()
        .manifest("proxy_manager.cml")
        .generate_to(out_dir, "proxy_manager_config")
        .unwrap_or_else(|error| panic!("proxy_manager.cml: {error}"));
}
