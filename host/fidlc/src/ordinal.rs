//! Method ordinals: the first 8 bytes of SHA-256("<library>/<Protocol>.<Method>")
//! as a little-endian u64 with the top bit cleared.

use sha2::{Digest, Sha256};

/// Ordinal of the method selected by `selector` in `protocol` of `library`.
/// A selector containing '/' is already fully qualified (`lib/Proto.Method`).
pub fn method_ordinal(library: &str, protocol: &str, selector: &str) -> u64 {
    let full = if selector.contains('/') {
        selector.to_string()
    } else {
        format!("{library}/{protocol}.{selector}")
    };
    let digest = Sha256::digest(full.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first) & 0x7fff_ffff_ffff_ffff
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_reference_ordinals() {
        assert_eq!(
            method_ordinal("fidl.clientsuite", "ClosedTarget", "TwoWayNoPayload"),
            0x7a722961424c1720
        );
        assert_eq!(
            method_ordinal("fidl.clientsuite", "OpenTarget", "StrictOneWay"),
            0x6db0bc21c4aae764
        );
    }

    #[test]
    fn qualified_selector_is_used_verbatim() {
        assert_eq!(
            method_ordinal("other.lib", "Whatever", "fidl.clientsuite/OpenTarget.StrictOneWay"),
            0x6db0bc21c4aae764
        );
    }
}
