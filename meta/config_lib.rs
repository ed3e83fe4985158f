// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! proxy_manager's structured configuration, as declared in the `config` block of
//! proxy_manager.cml: `proxy_manager_config::Config::take_from_startup_handle()`.

include!(concat!(env!("OUT_DIR"), "/proxy_manager_config.rs"));
