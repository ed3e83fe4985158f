//! The Inspect writer: `Inspector`, `Node` and the property types, all writing the VMO format
//! through `state::State`.
//!
//! Every value type holds an optional handle to the writer state plus its block index; a
//! `Default` value (or one created when the VMO was full) holds none and all its operations are
//! no-ops. Dropping a value deletes its block. Values may be used from any thread.

mod arrays;
mod handle;
mod heap;
mod histograms;
mod inspector;
mod node;
mod properties;
pub(crate) mod state;
mod traits;

pub use arrays::{DoubleArrayProperty, IntArrayProperty, StringArrayProperty, UintArrayProperty};
pub use histograms::{
    DoubleExponentialHistogramProperty, DoubleLinearHistogramProperty, ExponentialHistogram,
    HistogramNumber, IntExponentialHistogramProperty, IntLinearHistogramProperty, LinearHistogram,
    UintExponentialHistogramProperty, UintLinearHistogramProperty,
};
pub use inspector::{DEFAULT_VMO_SIZE_BYTES, Inspector, InspectorConfig};
pub use node::Node;
pub use properties::{
    BoolProperty, BytesProperty, DoubleProperty, IntProperty, LazyNode, StringProperty,
    UintProperty,
};
pub use state::{Error, LazyNodeCallback, State, Stats};
pub use traits::{
    ArithmeticArrayProperty, ArrayProperty, HistogramProperty, InspectType, Length,
    NumericProperty, Property,
};
