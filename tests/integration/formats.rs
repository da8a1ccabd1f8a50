//! Every container format the scan opens, each checked against an
//! independent reading of the same bytes, and the nesting between them.

use std::io::Write;

use leakcheck::ItemKind;

use crate::util::*;

fn gzip(data: &[u8], name: Option<&str>) -> Vec<u8> {
    let mut b = flate2::GzBuilder::new();
    if let Some(n) = name {
        b = b.filename(n);
    }
    let mut w = b.write(Vec::new(), flate2::Compression::default());
    w.write_all(data).expect("gzip");
    w.finish().expect("gzip")
}

fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut t = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        t.append_data(&mut h, name, *data).expect("tar");
    }
    t.into_inner().expect("tar")
}

#[test]
fn seven_z_members_are_read() {
    let mut w = sevenz_rust2::ArchiveWriter::new(std::io::Cursor::new(Vec::new())).expect("7z");
    for (name, data) in [
        ("docs/a.txt", &b"alpha"[..]),
        ("b.bin", &[0u8, 1, 2, 3][..]),
    ] {
        w.push_archive_entry(sevenz_rust2::ArchiveEntry::new_file(name), Some(data))
            .expect("entry");
    }
    let bytes = w.finish().expect("finish").into_inner();
    let dir = tempdir();
    write(dir.path(), "x.7z", &bytes);
    let r = scan_path(dir.path(), &[]);
    assert_eq!(
        item(&r, "x.7z").detected_type,
        "application/x-7z-compressed"
    );
    assert_eq!(
        item(&r, "x.7z!docs/a.txt").sha256.as_deref(),
        Some(sha256(b"alpha").as_str())
    );
    assert_eq!(
        item(&r, "x.7z!b.bin").sha256.as_deref(),
        Some(sha256(&[0, 1, 2, 3]).as_str())
    );
}

#[test]
fn gzip_and_bzip2_payloads_and_compressed_tars() {
    let dir = tempdir();
    write(dir.path(), "notes.txt.gz", &gzip(b"plain notes\n", None));
    write(
        dir.path(),
        "named.gz",
        &gzip(b"renamed\n", Some("original-name.csv")),
    );
    write(
        dir.path(),
        "bundle.tgz",
        &gzip(&tar_of(&[("in/x.txt", b"x"), ("y.txt", b"yy")]), None),
    );
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    bz.write_all(&tar_of(&[("z.txt", b"zzz")])).expect("bz2");
    write(dir.path(), "bundle.tar.bz2", &bz.finish().expect("bz2"));
    let r = scan_path(dir.path(), &[]);
    assert_eq!(
        item(&r, "notes.txt.gz!notes.txt").sha256.as_deref(),
        Some(sha256(b"plain notes\n").as_str())
    );
    assert_eq!(
        item(&r, "named.gz!original-name.csv").sha256.as_deref(),
        Some(sha256(b"renamed\n").as_str())
    );
    assert_eq!(
        item(&r, "bundle.tgz!in/x.txt").sha256.as_deref(),
        Some(sha256(b"x").as_str())
    );
    assert_eq!(
        item(&r, "bundle.tgz!y.txt").sha256.as_deref(),
        Some(sha256(b"yy").as_str())
    );
    assert_eq!(
        item(&r, "bundle.tar.bz2!z.txt").sha256.as_deref(),
        Some(sha256(b"zzz").as_str())
    );
    let c = item(&r, "bundle.tgz").container.clone().expect("container");
    assert_eq!((c.members_listed, c.members_read), (2, 2));
}

#[test]
fn emlx_and_messages_recognised_by_content_not_name() {
    let msg = b"From: a@x\nTo: b@x\nSubject: apple\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"q\"\n\n--q\nContent-Type: text/plain\n\nhi\n--q\nContent-Type: application/octet-stream; name=\"d.bin\"\nContent-Transfer-Encoding: base64\n\nAAEC\n--q--\n";
    let mut emlx = format!("{}\n", msg.len()).into_bytes();
    emlx.extend_from_slice(msg);
    emlx.extend_from_slice(b"<?xml version=\"1.0\"?><plist><dict/></plist>\n");
    let dir = tempdir();
    write(dir.path(), "1234.emlx", &emlx);
    write(dir.path(), "no-extension", msg);
    let r = scan_path(dir.path(), &[]);
    for p in ["1234.emlx", "no-extension"] {
        assert_eq!(item(&r, p).kind, ItemKind::Email, "{p}");
        let d = item(&r, &format!("{p}!d.bin"));
        assert_eq!(d.sha256.as_deref(), Some(sha256(&[0, 1, 2]).as_str()));
        assert_eq!(d.kind, ItemKind::Attachment);
    }
    assert_eq!(item(&r, "1234.emlx").detected_type, "message/x-emlx");
}

#[test]
fn a_zip_in_an_attachment_of_a_mail_in_an_mbox_in_a_zip() {
    let plan = b"the plan";
    let inner = zip_of(&[("draft/plan.txt", plan)]);
    let b64 = base64_lines(&inner);
    let mail = format!(
        "From: a@x\nTo: b@x\nSubject: budget\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"z\"\n\n--z\nContent-Type: text/plain\n\nsee attached\n--z\nContent-Type: application/zip; name=\"budget.zip\"\nContent-Transfer-Encoding: base64\n\n{b64}\n--z--\n"
    );
    let mbox = format!(
        "From a@x Mon Jan  2 10:00:00 2017\n{mail}\nFrom b@x Mon Jan  2 11:00:00 2017\nFrom: b@x\nSubject: other\n\n>From the start\n"
    );
    let outer = zip_of(&[("staff/alice/inbox.mbox", mbox.as_bytes())]);
    let dir = tempdir();
    write(dir.path(), "leak.zip", &outer);
    let r = scan_path(dir.path(), &[]);
    let deep = item(
        &r,
        "leak.zip!staff/alice/inbox.mbox!1!budget.zip!draft/plan.txt",
    );
    assert_eq!(deep.sha256.as_deref(), Some(sha256(plan).as_str()));
    assert_eq!(
        deep.parent.as_deref(),
        Some("leak.zip!staff/alice/inbox.mbox!1!budget.zip")
    );
    assert_eq!(
        item(&r, "leak.zip!staff/alice/inbox.mbox!1!budget.zip")
            .sha256
            .as_deref(),
        Some(sha256(&inner).as_str())
    );
    // The second message is stored with its '>From ' escape: hashed as stored.
    let second = item(&r, "leak.zip!staff/alice/inbox.mbox!2");
    assert_eq!(
        second.sha256.as_deref(),
        Some(sha256(b"From: b@x\nSubject: other\n\n>From the start\n").as_str())
    );
}
