//! `zx::Name`: an object name (`ZX_PROP_NAME`), at most `ZX_MAX_NAME_LEN - 1` bytes.

use crate::{Status, sys};
use std::fmt;

/// A kernel object name: up to 31 bytes, no interior NUL.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name([u8; sys::ZX_MAX_NAME_LEN]);

impl Name {
    /// INVALID_ARGS if `name` is longer than 31 bytes or contains a NUL.
    pub fn new(name: &str) -> Result<Name, Status> {
        let bytes = name.as_bytes();
        if bytes.len() >= sys::ZX_MAX_NAME_LEN || bytes.contains(&0) {
            return Err(Status::INVALID_ARGS);
        }
        let mut buf = [0; sys::ZX_MAX_NAME_LEN];
        buf[..bytes.len()].copy_from_slice(bytes);
        Ok(Name(buf))
    }

    /// Like `new`, but cuts a long name at 31 bytes (on a UTF-8 boundary), as the kernel
    /// does when a name property is set.
    pub fn new_lossy(name: &str) -> Name {
        let mut end = name.len().min(sys::ZX_MAX_NAME_LEN - 1);
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        Name::new(&name[..end].replace('\0', " ")).unwrap_or_default()
    }

    pub fn as_bytes(&self) -> &[u8] {
        let len = self.0.iter().position(|b| *b == 0).unwrap_or(self.0.len());
        &self.0[..len]
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(self.as_bytes()))
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_string())
    }
}
