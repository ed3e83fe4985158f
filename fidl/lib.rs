// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Rust bindings of `fuchsia.starnix.proxy`, generated from fuchsia.starnix.proxy.fidl at
//! build time.

include!(concat!(env!("OUT_DIR"), "/fidl_fuchsia_starnix_proxy.rs"));
