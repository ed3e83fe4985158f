//! Validation of the relative paths `Directory.Open` takes.

/// Longest name of one path component, in bytes (fuchsia.io `MAX_NAME_LENGTH`).
pub(crate) const MAX_NAME_LENGTH: usize = 255;

/// Splits a relative path into its components. "." is the directory itself (no component).
/// Rejects (`INVALID_ARGS`) an empty path, a leading or trailing '/', empty components,
/// "." or ".." inside the path, and components longer than `MAX_NAME_LENGTH`.
pub(crate) fn components(path: &str) -> Result<Vec<&str>, zx::Status> {
    if path == "." {
        return Ok(Vec::new());
    }
    if path.is_empty() {
        return Err(zx::Status::INVALID_ARGS);
    }
    let parts: Vec<&str> = path.split('/').collect();
    let valid = |part: &&str| {
        !part.is_empty() && *part != "." && *part != ".." && part.len() <= MAX_NAME_LENGTH
    };
    if parts.iter().all(valid) { Ok(parts) } else { Err(zx::Status::INVALID_ARGS) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_paths_split_into_components() {
        assert_eq!(components(".").unwrap(), Vec::<&str>::new());
        assert_eq!(components("svc").unwrap(), vec!["svc"]);
        assert_eq!(components("svc/fuchsia.a.B").unwrap(), vec!["svc", "fuchsia.a.B"]);
    }

    #[test]
    fn malformed_paths_are_invalid_args() {
        let long = "x".repeat(MAX_NAME_LENGTH + 1);
        for path in ["", "/svc", "svc/", "a//b", "a/./b", "a/../b", "..", long.as_str()] {
            assert_eq!(components(path), Err(zx::Status::INVALID_ARGS), "{path:?}");
        }
    }
}
