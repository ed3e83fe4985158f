//! Array contents: plain values and linear/exponential histograms.

use std::fmt;

/// Slots a linear histogram uses besides its buckets: floor, step, underflow, overflow.
pub const LINEAR_HISTOGRAM_EXTRA_SLOTS: usize = 4;
/// Slots an exponential histogram uses besides its buckets: floor, initial step, multiplier,
/// underflow, overflow.
pub const EXPONENTIAL_HISTOGRAM_EXTRA_SLOTS: usize = 5;

/// How the slots of an array are interpreted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrayFormat {
    /// N values in N slots.
    Default = 0,
    /// `[floor, step, underflow, N buckets, overflow]`.
    LinearHistogram = 1,
    /// `[floor, initial_step, step_multiplier, underflow, N buckets, overflow]`.
    ExponentialHistogram = 2,
}

/// Parameters of a linear histogram. `buckets` excludes the underflow and overflow buckets.
#[derive(Clone, Debug, PartialEq)]
pub struct LinearHistogramParams<T> {
    /// Lower bound of the first bucket.
    pub floor: T,
    /// Width of every bucket.
    pub step_size: T,
    /// Number of buckets between underflow and overflow.
    pub buckets: usize,
}

/// Parameters of an exponential histogram. `buckets` excludes underflow and overflow.
#[derive(Clone, Debug, PartialEq)]
pub struct ExponentialHistogramParams<T> {
    /// Lower bound of the first bucket.
    pub floor: T,
    /// Width of the first bucket.
    pub initial_step: T,
    /// Factor by which each bucket is wider than the previous.
    pub step_multiplier: T,
    /// Number of buckets between underflow and overflow.
    pub buckets: usize,
}

/// A linear histogram as read: `counts` includes underflow (first) and overflow (last).
/// `indexes`, when present, names the bucket of each count (a condensed histogram).
#[derive(Clone, Debug, PartialEq)]
pub struct LinearHistogram<T> {
    /// Number of buckets including underflow and overflow.
    pub size: usize,
    /// Lower bound of the first regular bucket.
    pub floor: T,
    /// Bucket width.
    pub step: T,
    /// Bucket counts.
    pub counts: Vec<T>,
    /// Bucket index of each count, for condensed histograms.
    pub indexes: Option<Vec<usize>>,
}

/// An exponential histogram as read: `counts` includes underflow and overflow.
#[derive(Clone, Debug, PartialEq)]
pub struct ExponentialHistogram<T> {
    /// Number of buckets including underflow and overflow.
    pub size: usize,
    /// Lower bound of the first regular bucket.
    pub floor: T,
    /// Width of the first regular bucket.
    pub initial_step: T,
    /// Growth factor of bucket widths.
    pub step_multiplier: T,
    /// Bucket counts.
    pub counts: Vec<T>,
    /// Bucket index of each count, for condensed histograms.
    pub indexes: Option<Vec<usize>>,
}

/// The contents of a numeric array property.
#[derive(Clone, Debug, PartialEq)]
pub enum ArrayContent<T> {
    /// Plain values.
    Values(Vec<T>),
    /// A linear histogram.
    LinearHistogram(LinearHistogram<T>),
    /// An exponential histogram.
    ExponentialHistogram(ExponentialHistogram<T>),
}

/// A histogram had fewer slots than its format needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistogramError {
    /// The format that was asked for.
    pub format: ArrayFormat,
    /// The number of slots given.
    pub slots: usize,
}

impl fmt::Display for HistogramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} needs more than {} slots", self.format, self.slots)
    }
}

impl std::error::Error for HistogramError {}

impl<T: Copy> ArrayContent<T> {
    /// Interprets raw slots in the given format.
    pub fn new(values: Vec<T>, format: ArrayFormat) -> Result<Self, HistogramError> {
        let too_short = |min| values.len() < min;
        match format {
            ArrayFormat::Default => Ok(Self::Values(values)),
            ArrayFormat::LinearHistogram if !too_short(LINEAR_HISTOGRAM_EXTRA_SLOTS) => {
                let counts = values[2..].to_vec();
                Ok(Self::LinearHistogram(LinearHistogram {
                    size: counts.len(),
                    floor: values[0],
                    step: values[1],
                    counts,
                    indexes: None,
                }))
            }
            ArrayFormat::ExponentialHistogram if !too_short(EXPONENTIAL_HISTOGRAM_EXTRA_SLOTS) => {
                let counts = values[3..].to_vec();
                Ok(Self::ExponentialHistogram(ExponentialHistogram {
                    size: counts.len(),
                    floor: values[0],
                    initial_step: values[1],
                    step_multiplier: values[2],
                    counts,
                    indexes: None,
                }))
            }
            format => Err(HistogramError { format, slots: values.len() }),
        }
    }

    /// Number of values, or of buckets for histograms.
    pub fn len(&self) -> usize {
        match self {
            Self::Values(v) => v.len(),
            Self::LinearHistogram(h) => h.size,
            Self::ExponentialHistogram(h) => h.size,
        }
    }

    /// True when there are no values or buckets.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The raw values (or bucket counts for histograms).
    pub fn raw_values(&self) -> &[T] {
        match self {
            Self::Values(v) => v,
            Self::LinearHistogram(h) => &h.counts,
            Self::ExponentialHistogram(h) => &h.counts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_histogram_from_slots() {
        let c = ArrayContent::new(vec![0i64, 2, 4, 1, 3], ArrayFormat::LinearHistogram).unwrap();
        assert_eq!(
            c,
            ArrayContent::LinearHistogram(LinearHistogram {
                size: 3,
                floor: 0,
                step: 2,
                counts: vec![4, 1, 3],
                indexes: None
            })
        );
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn exponential_histogram_from_slots() {
        let c = ArrayContent::new(vec![1u64, 2, 3, 0, 0, 5], ArrayFormat::ExponentialHistogram)
            .unwrap();
        let ArrayContent::ExponentialHistogram(h) = c else { panic!("wrong variant") };
        assert_eq!((h.floor, h.initial_step, h.step_multiplier, h.size), (1, 2, 3, 3));
    }

    #[test]
    fn too_few_slots_is_an_error() {
        assert_eq!(
            ArrayContent::new(vec![1.0f64, 2.0, 3.0], ArrayFormat::LinearHistogram),
            Err(HistogramError { format: ArrayFormat::LinearHistogram, slots: 3 })
        );
        assert!(ArrayContent::new(vec![1u64; 4], ArrayFormat::ExponentialHistogram).is_err());
        assert!(ArrayContent::<u64>::new(vec![], ArrayFormat::Default).unwrap().is_empty());
        assert!(
            !HistogramError { format: ArrayFormat::LinearHistogram, slots: 1 }
                .to_string()
                .is_empty()
        );
    }
}
