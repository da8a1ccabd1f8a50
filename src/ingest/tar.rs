//! Tar archives (ustar, GNU, PAX), streamed with the `tar` crate.

use std::io::Read;

use serde_json::Value;

use super::{Content, Format, Member, MemberContent, Sink};
use crate::detect;
use crate::item::ItemKind;

pub(crate) struct Tar;

impl Format for Tar {
    fn name(&self) -> &'static str {
        "tar"
    }

    fn opens(&self, detected: &str, _: ItemKind) -> bool {
        detected == detect::TAR
    }

    fn list(&self, content: &Content<'_>, sink: &mut Sink<'_, '_>) -> Result<(), String> {
        let reader = content.stream().map_err(|e| e.to_string())?;
        list_tar(reader, sink)
    }
}

/// Lists the members of a tar stream (also used for `.tar.gz` and `.tar.bz2`).
pub(crate) fn list_tar(reader: impl Read, sink: &mut Sink<'_, '_>) -> Result<(), String> {
    let mut archive = tar::Archive::new(reader);
    let entries = archive.entries().map_err(|e| e.to_string())?;
    for entry in entries {
        if sink.exhausted() {
            return Err("stopped: the per-archive decompression limit was reached".into());
        }
        let mut entry = entry.map_err(|e| e.to_string())?;
        let header = entry.header();
        let kind = header.entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() {
            continue;
        }
        let name = entry.path_bytes().into_owned();
        let mut m = Member::new(name, ItemKind::ArchiveMember, MemberContent::Bytes(&[]));
        if let Ok(t) = header.mtime() {
            m.metadata.insert("mtime".into(), Value::from(t));
        }
        if let Ok(mode) = header.mode() {
            m.metadata
                .insert("mode".into(), Value::from(format!("{mode:o}")));
        }
        if let Ok(Some(u)) = header.username() {
            m.metadata
                .insert("owner".into(), Value::from(u.to_string()));
        }
        // A sparse file's stored size is not its size once expanded.
        if !kind.is_gnu_sparse() {
            m.declared_size = header.size().ok();
        }
        if kind.is_symlink() || kind.is_hard_link() {
            let target = entry
                .link_name_bytes()
                .map(|t| String::from_utf8_lossy(&t).into_owned())
                .unwrap_or_default();
            m.content = MemberContent::Link(target);
            sink.member(m);
        } else if kind.is_file() || kind.is_contiguous() || kind.is_gnu_sparse() {
            m.content = MemberContent::Reader(&mut entry);
            sink.member(m);
        } else {
            m.content = MemberContent::Unreadable(format!(
                "tar entry of type {:?} (device, FIFO or unknown) has no content to read",
                kind
            ));
            sink.member(m);
        }
    }
    Ok(())
}
