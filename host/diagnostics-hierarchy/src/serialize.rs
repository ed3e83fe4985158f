//! JSON serialization, in the shape archivist and `ffx inspect --machine json` emit:
//! `{"<root name>": {<properties..>, <children..>}}`, bytes as `"b64:<base64>"`, non-finite
//! doubles clamped to ±f64::MAX, histograms as objects, condensed (with `indexes`) when fewer
//! than half of the buckets are nonzero.

use crate::{ArrayContent, DiagnosticsHierarchy, ExponentialHistogram, LinearHistogram, Property};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, SerializeStruct, Serializer};

impl<Key: AsRef<str>> Serialize for DiagnosticsHierarchy<Key> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(&self.name, &Fields(self))?;
        map.end()
    }
}

/// A node's properties and children as one JSON object.
struct Fields<'a, Key>(&'a DiagnosticsHierarchy<Key>);

impl<Key: AsRef<str>> Serialize for Fields<'_, Key> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let node = self.0;
        let mut map =
            serializer.serialize_map(Some(node.properties.len() + node.children.len()))?;
        for property in &node.properties {
            let name = property.name();
            match property {
                Property::String(_, v) => map.serialize_entry(name, v)?,
                Property::Bytes(_, v) => {
                    map.serialize_entry(name, &format!("b64:{}", BASE64.encode(v)))?
                }
                Property::Int(_, v) => map.serialize_entry(name, v)?,
                Property::Uint(_, v) => map.serialize_entry(name, v)?,
                Property::Double(_, v) => map.serialize_entry(name, &json_double(*v))?,
                Property::Bool(_, v) => map.serialize_entry(name, v)?,
                Property::DoubleArray(_, v) => map.serialize_entry(name, v)?,
                Property::IntArray(_, v) => map.serialize_entry(name, v)?,
                Property::UintArray(_, v) => map.serialize_entry(name, v)?,
                Property::StringList(_, v) => map.serialize_entry(name, v)?,
            }
        }
        for child in &node.children {
            map.serialize_entry(&child.name, &Fields(child))?;
        }
        map.end()
    }
}

/// JSON has no NaN or infinities: NaN and +inf become f64::MAX, -inf becomes f64::MIN.
fn json_double(value: f64) -> f64 {
    if value.is_nan() || value == f64::INFINITY {
        f64::MAX
    } else if value == f64::NEG_INFINITY {
        f64::MIN
    } else {
        value
    }
}

/// A value that serializes as a JSON number.
trait JsonNumber: Copy + PartialEq + Default + Serialize {
    fn json(self) -> Self;
}
impl JsonNumber for i64 {
    fn json(self) -> Self {
        self
    }
}
impl JsonNumber for u64 {
    fn json(self) -> Self {
        self
    }
}
impl JsonNumber for f64 {
    fn json(self) -> Self {
        json_double(self)
    }
}

/// Counts and indexes of the nonzero buckets, when fewer than half are nonzero and the
/// histogram is not already condensed.
fn condense<T: JsonNumber>(
    counts: &[T],
    indexes: &Option<Vec<usize>>,
) -> Option<(Vec<T>, Vec<usize>)> {
    if indexes.is_some() {
        return None;
    }
    let nonzero: Vec<(usize, T)> =
        counts.iter().copied().enumerate().filter(|(_, c)| *c != T::default()).collect();
    (nonzero.len() <= counts.len() / 2).then(|| nonzero.into_iter().map(|(i, c)| (c, i)).unzip())
}

struct Numbers<'a, T>(&'a [T]);

impl<T: JsonNumber> Serialize for Numbers<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for v in self.0 {
            seq.serialize_element(&v.json())?;
        }
        seq.end()
    }
}

impl<T: JsonNumber> Serialize for ArrayContent<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ArrayContent::Values(values) => Numbers(values).serialize(serializer),
            ArrayContent::LinearHistogram(LinearHistogram {
                size,
                floor,
                step,
                counts,
                indexes,
            }) => {
                let (counts, indexes) = condense(counts, indexes)
                    .map(|(c, i)| (c, Some(i)))
                    .unwrap_or_else(|| (counts.clone(), indexes.clone()));
                let mut s = serializer.serialize_struct("LinearHistogram", 5)?;
                s.serialize_field("size", size)?;
                s.serialize_field("floor", &floor.json())?;
                s.serialize_field("step", &step.json())?;
                s.serialize_field("counts", &Numbers(&counts))?;
                if let Some(indexes) = &indexes {
                    s.serialize_field("indexes", indexes)?;
                }
                s.end()
            }
            ArrayContent::ExponentialHistogram(ExponentialHistogram {
                size,
                floor,
                initial_step,
                step_multiplier,
                counts,
                indexes,
            }) => {
                let (counts, indexes) = condense(counts, indexes)
                    .map(|(c, i)| (c, Some(i)))
                    .unwrap_or_else(|| (counts.clone(), indexes.clone()));
                let mut s = serializer.serialize_struct("ExponentialHistogram", 6)?;
                s.serialize_field("size", size)?;
                s.serialize_field("floor", &floor.json())?;
                s.serialize_field("initial_step", &initial_step.json())?;
                s.serialize_field("step_multiplier", &step_multiplier.json())?;
                s.serialize_field("counts", &Numbers(&counts))?;
                if let Some(indexes) = &indexes {
                    s.serialize_field("indexes", indexes)?;
                }
                s.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ArrayFormat;

    #[test]
    fn serializes_like_archivist() {
        let h: DiagnosticsHierarchy = DiagnosticsHierarchy::new(
            "root",
            vec![
                Property::UintArray("array".into(), ArrayContent::Values(vec![0, 2])),
                Property::Bytes("bytes".into(), vec![5, 0xf1, 0xab]),
                Property::Double("d".into(), 2.5),
                Property::StringList("l".into(), vec!["a".into()]),
            ],
            vec![DiagnosticsHierarchy::new(
                "c",
                vec![
                    Property::IntArray(
                        "lin".into(),
                        ArrayContent::new(vec![0, 2, 4, 1, 3], ArrayFormat::LinearHistogram)
                            .unwrap(),
                    ),
                    Property::IntArray(
                        "sparse".into(),
                        ArrayContent::new(vec![0, 2, 0, 1, 0], ArrayFormat::LinearHistogram)
                            .unwrap(),
                    ),
                    Property::DoubleArray(
                        "exp".into(),
                        ArrayContent::new(
                            vec![0.0, 2.0, 4.0, 1.0, 3.0, 4.0],
                            ArrayFormat::ExponentialHistogram,
                        )
                        .unwrap(),
                    ),
                ],
                vec![],
            )],
        );
        assert_eq!(
            serde_json::to_string(&h).unwrap(),
            concat!(
                r#"{"root":{"array":[0,2],"bytes":"b64:BfGr","d":2.5,"l":["a"],"c":{"#,
                r#""lin":{"size":3,"floor":0,"step":2,"counts":[4,1,3]},"#,
                r#""sparse":{"size":3,"floor":0,"step":2,"counts":[1],"indexes":[1]},"#,
                r#""exp":{"size":3,"floor":0.0,"initial_step":2.0,"step_multiplier":4.0,"counts":[1.0,3.0,4.0]}}}}"#
            )
        );
    }

    #[test]
    fn non_finite_doubles_are_clamped() {
        let h: DiagnosticsHierarchy = DiagnosticsHierarchy::new(
            "root",
            vec![
                Property::Double("inf".into(), f64::INFINITY),
                Property::Double("neg_inf".into(), f64::NEG_INFINITY),
                Property::Double("nan".into(), f64::NAN),
            ],
            vec![],
        );
        assert_eq!(
            serde_json::to_string(&h).unwrap(),
            r#"{"root":{"inf":1.7976931348623157e+308,"neg_inf":-1.7976931348623157e+308,"nan":1.7976931348623157e+308}}"#
        );
    }
}
