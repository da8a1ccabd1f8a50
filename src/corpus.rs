//! The corpus index: every item of the scan, indexed once for the checks.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::item::Item;

/// Items with the same SHA-256, in item order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateGroup {
    pub sha256: String,
    pub size: u64,
    pub paths: Vec<String>,
}

pub struct Corpus {
    pub items: Vec<Item>,
    /// The time window given with `--window` (UTC seconds, inclusive).
    pub window: Option<(i64, i64)>,
    by_path: HashMap<String, usize>,
    by_sha256: HashMap<String, Vec<usize>>,
}

impl Corpus {
    pub fn new(items: Vec<Item>) -> Corpus {
        let mut by_path = HashMap::with_capacity(items.len());
        let mut by_sha256: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            by_path.insert(item.path.clone(), i);
            if let Some(h) = &item.sha256 {
                by_sha256.entry(h.clone()).or_default().push(i);
            }
        }
        Corpus {
            items,
            window: None,
            by_path,
            by_sha256,
        }
    }

    pub fn get(&self, path: &str) -> Option<&Item> {
        self.by_path.get(path).map(|&i| &self.items[i])
    }

    /// The item's container, if it has one.
    pub fn parent(&self, item: &Item) -> Option<&Item> {
        item.parent.as_deref().and_then(|p| self.get(p))
    }

    /// Every group of two or more items with the same content, ordered by
    /// the first item of each group.
    pub fn duplicates(&self) -> Vec<DuplicateGroup> {
        let mut groups: Vec<&Vec<usize>> =
            self.by_sha256.values().filter(|v| v.len() > 1).collect();
        groups.sort_by_key(|v| v[0]);
        groups
            .into_iter()
            .map(|v| {
                let first = &self.items[v[0]];
                DuplicateGroup {
                    sha256: first.sha256.clone().unwrap_or_default(),
                    size: first.size,
                    paths: v.iter().map(|&i| self.items[i].path.clone()).collect(),
                }
            })
            .collect()
    }
}
