//! Zip archives (including ZIP64), read through the central directory with
//! the `zip` crate: members are streamed from the archive, never extracted.
//! Encrypted members are listed with their sizes and CRC but not read.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};

use serde_json::Value;
use zip::ZipArchive;

use super::{Content, Format, Member, MemberContent, Sink};
use crate::detect;
use crate::item::{ItemKind, Severity};

pub(crate) struct Zip;

impl Format for Zip {
    fn name(&self) -> &'static str {
        "zip"
    }

    fn opens(&self, detected: &str, _: ItemKind) -> bool {
        // Office and ODF packages are documents (leaves); a Java archive is
        // an archive like any other and can carry anything.
        detected == detect::ZIP || detected == "application/java-archive"
    }

    fn list(&self, content: &Content<'_>, sink: &mut Sink<'_, '_>) -> Result<(), String> {
        let reader = content.seekable().map_err(|e| e.to_string())?;
        let mut zip = ZipArchive::new(reader).map_err(|e| e.to_string())?;
        let duplicates = zip.has_duplicate_names();
        let offset = zip.offset();
        if !zip.comment().is_empty() {
            let comment = String::from_utf8_lossy(zip.comment()).into_owned();
            sink.container_metadata("zip_comment", comment);
        }
        let meta = zip.metadata();
        let mut directories = 0u64;
        for i in 0..zip.len() {
            let entry = match meta.entry(i) {
                Ok(e) => e,
                Err(e) => return Err(e.to_string()),
            };
            if entry.is_dir() {
                directories += 1;
                continue;
            }
            // The decoded name (UTF-8 when flagged, else CP437, as zip tools do).
            let name: Vec<u8> = match entry.name() {
                Ok(n) => n.as_bytes().to_vec(),
                Err(_) => entry.name_raw().to_vec(),
            };
            let mut m = Member::new(name, ItemKind::ArchiveMember, MemberContent::Bytes(&[]));
            m.declared_size = Some(entry.size());
            m.compressed_size = Some(entry.compressed_size());
            m.metadata.insert(
                "crc32".into(),
                Value::from(format!("{:08x}", entry.crc32())),
            );
            m.metadata.insert(
                "compression".into(),
                Value::from(entry.compression().to_string()),
            );
            if let Some(t) = entry.last_modified() {
                m.metadata.insert(
                    "modified".into(),
                    Value::from(format!(
                        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                        t.year(),
                        t.month(),
                        t.day(),
                        t.hour(),
                        t.minute(),
                        t.second()
                    )),
                );
            }
            if entry.encrypted() {
                m.metadata.insert("encrypted".into(), Value::from(true));
                m.content = MemberContent::Unreadable(
                    "encrypted (password-protected) member; name, sizes and CRC are recorded"
                        .into(),
                );
                sink.member(m);
                continue;
            }
            let symlink = entry.is_symlink();
            match zip.by_index(i) {
                Ok(mut f) if symlink => {
                    let mut target = Vec::new();
                    let _ = (&mut f).take(4096).read_to_end(&mut target);
                    m.content = MemberContent::Link(String::from_utf8_lossy(&target).into_owned());
                    sink.member(m);
                }
                Ok(mut f) => {
                    m.content = MemberContent::Reader(&mut f);
                    sink.member(m);
                }
                Err(e) => {
                    m.content = MemberContent::Unreadable(e.to_string());
                    sink.member(m);
                }
            }
        }
        if directories > 0 {
            sink.container_metadata("zip_directories", directories);
        }
        if duplicates {
            shadowed(content, offset, sink)?;
        }
        Ok(())
    }
}

/// The `zip` crate keeps one entry per name (the last). A name stored twice
/// is a classic way to show one tool one file and another tool another, so
/// the earlier copies are found in the central directory and read from
/// their local headers; each is then named `entry<N>` by the sink.
fn shadowed(content: &Content<'_>, offset: u64, sink: &mut Sink<'_, '_>) -> Result<(), String> {
    let mut r = content.seekable().map_err(|e| e.to_string())?;
    let entries = match central_directory(&mut r, offset) {
        Ok(e) => e,
        Err(e) => {
            sink.finding(
                "archive.duplicate_name",
                Severity::Low,
                format!("The central directory lists some names more than once, and the earlier copies could not be located ({e}); they were not read."),
            );
            return Ok(());
        }
    };
    let before = sink.listed();
    let mut last: HashMap<&[u8], usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        last.insert(&e.name, i);
    }
    for (i, e) in entries.iter().enumerate() {
        if last.get(e.name.as_slice()) == Some(&i) || e.name.ends_with(b"/") {
            continue;
        }
        let mut m = Member::new(
            e.name.clone(),
            ItemKind::ArchiveMember,
            MemberContent::Bytes(&[]),
        );
        m.declared_size = Some(e.size);
        m.compressed_size = Some(e.compressed);
        m.metadata
            .insert("crc32".into(), Value::from(format!("{:08x}", e.crc32)));
        m.metadata.insert("shadowed".into(), Value::from(true));
        if e.flags & 1 != 0 {
            m.metadata.insert("encrypted".into(), Value::from(true));
            m.content = MemberContent::Unreadable("encrypted (password-protected) member".into());
            sink.member(m);
            continue;
        }
        if let Err(err) = r.seek(SeekFrom::Start(offset + e.local_offset)) {
            m.content = MemberContent::Unreadable(err.to_string());
            sink.member(m);
            continue;
        }
        match zip::read::read_zipfile_from_stream_with_compressed_size(&mut r, e.compressed) {
            Ok(Some(mut f)) => {
                m.content = MemberContent::Reader(&mut f);
                sink.member(m);
            }
            Ok(None) => {
                m.content = MemberContent::Unreadable(
                    "no local header where the central directory points".into(),
                );
                sink.member(m);
            }
            Err(err) => {
                m.content = MemberContent::Unreadable(err.to_string());
                sink.member(m);
            }
        }
    }
    if sink.listed() == before {
        sink.finding(
            "archive.duplicate_name",
            Severity::Low,
            "The zip reader reports names stored more than once, but the earlier copies could not be found in the central directory; they were not read.".into(),
        );
    }
    Ok(())
}

/// One central directory record, as much of it as the duplicate search needs.
struct CdEntry {
    name: Vec<u8>,
    local_offset: u64,
    compressed: u64,
    size: u64,
    crc32: u32,
    flags: u16,
}

fn le16(b: &[u8], at: usize) -> u64 {
    u64::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn le32(b: &[u8], at: usize) -> u64 {
    u64::from(u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]))
}

fn le64(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

/// Reads every central directory record (ZIP64 included), in order.
fn central_directory(r: &mut dyn super::ReadSeek, offset: u64) -> std::io::Result<Vec<CdEntry>> {
    use std::io::{Error, ErrorKind};
    let bad = |m: &str| Error::new(ErrorKind::InvalidData, m.to_string());
    let len = r.seek(SeekFrom::End(0))?;
    let tail_len = len.min(65_557 + 20);
    r.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0u8; tail_len as usize];
    r.read_exact(&mut tail)?;
    // The real end record is the one whose comment runs to the end of the
    // file (a fake one can hide inside the comment).
    let eocd = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| {
            &tail[i..i + 4] == b"PK\x05\x06" && i + 22 + le16(&tail, i + 20) as usize == tail.len()
        })
        .ok_or_else(|| bad("no end of central directory"))?;
    let mut count = le16(&tail, eocd + 10);
    let mut cd_size = le32(&tail, eocd + 12);
    let mut cd_offset = le32(&tail, eocd + 16);
    if (count == 0xFFFF || cd_size == 0xFFFF_FFFF || cd_offset == 0xFFFF_FFFF) && eocd >= 20 {
        let loc = eocd - 20;
        if &tail[loc..loc + 4] == b"PK\x06\x07" {
            let z64 = le64(&tail, loc + 8);
            r.seek(SeekFrom::Start(offset.saturating_add(z64)))?;
            let mut rec = [0u8; 56];
            r.read_exact(&mut rec)?;
            if &rec[..4] != b"PK\x06\x06" {
                return Err(bad("bad ZIP64 end record"));
            }
            count = le64(&rec, 32);
            cd_size = le64(&rec, 40);
            cd_offset = le64(&rec, 48);
        }
    }
    if cd_size > len || count > cd_size / 46 + 1 {
        return Err(bad("central directory larger than the file"));
    }
    r.seek(SeekFrom::Start(offset.saturating_add(cd_offset)))?;
    let mut cd = vec![0u8; cd_size as usize];
    r.read_exact(&mut cd)?;
    let mut out = Vec::new();
    let mut at = 0usize;
    while at + 46 <= cd.len() && &cd[at..at + 4] == b"PK\x01\x02" {
        let name_len = le16(&cd, at + 28) as usize;
        let extra_len = le16(&cd, at + 30) as usize;
        let comment_len = le16(&cd, at + 32) as usize;
        let end = at + 46 + name_len + extra_len + comment_len;
        if end > cd.len() {
            return Err(bad("truncated central directory record"));
        }
        let mut e = CdEntry {
            name: cd[at + 46..at + 46 + name_len].to_vec(),
            flags: le16(&cd, at + 8) as u16,
            crc32: le32(&cd, at + 16) as u32,
            compressed: le32(&cd, at + 20),
            size: le32(&cd, at + 24),
            local_offset: le32(&cd, at + 42),
        };
        // ZIP64 extra field: the 0xFFFFFFFF fields, in this order.
        let extra = &cd[at + 46 + name_len..at + 46 + name_len + extra_len];
        let mut x = 0;
        while x + 4 <= extra.len() {
            let id = le16(extra, x);
            let n = le16(extra, x + 2) as usize;
            if id == 1 && x + 4 + n <= extra.len() {
                let mut f = x + 4;
                for field in [&mut e.size, &mut e.compressed, &mut e.local_offset] {
                    if *field == 0xFFFF_FFFF && f + 8 <= x + 4 + n {
                        *field = le64(extra, f);
                        f += 8;
                    }
                }
            }
            x += 4 + n;
        }
        out.push(e);
        at = end;
    }
    Ok(out)
}
