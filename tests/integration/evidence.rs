//! The evidence is never touched: scanning (with every report written
//! elsewhere), writing manifests and verifying read the dump and change
//! nothing in it — content, size, mode, times, not even a file's access
//! time — and add nothing to it. And nothing leaves the machine: a scan
//! makes no network call at all.

use std::collections::BTreeMap;
use std::ffi::{CString, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::*;

/// What is compared of one entry of the dump.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Snapshot {
    kind: &'static str,
    size: u64,
    mode: u32,
    uid: u32,
    gid: u32,
    ino: u64,
    nlink: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
    atime: (i64, i64),
}

fn snapshot(p: &Path) -> Snapshot {
    let m = std::fs::symlink_metadata(p).expect("lstat");
    let ft = m.file_type();
    let kind = if ft.is_dir() {
        "dir"
    } else if ft.is_symlink() {
        "link"
    } else if ft.is_fifo() {
        "fifo"
    } else {
        "file"
    };
    Snapshot {
        kind,
        size: m.size(),
        mode: m.mode(),
        uid: m.uid(),
        gid: m.gid(),
        ino: m.ino(),
        nlink: m.nlink(),
        mtime: (m.mtime(), m.mtime_nsec()),
        ctime: (m.ctime(), m.ctime_nsec()),
        atime: (m.atime(), m.atime_nsec()),
    }
}

/// Every entry under `root` (the root itself included, as ""), by its
/// path bytes relative to the root.
fn entries(root: &Path) -> Vec<(Vec<u8>, PathBuf)> {
    fn go(dir: &Path, rel: &[u8], out: &mut Vec<(Vec<u8>, PathBuf)>) {
        for e in std::fs::read_dir(dir).expect("read_dir") {
            let e = e.expect("entry");
            let mut r = rel.to_vec();
            if !r.is_empty() {
                r.push(b'/');
            }
            r.extend_from_slice(e.file_name().as_bytes());
            out.push((r.clone(), e.path()));
            if e.file_type().expect("type").is_dir() {
                go(&e.path(), &r, out);
            }
        }
    }
    let mut out = vec![(Vec::new(), root.to_path_buf())];
    go(root, b"", &mut out);
    out.sort();
    out
}

/// The entries' metadata, from `lstat` alone: listing a folder would move
/// its access time.
fn snapshots(list: &[(Vec<u8>, PathBuf)]) -> BTreeMap<Vec<u8>, Snapshot> {
    list.iter()
        .map(|(rel, p)| (rel.clone(), snapshot(p)))
        .collect()
}

/// SHA-256 of every regular file. Reading updates access times, so this is
/// done before they are set.
fn contents(root: &Path) -> BTreeMap<Vec<u8>, String> {
    entries(root)
        .into_iter()
        .filter(|(_, p)| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()))
        .map(|(rel, p)| (rel, sha256(&std::fs::read(&p).expect("read evidence"))))
        .collect()
}

/// 2001-01-01: older than any mtime and than a day, so that under the usual
/// `relatime` mount option any read would move it.
const OLD: libc::time_t = 978_307_200;

/// Sets the access time of `p` (not following a link) to [`OLD`].
fn age_atime(p: &Path) {
    let c = CString::new(p.as_os_str().as_bytes()).expect("path");
    let times = [
        libc::timespec {
            tv_sec: OLD,
            tv_nsec: 0,
        },
        libc::timespec {
            tv_sec: 0,
            tv_nsec: libc::UTIME_OMIT,
        },
    ];
    // SAFETY: a NUL-terminated path and two timespecs, as utimensat wants.
    let r = unsafe {
        libc::utimensat(
            libc::AT_FDCWD,
            c.as_ptr(),
            times.as_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
        )
    };
    assert_eq!(r, 0, "utimensat: {}", std::io::Error::last_os_error());
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// The sample dump plus hostile files, in a fresh folder this process owns.
fn dump_with_hostile_files(base: &Path) -> PathBuf {
    let dump = base.join("dump");
    copy_tree(&samples(), &dump);
    let h = dump.join("hostile");
    let block = vec![7u8; 1 << 20];
    let inner = zip_of(&[("a", &block), ("b", &block)]);
    write(
        &h,
        "nested.zip",
        &zip_of(&[("1.zip", &inner), ("2.zip", &inner)]),
    );
    let good = zip_of(&[("a.txt", b"alpha"), ("b.txt", b"beta")]);
    write(&h, "cut.zip", &good[..good.len() / 2]);
    write(&h, "empty.eml", b"");
    std::fs::write(h.join(OsStr::from_bytes(b"caf\xe9.txt")), b"latin-1 name").expect("write");
    std::os::unix::fs::symlink("/etc/passwd", h.join("passwd")).expect("symlink");
    if is_root() {
        // Root reads a mode-000 file: its mode must still be 000 after.
        let p = write(&h, "locked.txt", b"mode 000");
        std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o000))
            .expect("chmod");
    }
    dump
}

/// Scan with every report, manifest (with hashdeep and BagIt), verify and
/// meta, all writing outside the dump, change nothing in it.
#[test]
fn scanning_manifests_and_verify_leave_the_evidence_untouched() {
    let base = tempdir();
    let dump = dump_with_hostile_files(base.path());
    let out = base.path().join("out");
    std::fs::create_dir_all(&out).expect("mkdir");

    let hashes = contents(&dump);
    let list = entries(&dump);
    for (_, p) in &list {
        age_atime(p);
    }
    let before = snapshots(&list);
    assert!(before.values().all(|s| s.atime.0 == OLD));

    let d = dump.to_str().expect("utf-8 temp path");
    let o = |name: &str| out.join(name).to_str().expect("utf-8").to_string();
    run(
        &[
            "scan",
            d,
            "--quiet",
            "--out",
            &o("report.json"),
            "--html",
            &o("report.html"),
            "--csv",
            &o("csv"),
            "--sarif",
            &o("report.sarif"),
        ],
        0,
    );
    run(
        &[
            "manifest",
            d,
            "--out",
            &o("manifest"),
            "--hashdeep",
            &o("hashdeep.txt"),
            "--bagit",
            &o("bag"),
        ],
        0,
    );
    run(&["verify", d, "--manifest", &o("manifest")], 0);
    run(&["verify", d, "--manifest", &o("bag"), "--json"], 0);
    let docs: Vec<String> = [
        "archives/communication.zip",
        "outlook/2017-04-18-point-presse.msg",
    ]
    .iter()
    .map(|p| dump.join(p).to_str().expect("utf-8").to_string())
    .collect();
    run(&["meta", &docs[0], &docs[1]], 0);
    // The reports were written, and they did cover the dump.
    let report: leakcheck::Report =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).expect("report"))
            .expect("parses");
    assert!(report.items.len() > 100);
    item(&report, "hostile/caf%E9.txt");

    let after = snapshots(&list);
    let mut atime_moved = Vec::new();
    for (rel, b) in &before {
        let a = &after[rel];
        let name = String::from_utf8_lossy(rel);
        if b.kind == "file" {
            // Files are opened with O_NOATIME: allowed to their owner (and
            // to root), which this test is. A process that does not own the
            // files falls back to a plain open, and under relatime its
            // reads would move the access time; that case is not tested.
            assert_eq!(a, b, "{name} changed");
        } else {
            // The kernel updates a folder's access time when it is listed
            // and a link's when it is read; there is no O_NOATIME for either.
            let (mut a, mut b) = (a.clone(), b.clone());
            if a.atime != b.atime {
                atime_moved.push(format!("{} {name}", b.kind));
            }
            a.atime = (0, 0);
            b.atime = (0, 0);
            assert_eq!(a, b, "{name} changed");
        }
    }
    if !atime_moved.is_empty() {
        println!(
            "access times moved on {} folders and links (readdir/readlink): {:?}",
            atime_moved.len(),
            &atime_moved[..atime_moved.len().min(5)]
        );
    }
    assert_eq!(contents(&dump), hashes, "content changed");
    assert_eq!(
        entries(&dump),
        list,
        "no file or folder may appear in or vanish from the dump"
    );

    // The check above is only as good as the mount: show that a plain read
    // does move an access time here (it does not on a noatime mount).
    let probe = dump.join("mail/2017-04-03-programme.eml");
    age_atime(&probe);
    std::fs::read(&probe).expect("read");
    if snapshot(&probe).atime.0 == OLD {
        println!(
            "this mount does not update access times (noatime): the atime check proved nothing here"
        );
    }
}

/// The lines of an strace log that are network calls (socket, connect,
/// sendto…), less those on Unix-domain sockets.
fn network_calls(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .expect("strace log")
        .lines()
        .filter(|l| l.contains('('))
        .filter(|l| !l.contains("AF_UNIX") && !l.contains("AF_LOCAL"))
        .map(str::to_string)
        .collect()
}

/// Runs leakcheck under `strace -f -e trace=network`, returning its exit
/// code and the network calls it made.
fn traced(args: &[&OsStr], dir: &Path) -> (Option<i32>, Vec<String>) {
    let log = dir.join("strace.log");
    let status = Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=network", "-o"])
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_leakcheck"))
        .args(args)
        .output()
        .expect("strace (apt-get install strace)");
    (status.status.code(), network_calls(&log))
}

#[test]
#[ignore = "needs strace"]
fn nothing_leaves_the_machine() {
    let tmp = tempdir();
    let s = samples();
    let out = tmp.path().join("report.json");
    let html = tmp.path().join("report.html");
    let (code, calls) = traced(
        &[
            OsStr::new("scan"),
            s.as_os_str(),
            OsStr::new("--quiet"),
            OsStr::new("--out"),
            out.as_os_str(),
            OsStr::new("--html"),
            html.as_os_str(),
        ],
        tmp.path(),
    );
    assert_eq!(code, Some(0));
    assert!(out.exists(), "the traced scan ran");
    assert!(
        calls.is_empty(),
        "a default scan made network calls:\n{}",
        calls.join("\n")
    );
    let manifest = tmp.path().join("manifest");
    let (code, calls) = traced(
        &[
            OsStr::new("manifest"),
            s.as_os_str(),
            OsStr::new("--out"),
            manifest.as_os_str(),
        ],
        tmp.path(),
    );
    assert_eq!(code, Some(0));
    assert!(calls.is_empty(), "manifest: {calls:?}");

    // The check can fail: with --dns, a socket is opened (to an address
    // that answers nothing, TEST-NET-1), and it is seen.
    let one = tmp.path().join("one");
    std::fs::create_dir_all(&one).expect("mkdir");
    std::fs::copy(
        s.join("mail/2017-04-22-reunion.eml"),
        one.join("signed.eml"),
    )
    .expect("copy a signed message");
    let keys = tmp.path().join("keys.txt");
    let (code, calls) = traced(
        &[
            OsStr::new("scan"),
            one.as_os_str(),
            OsStr::new("--quiet"),
            OsStr::new("--dns"),
            keys.as_os_str(),
            OsStr::new("--dns-server"),
            OsStr::new("192.0.2.1"),
        ],
        tmp.path(),
    );
    assert_eq!(code, Some(0));
    assert!(
        calls.iter().any(|c| c.contains("socket(AF_INET")),
        "--dns opened no socket: {calls:?}"
    );
    assert!(calls.iter().any(|c| c.contains("192.0.2.1")), "{calls:?}");
}
