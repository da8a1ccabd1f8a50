//! Zip archives (including ZIP64), read through the central directory with
//! the `zip` crate: members are streamed from the archive, never extracted.
//! Encrypted members are listed with their sizes and CRC but not read.

use std::io::Read;

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
        detected == detect::ZIP
    }

    fn list(&self, content: &Content<'_>, sink: &mut Sink<'_, '_>) -> Result<(), String> {
        let reader = content.seekable().map_err(|e| e.to_string())?;
        let mut zip = ZipArchive::new(reader).map_err(|e| e.to_string())?;
        if zip.has_duplicate_names() {
            sink.finding(
                "archive.duplicate_name",
                Severity::Low,
                "The central directory lists some names more than once; the zip reader keeps one entry per name, so earlier copies were not read.".into(),
            );
        }
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
        Ok(())
    }
}
