//! BagIt 1.0 bags (RFC 8493), the Library of Congress archive format.
//!
//! `leakcheck manifest DUMP --bagit BAG` copies the dump's files (the
//! source is only read) into `BAG/data/` and writes `bagit.txt`,
//! `manifest-sha256.txt` and `manifest-sha512.txt` (the RFC asks for
//! SHA-512 or SHA-256; both are written), `manifest-blake3.txt` as an
//! extra, `bag-info.txt` with `Payload-Oxum` and `Bagging-Date`, the tag
//! file `leakcheck-items.jsonl` (every inner item, for `leakcheck verify`)
//! and `tagmanifest-sha256.txt` over every tag file.
//!
//! Each file is hashed again while it is copied and compared with the
//! scan's digest: a file that changes between the scan and the copy stops
//! the bag with an error rather than sealing the wrong bytes.

use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256, Sha512};

use super::sums::{self, Style};
use super::{Algorithm, Entry, Error};

/// What a bag holds, once written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub files: u64,
    pub bytes: u64,
}

fn write_err(path: &Path, source: std::io::Error) -> Error {
    Error::Write {
        path: path.display().to_string(),
        source,
    }
}

fn read_err(path: &Path, source: std::io::Error) -> Error {
    Error::Read {
        path: path.display().to_string(),
        source,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes a bag of the files among `entries` (read from under `root`)
/// into `bag`, which must not exist or be empty. `date` is the
/// `Bagging-Date` (YYYY-MM-DD).
pub fn write(root: &Path, entries: &[Entry], bag: &Path, date: &str) -> Result<Written, Error> {
    if bag.exists() {
        let mut it = std::fs::read_dir(bag).map_err(|e| read_err(bag, e))?;
        if it.next().is_some() {
            return Err(Error::Usage(format!(
                "'{}' is not empty: a bag is written into a new or empty folder",
                bag.display()
            )));
        }
    }
    let data = bag.join("data");
    std::fs::create_dir_all(&data).map_err(|e| write_err(&data, e))?;
    let files = super::files(entries);
    let mut sha512 = Vec::with_capacity(files.len());
    let mut written = Written { files: 0, bytes: 0 };
    let mut buf = vec![0u8; 1 << 20];
    for e in &files {
        let name = e.disk_path();
        let rel = Path::new(std::ffi::OsStr::from_bytes(&name));
        let src = root.join(rel);
        let dst = data.join(rel);
        if let Some(parent) = dst.parent() {
            std::fs::create_dir_all(parent).map_err(|e| write_err(parent, e))?;
        }
        let mut input = crate::ingest::open_evidence(&src).map_err(|e| read_err(&src, e))?;
        let mut output = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&dst)
            .map_err(|e| write_err(&dst, e))?;
        let (mut s256, mut s512) = (Sha256::new(), Sha512::new());
        let mut size = 0u64;
        loop {
            let n = input.read(&mut buf).map_err(|e| read_err(&src, e))?;
            if n == 0 {
                break;
            }
            s256.update(&buf[..n]);
            s512.update(&buf[..n]);
            output
                .write_all(&buf[..n])
                .map_err(|e| write_err(&dst, e))?;
            size += n as u64;
        }
        let now = hex(&s256.finalize());
        if Some(now.as_str()) != e.sha256.as_deref() {
            return Err(Error::Usage(format!(
                "'{}' changed between the scan and the copy into the bag (SHA-256 {} then {now}); the bag is incomplete",
                src.display(),
                e.sha256.as_deref().unwrap_or("unknown"),
            )));
        }
        sha512.push(Entry {
            sha256: Some(hex(&s512.finalize())),
            ..(*e).clone()
        });
        written.files += 1;
        written.bytes += size;
    }
    let sha512_refs: Vec<&Entry> = sha512.iter().collect();
    let put = |name: &str, body: &[u8]| -> Result<(), Error> {
        let p = bag.join(name);
        std::fs::write(&p, body).map_err(|e| write_err(&p, e))
    };
    put(
        "bagit.txt",
        b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
    )?;
    put(
        "manifest-sha256.txt",
        &sums::write(&files, Algorithm::Sha256, Style::Bagit),
    )?;
    // The SHA-512 digests ride in the sha256 slot of their copies.
    put(
        "manifest-sha512.txt",
        &sums::write(&sha512_refs, Algorithm::Sha256, Style::Bagit),
    )?;
    put(
        "manifest-blake3.txt",
        &sums::write(&files, Algorithm::Blake3, Style::Bagit),
    )?;
    put(
        "bag-info.txt",
        format!(
            "Bag-Software-Agent: leakcheck {}\nBagging-Date: {date}\nPayload-Oxum: {}.{}\n",
            env!("CARGO_PKG_VERSION"),
            written.bytes,
            written.files
        )
        .as_bytes(),
    )?;
    put("leakcheck-items.jsonl", &super::jsonl::write(entries))?;
    let mut tags = String::new();
    for name in [
        "bag-info.txt",
        "bagit.txt",
        "leakcheck-items.jsonl",
        "manifest-blake3.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
    ] {
        let p = bag.join(name);
        let body = std::fs::read(&p).map_err(|e| read_err(&p, e))?;
        tags.push_str(&format!("{}  {name}\n", hex(&Sha256::digest(&body))));
    }
    put("tagmanifest-sha256.txt", tags.as_bytes())?;
    Ok(written)
}

/// A bag read back for `verify`: the payload digests (names without
/// `data/`), and the inner items when leakcheck wrote the bag.
pub struct Bag {
    pub algorithm: Algorithm,
    pub payload: Vec<sums::Line>,
    pub items: Option<Vec<Entry>>,
}

/// True when `dir` looks like a bag.
pub fn is_bag(dir: &Path) -> bool {
    dir.join("bagit.txt").is_file()
}

/// Reads a bag's SHA-256 (else BLAKE3) payload manifest.
pub fn read(dir: &Path) -> Result<Bag, Error> {
    let pick = [
        ("manifest-sha256.txt", Algorithm::Sha256),
        ("manifest-blake3.txt", Algorithm::Blake3),
    ];
    let Some((name, algorithm)) = pick.iter().find(|(n, _)| dir.join(n).is_file()) else {
        return Err(Error::Usage(format!(
            "the bag '{}' has no manifest-sha256.txt or manifest-blake3.txt; leakcheck verifies SHA-256 or BLAKE3 (use bagit.py --validate for other algorithms)",
            dir.display()
        )));
    };
    let path: PathBuf = dir.join(name);
    let body = std::fs::read(&path).map_err(|e| read_err(&path, e))?;
    let mut payload = sums::read(&body, Style::Bagit, &path.display().to_string())?;
    for l in &mut payload {
        match l.name.strip_prefix(b"data/") {
            Some(rest) => l.name = rest.to_vec(),
            None => {
                return Err(Error::Usage(format!(
                    "{}: '{}' is not under data/",
                    path.display(),
                    String::from_utf8_lossy(&l.name)
                )));
            }
        }
    }
    let items_path = dir.join("leakcheck-items.jsonl");
    let items = if items_path.is_file() {
        let body = std::fs::read(&items_path).map_err(|e| read_err(&items_path, e))?;
        Some(super::jsonl::read(
            &body,
            &items_path.display().to_string(),
        )?)
    } else {
        None
    };
    Ok(Bag {
        algorithm: *algorithm,
        payload,
        items,
    })
}
