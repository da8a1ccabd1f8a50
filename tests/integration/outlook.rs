//! Outlook `.msg`, `.pst` and TNEF against independent readers, on every
//! such file of ../shared/corpus: extract-msg (PyPI) for `.msg`, Debian's
//! `tnef` for TNEF, Debian's `readpst` (libpst) for `.pst`
//! (tests/oracle/outlook_oracle.py).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::util::*;

/// Files where leakcheck and the oracle differ, and why leakcheck is right.
const KNOWN: &[(&str, &str)] = &[
    (
        "poi-hsmf-chinese-traditional.msg",
        "extract-msg decodes the 8-bit subject with the wrong code page; PR_INTERNET_CPID is 950 (Big5), so it reads '格式測試', as leakcheck does",
    ),
    (
        "tika-outlook-testMSG_chinese.msg",
        "the same message as poi-hsmf-chinese-traditional.msg",
    ),
    (
        "poi-hsmf-logsat.com_signatures_valid.msg",
        "a signed message: Outlook keeps its MIME entity as one attachment tagged multipart/signed; extract-msg unwraps it to the signature smime.p7s, leakcheck lists the entity as an email (smime.eml) whose members are the text and smime.p7s",
    ),
    (
        "mimekit-tnef-panic.tnef",
        "damaged (an attribute declares 1.6 GB): Debian's tnef extracts nothing; leakcheck reads the three attachments before the damage, the ones MimeKit's own expected list (panic.list) names, and reports the damage",
    ),
    (
        "poi-hsmf-ASCII_CP1251_LCID1049.msg",
        "extract-msg decodes the 8-bit subject as Latin-1; the message's code page (PR_MESSAGE_CODEPAGE) is 1251, so it is Cyrillic ('автоматически'), as leakcheck reads it",
    ),
    (
        "poi-hsmf-HTMLBodyBinary_CP1251.msg",
        "the same: code page 1251 read as Latin-1 by extract-msg",
    ),
];

/// Every Outlook file of the corpus, by its magic bytes.
fn outlook_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(shared_corpus().join("email")).sort_by_file_name() {
        let e = e.expect("walk");
        if !e.file_type().is_file() {
            continue;
        }
        let mut head = [0u8; 8];
        let n = std::io::Read::read(&mut std::fs::File::open(e.path()).expect("open"), &mut head)
            .unwrap_or(0);
        let head = &head[..n];
        let ole_msg = head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
            && e.path().extension().is_some_and(|x| x == "msg");
        if ole_msg || head.starts_with(&[0x78, 0x9F, 0x3E, 0x22]) || head.starts_with(b"!BDN") {
            out.push(e.path().to_path_buf());
        }
    }
    out
}

/// Names, sorted, and SHA-256s, sorted, of the direct members of `parent`.
fn members(r: &leakcheck::Report, parent: &str) -> Vec<(String, Option<String>, String)> {
    let mut v: Vec<(String, Option<String>, String)> = r
        .items
        .iter()
        .filter(|i| i.parent.as_deref() == Some(parent))
        .map(|i| {
            let name = i
                .metadata
                .get("name")
                .and_then(|n| n.as_str())
                .map(str::to_string)
                .unwrap_or_else(|| {
                    i.path
                        .rsplit('!')
                        .next()
                        .unwrap_or("")
                        .replace("%21", "!")
                        .replace("%25", "%")
                });
            (name, i.sha256.clone(), i.path.clone())
        })
        .collect();
    v.sort();
    v
}

/// Compares one `.msg` tree; returns the differences.
fn compare_msg(r: &leakcheck::Report, path: &str, oracle: &Value, out: &mut Vec<String>) {
    let this = item(r, path);
    let subject = this
        .email
        .as_ref()
        .and_then(|e| e.subject.clone())
        .unwrap_or_default();
    // extract-msg keeps the terminating NUL of some strings.
    let want = oracle["subject"]
        .as_str()
        .unwrap_or("")
        .trim_end_matches('\0');
    if subject.trim() != want.trim() {
        out.push(format!("{path}: subject '{subject}' vs oracle '{want}'"));
    }
    let ours = members(r, path);
    let theirs = oracle["attachments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if ours.len() != theirs.len() {
        out.push(format!(
            "{path}: {} attachments vs oracle {}",
            ours.len(),
            theirs.len()
        ));
        return;
    }
    let mut our_files: Vec<(String, String)> = Vec::new();
    let mut their_files: Vec<(String, String)> = Vec::new();
    let mut our_msgs: Vec<&(String, Option<String>, String)> = Vec::new();
    let mut their_msgs: Vec<&Value> = Vec::new();
    for o in &ours {
        let (name, hash, p) = o;
        if name.ends_with(".eml") && item(r, p).email.is_some() {
            our_msgs.push(o);
        } else {
            our_files.push((name.clone(), hash.clone().unwrap_or_default()));
        }
    }
    for a in &theirs {
        if a.get("message").is_some() {
            their_msgs.push(a);
        } else {
            their_files.push((
                a["name"].as_str().unwrap_or("").to_string(),
                a["sha256"].as_str().unwrap_or("").to_string(),
            ));
        }
    }
    our_files.sort();
    their_files.sort();
    if our_files != their_files {
        out.push(format!(
            "{path}: attachments {our_files:?} vs oracle {their_files:?}"
        ));
    }
    if our_msgs.len() != their_msgs.len() {
        out.push(format!(
            "{path}: {} embedded messages vs oracle {}",
            our_msgs.len(),
            their_msgs.len()
        ));
        return;
    }
    // Embedded messages are matched by subject.
    for m in their_msgs {
        let want = m["message"]["subject"].as_str().unwrap_or("");
        match our_msgs.iter().find(|o| {
            item(r, &o.2)
                .email
                .as_ref()
                .and_then(|e| e.subject.as_deref())
                .unwrap_or("")
                .trim()
                == want.trim()
        }) {
            Some(o) => compare_msg(r, &o.2, &m["message"], out),
            None => out.push(format!("{path}: no embedded message with subject '{want}'")),
        }
    }
}

#[test]
#[ignore = "needs ../shared/corpus, extract-msg (pip), tnef and readpst (Debian packages tnef, pst-utils)"]
fn outlook_files_agree_with_extract_msg_tnef_and_readpst() {
    let files = outlook_files();
    assert!(
        files.len() >= 40,
        "expected the corpus's Outlook files, found {}",
        files.len()
    );
    // Copied under unique names, so the scan sees only these files.
    let dir = tempdir();
    let base = shared_corpus().join("email");
    let mut names = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&base).expect("under email/");
        let name = rel.to_string_lossy().replace('/', "-");
        std::fs::copy(f, dir.path().join(&name)).expect("copy");
        names.push(name);
    }
    let out = Command::new("python3")
        .arg(root().join("tests/oracle/outlook_oracle.py"))
        .args(names.iter().map(|n| dir.path().join(n)))
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "oracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let oracle: BTreeMap<String, Value> = serde_json::from_slice(&out.stdout).expect("oracle JSON");
    let r = scan_path(dir.path(), &[]);
    let known: BTreeMap<&str, &str> = KNOWN.iter().copied().collect();
    let mut differences = Vec::new();
    let mut compared = 0;
    let mut known_used = 0;
    for name in &names {
        let o = &oracle[&dir.path().join(name).to_string_lossy().to_string()];
        if o.get("error").is_some() {
            differences.push(format!("{name}: the oracle failed: {}", o["error"]));
            continue;
        }
        let mut diff = Vec::new();
        if o.get("subject").is_some() {
            compare_msg(&r, name, o, &mut diff);
        } else if let Some(want) = o.get("names") {
            let ours = members(&r, name);
            let mut our_names: Vec<&str> = ours.iter().map(|m| m.0.as_str()).collect();
            our_names.sort();
            let mut our_hashes: Vec<String> = ours.iter().filter_map(|m| m.1.clone()).collect();
            our_hashes.sort();
            let want_names: Vec<&str> = want
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str())
                .collect();
            let want_hashes: Vec<String> = o["sha256"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(String::from))
                .collect();
            if our_names != want_names {
                diff.push(format!(
                    "{name}: names {our_names:?} vs tnef {want_names:?}"
                ));
            }
            if our_hashes != want_hashes {
                diff.push(format!(
                    "{name}: {} attachment digests differ from tnef's",
                    our_hashes.len()
                ));
            }
        } else if let Some(msgs) = o.get("messages") {
            let mut ours: Vec<String> = r
                .items
                .iter()
                .filter(|i| i.parent.as_deref() == Some(name.as_str()))
                .filter_map(|i| i.email.as_ref().and_then(|e| e.subject.clone()))
                .collect();
            ours.sort();
            let theirs: Vec<String> = msgs
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| m["subject"].as_str().unwrap_or("").to_string())
                .collect();
            if ours != theirs {
                diff.push(format!("{name}: subjects {ours:?} vs readpst {theirs:?}"));
            }
        }
        compared += 1;
        match (diff.is_empty(), known.contains_key(name.as_str())) {
            (true, true) => differences.push(format!(
                "{name}: listed as a known difference but agrees (stale entry)"
            )),
            (false, true) => known_used += 1,
            (true, false) => {}
            (false, false) => differences.extend(diff),
        }
    }
    assert!(
        differences.is_empty(),
        "differences:\n{}",
        differences.join("\n")
    );
    assert_eq!(known_used, KNOWN.len());
    assert!(compared >= 40, "compared {compared}");
}
