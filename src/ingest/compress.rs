//! Single-stream compression: gzip (`flate2`, which reads concatenated
//! members like `gzip -d`) and bzip2 (`bzip2`, pure-Rust back end). A
//! compressed tar (`.tar.gz`, `.tgz`, `.tar.bz2`) is listed as one tar
//! container; any other payload is one member.

use std::io::{Cursor, Read};

use super::tar::list_tar;
use super::{Content, Format, Member, MemberContent, Sink};
use crate::detect;
use crate::item::{ItemKind, split_path};

pub(crate) struct Gzip;
pub(crate) struct Bzip2;

impl Format for Gzip {
    fn name(&self) -> &'static str {
        "gzip"
    }

    fn opens(&self, detected: &str, _: ItemKind) -> bool {
        detected == detect::GZIP
    }

    fn list(&self, content: &Content<'_>, sink: &mut Sink<'_, '_>) -> Result<(), String> {
        let mut dec =
            flate2::bufread::MultiGzDecoder::new(content.stream().map_err(|e| e.to_string())?);
        let head = read_head(&mut dec);
        let fname = dec.header().and_then(|h| h.filename()).map(<[u8]>::to_vec);
        let name =
            fname.unwrap_or_else(|| stem(sink.parent_path(), &[".tgz", ".gz", ".z"], ".tar"));
        payload(head, dec, name, content.len(), sink)
    }
}

impl Format for Bzip2 {
    fn name(&self) -> &'static str {
        "bzip2"
    }

    fn opens(&self, detected: &str, _: ItemKind) -> bool {
        detected == detect::BZIP2
    }

    fn list(&self, content: &Content<'_>, sink: &mut Sink<'_, '_>) -> Result<(), String> {
        let mut dec =
            bzip2::read::MultiBzDecoder::new(content.stream().map_err(|e| e.to_string())?);
        let head = read_head(&mut dec);
        let name = stem(sink.parent_path(), &[".tbz2", ".tbz", ".bz2"], ".tar");
        payload(head, dec, name, content.len(), sink)
    }
}

/// The first 512 decompressed bytes (enough to recognise a tar), or the
/// error that stopped them.
fn read_head(dec: &mut impl Read) -> Result<Vec<u8>, String> {
    let mut head = vec![0u8; 512];
    let n = super::read_full(dec, &mut head).map_err(|e| e.to_string())?;
    head.truncate(n);
    Ok(head)
}

/// Fails the stream once it has produced more than `left` bytes, so that
/// skipping over members can never decompress without bound.
struct Budget<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Budget<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| {
            std::io::Error::other("the per-archive decompression limit was reached")
        })?;
        Ok(n)
    }
}

/// A tar payload is listed member by member; anything else is one member.
fn payload(
    head: Result<Vec<u8>, String>,
    rest: impl Read,
    name: Vec<u8>,
    compressed: u64,
    sink: &mut Sink<'_, '_>,
) -> Result<(), String> {
    let head = match head {
        Ok(h) => h,
        Err(e) => {
            // Too damaged to show even its start: still one member, unread.
            let mut m = Member::new(
                name,
                ItemKind::ArchiveMember,
                MemberContent::Unreadable(e.clone()),
            );
            m.compressed_size = Some(compressed);
            sink.member(m);
            return Err(e);
        }
    };
    let rest = Budget {
        inner: rest,
        left: sink.archive_budget(),
    };
    let mut stream = Cursor::new(head).chain(rest);
    if is_tar(stream.get_ref().0.get_ref()) {
        return list_tar(stream, sink);
    }
    let mut m = Member::new(
        name,
        ItemKind::ArchiveMember,
        MemberContent::Reader(&mut stream),
    );
    m.compressed_size = Some(compressed);
    sink.member(m);
    Ok(())
}

fn is_tar(head: &[u8]) -> bool {
    head.len() >= 262 && &head[257..262] == b"ustar"
}

/// The container's own name without its compression extension
/// (`report.txt.gz` → `report.txt`, `x.tgz` → `x.tar`).
fn stem(parent: &str, exts: &[&str], tar_for_short: &str) -> Vec<u8> {
    let last = split_path(parent).pop().unwrap_or_default();
    let base = last
        .rsplit(|&b| b == b'/')
        .next()
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
    let lower = base.to_ascii_lowercase();
    for ext in exts {
        if lower.ends_with(ext.as_bytes()) && lower.len() > ext.len() {
            let mut s = base[..base.len() - ext.len()].to_vec();
            if ext.starts_with(".t") {
                s.extend_from_slice(tar_for_short.as_bytes());
            }
            return s;
        }
    }
    if base.is_empty() {
        b"payload".to_vec()
    } else {
        let mut s = base;
        s.extend_from_slice(b".out");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::stem;

    #[test]
    fn stems() {
        assert_eq!(
            stem("a/report.txt.gz", &[".tgz", ".gz"], ".tar"),
            b"report.txt"
        );
        assert_eq!(stem("x.zip!b.TGZ", &[".tgz", ".gz"], ".tar"), b"b.tar");
        assert_eq!(stem("blob", &[".gz"], ".tar"), b"blob.out");
    }
}
