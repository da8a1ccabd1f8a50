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
#[derive(Debug, Clone)]
pub struct Metadata(Repr);

/// Equal when the entries are, whichever representation holds them.
impl PartialEq for Metadata {
    fn eq(&self, other: &Metadata) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

/// Up to [`SMALL`] entries in a sorted vector; past that a `BTreeMap`, so a
/// document with a hundred thousand custom properties in descending order
/// costs O(n log n), not the O(n²) of shifting a vector.
#[derive(Debug, Clone)]
enum Repr {
    Small(Vec<Pair>),
    Large(BTreeMap<String, Value>),
}

/// Entries kept in a vector before switching to a B-tree.
const SMALL: usize = 32;

type Pair = (String, Value);

impl Default for Metadata {
    fn default() -> Metadata {
        Metadata::new()
    }
}

impl Metadata {
    pub const fn new() -> Metadata {
        Metadata(Repr::Small(Vec::new()))
    }

    fn find(v: &[Pair], key: &str) -> Result<usize, usize> {
        v.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// Sets `key`, returning the value it replaces.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match &mut self.0 {
            Repr::Large(m) => m.insert(key, value),
            Repr::Small(v) => match Metadata::find(v, &key) {
                Ok(i) => Some(std::mem::replace(&mut v[i].1, value)),
                Err(_) if v.len() >= SMALL => {
                    let mut m: BTreeMap<String, Value> = std::mem::take(v).into_iter().collect();
                    m.insert(key, value);
                    self.0 = Repr::Large(m);
                    None
                }
                Err(i) => {
                    v.insert(i, (key, value));
                    None
                }
            },
        }
    }

    /// Sets `key` only when it is absent (the first value read wins).
    pub fn insert_if_absent(&mut self, key: String, value: Value) {
        if !self.contains_key(&key) {
            self.insert(key, value);
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        match &self.0 {
            Repr::Small(v) => Metadata::find(v, key).ok().map(|i| &v[i].1),
            Repr::Large(m) => m.get(key),
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match &mut self.0 {
            Repr::Small(v) => Metadata::find(v, key).ok().map(|i| &mut v[i].1),
            Repr::Large(m) => m.get_mut(key),
        }
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn remove(&mut self, key: &str) -> Option<Value> {
        match &mut self.0 {
            Repr::Small(v) => Metadata::find(v, key).ok().map(|i| v.remove(i).1),
            Repr::Large(m) => m.remove(key),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Small(v) => v.len(),
            Repr::Large(m) => m.len(),
        }
    }

    /// Entries in key order.
    pub fn iter(&self) -> Iter<'_> {
        match &self.0 {
            Repr::Small(v) => Iter::Small(v.iter()),
            Repr::Large(m) => Iter::Large(m.iter()),
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.iter().map(|(_, v)| v)
    }
}

/// Iterator over a [`Metadata`]'s entries, in key order.
pub enum Iter<'a> {
    Small(std::slice::Iter<'a, Pair>),
    Large(std::collections::btree_map::Iter<'a, String, Value>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Small(i) => i.next().map(|(k, v)| (k, v)),
            Iter::Large(i) => i.next(),
        }
    }
}

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
        match self.0 {
            Repr::Small(v) => v.into_iter(),
            Repr::Large(m) => m.into_iter().collect::<Vec<_>>().into_iter(),
        }
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
        Ok(if map.len() > SMALL {
            Metadata(Repr::Large(map))
        } else {
            Metadata(Repr::Small(map.into_iter().collect()))
        })
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
        reference
            .entry("c".to_string())
            .or_insert(Value::from("new"));
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

    #[test]
    fn many_keys_in_any_order_stay_a_sorted_map_in_n_log_n() {
        // Descending keys: the worst case of a sorted vector (each insert
        // shifts all). 200,000 of them finish at once as a B-tree.
        let mut m = Metadata::new();
        let mut reference = BTreeMap::new();
        for i in (0..200_000u32).rev() {
            let k = format!("k{i:07}");
            m.insert(k.clone(), Value::from(i));
            reference.insert(k, Value::from(i));
        }
        m.insert_if_absent("k0000005".into(), Value::from("no"));
        assert_eq!(m.get("k0000005"), Some(&Value::from(5)));
        assert_eq!(m.len(), reference.len());
        assert!(m.iter().map(|(k, _)| k).eq(reference.keys()));
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            serde_json::to_string(&reference).unwrap()
        );
        let back: Metadata = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert!(back.iter().eq(m.iter()));
        assert_eq!(m.remove("k0000007"), Some(Value::from(7)));
        assert!(!m.contains_key("k0000007"));
    }
}
