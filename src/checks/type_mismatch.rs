//! `type.mismatch`: the content is not what the item's name or declared
//! `Content-Type` says it is. The classic plant is a macro-enabled Office
//! file or a program attached under an image's name.
//!
//! Severity follows what the disagreement could hide: `high` when the
//! content can run code (a program, a macro-enabled Office file) and the
//! claim says otherwise; `medium` across binary families (a "PDF" that is
//! a zip); `low` within a family (a PNG named `.jpg`, a `.docx` saved as
//! `.doc`), which careless tools produce every day, and for text where a
//! binary format was promised (a "PDF" that is an HTML error page). Generic claims
//! (`application/octet-stream`) and undetectable content claim nothing.

use serde_json::Value;

use super::Check;
use crate::corpus::Corpus;
use crate::detect::{self, normalize};
use crate::item::{Finding, Item, ItemKind, Severity, split_path};

pub(crate) struct TypeMismatch;

impl Check for TypeMismatch {
    fn name(&self) -> &'static str {
        "type"
    }

    fn run(&self, corpus: &Corpus) -> Vec<Finding> {
        corpus.items.iter().filter_map(check_item).collect()
    }
}

fn check_item(item: &Item) -> Option<Finding> {
    if item.error.is_some()
        || item.size == 0
        || matches!(item.kind, ItemKind::Symlink | ItemKind::Special)
    {
        return None;
    }
    let name = display_name(item);
    let by_name = detect::claimed_by_name(&name);
    let by_header = item
        .metadata
        .get("declared_content_type")
        .and_then(Value::as_str)
        .map(str::to_string);
    let detected = item.detected_type.as_str();
    let mut worst: Option<(Severity, String, &'static str)> = None;
    for (claim, source) in [(&by_name, "name"), (&by_header, "content-type")] {
        let Some(claim) = claim else { continue };
        if let Some(sev) = assess(claim, detected)
            && worst.as_ref().is_none_or(|(s, _, _)| sev > *s)
        {
            worst = Some((sev, claim.clone(), source));
        }
    }
    let (severity, claim, source) = worst?;
    let claim_text = match source {
        "name" => format!("is named '{name}' ({claim})"),
        _ => format!("is declared as {claim}"),
    };
    let mut f = Finding::new(
        "type.mismatch",
        severity,
        vec![item.path.clone()],
        format!(
            "The item {claim_text} but its content is {}{}.",
            describe(detected),
            match severity {
                Severity::High => ", which can run code when opened",
                _ => "",
            }
        ),
    )
    .with("detected_type", detected)
    .with("claimed_type", claim.clone())
    .with("claimed_by", source);
    if let Some(h) = by_header {
        f = f.with("declared_content_type", h);
    }
    if let Some(n) = by_name {
        f = f.with("type_by_name", n);
    }
    Some(f)
}

/// The name the item had in its container (before any renaming for uniqueness).
fn display_name(item: &Item) -> String {
    for key in ["filename", "name"] {
        if let Some(n) = item.metadata.get(key).and_then(Value::as_str) {
            return n.to_string();
        }
    }
    let last = split_path(&item.path).pop().unwrap_or_default();
    String::from_utf8_lossy(&last).into_owned()
}

#[derive(PartialEq, Eq, Clone, Copy, Debug)]
enum Family {
    Text,
    Email,
    Image,
    Audio,
    Video,
    Pdf,
    Ooxml,
    Odf,
    Ole,
    Zip,
    Archive,
    Program,
    Other,
}

fn family(t: &str) -> Family {
    let t = normalize(t);
    if t.starts_with("text/")
        || t.ends_with("+xml")
        || t.ends_with("+json")
        || matches!(
            t,
            "application/xml"
                | "application/json"
                | "application/javascript"
                | "application/x-javascript"
                | "application/ecmascript"
                | "application/x-sh"
                | "application/x-csh"
                | "application/x-perl"
                | "application/x-python"
                | "application/rtf"
                | "application/x-yaml"
                | "application/toml"
                | "application/x-tex"
                | "application/x-latex"
                | "application/postscript"
                | "application/pgp-signature"
                | "application/pgp-encrypted"
                | "application/pgp-keys"
                | "application/sql"
                | "application/x-httpd-php"
                | "application/x-subrip"
                | "application/x-empty"
                | "application/mbox"
        )
    {
        return Family::Text;
    }
    if t.starts_with("message/") || t == detect::OUTLOOK_MSG {
        return Family::Email;
    }
    if t.starts_with("image/") {
        return Family::Image;
    }
    if t.starts_with("audio/") {
        return Family::Audio;
    }
    if t.starts_with("video/") {
        return Family::Video;
    }
    if t == "application/pdf" {
        return Family::Pdf;
    }
    if t.starts_with("application/vnd.openxmlformats-officedocument")
        || t == detect::OOXML_OTHER
        || (t.ends_with(".12")
            && (t.starts_with("application/vnd.ms-word")
                || t.starts_with("application/vnd.ms-excel")
                || t.starts_with("application/vnd.ms-powerpoint")))
    {
        return Family::Ooxml;
    }
    if t.starts_with("application/vnd.oasis.opendocument")
        || t.starts_with("application/vnd.sun.xml")
    {
        return Family::Odf;
    }
    if matches!(
        t,
        "application/msword"
            | "application/vnd.ms-excel"
            | "application/vnd.ms-powerpoint"
            | detect::OLE
            | detect::ENCRYPTED_OFFICE
    ) {
        return Family::Ole;
    }
    if matches!(
        t,
        detect::ZIP | "application/java-archive" | "application/epub+zip"
    ) {
        return Family::Zip;
    }
    if matches!(
        t,
        detect::GZIP
            | detect::BZIP2
            | detect::SEVEN_Z
            | detect::TAR
            | "application/vnd.rar"
            | "application/x-rar-compressed"
            | "application/x-xz"
            | "application/zstd"
    ) {
        return Family::Archive;
    }
    if is_program(t) {
        return Family::Program;
    }
    Family::Other
}

fn is_program(t: &str) -> bool {
    matches!(
        t,
        "application/vnd.microsoft.portable-executable"
            | "application/x-executable"
            | "application/x-elf"
            | "application/x-mach-binary"
            | "application/x-sharedlib"
            | "application/x-msi"
    )
}

/// Whether content of the claimed type would be recognised if it were
/// there: only then does "it is something else" mean anything. Formats
/// without a reliable signature (`.pub`, `.vsd`, camera raw, …) claim
/// nothing we can check.
fn verifiable(claim: &str) -> bool {
    match family(claim) {
        Family::Image => matches!(
            claim,
            "image/jpeg" | "image/png" | "image/gif" | "image/bmp" | "image/tiff" | "image/webp"
        ),
        Family::Ole => matches!(
            claim,
            "application/msword" | "application/vnd.ms-excel" | "application/vnd.ms-powerpoint"
        ),
        Family::Pdf
        | Family::Zip
        | Family::Ooxml
        | Family::Odf
        | Family::Archive
        | Family::Program => true,
        _ => false,
    }
}

fn runs_code(t: &str) -> bool {
    is_program(t) || t.contains("macroenabled")
}

/// How much a claim/content disagreement weighs; `None` when they agree or
/// either side says nothing.
fn assess(claim: &str, detected: &str) -> Option<Severity> {
    let claim = normalize(claim);
    let detected = normalize(detected);
    if claim == detected
        || claim.is_empty()
        || matches!(
            claim,
            detect::OCTET_STREAM
                | "binary/octet-stream"
                | "application/unknown"
                | "application/x-download"
        )
        || matches!(detected, detect::OCTET_STREAM | "application/x-empty")
    {
        return None;
    }
    let (cf, df) = (family(claim), family(detected));
    if runs_code(detected) && !runs_code(claim) {
        return Some(Severity::High);
    }
    if !verifiable(claim) {
        // We could not tell a true claim from a false one: say nothing.
        return None;
    }
    use Family::*;
    match (cf, df) {
        (Text, Text) | (Email, Email) | (Email, Text) | (Text, Email) => None,
        // Office saves a password-protected .docx/.xlsx/.pptx as a compound
        // file holding the encrypted package: that is what it should be.
        (Ooxml, Ole) if detected == detect::ENCRYPTED_OFFICE => None,
        // Office files and e-books are zips.
        (Zip, Zip | Ooxml | Odf) => None,
        (Ooxml | Odf, Zip) | (Ole, Ooxml) | (Ooxml, Ole) | (Ole, Odf) | (Odf, Ole) => {
            Some(Severity::Low)
        }
        (a, b) if a == b && a != Other => Some(Severity::Low),
        // Text where a binary format was promised: most often a placeholder
        // or a stripped attachment, sometimes a fake; too common to weigh more.
        (_, Text) => Some(Severity::Low),
        _ => Some(Severity::Medium),
    }
}

fn describe(t: &str) -> String {
    let what = match t {
        "image/jpeg" => "a JPEG image",
        "image/png" => "a PNG image",
        "image/gif" => "a GIF image",
        "application/pdf" => "a PDF document",
        "application/msword" => "a legacy Word document",
        "application/vnd.ms-excel" => "a legacy Excel workbook",
        "application/vnd.ms-word.document.macroenabled.12" => "a macro-enabled Word document",
        "application/vnd.ms-excel.sheet.macroenabled.12" => "a macro-enabled Excel workbook",
        "application/vnd.ms-powerpoint.presentation.macroenabled.12" => {
            "a macro-enabled PowerPoint presentation"
        }
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            "a Word document"
        }
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "an Excel workbook",
        "application/vnd.microsoft.portable-executable" => "a Windows program",
        "application/x-executable" | "application/x-elf" => "a Linux program",
        "application/zip" => "a zip archive",
        "text/html" => "an HTML page",
        "text/plain" => "plain text",
        "message/rfc822" => "an email message",
        _ => "",
    };
    if what.is_empty() {
        t.to_string()
    } else {
        format!("{what} ({t})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disguised_macro_document_is_high() {
        assert_eq!(
            assess(
                "image/jpeg",
                "application/vnd.ms-word.document.macroenabled.12"
            ),
            Some(Severity::High)
        );
        assert_eq!(
            assess(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "application/vnd.ms-word.document.macroenabled.12"
            ),
            Some(Severity::High)
        );
        assert_eq!(
            assess(
                "application/pdf",
                "application/vnd.microsoft.portable-executable"
            ),
            Some(Severity::High)
        );
    }

    #[test]
    fn benign_renamings_are_low_or_nothing() {
        assert_eq!(assess("image/jpeg", "image/png"), Some(Severity::Low));
        assert_eq!(
            assess(
                "application/msword",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            ),
            Some(Severity::Low)
        );
        assert_eq!(assess("text/csv", "text/plain"), None);
        assert_eq!(assess("application/vnd.ms-outlook", "message/rfc822"), None);
        assert_eq!(
            assess("application/zip", "application/vnd.oasis.opendocument.text"),
            None
        );
        assert_eq!(assess("application/octet-stream", "application/pdf"), None);
        assert_eq!(assess("image/jpg", "image/jpeg"), None);
        assert_eq!(assess("application/pdf", "application/octet-stream"), None);
        assert_eq!(
            assess("application/x-mspublisher", "application/x-ole-storage"),
            None
        );
        assert_eq!(
            assess("application/pgp-signature", "application/x-x509-ca-cert"),
            None
        );
        assert_eq!(assess("image/x-panasonic-rw", "message/rfc822"), None);
        // A password-protected .xlsx is an OLE EncryptedPackage; a .xls
        // holding one is still a renaming.
        assert_eq!(
            assess(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                detect::ENCRYPTED_OFFICE
            ),
            None
        );
        assert_eq!(
            assess("application/vnd.ms-excel", detect::ENCRYPTED_OFFICE),
            Some(Severity::Low)
        );
    }

    #[test]
    fn cross_family_is_medium() {
        assert_eq!(assess("application/pdf", "text/html"), Some(Severity::Low));
        assert_eq!(
            assess("image/jpeg", "application/pdf"),
            Some(Severity::Medium)
        );
    }
}
