//! Writes a corpus of hostile input for leakcheck, deterministically (the
//! same bytes on every run, symlinks, permissions and a sparse file aside),
//! in a few seconds and a few tens of MB of disk: no large binary is kept
//! in git, this file is the corpus.
//!
//! ```text
//! bombs/42.zip                nested bomb, 42.zip-style: 4 levels of zips each holding
//!                             16 copies of the level below; 16^4 leaves of 64 MiB of zeros (4 TiB)
//! bombs/overlap.zip           David Fifield's overlapping bomb: 1,000 central-directory entries
//!                             whose local headers overlap (each entry's data quotes the next
//!                             entry's local header), all sharing one 32 MiB kernel (32 GB in all)
//! bombs/zeros-1g.zip          one member, 1 GiB of zeros deflated (~1 MB)
//! bombs/zeros.tar.gz          a tar member of 48 MiB of zeros (no per-member compressed size)
//! names/hostile-names.zip     members named ../x, /etc/x, C:\x, with a NUL, with invalid UTF-8
//! encrypted/zipcrypto.zip     a ZipCrypto member (password "infected") beside a plain one
//! encrypted/aes.zip           a WinZip AES (AE-2) member beside a plain one
//! encrypted/protected.docx    an encrypted Office file: OLE EncryptionInfo + EncryptedPackage
//! truncated/cut.{zip,pdf,doc,msg,mbox,eml}
//! mime/deep-multipart.eml     multipart nested 10,000 deep, beside a plain attachment
//! mime/deep-rfc822.eml        message/rfc822 nested 10,000 deep
//! mime/many-parts.eml         100,001 attachment parts
//! mime/long-header.eml        a 50 MB Subject line of encoded words
//! mime/part-bomb.eml          a million empty MIME parts in 7 MB
//! mime/bogus-charsets.eml     charset labels nobody knows, in headers, names and parts
//! mime/bad-encodings.eml      invalid base64 and quoted-printable, unknown transfer encodings
//! mime/no-separators.mbox     an mbox without a single `From ` line
//! fs/links/…                  symlink loops, links out of the dump (/etc/passwd), a dangling link
//! fs/perms/…                  a file and a folder with mode 000 (root reads them anyway)
//! fs/empty/…                  empty files with every extension leakcheck opens
//! fs/names/…                  file names that are not UTF-8, or hold a newline, `\`, `!`, `%`
//! fs/deep/…                   a folder chain longer than PATH_MAX: unreadable, even by root
//! fs/pipe                     a FIFO (opening it would block)
//! fs/sparse.bin               a sparse file of 5 GiB (set_len, no data written)
//! ```
//!
//! Usage: `cargo run --release --example make-hostile -- [--small] OUT_DIR`
//! (`--small`: the big inputs scaled down, see [`Options::small`]). The tests
//! (`tests/integration/hostile_corpus.rs`) include this file as a module and
//! call [`generate`].

use std::ffi::CString;
use std::fs;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use flate2::{Compress, Compression, Crc, FlushCompress, Status};

const MIB: u64 = 1 << 20;

/// How big to make the inputs whose cost grows with their size. The
/// default is the full corpus; [`Options::small`] keeps every shape at a
/// size a debug build scans in seconds.
pub struct Options {
    /// Length of `fs/sparse.bin` (a hole: nothing is written).
    pub sparse_len: u64,
    /// Length of the Subject line of `mime/long-header.eml`.
    pub header_bytes: usize,
    /// Attachment parts of `mime/many-parts.eml`.
    pub parts: usize,
    /// Empty parts of `mime/part-bomb.eml`.
    pub bomb_parts: usize,
    /// Nesting of `mime/deep-rfc822.eml` (each level is parsed again, up
    /// to the depth limit).
    pub rfc822_depth: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            sparse_len: 5 << 30,
            header_bytes: 50_000_000,
            parts: 100_001,
            bomb_parts: 1_000_000,
            rfc822_depth: 10_000,
        }
    }
}

impl Options {
    /// Every input, the big ones scaled down: a 16 MiB sparse file, a 2 MB
    /// header line, 1,001 parts (scan with `--max-items-per-container
    /// 1000` to hit that limit), a 100,000-part bomb and messages nested
    /// 100 deep (still past the depth limit).
    pub fn small() -> Options {
        Options {
            sparse_len: 16 << 20,
            header_bytes: 2_000_000,
            parts: 1001,
            bomb_parts: 100_000,
            rfc822_depth: 100,
        }
    }
}

/// Paths (relative to the corpus) the generator made unreadable with mode
/// 000; [`make_readable`] gives them back their permissions.
pub const MODE_000: &[&str] = &["fs/perms/locked", "fs/perms/unreadable.txt"];

/// The file at the bottom of `fs/deep`, relative to the corpus: its path is
/// longer than PATH_MAX.
pub fn deep_file() -> Vec<u8> {
    let mut p = b"fs/deep".to_vec();
    for i in 0..DEEP_LEVELS {
        p.push(b'/');
        p.extend_from_slice(deep_name(i).as_bytes());
    }
    p.extend_from_slice(b"/bottom.txt");
    p
}

const DEEP_LEVELS: usize = 18;

fn deep_name(i: usize) -> String {
    format!("{i:02}{}", "d".repeat(240))
}

/// Writes the corpus into `out` (created if missing; it should be empty).
pub fn generate(out: &Path, opts: &Options) -> io::Result<()> {
    fs::create_dir_all(out)?;
    bombs(&out.join("bombs"))?;
    names(&out.join("names"))?;
    encrypted(&out.join("encrypted"))?;
    truncated(&out.join("truncated"))?;
    mime(&out.join("mime"), opts)?;
    filesystem(out, opts)?;
    Ok(())
}

/// Gives the mode-000 paths of a corpus back their permissions (so that it
/// can be deleted by a user who is not root).
pub fn make_readable(out: &Path) {
    for p in MODE_000 {
        let mode = if p.ends_with(".txt") { 0o644 } else { 0o755 };
        let _ = fs::set_permissions(out.join(p), fs::Permissions::from_mode(mode));
    }
}

fn write(dir: &Path, name: impl AsRef<[u8]>, data: &[u8]) -> io::Result<PathBuf> {
    fs::create_dir_all(dir)?;
    let p = dir.join(std::ffi::OsStr::from_bytes(name.as_ref()));
    fs::write(&p, data)?;
    Ok(p)
}

fn other(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

// ------------------------------------------------------------ deflate, crc

/// One MiB of zeros, raw-deflated on its own and ended by a full flush: the
/// block is byte-aligned and needs nothing before it, so copies of it
/// concatenate into a valid stream of any number of MiB of zeros.
fn zero_block() -> io::Result<Vec<u8>> {
    let zeros = vec![0u8; MIB as usize];
    let mut c = Compress::new(Compression::best(), false);
    let mut out = Vec::with_capacity(64 << 10);
    let status = c
        .compress_vec(&zeros, &mut out, FlushCompress::Full)
        .map_err(other)?;
    if status != Status::Ok || c.total_in() != MIB || out.len() == out.capacity() {
        return Err(other("deflate of a zero block did not complete"));
    }
    Ok(out)
}

/// The final empty stored block that ends a deflate stream.
const FINAL_BLOCK: [u8; 5] = [1, 0, 0, 0xFF, 0xFF];

/// Raw deflate of `mib` MiB of zeros (about 1 KB per MiB).
fn deflated_zeros(block: &[u8], mib: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(block.len() * mib as usize + FINAL_BLOCK.len());
    for _ in 0..mib {
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&FINAL_BLOCK);
    out
}

/// The CRC-32 (with its length) of `mib` MiB of zeros, combined from one
/// MiB's rather than computed over all of them.
fn zeros_crc(mib: u64) -> Crc {
    let mut one = Crc::new();
    one.update(&vec![0u8; MIB as usize]);
    let mut all = Crc::new();
    for _ in 0..mib {
        all.combine(&one);
    }
    all
}

fn crc_of(data: &[u8]) -> Crc {
    let mut c = Crc::new();
    c.update(data);
    c
}

/// Raw deflate of `data`, best compression.
fn deflate(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), Compression::best());
    e.write_all(data)?;
    e.finish()
}

// ---------------------------------------------------------------- raw zips

/// One zip entry, written as given (sizes, flags and CRC are not checked).
struct Entry {
    name: Vec<u8>,
    flags: u16,
    method: u16,
    crc: u32,
    size: u32,
    extra: Vec<u8>,
    data: Vec<u8>,
}

impl Entry {
    fn new(name: impl Into<Vec<u8>>, method: u16, crc: u32, size: u64, data: Vec<u8>) -> Entry {
        Entry {
            name: name.into(),
            flags: 0,
            method,
            crc,
            size: size as u32,
            extra: Vec::new(),
            data,
        }
    }

    /// A stored member.
    fn stored(name: impl Into<Vec<u8>>, data: &[u8]) -> Entry {
        Entry::new(
            name,
            0,
            crc_of(data).sum(),
            data.len() as u64,
            data.to_vec(),
        )
    }

    /// A deflated member.
    fn deflated(name: impl Into<Vec<u8>>, data: &[u8]) -> io::Result<Entry> {
        Ok(Entry::new(
            name,
            8,
            crc_of(data).sum(),
            data.len() as u64,
            deflate(data)?,
        ))
    }
}

/// 1980-01-01 00:00, the zip epoch: no clock in the corpus.
const DOS_DATE: u16 = 0x21;

fn local_header(e: &Entry, compressed: u32) -> Vec<u8> {
    let mut h = Vec::with_capacity(30 + e.name.len() + e.extra.len());
    h.extend_from_slice(b"PK\x03\x04");
    h.extend_from_slice(&20u16.to_le_bytes());
    h.extend_from_slice(&e.flags.to_le_bytes());
    h.extend_from_slice(&e.method.to_le_bytes());
    h.extend_from_slice(&0u16.to_le_bytes());
    h.extend_from_slice(&DOS_DATE.to_le_bytes());
    h.extend_from_slice(&e.crc.to_le_bytes());
    h.extend_from_slice(&compressed.to_le_bytes());
    h.extend_from_slice(&e.size.to_le_bytes());
    h.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
    h.extend_from_slice(&(e.extra.len() as u16).to_le_bytes());
    h.extend_from_slice(&e.name);
    h.extend_from_slice(&e.extra);
    h
}

fn central_header(e: &Entry, compressed: u32, offset: u32) -> Vec<u8> {
    let mut h = Vec::with_capacity(46 + e.name.len() + e.extra.len());
    h.extend_from_slice(b"PK\x01\x02");
    h.extend_from_slice(&0x031Eu16.to_le_bytes()); // made by: Unix, spec 3.0
    h.extend_from_slice(&20u16.to_le_bytes());
    h.extend_from_slice(&e.flags.to_le_bytes());
    h.extend_from_slice(&e.method.to_le_bytes());
    h.extend_from_slice(&0u16.to_le_bytes());
    h.extend_from_slice(&DOS_DATE.to_le_bytes());
    h.extend_from_slice(&e.crc.to_le_bytes());
    h.extend_from_slice(&compressed.to_le_bytes());
    h.extend_from_slice(&e.size.to_le_bytes());
    h.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
    h.extend_from_slice(&(e.extra.len() as u16).to_le_bytes());
    h.extend_from_slice(&0u16.to_le_bytes()); // comment
    h.extend_from_slice(&0u16.to_le_bytes()); // disk
    h.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
    h.extend_from_slice(&(0o100644u32 << 16).to_le_bytes());
    h.extend_from_slice(&offset.to_le_bytes());
    h.extend_from_slice(&e.name);
    h.extend_from_slice(&e.extra);
    h
}

fn end_of_directory(out: &mut Vec<u8>, count: usize, cd_start: usize) {
    let cd_len = out.len() - cd_start;
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(count as u16).to_le_bytes());
    out.extend_from_slice(&(count as u16).to_le_bytes());
    out.extend_from_slice(&(cd_len as u32).to_le_bytes());
    out.extend_from_slice(&(cd_start as u32).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
}

/// A zip of the entries, in order.
fn zip(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::with_capacity(entries.len());
    for e in entries {
        offsets.push(out.len() as u32);
        out.extend_from_slice(&local_header(e, e.data.len() as u32));
        out.extend_from_slice(&e.data);
    }
    let cd_start = out.len();
    for (e, off) in entries.iter().zip(offsets) {
        out.extend_from_slice(&central_header(e, e.data.len() as u32, off));
    }
    end_of_directory(&mut out, entries.len(), cd_start);
    out
}

// ------------------------------------------------------------------- bombs

fn bombs(dir: &Path) -> io::Result<()> {
    let block = zero_block()?;

    // 42.zip: leaves of 64 MiB of zeros, 16 to a zip, 4 levels of zips.
    let leaf = deflated_zeros(&block, 64);
    let leaf_crc = zeros_crc(64).sum();
    let hex = |i: usize| format!("{i:x}");
    let mut level = zip(&(0..16)
        .map(|i| {
            Entry::new(
                format!("{}.bin", hex(i)),
                8,
                leaf_crc,
                64 * MIB,
                leaf.clone(),
            )
        })
        .collect::<Vec<_>>());
    for depth in 1..4 {
        let packed = deflate(&level)?;
        let crc = crc_of(&level).sum();
        let entries: Vec<Entry> = (0..16)
            .map(|i| {
                Entry::new(
                    format!("lib{depth}-{}.zip", hex(i)),
                    8,
                    crc,
                    level.len() as u64,
                    packed.clone(),
                )
            })
            .collect();
        level = zip(&entries);
    }
    write(dir, "42.zip", &level)?;

    write(dir, "overlap.zip", &overlap_bomb(&block, 1000, 32)?)?;

    // One member of 1 GiB of zeros.
    let gig = Entry::new(
        "zeros.bin",
        8,
        zeros_crc(1024).sum(),
        1024 * MIB,
        deflated_zeros(&block, 1024),
    );
    write(
        dir,
        "zeros-1g.zip",
        &zip(&[gig, Entry::stored("after.txt", b"read")]),
    )?;

    write(
        dir,
        "zeros.tar.gz",
        &tar_gz_of_zeros(&block, "zeros.bin", 48)?,
    )?;
    Ok(())
}

/// David Fifield's "better zip bomb" (2019), with quoted overlap: entry i's
/// deflate data is a stored (non-final) block that quotes entry i+1's local
/// header, followed by entry i+1's data; the last entry's data is the
/// kernel, `kernel_mib` MiB of zeros. Every entry shares the kernel, so
/// `entries` × `kernel_mib` MiB come out of a file of a few tens of KB.
fn overlap_bomb(block: &[u8], entries: usize, kernel_mib: u64) -> io::Result<Vec<u8>> {
    let kernel = deflated_zeros(block, kernel_mib);
    let names: Vec<String> = (0..entries).map(|i| format!("{i:04}.bin")).collect();
    // From the last entry to the first: each one's sizes and CRC depend on
    // the next one's local header.
    let mut headers: Vec<Vec<u8>> = vec![Vec::new(); entries];
    let mut central: Vec<Entry> = Vec::with_capacity(entries);
    let mut compressed = vec![0u32; entries];
    let mut crc = zeros_crc(kernel_mib);
    let mut csize = kernel.len() as u64;
    let mut usize_ = kernel_mib * MIB;
    for i in (0..entries).rev() {
        if i + 1 < entries {
            let next = &headers[i + 1];
            let mut c = crc_of(next);
            c.combine(&crc);
            crc = c;
            csize += 5 + next.len() as u64;
            usize_ += next.len() as u64;
        }
        if csize > u64::from(u32::MAX) || usize_ > u64::from(u32::MAX) {
            return Err(other("overlap bomb too large for a zip without ZIP64"));
        }
        let e = Entry::new(names[i].clone(), 8, crc.sum(), usize_, Vec::new());
        headers[i] = local_header(&e, csize as u32);
        compressed[i] = csize as u32;
        central.push(e);
    }
    central.reverse();
    let mut out = Vec::new();
    let mut offsets = Vec::with_capacity(entries);
    for i in 0..entries {
        offsets.push(out.len() as u32);
        out.extend_from_slice(&headers[i]);
        if let Some(next) = headers.get(i + 1) {
            let n = next.len() as u16;
            out.push(0); // BFINAL=0, BTYPE=00: a stored block
            out.extend_from_slice(&n.to_le_bytes());
            out.extend_from_slice(&(!n).to_le_bytes());
        }
    }
    out.extend_from_slice(&kernel);
    let cd_start = out.len();
    for i in 0..entries {
        out.extend_from_slice(&central_header(&central[i], compressed[i], offsets[i]));
    }
    end_of_directory(&mut out, entries, cd_start);
    Ok(out)
}

/// A .tar.gz whose one member is `mib` MiB of zeros, deflated from copies
/// of `block` (no compressor runs over the zeros).
fn tar_gz_of_zeros(block: &[u8], name: &str, mib: u64) -> io::Result<Vec<u8>> {
    let mut h = tar::Header::new_ustar();
    h.set_path(name)?;
    h.set_size(mib * MIB);
    h.set_mode(0o644);
    h.set_mtime(0);
    h.set_cksum();
    let header = h.as_bytes().to_vec();
    // The header alone, then the zeros (the member, then the two empty
    // end-of-archive blocks).
    let mut c = Compress::new(Compression::best(), false);
    let mut head = Vec::with_capacity(4096);
    c.compress_vec(&header, &mut head, FlushCompress::Full)
        .map_err(other)?;
    let mut gz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3];
    gz.extend_from_slice(&head);
    let body = deflated_zeros(block, mib);
    gz.extend_from_slice(&body[..body.len() - FINAL_BLOCK.len()]);
    gz.extend_from_slice(&deflate(&[0u8; 1024])?);
    let mut crc = crc_of(&header);
    crc.combine(&zeros_crc(mib));
    crc.combine(&crc_of(&[0u8; 1024]));
    gz.extend_from_slice(&crc.sum().to_le_bytes());
    let total = header.len() as u64 + mib * MIB + 1024;
    gz.extend_from_slice(&(total as u32).to_le_bytes());
    Ok(gz)
}

// ------------------------------------------------------------------- names

fn names(dir: &Path) -> io::Result<()> {
    let mut utf8_flagged = Entry::stored(&b"bad-utf8-\xff\xfe.txt"[..], b"flagged UTF-8, is not");
    utf8_flagged.flags |= 1 << 11;
    let entries = vec![
        Entry::stored("../x", b"climbs out"),
        Entry::stored("../../../../../../tmp/leakcheck-x", b"climbs far"),
        Entry::stored("/etc/x", b"absolute"),
        Entry::stored("C:\\x", b"drive letter"),
        Entry::stored("C:/Windows/x", b"drive letter, slashes"),
        Entry::stored("\\\\server\\share\\x", b"UNC path"),
        Entry::stored(&b"nul\0hidden.txt"[..], b"a NUL in the name"),
        Entry::stored(&b"cp437-\x82t\x82.txt"[..], b"not flagged UTF-8: CP437"),
        utf8_flagged,
        Entry::stored("ok.txt", b"fine"),
    ];
    write(dir, "hostile-names.zip", &zip(&entries))?;
    Ok(())
}

// --------------------------------------------------------------- encrypted

/// Traditional PKWARE encryption ("ZipCrypto"), APPNOTE 6.1.
struct ZipCrypto {
    keys: [u32; 3],
}

fn crc32_byte(crc: u32, b: u8) -> u32 {
    let mut c = (crc ^ u32::from(b)) & 0xFF;
    for _ in 0..8 {
        c = if c & 1 != 0 {
            0xEDB8_8320 ^ (c >> 1)
        } else {
            c >> 1
        };
    }
    c ^ (crc >> 8)
}

impl ZipCrypto {
    fn new(password: &[u8]) -> ZipCrypto {
        let mut z = ZipCrypto {
            keys: [0x1234_5678, 0x2345_6789, 0x3456_7890],
        };
        for &b in password {
            z.update(b);
        }
        z
    }

    fn update(&mut self, b: u8) {
        self.keys[0] = crc32_byte(self.keys[0], b);
        self.keys[1] = self.keys[1]
            .wrapping_add(self.keys[0] & 0xFF)
            .wrapping_mul(134_775_813)
            .wrapping_add(1);
        self.keys[2] = crc32_byte(self.keys[2], (self.keys[1] >> 24) as u8);
    }

    fn encrypt(&mut self, plain: u8) -> u8 {
        let t = (self.keys[2] | 2) & 0xFFFF;
        let k = ((t * (t ^ 1)) >> 8) as u8;
        self.update(plain);
        plain ^ k
    }
}

/// Deterministic filler bytes (a xorshift stream).
fn noise(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn encrypted(dir: &Path) -> io::Result<()> {
    // ZipCrypto, stored: a 12-byte header (its last byte the CRC's high
    // byte, for the password check), then the data, all encrypted.
    let secret = b"The meeting is moved to the 14th. Burn this.";
    let crc = crc_of(secret).sum();
    let mut header = noise(1, 11);
    header.push((crc >> 24) as u8);
    let mut z = ZipCrypto::new(b"infected");
    let data: Vec<u8> = header
        .iter()
        .chain(secret.iter())
        .map(|&b| z.encrypt(b))
        .collect();
    let mut e = Entry::new("secret.txt", 0, crc, secret.len() as u64, data);
    e.flags |= 1;
    write(
        dir,
        "zipcrypto.zip",
        &zip(&[e, Entry::stored("readme.txt", b"the password is elsewhere")]),
    )?;

    // WinZip AES-256 (AE-2): method 99, the real method in the 0x9901
    // extra field, CRC 0; salt, password check, data and MAC are filler
    // (no reader can tell without the password).
    let mut extra = vec![0x01, 0x99, 7, 0];
    extra.extend_from_slice(&2u16.to_le_bytes()); // AE-2
    extra.extend_from_slice(b"AE");
    extra.push(3); // AES-256
    extra.extend_from_slice(&8u16.to_le_bytes()); // deflated inside
    let mut e = Entry::new("plans.pdf", 99, 0, 3000, noise(2, 16 + 2 + 2000 + 10));
    e.flags |= 1;
    e.extra = extra;
    write(
        dir,
        "aes.zip",
        &zip(&[e, Entry::stored("readme.txt", b"AES-256")]),
    )?;

    // A password-protected Office document: a compound file holding
    // EncryptionInfo (agile, version 4.4) and EncryptedPackage.
    let mut info = vec![4, 0, 4, 0, 0x40, 0, 0, 0];
    info.extend_from_slice(
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"><keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></encryption>"#,
    );
    let mut package = 9000u64.to_le_bytes().to_vec();
    package.extend_from_slice(&noise(3, 9216));
    let ole = compound_file(&[("EncryptionInfo", &info), ("EncryptedPackage", &package)])?;
    write(dir, "protected.docx", &ole)?;
    Ok(())
}

/// A compound file (OLE2) holding the given streams at its root.
fn compound_file(streams: &[(&str, &[u8])]) -> io::Result<Vec<u8>> {
    let mut cf = cfb::CompoundFile::create(io::Cursor::new(Vec::new()))?;
    for (name, data) in streams {
        let mut s = cf.create_stream(format!("/{name}"))?;
        s.write_all(data)?;
    }
    cf.flush()?;
    Ok(cf.into_inner().into_inner())
}

// --------------------------------------------------------------- truncated

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn truncated(dir: &Path) -> io::Result<()> {
    let cut = |b: &[u8], num: usize, den: usize| b[..b.len() * num / den].to_vec();

    let z = zip(&[
        Entry::deflated("a.txt", &b"alpha ".repeat(2000))?,
        Entry::deflated("b.txt", &b"beta ".repeat(2000))?,
        Entry::stored("c.txt", b"gamma"),
    ]);
    write(dir, "cut.zip", &cut(&z, 2, 3))?;

    let pdf = pdf_document();
    write(dir, "cut.pdf", &cut(&pdf, 3, 5))?;

    // A Word 97 file: FIB magic, then filler; cut through its sectors.
    let mut word = vec![0xEC, 0xA5, 0xC1, 0x00];
    word.extend_from_slice(&noise(4, 12_000));
    let doc = compound_file(&[("WordDocument", &word), ("1Table", &noise(5, 6000))])?;
    write(dir, "cut.doc", &cut(&doc, 1, 2))?;

    // An Outlook message: subject, body and the property stream.
    let mut props = vec![0u8; 32];
    props.extend_from_slice(&noise(6, 16 * 8));
    let msg = compound_file(&[
        ("__substg1.0_0037001F", &utf16("Cut in half")),
        ("__substg1.0_1000001F", &utf16(&"body text ".repeat(900))),
        ("__properties_version1.0", &props),
    ])?;
    write(dir, "cut.msg", &cut(&msg, 3, 5))?;

    let mut mbox = Vec::new();
    for i in 1..=3 {
        mbox.extend_from_slice(
            format!(
                "From a@example.org Mon Apr  3 10:0{i}:00 2017\nFrom: a@example.org\nTo: b@example.org\nSubject: message {i}\nDate: Mon, 3 Apr 2017 10:0{i}:00 +0200\n\nbody {i}\n\n"
            )
            .as_bytes(),
        );
    }
    let at = mbox.len() - 30; // inside the third message's headers
    write(dir, "cut.mbox", &mbox[..at])?;

    let mut eml = b"From: a@example.org\nTo: b@example.org\nSubject: cut attachment\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"cut\"\n\n--cut\nContent-Type: text/plain\n\nsee attached\n--cut\nContent-Type: application/pdf; name=\"report.pdf\"\nContent-Transfer-Encoding: base64\n\n".to_vec();
    let b64 = base64(&pdf);
    eml.extend_from_slice(&b64.as_bytes()[..b64.len() / 2 + 1]);
    write(dir, "cut.eml", &eml)?;
    Ok(())
}

fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (i, c) in data.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push('\n');
        }
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            out.push(if k <= c.len() {
                A[((n >> (18 - 6 * k)) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out.push('\n');
    out
}

/// A small, valid one-page PDF with an Info dictionary.
fn pdf_document() -> Vec<u8> {
    let text = "BT /F1 12 Tf 72 720 Td (Quarterly figures, do not share) Tj ET\n".repeat(20);
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{text}endstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        "<< /Author (A. Source) /Producer (make-hostile) /CreationDate (D:20170403100000+02'00') >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

// -------------------------------------------------------------------- mime

fn mime(dir: &Path, opts: &Options) -> io::Result<()> {
    let head = |subject: &str| {
        format!(
            "From: sender@example.org\nTo: desk@example.org\nSubject: {subject}\nDate: Mon, 3 Apr 2017 10:00:00 +0200\nMessage-ID: <{}@example.org>\nMIME-Version: 1.0\n",
            subject.replace(' ', "-")
        )
    };

    // multipart nested 10,000 deep, a file at the bottom and one at the
    // top (boundaries of one width, so none is a prefix of another).
    let depth = 10_000;
    let mut m = head("deep multipart");
    m.push_str("Content-Type: multipart/mixed; boundary=\"top\"\n\n");
    m.push_str("--top\nContent-Type: application/pdf; name=\"top.pdf\"\n\n%PDF-1.4\n");
    m.push_str("--top\nContent-Type: multipart/mixed; boundary=\"b00000\"\n\n");
    for i in 0..depth {
        m.push_str(&format!("--b{i:05}\n"));
        if i + 1 < depth {
            m.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"b{:05}\"\n\n",
                i + 1
            ));
        }
    }
    m.push_str("Content-Type: application/octet-stream; name=\"bottom.bin\"\n\nbottom\n");
    for i in (0..depth).rev() {
        m.push_str(&format!("--b{i:05}--\n"));
    }
    m.push_str("--top--\n");
    write(dir, "deep-multipart.eml", m.as_bytes())?;

    // message/rfc822 nested 10,000 deep.
    let mut m = String::new();
    for i in 0..opts.rfc822_depth {
        m.push_str(&format!(
            "From: level{i}@example.org\nSubject: level {i}\nMIME-Version: 1.0\nContent-Type: message/rfc822\n\n"
        ));
    }
    m.push_str("From: bottom@example.org\nSubject: bottom\n\nthe end\n");
    write(dir, "deep-rfc822.eml", m.as_bytes())?;

    // 100,001 attachment parts: one more than the default per-container limit.
    let parts = opts.parts;
    let mut m = head("many parts");
    m.push_str("Content-Type: multipart/mixed; boundary=\"p\"\n\n");
    for i in 0..parts {
        m.push_str(&format!(
            "--p\nContent-Type: application/octet-stream; name=\"{i:06}.bin\"\n\n{i}\n"
        ));
    }
    m.push_str("--p--\n");
    write(dir, "many-parts.eml", m.as_bytes())?;

    // A 50 MB Subject line: encoded words that all have to be joined.
    let word = "=?utf-8?q?caf=C3=A9?= ";
    let mut m = String::with_capacity(opts.header_bytes + 4096);
    m.push_str("From: sender@example.org\nTo: desk@example.org\nSubject: ");
    let n = opts.header_bytes.saturating_sub(m.len()) / word.len();
    for _ in 0..n {
        m.push_str(word);
    }
    m.push_str("\nDate: Mon, 3 Apr 2017 10:00:00 +0200\n\nbody\n");
    write(dir, "long-header.eml", m.as_bytes())?;

    // A million empty parts (7 bytes each): parsed whole, they would take
    // some 40 times the message's size in memory.
    let mut m = head("part bomb");
    m.push_str("Content-Type: multipart/mixed; boundary=\"p\"\n\n");
    m.push_str(&"--p\n\nx\n".repeat(opts.bomb_parts));
    m.push_str("--p\nContent-Type: application/octet-stream; name=\"last.bin\"\n\nlast\n--p--\n");
    write(dir, "part-bomb.eml", m.as_bytes())?;

    let mut m = b"From: =?x-no-such-charset?B?w6lsaXNl?= <sender@example.org>\nTo: =?utf-7?Q?+AGkAbQ-?= <desk@example.org>\nSubject: =?\xff\xfe?Q?bogus?= =?utf-8*fr?Q?caf=C3=A9?= =??Q?empty?= =?koi8-r?B?????=\nDate: Mon, 3 Apr 2017 10:00:00 +0200\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"c\"; charset=\"no-such\"\n\n".to_vec();
    m.extend_from_slice(
        b"--c\nContent-Type: text/plain; charset=\"x-unknown-\xf0\x9f\x99\x82\"\n\n\xe9t\xe9\n",
    );
    m.extend_from_slice(
        b"--c\nContent-Type: application/pdf; name=\"=?x-bogus?B?w6l0w6kucGRm?=\"\n\n%PDF-1.4\n",
    );
    m.extend_from_slice(
        b"--c\nContent-Type: application/octet-stream; name*=x-bogus''%E9t%E9.bin\n\nrfc2231\n",
    );
    m.extend_from_slice(b"--c\nContent-Type: text/csv; charset=utf-99\nContent-Disposition: attachment; filename*=utf-8'fr'%FF%FE.csv\n\na,b\n");
    m.extend_from_slice(b"--c--\n");
    write(dir, "bogus-charsets.eml", &m)?;

    let mut m = head("bad encodings");
    m.push_str("Content-Type: multipart/mixed; boundary=\"e\"\n\n");
    for (name, cte, body) in [
        ("garbage.bin", "base64", "!!!!****%%%%\n"),
        ("one-too-many.bin", "base64", "QUJDRA\n"),
        ("pad-in-middle.bin", "base64", "QU==JDRA==\nQUJD\n"),
        ("only-padding.bin", "base64", "====\n"),
        (
            "bad-qp.bin",
            "quoted-printable",
            "=ZZ=4=\n=G1 soft=\r\nbreak=\n=E9=\n",
        ),
        ("trailing-equals.bin", "quoted-printable", "end=\n"),
        ("unknown-cte.bin", "x-no-such-encoding", "kept as is\n"),
        ("uuencode-no-begin.bin", "x-uuencode", "M86)C\n"),
    ] {
        m.push_str(&format!(
            "--e\nContent-Type: application/octet-stream; name=\"{name}\"\nContent-Transfer-Encoding: {cte}\n\n{body}"
        ));
    }
    m.push_str("--e--\n");
    write(dir, "bad-encodings.eml", m.as_bytes())?;

    let mut m = String::new();
    for i in 1..=3 {
        m.push_str(&head(&format!("no separator {i}")));
        m.push_str("\nno From line before this message\n\n");
    }
    write(dir, "no-separators.mbox", m.as_bytes())?;
    Ok(())
}

// -------------------------------------------------------------- filesystem

fn filesystem(out: &Path, opts: &Options) -> io::Result<()> {
    use std::os::unix::fs::symlink;

    let dir = &out.join("fs");
    let links = dir.join("links");
    fs::create_dir_all(links.join("loop"))?;
    symlink("self", links.join("self"))?;
    symlink("pong", links.join("ping"))?;
    symlink("ping", links.join("pong"))?;
    symlink("..", links.join("loop/parent"))?;
    symlink("/etc/passwd", links.join("passwd"))?;
    symlink(
        "../../../../../../../../../../../etc/hostname",
        links.join("escape"),
    )?;
    symlink("/nonexistent/leakcheck-hostile", links.join("dangling"))?;

    let perms = dir.join("perms");
    write(&perms, "unreadable.txt", b"mode 000")?;
    write(&perms.join("locked"), "inside.txt", b"in a mode-000 folder")?;
    for p in MODE_000 {
        fs::set_permissions(out.join(p), fs::Permissions::from_mode(0o000))?;
    }

    let empty = dir.join("empty");
    for name in [
        "empty",
        "empty.eml",
        "empty.mbox",
        "empty.zip",
        "empty.gz",
        "empty.tar",
        "empty.7z",
        "empty.msg",
        "empty.pst",
        "empty.pdf",
        "empty.docx",
        "empty.doc",
        "empty.jpg",
    ] {
        write(&empty, name, b"")?;
    }

    let names = dir.join("names");
    write(&names, &b"caf\xe9.txt"[..], b"latin-1 name")?;
    write(
        &names.join(std::ffi::OsStr::from_bytes(b"\xff\xfe-dir")),
        "inner.txt",
        b"in a folder with a non-UTF-8 name",
    )?;
    write(&names, "new\nline.txt", b"a newline in the name")?;
    write(&names, "back\\slash.txt", b"a backslash")?;
    write(&names, "bang!percent%41.txt", b"escapes")?;
    write(&names, " leading space", b"space")?;
    write(
        &names,
        &b"\x1b[31mred\x1b[0m.txt"[..],
        b"terminal escapes in the name",
    )?;

    deep_tree(&dir.join("deep"))?;

    let fifo = CString::new(dir.join("pipe").as_os_str().as_bytes()).map_err(other)?;
    // SAFETY: a valid NUL-terminated path.
    if unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) } != 0 {
        return Err(io::Error::last_os_error());
    }

    let sparse = fs::File::create(dir.join("sparse.bin"))?;
    sparse.set_len(opts.sparse_len)?;
    Ok(())
}

/// `deep/` then a chain of folders whose full path passes PATH_MAX (4096),
/// made with `mkdirat`/`openat` from each folder's descriptor (a path that
/// long cannot be named whole), and `bottom.txt` at the end.
fn deep_tree(deep: &Path) -> io::Result<()> {
    fs::create_dir_all(deep)?;
    let start = CString::new(deep.as_os_str().as_bytes()).map_err(other)?;
    // SAFETY: plain descriptor calls on NUL-terminated names; every
    // descriptor opened here is closed here.
    unsafe {
        let mut fd = libc::open(start.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY);
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        for i in 0..DEEP_LEVELS {
            let name = CString::new(deep_name(i)).map_err(other)?;
            if libc::mkdirat(fd, name.as_ptr(), 0o755) != 0 {
                let e = io::Error::last_os_error();
                libc::close(fd);
                return Err(e);
            }
            let next = libc::openat(fd, name.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY);
            libc::close(fd);
            if next < 0 {
                return Err(io::Error::last_os_error());
            }
            fd = next;
        }
        let name = CString::new("bottom.txt").map_err(other)?;
        let f = libc::openat(
            fd,
            name.as_ptr(),
            libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL,
            0o644,
        );
        libc::close(fd);
        if f < 0 {
            return Err(io::Error::last_os_error());
        }
        let text = b"below PATH_MAX\n";
        let n = libc::write(f, text.as_ptr().cast(), text.len());
        libc::close(f);
        if n != text.len() as isize {
            return Err(other("short write at the bottom of fs/deep"));
        }
    }
    Ok(())
}

fn main() {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let small = args.first().is_some_and(|a| a == "--small");
    if small {
        args.remove(0);
    }
    let (Some(out), None) = (args.first().map(PathBuf::from), args.get(1)) else {
        eprintln!("usage: cargo run --release --example make-hostile -- [--small] OUT_DIR");
        std::process::exit(2);
    };
    if out.exists()
        && fs::read_dir(&out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        eprintln!(
            "{}: exists and is not empty; give a new folder",
            out.display()
        );
        std::process::exit(2);
    }
    let opts = if small {
        Options::small()
    } else {
        Options::default()
    };
    let t = std::time::Instant::now();
    if let Err(e) = generate(&out, &opts) {
        eprintln!("make-hostile: {e}");
        std::process::exit(1);
    }
    println!(
        "hostile corpus written to {} in {:.1} s (fs/sparse.bin is a hole of {} bytes; {} are mode 000)",
        out.display(),
        t.elapsed().as_secs_f64(),
        opts.sparse_len,
        MODE_000.join(" and ")
    );
}
