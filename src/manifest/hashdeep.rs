//! hashdeep's file format, which `hashdeep -a -k FILE` audits:
//!
//! ```text
//! %%%% HASHDEEP-1.0
//! %%%% size,sha256,filename
//! ## Invoked from: leakcheck
//! ## $ leakcheck manifest
//! ##
//! 5,2cf24dba…,./hello.txt
//! ```
//!
//! Names are written as hashdeep prints them when run with relative paths
//! inside the dump (`./` then the path), so an audit is
//! `cd DUMP && hashdeep -a -k FILE -l -r .` (`-l`: relative paths; put no
//! `-c` after `-a`, which turns the audit back into plain hashing).
//! hashdeep has no escape for a newline in a name: such files are left out
//! of this format and counted in a `##` comment (the other manifests carry them).

use super::{Entry, Error};

pub fn write(files: &[&Entry]) -> Vec<u8> {
    let mut out = b"%%%% HASHDEEP-1.0\n%%%% size,sha256,filename\n## Invoked from: leakcheck\n## $ leakcheck manifest\n##\n".to_vec();
    let mut skipped = 0;
    for e in files {
        let (Some(h), name) = (&e.sha256, e.disk_path()) else {
            continue;
        };
        if name.iter().any(|b| matches!(b, b'\n' | b'\r')) {
            skipped += 1;
            continue;
        }
        out.extend_from_slice(format!("{},{h},./", e.size).as_bytes());
        out.extend_from_slice(&name);
        out.push(b'\n');
    }
    if skipped > 0 {
        out.extend_from_slice(
            format!("## {skipped} file(s) with a newline in the name left out: hashdeep cannot name them\n")
                .as_bytes(),
        );
    }
    out
}

/// Reads a hashdeep file with a `sha256` column (and optionally others).
/// Returns (size, sha256, raw name with any leading `./` removed).
pub fn read(data: &[u8], label: &str) -> Result<Vec<(u64, String, Vec<u8>)>, Error> {
    let mut columns: Option<Vec<String>> = None;
    let mut out = Vec::new();
    for (n, line) in data.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let syntax = |what: String| Error::Syntax {
            path: label.to_string(),
            line: n + 1,
            what,
        };
        if let Some(head) = line.strip_prefix(b"%%%% ") {
            if head.starts_with(b"HASHDEEP") {
                continue;
            }
            columns = Some(
                String::from_utf8_lossy(head)
                    .split(',')
                    .map(|c| c.trim().to_string())
                    .collect(),
            );
            continue;
        }
        if line.is_empty() || line.starts_with(b"##") {
            continue;
        }
        let cols = columns.as_ref().ok_or_else(|| {
            syntax("no '%%%% size,…,filename' header before the first entry".into())
        })?;
        let (Some(size_at), Some(sha_at)) = (
            cols.iter().position(|c| c == "size"),
            cols.iter().position(|c| c == "sha256"),
        ) else {
            return Err(syntax(
                "leakcheck reads hashdeep files with size and sha256 columns".into(),
            ));
        };
        // The name is last and may hold commas: split off the other columns only.
        let fields: Vec<&[u8]> = line.splitn(cols.len(), |&b| b == b',').collect();
        if fields.len() != cols.len() {
            return Err(syntax(format!(
                "expected {} comma-separated fields",
                cols.len()
            )));
        }
        let size = std::str::from_utf8(fields[size_at])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| syntax("the size is not a number".into()))?;
        let sha = String::from_utf8_lossy(fields[sha_at]).to_ascii_lowercase();
        let name = fields[cols.len() - 1];
        let name = name.strip_prefix(b"./").unwrap_or(name);
        out.push((size, sha, name.to_vec()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::ItemKind;

    #[test]
    fn writes_and_reads_back_names_with_commas() {
        let e = Entry {
            path: "a,b.txt".into(),
            kind: ItemKind::File,
            size: 5,
            sha256: Some("ab".repeat(32)),
            blake3: None,
        };
        let nl = Entry {
            path: "x\ny".into(),
            ..e.clone()
        };
        let text = write(&[&e, &nl]);
        let s = String::from_utf8_lossy(&text);
        assert!(s.starts_with("%%%% HASHDEEP-1.0\n%%%% size,sha256,filename\n"));
        assert!(s.contains(&format!("5,{},./a,b.txt\n", "ab".repeat(32))));
        assert!(s.contains("## 1 file(s) with a newline"));
        let back = read(&text, "h").expect("reads");
        assert_eq!(back, vec![(5, "ab".repeat(32), b"a,b.txt".to_vec())]);
    }
}
