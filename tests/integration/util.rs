//! Test harness: runs the real binary in fresh temp dirs and reads its JSON
//! report into the library's own typed structs, so a field that changes
//! shape fails to parse.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use leakcheck::Report;
use leakcheck::item::Item;

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_leakcheck"));
    c.env_remove("NO_COLOR");
    c
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn samples() -> PathBuf {
    root().join("samples").join("dump")
}

pub fn shared_corpus() -> PathBuf {
    root().join("..").join("shared").join("corpus")
}

/// Runs the binary; panics with everything it printed if `expect_code` is not met.
pub fn run(args: &[&str], expect_code: i32) -> Output {
    let out = bin().args(args).output().expect("run leakcheck");
    if out.status.code() != Some(expect_code) {
        panic!(
            "leakcheck {:?} exited {:?}, expected {expect_code}\n--- stdout\n{}\n--- stderr\n{}",
            args,
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    out
}

/// `leakcheck scan --json ARGS…`, parsed.
pub fn scan(args: &[&str]) -> (Report, Vec<u8>) {
    let mut full = vec!["scan", "--json"];
    full.extend_from_slice(args);
    let out = run(&full, 0);
    let report: Report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "report does not parse: {e}\n{}",
            String::from_utf8_lossy(&out.stdout[..out.stdout.len().min(2000)])
        )
    });
    (report, out.stdout)
}

pub fn scan_path(p: &Path, extra: &[&str]) -> Report {
    let s = p.to_str().expect("utf-8 temp path");
    let mut args = vec![s];
    args.extend_from_slice(extra);
    scan(&args).0
}

pub fn item<'a>(r: &'a Report, path: &str) -> &'a Item {
    r.items.iter().find(|i| i.path == path).unwrap_or_else(|| {
        let paths: Vec<&str> = r.items.iter().map(|i| i.path.as_str()).collect();
        panic!("no item '{path}'; items: {paths:#?}")
    })
}

pub fn findings<'a>(r: &'a Report, rule: &str) -> Vec<&'a leakcheck::Finding> {
    r.findings.iter().filter(|f| f.rule == rule).collect()
}

pub fn sha256(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn blake3(data: &[u8]) -> String {
    blake3::hash(data).to_hex().to_string()
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// A zip of (name, bytes), deflated.
pub fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    zip_with(files, zip::CompressionMethod::Deflated)
}

pub fn zip_with(files: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(method)
        .large_file(false);
    for (name, data) in files {
        z.start_file(*name, opts).expect("zip entry");
        z.write_all(data).expect("zip write");
    }
    z.finish().expect("zip finish").into_inner()
}

pub fn write(dir: &Path, rel: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&p, data).expect("write");
    p
}

pub fn python3() -> bool {
    Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The Python oracle's inventory of a folder: path → sha256 (None for
/// attached messages, which Python re-serialises).
pub fn oracle(dir: &Path) -> std::collections::BTreeMap<String, Option<String>> {
    let out = Command::new("python3")
        .arg(root().join("tests/oracle/inventory.py"))
        .arg(dir)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "oracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("oracle json");
    v.as_object()
        .expect("object")
        .iter()
        .map(|(k, v)| (k.clone(), v["sha256"].as_str().map(str::to_string)))
        .collect()
}

/// Standard base64 with a line break every 76 characters, as mailers write it.
pub fn base64_lines(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for (i, c) in data.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            s.push('\n');
        }
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            s.push(if k <= c.len() {
                A[((n >> (18 - 6 * k)) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    s
}

/// What [`run_measured`] saw of one run of the binary.
pub struct Measured {
    /// The exit code (128 + the signal when a signal ended it).
    pub code: i32,
    /// Peak resident set size, in KiB.
    pub max_rss_kib: u64,
    pub elapsed: std::time::Duration,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Runs the binary with `args`, its standard output and error going to
/// files in `dir`, and measures its peak memory with `wait4` on its pid:
/// `getrusage(RUSAGE_CHILDREN)` would give the largest child of the whole
/// test process, other tests' children (Chromium…) included. A run longer
/// than `timeout` is killed, so a hang fails the test instead of the CI job.
// The child is reaped by wait4, not by `Child::wait`.
#[allow(clippy::zombie_processes)]
pub fn run_measured(
    args: &[&std::ffi::OsStr],
    dir: &Path,
    timeout: std::time::Duration,
) -> Measured {
    use std::time::{Duration, Instant};
    let out_path = dir.join("measured.stdout");
    let err_path = dir.join("measured.stderr");
    let start = Instant::now();
    let child = bin()
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("run leakcheck");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut killed = false;
    loop {
        // SAFETY: waits for the child spawned above, which nothing else reaps.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        let errno = std::io::Error::last_os_error();
        assert!(
            r == 0 || errno.raw_os_error() == Some(libc::EINTR),
            "wait4: {errno}"
        );
        if !killed && start.elapsed() > timeout {
            // SAFETY: the child is not reaped yet, so the pid is still ours.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let elapsed = start.elapsed();
    assert!(
        !killed,
        "leakcheck {args:?} ran past {timeout:?} and was killed"
    );
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    Measured {
        code,
        // ru_maxrss is in KiB on Linux.
        max_rss_kib: usage.ru_maxrss as u64,
        elapsed,
        stdout: std::fs::read(&out_path).expect("stdout"),
        stderr: std::fs::read(&err_path).expect("stderr"),
    }
}
