//! Initialization records and tick scaling (in-tree `init.rs`).

use crate::header::{Header, Reader};
use crate::{INIT_RECORD_TYPE, ParseError};

/// A timestamp in ticks of the provider's clock.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Ticks(pub(crate) u64);

impl Ticks {
    /// Nanoseconds: `ticks * 1e9 / ticks_per_second`, computed in 128 bits as in-tree.
    /// `ticks_per_second` is never zero (the init record refuses it). In-tree panics where
    /// the result overflows `i64` (292 years); the host saturates instead.
    pub(crate) fn scale(self, ticks_per_second: u64) -> i64 {
        const NANOS_PER_SECOND: u128 = 1_000_000_000;
        let nanos = (self.0 as u128 * NANOS_PER_SECOND) / ticks_per_second as u128;
        i64::try_from(nanos).unwrap_or(i64::MAX)
    }
}

/// `[0..3]` type 1; one payload word: ticks per second.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct InitRecord {
    pub ticks_per_second: u64,
}

impl InitRecord {
    pub(crate) fn parse(mut record: Reader<'_>) -> Result<Self, ParseError> {
        let (header, mut payload): (Header, _) = record.sized()?;
        header.expect_type(INIT_RECORD_TYPE, "InitHeader")?;
        let ticks_per_second = payload.word()?;
        payload.finish()?;
        if ticks_per_second == 0 {
            return Err(ParseError::ZeroTicksPerSecond);
        }
        Ok(Self { ticks_per_second })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_follows_ticks_per_second() {
        assert_eq!(Ticks(1024).scale(2_000_000_000), 512);
        assert_eq!(Ticks(1024).scale(500_000_000), 2048);
        assert_eq!(Ticks(7).scale(1_000_000_000), 7);
    }

    #[test]
    fn scale_saturates_past_i64() {
        assert_eq!(Ticks(u64::MAX).scale(1), i64::MAX);
    }
}
