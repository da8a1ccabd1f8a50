//! DKIM results against dkimpy, signature by signature, on every signed
//! message of ../shared/corpus/dkim whose keys are there.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::util::*;

/// The corpus groups: a folder of messages and the key files that go with
/// them (as ../shared/corpus/dkim/DKIM_CASES.tsv pairs them).
fn groups() -> Vec<(PathBuf, Vec<PathBuf>)> {
    let d = shared_corpus().join("dkim");
    let keys_in = |dir: &Path, suffix: &str| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("read_dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.to_string_lossy().ends_with(suffix))
            .collect();
        v.sort();
        v
    };
    vec![
        (
            d.join("mail-auth/split/dkim"),
            keys_in(&d.join("mail-auth/split/dkim"), ".dns.txt"),
        ),
        (
            d.join("mail-auth/split/arc"),
            keys_in(&d.join("mail-auth/split/arc"), ".dns.txt"),
        ),
        (d.join("dkimpy"), vec![d.join("dkimpy/DNS_FROM_TESTS.txt")]),
        (
            d.join("mimekit"),
            vec![
                d.join("mimekit/gmail.dns.txt"),
                d.join("mimekit/rfc8463.dns.txt"),
            ],
        ),
        (d.join("rspamd"), vec![d.join("rspamd/FAKE_DNS.txt")]),
        (
            d.join("perl-mail-dkim"),
            vec![d.join("perl-mail-dkim/FAKE_DNS.dat")],
        ),
        (
            root().join("samples/dump"),
            vec![root().join("samples/dkim-keys.txt")],
        ),
        (
            shared_corpus().join("email/tika/mail-module"),
            vec![d.join("rfc-examples/rfc6376-appendixC.dns.txt")],
        ),
    ]
}

#[test]
#[ignore = "needs ../shared/corpus and dkimpy (pip install dkimpy pynacl)"]
fn dkim_results_agree_with_dkimpy() {
    let mut compared = 0;
    let mut passes = 0;
    let mut disagreements = Vec::new();
    for (dir, keys) in groups() {
        let mut args: Vec<String> = vec![dir.to_string_lossy().into_owned()];
        for k in &keys {
            args.push("--dkim-keys".into());
            args.push(k.to_string_lossy().into_owned());
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let (report, _) = scan(&refs);
        // Messages that are files on disk, or messages of an mbox on disk
        // (the oracle reads those with Python's mailbox module).
        let mut ours = Vec::new();
        for item in &report.items {
            let Some(e) = &item.email else { continue };
            if e.dkim.is_empty() {
                continue;
            }
            let (file, index) = match item.path.split_once('!') {
                None => (item.path.clone(), None),
                Some((f, n)) if f.ends_with(".mbox") && n.parse::<usize>().is_ok() => {
                    (f.to_string(), n.parse::<usize>().ok())
                }
                Some(_) => continue,
            };
            ours.push((dir.join(file), index, e.dkim.clone()));
        }
        let request = serde_json::json!({
            "keys": keys,
            "messages": ours.iter().map(|(p, index, sigs)| serde_json::json!({
                "file": p,
                "mbox_index": index,
                "times": sigs.iter().map(|s| s.judged_at).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        let mut child = Command::new("python3")
            .arg(root().join("tests/oracle/dkim_oracle.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3");
        serde_json::to_writer(child.stdin.take().expect("stdin"), &request).expect("write");
        let out = child.wait_with_output().expect("oracle");
        assert!(
            out.status.success(),
            "dkim oracle failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let theirs: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        for ((path, _, sigs), t) in ours.iter().zip(theirs.as_array().expect("array")) {
            let results = t["results"].as_array().expect("results");
            assert_eq!(
                results.len(),
                sigs.len(),
                "{}: signature count",
                path.display()
            );
            for (i, (s, r)) in sigs.iter().zip(results).enumerate() {
                compared += 1;
                let their_pass = r["pass"].as_bool().expect("bool");
                let reason = r["reason"].as_str().unwrap_or("");
                let our_pass = s.status == leakcheck::email::dkim::Status::Pass;
                passes += usize::from(our_pass);
                let body_theirs = reason.contains("body hash mismatch");
                let body_ours = s.status == leakcheck::email::dkim::Status::FailBody;
                // A body mismatch is found before the key is needed; dkimpy
                // looks the key up first, so it may stop at a key problem.
                let body_disagrees = body_theirs != body_ours
                    && !(body_ours && !their_pass && !reason.contains("signature did not verify"));
                if our_pass != their_pass || body_disagrees {
                    disagreements.push(format!(
                        "{} sig {i} ({}/{}): leakcheck {} ({}) vs dkimpy {} ({reason})",
                        path.display(),
                        s.domain,
                        s.selector,
                        s.status.as_str(),
                        s.reason,
                        if their_pass { "pass" } else { "fail" },
                    ));
                }
            }
        }
    }
    eprintln!("{compared} signatures compared, {passes} pass");
    assert!(compared >= 100, "only {compared} signatures compared");
    assert!(passes >= 30, "only {passes} passes");
    assert!(
        disagreements.is_empty(),
        "{} disagreements with dkimpy:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
