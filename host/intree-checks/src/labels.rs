//! Every `//` label of a `BUILD.gn` must exist in the Fuchsia tree, or the in-tree build
//! fails; a Cargo build never resolves them. The labels known to exist are listed in files
//! of lines `//label   where it was seen in the in-tree sources` (`#` starts a comment):
//! the shared reference list and the project's own `.ci/intree-gn-labels.txt`. Local labels
//! (`:name`) must name a target of the file.

use crate::build_graph::resolves;
use crate::gn::BuildFile;
use std::collections::BTreeSet;

/// Parses a label list. Each entry must be a `//` label followed by where it was seen.
pub fn parse_list(name: &str, text: &str) -> Result<BTreeSet<String>, String> {
    let mut labels = BTreeSet::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.split_whitespace();
        let label = fields.next().unwrap_or_default();
        if !label.starts_with("//") || fields.next().is_none() {
            return Err(format!(
                "{name}:{}: expected `//label   where it was seen in-tree`, got {line:?}",
                index + 1
            ));
        }
        labels.insert(label.to_owned());
    }
    Ok(labels)
}

/// The findings for labels of `build` that are neither in `known` nor local targets.
/// `file` names the build file in findings.
pub fn check(file: &str, build: &BuildFile, known: &BTreeSet<String>) -> Vec<String> {
    let mut findings = Vec::new();
    for (string, line) in build.strings() {
        if string.starts_with("//") && !known.contains(&string) {
            findings.push(format!(
                "{file}:{line}: unknown GN label {string}: it is not among the labels seen in \
                 the Fuchsia tree (add it to .ci/intree-gn-labels.txt only after reading it in \
                 the in-tree sources, with the path where it is defined)"
            ));
        } else if string.starts_with(':') && !resolves(build, &string) {
            findings.push(format!("{file}:{line}: GN label {string} names no target of {file}"));
        }
    }
    findings
}
