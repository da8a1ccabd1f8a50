//! Hostile and broken input: every case completes, lists what it can, and
//! says what it could not read.

use std::os::unix::ffi::OsStrExt;

use leakcheck::{ItemKind, Severity};

use crate::util::*;

#[test]
fn zip_bomb_member_is_stopped_by_the_ratio_guard() {
    let dir = tempdir();
    let zeros = vec![0u8; 24 << 20];
    write(
        dir.path(),
        "bomb.zip",
        &zip_of(&[("zeros.bin", &zeros), ("ok.txt", b"fine")]),
    );
    let r = scan_path(dir.path(), &[]);
    let bomb = item(&r, "bomb.zip!zeros.bin");
    assert!(bomb.sha256.is_none());
    assert!(bomb.error.as_deref().unwrap_or("").contains("limit.ratio"));
    let f = findings(&r, "limit.ratio");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].paths[0], "bomb.zip!zeros.bin");
    assert!(f[0].evidence["compressed_size"].as_u64().is_some());
    // The rest of the archive is still read.
    assert_eq!(
        item(&r, "bomb.zip!ok.txt").sha256.as_deref(),
        Some(sha256(b"fine").as_str())
    );
    let c = item(&r, "bomb.zip").container.clone().expect("container");
    assert_eq!((c.members_listed, c.members_read), (2, 1));
    assert!(
        r.summary
            .incomplete_containers
            .iter()
            .any(|i| i.path == "bomb.zip")
    );
    // A looser guard reads it whole.
    let r = scan_path(dir.path(), &["--max-ratio", "100000"]);
    assert_eq!(
        item(&r, "bomb.zip!zeros.bin").sha256.as_deref(),
        Some(sha256(&zeros).as_str())
    );
}

#[test]
fn nested_bomb_is_stopped_by_the_archive_budget() {
    let dir = tempdir();
    let block = vec![7u8; 1 << 20];
    let inner = zip_of(&[("a", &block), ("b", &block), ("c", &block)]);
    let outer = zip_of(&[("1.zip", &inner), ("2.zip", &inner), ("3.zip", &inner)]);
    write(dir.path(), "nested.zip", &outer);
    let r = scan_path(dir.path(), &["--max-archive-bytes", "4M"]);
    assert_eq!(
        findings(&r, "limit.archive_bytes").len(),
        1,
        "one finding per archive"
    );
    let unread: Vec<_> = r.items.iter().filter(|i| i.error.is_some()).collect();
    assert!(!unread.is_empty());
    // Every member is still listed, read or not.
    for z in ["1.zip", "2.zip", "3.zip"] {
        item(&r, &format!("nested.zip!{z}"));
    }
}

#[test]
fn truncated_zip_is_reported_not_fatal() {
    let dir = tempdir();
    let good = zip_of(&[("a.txt", b"alpha"), ("b.txt", b"beta")]);
    write(dir.path(), "cut.zip", &good[..good.len() / 2]);
    write(dir.path(), "after.txt", b"still scanned");
    let r = scan_path(dir.path(), &[]);
    let cut = item(&r, "cut.zip");
    assert_eq!(
        cut.sha256.as_deref(),
        Some(sha256(&good[..good.len() / 2]).as_str())
    );
    assert!(cut.error.is_some());
    assert_eq!(findings(&r, "ingest.damaged_container").len(), 1);
    item(&r, "after.txt");
}

#[test]
fn path_traversal_member_names_are_flagged_and_kept_verbatim() {
    let dir = tempdir();
    let z = zip_of(&[
        ("../escape.txt", b"1"),
        ("/etc/passwd", b"2"),
        ("C:\\win.ini", b"3"),
        ("fine/ok.txt", b"4"),
    ]);
    write(dir.path(), "evil.zip", &z);
    let r = scan_path(dir.path(), &[]);
    for name in ["../escape.txt", "/etc/passwd", "C:\\win.ini"] {
        let p = format!("evil.zip!{name}");
        item(&r, &p);
        assert!(
            findings(&r, "name.path_traversal")
                .iter()
                .any(|f| f.paths[0] == p),
            "{p} not flagged"
        );
    }
    assert_eq!(findings(&r, "name.path_traversal").len(), 3);
    // Nothing was written anywhere: the scan extracts nothing.
    assert!(!dir.path().join("escape.txt").exists());
}

#[test]
fn symlinks_are_listed_not_followed_and_loops_do_not_hang() {
    let dir = tempdir();
    write(dir.path(), "real/a.txt", b"a");
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("real/loop"))
        .expect("symlink");
    std::os::unix::fs::symlink("/etc/hostname", dir.path().join("outside")).expect("symlink");
    let r = scan_path(dir.path(), &[]);
    let l = item(&r, "real/loop");
    assert_eq!(l.kind, ItemKind::Symlink);
    assert!(l.sha256.is_none());
    assert_eq!(item(&r, "outside").kind, ItemKind::Symlink);
    assert_eq!(findings(&r, "fs.symlink").len(), 2);
    // Followed, the loop is reported and the scan still completes.
    let r = scan_path(dir.path(), &["--follow-symlinks"]);
    item(&r, "real/a.txt");
    let lp = item(&r, "real/loop");
    assert!(lp.error.as_deref().unwrap_or("").contains("loop"), "{lp:?}");
}

#[test]
fn names_that_are_not_utf8_or_hold_bang_and_percent_are_escaped() {
    let dir = tempdir();
    let raw = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    std::fs::write(dir.path().join(raw), b"x").expect("write");
    write(dir.path(), "a!b%c.txt", b"y");
    let r = scan_path(dir.path(), &[]);
    item(&r, "caf%E9.txt");
    item(&r, "a%21b%25c.txt");
}

#[test]
fn encrypted_members_are_listed_with_sizes_but_not_read() {
    // A stored zip with the "encrypted" flag set on its member, in both the
    // local and the central header: enough for a reader to refuse it.
    let mut z = zip_with(
        &[("secret.txt", b"attack at dawn")],
        zip::CompressionMethod::Stored,
    );
    z[6] |= 1;
    let cd = z
        .windows(4)
        .position(|w| w == b"PK\x01\x02")
        .expect("central directory");
    z[cd + 8] |= 1;
    let dir = tempdir();
    write(dir.path(), "locked.zip", &z);
    let r = scan_path(dir.path(), &[]);
    let s = item(&r, "locked.zip!secret.txt");
    assert!(s.sha256.is_none());
    assert_eq!(s.size, 14);
    assert_eq!(s.metadata["encrypted"], serde_json::json!(true));
    assert!(s.metadata.contains_key("crc32"));
    let c = item(&r, "locked.zip").container.clone().expect("container");
    assert_eq!((c.members_listed, c.members_read), (1, 0));
}

#[test]
fn depth_and_member_count_limits_are_findings() {
    let dir = tempdir();
    let mut z = zip_of(&[("core.txt", b"deep")]);
    for i in 0..5 {
        z = zip_of(&[(&format!("level{i}.zip"), &z)]);
    }
    write(dir.path(), "deep.zip", &z);
    let r = scan_path(dir.path(), &["--max-depth", "3"]);
    let f = findings(&r, "limit.depth");
    assert_eq!(f.len(), 1);
    assert!(r.items.iter().all(|i| i.path.matches('!').count() <= 3));

    let many: Vec<(String, Vec<u8>)> = (0..10)
        .map(|i| (format!("f{i}.txt"), vec![b'x'; i]))
        .collect();
    let refs: Vec<(&str, &[u8])> = many
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let dir = tempdir();
    write(dir.path(), "many.zip", &zip_of(&refs));
    let r = scan_path(dir.path(), &["--max-items-per-container", "4"]);
    let c = item(&r, "many.zip").container.clone().expect("container");
    assert_eq!((c.members_listed, c.members_read), (10, 4));
    let f = findings(&r, "limit.items_per_container");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].evidence["members_listed"], serde_json::json!(10));
}

#[test]
fn special_files_empty_files_and_crlf_mbox() {
    let dir = tempdir();
    let fifo = dir.path().join("pipe");
    let c = std::ffi::CString::new(fifo.as_os_str().as_bytes()).expect("path");
    // SAFETY: mkfifo with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    write(dir.path(), "empty.pdf", b"");
    let mbox = b"From a@x Mon Jan  2 10:00:00 2017\r\nFrom: a@x\r\nSubject: one\r\n\r\nhi\r\n\r\nFrom b@x Mon Jan  2 11:00:00 2017\r\nFrom: b@x\r\nSubject: two\r\n\r\nyo\r\n";
    write(dir.path(), "crlf.mbox", mbox);
    let r = scan_path(dir.path(), &[]);
    let p = item(&r, "pipe");
    assert_eq!(p.kind, ItemKind::Special);
    assert!(p.error.is_some());
    let e = item(&r, "empty.pdf");
    assert_eq!(e.sha256.as_deref(), Some(sha256(b"").as_str()));
    assert!(
        r.findings.iter().all(|f| f.severity < Severity::Medium),
        "an empty file or a FIFO is not evidence of forgery"
    );
    // CRLF blank lines are kept, as Python's mailbox keeps them.
    let first = item(&r, "crlf.mbox!1");
    assert_eq!(
        first.sha256.as_deref(),
        Some(sha256(b"From: a@x\r\nSubject: one\r\n\r\nhi\r\n\r\n").as_str())
    );
    let second = item(&r, "crlf.mbox!2").email.as_ref().expect("email facts");
    assert_eq!(second.subject.as_deref(), Some("two"));
}

#[test]
fn malformed_mime_and_bad_base64_do_not_lose_the_message() {
    let msg = b"From: a@x\nTo: b@x\nSubject: broken\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nhello\n--b\nContent-Type: application/pdf; name=\"x.pdf\"\nContent-Transfer-Encoding: base64\nJVBERi0xLjQK*!!garbage\n--b\nContent-Type: image/png; name=\"y.png\"\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo\n--b--\n";
    let dir = tempdir();
    write(dir.path(), "broken.eml", msg);
    let r = scan_path(dir.path(), &[]);
    let e = item(&r, "broken.eml");
    assert_eq!(e.kind, ItemKind::Email);
    // No blank line after the part's headers: the body is still found.
    let pdf = item(&r, "broken.eml!x.pdf");
    assert_eq!(pdf.detected_type, "application/pdf");
    assert!(pdf.metadata.contains_key("decode_defect"));
    // Missing padding is supplied, as mail readers do.
    let png = item(&r, "broken.eml!y.png");
    assert_eq!(
        png.sha256.as_deref(),
        Some(sha256(b"\x89PNG\r\n\x1a\n").as_str())
    );
}

#[test]
fn a_name_stored_twice_in_a_zip_yields_both_copies() {
    // Two members, then the second renamed in place to the first's name.
    let mut z = zip_with(
        &[
            ("invoice.txt", b"genuine amount: 100"),
            ("invoicX.txt", b"forged amount: 9000"),
        ],
        zip::CompressionMethod::Deflated,
    );
    let positions: Vec<usize> = z
        .windows(11)
        .enumerate()
        .filter(|(_, w)| *w == b"invoicX.txt")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(positions.len(), 2, "local and central names");
    for p in positions {
        z[p + 6] = b'e';
    }
    let dir = tempdir();
    write(dir.path(), "twice.zip", &z);
    let r = scan_path(dir.path(), &[]);
    let hashes: Vec<Option<String>> = r
        .items
        .iter()
        .filter(|i| i.parent.as_deref() == Some("twice.zip"))
        .map(|i| i.sha256.clone())
        .collect();
    assert_eq!(hashes.len(), 2, "{:#?}", r.items);
    assert!(hashes.contains(&Some(sha256(b"genuine amount: 100"))));
    assert!(hashes.contains(&Some(sha256(b"forged amount: 9000"))));
    let dup = findings(&r, "archive.duplicate_name");
    assert_eq!(dup.len(), 1);
    assert_eq!(dup[0].evidence["name"], serde_json::json!("invoice.txt"));
    let c = item(&r, "twice.zip").container.clone().expect("container");
    assert_eq!((c.members_listed, c.members_read), (2, 2));
}

#[test]
fn a_hostile_encoded_word_in_a_name_costs_nothing() {
    // Regression (review of issue 2): a multi-byte character where the
    // encoding letter belongs made the name decoder panic.
    let mut mbox = Vec::new();
    for (i, name) in ["ok.txt", "=?utf-8?€?abc?=", "after.txt"]
        .iter()
        .enumerate()
    {
        mbox.extend_from_slice(
            format!(
                "From a@x Mon Jan  2 10:00:0{i} 2017\nFrom: a@x\nSubject: m{i}\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"q\"\n\n--q\nContent-Type: application/octet-stream; name=\"{name}\"\n\nAAAA\n--q--\n\n"
            )
            .as_bytes(),
        );
    }
    let dir = tempdir();
    write(dir.path(), "box.mbox", &mbox);
    let r = scan_path(dir.path(), &[]);
    assert!(findings(&r, "ingest.internal_error").is_empty());
    item(&r, "box.mbox!1!ok.txt");
    item(&r, "box.mbox!2!=?utf-8?€?abc?=");
    item(&r, "box.mbox!3!after.txt");
}

#[test]
fn truncated_tar_members_are_errors_not_hashes() {
    let mut t = tar::Builder::new(Vec::new());
    let big = vec![b'x'; 100_000];
    let mut h = tar::Header::new_gnu();
    h.set_size(big.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    t.append_data(&mut h, "big.bin", &big[..]).expect("tar");
    let bytes = t.into_inner().expect("tar");
    let dir = tempdir();
    write(dir.path(), "cut.tar", &bytes[..50_000]);
    let r = scan_path(dir.path(), &[]);
    let b = item(&r, "cut.tar!big.bin");
    assert!(b.sha256.is_none(), "a truncated member has no hash: {b:?}");
    assert!(b.error.is_some());
    assert!(
        r.summary
            .incomplete_containers
            .iter()
            .any(|c| c.path == "cut.tar")
    );
}

#[test]
fn root_prefixes_never_collide() {
    let base = tempdir();
    for d in ["x/a", "z/a~2", "y/a"] {
        write(&base.path().join(d), "f.txt", d.as_bytes());
    }
    let roots: Vec<String> = ["x/a", "z/a~2", "y/a"]
        .iter()
        .map(|d| base.path().join(d).to_str().expect("utf-8").to_string())
        .collect();
    let args: Vec<&str> = roots.iter().map(String::as_str).collect();
    let (r, _) = scan(&args);
    let paths: std::collections::BTreeSet<&str> = r.items.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(paths.len(), 3, "{paths:?}");
}

#[test]
fn out_never_overwrites_a_scanned_file_or_follows_a_link() {
    let dir = tempdir();
    let ev = write(
        dir.path(),
        "a.eml",
        b"From: a@x\nTo: b@x\nSubject: s\n\nbody\n",
    );
    let before = std::fs::read(&ev).expect("read");
    let o = run(
        &[
            "scan",
            ev.to_str().expect("utf-8"),
            "--out",
            ev.to_str().expect("utf-8"),
        ],
        2,
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("refusing"));
    assert_eq!(std::fs::read(&ev).expect("read"), before);
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&ev, &link).expect("symlink");
    let other = tempdir();
    write(other.path(), "b.txt", b"b");
    run(
        &[
            "scan",
            other.path().to_str().expect("utf-8"),
            "--out",
            link.to_str().expect("utf-8"),
        ],
        2,
    );
    assert_eq!(std::fs::read(&ev).expect("read"), before);
}

#[test]
fn a_zip_with_a_manifest_is_still_opened() {
    let dir = tempdir();
    write(
        dir.path(),
        "backup.jar",
        &zip_of(&[
            ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"),
            ("secret/plan.pdf", b"%PDF-1.4\n"),
        ]),
    );
    let r = scan_path(dir.path(), &[]);
    assert_eq!(
        item(&r, "backup.jar").detected_type,
        "application/java-archive"
    );
    item(&r, "backup.jar!secret/plan.pdf");
}

/// Headers built to bloat or crash the email reader: 50,000 Received
/// lines, 5,000 DKIM signatures, undecodable bytes and encoded words,
/// impossible dates. The scan finishes, the item stays small, and nothing
/// undecodable is hidden.
#[test]
fn hostile_headers_are_bounded_and_kept_visible() {
    let dir = tempdir();
    let mut hops = String::new();
    for i in 0..50_000 {
        hops.push_str(&format!(
            "Received: from a{i}.example by b{i}.example; Mon, 27 Mar 2017 10:{:02}:00 +0200\n",
            i % 60
        ));
    }
    hops.push_str("From: a@b.example\nSubject: x\n\nbody\n");
    write(dir.path(), "many-hops.eml", hops.as_bytes());
    let mut sigs = String::new();
    for _ in 0..5_000 {
        sigs.push_str(
            "DKIM-Signature: v=1; a=rsa-sha256; d=x.example; s=s; h=from; bh=AAAA; b=AAAA\n",
        );
    }
    sigs.push_str("From: a@b.example\n\nbody\n");
    write(dir.path(), "many-sigs.eml", sigs.as_bytes());
    let mut junk: Vec<u8> = b"From: \xff =?utf-8?B?////?= <a@b.example>\nDate: 99 Foo 99999 99:99 +9999\nMessage-ID: <<<>>>\nDKIM-Signature: v=1; a=ed25519-sha256; b=%%%; bh=; d=(;)\nReceived: ;;;;\nSubject: =?utf-8?Q?".to_vec();
    junk.extend(std::iter::repeat_n(b"=FF".as_slice(), 1000).flatten());
    junk.extend_from_slice(b"?=\n\nbody\n");
    write(dir.path(), "junk.eml", &junk);

    let r = scan_path(dir.path(), &[]);
    let e = |p: &str| item(&r, p).email.clone().expect("email facts");
    assert_eq!(
        e("many-hops.eml").received.len(),
        leakcheck::email::MAX_HOPS
    );
    let many = e("many-sigs.eml").dkim;
    assert_eq!(many.len(), leakcheck::email::dkim::MAX_SIGNATURES + 1);
    assert!(
        many.last()
            .expect("sig")
            .reason
            .contains("4984 more signatures not checked")
    );
    let j = e("junk.eml");
    assert!(
        j.from.as_deref().expect("from").contains("\\xFF"),
        "{:?}",
        j.from
    );
    assert!(
        j.subject
            .as_deref()
            .expect("subject")
            .starts_with("\\xFF\\xFF")
    );
    assert!(j.date.is_none());
    assert_eq!(j.dkim[0].status, leakcheck::email::dkim::Status::Invalid);
}

/// One TNEF attribute (level, id, data, checksum).
fn tnef_attr(out: &mut Vec<u8>, level: u8, attr: u32, data: &[u8]) {
    out.push(level);
    out.extend_from_slice(&attr.to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    let sum = data.iter().fold(0u16, |s, b| s.wrapping_add(u16::from(*b)));
    out.extend_from_slice(&sum.to_le_bytes());
}

/// A TNEF stream whose one attachment is a message embedding the next,
/// `depth` messages deep; the innermost carries a file.
fn nested_tnef(depth: u32) -> Vec<u8> {
    let mut t = vec![0x78, 0x9F, 0x3E, 0x22, 1, 0];
    tnef_attr(
        &mut t,
        1,
        0x0001_8004,
        format!("level {depth}\0").as_bytes(),
    );
    tnef_attr(&mut t, 2, 0x0006_9002, &[0; 14]);
    if depth == 0 {
        tnef_attr(&mut t, 2, 0x0001_8010, b"deepest.txt\0");
        tnef_attr(&mut t, 2, 0x0006_800F, b"found");
        return t;
    }
    let inner = nested_tnef(depth - 1);
    // attAttachment: PR_ATTACH_METHOD = 5, PR_ATTACH_DATA_OBJ = IID + TNEF.
    let mut props = 2u32.to_le_bytes().to_vec();
    props.extend_from_slice(&[0x03, 0x00, 0x05, 0x37]);
    props.extend_from_slice(&5u32.to_le_bytes());
    props.extend_from_slice(&[0x0D, 0x00, 0x01, 0x37]);
    props.extend_from_slice(&1u32.to_le_bytes());
    props.extend_from_slice(&((inner.len() + 16) as u32).to_le_bytes());
    props.extend_from_slice(&[0x07; 16]);
    props.extend_from_slice(&inner);
    props.resize(props.len().div_ceil(4) * 4, 0);
    tnef_attr(&mut t, 2, 0x0006_9005, &props);
    t
}

#[test]
fn broken_outlook_files_are_reported_and_nesting_is_bounded() {
    let dir = tempdir();
    let msg = std::fs::read(samples().join("outlook/2017-04-18-point-presse.msg")).expect("sample");
    write(dir.path(), "half.msg", &msg[..msg.len() / 2]);
    let mut flipped = msg.clone();
    for i in (600..flipped.len()).step_by(97) {
        flipped[i] ^= 0x5A;
    }
    write(dir.path(), "flipped.msg", &flipped);
    let mut junk = b"!BDN".to_vec();
    junk.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    write(dir.path(), "junk.pst", &junk);
    let mut huge = vec![0x78, 0x9F, 0x3E, 0x22, 1, 0];
    tnef_attr(&mut huge, 2, 0x0006_9002, &[0; 14]);
    huge.extend_from_slice(&[2, 0x0F, 0x80, 0x06, 0x00, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3]);
    write(dir.path(), "huge.tnef", &huge);
    write(dir.path(), "deep.tnef", &nested_tnef(20));
    let r = scan_path(dir.path(), &[]);
    assert!(findings(&r, "ingest.internal_error").is_empty());
    for p in [
        "half.msg",
        "flipped.msg",
        "junk.pst",
        "huge.tnef",
        "deep.tnef",
    ] {
        assert!(
            item(&r, p).sha256.is_some(),
            "{p} is hashed whatever its state"
        );
    }
    assert!(
        item(&r, "junk.pst").error.is_some(),
        "a junk store is an error, not silence"
    );
    assert!(item(&r, "half.msg").error.is_some());
    // The declared 2 GB attribute is damage, and the attachment it opened is listed.
    assert!(
        item(&r, "huge.tnef")
            .error
            .as_deref()
            .is_some_and(|e| e.contains("declares"))
    );
    assert_eq!(item(&r, "huge.tnef!attachment1").kind, ItemKind::Attachment);
    // 16 embedded messages are read; the 17th is listed as not read.
    let deepest = r
        .items
        .iter()
        .map(|i| i.path.matches('!').count())
        .max()
        .unwrap_or(0);
    assert_eq!(deepest, 17, "nesting stops at the limit");
    assert!(r.items.iter().any(|i| {
        i.error
            .as_deref()
            .is_some_and(|e| e.contains("nested deeper than 16"))
    }));
    assert!(!r.items.iter().any(|i| i.path.ends_with("deepest.txt")));
}

/// Regression (hostile corpus): mailparse spends some 300 bytes on every
/// MIME part, so a message of millions of empty parts took 40 times its
/// size in memory (7 MB → 300 MB). A message is now parsed only up to
/// twice `--max-items-per-container` lines that may delimit a part; the
/// part the cut goes through gets no hash, and a finding says why.
#[test]
fn a_mime_part_bomb_is_parsed_only_up_to_the_part_limit() {
    let head = "From: a@x.example\nTo: b@x.example\nSubject: parts\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"p\"\n\n";
    let attachment = |name: &str| {
        format!("--p\nContent-Type: application/octet-stream; name=\"{name}\"\n\n{name}\n")
    };
    let mut m = head.to_string();
    m.push_str(&"--p\n\ntext\n".repeat(19));
    m.push_str(&attachment("cut.bin"));
    m.push_str(&"--p\n\ntext\n".repeat(10));
    m.push_str(&attachment("late.bin"));
    m.push_str("--p--\n");
    let dir = tempdir();
    write(dir.path(), "parts.eml", m.as_bytes());
    let r = scan_path(dir.path(), &[]);
    assert!(findings(&r, "limit.items_per_container").is_empty());
    assert_eq!(
        item(&r, "parts.eml!cut.bin").sha256.as_deref(),
        Some(sha256(b"cut.bin").as_str())
    );
    item(&r, "parts.eml!late.bin");
    // 32 delimiter lines, 20 allowed: parsing stops before the 21st.
    let r = scan_path(dir.path(), &["--max-items-per-container", "10"]);
    let f = findings(&r, "limit.items_per_container");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].paths[0], "parts.eml");
    assert_eq!(f[0].evidence["limit"], serde_json::json!(20));
    let cut = item(&r, "parts.eml!cut.bin");
    assert!(cut.sha256.is_none(), "a part cut short has no hash");
    assert!(cut.error.as_deref().is_some_and(|e| e.contains("cut")));
    assert!(!r.items.iter().any(|i| i.path == "parts.eml!late.bin"));

    // A million empty parts in 7 MB stay far from the 300 MB they took.
    let mut bomb = head.to_string();
    bomb.push_str(&"--p\n\nx\n".repeat(1_000_000));
    bomb.push_str("--p--\n");
    let dir = tempdir();
    let p = write(dir.path(), "bomb.eml", bomb.as_bytes());
    let run = run_measured(
        &[
            std::ffi::OsStr::new("scan"),
            p.as_os_str(),
            std::ffi::OsStr::new("--quiet"),
        ],
        dir.path(),
        std::time::Duration::from_secs(600),
    );
    assert_eq!(run.code, 0);
    println!("part bomb: peak RSS {} MiB", run.max_rss_kib / 1024);
    assert!(run.max_rss_kib < 200 * 1024, "{} KiB", run.max_rss_kib);
}
