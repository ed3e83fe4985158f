// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Reads the wake attribution of each proxy from the component's Inspect tree
//! (`proxies/<id>/incoming/methods`): messages and activations per FIDL method ordinal,
//! and for `other`, `non_fidl` and `epitaph`; and the component's own verdict on stuck wake
//! sources (`wake_sources/<id>/stuck` and `fuchsia.inspect.Health`).

use diagnostics_hierarchy::{DiagnosticsHierarchy, Property};
use serde_json::json;

/// Messages entering the container and the activations they caused, for one ordinal (or
/// bucket) of one proxy.
pub struct MethodLine {
    /// `0x...` for an ordinal, or `other`, `non_fidl`, `epitaph`.
    pub method: String,
    pub messages: u64,
    pub bytes: u64,
    pub activations: u64,
}

fn string(node: &DiagnosticsHierarchy, name: &str) -> Option<String> {
    match node.get_property(name) {
        Some(Property::String(_, value)) => Some(value.clone()),
        _ => None,
    }
}

/// The names of the wake sources the component marks `stuck`.
pub fn stuck_sources(root: &DiagnosticsHierarchy) -> Vec<String> {
    let Some(sources) = root.get_child("wake_sources") else { return Vec::new() };
    sources
        .children
        .iter()
        .filter(|source| matches!(source.get_property("stuck"), Some(Property::Bool(_, true))))
        .map(|source| string(source, "name").unwrap_or_else(|| source.name.clone()))
        .collect()
}

/// The component's health: its status and, when not OK, the message saying why.
pub fn health(root: &DiagnosticsHierarchy) -> (String, Option<String>) {
    let node = root.get_child("fuchsia.inspect.Health");
    let status = node.and_then(|node| string(node, "status")).unwrap_or_default();
    (status, node.and_then(|node| string(node, "message")))
}

fn uint(node: &DiagnosticsHierarchy, name: &str) -> u64 {
    match node.get_property(name) {
        Some(Property::Uint(_, value)) => *value,
        _ => 0,
    }
}

/// The attribution of proxy `id` in the tree rooted at `root`, ordinals first; empty if the
/// proxy is not live.
pub fn of_proxy(root: &DiagnosticsHierarchy, id: u64) -> Vec<MethodLine> {
    let id = id.to_string();
    let Some(methods) = root.get_child_by_path(&["proxies", &id, "incoming", "methods"]) else {
        return Vec::new();
    };
    let mut lines: Vec<MethodLine> = methods
        .children
        .iter()
        .map(|node| MethodLine {
            method: node.name.clone(),
            messages: uint(node, "messages"),
            bytes: uint(node, "bytes"),
            activations: uint(node, "activations"),
        })
        .collect();
    lines.sort_by_key(|line| (!line.method.starts_with("0x"), line.method.clone()));
    lines
}

/// The attribution as JSON: `[{method, messages, bytes, activations}]`.
pub fn to_json(lines: &[MethodLine]) -> serde_json::Value {
    lines
        .iter()
        .map(|line| {
            json!({
                "method": line.method,
                "messages": line.messages,
                "bytes": line.bytes,
                "activations": line.activations,
            })
        })
        .collect()
}
