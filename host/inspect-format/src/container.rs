//! Byte containers holding a VMO's contents.

/// Read access to a VMO's bytes. Out-of-range reads return `None`, never panic.
pub trait ReadBytes {
    /// Number of bytes available.
    fn len(&self) -> usize;

    /// True when no bytes are available.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes in `offset..offset + len`, if all are in range.
    fn get_slice_at(&self, offset: usize, len: usize) -> Option<&[u8]>;

    /// The little-endian u64 at `offset`.
    fn get_u64(&self, offset: usize) -> Option<u64> {
        let bytes = self.get_slice_at(offset, 8)?;
        Some(u64::from_le_bytes(bytes.try_into().ok()?))
    }

    /// The little-endian u32 at `offset`.
    fn get_u32(&self, offset: usize) -> Option<u32> {
        let bytes = self.get_slice_at(offset, 4)?;
        Some(u32::from_le_bytes(bytes.try_into().ok()?))
    }
}

/// Write access to a VMO's bytes. Out-of-range writes return `false` and change nothing.
pub trait WriteBytes: ReadBytes {
    /// Copies `bytes` to `offset`.
    fn write_at(&mut self, offset: usize, bytes: &[u8]) -> bool;

    /// Writes a little-endian u64 at `offset`.
    fn set_u64(&mut self, offset: usize, value: u64) -> bool {
        self.write_at(offset, &value.to_le_bytes())
    }

    /// Writes a little-endian u32 at `offset`.
    fn set_u32(&mut self, offset: usize, value: u32) -> bool {
        self.write_at(offset, &value.to_le_bytes())
    }
}

/// A container that is both readable and writable.
pub trait Container: WriteBytes {}
impl<T: WriteBytes> Container for T {}

impl ReadBytes for [u8] {
    fn len(&self) -> usize {
        <[u8]>::len(self)
    }

    fn get_slice_at(&self, offset: usize, len: usize) -> Option<&[u8]> {
        self.get(offset..offset.checked_add(len)?)
    }
}

impl ReadBytes for Vec<u8> {
    fn len(&self) -> usize {
        Vec::len(self)
    }

    fn get_slice_at(&self, offset: usize, len: usize) -> Option<&[u8]> {
        self.as_slice().get_slice_at(offset, len)
    }
}

impl WriteBytes for Vec<u8> {
    fn write_at(&mut self, offset: usize, bytes: &[u8]) -> bool {
        let Some(end) = offset.checked_add(bytes.len()) else {
            return false;
        };
        match self.get_mut(offset..end) {
            Some(target) => {
                target.copy_from_slice(bytes);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_stay_in_range() {
        let mut v = vec![0u8; 16];
        assert!(v.set_u64(8, 0x0102030405060708));
        assert_eq!(v.get_u64(8), Some(0x0102030405060708));
        assert_eq!(v.get_u32(8), Some(0x05060708));
        assert!(!v.set_u64(9, 1));
        assert_eq!(v.get_u64(9), None);
        assert_eq!(v.get_slice_at(usize::MAX, 2), None);
        assert!(!v.write_at(usize::MAX, &[1]));
        assert!(!ReadBytes::is_empty(&v));
    }
}
