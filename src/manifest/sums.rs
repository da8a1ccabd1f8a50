//! The `HASH  path` lists of `sha256sum` and `b3sum` (and BagIt's payload
//! manifests, which differ only in how a name is escaped).
//!
//! Names are written as their raw bytes on disk, relative to the scanned
//! folder. A name holding a backslash, newline or carriage return is
//! escaped as GNU coreutils does: the line starts with `\` and the name has
//! `\\`, `\n` and `\r`. `sha256sum -c` reads such lines back exactly. Names
//! that are not UTF-8 are written as their bytes; `sha256sum -c` checks
//! them, `b3sum -c` cannot (it refuses them), `leakcheck verify` can.

use super::{Algorithm, Entry, Error};

/// How a list escapes names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// GNU coreutils and b3sum: a leading `\` marks an escaped name.
    Coreutils,
    /// BagIt (RFC 8493 §2.1.3): `%`, CR and LF percent-encoded, names under `data/`.
    Bagit,
}

/// One list: `HASH  name` per file, sorted by name bytes.
pub fn write(files: &[&Entry], algo: Algorithm, style: Style) -> Vec<u8> {
    let mut out = Vec::new();
    let mut lines: Vec<(Vec<u8>, &str)> = files
        .iter()
        .filter_map(|e| Some((e.disk_path(), algo.of(e)?)))
        .collect();
    lines.sort();
    for (name, hash) in lines {
        match style {
            Style::Coreutils => {
                let needs = name.iter().any(|b| matches!(b, b'\\' | b'\n' | b'\r'));
                if needs {
                    out.push(b'\\');
                }
                out.extend_from_slice(hash.as_bytes());
                out.extend_from_slice(b"  ");
                for &b in &name {
                    match b {
                        b'\\' if needs => out.extend_from_slice(b"\\\\"),
                        b'\n' => out.extend_from_slice(b"\\n"),
                        b'\r' => out.extend_from_slice(b"\\r"),
                        b => out.push(b),
                    }
                }
            }
            Style::Bagit => {
                out.extend_from_slice(hash.as_bytes());
                out.extend_from_slice(b"  data/");
                out.extend_from_slice(&bagit_escape(&name));
            }
        }
        out.push(b'\n');
    }
    out
}

/// RFC 8493 §2.1.3: `%` → `%25`, LF → `%0A`, CR → `%0D`.
pub fn bagit_escape(name: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len());
    for &b in name {
        match b {
            b'%' => out.extend_from_slice(b"%25"),
            b'\n' => out.extend_from_slice(b"%0A"),
            b'\r' => out.extend_from_slice(b"%0D"),
            b => out.push(b),
        }
    }
    out
}

fn bagit_unescape(name: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len());
    let mut i = 0;
    while i < name.len() {
        let three = name.get(i..i + 3);
        let decoded = match three {
            Some(b"%25") => Some(b'%'),
            Some(b"%0A") | Some(b"%0a") => Some(b'\n'),
            Some(b"%0D") | Some(b"%0d") => Some(b'\r'),
            _ => None,
        };
        match decoded {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(name[i]);
                i += 1;
            }
        }
    }
    out
}

/// One line read back: the digest (lowercase hex) and the raw name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub hash: String,
    pub name: Vec<u8>,
}

/// Reads a list written by `sha256sum`, `b3sum`, `shasum`, BagIt or
/// leakcheck. Blank lines and `#` comments are skipped; `HASH *name`
/// (binary mode) is accepted. `label` names the file in errors.
pub fn read(data: &[u8], style: Style, label: &str) -> Result<Vec<Line>, Error> {
    let mut out = Vec::new();
    for (n, raw) in data.split(|&b| b == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.is_empty() || raw.starts_with(b"#") {
            continue;
        }
        let syntax = |what: &str| Error::Syntax {
            path: label.to_string(),
            line: n + 1,
            what: what.to_string(),
        };
        let (escaped, rest) = match (style, raw.strip_prefix(b"\\")) {
            (Style::Coreutils, Some(rest)) => (true, rest),
            _ => (false, raw),
        };
        let hex_len = rest.iter().take_while(|b| b.is_ascii_hexdigit()).count();
        if hex_len < 32 {
            return Err(syntax(
                "expected a hexadecimal digest, two spaces and a name",
            ));
        }
        let hash = String::from_utf8_lossy(&rest[..hex_len]).to_ascii_lowercase();
        let after = &rest[hex_len..];
        let name = after
            .strip_prefix(b"  ")
            .or_else(|| after.strip_prefix(b" *"))
            .or_else(|| after.strip_prefix(b" "))
            .ok_or_else(|| syntax("expected two spaces between the digest and the name"))?;
        if name.is_empty() {
            return Err(syntax("empty name"));
        }
        let name = match style {
            Style::Coreutils if escaped => unescape_coreutils(name)
                .ok_or_else(|| syntax("a backslash escape other than \\\\, \\n or \\r"))?,
            Style::Coreutils => name.to_vec(),
            Style::Bagit => bagit_unescape(name),
        };
        out.push(Line { hash, name });
    }
    Ok(out)
}

fn unescape_coreutils(name: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(name.len());
    let mut it = name.iter();
    while let Some(&b) = it.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match it.next() {
            Some(b'\\') => out.push(b'\\'),
            Some(b'n') => out.push(b'\n'),
            Some(b'r') => out.push(b'\r'),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::{ItemKind, escape_segment_bytes};

    fn entry(name: &[u8], hash: &str) -> Entry {
        Entry {
            path: escape_segment_bytes(name),
            kind: ItemKind::File,
            size: 1,
            sha256: Some(hash.into()),
            blake3: None,
        }
    }

    #[test]
    fn odd_names_round_trip_in_both_styles() {
        let h = "ab".repeat(32);
        let names: [&[u8]; 6] = [
            b"plain.txt",
            b"with space.txt",
            b"back\\slash",
            b"new\nline",
            b"bad\xffbyte",
            b"50%!.zip",
        ];
        let es: Vec<Entry> = names.iter().map(|n| entry(n, &h)).collect();
        let refs: Vec<&Entry> = es.iter().collect();
        for style in [Style::Coreutils, Style::Bagit] {
            let text = write(&refs, Algorithm::Sha256, style);
            assert_eq!(text.iter().filter(|&&b| b == b'\n').count(), names.len());
            let back = read(&text, style, "t").expect("reads back");
            let mut got: Vec<Vec<u8>> = back.into_iter().map(|l| l.name).collect();
            if style == Style::Bagit {
                for g in &mut got {
                    *g = g.strip_prefix(b"data/").expect("under data/").to_vec();
                }
            }
            let mut want: Vec<Vec<u8>> = names.iter().map(|n| n.to_vec()).collect();
            want.sort();
            assert_eq!(got, want, "{style:?}");
        }
        // The coreutils form of a newline name is what sha256sum writes.
        let text = write(&[&es[3]], Algorithm::Sha256, Style::Coreutils);
        assert_eq!(text, format!("\\{h}  new\\nline\n").into_bytes());
    }

    #[test]
    fn bad_lines_name_their_line() {
        let err = read(b"\nxyz  a\n", Style::Coreutils, "m.txt").expect_err("bad");
        assert_eq!(
            err.to_string(),
            "m.txt, line 2: expected a hexadecimal digest, two spaces and a name"
        );
        let ok = read(
            format!("{}  *a\n", "0".repeat(64)).as_bytes(),
            Style::Coreutils,
            "m",
        );
        assert!(ok.is_ok());
    }
}
