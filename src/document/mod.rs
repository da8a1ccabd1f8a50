//! Document metadata: what Office, ODF, PDF and image files say about
//! their own making, read into one normalised structure per document.
//!
//! Each format is one file here implementing [`Reader`] plus one line in
//! [`READERS`]. A reader fills the normalised fields it can
//! ([`DocumentFacts`]: author, last editor, application, dates, revision…),
//! keeps every value it read under `raw` with a format prefix
//! (`core:lastModifiedBy`, `summary:author`, `info:Producer`, `xmp:…`), and
//! may return the document's text for the fuzzy fingerprint
//! ([`fingerprint`]). Readers never panic on hostile bytes and never guess:
//! a field they could not read is `None`, damage is an `Err` with a reason.
//!
//! The checks over these facts live in `checks/documents.rs`,
//! `checks/pdf.rs`, `checks/authorship.rs` and `checks/near_duplicates.rs`.

pub mod fingerprint;
mod image;
mod odf;
mod ole;
mod ooxml;
mod pdf;
pub mod time;
pub(crate) mod xml;

use serde::{Deserialize, Serialize};

use crate::item::Metadata;
pub use time::DocTime;

/// A document format's metadata reader.
pub(crate) trait Reader: Sync {
    /// Reported as `document.format`: `ooxml`, `ole`, `odf`, `pdf`, `image`.
    fn name(&self) -> &'static str;
    /// Whether this reader reads content of the `detected` type.
    fn reads(&self, detected: &str) -> bool;
    /// Reads the metadata (and text, when the format has some) of `bytes`.
    fn read(&self, bytes: &[u8]) -> Result<Extracted, String>;
}

/// Every reader, in the order they are tried.
static READERS: &[&dyn Reader] = &[
    &ooxml::Ooxml,
    &ole::Ole,
    &odf::Odf,
    &pdf::Pdf,
    &image::Image,
];

/// What a reader returns: the facts, and the document's visible text
/// (used for the text fingerprint, then dropped).
#[derive(Debug, Default)]
pub(crate) struct Extracted {
    pub facts: DocumentFacts,
    pub text: Option<String>,
}

/// What a document says about itself, normalised across formats.
///
/// Field meanings per format (ExifTool's names in brackets):
/// * `author`: OOXML `dc:creator`, OLE `Author`, ODF `meta:initial-creator`,
///   PDF Info `/Author` (else XMP `dc:creator`), EXIF `Artist`.
/// * `last_modified_by`: OOXML `cp:lastModifiedBy`, OLE `LastAuthor`, ODF
///   `dc:creator` (the last editor), absent in PDF and images.
/// * `application`: OOXML/OLE `Application`/`AppName`, ODF
///   `meta:generator`, PDF Info `/Creator` (else `xmp:CreatorTool`), EXIF
///   `Software`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocumentFacts {
    /// The reader: `ooxml`, `ole`, `odf`, `pdf` or `image`.
    pub format: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    /// Template the document was made from (a path, often with a user name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    /// OOXML/OLE `AppVersion` (`16.0000`: Office 2016+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
    /// PDF `/Producer` (else `pdf:Producer`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<DocTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<DocTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub printed: Option<DocTime>,
    /// Revision number as written (OOXML `cp:revision`, OLE `RevNumber`,
    /// ODF `meta:editing-cycles`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// Total editing time in seconds (OOXML `TotalTime` minutes × 60, OLE
    /// `EditTime`, ODF `meta:editing-duration`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub editing_seconds: Option<u64>,
    /// Language of the document or of the Office user interface that saved
    /// it (`ru-RU`, `fr-FR`, or an OLE LCID rendered as a tag).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<u64>,
    /// Every value read, keyed `<part>:<name>` in the format's own terms.
    #[serde(skip_serializing_if = "Metadata::is_empty", default)]
    pub raw: Metadata,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ooxml: Option<OoxmlFacts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pdf: Option<PdfFacts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageFacts>,
    /// Fuzzy fingerprints for near-duplicate detection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<fingerprint::Fingerprint>,
}

/// OOXML specifics.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OoxmlFacts {
    /// Word's `w:rsidRoot`: the editing session that created the document;
    /// copies of one original share it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rsid_root: Option<String>,
    /// Word's editing-session ids (`w:rsids/w:rsid`), in document order.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub rsids: Vec<String>,
    /// Earliest and latest zip entry modification times (DOS times, local
    /// time of an unknown zone). Microsoft Office writes 1980-01-01 for
    /// every entry; those are left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip_times: Option<(DocTime, DocTime)>,
    /// Names of the custom properties (docProps/custom.xml).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub custom: Vec<String>,
}

/// PDF specifics: the Info dictionary and the XMP packet side by side.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PdfFacts {
    /// Header version, e.g. `1.4`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The Info dictionary's text entries (Title, Author, Creator, Producer,
    /// CreationDate, ModDate, …), decoded.
    #[serde(skip_serializing_if = "Metadata::is_empty", default)]
    pub info: Metadata,
    /// The XMP packet's entries (`dc:creator`, `xmp:CreatorTool`,
    /// `pdf:Producer`, `xmp:CreateDate`, `xmpMM:DocumentID`, …).
    #[serde(skip_serializing_if = "Metadata::is_empty", default)]
    pub xmp: Metadata,
    /// `xmpMM:History` entries (`action when softwareAgent`), in order.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub history: Vec<String>,
    /// The trailer `/ID` pair, hex; the two differ once a file was saved again.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub trailer_id: Vec<String>,
    /// Cross-reference sections found by following `startxref` and the
    /// `/Prev` chain: 1 for a file written once. A linearized file has two
    /// sections from one writing; `revisions` does not count that one.
    pub xref_sections: u32,
    /// Times the file was saved (incremental updates + 1).
    pub revisions: u32,
    pub linearized: bool,
    pub encrypted: bool,
    /// The Producer of each revision's Info, oldest first, when revisions
    /// carry their own Info dictionary.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub producers: Vec<String>,
    /// Bytes after the last `%%EOF` (other than line ends).
    pub bytes_after_eof: u64,
    /// Names of the fonts (`/BaseFont`), subset prefixes kept, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub fonts: Vec<String>,
}

/// Image specifics (EXIF).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageFacts {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub make: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// EXIF DateTimeOriginal (when the picture was taken).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taken: Option<DocTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u64>,
    /// Whether the embedded EXIF thumbnail shows another picture than the
    /// image (its proportions differ): the picture was edited after the
    /// camera wrote the thumbnail. `None` when there is no thumbnail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail_differs: Option<bool>,
}

/// The reader for content of the `detected` type, if there is one.
pub(crate) fn reader_for(detected: &str) -> Option<&'static dyn Reader> {
    READERS.iter().find(|r| r.reads(detected)).copied()
}

/// Whether documents of this detected type have metadata leakcheck reads.
pub fn has_reader(detected: &str) -> bool {
    reader_for(detected).is_some()
}

/// Reads the metadata of a document whose content is `bytes` and whose
/// detected type is `detected`. `None` when no reader reads the type;
/// `Some(Err)` says why the document could not be read.
pub fn extract(detected: &str, bytes: &[u8]) -> Option<Result<DocumentFacts, String>> {
    let reader = reader_for(detected)?;
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reader.read(bytes)))
        .unwrap_or_else(|panic| {
            Err(format!(
                "internal error in the {} reader: {}",
                reader.name(),
                crate::ingest::panic_text(&*panic)
            ))
        });
    Some(read.map(|Extracted { mut facts, text }| {
        facts.format = reader.name().to_string();
        facts.fingerprint = Some(fingerprint::Fingerprint::of(bytes, text.as_deref()));
        facts
    }))
}

/// Trims a value and drops it when empty.
pub(crate) fn nonempty(s: impl AsRef<str>) -> Option<String> {
    let t = s
        .as_ref()
        .trim_matches(|c: char| c.is_whitespace() || c == '\0');
    (!t.is_empty()).then(|| t.to_string())
}

/// What [`read_file`] found in one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileDocument {
    pub detected_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<DocumentFacts>,
    /// Why the metadata could not be read, when a reader tried.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Detects the type of one file (read only) and reads its metadata: what a
/// scan reads for each document, for a single file (`leakcheck meta`).
pub fn read_file(path: &std::path::Path) -> std::io::Result<FileDocument> {
    use std::io::Read;
    let mut bytes = Vec::new();
    crate::ingest::open_evidence(path)?.read_to_end(&mut bytes)?;
    let head = &bytes[..bytes.len().min(crate::detect::HEAD_LEN)];
    let mut detected = crate::detect::sniff(head);
    if matches!(detected, crate::detect::ZIP | crate::detect::OLE)
        && let Ok(t) = crate::detect::refine(detected, std::io::Cursor::new(&bytes))
    {
        detected = t;
    }
    let (document, error) = match extract(detected, &bytes) {
        Some(Ok(f)) => (Some(f), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    Ok(FileDocument {
        detected_type: detected.to_string(),
        document,
        error,
    })
}
