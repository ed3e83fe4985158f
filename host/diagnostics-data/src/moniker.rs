//! Monikers as diagnostics data names them.

use std::fmt;

/// A component instance moniker ("core/foo", "." for the root) or component manager itself.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExtendedMoniker {
    /// Component manager.
    ComponentManager,
    /// A component instance; the moniker without a leading "./" or "/".
    ComponentInstance(String),
}

/// A moniker string that is not well formed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonikerError(pub String);

impl fmt::Display for MonikerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid moniker {:?}", self.0)
    }
}

impl std::error::Error for MonikerError {}

impl ExtendedMoniker {
    /// Parses "<component_manager>", "." (the root) or a '/'-separated path of non-empty
    /// child names ("core/foo", "coll:name/child"); a leading "./" or "/" is dropped.
    pub fn parse_str(s: &str) -> Result<Self, MonikerError> {
        if s == "<component_manager>" {
            return Ok(ExtendedMoniker::ComponentManager);
        }
        let path = s.strip_prefix("./").or_else(|| s.strip_prefix('/')).unwrap_or(s);
        if path == "." || path.is_empty() {
            return Ok(ExtendedMoniker::ComponentInstance(".".to_owned()));
        }
        if path.split('/').any(|part| part.is_empty() || part == "." || part == "..") {
            return Err(MonikerError(s.to_owned()));
        }
        Ok(ExtendedMoniker::ComponentInstance(path.to_owned()))
    }
}

impl fmt::Display for ExtendedMoniker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExtendedMoniker::ComponentManager => f.write_str("<component_manager>"),
            ExtendedMoniker::ComponentInstance(path) => f.write_str(path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        assert_eq!(ExtendedMoniker::parse_str("core/foo").unwrap().to_string(), "core/foo");
        assert_eq!(ExtendedMoniker::parse_str("./core/foo").unwrap().to_string(), "core/foo");
        assert_eq!(ExtendedMoniker::parse_str(".").unwrap().to_string(), ".");
        assert_eq!(
            ExtendedMoniker::parse_str("<component_manager>").unwrap(),
            ExtendedMoniker::ComponentManager
        );
        assert!(ExtendedMoniker::parse_str("core//foo").is_err());
        assert!(ExtendedMoniker::parse_str("core/../foo").is_err());
        assert!(!MonikerError("x".into()).to_string().is_empty());
    }
}
