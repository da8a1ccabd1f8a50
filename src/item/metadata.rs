//! [`Metadata`]: the small string-keyed maps of items and findings.
//!
//! Most hold one to five entries (an mbox separator, a declared content
//! type, the two dates of a Received check), and a scan keeps tens of
//! thousands of them until the report is written. A `BTreeMap` allocates a
//! node for eleven entries (over 600 bytes) however few it holds; a sorted
//! vector holds just its entries, keeps the same stable key order, and is
//! serialised as the same JSON object.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// Free-form, format-specific observations, in stable (byte-wise) key order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata(Vec<(String, Value)>);

type Pair = (String, Value);

impl Metadata {
    pub const fn new() -> Metadata {
        Metadata(Vec::new())
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// Sets `key`, returning the value it replaces.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// Sets `key` only when it is absent (the first value read wins).
    pub fn insert_if_absent(&mut self, key: String, value: Value) {
        if let Err(i) = self.find(&key) {
            self.0.insert(i, (key, value));
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.find(key).ok().map(|i| &mut self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Entries in key order.
    pub fn iter(&self) -> Iter<'_> {
        self.0.iter().map(pair_ref)
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.0.iter().map(|(_, v)| v)
    }
}

fn pair_ref(p: &Pair) -> (&String, &Value) {
    (&p.0, &p.1)
}

/// Iterator over a [`Metadata`]'s entries, in key order.
pub type Iter<'a> = std::iter::Map<std::slice::Iter<'a, Pair>, fn(&'a Pair) -> (&'a String, &'a Value)>;

impl<'a> IntoIterator for &'a Metadata {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for Metadata {
    type Item = Pair;
    type IntoIter = std::vec::IntoIter<Pair>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromIterator<Pair> for Metadata {
    fn from_iter<I: IntoIterator<Item = Pair>>(iter: I) -> Metadata {
        let mut m = Metadata::new();
        m.extend(iter);
        m
    }
}

impl Extend<Pair> for Metadata {
    fn extend<I: IntoIterator<Item = Pair>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

/// `m["key"]`, as for a `BTreeMap`: panics when the key is absent (tests
/// use it; code reading a dump uses [`Metadata::get`]).
impl std::ops::Index<&str> for Metadata {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no metadata key {key:?}"),
        }
    }
}

impl Serialize for Metadata {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Metadata {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Metadata, D::Error> {
        let map = BTreeMap::<String, Value>::deserialize(d)?;
        Ok(Metadata(map.into_iter().collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_as_a_sorted_map_and_serialises_as_an_object() {
        let mut m = Metadata::new();
        let mut reference = BTreeMap::new();
        for (i, k) in ["b", "a", "ä", "B", "a", "", "b"].iter().enumerate() {
            let v = Value::from(i);
            assert_eq!(
                m.insert(k.to_string(), v.clone()),
                reference.insert(k.to_string(), v)
            );
        }
        m.insert_if_absent("a".into(), Value::from("kept?"));
        m.insert_if_absent("c".into(), Value::from("new"));
        reference.entry("c".to_string()).or_insert(Value::from("new"));
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            serde_json::to_string(&reference).unwrap()
        );
        let back: Metadata = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(back, m);
        assert_eq!(m.get("a"), reference.get("a"));
        assert_eq!(m.remove("b"), reference.remove("b"));
        assert!(!m.contains_key("b") && m.contains_key(""));
        assert_eq!(
            m.keys().collect::<Vec<_>>(),
            reference.keys().collect::<Vec<_>>()
        );
        assert_eq!(m.len(), reference.len());
    }
}
