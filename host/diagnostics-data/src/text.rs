//! The text form of `ffx inspect show`: per entry, the moniker, then `metadata:` and
//! `payload:` sections indented two spaces per level; properties before children; doubles with
//! six decimals; bytes as `b64:<base64>`; arrays as `[a, b]`; histograms as their bucket
//! intervals with counts.

use crate::InspectData;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use diagnostics_hierarchy::{
    ArrayContent, DiagnosticsHierarchy, ExponentialHistogram, LinearHistogram, Property,
};
use std::fmt::{self, Display, Write};

/// Renders `data` as `ffx inspect show` does: sorted by moniker (then tree name), payloads
/// sorted by name, entries separated by a blank line.
pub fn format_text(data: &[InspectData]) -> String {
    let mut sorted: Vec<InspectData> = data.to_vec();
    sorted
        .sort_by(|a, b| (a.moniker.to_string(), a.name()).cmp(&(b.moniker.to_string(), b.name())));
    let mut out = String::new();
    for (i, entry) in sorted.iter_mut().enumerate() {
        entry.sort_payload();
        if i > 0 {
            out.push('\n');
        }
        let _ = write!(out, "{entry}");
    }
    out
}

/// Renders `data` as `ffx --machine json inspect show` does: a JSON array, sorted by moniker.
pub fn format_json(data: &[InspectData]) -> String {
    let mut sorted: Vec<InspectData> = data.to_vec();
    sorted
        .sort_by(|a, b| (a.moniker.to_string(), a.name()).cmp(&(b.moniker.to_string(), b.name())));
    for entry in &mut sorted {
        entry.sort_payload();
    }
    serde_json::to_string(&sorted).unwrap_or_else(|_| "[]".to_owned())
}

impl Display for InspectData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}:", self.moniker)?;
        writeln!(f, "  metadata:")?;
        if let Some(errors) = &self.metadata.errors {
            let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
            writeln!(f, "    errors = {}", messages.join(", "))?;
        }
        match &self.metadata.name {
            crate::InspectHandleName::Name(name) => writeln!(f, "    name = {name}")?,
            crate::InspectHandleName::Filename(name) => writeln!(f, "    filename = {name}")?,
        }
        writeln!(f, "    component_url = {}", self.metadata.component_url)?;
        writeln!(f, "    timestamp = {}", self.metadata.timestamp)?;
        if self.metadata.escrowed {
            writeln!(f, "    escrowed = true")?;
        }
        match &self.payload {
            Some(payload) => {
                writeln!(f, "  payload:")?;
                write_node(f, payload, 2)
            }
            None => writeln!(f, "  payload: null"),
        }
    }
}

/// Writes `node` and its subtree at `depth` (two spaces per level), iteratively.
fn write_node(
    f: &mut fmt::Formatter<'_>,
    node: &DiagnosticsHierarchy,
    depth: usize,
) -> fmt::Result {
    let mut stack = vec![(node, depth)];
    while let Some((node, depth)) = stack.pop() {
        writeln!(f, "{:indent$}{}:", "", node.name, indent = depth * 2)?;
        for property in &node.properties {
            writeln!(
                f,
                "{:indent$}{} = {}",
                "",
                property.name(),
                PropertyText(property),
                indent = (depth + 1) * 2
            )?;
        }
        stack.extend(node.children.iter().rev().map(|child| (child, depth + 1)));
    }
    Ok(())
}

struct PropertyText<'a>(&'a Property);

impl Display for PropertyText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Property::String(_, v) => f.write_str(v),
            Property::Bytes(_, v) => write!(f, "b64:{}", BASE64.encode(v)),
            Property::Int(_, v) => write!(f, "{v}"),
            Property::Uint(_, v) => write!(f, "{v}"),
            Property::Double(_, v) => write!(f, "{v:.6}"),
            Property::Bool(_, v) => write!(f, "{v}"),
            Property::IntArray(_, v) => write_array(f, v),
            Property::UintArray(_, v) => write_array(f, v),
            Property::DoubleArray(_, v) => write_array(f, v),
            Property::StringList(_, v) => write!(f, "{v:?}"),
        }
    }
}

/// A number as the text form prints it.
trait TextNumber: Copy {
    fn text(self) -> String;
    fn bound(floor: Self, offset: f64) -> String;
    fn as_f64(self) -> f64;
}

macro_rules! int_text {
    ($($t:ty),*) => {$(
        impl TextNumber for $t {
            fn text(self) -> String {
                self.to_string()
            }
            fn bound(floor: Self, offset: f64) -> String {
                (floor as f64 + offset).to_string()
            }
            fn as_f64(self) -> f64 {
                self as f64
            }
        }
    )*};
}
int_text!(i64, u64);

impl TextNumber for f64 {
    fn text(self) -> String {
        format!("{self:.6}")
    }
    fn bound(floor: Self, offset: f64) -> String {
        format!("{:.6}", floor + offset)
    }
    fn as_f64(self) -> f64 {
        self
    }
}

fn write_array<T: TextNumber>(
    f: &mut fmt::Formatter<'_>,
    content: &ArrayContent<T>,
) -> fmt::Result {
    match content {
        ArrayContent::Values(values) => {
            let items: Vec<String> = values.iter().map(|v| v.text()).collect();
            write!(f, "[{}]", items.join(", "))
        }
        ArrayContent::LinearHistogram(LinearHistogram { floor, step, counts, indexes, .. }) => {
            let bounds = |i: usize| T::bound(*floor, step.as_f64() * i as f64);
            write_buckets(f, counts, indexes, counts.len(), |bucket| {
                bucket_label(bucket, counts.len(), &bounds)
            })
        }
        ArrayContent::ExponentialHistogram(ExponentialHistogram {
            floor,
            initial_step,
            step_multiplier,
            counts,
            indexes,
            ..
        }) => {
            let bounds = |i: usize| {
                let offset = if i == 0 {
                    0.0
                } else {
                    initial_step.as_f64() * step_multiplier.as_f64().powi(i as i32 - 1)
                };
                T::bound(*floor, offset)
            };
            write_buckets(f, counts, indexes, counts.len(), |bucket| {
                bucket_label(bucket, counts.len(), &bounds)
            })
        }
    }
}

/// `[-inf,b0)`, `[b0,b1)`, ..., `[bn,+inf)` for bucket `i` of `size` (underflow first).
fn bucket_label(bucket: usize, size: usize, bound: &dyn Fn(usize) -> String) -> String {
    let low = if bucket == 0 { "-inf".to_owned() } else { bound(bucket - 1) };
    let high = if bucket + 1 >= size { "+inf".to_owned() } else { bound(bucket) };
    format!("[{low},{high})")
}

fn write_buckets<T: TextNumber>(
    f: &mut fmt::Formatter<'_>,
    counts: &[T],
    indexes: &Option<Vec<usize>>,
    size: usize,
    label: impl Fn(usize) -> String,
) -> fmt::Result {
    let pairs: Vec<(usize, T)> = match indexes {
        Some(indexes) => {
            indexes.iter().copied().zip(counts.iter().copied()).filter(|(i, _)| *i < size).collect()
        }
        None => counts.iter().copied().enumerate().collect(),
    };
    let items: Vec<String> =
        pairs.iter().map(|(i, c)| format!("{}={}", label(*i), c.text())).collect();
    write!(f, "[{}]", items.join(", "))
}
