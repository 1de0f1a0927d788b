//! Lenient JSON shapes: a value of any JSON type where a scalar is expected, and an object that
//! may turn out to be something else. Neither ever fails on well-formed JSON, so one odd field
//! cannot break the stream of a whole array; the importer says what it found instead.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::model::Protocol;

use super::super::parse::parse_u64;

/// A JSON value where a scalar is expected; int64 values arrive as strings or numbers.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Scalar {
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text(String),
    /// Anything else, described for messages (`true`, `null`, `an object`…).
    Other(&'static str),
}

impl Scalar {
    pub(super) fn as_str(&self) -> Option<&str> {
        match self {
            Scalar::Text(text) => Some(text),
            _ => None,
        }
    }

    /// A non-negative integer, from a number or a string of digits.
    pub(super) fn to_u64(&self) -> Option<u64> {
        match self {
            Scalar::Unsigned(value) => Some(*value),
            Scalar::Float(value) if value.fract() == 0.0 && (0.0..1.8e19).contains(value) => {
                Some(*value as u64)
            }
            Scalar::Text(text) => parse_u64(text.as_bytes()),
            _ => None,
        }
    }

    /// An IANA protocol number (a number, or a string holding a number or a name).
    pub(super) fn to_protocol(&self) -> Option<Protocol> {
        match self {
            Scalar::Text(text) => Protocol::parse(text),
            _ => self
                .to_u64()
                .and_then(|v| u8::try_from(v).ok())
                .map(Protocol),
        }
    }

    /// The value as an error message shows it.
    pub(super) fn shown(&self) -> String {
        match self {
            Scalar::Unsigned(value) => value.to_string(),
            Scalar::Signed(value) => value.to_string(),
            Scalar::Float(value) => value.to_string(),
            Scalar::Text(text) => super::super::error::shown(text.as_bytes()),
            Scalar::Other(what) => (*what).to_string(),
        }
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Scalar, E> {
        Ok(Scalar::Other(if value { "true" } else { "false" }))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Scalar, E> {
        Ok(u64::try_from(value).map_or(Scalar::Signed(value), Scalar::Unsigned))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Scalar, E> {
        Ok(Scalar::Unsigned(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Scalar, E> {
        Ok(Scalar::Float(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(value.to_string()))
    }

    fn visit_string<E>(self, value: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(value))
    }

    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other("null"))
    }

    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other("null"))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        Scalar::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("an object"))
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

/// A JSON object read as `T`, or a description of whatever else stood there.
pub(super) enum Shape<T> {
    Object(T),
    Other(&'static str),
}

struct ShapeVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ShapeVisitor<T> {
    type Value = Shape<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Shape<T>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Shape::Object)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Shape<T>, E> {
        Ok(Shape::Other(if value { "true" } else { "false" }))
    }

    fn visit_i64<E>(self, _value: i64) -> Result<Shape<T>, E> {
        Ok(Shape::Other("a number"))
    }

    fn visit_u64<E>(self, _value: u64) -> Result<Shape<T>, E> {
        Ok(Shape::Other("a number"))
    }

    fn visit_f64<E>(self, _value: f64) -> Result<Shape<T>, E> {
        Ok(Shape::Other("a number"))
    }

    fn visit_str<E>(self, _value: &str) -> Result<Shape<T>, E> {
        Ok(Shape::Other("a string"))
    }

    fn visit_unit<E>(self) -> Result<Shape<T>, E> {
        Ok(Shape::Other("null"))
    }

    fn visit_none<E>(self) -> Result<Shape<T>, E> {
        Ok(Shape::Other("null"))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Shape<T>, D::Error> {
        Shape::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape<T>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Shape::Other("an array"))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Shape<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Shape<T>, D::Error> {
        d.deserialize_any(ShapeVisitor(PhantomData))
    }
}

/// For `#[serde(default, deserialize_with = "object")]`: the object, or `None` when the field
/// holds something else.
pub(super) fn object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    Ok(match Shape::deserialize(d)? {
        Shape::Object(value) => Some(value),
        Shape::Other(_) => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_take_any_json_value() -> Result<(), serde_json::Error> {
        let values: Vec<Scalar> =
            serde_json::from_str(r#"["42", 42, -1, 1.0, true, null, {"a":[1]}, [1]]"#)?;
        assert_eq!(values[0].to_u64(), Some(42));
        assert_eq!(values[1].to_u64(), Some(42));
        assert_eq!(values[2].to_u64(), None);
        assert_eq!(values[3].to_u64(), Some(1));
        let shown: Vec<String> = values[4..].iter().map(Scalar::shown).collect();
        assert_eq!(shown, ["true", "null", "an object", "an array"]);
        Ok(())
    }

    #[test]
    fn shapes_say_what_stood_where_an_object_was_expected() -> Result<(), serde_json::Error> {
        let shapes: Vec<Shape<std::collections::BTreeMap<String, u8>>> =
            serde_json::from_str(r#"[{"a":1}, 7, "x", null, [2]]"#)?;
        let found: Vec<&str> = shapes
            .iter()
            .map(|s| match s {
                Shape::Object(_) => "object",
                Shape::Other(what) => what,
            })
            .collect();
        assert_eq!(
            found,
            ["object", "a number", "a string", "null", "an array"]
        );
        Ok(())
    }
}
