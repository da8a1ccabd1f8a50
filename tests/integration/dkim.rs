//! DKIM results against dkimpy, signature by signature, on every signed
//! message of ../shared/corpus/dkim whose keys are there.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use leakcheck::Severity;

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

/// A resolver on loopback that answers TXT queries from `zone` (and
/// NXDOMAIN otherwise), counting the queries it gets.
fn fake_resolver(
    zone: Vec<(String, String)>,
) -> (
    std::net::SocketAddr,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    use hickory_proto::op::{Message, ResponseCode};
    use hickory_proto::rr::rdata::TXT;
    use hickory_proto::rr::{RData, Record};
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    let addr = sock.local_addr().expect("addr");
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 2048];
        while let Ok((n, from)) = sock.recv_from(&mut buf) {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let Ok(q) = Message::from_vec(&buf[..n]) else {
                continue;
            };
            let mut r = Message::response(q.metadata.id, q.metadata.op_code);
            let name = q.queries[0].name().to_ascii();
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            r.add_query(q.queries[0].clone());
            match zone.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => {
                    // Split as a zone file would, in 255-byte strings.
                    let parts: Vec<String> = value
                        .as_bytes()
                        .chunks(255)
                        .map(|c| String::from_utf8_lossy(c).into_owned())
                        .collect();
                    r.add_answer(Record::from_rdata(
                        q.queries[0].name().clone(),
                        300,
                        RData::TXT(TXT::new(parts)),
                    ));
                }
                None => r.metadata.response_code = ResponseCode::NXDomain,
            }
            let _ = sock.send_to(&r.to_vec().expect("encode"), from);
        }
    });
    (addr, count)
}

#[test]
fn dns_lookups_are_opt_in_and_written_down_for_offline_reruns() {
    let keys = std::fs::read_to_string(root().join("samples/dkim-keys.txt")).expect("keys");
    let (name, value) = keys
        .lines()
        .find(|l| l.contains("._domainkey."))
        .and_then(|l| l.split_once(' '))
        .expect("a key line");
    let (server, queries) = fake_resolver(vec![(name.to_string(), value.to_string())]);
    let dir = tempdir();
    let answers = dir.path().join("answers.txt");
    let dump = samples().to_string_lossy().to_string();
    let server_arg = server.to_string();
    let answers_arg = answers.to_string_lossy().to_string();

    // Off by default: no key, no query.
    let (offline, _) = scan(&[dump.as_str()]);
    assert_eq!(offline.summary.dkim.verified, 0);

    let (live, _) = scan(&[
        dump.as_str(),
        "--dns",
        &answers_arg,
        "--dns-server",
        &server_arg,
    ]);
    assert_eq!(
        live.summary.dkim.verified, 36,
        "the live key verifies the signed mail"
    );
    assert_eq!(
        queries.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "one query per name, however many messages use it"
    );
    let written = std::fs::read_to_string(&answers).expect("answers written");
    assert!(
        written.contains(name) && written.contains("p="),
        "{written}"
    );

    // The written file alone reproduces the results offline.
    let (again, _) = scan(&[dump.as_str(), "--dkim-keys", &answers_arg]);
    assert_eq!(again.summary.dkim, live.summary.dkim);

    // A resolver that does not know the name: NXDOMAIN is recorded too.
    let (empty, _) = fake_resolver(Vec::new());
    let nx = dir.path().join("nx.txt");
    let (r, _) = scan(&[
        dump.as_str(),
        "--dns",
        &nx.to_string_lossy(),
        "--dns-server",
        &empty.to_string(),
    ]);
    assert_eq!(r.summary.dkim.verified, 0);
    assert!(
        std::fs::read_to_string(&nx)
            .expect("written")
            .contains("NXDOMAIN")
    );

    // Never inside the evidence.
    let inside = samples().join("answers.txt").to_string_lossy().to_string();
    let out = run(
        &[
            "scan",
            dump.as_str(),
            "--dns",
            &inside,
            "--dns-server",
            &server_arg,
        ],
        2,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to write"));
    assert!(!samples().join("answers.txt").exists());
}

#[test]
fn an_outlook_message_whose_kept_headers_were_edited_fails_its_header_signature() {
    let msg = std::fs::read(samples().join("outlook/2017-04-18-point-presse.msg")).expect("sample");
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect() };
    let (from, to) = (utf16("Subject: RE: Point"), utf16("Subject: RE: Poinx"));
    let at = msg
        .windows(from.len())
        .position(|w| w == from.as_slice())
        .expect("the transport headers hold the subject");
    let mut edited = msg.clone();
    edited[at..at + to.len()].copy_from_slice(&to);
    let dir = tempdir();
    write(dir.path(), "edited.msg", &edited);
    write(dir.path(), "genuine.msg", &msg);
    let keys = root().join("samples/dkim-keys.txt");
    let r = scan_path(dir.path(), &["--dkim-keys", &keys.to_string_lossy()]);
    let changed = findings(&r, "dkim.headers_changed");
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(changed[0].paths, vec!["edited.msg".to_string()]);
    assert_eq!(
        changed[0].severity,
        Severity::Medium,
        "relaxed canonicalization: not re-folding"
    );
    assert!(
        changed[0].message.contains("could not be checked"),
        "never claims the body matched"
    );
    // The displayed subject now disagrees with the edited header too.
    assert!(
        findings(&r, "outlook.properties_disagree")
            .iter()
            .any(|f| f.paths == vec!["edited.msg".to_string()])
    );
    // The untouched copy verifies over its headers, and no DKIM or Outlook
    // rule accuses it (message_id.reused names both copies, by design).
    let genuine = item(&r, "genuine.msg").email.as_ref().expect("email facts");
    assert_eq!(
        genuine.dkim[0].status,
        leakcheck::email::dkim::Status::PassHeaders
    );
    assert!(
        r.findings
            .iter()
            .filter(|f| f.paths.contains(&"genuine.msg".to_string()))
            .filter(|f| f.rule.starts_with("dkim.") || f.rule.starts_with("outlook."))
            .all(|f| f.supports || matches!(f.severity, Severity::Low | Severity::Info))
    );
}
