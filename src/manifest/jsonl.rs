//! `items.jsonl`: one JSON object per line and item, inner items included,
//! sorted by provenance path: `{"path", "kind", "size", "sha256", "blake3"}`.
//! Paths are provenance paths (UTF-8; other bytes `%XX`-escaped), so every
//! name, newline or not, fits on its line.

use super::{Entry, Error};

pub fn write(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        if let Ok(line) = serde_json::to_vec(e) {
            out.extend_from_slice(&line);
            out.push(b'\n');
        }
    }
    out
}

pub fn read(data: &[u8], label: &str) -> Result<Vec<Entry>, Error> {
    let mut out = Vec::new();
    for (n, line) in data.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let e: Entry = serde_json::from_slice(line).map_err(|e| Error::Syntax {
            path: label.to_string(),
            line: n + 1,
            what: format!("not an item line: {e}"),
        })?;
        out.push(e);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::ItemKind;

    #[test]
    fn round_trips() {
        let e = vec![Entry {
            path: "a.mbox!1".into(),
            kind: ItemKind::Email,
            size: 3,
            sha256: Some("00".into()),
            blake3: Some("11".into()),
        }];
        let text = write(&e);
        assert_eq!(
            String::from_utf8_lossy(&text),
            "{\"path\":\"a.mbox!1\",\"kind\":\"email\",\"size\":3,\"sha256\":\"00\",\"blake3\":\"11\"}\n"
        );
        assert_eq!(read(&text, "x").expect("reads"), e);
        assert!(read(b"{\"path\":1}\n", "x").is_err());
    }
}
