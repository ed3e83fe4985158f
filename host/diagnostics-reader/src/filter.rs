//! Keeping the parts of a hierarchy that tree selectors select.

use crate::selectors::{Pattern, Selector};
use diagnostics_hierarchy::DiagnosticsHierarchy;

/// A selector's remaining node path and its property pattern.
type Remaining<'a> = (&'a [Pattern], Option<&'a Pattern>);

fn select(
    node: &DiagnosticsHierarchy,
    selectors: &[Remaining<'_>],
) -> Option<DiagnosticsHierarchy> {
    let active: Vec<Remaining<'_>> = selectors
        .iter()
        .filter(|(path, _)| path.first().is_some_and(|p| p.matches(&node.name)))
        .copied()
        .collect();
    if active.is_empty() {
        return None;
    }
    // A path ending here with no property selects the whole subtree.
    if active.iter().any(|(path, property)| path.len() == 1 && property.is_none()) {
        return Some(node.clone());
    }
    let properties: Vec<_> = node
        .properties
        .iter()
        .filter(|p| {
            active.iter().any(|(path, property)| {
                path.len() == 1 && property.is_some_and(|pattern| pattern.matches(p.name()))
            })
        })
        .cloned()
        .collect();
    let deeper: Vec<Remaining<'_>> = active
        .iter()
        .filter(|(path, _)| path.len() > 1)
        .map(|(path, p)| (&path[1..], *p))
        .collect();
    let children: Vec<_> =
        node.children.iter().filter_map(|child| select(child, &deeper)).collect();
    if properties.is_empty() && children.is_empty() {
        return None;
    }
    Some(DiagnosticsHierarchy::new(node.name.clone(), properties, children))
}

/// The parts of `hierarchy` selected by any of `selectors`; `None` if nothing is selected.
pub fn filter(
    hierarchy: &DiagnosticsHierarchy,
    selectors: &[&Selector],
) -> Option<DiagnosticsHierarchy> {
    let remaining: Vec<Remaining<'_>> =
        selectors.iter().map(|s| (s.node_path.as_slice(), s.property.as_ref())).collect();
    select(hierarchy, &remaining)
}
