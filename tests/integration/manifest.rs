//! `leakcheck manifest` and `leakcheck verify`: deterministic manifests,
//! every kind of change named, and the outside tools that must accept them.

use std::path::Path;
use std::process::Command;

use crate::util::*;

const MBOX: &[u8] = b"From a@x Mon Apr  3 10:00:00 2017\nFrom: a@x\nSubject: one\nMessage-ID: <1@x>\n\nfirst body\n\nFrom b@x Mon Apr  3 11:00:00 2017\nFrom: b@x\nSubject: two\nMessage-ID: <2@x>\n\nsecond body\n\nFrom c@x Mon Apr  3 12:00:00 2017\nFrom: c@x\nSubject: three\nMessage-ID: <3@x>\n\nthird body\n";

/// A small dump: plain files, a zip with two members, an mbox of three.
fn make_dump(root: &Path) {
    write(root, "notes/a.txt", b"alpha\n");
    write(root, "notes/b.txt", b"bravo\n");
    write(root, "notes/c.txt", b"charlie\n");
    write(
        root,
        "archive.zip",
        &zip_of(&[("plan.txt", b"the plan\n"), ("budget.txt", b"100 EUR\n")]),
    );
    write(root, "inbox.mbox", MBOX);
}

fn manifest(dump: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "manifest",
        dump.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    run(&args, 0);
}

fn verify(dump: &Path, m: &Path, code: i32) -> serde_json::Value {
    let out = run(
        &[
            "verify",
            dump.to_str().expect("utf-8"),
            "--manifest",
            m.to_str().expect("utf-8"),
            "--json",
            "--quiet",
        ],
        code,
    );
    serde_json::from_slice(&out.stdout).expect("verify --json")
}

fn paths(v: &serde_json::Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .expect("array")
        .iter()
        .map(|x| match x {
            serde_json::Value::String(s) => s.clone(),
            o => o["path"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| format!("{} -> {}", o["from"], o["to"]).replace('"', "")),
        })
        .collect()
}

#[test]
fn manifests_are_byte_identical_sorted_and_list_inner_items() {
    let dir = tempdir();
    let dump = dir.path().join("dump");
    make_dump(&dump);
    let (m1, m2) = (dir.path().join("m1"), dir.path().join("m2"));
    manifest(&dump, &m1, &[]);
    manifest(&dump, &m2, &["--jobs", "1"]);
    for name in ["manifest-sha256.txt", "manifest-blake3.txt", "items.jsonl"] {
        let a = std::fs::read(m1.join(name)).expect(name);
        let b = std::fs::read(m2.join(name)).expect(name);
        assert_eq!(a, b, "{name} differs between runs");
        assert!(!a.contains(&b'\r'), "{name}: LF line endings only");
    }
    let sums = std::fs::read_to_string(m1.join("manifest-sha256.txt")).expect("read");
    let names: Vec<&str> = sums.lines().map(|l| &l[66..]).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(
        names,
        [
            "archive.zip",
            "inbox.mbox",
            "notes/a.txt",
            "notes/b.txt",
            "notes/c.txt"
        ]
    );
    // Each digest is the file's, computed here independently.
    let a_line = sums
        .lines()
        .find(|l| l.ends_with("notes/a.txt"))
        .expect("a");
    assert_eq!(&a_line[..64], sha256(b"alpha\n"));
    let b3 = std::fs::read_to_string(m1.join("manifest-blake3.txt")).expect("read");
    assert!(b3.contains(&format!("{}  notes/a.txt\n", blake3(b"alpha\n"))));
    // items.jsonl carries the members and messages with both digests.
    let items = std::fs::read_to_string(m1.join("items.jsonl")).expect("read");
    let lines: Vec<serde_json::Value> = items
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let member = lines
        .iter()
        .find(|v| v["path"] == "archive.zip!budget.txt")
        .expect("zip member listed");
    assert_eq!(member["sha256"], sha256(b"100 EUR\n"));
    assert_eq!(member["blake3"], blake3(b"100 EUR\n"));
    assert!(lines.iter().any(|v| v["path"] == "inbox.mbox!3"));
}

#[test]
fn verify_names_every_kind_of_change_and_passes_an_untouched_copy() {
    let dir = tempdir();
    let dump = dir.path().join("dump");
    make_dump(&dump);
    let m = dir.path().join("m");
    manifest(&dump, &m, &[]);
    let clean = verify(&dump, &m, 0);
    assert_eq!(clean["matched"], clean["expected"]);

    // Edit a byte, rename, delete, add, change a zip member and an mbox message.
    write(&dump, "notes/a.txt", b"alphA\n");
    std::fs::rename(dump.join("notes/b.txt"), dump.join("notes/b-renamed.txt")).expect("mv");
    std::fs::remove_file(dump.join("notes/c.txt")).expect("rm");
    write(&dump, "notes/d.txt", b"delta\n");
    write(
        &dump,
        "archive.zip",
        &zip_of(&[("plan.txt", b"the plan\n"), ("budget.txt", b"900 EUR\n")]),
    );
    let mbox = String::from_utf8(MBOX.to_vec())
        .expect("utf-8")
        .replace("second body", "second b0dy");
    write(&dump, "inbox.mbox", mbox.as_bytes());

    let v = verify(&dump, &m, 1);
    let changed = paths(&v, "changed");
    for p in [
        "notes/a.txt",
        "archive.zip",
        "archive.zip!budget.txt",
        "inbox.mbox",
        "inbox.mbox!2",
    ] {
        assert!(changed.contains(&p.to_string()), "{p} not changed: {v:#}");
    }
    for p in ["archive.zip!plan.txt", "inbox.mbox!1", "inbox.mbox!3"] {
        assert!(!changed.contains(&p.to_string()), "{p} untouched: {v:#}");
    }
    assert_eq!(
        paths(&v, "moved"),
        ["notes/b.txt -> notes/b-renamed.txt"],
        "{v:#}"
    );
    assert_eq!(paths(&v, "new"), ["notes/d.txt"]);
    assert_eq!(paths(&v, "missing"), ["notes/c.txt"]);

    // The file lists see the same at the level of files.
    let f = verify(&dump, &m.join("manifest-sha256.txt"), 1);
    assert_eq!(f["scope"], "files");
    assert_eq!(
        paths(&f, "changed"),
        ["archive.zip", "inbox.mbox", "notes/a.txt"]
    );
    let b = verify(&dump, &m.join("manifest-blake3.txt"), 1);
    assert_eq!(b["algorithm"], "blake3");
    assert_eq!(paths(&b, "missing"), ["notes/c.txt"]);
    // And the text form says so too.
    let out = run(
        &[
            "verify",
            dump.to_str().expect("utf-8"),
            "--manifest",
            m.to_str().expect("utf-8"),
            "--quiet",
        ],
        1,
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        text.contains("moved    notes/b.txt -> notes/b-renamed.txt"),
        "{text}"
    );
    assert!(text.contains("verify FAILED"), "{text}");
}

#[test]
fn an_item_unreadable_then_and_now_is_not_a_change() {
    let dir = tempdir();
    let dump = dir.path().join("dump");
    make_dump(&dump);
    // A stored member whose bytes no longer match its CRC: listed, unreadable.
    let mut zip = zip_with(
        &[("ok.txt", b"fine\n"), ("bad.txt", b"0123456789abcdef")],
        zip::CompressionMethod::Stored,
    );
    let at = zip
        .windows(16)
        .position(|w| w == b"0123456789abcdef")
        .expect("member data");
    zip[at] = b'X';
    write(&dump, "damaged.zip", &zip);
    let m = dir.path().join("m");
    manifest(&dump, &m, &[]);
    let items = std::fs::read_to_string(m.join("items.jsonl")).expect("items");
    let bad = items
        .lines()
        .find(|l| l.contains("damaged.zip!bad.txt"))
        .expect("the damaged member is listed");
    assert!(
        !bad.contains("sha256"),
        "no digest for an unreadable member: {bad}"
    );
    let v = verify(&dump, &m, 0);
    assert_eq!(v["matched"], v["expected"]);
}

#[test]
fn odd_names_round_trip_through_every_manifest() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempdir();
    let dump = dir.path().join("dump");
    make_dump(&dump);
    write(&dump, "with space.txt", b"s\n");
    write(&dump, "back\\slash.txt", b"b\n");
    write(&dump, "new\nline.txt", b"n\n");
    write(&dump, "bang!percent%.txt", b"p\n");
    std::fs::write(
        dump.join(std::ffi::OsStr::from_bytes(b"latin1-\xe9t\xe9.txt")),
        b"l\n",
    )
    .expect("non-UTF-8 name");
    let m = dir.path().join("m");
    let hd = dir.path().join("hashdeep.txt");
    manifest(&dump, &m, &["--hashdeep", hd.to_str().expect("utf-8")]);
    for form in [
        m.clone(),
        m.join("manifest-sha256.txt"),
        m.join("manifest-blake3.txt"),
        m.join("items.jsonl"),
    ] {
        let v = verify(&dump, &form, 0);
        assert_eq!(v["matched"], v["expected"], "{}", form.display());
    }
    // hashdeep cannot name a file with a newline: it is left out and the
    // rest verifies (the missing one counts as new).
    let v = verify(&dump, &hd, 1);
    assert_eq!(paths(&v, "new"), ["new\nline.txt"]);
    assert!(paths(&v, "changed").is_empty());
}

#[test]
fn manifest_refuses_to_write_into_the_dump_and_needs_an_output() {
    let dir = tempdir();
    let dump = dir.path().join("dump");
    make_dump(&dump);
    let inside = dump.join("m");
    let out = run(
        &[
            "manifest",
            dump.to_str().expect("utf-8"),
            "--out",
            inside.to_str().expect("utf-8"),
        ],
        2,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to write"));
    assert!(!inside.exists(), "nothing was created inside the dump");
    let out = run(&["manifest", dump.to_str().expect("utf-8")], 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to write"));
    let out = run(
        &[
            "verify",
            dump.to_str().expect("utf-8"),
            "--manifest",
            dir.path().join("nope").to_str().expect("utf-8"),
        ],
        2,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

fn tool(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
#[ignore = "needs sha256sum, b3sum, hashdeep and bagit.py"]
fn outside_tools_accept_the_manifests() {
    let dir = tempdir();
    let dump = dir.path().join("dump");
    // The sample dump plus names that need escaping.
    let copy = |from: &Path, to: &Path| {
        tool(Command::new("cp").arg("-r").arg(from).arg(to));
    };
    copy(&samples(), &dump);
    write(&dump, "with space.txt", b"s\n");
    write(&dump, "back\\slash.txt", b"b\n");
    write(&dump, "comma,name.txt", b"c\n");
    let m = dir.path().join("m");
    let hd = dir.path().join("known.hashdeep");
    let bag = dir.path().join("bag");
    manifest(
        &dump,
        &m,
        &[
            "--hashdeep",
            hd.to_str().expect("utf-8"),
            "--bagit",
            bag.to_str().expect("utf-8"),
        ],
    );
    tool(
        Command::new("sha256sum")
            .current_dir(&dump)
            .args(["-c", "--strict"])
            .arg(m.join("manifest-sha256.txt")),
    );
    tool(
        Command::new("b3sum")
            .current_dir(&dump)
            .arg("-c")
            .arg(m.join("manifest-blake3.txt")),
    );
    let audit = tool(
        Command::new("hashdeep")
            .current_dir(&dump)
            .args(["-a", "-k"])
            .arg(&hd)
            .args(["-l", "-r", "."]),
    );
    assert!(String::from_utf8_lossy(&audit.stdout).contains("Audit passed"));
    tool(Command::new("bagit.py").arg("--validate").arg(&bag));
    // The bag's payload is the dump, and verify reads the bag, inner items included.
    let v = verify(&bag.join("data"), &bag, 0);
    assert_eq!(v["scope"], "items");
    assert_eq!(v["matched"], v["expected"]);

    // After a change every tool fails, as verify does.
    write(&dump, "with space.txt", b"S\n");
    let fails = |cmd: &mut Command| {
        let out = cmd.output().expect("run");
        assert!(!out.status.success(), "{cmd:?} passed a changed dump");
    };
    fails(
        Command::new("sha256sum")
            .current_dir(&dump)
            .arg("-c")
            .arg(m.join("manifest-sha256.txt")),
    );
    fails(
        Command::new("b3sum")
            .current_dir(&dump)
            .arg("-c")
            .arg(m.join("manifest-blake3.txt")),
    );
    fails(
        Command::new("hashdeep")
            .current_dir(&dump)
            .args(["-a", "-k"])
            .arg(&hd)
            .args(["-l", "-r", "."]),
    );
    let v = verify(&dump, &m, 1);
    assert_eq!(paths(&v, "changed"), ["with space.txt"]);
}

#[test]
fn plain_lists_as_people_make_them() {
    let dir = tempdir();
    let dump = dir.path().join("dump");
    make_dump(&dump);
    let m = dir.path().join("m");
    manifest(&dump, &m, &[]);
    let sums = std::fs::read_to_string(m.join("manifest-sha256.txt")).expect("read");
    let b3 = std::fs::read_to_string(m.join("manifest-blake3.txt")).expect("read");
    // `find . -type f -exec sha256sum {} +` writes ./ before each name.
    let dotted: String = sums
        .lines()
        .map(|l| format!("{}./{}\n", &l[..66], &l[66..]))
        .collect();
    let list = write(dir.path(), "find.sha256", dotted.as_bytes());
    let v = verify(&dump, &list, 0);
    assert_eq!(v["matched"], 5);
    // A BLAKE3 list whose name does not say so is still read as BLAKE3.
    let list = write(dir.path(), "checksums.txt", b3.as_bytes());
    let v = verify(&dump, &list, 0);
    assert_eq!(v["algorithm"], "blake3");
    // A path listed twice with different digests is refused, whichever comes first.
    let first = sums.lines().next().expect("a line");
    let forged = format!("{}{}\n{sums}", "0".repeat(64), &first[64..]);
    let list = write(dir.path(), "forged.sha256", forged.as_bytes());
    let out = run(
        &[
            "verify",
            dump.to_str().expect("utf-8"),
            "--manifest",
            list.to_str().expect("utf-8"),
        ],
        2,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("twice with different digests"));
    // An MD5 list is not silently compared.
    let md5 = write(
        dir.path(),
        "md5.txt",
        b"d41d8cd98f00b204e9800998ecf8427e  notes/a.txt\n",
    );
    let out = run(
        &[
            "verify",
            dump.to_str().expect("utf-8"),
            "--manifest",
            md5.to_str().expect("utf-8"),
        ],
        2,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("32 hex digits"));
}

/// What `inventory` (manifest, verify) keeps of a scan: the very same
/// items, in the same order, without the facts only the checks read.
fn inventory_matches_scan(root: &Path) {
    let config = leakcheck::Config {
        roots: vec![root.to_path_buf()],
        ..Default::default()
    };
    let inventory = leakcheck::inventory(&config, &leakcheck::NoProgress).expect("inventory");
    let scan = leakcheck::scan(&config, &leakcheck::NoProgress).expect("scan");
    assert_eq!(inventory.len(), scan.items.len());
    for (i, s) in inventory.iter().zip(&scan.items) {
        let mut s = s.clone();
        s.email = None;
        s.document = None;
        assert_eq!(i, &s, "{}", s.path);
    }
    // The facts were read by the scan and skipped by the inventory.
    assert!(scan.items.iter().any(|i| i.email.is_some()));
    assert!(scan.items.iter().any(|i| i.document.is_some()));
    assert!(
        inventory
            .iter()
            .all(|i| i.email.is_none() && i.document.is_none())
    );
    // So the manifest entries are the same, and the same again when each
    // file's items become entries as soon as they are read.
    let entries = leakcheck::manifest::entries(&scan.items);
    assert!(entries.len() > 10);
    assert_eq!(leakcheck::manifest::entries(&inventory), entries);
    assert_eq!(
        leakcheck::inventory_entries(&config, &leakcheck::NoProgress).expect("entries"),
        entries
    );
}

#[test]
fn inventory_lists_a_scans_items_without_their_facts() {
    inventory_matches_scan(&samples());
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn inventory_lists_a_scans_items_without_their_facts_on_the_corpus() {
    inventory_matches_scan(&shared_corpus());
}
