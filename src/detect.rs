//! Content type: detected from the bytes, and claimed by the name.
//!
//! Binary formats are recognised by `infer` (a maintained table of magic
//! numbers, so we do not keep our own). Text formats that matter here —
//! RFC 822 messages, mbox and Apple emlx — are recognised by their header
//! structure, which no magic table covers. Zip and OLE2 files are refined by
//! looking inside (`[Content_Types].xml`, the ODF `mimetype` member, the OLE
//! root storage) because a `.docm` and a `.zip` share their first bytes.
//!
//! Every type is a lowercase MIME type string.

use std::io::{Read, Seek};

pub const OCTET_STREAM: &str = "application/octet-stream";
pub const EMAIL: &str = "message/rfc822";
pub const EMLX: &str = "message/x-emlx";
pub const MBOX: &str = "application/mbox";
pub const ZIP: &str = "application/zip";
pub const OLE: &str = "application/x-ole-storage";
pub const TAR: &str = "application/x-tar";
pub const GZIP: &str = "application/gzip";
pub const BZIP2: &str = "application/x-bzip2";
pub const SEVEN_Z: &str = "application/x-7z-compressed";
pub const TEXT: &str = "text/plain";
pub const OUTLOOK_MSG: &str = "application/vnd.ms-outlook";
pub const OUTLOOK_PST: &str = "application/vnd.ms-outlook-pst";
pub const TNEF: &str = "application/vnd.ms-tnef";
pub const ENCRYPTED_OFFICE: &str = "application/x-encrypted-office";

/// How many leading bytes [`sniff`] looks at.
pub const HEAD_LEN: usize = 8192;

/// The type of some content, from its first bytes ([`HEAD_LEN`] suffice).
pub fn sniff(head: &[u8]) -> &'static str {
    if head.is_empty() {
        return "application/x-empty";
    }
    if head.starts_with(b"From ") {
        return MBOX;
    }
    if is_emlx(head) {
        return EMLX;
    }
    if looks_like_email(strip_bom(head)) {
        return EMAIL;
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return ZIP;
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return OLE;
    }
    if head.starts_with(b"!BDN") {
        return OUTLOOK_PST;
    }
    if head.starts_with(&crate::outlook::tnef::SIGNATURE) {
        return TNEF;
    }
    if let Some(t) = infer::get(head) {
        return normalize(t.mime_type());
    }
    sniff_text(head)
}

fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b)
}

fn sniff_text(head: &[u8]) -> &'static str {
    if head.contains(&0) {
        return OCTET_STREAM;
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b))
        .count();
    if control * 100 > head.len() {
        return OCTET_STREAM;
    }
    let t = strip_bom(head);
    let start = t
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(t.len());
    let lower: Vec<u8> = t[start..t.len().min(start + 64)].to_ascii_lowercase();
    if lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html") {
        return "text/html";
    }
    if lower.starts_with(b"<?xml") {
        return "application/xml";
    }
    TEXT
}

/// A header field line: a field name of printable ASCII without `:` or space, then `:`.
fn header_name(line: &[u8]) -> Option<&[u8]> {
    let colon = line.iter().position(|&b| b == b':')?;
    let name = &line[..colon];
    if name.is_empty() || !name.iter().all(|&b| (33..=126).contains(&b)) {
        return None;
    }
    Some(name)
}

const MAIL_HEADERS: &[&str] = &[
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "message-id",
    "received",
    "return-path",
    "mime-version",
    "delivered-to",
    "x-mailer",
    "user-agent",
    "reply-to",
    "in-reply-to",
    "references",
    "sender",
    "dkim-signature",
    "x-original-to",
    "envelope-to",
    "thread-topic",
    "content-type",
    "authentication-results",
    "arc-seal",
    "x-received",
];

/// Whether the bytes begin with an RFC 822 header block: the first line is a
/// header field and at least two of the leading fields are ones mail carries
/// (and not only `Content-Type`, which a bare MIME part has too).
pub fn looks_like_email(head: &[u8]) -> bool {
    let mut known = 0;
    let mut non_mime = false;
    let mut fields = 0;
    for (i, line) in head.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            if i == 0 {
                return false;
            }
            continue;
        }
        match header_name(line) {
            Some(name) => {
                fields += 1;
                let name = name.to_ascii_lowercase();
                if let Some(h) = MAIL_HEADERS
                    .iter()
                    .find(|h| h.as_bytes() == name.as_slice())
                {
                    known += 1;
                    if !h.starts_with("content-") && *h != "mime-version" {
                        non_mime = true;
                    }
                }
            }
            None => {
                // A line that is not a header before the blank line: only a
                // truncated head (the last, partial line) is forgiven.
                if i == 0 || line.len() < head.len() && fields < 2 {
                    return false;
                }
                break;
            }
        }
        if fields >= 64 {
            break;
        }
    }
    known >= 2 && non_mime
}

/// Apple Mail `.emlx`: a line holding the message's byte count, then the message.
fn is_emlx(head: &[u8]) -> bool {
    let Some(nl) = head.iter().position(|&b| b == b'\n') else {
        return false;
    };
    let first = head[..nl].trim_ascii();
    !first.is_empty()
        && first.len() <= 12
        && first.iter().all(u8::is_ascii_digit)
        && looks_like_email(&head[nl + 1..])
}

/// The message bytes of an emlx file (after the count line, `count` bytes long).
pub fn emlx_message(data: &[u8]) -> Option<&[u8]> {
    let nl = data.iter().position(|&b| b == b'\n')?;
    let n: usize = std::str::from_utf8(data[..nl].trim_ascii())
        .ok()?
        .parse()
        .ok()?;
    let body = &data[nl + 1..];
    Some(&body[..n.min(body.len())])
}

/// Looks inside a zip or OLE2 file to tell Office, ODF and plain archives apart.
/// Returns why when the structure cannot be read: the caller keeps the
/// coarse type; the zip reader reports a damaged zip itself, while a
/// damaged compound file has no reader to do it, so the caller must.
pub fn refine<R: Read + Seek>(coarse: &str, reader: R) -> Result<&'static str, String> {
    match coarse {
        ZIP => refine_zip(reader).ok_or_else(|| "not a readable zip".to_string()),
        OLE => refine_ole(reader),
        _ => Err(format!("{coarse} has no inner structure to read")),
    }
}

const OOXML_MAIN: &[(&str, &str)] = &[
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "application/vnd.ms-word.document.macroenabled.main+xml",
        "application/vnd.ms-word.document.macroenabled.12",
    ),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
    ),
    (
        "application/vnd.ms-word.template.macroenabledtemplate.main+xml",
        "application/vnd.ms-word.template.macroenabled.12",
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "application/vnd.ms-excel.sheet.macroenabled.main+xml",
        "application/vnd.ms-excel.sheet.macroenabled.12",
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.template",
    ),
    (
        "application/vnd.ms-excel.template.macroenabled.main+xml",
        "application/vnd.ms-excel.template.macroenabled.12",
    ),
    (
        "application/vnd.ms-excel.sheet.binary.macroenabled.main",
        "application/vnd.ms-excel.sheet.binary.macroenabled.12",
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    (
        "application/vnd.ms-powerpoint.presentation.macroenabled.main+xml",
        "application/vnd.ms-powerpoint.presentation.macroenabled.12",
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml",
        "application/vnd.openxmlformats-officedocument.presentationml.slideshow",
    ),
    (
        "application/vnd.ms-powerpoint.slideshow.macroenabled.main+xml",
        "application/vnd.ms-powerpoint.slideshow.macroenabled.12",
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml",
        "application/vnd.openxmlformats-officedocument.presentationml.template",
    ),
];

/// OOXML package whose main part is of no kind listed above.
pub const OOXML_OTHER: &str = "application/x-ooxml-package";

fn read_member_text<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    cap: u64,
) -> Option<String> {
    let f = zip.by_name(name).ok()?;
    let mut buf = Vec::new();
    f.take(cap).read_to_end(&mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

fn refine_zip<R: Read + Seek>(reader: R) -> Option<&'static str> {
    let mut zip = zip::ZipArchive::new(reader).ok()?;
    if let Some(ct) = read_member_text(&mut zip, "[Content_Types].xml", 1 << 20) {
        let doc = roxmltree::Document::parse(&ct).ok();
        let found = doc.as_ref().and_then(|doc| {
            doc.descendants()
                .filter_map(|n| n.attribute("ContentType"))
                .find_map(|t| {
                    let t = t.to_ascii_lowercase();
                    OOXML_MAIN.iter().find(|(m, _)| *m == t).map(|(_, f)| *f)
                })
        });
        return Some(found.unwrap_or(OOXML_OTHER));
    }
    if let Some(m) = read_member_text(&mut zip, "mimetype", 256) {
        let m = m.trim().to_ascii_lowercase();
        return Some(match m.as_str() {
            "application/vnd.oasis.opendocument.text" => "application/vnd.oasis.opendocument.text",
            "application/vnd.oasis.opendocument.spreadsheet" => {
                "application/vnd.oasis.opendocument.spreadsheet"
            }
            "application/vnd.oasis.opendocument.presentation" => {
                "application/vnd.oasis.opendocument.presentation"
            }
            "application/vnd.oasis.opendocument.graphics" => {
                "application/vnd.oasis.opendocument.graphics"
            }
            "application/epub+zip" => "application/epub+zip",
            m if m.starts_with("application/vnd.oasis.opendocument.")
                || m.starts_with("application/vnd.sun.xml.") =>
            {
                "application/vnd.oasis.opendocument"
            }
            _ => ZIP,
        });
    }
    if zip.index_for_name("META-INF/MANIFEST.MF").is_some() {
        return Some("application/java-archive");
    }
    Some(ZIP)
}

fn refine_ole<R: Read + Seek>(reader: R) -> Result<&'static str, String> {
    let cf = cfb::CompoundFile::open(reader).map_err(|e| e.to_string())?;
    let names: Vec<String> = cf
        .read_root_storage()
        .map(|e| e.name().to_string())
        .collect();
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    Ok(if has("EncryptedPackage") {
        ENCRYPTED_OFFICE
    } else if has("WordDocument") {
        "application/msword"
    } else if has("Workbook") || has("Book") {
        "application/vnd.ms-excel"
    } else if has("PowerPoint Document") {
        "application/vnd.ms-powerpoint"
    } else if names.iter().any(|n| n.starts_with("__substg1.0_")) {
        OUTLOOK_MSG
    } else {
        OLE
    })
}

/// The type a name claims by its extension, if the extension is known.
pub fn claimed_by_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    if !base.contains('.') {
        return None;
    }
    let lower = base.to_ascii_lowercase();
    let special = [
        (".eml", EMAIL),
        (".emlx", EMLX),
        (".mbox", MBOX),
        (".mbx", MBOX),
        (".msg", OUTLOOK_MSG),
        (".pst", OUTLOOK_PST),
        (".ost", OUTLOOK_PST),
        (".tnef", TNEF),
        ("winmail.dat", TNEF),
        (".tgz", GZIP),
        (".gz", GZIP),
        (".7z", SEVEN_Z),
    ];
    if let Some((_, t)) = special.iter().find(|(ext, _)| lower.ends_with(ext)) {
        return Some((*t).to_string());
    }
    mime_guess::from_path(&lower)
        .first_raw()
        .map(|t| normalize(&t.to_ascii_lowercase()).to_string())
}

/// Folds aliases of one type into one spelling.
pub fn normalize(t: &str) -> &str {
    match t {
        "image/jpg" | "image/pjpeg" => "image/jpeg",
        "application/x-zip-compressed" | "application/x-zip" => ZIP,
        "application/x-gzip" => GZIP,
        "text/xml" => "application/xml",
        "application/x-pdf" => "application/pdf",
        "application/vnd.ms-office" => OLE,
        "application/ms-tnef" | "application/x-tnef" => TNEF,
        "application/x-msdownload" | "application/x-dosexec" => {
            "application/vnd.microsoft.portable-executable"
        }
        "application/x-bzip" => BZIP2,
        "application/x-rtf" | "text/rtf" => "application/rtf",
        _ => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_mbox_and_emlx() {
        assert_eq!(
            sniff(b"Received: from x\r\nFrom: a@b\r\nSubject: hi\r\n\r\nbody"),
            EMAIL
        );
        assert_eq!(
            sniff(b"From a@b Mon Jan  1 00:00:00 2017\nFrom: a@b\n"),
            MBOX
        );
        assert_eq!(sniff(b"123   \nFrom: a@b\nDate: x\n\n"), EMLX);
        assert_eq!(
            sniff(b"Content-Type: text/plain\nContent-Transfer-Encoding: 7bit\n\nhi"),
            TEXT
        );
        assert_eq!(sniff(b"Hello: world\nthis is prose\n"), TEXT);
        assert_eq!(sniff(b"Subject: x\n folded\nFrom: y\n\n"), EMAIL);
    }

    #[test]
    fn binaries() {
        assert_eq!(sniff(b"%PDF-1.7\n"), "application/pdf");
        assert_eq!(sniff(b"PK\x03\x04rest"), ZIP);
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"), "image/jpeg");
        assert_eq!(sniff(b"\x00\x01\x02garbage"), OCTET_STREAM);
        assert_eq!(sniff(b""), "application/x-empty");
        assert_eq!(sniff(b"<!DOCTYPE html><html>"), "text/html");
    }

    #[test]
    fn names() {
        assert_eq!(
            claimed_by_name("a/b/Report.PDF").as_deref(),
            Some("application/pdf")
        );
        assert_eq!(claimed_by_name("photo.jpg").as_deref(), Some("image/jpeg"));
        assert_eq!(claimed_by_name("x.tar.gz").as_deref(), Some(GZIP));
        assert_eq!(claimed_by_name("README"), None);
    }
}
