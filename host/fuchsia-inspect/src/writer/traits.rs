//! The traits shared by the value types.

pub(crate) mod private {
    use crate::writer::state::State;

    /// Access to the writer state behind a value, for `atomic_update`.
    pub trait InspectTypeInternal {
        /// The state, `None` for no-op values.
        fn state(&self) -> Option<&State>;

        /// Runs `f` with the generation held odd, so readers see all of its writes or none.
        fn atomic_access<R, F: FnOnce(&Self) -> R>(&self, f: F) -> R
        where
            Self: Sized,
        {
            match self.state().cloned() {
                Some(state) => {
                    state.begin_transaction();
                    let result = f(self);
                    state.end_transaction();
                    result
                }
                None => f(self),
            }
        }
    }
}

/// Marker for everything that can be recorded on a node (and so kept alive by it).
pub trait InspectType: Send + Sync {}

/// A single-valued property.
pub trait Property<'t>: private::InspectTypeInternal {
    /// The value type.
    type Type;

    /// Sets the value.
    fn set(&self, value: Self::Type);

    /// Runs `update_fn` so that readers see all of its writes or none of them.
    fn atomic_update<R, F: FnOnce(&Self) -> R>(&self, update_fn: F) -> R
    where
        Self: Sized,
    {
        self.atomic_access(update_fn)
    }
}

/// A numeric property.
pub trait NumericProperty<'t>: Property<'t> {
    /// Adds `value` (saturating for integers); returns the new value, `None` for no-op values.
    fn add(&self, value: <Self as Property<'t>>::Type) -> Option<<Self as Property<'t>>::Type>;

    /// Subtracts `value` (saturating for integers); returns the new value.
    fn subtract(&self, value: <Self as Property<'t>>::Type)
    -> Option<<Self as Property<'t>>::Type>;
}

/// The number of slots of an array.
pub trait Length {
    /// Slots in the array, `None` for no-op values.
    fn len(&self) -> Option<usize>;

    /// True when the array has no slots.
    fn is_empty(&self) -> Option<bool> {
        self.len().map(|n| n == 0)
    }
}

/// An array property.
pub trait ArrayProperty: Length + private::InspectTypeInternal {
    /// The type of a slot.
    type Type<'a>
    where
        Self: 'a;

    /// Sets slot `index`; out-of-range indexes are ignored.
    fn set<'a>(&self, index: usize, value: impl Into<Self::Type<'a>>)
    where
        Self: 'a;

    /// Sets every slot to zero (or the empty string).
    fn clear(&self);

    /// Runs `update_fn` so that readers see all of its writes or none of them.
    fn atomic_update<R, F: FnOnce(&Self) -> R>(&self, update_fn: F) -> R
    where
        Self: Sized,
    {
        self.atomic_access(update_fn)
    }
}

/// An array of numbers supporting in-place arithmetic.
pub trait ArithmeticArrayProperty: ArrayProperty {
    /// Adds `value` to slot `index` (saturating for integers).
    fn add<'a>(&self, index: usize, value: Self::Type<'a>)
    where
        Self: 'a;

    /// Subtracts `value` from slot `index` (saturating for integers).
    fn subtract<'a>(&self, index: usize, value: Self::Type<'a>)
    where
        Self: 'a;
}

/// A histogram.
pub trait HistogramProperty {
    /// The type of the values inserted.
    type Type;

    /// Counts `value` once.
    fn insert(&self, value: Self::Type);

    /// Counts `value` `count` times.
    fn insert_multiple(&self, value: Self::Type, count: usize);

    /// Zeroes every bucket.
    fn clear(&self);
}
