//! Tests of `leakcheck diff`: a small dump is scanned, a copy of it is
//! changed one way at a time and scanned again, and the diff must name each
//! change as what it is.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::*;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\nIDATx\x9cc\0\x01\0\0\x05\0\x01\r\n-\xb4\0\0\0\0IEND\xaeB`\x82";

fn message(n: u32, subject: &str, body: &str) -> String {
    format!(
        "From: alice@example.org\nTo: bob@example.org\nSubject: {subject}\nDate: Mon, 2 Jan 2017 1{n}:00:00 +0000\nMessage-ID: <m{n}@example.org>\n\n{body}\n"
    )
}

fn mbox(second_subject: &str) -> Vec<u8> {
    let mut s = String::new();
    for (n, subject, body) in [
        (1, "budget", "numbers attached later"),
        (2, second_subject, "see you at noon"),
        (3, "re: lunch", "fine by me"),
    ] {
        s.push_str(&format!(
            "From alice@example.org Mon Jan  2 1{n}:00:00 2017\n"
        ));
        s.push_str(&message(n, subject, body));
        s.push('\n');
    }
    s.into_bytes()
}

/// The dump every case starts from.
fn base(dir: &Path) {
    write(dir, "notes.txt", b"meeting notes: nothing to see\n");
    write(dir, "docs/report.txt", b"quarterly report, draft 3\n");
    write(dir, "docs/copy-a.txt", b"the same words twice\n");
    write(dir, "docs/copy-b.txt", b"the same words twice\n");
    write(dir, "mail/inbox.mbox", &mbox("lunch"));
    write(
        dir,
        "archive.zip",
        &zip_of(&[
            ("plan.txt", b"the plan"),
            ("people.csv", b"name\nalice\nbob\n"),
        ]),
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// Two scans of the dump: before and after `change`.
struct Case {
    dir: tempfile::TempDir,
    old: PathBuf,
    new: PathBuf,
}

impl Case {
    fn new(change: impl FnOnce(&Path)) -> Case {
        Case::with(&[], &[], change)
    }

    fn with(old_args: &[&str], new_args: &[&str], change: impl FnOnce(&Path)) -> Case {
        let dir = tempdir();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        base(&a);
        copy_dir(&a, &b);
        change(&b);
        let old = report_of(&a, old_args, &dir.path().join("old.json"));
        let new = report_of(&b, new_args, &dir.path().join("new.json"));
        Case { dir, old, new }
    }

    fn text(&self, code: i32) -> String {
        diff_text(&self.old, &self.new, code)
    }

    fn json(&self, code: i32) -> Value {
        diff_json(&self.old, &self.new, code)
    }
}

fn report_of(root: &Path, extra: &[&str], out: &Path) -> PathBuf {
    let mut args = vec![root.to_str().expect("utf-8 temp path")];
    args.extend_from_slice(extra);
    let (_, bytes) = scan(&args);
    std::fs::write(out, bytes).expect("write report");
    out.to_path_buf()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

fn diff_text(old: &Path, new: &Path, code: i32) -> String {
    let out = run(&["diff", s(old), s(new)], code);
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn diff_json(old: &Path, new: &Path, code: i32) -> Value {
    let out = run(&["diff", "--json", s(old), s(new)], code);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "diff --json does not parse: {e}\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// (change, old_path, path) of every item difference, in output order.
fn item_changes(d: &Value) -> Vec<(String, Option<String>, String)> {
    d["items"]
        .as_array()
        .expect("items array")
        .iter()
        .map(|c| {
            (
                c["change"].as_str().expect("change").to_string(),
                c["old_path"].as_str().map(str::to_string),
                c["path"].as_str().expect("path").to_string(),
            )
        })
        .collect()
}

fn changes_of(d: &Value, kind: &str) -> Vec<String> {
    item_changes(d)
        .into_iter()
        .filter(|c| c.0 == kind)
        .map(|c| match c.1 {
            Some(old) => format!("{old} -> {}", c.2),
            None => c.2,
        })
        .collect()
}

fn count(d: &Value, what: &str, kind: &str) -> u64 {
    d["counts"][what][kind].as_u64().expect("count")
}

/// A text line `<label> <rest>`, `rest` followed by two spaces or the end.
fn has_line(text: &str, label: &str, rest: &str) -> bool {
    text.lines().any(|l| {
        l.trim_start().strip_prefix(label).is_some_and(|r| {
            let r = r.trim_start();
            r == rest || r.starts_with(&format!("{rest}  "))
        })
    })
}

#[test]
fn a_report_against_itself_and_a_rescan_of_the_same_dump_are_empty() {
    let c = Case::new(|_| {});
    let text = diff_text(&c.old, &c.old, 0);
    assert!(text.starts_with("no differences:"), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
    let text = c.text(0);
    assert!(text.starts_with("no differences:"), "{text}");
    assert!(!text.contains("settings differ"), "{text}");
    let d = c.json(0);
    assert_eq!(d["items"], Value::Array(vec![]));
    assert_eq!(d["findings"], Value::Array(vec![]));
    assert_eq!(d["notes"], Value::Array(vec![]));
    let old: leakcheck::Report =
        serde_json::from_slice(&std::fs::read(&c.old).expect("read")).expect("report");
    assert_eq!(count(&d, "items", "matched"), old.items.len() as u64);
    for k in ["changed", "moved", "added", "removed"] {
        assert_eq!(count(&d, "items", k), 0, "{k}");
    }
    assert_eq!(
        count(&d, "findings", "unchanged"),
        old.findings.len() as u64
    );
}

#[test]
fn an_edited_byte_is_a_change_with_both_hashes() {
    let c = Case::new(|b| {
        write(b, "docs/report.txt", b"quarterly report, draft 4\n");
    });
    let d = c.json(1);
    assert_eq!(changes_of(&d, "changed"), vec!["docs/report.txt"]);
    assert_eq!(item_changes(&d).len(), 1);
    let ch = &d["items"][0];
    assert_eq!(ch["what"], serde_json::json!(["sha256"]));
    assert_eq!(
        ch["old"]["sha256"].as_str(),
        Some(sha256(b"quarterly report, draft 3\n").as_str())
    );
    assert_eq!(
        ch["new"]["sha256"].as_str(),
        Some(sha256(b"quarterly report, draft 4\n").as_str())
    );
    let text = c.text(1);
    let old8 = &sha256(b"quarterly report, draft 3\n")[..8];
    let new8 = &sha256(b"quarterly report, draft 4\n")[..8];
    assert!(
        text.contains(&format!("changed  docs/report.txt  sha256 {old8}…→{new8}…")),
        "{text}"
    );
    assert!(
        text.starts_with("items: 1 changed, 0 moved, 0 added, 0 removed,"),
        "{text}"
    );
}

#[test]
fn renames_are_moves_members_included_and_duplicates_pair_in_path_order() {
    let c = Case::new(|b| {
        std::fs::rename(b.join("notes.txt"), b.join("notes-old.txt")).expect("rename");
        std::fs::rename(b.join("archive.zip"), b.join("backup.zip")).expect("rename");
        std::fs::rename(b.join("docs/copy-a.txt"), b.join("docs/z-second.txt")).expect("rename");
        std::fs::rename(b.join("docs/copy-b.txt"), b.join("docs/y-first.txt")).expect("rename");
    });
    let d = c.json(1);
    let mut moved = changes_of(&d, "moved");
    moved.sort();
    assert_eq!(
        moved,
        vec![
            "archive.zip -> backup.zip",
            "archive.zip!people.csv -> backup.zip!people.csv",
            "archive.zip!plan.txt -> backup.zip!plan.txt",
            // Same content: the gone paths and the new ones pair in path order.
            "docs/copy-a.txt -> docs/y-first.txt",
            "docs/copy-b.txt -> docs/z-second.txt",
            "notes.txt -> notes-old.txt",
        ]
    );
    assert_eq!(item_changes(&d).len(), 6, "nothing also added or removed");
    assert_eq!(count(&d, "items", "moved"), 6);
    let text = c.text(1);
    assert!(
        has_line(&text, "moved", "notes.txt -> notes-old.txt"),
        "{text}"
    );
    // The container comes before its members.
    let at = |p: &str| {
        text.find(p)
            .unwrap_or_else(|| panic!("{p} missing:\n{text}"))
    };
    assert!(at("archive.zip -> backup.zip") < at("archive.zip!plan.txt ->"));
}

#[test]
fn a_deleted_file_is_removed_and_a_new_one_added() {
    let c = Case::new(|b| {
        std::fs::remove_file(b.join("notes.txt")).expect("rm");
        write(b, "docs/new.txt", b"brand new\n");
    });
    let d = c.json(1);
    assert_eq!(changes_of(&d, "removed"), vec!["notes.txt"]);
    assert_eq!(changes_of(&d, "added"), vec!["docs/new.txt"]);
    assert_eq!(item_changes(&d).len(), 2);
    // Removed items come last, after everything in the new report.
    assert_eq!(item_changes(&d)[1].0, "removed");
    let text = c.text(1);
    assert!(has_line(&text, "removed", "notes.txt"), "{text}");
    assert!(has_line(&text, "added", "docs/new.txt"), "{text}");
    assert!(
        text.contains("added    docs/new.txt  (file, text/plain, 10 bytes)"),
        "{text}"
    );
}

#[test]
fn a_changed_zip_member_shows_the_zip_first_then_the_member() {
    let c = Case::new(|b| {
        write(
            b,
            "archive.zip",
            &zip_of(&[
                ("plan.txt", b"the real plan"),
                ("people.csv", b"name\nalice\nbob\n"),
            ]),
        );
    });
    let d = c.json(1);
    assert_eq!(
        changes_of(&d, "changed"),
        vec!["archive.zip", "archive.zip!plan.txt"]
    );
    assert_eq!(item_changes(&d).len(), 2, "people.csv matched");
    let member = &d["items"][1];
    assert_eq!(member["what"], serde_json::json!(["size", "sha256"]));
    assert_eq!(member["old"]["size"], 8);
    assert_eq!(member["new"]["size"], 13);
    let text = c.text(1);
    assert!(
        text.contains("archive.zip!plan.txt  size 8 → 13, sha256 "),
        "{text}"
    );
}

#[test]
fn a_changed_message_in_the_mbox_shows_the_mbox_then_the_message() {
    let c = Case::new(|b| {
        write(b, "mail/inbox.mbox", &mbox("dinner"));
    });
    let d = c.json(1);
    assert_eq!(
        changes_of(&d, "changed"),
        vec!["mail/inbox.mbox", "mail/inbox.mbox!2"]
    );
    for k in ["moved", "added", "removed"] {
        assert!(changes_of(&d, k).is_empty(), "{k}: {d:#}");
    }
    let text = c.text(1);
    assert!(has_line(&text, "changed", "mail/inbox.mbox"), "{text}");
    assert!(has_line(&text, "changed", "mail/inbox.mbox!2"), "{text}");
    assert!(!has_line(&text, "changed", "mail/inbox.mbox!1"), "{text}");
}

#[test]
fn findings_new_gone_and_changed() {
    // A PNG named .pdf: added item and a new type.mismatch finding.
    let c = Case::new(|b| {
        write(b, "scan.pdf", PNG);
    });
    let d = c.json(1);
    assert_eq!(changes_of(&d, "added"), vec!["scan.pdf"]);
    let f = d["findings"].as_array().expect("findings");
    assert_eq!(f.len(), 1, "{d:#}");
    assert_eq!(f[0]["change"], "new");
    assert_eq!(f[0]["new"]["rule"], "type.mismatch");
    assert_eq!(f[0]["new"]["paths"][0], "scan.pdf");
    assert!(f[0]["old"].is_null());
    assert_eq!(count(&d, "findings", "new"), 1);
    let text = c.text(1);
    let line = text
        .lines()
        .find(|l| l.contains("new finding"))
        .unwrap_or_else(|| panic!("no new finding:\n{text}"));
    assert!(
        line.contains("MEDIUM    type.mismatch  scan.pdf: The item is named 'scan.pdf'"),
        "{line}"
    );

    // The other way round it is gone.
    let d = diff_json(&c.new, &c.old, 1);
    assert_eq!(changes_of(&d, "removed"), vec!["scan.pdf"]);
    assert_eq!(d["findings"][0]["change"], "gone");
    assert_eq!(d["findings"][0]["old"]["rule"], "type.mismatch");
    assert_eq!(count(&d, "findings", "gone"), 1);
    let text = diff_text(&c.new, &c.old, 1);
    assert!(
        text.contains("gone finding     MEDIUM    type.mismatch  scan.pdf: "),
        "{text}"
    );

    // A program under that name: the same observation, now worse.
    let exe = c.dir.path().join("c");
    copy_dir(&c.dir.path().join("b"), &exe);
    let mut mz = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec();
    mz.resize(256, 0);
    write(&exe, "scan.pdf", &mz);
    let worse = report_of(&exe, &[], &c.dir.path().join("exe.json"));
    let d = diff_json(&c.new, &worse, 1);
    assert_eq!(changes_of(&d, "changed"), vec!["scan.pdf"]);
    let f = d["findings"].as_array().expect("findings");
    assert_eq!(f.len(), 1, "{d:#}");
    assert_eq!(f[0]["change"], "changed");
    assert_eq!(f[0]["old"]["severity"], "medium");
    assert_eq!(f[0]["new"]["severity"], "high");
    assert_ne!(f[0]["old"]["id"], f[0]["new"]["id"]);
    let text = diff_text(&c.new, &worse, 1);
    assert!(
        text.contains("changed finding  MEDIUM→HIGH  type.mismatch  scan.pdf: "),
        "{text}"
    );

    // Renamed: the item moved, and its finding (whose message names the
    // file) follows it as one changed finding, not a gone and a new one.
    let renamed = c.dir.path().join("d");
    copy_dir(&c.dir.path().join("b"), &renamed);
    std::fs::rename(renamed.join("scan.pdf"), renamed.join("scan2.pdf")).expect("rename");
    let moved = report_of(&renamed, &[], &c.dir.path().join("renamed.json"));
    let d = diff_json(&c.new, &moved, 1);
    assert_eq!(changes_of(&d, "moved"), vec!["scan.pdf -> scan2.pdf"]);
    assert_eq!(d["findings"][0]["change"], "changed", "{d:#}");
    let text = diff_text(&c.new, &moved, 1);
    assert!(
        text.contains("changed finding  MEDIUM    type.mismatch  scan.pdf -> scan2.pdf: "),
        "{text}"
    );
}

#[test]
fn json_output_has_every_documented_field() {
    let c = Case::new(|b| {
        write(b, "docs/report.txt", b"quarterly report, draft 4\n");
        std::fs::rename(b.join("notes.txt"), b.join("notes2.txt")).expect("rename");
        std::fs::remove_file(b.join("docs/copy-b.txt")).expect("rm");
        write(b, "added.txt", b"added\n");
    });
    let d = c.json(1);
    for key in ["old", "new", "notes", "counts", "items", "findings"] {
        assert!(d.get(key).is_some(), "{key} missing: {d:#}");
    }
    assert_eq!(d["old"]["tool"]["name"], "leakcheck");
    assert!(
        d["old"]["inputs"][0]
            .as_str()
            .is_some_and(|p| p.ends_with("/a"))
    );
    assert!(d["new"]["items"].as_u64().is_some());
    for (k, n) in [("changed", 1), ("moved", 1), ("added", 1), ("removed", 1)] {
        assert_eq!(count(&d, "items", k), n, "{k}");
    }
    for c in d["items"].as_array().expect("items") {
        for key in ["change", "path", "old_path", "what", "old", "new"] {
            assert!(c.get(key).is_some(), "{key} missing in {c}");
        }
    }
    // Deterministic: the same two reports give the same bytes.
    let a = run(&["diff", "--json", s(&c.old), s(&c.new)], 1).stdout;
    let b = run(&["diff", "--json", s(&c.old), s(&c.new)], 1).stdout;
    assert_eq!(a, b);
    // The items follow the new report's order, removed ones last.
    let order: Vec<String> = item_changes(&d).into_iter().map(|c| c.2).collect();
    assert_eq!(
        order,
        vec![
            "added.txt",
            "docs/report.txt",
            "notes2.txt",
            "docs/copy-b.txt"
        ]
    );
}

#[test]
fn differing_options_and_versions_are_shown_but_are_not_differences() {
    let c = Case::with(&[], &["--exclude", "nothing-matches-*"], |_| {});
    let text = c.text(0);
    assert!(text.starts_with("no differences:"), "{text}");
    assert!(text.contains("settings differ"), "{text}");
    assert!(
        text.contains("options.excludes  [] → [\"nothing-matches-*\"]"),
        "{text}"
    );
    let d = c.json(0);
    assert_eq!(d["notes"][0]["field"], "options.excludes");

    // Another tool version, and a limit that changes what is read.
    let mut v: Value = serde_json::from_slice(&std::fs::read(&c.old).expect("read")).expect("json");
    v["tool"]["version"] = Value::from("0.0.1");
    let older = c.dir.path().join("older.json");
    std::fs::write(&older, serde_json::to_vec(&v).expect("json")).expect("write");
    let text = diff_text(&older, &c.old, 0);
    assert!(text.contains("tool.version"), "{text}");
    assert!(text.contains("0.0.1 → "), "{text}");

    let shallow = report_of(
        &c.dir.path().join("a"),
        &["--max-depth", "0"],
        &c.dir.path().join("shallow.json"),
    );
    let d = diff_json(&c.old, &shallow, 1);
    assert!(
        d["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .any(|n| n["field"] == "options.limits.max_depth" && n["old"] == 32 && n["new"] == 0),
        "{d:#}"
    );
    // Members are no longer listed: removed, not moved.
    let removed = changes_of(&d, "removed");
    assert!(
        removed.contains(&"archive.zip!plan.txt".to_string()),
        "{d:#}"
    );
    assert!(removed.contains(&"mail/inbox.mbox!2".to_string()), "{d:#}");
}

#[test]
fn a_file_that_is_not_a_report_exits_2_with_a_clear_message() {
    let c = Case::new(|_| {});
    let bogus = write(c.dir.path(), "bogus.json", b"{\"hello\": \"world\"}\n");
    let out = run(&["diff", s(&bogus), s(&c.new)], 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not a leakcheck scan report"), "{err}");
    assert!(err.contains("bogus.json"), "{err}");
    assert!(out.stdout.is_empty());

    let text = write(c.dir.path(), "notes.txt", b"just some notes\n");
    let out = run(&["diff", "--json", s(&c.old), s(&text)], 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("notes.txt' is not a leakcheck scan report"),
        "{err}"
    );

    let missing = c.dir.path().join("missing.json");
    let out = run(&["diff", s(&missing), s(&c.new)], 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot read"), "{err}");
}
