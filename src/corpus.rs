//! The corpus index: every item of the scan, indexed once for the checks.

use std::hash::{BuildHasher, RandomState};

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

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
    /// Item indexes by path. The table holds indexes only and hashes the
    /// paths where they already live, in `items`: a map keyed by path
    /// would copy every path of the dump a second time.
    by_path: HashTable<usize>,
    hasher: RandomState,
}

impl Corpus {
    pub fn new(items: Vec<Item>) -> Corpus {
        let hasher = RandomState::new();
        let mut by_path = HashTable::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let hash = hasher.hash_one(item.path.as_str());
            match by_path.entry(
                hash,
                |&j: &usize| items[j].path == item.path,
                |&j: &usize| hasher.hash_one(items[j].path.as_str()),
            ) {
                // Paths are unique; were one repeated, the last item wins.
                Entry::Occupied(mut e) => *e.get_mut() = i,
                Entry::Vacant(e) => {
                    e.insert(i);
                }
            }
        }
        Corpus {
            items,
            window: None,
            by_path,
            hasher,
        }
    }

    /// The position of the item with this path in [`Corpus::items`].
    pub fn index_of(&self, path: &str) -> Option<usize> {
        let hash = self.hasher.hash_one(path);
        self.by_path
            .find(hash, |&j| self.items[j].path == path)
            .copied()
    }

    pub fn get(&self, path: &str) -> Option<&Item> {
        self.index_of(path).map(|i| &self.items[i])
    }

    /// The item's container, if it has one.
    pub fn parent(&self, item: &Item) -> Option<&Item> {
        item.parent.as_deref().and_then(|p| self.get(p))
    }

    /// Every group of two or more items with the same content, ordered by
    /// the first item of each group, its items in item order. Found by
    /// sorting item indexes by digest, once, when the report is built: no
    /// map of digests is kept while the checks run.
    pub fn duplicates(&self) -> Vec<DuplicateGroup> {
        let items = &self.items;
        let mut hashed: Vec<usize> = (0..items.len())
            .filter(|&i| items[i].sha256.is_some())
            .collect();
        // Stable: equal digests keep their item order.
        hashed.sort_by(|&a, &b| items[a].sha256.cmp(&items[b].sha256));
        let mut groups: Vec<&[usize]> = hashed
            .chunk_by(|&a, &b| items[a].sha256 == items[b].sha256)
            .filter(|g| g.len() > 1)
            .collect();
        groups.sort_by_key(|g| g[0]);
        groups
            .into_iter()
            .map(|g| {
                let first = &items[g[0]];
                DuplicateGroup {
                    sha256: first.sha256.clone().unwrap_or_default(),
                    size: first.size,
                    paths: g.iter().map(|&i| items[i].path.clone()).collect(),
                }
            })
            .collect()
    }
}
