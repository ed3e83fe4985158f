//! Linear and exponential histograms over numeric arrays.
//!
//! Linear slots: `[floor, step, underflow, buckets.., overflow]`; bucket `i` counts values in
//! `[floor + i*step, floor + (i+1)*step)`.
//! Exponential slots: `[floor, initial_step, step_multiplier, underflow, buckets.., overflow]`;
//! bucket 0 counts `[floor, floor + initial_step)`, bucket `i > 0` counts
//! `[floor + initial_step*multiplier^(i-1), floor + initial_step*multiplier^i)`.

use crate::writer::arrays::{clear_from, update_slot};
use crate::writer::handle::BlockHandle;
use crate::writer::node::Node;
use crate::writer::traits::{HistogramProperty, InspectType};
use diagnostics_hierarchy::{ExponentialHistogramParams, LinearHistogramParams};
use inspect_format::{ArrayDisplay, BlockType};
use std::borrow::Cow;

/// A number a histogram can count: i64, u64 or f64.
pub trait HistogramNumber: Copy + Send + Sync + 'static {
    /// The array entry type.
    const ENTRY: BlockType;
    /// The raw slot value.
    fn to_raw(self) -> u64;
    /// Decodes a raw slot value.
    fn from_raw(raw: u64) -> Self;
    /// `count` as this type.
    fn from_count(count: usize) -> Self;
    /// Saturating (or float) addition.
    fn plus(self, other: Self) -> Self;
    /// Lossless-enough widening for bucket arithmetic.
    fn wide(self) -> f64;
    /// Exact widening for integer bucket arithmetic (`None` for doubles).
    fn exact(self) -> Option<i128>;
}

macro_rules! int_number {
    ($t:ty, $entry:expr) => {
        impl HistogramNumber for $t {
            const ENTRY: BlockType = $entry;
            fn to_raw(self) -> u64 {
                self as u64
            }
            fn from_raw(raw: u64) -> Self {
                raw as $t
            }
            fn from_count(count: usize) -> Self {
                <$t>::try_from(count).unwrap_or(<$t>::MAX)
            }
            fn plus(self, other: Self) -> Self {
                self.saturating_add(other)
            }
            fn wide(self) -> f64 {
                self as f64
            }
            fn exact(self) -> Option<i128> {
                Some(self as i128)
            }
        }
    };
}
int_number!(i64, BlockType::IntValue);
int_number!(u64, BlockType::UintValue);

impl HistogramNumber for f64 {
    const ENTRY: BlockType = BlockType::DoubleValue;
    fn to_raw(self) -> u64 {
        self.to_bits()
    }
    fn from_raw(raw: u64) -> Self {
        f64::from_bits(raw)
    }
    fn from_count(count: usize) -> Self {
        count as f64
    }
    fn plus(self, other: Self) -> Self {
        self + other
    }
    fn wide(self) -> f64 {
        self
    }
    fn exact(self) -> Option<i128> {
        None
    }
}

/// Whether `value < floor + offset`, exactly for integers.
fn below<T: HistogramNumber>(
    value: T,
    floor: T,
    offset_exact: Option<i128>,
    offset_wide: f64,
) -> bool {
    match (value.exact(), floor.exact(), offset_exact) {
        (Some(v), Some(f), Some(o)) => v < f.saturating_add(o),
        _ => value.wide() < floor.wide() + offset_wide,
    }
}

fn create_array<T: HistogramNumber>(
    parent: &Node,
    name: Cow<'_, str>,
    display: ArrayDisplay,
    slots: usize,
    params: &[T],
) -> Option<BlockHandle> {
    let shared = parent.upgrade()?;
    let state = shared.state.clone();
    let index = state
        .transact(|inner| {
            let index = inner.create_array(&name, shared.index, T::ENTRY, display, slots)?;
            for (slot, value) in params.iter().enumerate() {
                inner.array_set(index, slot, value.to_raw())?;
            }
            Ok::<_, crate::writer::Error>(index)
        })
        .ok()?;
    Some(BlockHandle { state, index })
}

/// A linear histogram of `T`.
#[derive(Debug, Default)]
pub struct LinearHistogram<T> {
    handle: Option<BlockHandle>,
    floor: Option<T>,
    step: Option<T>,
    buckets: usize,
}

/// A linear histogram of i64.
pub type IntLinearHistogramProperty = LinearHistogram<i64>;
/// A linear histogram of u64.
pub type UintLinearHistogramProperty = LinearHistogram<u64>;
/// A linear histogram of f64.
pub type DoubleLinearHistogramProperty = LinearHistogram<f64>;

impl<T: HistogramNumber> LinearHistogram<T> {
    pub(crate) fn new(name: Cow<'_, str>, params: LinearHistogramParams<T>, parent: &Node) -> Self {
        let slots = params.buckets + 4;
        let handle = create_array(
            parent,
            name,
            ArrayDisplay::LinearHistogram,
            slots,
            &[params.floor, params.step_size],
        );
        let buckets = handle
            .as_ref()
            .and_then(|h| h.read(|s, i| s.array_len(i).ok()))
            .map_or(0, |len| len.saturating_sub(4));
        Self { handle, floor: Some(params.floor), step: Some(params.step_size), buckets }
    }

    /// True when backed by a block.
    pub fn is_valid(&self) -> bool {
        self.handle.is_some()
    }

    fn slot_of(&self, value: T) -> Option<usize> {
        let (floor, step) = (self.floor?, self.step?);
        if below(value, floor, Some(0), 0.0) {
            return Some(2);
        }
        let bucket = (0..self.buckets)
            .find(|i| {
                let n = *i as i128 + 1;
                below(
                    value,
                    floor,
                    step.exact().map(|s| s.saturating_mul(n)),
                    step.wide() * n as f64,
                )
            })
            .unwrap_or(self.buckets);
        Some(3 + bucket)
    }
}

impl<T: HistogramNumber> HistogramProperty for LinearHistogram<T> {
    type Type = T;

    fn insert(&self, value: T) {
        self.insert_multiple(value, 1);
    }

    fn insert_multiple(&self, value: T, count: usize) {
        if let Some(slot) = self.slot_of(value) {
            update_slot(&self.handle, slot, |raw| {
                T::from_raw(raw).plus(T::from_count(count)).to_raw()
            });
        }
    }

    fn clear(&self) {
        clear_from(&self.handle, 2);
    }
}

/// An exponential histogram of `T`.
#[derive(Debug, Default)]
pub struct ExponentialHistogram<T> {
    handle: Option<BlockHandle>,
    params: Option<(T, T, T)>,
    buckets: usize,
}

/// An exponential histogram of i64.
pub type IntExponentialHistogramProperty = ExponentialHistogram<i64>;
/// An exponential histogram of u64.
pub type UintExponentialHistogramProperty = ExponentialHistogram<u64>;
/// An exponential histogram of f64.
pub type DoubleExponentialHistogramProperty = ExponentialHistogram<f64>;

impl<T: HistogramNumber> ExponentialHistogram<T> {
    pub(crate) fn new(
        name: Cow<'_, str>,
        params: ExponentialHistogramParams<T>,
        parent: &Node,
    ) -> Self {
        let slots = params.buckets + 5;
        let values = [params.floor, params.initial_step, params.step_multiplier];
        let handle = create_array(parent, name, ArrayDisplay::ExponentialHistogram, slots, &values);
        let buckets = handle
            .as_ref()
            .and_then(|h| h.read(|s, i| s.array_len(i).ok()))
            .map_or(0, |len| len.saturating_sub(5));
        Self {
            handle,
            params: Some((params.floor, params.initial_step, params.step_multiplier)),
            buckets,
        }
    }

    /// True when backed by a block.
    pub fn is_valid(&self) -> bool {
        self.handle.is_some()
    }

    fn slot_of(&self, value: T) -> Option<usize> {
        let (floor, initial, multiplier) = self.params?;
        if below(value, floor, Some(0), 0.0) {
            return Some(3);
        }
        let mut width_exact = initial.exact();
        let mut width_wide = initial.wide();
        for bucket in 0..self.buckets {
            if below(value, floor, width_exact, width_wide) {
                return Some(4 + bucket);
            }
            width_exact = width_exact.zip(multiplier.exact()).map(|(w, m)| w.saturating_mul(m));
            width_wide *= multiplier.wide();
        }
        Some(4 + self.buckets)
    }
}

impl<T: HistogramNumber> HistogramProperty for ExponentialHistogram<T> {
    type Type = T;

    fn insert(&self, value: T) {
        self.insert_multiple(value, 1);
    }

    fn insert_multiple(&self, value: T, count: usize) {
        if let Some(slot) = self.slot_of(value) {
            update_slot(&self.handle, slot, |raw| {
                T::from_raw(raw).plus(T::from_count(count)).to_raw()
            });
        }
    }

    fn clear(&self) {
        clear_from(&self.handle, 3);
    }
}

impl<T: HistogramNumber> InspectType for LinearHistogram<T> {}
impl<T: HistogramNumber> InspectType for ExponentialHistogram<T> {}
