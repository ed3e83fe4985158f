// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Generates the `fuchsia.starnix.proxy` bindings with the host FIDL back end: the Cargo
//! counterpart of BUILD.gn's `fidl("fuchsia.starnix.proxy")`.

fn main() {
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    fidlgen_rust::Build::new()
        .library_files(&["fuchsia.starnix.proxy.fidl"])
        .generate_to(out_dir)
        .unwrap_or_else(|error| panic!("fuchsia.starnix.proxy.fidl: {error}"));
}
