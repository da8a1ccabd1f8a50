//! DKIM public keys kept offline: the DNS TXT records a verifier would have
//! looked up, read from files so that a scan is reproducible years after
//! the keys were rotated out of DNS.
//!
//! Accepted, one record per line, in one file or every file of a folder:
//!
//! * `<selector>._domainkey.<domain> <TXT value>`: the value raw to the end
//!   of the line, or as quoted strings (joined). `NXDOMAIN` and `~~…~~`
//!   record a lookup that failed, as test resolvers write them.
//! * BIND zone-file records: `name[.] [TTL] [IN] TXT ( "v=DKIM1; …" "…" )`,
//!   over several lines, split strings joined, `;` comments.
//! * tinydns/djbdns `'name:value:ttl` lines (octal escapes).
//!
//! Lines whose name is not a `_domainkey` name are skipped, so a folder of
//! keys may hold other files.

use std::collections::BTreeMap;
use std::path::Path;

/// What a lookup of one name would have returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// The TXT value (strings joined).
    Txt(String),
    /// The name does not exist.
    NxDomain,
    /// The lookup failed (timeout, SERVFAIL…), as recorded.
    Failed(String),
}

/// Keys by lowercase name without the trailing dot.
#[derive(Debug, Clone, Default)]
pub struct KeyStore {
    records: BTreeMap<String, Record>,
    /// Names given twice with different values (the first is kept).
    pub conflicts: Vec<String>,
    /// Live DNS for names not held here (`--dns`), off by default.
    live: Option<std::sync::Arc<super::dns::Live>>,
}

impl KeyStore {
    /// Reads a key file, or every file under a folder (sorted, so the first
    /// of two conflicting records is always the same one).
    pub fn load(path: &Path) -> Result<KeyStore, String> {
        let mut store = KeyStore::default();
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("cannot read DKIM keys '{}': {e}", path.display()))?;
        if meta.is_dir() {
            let walk = walkdir::WalkDir::new(path).sort_by_file_name();
            for entry in walk {
                let entry = entry.map_err(|e| format!("cannot read DKIM keys: {e}"))?;
                if entry.file_type().is_file() && entry.metadata().is_ok_and(|m| m.len() < 64 << 20)
                {
                    let bytes = std::fs::read(entry.path())
                        .map_err(|e| format!("cannot read '{}': {e}", entry.path().display()))?;
                    store.add_text(&String::from_utf8_lossy(&bytes));
                }
            }
        } else {
            let bytes = std::fs::read(path)
                .map_err(|e| format!("cannot read DKIM keys '{}': {e}", path.display()))?;
            store.add_text(&String::from_utf8_lossy(&bytes));
        }
        Ok(store)
    }

    /// Number of names known.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The record for `<selector>._domainkey.<domain>`: from the key files,
    /// else from live DNS when it is on.
    pub fn lookup(&self, name: &str) -> Option<Record> {
        let key = normalize(name);
        match (self.records.get(&key), &self.live) {
            (Some(r), _) => Some(r.clone()),
            (None, Some(live)) => Some(live.lookup(&key)),
            (None, None) => None,
        }
    }

    /// Asks `live` for names the key files do not hold.
    pub fn enable_live(&mut self, live: std::sync::Arc<super::dns::Live>) {
        self.live = Some(live);
    }

    /// The answers live DNS gave, as a key file [`KeyStore::load`] reads.
    pub fn live_answers(&self) -> Option<KeyStore> {
        let live = self.live.as_ref()?;
        let mut out = KeyStore::default();
        for (name, r) in live.answers() {
            out.insert(&name, r);
        }
        Some(out)
    }

    /// Adds one record (the first value for a name wins).
    pub fn insert(&mut self, name: &str, record: Record) {
        let key = normalize(name);
        match self.records.get(&key) {
            Some(old) if *old != record => self.conflicts.push(key),
            Some(_) => {}
            None => {
                self.records.insert(key, record);
            }
        }
    }

    /// Adds every record of `other` (first value wins).
    pub fn merge(&mut self, other: KeyStore) {
        self.conflicts.extend(other.conflicts);
        for (name, record) in other.records {
            self.insert(&name, record);
        }
    }

    /// The records as a key file (`name value` per line, sorted), the form
    /// [`KeyStore::load`] reads back.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (name, r) in &self.records {
            let value = match r {
                Record::Txt(v) if v.is_empty() => "\"\"".into(),
                Record::Txt(v) => v.clone(),
                Record::NxDomain => "NXDOMAIN".into(),
                Record::Failed(why) => format!("~~{why}~~"),
            };
            out.push_str(&format!("{name} {value}\n"));
        }
        out
    }

    /// Parses the text of one key file.
    pub fn add_text(&mut self, text: &str) {
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix('\'') {
                self.add_tinydns(rest);
                continue;
            }
            // A parenthesised zone record continues until its ')'.
            let mut logical = strip_zone_comment(line).to_string();
            if open_paren(&logical) {
                for more in lines.by_ref() {
                    logical.push(' ');
                    logical.push_str(strip_zone_comment(more));
                    if !open_paren(&logical) {
                        break;
                    }
                }
            }
            self.add_line(&logical, line);
        }
    }

    fn add_line(&mut self, logical: &str, raw: &str) {
        let mut rest = logical.trim_start();
        let Some(name_end) = rest.find(char::is_whitespace) else {
            return;
        };
        let name = &rest[..name_end];
        if !name.to_ascii_lowercase().contains("_domainkey") {
            return;
        }
        rest = rest[name_end..].trim_start();
        // Zone syntax: [TTL] [class] TXT before the data.
        let mut zone = false;
        loop {
            let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let word = &rest[..word_end];
            let upper = word.to_ascii_uppercase();
            let is_ttl = !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit());
            if is_ttl || upper == "IN" || upper == "TXT" {
                zone |= upper == "TXT";
                rest = rest[word_end..].trim_start();
                if upper == "TXT" {
                    break;
                }
            } else {
                break;
            }
        }
        let data = rest.trim();
        let record = if data.starts_with('"') || data.starts_with('(') {
            Record::Txt(join_strings(data))
        } else if zone {
            Record::Txt(data.to_string())
        } else if data == "NXDOMAIN" {
            Record::NxDomain
        } else if data.len() >= 4 && data.starts_with("~~") && data.ends_with("~~") {
            Record::Failed(data.trim_matches('~').to_string())
        } else {
            // Raw value: take it from the original line, where a ';' is
            // part of the value, not a comment.
            let raw = raw.trim_start();
            let after_name = raw[raw.find(char::is_whitespace).unwrap_or(raw.len())..].trim();
            Record::Txt(after_name.to_string())
        };
        self.insert(name, record);
    }

    fn add_tinydns(&mut self, rest: &str) {
        let mut parts = rest.splitn(3, ':');
        let (Some(name), Some(value)) = (parts.next(), parts.next()) else {
            return;
        };
        if !name.to_ascii_lowercase().contains("_domainkey") {
            return;
        }
        let mut out = Vec::new();
        let b = value.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'\\'
                && i + 3 < b.len()
                && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
            {
                let v = (b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0');
                out.push(v);
                i += 4;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        self.insert(
            name,
            Record::Txt(String::from_utf8_lossy(&out).into_owned()),
        );
    }
}

fn normalize(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// Drops a `;` comment that is outside quotes (zone-file syntax); a line
/// with no quotes at all is kept whole, since raw TXT values hold `;`.
fn strip_zone_comment(line: &str) -> &str {
    if !line.contains('"') {
        return line;
    }
    let mut in_quotes = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => in_quotes = !in_quotes,
            ';' if !in_quotes => return &line[..i],
            _ => {}
        }
    }
    line
}

/// Whether a `(` outside quotes is still open.
fn open_paren(text: &str) -> bool {
    let mut depth = 0i32;
    let mut in_quotes = false;
    let mut escaped = false;
    for c in text.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => in_quotes = !in_quotes,
            '(' if !in_quotes => depth += 1,
            ')' if !in_quotes => depth -= 1,
            _ => {}
        }
    }
    depth > 0
}

/// Joins the quoted strings of TXT data (`"a" "b"` → `ab`), undoing `\"`,
/// `\\` and `\DDD` escapes.
fn join_strings(data: &str) -> String {
    let b = data.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut in_quotes = false;
    while i < b.len() {
        let c = b[i];
        if !in_quotes {
            if c == b'"' {
                in_quotes = true;
            }
            i += 1;
            continue;
        }
        match c {
            b'"' => in_quotes = false,
            b'\\' if i + 3 < b.len() && b[i + 1..i + 4].iter().all(u8::is_ascii_digit) => {
                let v = u32::from(b[i + 1] - b'0') * 100
                    + u32::from(b[i + 2] - b'0') * 10
                    + u32::from(b[i + 3] - b'0');
                out.push(v.min(255) as u8);
                i += 3;
            }
            b'\\' if i + 1 < b.len() => {
                out.push(b[i + 1]);
                i += 1;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_zone_and_tinydns_records() {
        let mut k = KeyStore::default();
        k.add_text(
            "# comment\n\
             test._domainkey.example.com v=DKIM1; k=rsa; p=AAAA\n\
             gone._domainkey.example.com NXDOMAIN\n\
             slow._domainkey.example.com ~~Query timed out~~\n\
             empty._domainkey.example.com \"\"\n\
             1433868189.example._domainkey.example.com. IN TXT (\n\
             \t\"v=DKIM1;t=s;p=MIGf\"  ; first half\n\
             \t\"MA0G\")\n\
             zone._domainkey.Example.ORG. 3600 IN TXT \"v=DKIM1; \" \"p=QUJD\"\n\
             'tiny._domainkey.example.com:v=DKIM1\\073 p=XYZ:3600\n\
             www.example.com A 192.0.2.1\n",
        );
        assert_eq!(
            k.lookup("test._domainkey.example.com"),
            Some(Record::Txt("v=DKIM1; k=rsa; p=AAAA".into()))
        );
        assert_eq!(
            k.lookup("gone._domainkey.example.com"),
            Some(Record::NxDomain)
        );
        assert_eq!(
            k.lookup("slow._domainkey.example.com"),
            Some(Record::Failed("Query timed out".into()))
        );
        assert_eq!(
            k.lookup("empty._domainkey.example.com"),
            Some(Record::Txt(String::new()))
        );
        assert_eq!(
            k.lookup("1433868189.example._domainkey.example.com"),
            Some(Record::Txt("v=DKIM1;t=s;p=MIGfMA0G".into()))
        );
        assert_eq!(
            k.lookup("zone._domainkey.example.org."),
            Some(Record::Txt("v=DKIM1; p=QUJD".into()))
        );
        assert_eq!(
            k.lookup("tiny._domainkey.example.com"),
            Some(Record::Txt("v=DKIM1; p=XYZ".into()))
        );
        assert_eq!(k.len(), 7);
        // The written form reads back the same.
        let mut again = KeyStore::default();
        again.add_text(&k.to_text());
        assert_eq!(again.records, k.records);
    }
}
