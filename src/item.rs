//! The records a scan produces: items (every file, member, message and
//! attachment), findings (observations with evidence) and provenance paths.
//!
//! These types are the report contract (see `docs/report-format.md`); every
//! later stage reads them and none of them re-reads bytes from the dump.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

mod metadata;
pub use metadata::Metadata;

/// How an item is carried in the dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// A regular file on disk that is not an email message.
    File,
    /// An email message: an `.eml`/`.emlx` file, a message in an mbox, an
    /// attached `message/rfc822` part, or a message inside an archive.
    Email,
    /// A MIME part of a message that is not itself a message.
    Attachment,
    /// A member of a zip, tar, 7z, gzip or bzip2 archive that is not an email.
    ArchiveMember,
    /// A symbolic link on disk (or in a tar archive); not followed.
    Symlink,
    /// A FIFO, socket or device node on disk; never opened.
    Special,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::File => "file",
            ItemKind::Email => "email",
            ItemKind::Attachment => "attachment",
            ItemKind::ArchiveMember => "archive-member",
            ItemKind::Symlink => "symlink",
            ItemKind::Special => "special",
        }
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reconciliation of a container: what it declares against what was read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerCounts {
    /// The container format that listed the members (`zip`, `mbox`, `mime`, …).
    pub format: String,
    /// Members the container declares (zip central directory entries that
    /// are files, tar file headers, mbox separators, MIME attachment parts).
    pub members_listed: u64,
    /// Members whose content was read to the end and hashed.
    pub members_read: u64,
}

/// One item of the dump: a file, or anything found inside one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Provenance path (see [`ProvenancePath`]).
    pub path: String,
    /// Provenance path of the container this item was found in; `None` for
    /// items directly under a scanned root.
    pub parent: Option<String>,
    pub kind: ItemKind,
    /// The type the item claims by its name's extension or, for attachments
    /// without a known extension, by its declared `Content-Type`.
    pub claimed_type: Option<String>,
    /// The type detected from the content (magic bytes and structure).
    pub detected_type: String,
    /// Size in bytes of the item's content (decoded, for attachments).
    pub size: u64,
    /// SHA-256 of the content, lowercase hex; `None` when it could not be read whole.
    pub sha256: Option<String>,
    /// BLAKE3 of the content, lowercase hex; `None` when it could not be read whole.
    pub blake3: Option<String>,
    /// Set when the item is a container whose members were listed.
    pub container: Option<ContainerCounts>,
    pub metadata: Metadata,
    /// What the item says about itself when it is an email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Box<crate::email::EmailFacts>>,
    /// What the item says about its own making when it is a document
    /// (Office, ODF, PDF) or an image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<Box<crate::document::DocumentFacts>>,
    /// Why the item (or part of it) could not be read.
    pub error: Option<String>,
}

impl Item {
    pub fn new(path: String, parent: Option<String>, kind: ItemKind) -> Item {
        Item {
            path,
            parent,
            kind,
            claimed_type: None,
            detected_type: crate::detect::OCTET_STREAM.to_string(),
            size: 0,
            sha256: None,
            blake3: None,
            container: None,
            metadata: Metadata::new(),
            email: None,
            document: None,
            error: None,
        }
    }
}

/// How much a finding weighs. `medium` and `high` are reserved for signals
/// that bear on authenticity; coverage gaps and limits are `low` or `info`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An observation with its evidence. Never a verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable identifier derived from the rule, the paths and the message, so
    /// the same observation has the same id in every run.
    pub id: String,
    /// The rule that produced it, e.g. `type.mismatch` or `limit.depth`.
    pub rule: String,
    pub severity: Severity,
    /// The item the finding is about first, then related items.
    pub paths: Vec<String>,
    /// One sentence a journalist understands.
    pub message: String,
    /// The observed values behind the message.
    pub evidence: Metadata,
    /// The finding supports the item being genuine (a DKIM pass, a
    /// consistent Received chain) rather than raising a doubt; its severity
    /// is then `info`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub supports: bool,
    /// The finding is about all its items alike: it cannot tell which of
    /// them is suspect (two messages with one Message-ID and nothing else
    /// to tell them apart). The ranking then charges each at half weight.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub joint: bool,
}

impl Finding {
    pub fn new(
        rule: &str,
        severity: Severity,
        paths: Vec<String>,
        message: impl Into<String>,
    ) -> Finding {
        let message = message.into();
        let mut h = blake3::Hasher::new();
        h.update(rule.as_bytes());
        for p in &paths {
            h.update(b"\0");
            h.update(p.as_bytes());
        }
        h.update(b"\0\0");
        h.update(message.as_bytes());
        let id = h.finalize().to_hex()[..16].to_string();
        Finding {
            id,
            rule: rule.to_string(),
            severity,
            paths,
            message,
            evidence: Metadata::new(),
            supports: false,
            joint: false,
        }
    }

    /// A finding that speaks for the item (severity `info`).
    pub fn support(rule: &str, paths: Vec<String>, message: impl Into<String>) -> Finding {
        let mut f = Finding::new(rule, Severity::Info, paths, message);
        f.supports = true;
        f
    }

    /// Adds an observed value.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Finding {
        self.evidence.insert(key.to_string(), value.into());
        self
    }
}

/// Escapes one segment of a provenance path: `%` → `%25`, `!` → `%21`, and
/// every byte that is not part of valid UTF-8 → `%XX`. The result is
/// unambiguous: unescaping gives back the original bytes.
pub fn escape_segment_bytes(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    for chunk in raw.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '%' => out.push_str("%25"),
                '!' => out.push_str("%21"),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// [`escape_segment_bytes`] for a name that is already text.
pub fn escape_segment(name: &str) -> String {
    escape_segment_bytes(name.as_bytes())
}

/// Joins a container's provenance path and a member's (unescaped) name.
pub fn member_path(parent: &str, member: &str) -> String {
    format!("{parent}!{}", escape_segment(member))
}

/// [`member_path`] for a raw member name.
pub fn member_path_bytes(parent: &str, member: &[u8]) -> String {
    format!("{parent}!{}", escape_segment_bytes(member))
}

/// Splits a provenance path into its unescaped segments: the file path
/// first, then one per container step.
pub fn split_path(path: &str) -> Vec<Vec<u8>> {
    path.split('!').map(unescape).collect()
}

fn unescape(seg: &str) -> Vec<u8> {
    let b = seg.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_bang_percent_and_invalid_bytes() {
        assert_eq!(escape_segment("a!b%c"), "a%21b%25c");
        assert_eq!(escape_segment_bytes(b"x\xffy"), "x%FFy");
        assert_eq!(escape_segment("café/été.docx"), "café/été.docx");
    }

    #[test]
    fn split_round_trips() {
        let p = member_path(&member_path("in box.mbox", "17"), "50%!.zip");
        assert_eq!(p, "in box.mbox!17!50%25%21.zip");
        let segs = split_path(&p);
        assert_eq!(
            segs,
            vec![
                b"in box.mbox".to_vec(),
                b"17".to_vec(),
                b"50%!.zip".to_vec()
            ]
        );
        assert_eq!(
            split_path(&escape_segment_bytes(b"a\xfe")),
            vec![b"a\xfe".to_vec()]
        );
    }

    #[test]
    fn finding_ids_are_stable_and_distinct() {
        let a = Finding::new("r", Severity::Low, vec!["x".into()], "m");
        let b = Finding::new("r", Severity::Low, vec!["x".into()], "m");
        let c = Finding::new("r", Severity::Low, vec!["y".into()], "m");
        assert_eq!(a.id, b.id);
        assert_ne!(a.id, c.id);
        assert_eq!(a.id.len(), 16);
    }
}
