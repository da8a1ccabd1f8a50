//! 7z archives, with `sevenz-rust2` (maintained, pure Rust, LZMA/LZMA2/
//! BZip2/Deflate/PPMd and AES). Solid blocks are decoded in order; an
//! encrypted archive's members are listed as unreadable.

use serde_json::Value;
use sevenz_rust2::{ArchiveReader, Password};

use super::{Content, Format, Member, MemberContent, Sink};
use crate::detect;
use crate::item::ItemKind;

pub(crate) struct SevenZ;

impl Format for SevenZ {
    fn name(&self) -> &'static str {
        "7z"
    }

    fn opens(&self, detected: &str, _: ItemKind) -> bool {
        detected == detect::SEVEN_Z
    }

    fn list(&self, content: &Content<'_>, sink: &mut Sink<'_, '_>) -> Result<(), String> {
        let reader = content.seekable().map_err(|e| e.to_string())?;
        let mut archive =
            ArchiveReader::new(reader, Password::empty()).map_err(|e| e.to_string())?;
        archive.set_thread_count(1);
        let files: Vec<(String, u64)> = archive
            .archive()
            .files
            .iter()
            .filter(|f| !f.is_directory && !f.is_anti_item)
            .map(|f| (f.name.clone(), f.size))
            .collect();
        // Entries come in the archive's order: count them, names may repeat.
        let mut done = 0usize;
        let result = archive.for_each_entries(|entry, reader| {
            if entry.is_directory || entry.is_anti_item {
                return Ok(true);
            }
            if sink.exhausted() {
                return Ok(false);
            }
            done += 1;
            let mut m = Member::new(
                entry.name.clone(),
                ItemKind::ArchiveMember,
                MemberContent::Reader(reader),
            );
            m.declared_size = Some(entry.size);
            if entry.has_crc {
                m.metadata
                    .insert("crc32".into(), Value::from(format!("{:08x}", entry.crc)));
            }
            if entry.has_last_modified_date {
                let t = entry.last_modified_date;
                let unix = (u64::from(t) / 10_000_000).saturating_sub(11_644_473_600);
                m.metadata.insert("mtime".into(), Value::from(unix));
            }
            sink.member(m);
            Ok(true)
        });
        if let Err(e) = result {
            let why = e.to_string();
            // Members the decoder never reached are still listed, each with the reason.
            for (name, size) in files.into_iter().skip(done) {
                let mut m = Member::new(
                    name,
                    ItemKind::ArchiveMember,
                    MemberContent::Unreadable(format!("7z: {why}")),
                );
                m.declared_size = Some(size);
                sink.member(m);
            }
            return Err(why);
        }
        Ok(())
    }
}
