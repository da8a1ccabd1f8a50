//! The real public corpus in ../shared/corpus: every file found, hashes
//! right, and agreement with an independent Python inventory.

use std::collections::BTreeMap;

use crate::util::*;

fn corpus_report() -> leakcheck::Report {
    let c = shared_corpus();
    assert!(c.is_dir(), "{} is missing", c.display());
    scan(&[c.to_str().expect("utf-8")]).0
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn every_corpus_file_is_listed_and_hashed_like_sha256sum() {
    let r = corpus_report();
    let mut n = 0;
    for e in walkdir::WalkDir::new(shared_corpus()) {
        let e = e.expect("walk");
        if !e.file_type().is_file() {
            continue;
        }
        n += 1;
        let rel = e.path().strip_prefix(shared_corpus()).expect("prefix");
        let p = rel.to_str().expect("utf-8").replace('!', "%21");
        let data = std::fs::read(e.path()).expect("read");
        assert_eq!(
            item(&r, &p).sha256.as_deref(),
            Some(sha256(&data).as_str()),
            "{p}"
        );
    }
    assert_eq!(r.summary.entries_on_disk, n);
    // Every container reconciles: what is not read is explained by a finding.
    for inc in &r.summary.incomplete_containers {
        let unread: Vec<_> = r
            .items
            .iter()
            .filter(|i| i.parent.as_deref() == Some(inc.path.as_str()) && i.error.is_some())
            .collect();
        assert_eq!(
            unread.len() as u64,
            inc.members_listed - inc.members_read,
            "{}",
            inc.path
        );
        for u in unread {
            assert!(
                r.findings.iter().any(|f| f.paths[0] == u.path),
                "{} unread without a finding",
                u.path
            );
        }
    }
}

/// Where leakcheck and Python's `email` part ways on the corpus, and why.
/// Each line: a path prefix, a tab, the reason.
fn known_differences() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join("tests/oracle/known-differences.tsv"))
        .expect("known differences");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .map(|(p, why)| (p.to_string(), why.to_string()))
        .collect()
}

#[test]
#[ignore = "needs python3 and ../shared/corpus"]
fn python_oracle_agrees_on_the_corpus_except_where_explained() {
    assert!(python3(), "python3 is required");
    let r = corpus_report();
    let expected = oracle(&shared_corpus());
    let known = known_differences();
    let explained = |p: &str| {
        known
            .keys()
            .any(|k| p == k || p.starts_with(&format!("{k}!")))
    };
    let items: BTreeMap<&str, &leakcheck::Item> =
        r.items.iter().map(|i| (i.path.as_str(), i)).collect();
    let mut unexplained = Vec::new();
    for (path, hash) in &expected {
        if explained(path) {
            continue;
        }
        match items.get(path.as_str()) {
            None => unexplained.push(format!("missing: {path}")),
            Some(i) if hash.is_some() && i.sha256 != *hash => {
                unexplained.push(format!("hash differs: {path}"))
            }
            _ => {}
        }
    }
    let used: Vec<&String> = known
        .keys()
        .filter(|k| {
            expected
                .keys()
                .any(|p| p == *k || p.starts_with(&format!("{k}!")))
        })
        .collect();
    assert!(
        unexplained.is_empty(),
        "unexplained differences:\n{}",
        unexplained.join("\n")
    );
    assert_eq!(
        used.len(),
        known.len(),
        "stale entries in known-differences.tsv"
    );
    assert!(expected.len() > 2000);
}
