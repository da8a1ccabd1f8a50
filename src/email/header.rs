//! Reading a message's header block as raw bytes and decoding field values
//! for people: unfolding, RFC 2047 encoded words (joined across adjacent
//! words, since mailers split multi-byte characters between them), raw 8-bit
//! text in the message's declared charset, and bytes that decode to nothing
//! kept visible as `\xNN` rather than replaced.
//!
//! Why not only mailparse: its `get_value` decodes each encoded word on its
//! own (a character split across two words becomes U+FFFD) and reads raw
//! 8-bit headers as Latin-1. mailparse still parses MIME structure
//! (attachments); this module reads the header block the way DKIM needs it,
//! byte for byte.

use encoding_rs::Encoding;

/// One header field as it stands in the message.
#[derive(Debug, Clone, Copy)]
pub struct Field<'a> {
    /// The name, as written (no trailing colon).
    pub name: &'a [u8],
    /// Everything after the colon up to the end of the field, with the
    /// folding line breaks kept (each line ends in CRLF after
    /// [`split`] normalisation).
    pub value: &'a [u8],
}

/// The header block split into fields, and the body.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The message with every line ending made CRLF, as DKIM and the
    /// standards define messages (mbox files and archives store LF).
    pub text: Vec<u8>,
    /// Byte ranges of (name, value) in `text`, top to bottom.
    fields: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>,
    /// Where the body starts in `text` (after the blank line).
    pub body_start: usize,
    /// Lines in the header block that are neither a field nor a
    /// continuation (other than a leading `From ` line).
    pub malformed_lines: usize,
}

impl Parsed {
    pub fn fields(&self) -> impl Iterator<Item = Field<'_>> + '_ {
        self.fields.iter().map(|(n, v)| Field {
            name: &self.text[n.clone()],
            value: &self.text[v.clone()],
        })
    }

    pub fn body(&self) -> &[u8] {
        &self.text[self.body_start.min(self.text.len())..]
    }

    /// The first field with this name (case-insensitive).
    pub fn first(&self, name: &str) -> Option<Field<'_>> {
        self.fields()
            .find(|f| f.name.eq_ignore_ascii_case(name.as_bytes()))
    }

    /// Every field with this name, top to bottom.
    pub fn all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = Field<'s>> + 's {
        self.fields()
            .filter(move |f| f.name.eq_ignore_ascii_case(name.as_bytes()))
    }
}

/// Splits a message into header fields and body. Lines end at LF, with an
/// optional CR before it; the block ends at the first empty line. A line
/// starting with space or tab continues the previous field; a field name is
/// the printable ASCII run up to the first colon. This is the reading of
/// dkimpy's `rfc822_parse`, which DKIM results are compared with.
pub fn split(message: &[u8]) -> Parsed {
    let mut text = Vec::with_capacity(message.len() + message.len() / 32);
    let mut fields: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> = Vec::new();
    let mut malformed_lines = 0;
    let mut in_header = true;
    let mut body_start = None;
    for (line, last) in lines(message) {
        let start = text.len();
        text.extend_from_slice(line);
        if !last {
            text.extend_from_slice(b"\r\n");
        }
        if !in_header {
            continue;
        }
        if line.is_empty() {
            in_header = false;
            body_start = Some(text.len());
            continue;
        }
        if matches!(line[0], b' ' | b'\t') {
            if let Some((_, v)) = fields.last_mut() {
                v.end = text.len();
            } else {
                malformed_lines += 1;
            }
            continue;
        }
        let colon = line.iter().position(|&b| b == b':');
        let name_ok =
            colon.is_some_and(|c| c > 0 && line[..c].iter().all(|&b| (0x21..=0x7e).contains(&b)));
        match colon {
            Some(c) if name_ok => fields.push((start..start + c, start + c + 1..text.len())),
            _ if line.starts_with(b"From ") => {}
            _ => malformed_lines += 1,
        }
    }
    let body_start = body_start.unwrap_or(text.len());
    Parsed {
        text,
        fields,
        body_start,
        malformed_lines,
    }
}

/// The lines of `data`, split at LF (found with memchr) with a CR before it
/// dropped, each with whether it is the last: what follows the last LF,
/// possibly empty, as `split(|b| b == b'\n')` gives it.
pub(crate) fn lines(data: &[u8]) -> impl Iterator<Item = (&[u8], bool)> {
    let mut from = 0;
    memchr::memchr_iter(b'\n', data)
        .map(Some)
        .chain(std::iter::once(None))
        .map(move |end| {
            let (line, last) = match end {
                Some(e) => (&data[from..e], false),
                None => (&data[from..], true),
            };
            from = end.map_or(from, |e| e + 1);
            (line.strip_suffix(b"\r").unwrap_or(line), last)
        })
}

/// Removes folding line breaks (CRLF or LF before whitespace) and trims.
pub fn unfold(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    for &b in value {
        if b != b'\r' && b != b'\n' {
            out.push(b);
        }
    }
    out.trim_ascii().to_vec()
}

/// A field value for people: unfolded, encoded words decoded, raw 8-bit
/// bytes read as UTF-8 if they are, else in `fallback` (the message's
/// declared charset), else as Windows-1252; undecodable bytes kept as
/// `\xNN`.
pub fn decode(value: &[u8], fallback: Option<&'static Encoding>) -> String {
    let raw = unfold(value);
    let text = decode_raw(&raw, fallback);
    decode_words(&text)
}

/// Raw header bytes to text (no encoded-word handling).
pub fn decode_raw(raw: &[u8], fallback: Option<&'static Encoding>) -> String {
    if raw.is_ascii() {
        return String::from_utf8_lossy(raw).into_owned();
    }
    if let Ok(s) = std::str::from_utf8(raw) {
        return s.to_string();
    }
    let enc = fallback
        .filter(|e| *e != encoding_rs::UTF_8)
        .unwrap_or(encoding_rs::WINDOWS_1252);
    decode_visible(enc, raw)
}

/// Decodes `bytes` in `enc`, writing each byte that is not valid in it as
/// `\xNN` so that nothing the message holds is hidden behind U+FFFD.
pub fn decode_visible(enc: &'static Encoding, bytes: &[u8]) -> String {
    use encoding_rs::DecoderResult;
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() * 2 + 8);
    let mut input = bytes;
    loop {
        let need = decoder
            .max_utf8_buffer_length_without_replacement(input.len())
            .unwrap_or(input.len() * 4 + 16);
        out.reserve(need);
        let (result, read) = decoder.decode_to_string_without_replacement(input, &mut out, true);
        match result {
            DecoderResult::InputEmpty => return out,
            DecoderResult::OutputFull => {
                input = &input[read..];
            }
            DecoderResult::Malformed(bad, after) => {
                let bad = bad as usize;
                let after = after as usize;
                let end = read - after;
                let start = end.saturating_sub(bad);
                for b in &input[start..end] {
                    out.push_str(&format!("\\x{b:02X}"));
                }
                input = &input[read..];
            }
        }
    }
}

/// The charset a label names, with the aliases mail uses that the WHATWG
/// list lacks.
pub fn charset(label: &str) -> Option<&'static Encoding> {
    let label = label.trim().trim_matches('"');
    let label = label.split('*').next().unwrap_or(label);
    Encoding::for_label(label.as_bytes()).or_else(|| match label.to_ascii_lowercase().as_str() {
        "cp1251" => Some(encoding_rs::WINDOWS_1251),
        "cp1256" => Some(encoding_rs::WINDOWS_1256),
        "cp1252" => Some(encoding_rs::WINDOWS_1252),
        "latin1" | "latin-1" => Some(encoding_rs::WINDOWS_1252),
        "latin-9" | "latin9" => Some(encoding_rs::ISO_8859_15),
        "arabic" => Some(encoding_rs::ISO_8859_6),
        _ => None,
    })
}

/// Decodes RFC 2047 encoded words. Adjacent words in one charset are joined
/// before decoding, because mailers split multi-byte characters across them;
/// whitespace between adjacent words is dropped, as the RFC says. An unknown
/// charset leaves the bytes as UTF-8 if they are, else visible escapes.
pub fn decode_words(s: &str) -> String {
    if !s.contains("=?") {
        return s.to_string();
    }
    let mut out = String::new();
    let mut pending: Option<(String, Vec<u8>)> = None;
    let mut gap = String::new();
    let mut rest = s;
    let flush = |pending: &mut Option<(String, Vec<u8>)>, out: &mut String| {
        if let Some((label, bytes)) = pending.take() {
            match charset(&label) {
                Some(enc) => out.push_str(&decode_visible(enc, &bytes)),
                None => out.push_str(&decode_raw(&bytes, None)),
            }
        }
    };
    while let Some(start) = rest.find("=?") {
        let Some((label, bytes, len)) = parse_word(&rest[start..]) else {
            gap.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            continue;
        };
        let between = format!("{gap}{}", &rest[..start]);
        gap.clear();
        let same = pending
            .as_ref()
            .is_some_and(|(c, _)| c.eq_ignore_ascii_case(&label));
        if !(pending.is_some() && between.trim().is_empty()) {
            flush(&mut pending, &mut out);
            out.push_str(&between);
        } else if !same {
            flush(&mut pending, &mut out);
        }
        match pending.as_mut() {
            Some((_, b)) => b.extend_from_slice(&bytes),
            None => pending = Some((label, bytes)),
        }
        rest = &rest[start + len..];
    }
    flush(&mut pending, &mut out);
    out.push_str(&gap);
    out.push_str(rest);
    out
}

/// One encoded word at the start of `s`: (charset, decoded bytes, length).
fn parse_word(s: &str) -> Option<(String, Vec<u8>, usize)> {
    let body = s.strip_prefix("=?")?;
    let q1 = body.find('?')?;
    let label = &body[..q1];
    let after = body.as_bytes().get(q1 + 1..q1 + 3)?;
    let enc = after[0].to_ascii_uppercase();
    if after[1] != b'?' {
        return None;
    }
    let text_start = q1 + 3;
    let end = body.get(text_start..)?.find("?=")?;
    let text = body.get(text_start..text_start + end)?;
    if label.is_empty() || text.contains(' ') {
        return None;
    }
    let bytes = match enc {
        b'B' => crate::ingest::decode_base64_lenient(text.as_bytes()).0,
        b'Q' => crate::ingest::decode_qp(text.replace('_', " ").as_bytes()),
        _ => return None,
    };
    Some((label.to_string(), bytes, 2 + text_start + end + 2))
}

/// The addr-spec of the first address in an address field, lowercased:
/// `"Claire Dubois" <claire@horizon.example>` → `claire@horizon.example`.
pub fn first_address(value: &str) -> Option<String> {
    let candidate = match (value.find('<'), value.rfind('>')) {
        (Some(a), Some(b)) if b > a => &value[a + 1..b],
        _ => value
            .split([',', ' ', '\t'])
            .find(|w| w.contains('@'))
            .unwrap_or(""),
    };
    let candidate = candidate.trim().trim_matches(['"', '\'']);
    let at = candidate.rfind('@')?;
    if at == 0 || at + 1 == candidate.len() {
        return None;
    }
    Some(candidate.to_ascii_lowercase())
}

/// The domain part of an address (after the last `@`), lowercased.
pub fn domain_of(address: &str) -> Option<&str> {
    address
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('>'))
}

/// Message-IDs in a field (`<a@b> <c@d>`), without angle brackets, in order.
pub fn message_ids(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(a) = rest.find('<') {
        let Some(b) = rest[a..].find('>') else { break };
        let id = rest[a + 1..a + b].trim();
        if !id.is_empty() {
            out.push(id.to_string());
        }
        rest = &rest[a + b + 1..];
    }
    if out.is_empty() {
        // Bare ids (no brackets) are malformed but seen.
        out.extend(
            value
                .split_whitespace()
                .filter(|w| w.contains('@'))
                .map(|w| w.to_string()),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_headers_like_dkimpy() {
        let m =
            b"From sender Mon Jan  1 00:00:00 2001\nSubject: a\n  folded\nX: 1\r\n\nbody\nline\n";
        let p = split(m);
        let f: Vec<_> = p
            .fields()
            .map(|f| (f.name.to_vec(), f.value.to_vec()))
            .collect();
        assert_eq!(f[0], (b"Subject".to_vec(), b" a\r\n  folded\r\n".to_vec()));
        assert_eq!(f[1], (b"X".to_vec(), b" 1\r\n".to_vec()));
        assert_eq!(p.body(), b"body\r\nline\r\n");
        assert_eq!(p.malformed_lines, 0);
    }

    #[test]
    fn decodes_words_across_splits_and_charsets() {
        // "é" split across two UTF-8 words.
        assert_eq!(
            decode(
                b" =?UTF-8?B?w6k=?= =?UTF-8?Q?=C3?=\r\n =?UTF-8?Q?=A9t=C3=A9?=",
                None
            ),
            "éété"
        );
        // Hand-encoded vectors: KOI8-R and windows-1251 "Привет", ISO-8859-15 euro sign.
        assert_eq!(decode(b"=?koi8-r?B?8NLJ18XU?=", None), "Привет");
        assert_eq!(
            decode(b"=?windows-1251?Q?=CF=F0=E8=E2=E5=F2?=", None),
            "Привет"
        );
        assert_eq!(decode(b"=?iso-8859-15?Q?=A4uro?=", None), "€uro");
        assert_eq!(decode(b"=?iso-8859-1?Q?=A4uro?=", None), "¤uro");
        // Arabic in both legacy charsets: "مرحبا".
        for (label, enc) in [
            ("windows-1256", encoding_rs::WINDOWS_1256),
            ("ISO-8859-6", encoding_rs::ISO_8859_6),
        ] {
            let (bytes, _, bad) = enc.encode("مرحبا");
            assert!(!bad);
            let q: String = bytes.iter().map(|b| format!("={b:02X}")).collect();
            let word = format!("=?{label}?Q?{q}?=");
            assert_eq!(decode(word.as_bytes(), None), "مرحبا", "{label}");
        }
    }

    #[test]
    fn raw_8bit_uses_the_declared_charset_and_keeps_bad_bytes_visible() {
        assert_eq!(
            decode(
                b" \xcf\xf0\xe8\xe2\xe5\xf2",
                Some(encoding_rs::WINDOWS_1251)
            ),
            "Привет"
        );
        assert_eq!(
            decode(b" caf\xc3\xa9", Some(encoding_rs::WINDOWS_1251)),
            "café"
        );
        // An invalid UTF-8 encoded word keeps its bad byte visible.
        assert_eq!(decode(b"=?utf-8?Q?a=FFb?=", None), "a\\xFFb");
    }

    #[test]
    fn addresses_and_ids() {
        assert_eq!(
            first_address("\"Dubois, Claire\" <Claire@Horizon.example>").as_deref(),
            Some("claire@horizon.example")
        );
        assert_eq!(
            first_address("bob@x.example (Bob)").as_deref(),
            Some("bob@x.example")
        );
        assert_eq!(first_address("undisclosed-recipients:;"), None);
        assert_eq!(message_ids("<a@b> \r\n <c@d>"), vec!["a@b", "c@d"]);
    }
}
