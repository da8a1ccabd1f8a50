//! RFC 822 / MIME messages (and Apple `.emlx`), parsed with `mailparse`.
//!
//! Members are the message's attachments: every leaf part that has a file
//! name, is marked `attachment`, is not text, or is itself a message
//! (`message/rfc822`, which becomes an email item and is parsed in turn).
//! Body text parts are not members. A member is named by its file name, or
//! `part<N>` (N = its 1-based position among the message's leaf parts, depth
//! first) when it has none or the name repeats in the message.

use std::borrow::Cow;
use std::collections::HashMap;

use mailparse::{DispositionType, MailHeaderMap, ParsedMail};
use serde_json::Value;

use super::{Content, Format, Member, MemberContent, Sink};
use crate::detect;
use crate::item::ItemKind;

pub(crate) struct Email;

impl Format for Email {
    fn name(&self) -> &'static str {
        "mime"
    }

    fn opens(&self, detected: &str, kind: ItemKind) -> bool {
        detected == detect::EMAIL
            || detected == detect::EMLX
            || (kind == ItemKind::Email
                && (detected == detect::TEXT || detected == detect::OCTET_STREAM))
    }

    fn needs_bytes(&self) -> bool {
        true
    }

    fn list(&self, content: &Content<'_>, sink: &mut Sink<'_, '_>) -> Result<(), String> {
        let whole = content.bytes().map_err(|e| e.to_string())?;
        let data: &[u8] = &whole;
        let data = if detect::sniff(data) == detect::EMLX {
            detect::emlx_message(data).unwrap_or(data)
        } else {
            data
        };
        let data = if sink.in_mbox() {
            unescape_from(data)
        } else {
            Cow::Borrowed(data)
        };
        if sink.reads_facts() {
            let facts = crate::email::extract(&data, sink.dkim_keys());
            sink.email_facts(facts);
        }
        // mailparse spends a few hundred bytes on every part however small,
        // so a message of millions of tiny parts would take some 40 times
        // its size in memory: only the first parts are parsed, up to twice
        // the per-container member limit of lines that may delimit a part.
        let most = sink.max_items().saturating_mul(2);
        let parsed: &[u8] = match past_delimiters(&data, most) {
            Some(at) => {
                let f = sink.finding(
                    "limit.items_per_container",
                    crate::item::Severity::Low,
                    format!(
                        "The message has more than {most} lines that may delimit MIME parts (twice the per-container limit): it was parsed only up to byte {at} of {}, so the parts after that are not listed.",
                        data.len()
                    ),
                );
                f.evidence.insert("limit".into(), Value::from(most));
                f.evidence.insert("parsed_bytes".into(), Value::from(at));
                &data[..at]
            }
            None => &data,
        };
        let cut = parsed.len() < data.len();
        let mail = mailparse::parse_mail(parsed).map_err(|e| e.to_string())?;
        let mut leaves = Vec::new();
        collect(&mail, &mut leaves);
        let mut names: HashMap<String, usize> = HashMap::new();
        for leaf in &leaves {
            if let Some(n) = &leaf.name {
                *names.entry(n.clone()).or_default() += 1;
            }
        }
        for leaf in leaves.iter().filter(|l| l.member) {
            let unique = leaf.name.as_ref().filter(|n| names.get(*n) == Some(&1));
            let member_name = match unique {
                Some(n) => n.clone(),
                None => format!("part{}", leaf.number),
            };
            let kind = if leaf.is_message {
                ItemKind::Email
            } else {
                ItemKind::Attachment
            };
            let (body, defect) = decode_body(leaf.part);
            let mut m = Member::new(member_name, kind, MemberContent::Bytes(&[]));
            m.declared_type = Some(leaf.part.ctype.mimetype.to_ascii_lowercase());
            m.metadata
                .insert("mime_part".into(), Value::from(leaf.number));
            if let Some(n) = &leaf.name {
                m.metadata.insert("filename".into(), Value::from(n.clone()));
            }
            if let Some(enc) = leaf
                .part
                .headers
                .get_first_value("Content-Transfer-Encoding")
            {
                m.metadata.insert(
                    "transfer_encoding".into(),
                    Value::from(enc.trim().to_ascii_lowercase()),
                );
            }
            if let Some(d) = defect {
                m.metadata.insert("decode_defect".into(), Value::from(d));
            }
            match &body {
                Ok(b) => m.content = MemberContent::Bytes(b),
                Err(e) => {
                    m.content = MemberContent::Unreadable(format!("cannot decode the part: {e}"))
                }
            }
            if cut && leaf.part.raw_bytes.as_ptr_range().end == parsed.as_ptr_range().end {
                // The part the cut went through: its end is unknown, so it
                // gets no (wrong) hash.
                m.content = MemberContent::Unreadable(
                    "the message has too many parts: this one was cut where parsing stopped".into(),
                );
            }
            sink.member(m);
        }
        Ok(())
    }
}

/// The part's content with its transfer encoding undone. Base64 is decoded
/// leniently, the way Python's `email` package does it (characters outside
/// the alphabet skipped, missing padding supplied, decoding stops at the
/// first complete padding), so that hashes agree with what
/// `get_payload(decode=True)` returns; the defect, if any, is reported.
fn decode_body(part: &ParsedMail<'_>) -> (Result<Vec<u8>, String>, Option<String>) {
    let raw = raw_body(part);
    let cte = part
        .headers
        .get_first_value("Content-Transfer-Encoding")
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match cte.as_str() {
        "base64" => {
            let (bytes, defect) = decode_base64_lenient(raw);
            (Ok(bytes), defect)
        }
        "quoted-printable" => (Ok(decode_qp(raw)), None),
        "x-uuencode" | "uuencode" | "x-uue" | "uue" => match decode_uu(raw) {
            Some(b) => (Ok(b), None),
            None => (
                Ok(raw.to_vec()),
                Some("uuencoded body without a 'begin' line; kept undecoded".into()),
            ),
        },
        _ => (Ok(raw.to_vec()), None),
    }
}

/// The body bytes as they stand in the message, still encoded. When a part
/// has no blank line between its headers and its body (a common defect),
/// the body starts at the first line that is not a header, as in Python.
fn raw_body<'a>(part: &'a ParsedMail<'a>) -> &'a [u8] {
    use mailparse::body::Body;
    let body = match part.get_body_encoded() {
        Body::Base64(b) | Body::QuotedPrintable(b) => b.get_raw(),
        Body::SevenBit(b) | Body::EightBit(b) => b.get_raw(),
        Body::Binary(b) => b.get_raw(),
    };
    if !body.is_empty() {
        return body;
    }
    let raw = part.raw_bytes;
    let mut pos = 0;
    for line in raw.split_inclusive(|&b| b == b'\n') {
        let t = line.strip_suffix(b"\n").unwrap_or(line);
        let t = t.strip_suffix(b"\r").unwrap_or(t);
        if t.is_empty() {
            return body;
        }
        let continuation = pos > 0 && matches!(t[0], b' ' | b'\t');
        let header = t
            .iter()
            .position(|&b| b == b':')
            .is_some_and(|c| c > 0 && t[..c].iter().all(|&b| (33..=126).contains(&b)));
        if !continuation && !header {
            return &raw[pos..];
        }
        pos += line.len();
    }
    body
}

/// Quoted-printable decoding with the rules of Python's `binascii.a2b_qp`
/// (what `get_payload(decode=True)` uses), so hashes agree with it: `=`
/// then a line break is a soft break, `=XX` (either case) a byte, `==` an
/// `=`, any other `=` kept as it is, a final lone `=` dropped.
pub(crate) fn decode_qp(data: &[u8]) -> Vec<u8> {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        if data[i] != b'=' {
            out.push(data[i]);
            i += 1;
            continue;
        }
        i += 1;
        if i >= data.len() {
            break;
        }
        match (data[i], data.get(i + 1).copied().and_then(hex)) {
            (b'\n', _) => i += 1,
            (b'\r', _) => {
                while i < data.len() && data[i] != b'\n' {
                    i += 1;
                }
                i = (i + 1).min(data.len());
            }
            (b'=', _) => {
                out.push(b'=');
                i += 1;
            }
            (c, Some(lo)) if hex(c).is_some() => {
                out.push((hex(c).unwrap_or(0) << 4) | lo);
                i += 2;
            }
            _ => out.push(b'='),
        }
    }
    out
}

/// uudecode, as Python's `uu` module does for `x-uuencode` parts: the lines
/// between `begin … name` and `end`, each led by its length character.
fn decode_uu(data: &[u8]) -> Option<Vec<u8>> {
    let mut lines = data
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    lines.by_ref().find(|l| l.starts_with(b"begin "))?;
    let mut out = Vec::new();
    for line in lines {
        if line.trim_ascii() == b"end" {
            break;
        }
        let Some((&first, rest)) = line.split_first() else {
            continue;
        };
        let n = usize::from(first.wrapping_sub(32) & 63);
        let mut decoded = Vec::with_capacity(n + 3);
        for group in rest.chunks(4) {
            let v = |i: usize| u32::from(group.get(i).map_or(0, |c| c.wrapping_sub(32) & 63));
            let acc = (v(0) << 18) | (v(1) << 12) | (v(2) << 6) | v(3);
            decoded.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
        }
        decoded.resize(n, 0);
        out.extend_from_slice(&decoded);
    }
    Some(out)
}

pub(crate) fn decode_base64_lenient(data: &[u8]) -> (Vec<u8>, Option<String>) {
    match decode_base64_clean(data) {
        Some(out) => (out, None),
        None => decode_base64_slow(data),
    }
}

/// The common case, fast: canonical base64 in lines ended by LF or CRLF.
/// The lines are joined (a `memchr` split and block copies) and decoded in
/// one call to the `base64` crate's vectorised decoder; anything else
/// (stray bytes, missing padding, text after it) returns `None` and goes
/// the byte-by-byte lenient way, which gives the same bytes for this case.
fn decode_base64_clean(data: &[u8]) -> Option<Vec<u8>> {
    use base64::Engine;
    let mut joined = Vec::with_capacity(data.len());
    for (line, _) in crate::email::header::lines(data) {
        joined.extend_from_slice(line);
    }
    while joined.last().is_some_and(|b| b.is_ascii_whitespace()) {
        joined.pop();
    }
    if joined.len() % 4 != 0 {
        return None;
    }
    let mut out = vec![0u8; joined.len() / 4 * 3];
    let n = base64::engine::general_purpose::STANDARD
        .decode_slice(&joined, &mut out)
        .ok()?;
    out.truncate(n);
    Some(out)
}

fn decode_base64_slow(data: &[u8]) -> (Vec<u8>, Option<String>) {
    fn value(c: u8) -> Option<u8> {
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let mut out = Vec::with_capacity(data.len() / 4 * 3);
    let mut quad = 0u8;
    let mut acc = 0u32;
    let mut pads = 0u8;
    let mut invalid = false;
    let mut stopped_early = false;
    for (i, &c) in data.iter().enumerate() {
        if c == b'=' {
            if quad >= 2 {
                pads += 1;
                if quad + pads >= 4 {
                    stopped_early = data[i + 1..].iter().any(|b| !b.is_ascii_whitespace());
                    break;
                }
            }
            continue;
        }
        let Some(v) = value(c) else {
            if !matches!(c, b'\r' | b'\n') {
                invalid = true;
            }
            continue;
        };
        pads = 0;
        acc = (acc << 6) | u32::from(v);
        quad += 1;
        if quad == 4 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            quad = 0;
            acc = 0;
        }
    }
    let mut defects = Vec::new();
    match quad {
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        1 => {
            // Python gives up and returns the encoded text, lines joined.
            let joined: Vec<u8> = data
                .iter()
                .copied()
                .filter(|&b| b != b'\r' && b != b'\n')
                .collect();
            return (
                joined,
                Some("invalid base64 length (one character too many); kept undecoded".into()),
            );
        }
        _ => {}
    }
    if quad >= 2 && pads == 0 {
        defects.push("missing base64 padding");
    }
    if invalid {
        defects.push("characters outside the base64 alphabet ignored");
    }
    if stopped_early {
        defects.push("data after base64 padding ignored");
    }
    let defect = (!defects.is_empty()).then(|| defects.join("; "));
    (out, defect)
}

struct Leaf<'a> {
    part: &'a ParsedMail<'a>,
    number: usize,
    name: Option<String>,
    is_message: bool,
    member: bool,
}

fn collect<'a>(part: &'a ParsedMail<'a>, out: &mut Vec<Leaf<'a>>) {
    if !part.subparts.is_empty() {
        for p in &part.subparts {
            collect(p, out);
        }
        return;
    }
    let number = out.len() + 1;
    let disposition = part.get_content_disposition();
    let name = disposition
        .params
        .get("filename")
        .map(|n| keep_backslashes(part, "Content-Disposition", "filename", n))
        .or_else(|| {
            part.ctype
                .params
                .get("name")
                .map(|n| keep_backslashes(part, "Content-Type", "name", n))
        })
        .map(|n| crate::email::header::decode_words(&n))
        .filter(|n| !n.trim().is_empty());
    let mimetype = part.ctype.mimetype.to_ascii_lowercase();
    let is_message = mimetype == "message/rfc822" || mimetype == "message/global";
    // A multipart whose parts could not be found (no boundary, or none
    // matching) is listed whole rather than lost.
    let member = name.is_some()
        || disposition.disposition == DispositionType::Attachment
        || is_message
        || !mimetype.starts_with("text/");
    out.push(Leaf {
        part,
        number,
        name,
        is_message,
        member,
    });
}

/// A quoted parameter value read from the raw header, with only `\\` and
/// `\"` unescaped, as Python's `email` does. Used when the raw value holds a
/// backslash (Netscape-era mailers wrote Windows paths, `"C:\TEMP\x.png"`,
/// unescaped, and the path is evidence worth keeping) or an encoded word
/// (which must be decoded from the raw bytes, joined with its neighbours).
/// Otherwise `parsed`, mailparse's value (RFC 2231 applied), is kept.
fn keep_backslashes(part: &ParsedMail<'_>, header: &str, param: &str, parsed: &str) -> String {
    let Some(h) = part.headers.get_first_header(header) else {
        return parsed.to_string();
    };
    let raw: Vec<u8> = h
        .get_value_raw()
        .iter()
        .copied()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect();
    if !raw.contains(&b'\\') && find(&raw, b"=?").is_none() {
        return parsed.to_string();
    }
    let lower = raw.to_ascii_lowercase();
    let key = format!("{param}=");
    let mut from = 0;
    while let Some(i) = find(&lower[from..], key.as_bytes()).map(|i| i + from) {
        let before = if i == 0 { b';' } else { lower[i - 1] };
        from = i + 1;
        if !(before == b';' || before.is_ascii_whitespace()) {
            continue;
        }
        let mut j = i + key.len();
        while j < raw.len() && raw[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = Vec::new();
        if raw.get(j) == Some(&b'"') {
            j += 1;
            while j < raw.len() && raw[j] != b'"' {
                if raw[j] == b'\\' && matches!(raw.get(j + 1), Some(b'\\' | b'"')) {
                    j += 1;
                }
                value.push(raw[j]);
                j += 1;
            }
            if j >= raw.len() {
                continue;
            }
        } else {
            while j < raw.len() && raw[j] != b';' {
                value.push(raw[j]);
                j += 1;
            }
        }
        return String::from_utf8_lossy(value.trim_ascii()).into_owned();
    }
    parsed.to_string()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// Where the line that is the `n`+1-th to start with `--` (a possible MIME
/// delimiter) starts, if the message has more than `n` such lines.
fn past_delimiters(data: &[u8], n: u64) -> Option<usize> {
    let mut starts = data
        .starts_with(b"--")
        .then_some(0)
        .into_iter()
        .chain(memchr::memmem::find_iter(data, b"\n--").map(|i| i + 1));
    starts.nth(usize::try_from(n).ok()?)
}

/// mboxrd unescaping: a line `>From `, `>>From `, … loses one `>`.
fn unescape_from(data: &[u8]) -> Cow<'_, [u8]> {
    let needs = |line: &[u8]| {
        let n = line.iter().take_while(|&&b| b == b'>').count();
        n > 0 && line[n..].starts_with(b"From ")
    };
    // Only lines that start with '>' can need it: found with memchr.
    let quoted = || {
        std::iter::once(0)
            .filter(|_| data.first() == Some(&b'>'))
            .chain(memchr::memmem::find_iter(data, b"\n>").map(|i| i + 1))
    };
    if !quoted().any(|at| needs(&data[at..])) {
        return Cow::Borrowed(data);
    }
    let mut out = Vec::with_capacity(data.len());
    let mut copied = 0;
    for at in quoted() {
        if needs(&data[at..]) {
            out.extend_from_slice(&data[copied..at]);
            copied = at + 1;
        }
    }
    out.extend_from_slice(&data[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescapes_mboxrd_from_lines() {
        assert_eq!(
            &*unescape_from(b"a\n>From x\n>>From y\nFrom z"),
            b"a\nFrom x\n>From y\nFrom z"
        );
        assert!(matches!(unescape_from(b"plain\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn finds_where_the_delimiter_lines_run_past_the_limit() {
        let m = b"a\n--x\nb\n--x\n--x--\n";
        assert_eq!(past_delimiters(m, 1), Some(8));
        assert_eq!(past_delimiters(m, 2), Some(12));
        assert_eq!(past_delimiters(m, 3), None);
        assert_eq!(past_delimiters(b"--x", 0), Some(0));
    }

    #[test]
    fn lenient_base64_like_python() {
        assert_eq!(
            decode_base64_lenient(b"aGVsbG8=\r\n"),
            (b"hello".to_vec(), None)
        );
        assert_eq!(decode_base64_lenient(b"aGVs\r\nbG8").0, b"hello");
        assert!(decode_base64_lenient(b"aGVs\r\nbG8").1.is_some());
        assert_eq!(decode_base64_lenient(b"aGV*sbG8=").0, b"hello");
        assert_eq!(decode_base64_lenient(b"aGk=aGk=").0, b"hi");
        // The fast path and the byte-by-byte one agree on wrapped base64
        // of every length and padding, with LF or CRLF line ends.
        use base64::Engine;
        for len in 0..200usize {
            let data: Vec<u8> = (0..len).map(|i| (i * 7919 % 251) as u8).collect();
            let enc = base64::engine::general_purpose::STANDARD.encode(&data);
            for eol in ["\n", "\r\n"] {
                let wrapped: String = enc
                    .as_bytes()
                    .chunks(76)
                    .map(|c| format!("{}{eol}", String::from_utf8_lossy(c)))
                    .collect();
                assert_eq!(
                    decode_base64_clean(wrapped.as_bytes()).as_deref(),
                    Some(&data[..])
                );
                assert_eq!(decode_base64_slow(wrapped.as_bytes()).0, data);
            }
        }
        assert_eq!(decode_base64_lenient(b"aGVsb").0, b"aGVsb");
    }

    #[test]
    fn quoted_printable_like_python() {
        assert_eq!(
            decode_qp(b"caf=C3=A9 =\r\nsuite=3d\n"),
            "café suite=\n".as_bytes()
        );
        assert_eq!(decode_qp(b"a=ZZb=="), b"a=ZZb=");
        assert_eq!(decode_qp(b"end="), b"end");
    }

    #[test]
    fn uudecode() {
        // "Cat" uuencoded.
        assert_eq!(
            decode_uu(b"begin 644 cat.txt\n#0V%T\n`\nend\n").as_deref(),
            Some(&b"Cat"[..])
        );
        assert_eq!(decode_uu(b"no begin here"), None);
    }

    #[test]
    fn decodes_encoded_word_names() {
        assert_eq!(
            crate::email::header::decode_words("=?UTF-8?B?w6l0w6kucGRm?="),
            "été.pdf"
        );
        assert_eq!(crate::email::header::decode_words("plain.pdf"), "plain.pdf");
        // A two-byte character split across two words.
        assert_eq!(
            crate::email::header::decode_words(
                "=?utf-8?B?0LTQvtC60YPQvNC10L3RgtGLINC00LvRjyDQvtGC0LTQ?=\n\t=?utf-8?B?tdC70LAg0LrQsNC00YDQvtCyLnBkZg==?="
            ),
            "документы для отдела кадров.pdf"
        );
        assert_eq!(
            crate::email::header::decode_words("a =?ISO-8859-1?Q?caf=E9?= b"),
            "a café b"
        );
        assert_eq!(crate::email::header::decode_words("=?bogus"), "=?bogus");
        // A multi-byte character where the encoding letter belongs.
        assert_eq!(
            crate::email::header::decode_words("=?utf-8?€?abc?="),
            "=?utf-8?€?abc?="
        );
        assert_eq!(crate::email::header::decode_words("=?utf-8?B"), "=?utf-8?B");
    }
}
