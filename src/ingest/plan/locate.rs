//! Where a node of a YAML document is: the line of the node at a path such as
//! `zones[2].members[0].cidr`, found by walking the document again with serde (whose errors carry
//! the position of the node being read) and stopping at the node with a marker error.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_yaml_ng::Value;

/// One step of a path: a mapping key or a list index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// The path as error messages name fields: `zones[2].members[0].cidr`.
pub fn field(path: &[Seg]) -> String {
    let mut text = String::new();
    for seg in path {
        match seg {
            Seg::Key(key) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            Seg::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
}

/// The path extended by more steps.
pub fn join<'a>(base: &[Seg<'a>], more: &[Seg<'a>]) -> Vec<Seg<'a>> {
    base.iter().chain(more).copied().collect()
}

/// The 1-based line where the node at `path` starts, if the document has such a node.
pub fn line_of(text: &str, path: &[Seg]) -> Option<u64> {
    let result = Locator { path }.deserialize(serde_yaml_ng::Deserializer::from_str(text));
    match result {
        Err(error) if error.to_string().contains(FOUND) => {
            error.location().and_then(|l| u64::try_from(l.line()).ok())
        }
        _ => None,
    }
}

/// The marker errors that end the walk; serde_yaml_ng gives the first the node's position.
const FOUND: &str = "blastwall: node found";
const MISSING: &str = "blastwall: no such node";

struct Locator<'p, 'a> {
    path: &'p [Seg<'a>],
}

impl Locator<'_, '_> {
    fn end<E: de::Error>(&self) -> Result<(), E> {
        Err(E::custom(if self.path.is_empty() {
            FOUND
        } else {
            MISSING
        }))
    }
}

impl<'de> DeserializeSeed<'de> for Locator<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Locator<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML node")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((Seg::Key(wanted), rest)) = self.path.split_first() else {
            return self.end();
        };
        while let Some(key) = map.next_key::<Value>()? {
            if matches!(&key, Value::String(key) if key == wanted) {
                return map.next_value_seed(Locator { path: rest });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Err(de::Error::custom(MISSING))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((&Seg::Index(wanted), rest)) = self.path.split_first() else {
            return self.end();
        };
        for _ in 0..wanted {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Err(de::Error::custom(MISSING));
            }
        }
        seq.next_element_seed(Locator { path: rest })?;
        Err(de::Error::custom(MISSING))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.end()
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.end()
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.end()
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.end()
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.end()
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.end()
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.end()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        self.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "version: 1\nzones:\n  - name: a\n    members:\n      - workload: x\n      - {cidr: 10.0.0.0/8}\n  - name: b\nrules:\n- from: any\n  note: |\n    two\n    lines\n";

    #[test]
    fn finds_nodes_by_path() {
        use Seg::{Index, Key};
        let at = |path: &[Seg]| line_of(TEXT, path);
        assert_eq!(at(&[Key("version")]), Some(1));
        assert_eq!(at(&[Key("zones"), Index(0)]), Some(3));
        assert_eq!(at(&[Key("zones"), Index(1), Key("name")]), Some(7));
        let cidr = [
            Key("zones"),
            Index(0),
            Key("members"),
            Index(1),
            Key("cidr"),
        ];
        assert_eq!(at(&cidr), Some(6));
        assert_eq!(at(&[Key("rules"), Index(0), Key("note")]), Some(10));
        assert_eq!(at(&[Key("zones"), Index(2)]), None);
        assert_eq!(at(&[Key("nothing")]), None);
        assert_eq!(field(&cidr), "zones[0].members[1].cidr");
    }
}
