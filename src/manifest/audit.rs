//! hashdeep's audit semantics, for files and inner items alike:
//!
//! * **matched**: same path, same digest;
//! * **changed**: same path, another digest (or now unreadable);
//! * **moved**: a path the manifest lists is gone, and its digest is now at
//!   a path the manifest does not list;
//! * **new**: a path the manifest does not list, with content not accounted
//!   for by a move;
//! * **missing**: a path the manifest lists that is gone, and not moved.
//!
//! Duplicates (several paths with one digest) are paired in path order, so
//! each old path moves to at most one new path.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

use super::{Algorithm, Entry};
use crate::report::text::printable;

/// What a manifest expects of one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// Provenance path.
    pub path: String,
    /// `None` for an item that could not be read whole when the manifest
    /// was written (it is expected to exist, unreadable).
    pub hash: Option<String>,
}

/// Which items a manifest covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Files on disk only (sha256sum, b3sum, hashdeep, BagIt lists).
    Files,
    /// Every item, inner ones included (leakcheck's `items.jsonl`).
    Items,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changed {
    pub path: String,
    /// `None` when the item could not be read whole when the manifest was written.
    pub expected: Option<String>,
    /// `None` when the item can no longer be read whole.
    pub actual: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moved {
    pub from: String,
    pub to: String,
    pub hash: String,
}

/// The result of an audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Audit {
    pub algorithm: Algorithm,
    pub scope: Scope,
    /// Paths the manifest lists.
    pub expected: u64,
    /// Paths found now (in the manifest's scope).
    pub found: u64,
    pub matched: u64,
    pub changed: Vec<Changed>,
    pub moved: Vec<Moved>,
    pub new: Vec<String>,
    pub missing: Vec<String>,
}

impl Audit {
    /// True when everything matched.
    pub fn passed(&self) -> bool {
        self.changed.is_empty()
            && self.moved.is_empty()
            && self.new.is_empty()
            && self.missing.is_empty()
    }

    /// hashdeep-like text: a line per difference, then the counts.
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        for c in &self.changed {
            let was = c.expected.as_deref().unwrap_or("unreadable");
            let now = c.actual.as_deref().unwrap_or("unreadable");
            o.push_str(&format!(
                "changed  {}  {} {} -> {}\n",
                printable(&c.path),
                self.algorithm.as_str(),
                short(was),
                short(now)
            ));
        }
        for m in &self.moved {
            o.push_str(&format!(
                "moved    {} -> {}\n",
                printable(&m.from),
                printable(&m.to)
            ));
        }
        for p in &self.new {
            o.push_str(&format!("new      {}\n", printable(p)));
        }
        for p in &self.missing {
            o.push_str(&format!("missing  {}\n", printable(p)));
        }
        o.push_str(&format!(
            "{}: {} {} checked by {} ({} listed): {} matched, {} changed, {} moved, {} new, {} missing\n",
            if self.passed() {
                "verify passed"
            } else {
                "verify FAILED"
            },
            self.found,
            match self.scope {
                Scope::Files => "files",
                Scope::Items => "items",
            },
            self.algorithm.as_str(),
            self.expected,
            self.matched,
            self.changed.len(),
            self.moved.len(),
            self.new.len(),
            self.missing.len()
        ));
        o
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

fn short(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

/// Audits what was found now (`actual`, all items of a scan) against a
/// manifest's expectations.
pub fn audit(expected: &[Expected], actual: &[Entry], algorithm: Algorithm, scope: Scope) -> Audit {
    let exp: BTreeMap<&str, Option<&str>> = expected
        .iter()
        .map(|e| (e.path.as_str(), e.hash.as_deref()))
        .collect();
    let act: BTreeMap<&str, Option<&str>> = actual
        .iter()
        .filter(|e| scope == Scope::Items || e.on_disk())
        .map(|e| (e.path.as_str(), algorithm.of(e)))
        .collect();
    let mut out = Audit {
        algorithm,
        scope,
        expected: exp.len() as u64,
        found: act.len() as u64,
        matched: 0,
        changed: Vec::new(),
        moved: Vec::new(),
        new: Vec::new(),
        missing: Vec::new(),
    };
    // Paths gone, by digest, in path order: candidates for moves.
    let mut gone: BTreeMap<&str, VecDeque<&str>> = BTreeMap::new();
    let mut missing: Vec<String> = Vec::new();
    for (&path, &hash) in &exp {
        match (act.get(path), hash) {
            (Some(Some(now)), Some(was)) if now.eq_ignore_ascii_case(was) => out.matched += 1,
            // Unreadable then and now: as expected.
            (Some(None), None) => out.matched += 1,
            (Some(now), was) => out.changed.push(Changed {
                path: path.to_string(),
                expected: was.map(str::to_string),
                actual: now.map(str::to_string),
            }),
            (None, Some(was)) => gone.entry(was).or_default().push_back(path),
            (None, None) => missing.push(path.to_string()),
        }
    }
    for (&path, &hash) in &act {
        if exp.contains_key(path) {
            continue;
        }
        match hash
            .and_then(|h| gone.get_mut(h))
            .and_then(VecDeque::pop_front)
        {
            Some(from) => out.moved.push(Moved {
                from: from.to_string(),
                to: path.to_string(),
                hash: hash.unwrap_or_default().to_string(),
            }),
            None => out.new.push(path.to_string()),
        }
    }
    missing.extend(gone.into_values().flatten().map(str::to_string));
    missing.sort();
    out.missing = missing;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::ItemKind;

    fn entry(path: &str, hash: &str) -> Entry {
        Entry {
            path: path.into(),
            kind: ItemKind::File,
            size: 1,
            sha256: Some(hash.into()),
            blake3: None,
        }
    }

    fn exp(path: &str, hash: &str) -> Expected {
        Expected {
            path: path.into(),
            hash: Some(hash.into()),
        }
    }

    #[test]
    fn every_kind_of_difference() {
        let expected = [
            exp("same", "aa"),
            exp("edited", "bb"),
            exp("old-name", "cc"),
            exp("deleted", "dd"),
            exp("dup1", "ee"),
            exp("dup2", "ee"),
        ];
        let actual = [
            entry("same", "AA"),
            entry("edited", "b2"),
            entry("new-name", "cc"),
            entry("added", "ff"),
            entry("dup1", "ee"),
            entry("dup3", "ee"),
            entry("z.zip!member", "99"),
        ];
        let a = audit(&expected, &actual, Algorithm::Sha256, Scope::Files);
        assert_eq!(a.matched, 2);
        assert_eq!(a.changed.len(), 1);
        assert_eq!(a.changed[0].path, "edited");
        let moves: Vec<(&str, &str)> = a
            .moved
            .iter()
            .map(|m| (m.from.as_str(), m.to.as_str()))
            .collect();
        assert_eq!(moves, [("dup2", "dup3"), ("old-name", "new-name")]);
        assert_eq!(a.new, ["added"]);
        assert_eq!(a.missing, ["deleted"]);
        // Inner items are out of a file list's scope.
        assert_eq!(a.found, 6);
        assert!(!a.passed());
        let text = a.to_text();
        assert!(text.contains("verify FAILED"), "{text}");
        assert!(text.contains("moved    old-name -> new-name"), "{text}");
    }

    #[test]
    fn identical_passes_and_unreadable_is_a_change() {
        let expected = [exp("a", "11"), exp("a!m", "22")];
        let mut gone = entry("a!m", "22");
        gone.sha256 = None;
        let a = audit(
            &expected,
            &[entry("a", "11"), entry("a!m", "22")],
            Algorithm::Sha256,
            Scope::Items,
        );
        assert!(a.passed(), "{a:?}");
        let b = audit(
            &expected,
            &[entry("a", "11"), gone],
            Algorithm::Sha256,
            Scope::Items,
        );
        assert_eq!(b.changed[0].actual, None);
        // An item unreadable when the manifest was written, and still.
        let mut locked = entry("z.zip!secret", "00");
        locked.sha256 = None;
        let then = [Expected {
            path: "z.zip!secret".into(),
            hash: None,
        }];
        let c = audit(&then, &[locked], Algorithm::Sha256, Scope::Items);
        assert!(c.passed(), "{c:?}");
        let d = audit(
            &then,
            &[entry("z.zip!secret", "11")],
            Algorithm::Sha256,
            Scope::Items,
        );
        assert_eq!(d.changed[0].expected, None);
        assert_eq!(d.changed[0].actual.as_deref(), Some("11"));
        // And gone since: missing.
        let e = audit(&then, &[], Algorithm::Sha256, Scope::Items);
        assert_eq!(e.missing, ["z.zip!secret"]);
    }
}
