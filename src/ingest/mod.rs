//! Ingest: turns a dump, exactly as it arrived, into items that each know
//! where they came from.
//!
//! [`fs`] walks the roots; every regular file goes through
//! [`Walker::file`], which hashes it, detects its type and, when a container
//! [`Format`] opens that type, lists its members through a [`Sink`]. Each
//! member goes through [`Walker::member`] in turn, to any depth. A new
//! container format is one file implementing [`Format`] plus one line in
//! [`FORMATS`].

mod compress;
mod email;
pub(crate) use email::{decode_base64_lenient, decode_qp};
pub(crate) mod fs;
mod mbox;
mod outlook;
mod sevenz;
mod tar;
mod zip;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read, Seek};
use std::path::Path;

use serde_json::Value;

use crate::config::Limits;
use crate::detect::{self, HEAD_LEN};
use crate::hash::{Digester, Digests, digest_bytes};
use crate::item::{
    ContainerCounts, Finding, Item, ItemKind, Metadata, Severity, member_path, member_path_bytes,
};

/// Every container format, in the order they are tried.
static FORMATS: &[&dyn Format] = &[
    &zip::Zip,
    &tar::Tar,
    &compress::Gzip,
    &compress::Bzip2,
    &sevenz::SevenZ,
    &mbox::Mbox,
    &email::Email,
    &outlook::Msg,
    &outlook::Pst,
    &outlook::Tnef,
];

/// A container format: recognises a detected type and lists its members.
pub(crate) trait Format: Sync {
    /// The name reported in `container.format` (`zip`, `mbox`, `mime`, …).
    fn name(&self) -> &'static str;
    /// Whether this format opens content of the `detected` type. `kind` is
    /// what the carrier declared (an mbox member is an email whatever it
    /// looks like).
    fn opens(&self, detected: &str, kind: ItemKind) -> bool;
    /// Whether the whole content must be in memory (formats without a
    /// streaming or seeking reader).
    fn needs_bytes(&self) -> bool {
        false
    }
    /// Lists the members, handing each to `sink` in container order. An
    /// error describes damage; the members listed before it stand.
    fn list(&self, content: &Content<'_>, sink: &mut Sink<'_, '_>) -> Result<(), String>;
}

/// The content of a container, whole in memory or as a file on disk.
pub(crate) enum Content<'a> {
    Bytes(&'a [u8]),
    File(&'a Path),
}

pub(crate) trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

impl Content<'_> {
    /// A seekable reader over the content.
    pub fn seekable(&self) -> io::Result<Box<dyn ReadSeek + '_>> {
        Ok(match self {
            Content::Bytes(b) => Box::new(Cursor::new(*b)),
            Content::File(p) => Box::new(BufReader::with_capacity(1 << 16, open_evidence(p)?)),
        })
    }

    /// A buffered streaming reader over the content.
    pub fn stream(&self) -> io::Result<Box<dyn BufRead + '_>> {
        Ok(match self {
            Content::Bytes(b) => Box::new(*b),
            Content::File(p) => Box::new(BufReader::with_capacity(1 << 20, open_evidence(p)?)),
        })
    }

    /// The whole content in memory (borrowed when it already is).
    pub fn bytes(&self) -> io::Result<std::borrow::Cow<'_, [u8]>> {
        Ok(match self {
            Content::Bytes(b) => std::borrow::Cow::Borrowed(*b),
            Content::File(p) => {
                let mut data = Vec::new();
                open_evidence(p)?.read_to_end(&mut data)?;
                std::borrow::Cow::Owned(data)
            }
        })
    }

    pub fn len(&self) -> u64 {
        match self {
            Content::Bytes(b) => b.len() as u64,
            Content::File(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
        }
    }
}

/// A top-level file's type from its first bytes, refined for zip and OLE
/// containers by reading their directory (`open` gives the whole content);
/// with the compound-file damage to report, and its item kind.
fn classify<R: Read + Seek>(
    head: &[u8],
    open: impl FnOnce() -> Option<R>,
) -> (&'static str, Option<String>, ItemKind) {
    let mut detected = detect::sniff(head);
    let mut ole_damage = None;
    if matches!(detected, detect::ZIP | detect::OLE)
        && let Some(r) = open()
    {
        match detect::refine(detected, r) {
            Ok(t) => detected = t,
            Err(e) if detected == detect::OLE => ole_damage = Some(e),
            Err(_) => {} // the zip reader reports its own damage
        }
    }
    let kind = if is_email_type(detected) {
        ItemKind::Email
    } else {
        ItemKind::File
    };
    (detected, ole_damage, kind)
}

/// Opens a file of the dump for reading only, without updating its access
/// time where the kernel allows it (`O_NOATIME` needs ownership; otherwise
/// a plain read-only open is used).
pub fn open_evidence(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOATIME)
        .open(path)
    {
        Ok(f) => Ok(f),
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => File::open(path),
        Err(e) => Err(e),
    }
}

/// What a member offers to be read.
pub(crate) enum MemberContent<'a> {
    Reader(&'a mut dyn Read),
    Bytes(&'a [u8]),
    /// Listed but not readable (encrypted, unsupported method, damaged).
    Unreadable(String),
    /// A link inside an archive; never followed.
    Link(String),
}

/// One member, as a container format lists it.
pub(crate) struct Member<'a> {
    /// The member's name as the container gives it (raw bytes, unescaped).
    pub name: Vec<u8>,
    pub kind: ItemKind,
    /// A type declared by the container (a MIME `Content-Type`).
    pub declared_type: Option<String>,
    pub content: MemberContent<'a>,
    /// Size the container declares, when it declares one.
    pub declared_size: Option<u64>,
    /// Compressed size, for the ratio guard.
    pub compressed_size: Option<u64>,
    pub metadata: Metadata,
    /// The format that lists this member's own members, when the container
    /// already holds them parsed (an Outlook message, whose bytes are a
    /// rendering); otherwise the member's detected type decides.
    pub open_as: Option<&'a dyn Format>,
}

impl<'a> Member<'a> {
    pub fn new(name: impl Into<Vec<u8>>, kind: ItemKind, content: MemberContent<'a>) -> Member<'a> {
        Member {
            name: name.into(),
            kind,
            declared_type: None,
            content,
            declared_size: None,
            compressed_size: None,
            metadata: Metadata::new(),
            open_as: None,
        }
    }
}

/// Receives the members of one container.
pub(crate) struct Sink<'w, 'l> {
    walker: &'w mut Walker<'l>,
    parent: String,
    parent_index: usize,
    depth: u32,
    in_mbox: bool,
    counts: ContainerCounts,
    skipped: u64,
    seen: std::collections::HashSet<Vec<u8>>,
}

impl Sink<'_, '_> {
    /// Records one member and reads it (recursively, if it is a container).
    pub fn member(&mut self, mut m: Member<'_>) {
        self.counts.members_listed += 1;
        if self.counts.members_listed > self.walker.limits.max_items_per_container {
            self.skipped += 1;
            return;
        }
        check_member_name(self, &m.name);
        if !self.seen.insert(m.name.clone()) {
            // A repeated name would give two items the same path: the repeat
            // is named by its position, and the name kept in metadata.
            let mut position = format!("entry{}", self.counts.members_listed);
            let mut k = 1;
            while self.seen.contains(position.as_bytes()) {
                k += 1;
                position = format!("entry{}-{k}", self.counts.members_listed);
            }
            self.seen.insert(position.clone().into_bytes());
            let shown = String::from_utf8_lossy(&m.name).into_owned();
            self.walker.findings.push(
                Finding::new(
                    "archive.duplicate_name",
                    Severity::Low,
                    vec![member_path(&self.parent, &position), self.parent.clone()],
                    format!(
                        "The container lists the name '{shown}' more than once; this copy is named by its position."
                    ),
                )
                .with("name", shown.clone()),
            );
            m.metadata.insert("name".into(), Value::from(shown));
            m.name = position.into_bytes();
        }
        let from_mbox = self.counts.format == "mbox";
        let path = member_path_bytes(&self.parent, &m.name);
        let (parent, depth) = (self.parent.clone(), self.depth);
        let walker = &mut *self.walker;
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            walker.member(&parent, depth, from_mbox, m)
        }));
        match result {
            Ok(true) => self.counts.members_read += 1,
            Ok(false) => {}
            Err(panic) => {
                // A backstop: a parser bug costs one member, not the file.
                let what = panic_text(&*panic);
                if !self.walker.items.iter().any(|i| i.path == path) {
                    let mut item = Item::new(path.clone(), Some(parent), ItemKind::ArchiveMember);
                    item.error = Some(format!("internal error: {what}"));
                    self.walker.items.push(item);
                }
                self.walker.findings.push(
                    Finding::new(
                        "ingest.internal_error",
                        Severity::Low,
                        vec![path],
                        "leakcheck failed on this member (a bug, please report it); the rest of the container is still read.",
                    )
                    .with("panic", what),
                );
            }
        }
    }

    /// Members listed so far.
    pub fn listed(&self) -> u64 {
        self.counts.members_listed
    }

    /// The most members listed as items per container.
    pub fn max_items(&self) -> u64 {
        self.walker.limits.max_items_per_container
    }

    /// Decompressed bytes still allowed under the current file on disk.
    pub fn archive_budget(&self) -> u64 {
        self.walker
            .limits
            .max_archive_bytes
            .saturating_sub(self.walker.inflated)
    }

    /// Whether the per-archive decompression budget is spent: formats stop
    /// listing then, rather than decompressing on to skip members.
    pub fn exhausted(&self) -> bool {
        self.walker.inflated > self.walker.limits.max_archive_bytes
    }

    /// Adds an observation to the container item itself.
    pub fn container_metadata(&mut self, key: &str, value: impl Into<Value>) {
        self.walker.items[self.parent_index]
            .metadata
            .insert(key.to_string(), value.into());
    }

    /// Whether this read takes in the facts of emails and documents
    /// (see [`Reading`]); when not, a format skips reading them.
    pub fn reads_facts(&self) -> bool {
        self.walker.reading == Reading::Everything
    }

    /// Records what the container, an email, says about itself.
    pub fn email_facts(&mut self, facts: crate::email::EmailFacts) {
        self.walker.items[self.parent_index].email = Some(Box::new(facts));
    }

    /// The DKIM keys of the scan.
    pub fn dkim_keys(&self) -> &crate::email::KeyStore {
        self.walker.keys
    }

    /// Adds a finding about the container.
    pub fn finding(&mut self, rule: &str, severity: Severity, message: String) -> &mut Finding {
        self.walker.findings.push(Finding::new(
            rule,
            severity,
            vec![self.parent.clone()],
            message,
        ));
        let last = self.walker.findings.len() - 1;
        &mut self.walker.findings[last]
    }

    /// The container's provenance path.
    pub fn parent_path(&self) -> &str {
        &self.parent
    }

    /// Whether the container itself is a message stored in an mbox (its
    /// `>From ` lines are unescaped before it is parsed).
    pub fn in_mbox(&self) -> bool {
        self.in_mbox
    }
}

/// Why reading a member stopped before its end.
enum Stop {
    Io(String),
    MemberBytes,
    ArchiveBytes,
    Ratio(u64),
}

/// The result of reading one member.
struct ReadOutcome {
    digests: Option<Digests>,
    size: u64,
    head: Vec<u8>,
    body: Option<Vec<u8>>,
    stop: Option<Stop>,
}

/// Bytes asked of one `read` call when streaming a file or a member.
const READ_CHUNK: usize = 1 << 18;

thread_local! {
    /// The read buffer of files and members streamed through the hashes,
    /// one per worker thread: taken while in use (a nested read, were there
    /// one, would find it empty and make its own) and put back.
    static READ_BUF: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// How much of each item a read takes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// Everything the checks use: each email's header facts and DKIM
    /// verdicts, each document's metadata, text and fingerprints.
    Everything,
    /// What a manifest holds and `verify` compares: every item, inner ones
    /// included, with its kind, size and digests. Containers are still
    /// opened to the same depth, under the same limits, so the items are
    /// the same as a scan's; only the facts no manifest needs are skipped
    /// (they cost as much as the hashing).
    Inventory,
}

/// Walks one file on disk and everything inside it.
pub(crate) struct Walker<'l> {
    limits: &'l Limits,
    reading: Reading,
    keys: &'l crate::email::KeyStore,
    pub items: Vec<Item>,
    pub findings: Vec<Finding>,
    /// Decompressed bytes read under the current file on disk.
    inflated: u64,
    archive_limit_reported: bool,
}

impl<'l> Walker<'l> {
    pub fn new(config: &'l crate::Config, reading: Reading) -> Walker<'l> {
        Walker {
            limits: &config.limits,
            reading,
            keys: &config.dkim_keys,
            items: Vec::new(),
            findings: Vec::new(),
            inflated: 0,
            archive_limit_reported: false,
        }
    }

    fn push(&mut self, item: Item) -> usize {
        self.items.push(item);
        self.items.len() - 1
    }

    fn error_finding(&mut self, rule: &str, path: &str, message: String) {
        self.findings.push(Finding::new(
            rule,
            Severity::Low,
            vec![path.to_string()],
            message,
        ));
    }

    /// A regular file on disk at `abs`, known in the report as `path`.
    pub fn file(&mut self, path: String, parent: Option<String>, abs: &Path) {
        let mut item = Item::new(path.clone(), parent, ItemKind::File);
        item.claimed_type = detect::claimed_by_name(&path);
        let mut file = match open_evidence(abs) {
            Ok(f) => f,
            Err(e) => {
                item.error = Some(format!("cannot open: {e}"));
                if let Ok(m) = std::fs::metadata(abs) {
                    item.size = m.len();
                }
                self.push(item);
                self.error_finding(
                    "ingest.read_error",
                    &path,
                    format!("The file could not be opened ({e}); it is listed but not hashed."),
                );
                return;
            }
        };
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        // The head decides the type; the type decides whether the whole file
        // is kept in memory for a parser that needs it.
        let mut head = vec![0u8; HEAD_LEN];
        let mut d = Digester::new();
        let n = match read_full(&mut file, &mut head) {
            Ok(n) => n,
            Err(e) => {
                self.unreadable_file(item, &path, e);
                return;
            }
        };
        head.truncate(n);
        d.update(&head);
        let (detected, ole_damage, kind) =
            classify(&head, || open_evidence(abs).ok().map(BufReader::new));
        item.kind = kind;
        let format = FORMATS.iter().find(|f| f.opens(detected, kind)).copied();
        // An inventory does not read documents: they need not be held.
        let document = self.reading == Reading::Everything && crate::document::has_reader(detected);
        let keep = (document || format.is_some_and(|f| f.needs_bytes()))
            && len <= self.limits.max_parse_bytes;
        // A kept file is read straight into its buffer, sized once, and
        // hashed from there; any other file streams through one read buffer
        // per thread (a fresh zeroed megabyte per file was 2% of a scan).
        let mut body = None;
        let read = if keep {
            let mut b = Vec::with_capacity(len.saturating_add(1) as usize);
            b.extend_from_slice(&head);
            let r = file.read_to_end(&mut b).map(|_| {
                d.update(&b[head.len()..]);
            });
            body = Some(b);
            r
        } else {
            let mut buf = READ_BUF.take();
            buf.resize(READ_CHUNK, 0);
            let r = loop {
                match file.read(&mut buf) {
                    Ok(0) => break Ok(()),
                    Ok(n) => d.update(&buf[..n]),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => break Err(e),
                }
            };
            READ_BUF.set(buf);
            r
        };
        if let Err(e) = read {
            item.detected_type = detected.to_string();
            self.unreadable_file(item, &path, e);
            return;
        }
        let digests = d.finish();
        item.size = digests.size;
        item.sha256 = Some(digests.sha256);
        item.blake3 = Some(digests.blake3);
        item.detected_type = detected.to_string();
        let index = self.push(item);
        if let Some(e) = ole_damage {
            self.damaged_compound_file(index, e);
        } else if document {
            self.document(index, body.as_deref());
        }
        if let Some(format) = format {
            match (&body, format.needs_bytes()) {
                (Some(b), _) => self.open(index, 0, format, &Content::Bytes(b), false),
                (None, false) => self.open(index, 0, format, &Content::File(abs), false),
                (None, true) => self.parse_limit(
                    index,
                    &format!("{} content", format.name()),
                    "its members were not read",
                ),
            }
        }
    }

    /// A file given whole in memory, known in the report as `path`: what
    /// [`Walker::file`] does for a file on disk (the fuzz targets use it).
    pub fn bytes(&mut self, path: String, bytes: &[u8]) {
        let mut item = Item::new(path.clone(), None, ItemKind::File);
        item.claimed_type = detect::claimed_by_name(&path);
        let digests = digest_bytes(bytes);
        let (detected, ole_damage, kind) = classify(&bytes[..bytes.len().min(HEAD_LEN)], || {
            Some(Cursor::new(bytes))
        });
        item.kind = kind;
        item.size = digests.size;
        item.sha256 = Some(digests.sha256);
        item.blake3 = Some(digests.blake3);
        item.detected_type = detected.to_string();
        let index = self.push(item);
        let fits = bytes.len() as u64 <= self.limits.max_parse_bytes;
        if let Some(e) = ole_damage {
            self.damaged_compound_file(index, e);
        } else if crate::document::has_reader(detected) {
            self.document(index, fits.then_some(bytes));
        }
        if let Some(format) = FORMATS.iter().find(|f| f.opens(detected, kind)).copied() {
            if fits || !format.needs_bytes() {
                self.open(index, 0, format, &Content::Bytes(bytes), false);
            } else {
                self.parse_limit(
                    index,
                    &format!("{} content", format.name()),
                    "its members were not read",
                );
            }
        }
    }

    /// A file that starts like a compound file (OLE2: `.msg`, `.doc`,
    /// `.xls`) but cannot be opened as one.
    fn damaged_compound_file(&mut self, index: usize, e: String) {
        let item = &mut self.items[index];
        item.error = Some(format!("compound file damaged: {e}"));
        let f = Finding::new(
            "ingest.damaged_container",
            Severity::Low,
            vec![item.path.clone()],
            format!("The file starts like a compound file (OLE2, the format of .msg, .doc and .xls) but cannot be opened as one ({e}): it is hashed, but nothing inside it was read."),
        )
        .with("error", e);
        self.findings.push(f);
    }

    /// Reads the metadata of the document item at `index`, whose content is
    /// `bytes` when it fit the parse limit.
    fn document(&mut self, index: usize, bytes: Option<&[u8]>) {
        if self.reading == Reading::Inventory {
            return;
        }
        let Some(bytes) = bytes else {
            self.parse_limit(index, "document", "its metadata was not read");
            return;
        };
        let item = &mut self.items[index];
        match crate::document::extract(&item.detected_type, bytes) {
            Some(Ok(facts)) => item.document = Some(Box::new(facts)),
            Some(Err(e)) => {
                let f = Finding::new(
                    "document.unreadable",
                    Severity::Low,
                    vec![item.path.clone()],
                    format!("The document's metadata could not be read ({e}); it is hashed, but no check looked at its metadata."),
                )
                .with("error", e);
                self.findings.push(f);
            }
            None => {}
        }
    }

    fn unreadable_file(&mut self, mut item: Item, path: &str, e: io::Error) {
        item.error = Some(format!("read error: {e}"));
        self.push(item);
        self.error_finding(
            "ingest.read_error",
            path,
            format!("Reading the file failed ({e}); it is listed but not hashed."),
        );
    }

    /// The item at `index` is over the parse limit: `what` ("zip content",
    /// "document") was hashed whole, but `unread` is what no parser read.
    fn parse_limit(&mut self, index: usize, what: &str, unread: &str) {
        let item = &self.items[index];
        let f = Finding::new(
            "limit.parse_bytes",
            Severity::Low,
            vec![item.path.clone()],
            format!(
                "The {what} is {} bytes, over the parse limit of {} bytes: it was hashed whole but {unread}.",
                item.size,
                self.limits.max_parse_bytes
            ),
        )
        .with("size", item.size)
        .with("limit", self.limits.max_parse_bytes);
        self.findings.push(f);
    }

    /// Lists the members of the container item at `index` (depth `depth`).
    fn open(
        &mut self,
        index: usize,
        depth: u32,
        format: &dyn Format,
        content: &Content<'_>,
        in_mbox: bool,
    ) {
        let path = self.items[index].path.clone();
        if depth + 1 > self.limits.max_depth {
            let f = Finding::new(
                "limit.depth",
                Severity::Low,
                vec![path],
                format!(
                    "This {} is at nesting depth {}; its members would be at depth {}, past the limit of {}, so they were not read.",
                    format.name(),
                    depth,
                    depth + 1,
                    self.limits.max_depth
                ),
            )
            .with("depth", depth)
            .with("limit", self.limits.max_depth);
            self.findings.push(f);
            return;
        }
        let mut sink = Sink {
            walker: self,
            parent: path.clone(),
            parent_index: index,
            depth: depth + 1,
            in_mbox,
            counts: ContainerCounts {
                format: format.name().to_string(),
                ..ContainerCounts::default()
            },
            skipped: 0,
            seen: Default::default(),
        };
        let result = format.list(content, &mut sink);
        let Sink {
            counts, skipped, ..
        } = sink;
        if skipped > 0 {
            let f = Finding::new(
                "limit.items_per_container",
                Severity::Low,
                vec![path.clone()],
                format!(
                    "The {} lists {} members, more than the limit of {}: {} were counted but not read.",
                    format.name(),
                    counts.members_listed,
                    self.limits.max_items_per_container,
                    skipped
                ),
            )
            .with("members_listed", counts.members_listed)
            .with("limit", self.limits.max_items_per_container);
            self.findings.push(f);
        }
        if let Err(e) = result {
            let item = &mut self.items[index];
            item.error = Some(format!("{} damaged: {e}", format.name()));
            let f = Finding::new(
                "ingest.damaged_container",
                Severity::Low,
                vec![path],
                format!(
                    "The {} could not be read to its end ({e}); the {} members listed before the damage are reported.",
                    format.name(),
                    counts.members_listed
                ),
            )
            .with("error", e)
            .with("members_listed", counts.members_listed);
            self.findings.push(f);
        }
        self.items[index].container = Some(counts);
    }

    /// One member of the container at `parent`, at nesting depth `depth`;
    /// `from_mbox` when that container is an mbox. Returns whether the
    /// member's content was read to the end.
    fn member(&mut self, parent: &str, depth: u32, from_mbox: bool, m: Member<'_>) -> bool {
        let path = member_path_bytes(parent, &m.name);
        let mut item = Item::new(path.clone(), Some(parent.to_string()), m.kind);
        item.metadata = m.metadata;
        item.claimed_type =
            detect::claimed_by_name(&String::from_utf8_lossy(&m.name)).or(m.declared_type.clone());
        if let Some(t) = &m.declared_type {
            item.metadata
                .insert("declared_content_type".into(), Value::from(t.clone()));
        }
        let mut borrowed: Option<&[u8]> = None;
        let read = match m.content {
            MemberContent::Bytes(b) => {
                let digests = digest_bytes(b);
                self.inflated += b.len() as u64;
                borrowed = Some(b);
                ReadOutcome {
                    size: digests.size,
                    digests: Some(digests),
                    head: Vec::new(),
                    body: None,
                    stop: None,
                }
            }
            MemberContent::Reader(r) => self.read_member(r, m.compressed_size, m.declared_size),
            MemberContent::Unreadable(why) => {
                item.size = m.declared_size.unwrap_or(0);
                item.error = Some(why.clone());
                self.push(item);
                self.error_finding(
                    "ingest.unreadable_member",
                    &path,
                    format!("The member is listed but cannot be read: {why}."),
                );
                return false;
            }
            MemberContent::Link(target) => {
                item.kind = ItemKind::Symlink;
                item.detected_type = "inode/symlink".into();
                item.metadata
                    .insert("link_target".into(), Value::from(target));
                self.push(item);
                return true;
            }
        };
        let ReadOutcome {
            digests,
            size,
            head,
            body,
            stop,
        } = read;
        item.size = size;
        let stop = stop.or_else(|| match m.declared_size {
            Some(declared) if declared != size && borrowed.is_none() => Some(Stop::Io(format!(
                "the container declares {declared} bytes but {size} could be read (truncated or damaged)"
            ))),
            _ => None,
        });
        if let Some(stop) = stop {
            self.stopped(&mut item, stop, m.compressed_size);
            self.push(item);
            return false;
        }
        let data: Option<&[u8]> = borrowed.or(body.as_deref());
        let head_ref: &[u8] = data.map(|b| &b[..b.len().min(HEAD_LEN)]).unwrap_or(&head);
        let mut detected = detect::sniff(head_ref);
        let mut ole_damage = None;
        if let Some(b) = data
            && matches!(detected, detect::ZIP | detect::OLE)
        {
            match detect::refine(detected, Cursor::new(b)) {
                Ok(t) => detected = t,
                Err(e) if detected == detect::OLE => ole_damage = Some(e),
                Err(_) => {} // the zip reader reports its own damage
            }
        }
        if is_email_type(detected) {
            item.kind = ItemKind::Email;
        }
        item.detected_type = detected.to_string();
        if let Some(d) = digests {
            item.sha256 = Some(d.sha256);
            item.blake3 = Some(d.blake3);
        }
        let kind = item.kind;
        let index = self.push(item);
        if let Some(e) = ole_damage {
            self.damaged_compound_file(index, e);
        } else if crate::document::has_reader(detected) {
            self.document(index, data);
        }
        let format = m
            .open_as
            .or_else(|| FORMATS.iter().find(|f| f.opens(detected, kind)).copied());
        if let Some(format) = format {
            match data {
                Some(b) => self.open(index, depth, format, &Content::Bytes(b), from_mbox),
                None => self.parse_limit(
                    index,
                    &format!("{} content", format.name()),
                    "its members were not read",
                ),
            }
        }
        true
    }

    fn stopped(&mut self, item: &mut Item, stop: Stop, compressed: Option<u64>) {
        let l = self.limits;
        let (rule, message, limit) = match stop {
            Stop::Io(e) => {
                item.error = Some(format!("read error after {} bytes: {e}", item.size));
                self.error_finding(
                    "ingest.read_error",
                    &item.path,
                    format!(
                        "Reading the member failed after {} bytes ({e}); it is listed but not hashed.",
                        item.size
                    ),
                );
                return;
            }
            Stop::MemberBytes => (
                "limit.member_bytes",
                format!(
                    "The member decompresses to more than {} bytes, the per-member limit: reading stopped, so it is not hashed.",
                    l.max_member_bytes
                ),
                l.max_member_bytes,
            ),
            Stop::ArchiveBytes => (
                "limit.archive_bytes",
                format!(
                    "Everything under this file decompresses to more than {} bytes, the per-archive limit: reading stopped here and no further member of it is read.",
                    l.max_archive_bytes
                ),
                l.max_archive_bytes,
            ),
            Stop::Ratio(ratio) => (
                "limit.ratio",
                format!(
                    "The member expands {ratio}:1 from its compressed size, past the limit of {}:1 (a zip bomb guard): reading stopped, so it is not hashed.",
                    l.max_ratio
                ),
                l.max_ratio,
            ),
        };
        item.error = Some(format!("{rule} exceeded after {} bytes", item.size));
        let mut f = Finding::new(rule, Severity::Low, vec![item.path.clone()], message)
            .with("bytes_read", item.size)
            .with("limit", limit);
        if let Some(c) = compressed {
            f = f.with("compressed_size", c);
        }
        self.findings.push(f);
    }

    /// Reads a member's stream to its end (or to a limit), hashing as it goes
    /// and keeping the bytes when they fit the parse limit.
    fn read_member(
        &mut self,
        r: &mut dyn Read,
        compressed: Option<u64>,
        declared: Option<u64>,
    ) -> ReadOutcome {
        let l = self.limits;
        let mut d = Digester::new();
        let mut head = Vec::new();
        // The container's declared size (at most the parse limit) reserves
        // the buffer once: growing by doubling copied it and left the old
        // half with the allocator. Reserving only claims address space; a
        // false declaration costs nothing more, and the bytes decide as
        // before whether the member is kept.
        let mut body = Vec::new();
        if let Some(n) = declared {
            let _ = body.try_reserve_exact(n.min(l.max_parse_bytes) as usize);
        }
        let mut body = Some(body);
        // The thread's read buffer, taken (a fresh zeroed buffer per member
        // was a tenth of a gigabyte of memset on the benchmark dump); put
        // back below.
        let mut buf = READ_BUF.take();
        buf.resize(READ_CHUNK, 0);
        let mut stop = None;
        if self.inflated > l.max_archive_bytes {
            stop = Some(Stop::ArchiveBytes);
        }
        while stop.is_none() {
            let n = match r.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    stop = Some(Stop::Io(e.to_string()));
                    break;
                }
            };
            let chunk = &buf[..n];
            d.update(chunk);
            self.inflated += n as u64;
            match body.as_mut() {
                Some(b) if (b.len() + n) as u64 <= l.max_parse_bytes => b.extend_from_slice(chunk),
                Some(b) => {
                    head = b[..b.len().min(HEAD_LEN)].to_vec();
                    let missing = HEAD_LEN.saturating_sub(head.len()).min(n);
                    head.extend_from_slice(&chunk[..missing]);
                    body = None;
                }
                None if head.len() < HEAD_LEN => {
                    let missing = (HEAD_LEN - head.len()).min(n);
                    head.extend_from_slice(&chunk[..missing]);
                }
                None => {}
            }
            let size = d.size();
            if size > l.max_member_bytes {
                stop = Some(Stop::MemberBytes);
            } else if self.inflated > l.max_archive_bytes {
                stop = Some(Stop::ArchiveBytes);
            } else if let Some(c) = compressed
                && size > l.ratio_floor_bytes
                && size / c.max(1) > l.max_ratio
            {
                stop = Some(Stop::Ratio(size / c.max(1)));
            }
        }
        READ_BUF.set(buf);
        if matches!(stop, Some(Stop::ArchiveBytes)) {
            if self.archive_limit_reported {
                // One finding for the archive; later members only say why.
                stop = Some(Stop::Io(format!(
                    "not read: the per-archive limit of {} decompressed bytes was reached earlier",
                    l.max_archive_bytes
                )));
            }
            self.archive_limit_reported = true;
        }
        let size = d.size();
        ReadOutcome {
            digests: stop.is_none().then(|| d.finish()),
            size,
            head,
            body: if stop.is_none() { body } else { None },
            stop,
        }
    }
}

/// The message of a caught panic.
pub(crate) fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown".into())
}

/// Whether a detected type is an email message.
pub(crate) fn is_email_type(t: &str) -> bool {
    t == detect::EMAIL || t == detect::EMLX || t == detect::OUTLOOK_MSG
}

/// Reads until `buf` is full or the end; returns the bytes read.
fn read_full(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Reports member names that would escape an extraction folder (`../x`,
/// `/etc/x`, `C:\\x`) or hide a NUL: harmless here, since nothing is
/// extracted, but a sign of a hostile or damaged archive.
pub(crate) fn check_member_name(sink: &mut Sink<'_, '_>, name: &[u8]) {
    let reason = if name.contains(&0) {
        Some("contains a NUL byte")
    } else if name.starts_with(b"/") || name.starts_with(b"\\") {
        Some("is an absolute path")
    } else if name.len() >= 2 && name[0].is_ascii_alphabetic() && name[1] == b':' {
        Some("starts with a drive letter")
    } else if name
        .split(|&b| b == b'/' || b == b'\\')
        .any(|seg| seg == b"..")
    {
        Some("climbs out of the archive with '..'")
    } else {
        None
    };
    if let Some(reason) = reason {
        let shown = crate::item::escape_segment_bytes(name);
        let path = member_path_bytes(sink.parent_path(), name);
        sink.walker.findings.push(
            Finding::new(
                "name.path_traversal",
                Severity::Low,
                vec![path, sink.parent_path().to_string()],
                format!(
                    "The member name '{shown}' {reason}; extracting this archive with a careless tool would write outside its folder."
                ),
            )
            .with("name", shown),
        );
    }
}
