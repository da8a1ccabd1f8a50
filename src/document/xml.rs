//! Small helpers over `roxmltree` (already used for `[Content_Types].xml`):
//! a read-only DOM with no DTD expansion, so an entity bomb is a parse
//! error, not a hang.

use std::io::{Read, Seek};

/// The most bytes read from one part of a package (core.xml, meta.xml,
/// document.xml…): metadata parts are kilobytes, text parts rarely more
/// than a few megabytes.
pub const PART_CAP: u64 = 32 << 20;

/// Reads one member of a zip package, at most [`PART_CAP`] bytes, as text.
/// `None` when the member is absent or unreadable.
pub fn zip_part<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> Option<String> {
    let f = zip.by_name(name).ok()?;
    let mut buf = Vec::new();
    f.take(PART_CAP).read_to_end(&mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// The text of the first element named `local` (any namespace) anywhere
/// under `node`, trimmed; `None` when absent or empty.
pub fn text_of(node: roxmltree::Node<'_, '_>, local: &str) -> Option<String> {
    node.descendants()
        .find(|n| n.is_element() && n.tag_name().name() == local)
        .and_then(|n| super::nonempty(all_text(n)))
}

/// The concatenated text of every text node under `node`.
pub fn all_text(node: roxmltree::Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// Parses `text` as XML, with the reason on failure.
pub fn parse(text: &str) -> Result<roxmltree::Document<'_>, String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options).map_err(|e| e.to_string())
}

/// Most nodes one part may hold: a 32 MiB part of tiny elements would
/// otherwise build a tree of tens of millions of nodes.
pub const MAX_NODES: u32 = 4_000_000;
