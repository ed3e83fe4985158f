//! `TreeAssertion`: expected properties and children of a node.

use crate::matchers::PropertyAssertion;
use diagnostics_hierarchy::DiagnosticsHierarchy;
use std::collections::BTreeSet;
use std::fmt;

/// A failed assertion: what went wrong, and where (the node path from the root).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    message: String,
    path: Vec<String>,
}

impl Error {
    /// An error at the current node.
    pub fn new(message: impl Into<String>) -> Self {
        Error { message: message.into(), path: vec![] }
    }

    fn within(mut self, node: &str) -> Self {
        self.path.insert(0, node.to_owned());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at {})", self.message, self.path.join("."))
    }
}

impl std::error::Error for Error {}

/// Expected contents of one node.
pub struct TreeAssertion {
    name: String,
    exact: bool,
    properties: Vec<(String, Box<dyn PropertyAssertion>)>,
    children: Vec<TreeAssertion>,
}

impl TreeAssertion {
    /// Expects a node named `name`; `exact` forbids properties and children not listed.
    pub fn new(name: &str, exact: bool) -> Self {
        TreeAssertion { name: name.to_owned(), exact, properties: vec![], children: vec![] }
    }

    /// Expects a property `key` that satisfies `assertion`.
    pub fn add_property_assertion(&mut self, key: &str, assertion: Box<dyn PropertyAssertion>) {
        self.properties.push((key.to_owned(), assertion));
    }

    /// Expects a child.
    pub fn add_child_assertion(&mut self, child: TreeAssertion) {
        self.children.push(child);
    }

    /// Checks `actual` against the expectation.
    pub fn run(&self, actual: &DiagnosticsHierarchy) -> Result<(), Error> {
        self.check(actual).map_err(|e| e.within(&self.name))
    }

    fn check(&self, actual: &DiagnosticsHierarchy) -> Result<(), Error> {
        if actual.name != self.name {
            return Err(Error::new(format!(
                "node is named {:?}, expected {:?}",
                actual.name, self.name
            )));
        }
        for (key, assertion) in &self.properties {
            let property = actual
                .get_property(key)
                .ok_or_else(|| Error::new(format!("missing property {key:?}")))?;
            assertion
                .run(property)
                .map_err(|e| Error::new(format!("property {key:?}: {}", e.message)))?;
        }
        for child in &self.children {
            let node = actual
                .get_child(&child.name)
                .ok_or_else(|| Error::new(format!("missing child {:?}", child.name)))?;
            child.run(node)?;
        }
        if self.exact {
            let expected: BTreeSet<&str> =
                self.properties.iter().map(|(k, _)| k.as_str()).collect();
            if let Some(extra) = actual.properties.iter().find(|p| !expected.contains(p.name())) {
                return Err(Error::new(format!("unexpected property {:?}", extra.name())));
            }
            if actual.properties.len() > self.properties.len() {
                return Err(Error::new("duplicate property names"));
            }
            let expected: BTreeSet<&str> = self.children.iter().map(|c| c.name.as_str()).collect();
            if let Some(extra) =
                actual.children.iter().find(|c| !expected.contains(c.name.as_str()))
            {
                return Err(Error::new(format!("unexpected child {:?}", extra.name)));
            }
            if actual.children.len() > self.children.len() {
                return Err(Error::new("duplicate child names"));
            }
        }
        Ok(())
    }
}
