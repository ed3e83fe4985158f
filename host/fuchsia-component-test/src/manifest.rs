//! Component manifests (CML, JSON5): the parts the host launcher enforces.
//!
//! Parsed: `program.binary`, protocol and dictionary `use`s (with `from`, `path` and
//! `availability`), protocol `expose`s (with `from` and `as`) and declared protocol
//! `capabilities` (with `path`). The standard client shards `syslog/client.shard.cml`,
//! `inspect/client.shard.cml` and `trace/client.shard.cml` are replaced by their host
//! equivalents (the same uses, from `parent/diagnostics`); other includes are rejected, as
//! are `children`, `collections` and `offer` (the host launcher runs flat realms).

use crate::error::Error;
use serde_json::{Map, Value};
use std::path::Path;

/// Whether a use must be routed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Availability {
    Required,
    Optional,
    SameAsTarget,
    Transitional,
}

impl Availability {
    fn parse(value: Option<&Value>) -> Result<Self, String> {
        match value.map(|v| v.as_str()) {
            None => Ok(Availability::Required),
            Some(Some("required")) => Ok(Availability::Required),
            Some(Some("optional")) => Ok(Availability::Optional),
            Some(Some("same_as_target")) => Ok(Availability::SameAsTarget),
            Some(Some("transitional")) => Ok(Availability::Transitional),
            Some(other) => Err(format!("invalid availability {other:?}")),
        }
    }

    /// Optional and transitional uses may stay unrouted without a warning.
    pub fn may_be_unrouted(self) -> bool {
        matches!(self, Availability::Optional | Availability::Transitional)
    }
}

/// Where a use comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UseSource {
    Parent,
    /// A dictionary the parent offers, e.g. `parent/diagnostics`.
    ParentDictionary(String),
    Child(String),
    Framework,
    Self_,
    Debug,
}

/// A protocol the component uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolUse {
    pub name: String,
    /// Name of the entry in the namespace's `/svc` (from `path`, default the name).
    pub svc_entry: String,
    pub from: UseSource,
    pub availability: Availability,
}

/// A protocol the component exposes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolExpose {
    /// Name of the capability at its source.
    pub source_name: String,
    /// Name it is exposed as.
    pub target_name: String,
    /// `None` for `self`, else the child name.
    pub from_child: Option<String>,
}

/// A protocol the component declares and serves from its outgoing directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolCapability {
    pub name: String,
    /// Path in the outgoing directory, relative ("svc/<name>" by default).
    pub outgoing_path: String,
}

/// The enforced parts of a manifest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    /// `program.binary`, e.g. "bin/proxy_manager".
    pub binary: Option<String>,
    pub uses: Vec<ProtocolUse>,
    /// Dictionaries used (e.g. "diagnostics" through the shards).
    pub used_dictionaries: Vec<String>,
    pub exposes: Vec<ProtocolExpose>,
    pub capabilities: Vec<ProtocolCapability>,
}

/// The host equivalent of a standard shard: the protocols it makes the component use.
fn shard_uses(include: &str) -> Option<&'static [(&'static str, Availability)]> {
    match include {
        "syslog/client.shard.cml" => Some(&[("fuchsia.logger.LogSink", Availability::Required)]),
        "inspect/client.shard.cml" => {
            Some(&[("fuchsia.inspect.InspectSink", Availability::Required)])
        }
        "trace/client.shard.cml" => {
            Some(&[("fuchsia.tracing.provider.Registry", Availability::Optional)])
        }
        _ => None,
    }
}

/// A string or a list of strings (`protocol: "a"` or `protocol: ["a", "b"]`).
fn names(value: &Value) -> Result<Vec<String>, String> {
    match value {
        Value::String(name) => Ok(vec![name.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str().map(str::to_owned).ok_or_else(|| "names must be strings".into())
            })
            .collect(),
        _ => Err("expected a name or a list of names".into()),
    }
}

fn entries<'a>(doc: &'a Map<String, Value>, key: &str) -> Result<&'a [Value], String> {
    match doc.get(key) {
        None => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(format!("`{key}` must be a list")),
    }
}

fn object(value: &Value, section: &str) -> Result<Map<String, Value>, String> {
    value.as_object().cloned().ok_or_else(|| format!("`{section}` entries must be objects"))
}

fn parse_use_source(from: Option<&Value>) -> Result<UseSource, String> {
    let Some(from) = from else { return Ok(UseSource::Parent) };
    let from = from.as_str().ok_or("`from` must be a string")?;
    Ok(match from {
        "parent" => UseSource::Parent,
        "framework" => UseSource::Framework,
        "self" => UseSource::Self_,
        "debug" => UseSource::Debug,
        _ => {
            if let Some(dictionary) = from.strip_prefix("parent/") {
                UseSource::ParentDictionary(dictionary.to_owned())
            } else if let Some(child) = from.strip_prefix('#') {
                UseSource::Child(child.to_owned())
            } else {
                return Err(format!("invalid use source {from:?}"));
            }
        }
    })
}

impl Manifest {
    /// Parses the manifest file at `path`.
    pub fn read(path: &Path) -> Result<Manifest, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Manifest {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Manifest::parse(&text)
            .map_err(|message| Error::Manifest { path: path.display().to_string(), message })
    }

    /// Parses CML text.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let doc: Value = json5::from_str(text).map_err(|e| format!("invalid JSON5: {e}"))?;
        let doc = doc.as_object().ok_or("a manifest must be an object")?;
        let mut manifest = Manifest::default();
        for key in ["children", "collections", "offer"] {
            if !entries(doc, key)?.is_empty() {
                return Err(format!("`{key}` is not supported by the host launcher"));
            }
        }
        if let Some(program) = doc.get("program") {
            let binary = program
                .get("binary")
                .map(|b| b.as_str().ok_or("`program.binary` must be a string"));
            manifest.binary = binary.transpose()?.map(str::to_owned);
        }
        for include in entries(doc, "include")? {
            let include = include.as_str().ok_or("`include` entries must be strings")?;
            let uses = shard_uses(include)
                .ok_or_else(|| format!("include {include:?} has no host equivalent"))?;
            for (name, availability) in uses {
                manifest.add_use(ProtocolUse {
                    name: (*name).to_owned(),
                    svc_entry: (*name).to_owned(),
                    from: UseSource::ParentDictionary("diagnostics".into()),
                    availability: *availability,
                })?;
            }
        }
        for capability in entries(doc, "capabilities")? {
            let capability = object(capability, "capabilities")?;
            let Some(protocols) = capability.get("protocol") else { continue };
            let protocols = names(protocols)?;
            let path = capability.get("path").map(|p| p.as_str().ok_or("`path` must be a string"));
            let path = path.transpose()?;
            if path.is_some() && protocols.len() != 1 {
                return Err("`path` needs exactly one protocol".into());
            }
            for name in protocols {
                if !crate::builder::is_valid_capability_name(&name) {
                    return Err(format!("{name:?} is not a valid protocol name"));
                }
                let outgoing_path = match path {
                    Some(path) => path
                        .strip_prefix('/')
                        .ok_or_else(|| format!("capability path {path:?} must be absolute"))?
                        .to_owned(),
                    None => format!("svc/{name}"),
                };
                if manifest.capabilities.iter().any(|c| c.name == name) {
                    return Err(format!("protocol {name:?} is declared twice"));
                }
                manifest.capabilities.push(ProtocolCapability { name, outgoing_path });
            }
        }
        for entry in entries(doc, "use")? {
            let entry = object(entry, "use")?;
            let from = parse_use_source(entry.get("from"))?;
            let availability = Availability::parse(entry.get("availability"))?;
            if let Some(dictionary) = entry.get("dictionary") {
                manifest.used_dictionaries.extend(names(dictionary)?);
                continue;
            }
            let Some(protocols) = entry.get("protocol") else { continue };
            let protocols = names(protocols)?;
            let path = entry.get("path").map(|p| p.as_str().ok_or("`path` must be a string"));
            let path = path.transpose()?;
            if path.is_some() && protocols.len() != 1 {
                return Err("`path` needs exactly one protocol".into());
            }
            for name in protocols {
                if !crate::builder::is_valid_capability_name(&name) {
                    return Err(format!("{name:?} is not a valid protocol name"));
                }
                let svc_entry = match path {
                    None => name.clone(),
                    Some(path) => path
                        .strip_prefix("/svc/")
                        .filter(|rest| crate::builder::is_valid_capability_name(rest))
                        .ok_or_else(|| format!("use path {path:?} is not in /svc"))?
                        .to_owned(),
                };
                manifest.add_use(ProtocolUse {
                    name,
                    svc_entry,
                    from: from.clone(),
                    availability,
                })?;
            }
        }
        for entry in entries(doc, "expose")? {
            let entry = object(entry, "expose")?;
            let Some(protocols) = entry.get("protocol") else { continue };
            let protocols = names(protocols)?;
            let from = entry.get("from").and_then(Value::as_str).ok_or("`expose` needs `from`")?;
            let from_child = match from {
                "self" => None,
                _ => match from.strip_prefix('#') {
                    Some(child) => Some(child.to_owned()),
                    None => return Err(format!("unsupported expose source {from:?}")),
                },
            };
            let as_ = entry.get("as").map(|a| a.as_str().ok_or("`as` must be a string"));
            let as_ = as_.transpose()?;
            if as_.is_some() && protocols.len() != 1 {
                return Err("`as` needs exactly one protocol".into());
            }
            for source_name in protocols {
                if from_child.is_none()
                    && !manifest.capabilities.iter().any(|c| c.name == source_name)
                {
                    return Err(format!(
                        "protocol {source_name:?} is exposed from self but not declared in `capabilities`"
                    ));
                }
                let target_name = as_.map_or_else(|| source_name.clone(), str::to_owned);
                if !crate::builder::is_valid_capability_name(&target_name) {
                    return Err(format!("{target_name:?} is not a valid protocol name"));
                }
                if manifest.exposes.iter().any(|e| e.target_name == target_name) {
                    return Err(format!("protocol {target_name:?} is exposed twice"));
                }
                manifest.exposes.push(ProtocolExpose {
                    source_name,
                    target_name,
                    from_child: from_child.clone(),
                });
            }
        }
        if manifest.exposes.iter().any(|e| e.from_child.is_some()) {
            return Err("exposes from children need `children`, unsupported on the host".into());
        }
        Ok(manifest)
    }

    fn add_use(&mut self, new: ProtocolUse) -> Result<(), String> {
        // The same use twice (e.g. from a shard and explicitly) is merged, as cmc does.
        if let Some(existing) = self.uses.iter().find(|u| u.svc_entry == new.svc_entry) {
            if existing.name == new.name {
                return Ok(());
            }
            return Err(format!("/svc/{} is used for two protocols", new.svc_entry));
        }
        self.uses.push(new);
        Ok(())
    }

    /// The exposed protocol named `name`, with the outgoing path it is served at.
    pub fn exposed_protocol(&self, name: &str) -> Option<&ProtocolCapability> {
        let expose = self.exposes.iter().find(|e| e.target_name == name)?;
        self.capabilities.iter().find(|c| c.name == expose.source_name)
    }
}
