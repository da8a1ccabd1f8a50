//! The `leakcheck` command: arguments in, library call, exit code out.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

use clap::{Args, Parser, Subcommand};
use leakcheck::config::{Limits, parse_size};
use leakcheck::report::text::{self, Style};
use leakcheck::{Config, Progress};

/// mimalloc rather than glibc's allocator: a scan allocates and frees
/// millions of small buffers from two threads while decoded attachments
/// and inflated members come and go in megabytes. glibc's per-thread arenas
/// kept the freed megabytes (peak RSS about three times the live heap on
/// the 1 GB benchmark dump); mimalloc returns them to the system and is
/// faster on the small ones. A binary choice: the library leaves the
/// allocator to whoever embeds it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Check a leaked dump before publishing it: inventory every email,
/// attachment and archive member with its provenance and hashes, and report
/// what suggests forgery.
#[derive(Parser, Debug)]
#[command(name = "leakcheck", version, about, long_about = None)]
#[command(
    after_help = "Examples:\n  leakcheck scan samples/dump\n  leakcheck scan dump/ --html report.html --csv tables/ --sarif leakcheck.sarif\n  leakcheck scan dump/ --json > report.json\n  leakcheck scan dump/ --fail-on medium --quiet    (CI: exit 1 on a medium or high finding)\n  leakcheck explain doc.modified_after_sent\n\nExit status:\n  0  the scan ran (and with --fail-on, no finding reached that severity)\n  1  --fail-on was given and a finding reached that severity\n  2  usage error, unreadable root, or a report could not be written"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Scan folders, files and archives; print a summary or write the JSON report.
    ///
    /// Every file is read (never written, moved or touched); every zip, tar,
    /// gzip, bzip2, 7z, mbox and email inside is opened, to any depth, and
    /// each member becomes an item with a provenance path such as
    /// `mail/inbox.mbox!17!budget.zip!plan.docx`, its SHA-256 and BLAKE3 and
    /// its detected type. Exit status: 0 when the scan ran (whatever it
    /// found, unless --fail-on is given), 1 when --fail-on is given and a
    /// finding reaches that severity, 2 on a usage error, an unreadable
    /// root or an output that cannot be written.
    Scan(Box<ScanArgs>),
    /// Print the metadata leakcheck reads from documents and images, as JSON.
    ///
    /// One JSON object per file and line: the detected type and the
    /// normalised metadata a scan checks (author, last editor, application,
    /// dates, revision, PDF Info and XMP side by side, Word editing
    /// sessions, EXIF, fingerprints) with every raw value read. Files are
    /// read only. Exit status: 0, or 2 when a file cannot be read.
    Meta(MetaArgs),
    /// Explain a rule: what it checks, why it matters, its known false positives.
    ///
    /// Without RULE, list every rule with its one-line description.
    /// Example: leakcheck explain dkim.body_changed
    Explain(ExplainArgs),
    /// Compare two scan reports (`scan --json`/`--out`): items added,
    /// removed, changed and moved; findings new and gone.
    ///
    /// Items are matched by provenance path, then by content (SHA-256) to
    /// tell moves from additions and removals. Exit status: 0 when the
    /// reports agree, 1 when anything differs, 2 when a report cannot be read.
    Diff(DiffArgs),
    /// Write evidence manifests of a dump: sha256sum and b3sum lists,
    /// every inner item in items.jsonl, and optionally hashdeep and BagIt.
    ///
    /// DIR receives manifest-sha256.txt and manifest-blake3.txt (the files
    /// on disk, paths relative to DUMP, as `sha256sum -c` and `b3sum -c`
    /// check them from inside DUMP) and items.jsonl (every item with its
    /// provenance path, size and both digests). Outputs are sorted and
    /// byte-identical for the same dump. The dump is only read.
    ///
    /// Check later with `leakcheck verify DUMP --manifest DIR`, or
    /// `cd DUMP && sha256sum -c DIR/manifest-sha256.txt`.
    Manifest(Box<ManifestArgs>),
    /// Check a dump against a manifest: matched, changed, moved, new and
    /// missing, for files and (with leakcheck's items.jsonl or bag) every
    /// inner item.
    ///
    /// MANIFEST is a folder written by `leakcheck manifest`, a BagIt bag,
    /// an items.jsonl, a hashdeep file, or a sha256sum/b3sum list. Exit
    /// status: 0 when everything matches, 1 when anything differs, 2 on
    /// errors.
    Verify(Box<VerifyArgs>),
    /// Combine the partial reports of `scan --shard K/N` (every shard of
    /// one scan) and run the corpus-level checks once over the whole.
    ///
    /// The result is the report a single `scan` with the same paths and
    /// options would write, byte for byte; it takes the same output options.
    /// Example: leakcheck merge parts/*.json --out report.json --html report.html
    Merge(Box<MergeArgs>),
}

#[derive(Args, Debug)]
struct MergeArgs {
    /// Partial reports written by `scan --shard K/N --out FILE`.
    #[arg(required = true, value_name = "PARTIAL")]
    partials: Vec<PathBuf>,
    #[command(flatten)]
    report: ReportArgs,
}

/// What both `manifest` and `verify` read, and how.
#[derive(Args, Debug)]
struct DumpArgs {
    /// The dump: a folder.
    #[arg(value_name = "DUMP")]
    dump: PathBuf,
    /// Worker threads [default: one per core].
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Skip paths matching this glob (as `scan --exclude`); use the same
    /// excludes for `manifest` and `verify`.
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

impl DumpArgs {
    fn config(&self) -> anyhow::Result<Config> {
        if !self.dump.is_dir() {
            anyhow::bail!(
                "'{}' is not a folder: manifests describe a dump folder (put single files in one)",
                self.dump.display()
            );
        }
        Ok(Config {
            roots: vec![self.dump.clone()],
            excludes: self.exclude.clone(),
            limits: self.limits.limits(),
            jobs: self.jobs,
            ..Config::default()
        })
    }

    /// The manifest entries of every item of the dump, with a progress bar.
    fn entries(&self) -> anyhow::Result<Vec<leakcheck::manifest::Entry>> {
        let config = self.config()?;
        let progress = Bar::new(std::io::stderr().is_terminal() && !self.quiet);
        let entries = leakcheck::inventory_entries(&config, &progress)?;
        progress.bar.finish_and_clear();
        Ok(entries)
    }
}

#[derive(Args, Debug)]
struct ManifestArgs {
    #[command(flatten)]
    dump: DumpArgs,
    /// Folder for manifest-sha256.txt, manifest-blake3.txt and items.jsonl
    /// (created if missing; never inside DUMP).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Also write a hashdeep file, for `cd DUMP && hashdeep -a -k FILE -l -r .`
    #[arg(long, value_name = "FILE")]
    hashdeep: Option<PathBuf>,
    /// Also copy the dump into a new BagIt 1.0 bag at DIR (the source is
    /// only read), with SHA-256, SHA-512 and BLAKE3 manifests.
    #[arg(long, value_name = "DIR")]
    bagit: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct VerifyArgs {
    #[command(flatten)]
    dump: DumpArgs,
    /// The manifest to check against (folder, bag or file).
    #[arg(long, value_name = "FILE_OR_DIR")]
    manifest: PathBuf,
    /// Which digest to compare where the manifest holds both [default:
    /// sha256; blake3 for a list named *b3* or *blake3*].
    #[arg(long, value_name = "ALGORITHM", value_parser = ["sha256", "blake3"])]
    algorithm: Option<String>,
    /// Write the result as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct DiffArgs {
    /// The earlier report.
    #[arg(value_name = "OLD.json")]
    old: PathBuf,
    /// The later report.
    #[arg(value_name = "NEW.json")]
    new: PathBuf,
    /// Write the differences as JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct ExplainArgs {
    /// A rule id as findings name it, e.g. `doc.modified_after_sent`.
    #[arg(value_name = "RULE")]
    rule: Option<String>,
}

#[derive(Args, Debug)]
struct MetaArgs {
    /// Documents or images (docx/xlsx/pptx, doc/xls/ppt, odt/ods/odp, pdf, jpeg/tiff/png…).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

#[derive(Args, Debug)]
struct ScanArgs {
    /// Folders or files to scan.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Worker threads [default: one per core].
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Skip paths (relative to each root) matching this glob; repeatable. A
    /// skipped folder is skipped whole. Example: --exclude '*.tmp' --exclude 'cache/**'.
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Follow symbolic links (by default they are listed, not followed).
    #[arg(long)]
    follow_symlinks: bool,
    /// DKIM public keys: a file or folder of DNS TXT records, one
    /// `<selector>._domainkey.<domain> <record>` per line, or BIND zone-file
    /// records (`name. IN TXT ( "v=DKIM1; …" "…" )`); repeatable. Without
    /// keys, DKIM body hashes are still checked but signatures show
    /// "key unavailable". No DNS lookup is made unless --dns is given.
    #[arg(long, value_name = "PATH")]
    dkim_keys: Vec<PathBuf>,
    /// Look up DKIM keys missing from --dkim-keys in live DNS (off by
    /// default: a scan is offline), and write every key the scan used —
    /// those of --dkim-keys and each DNS answer, NXDOMAIN and failures
    /// included — to FILE, so the next run and CI get the same results
    /// offline with `--dkim-keys FILE`.
    #[arg(long, value_name = "FILE")]
    dns: Option<PathBuf>,
    /// The resolver --dns asks (IP or IP:PORT); by default the first
    /// nameserver of /etc/resolv.conf.
    #[arg(long, value_name = "ADDR", requires = "dns", value_parser = parse_server)]
    dns_server: Option<std::net::SocketAddr>,
    /// The dump's time window, START..END in UTC (e.g. 2017-01-01..2017-05-05);
    /// items dated outside it are reported. By default it is inferred from the
    /// bulk of the dated items.
    #[arg(long, value_name = "START..END", value_parser = leakcheck::config::parse_window)]
    window: Option<(i64, i64)>,
    /// Scan only shard K of N (e.g. 3/8) and write a partial report (with
    /// --out FILE or --json) for `leakcheck merge`. Files are assigned by a
    /// hash of their path: stable across runs and machines.
    #[arg(long, value_name = "K/N", help_heading = "Scale-out", conflicts_with_all = ["html", "csv", "sarif", "fail_on"])]
    shard: Option<leakcheck::shard::Shard>,
    #[command(flatten)]
    report: ReportArgs,
    #[command(flatten)]
    limits: LimitArgs,
}

/// Where the report goes: shared by `scan` and `merge`.
#[derive(Args, Debug)]
struct ReportArgs {
    /// Write the full JSON report to standard output instead of the summary.
    #[arg(long, conflicts_with = "out")]
    json: bool,
    /// Write the full JSON report to FILE (the summary still goes to standard output).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// No summary and no progress bar; errors still go to standard error.
    #[arg(long, short)]
    quiet: bool,
    /// Suspicious items to show in the summary, most suspicious first.
    #[arg(long, value_name = "N", default_value_t = 20)]
    top: usize,
    /// Write a self-contained HTML report to FILE: summary, ranked items,
    /// timeline, sender habits, duplicates and every item's provenance.
    /// It opens offline in any browser.
    #[arg(long, value_name = "FILE", help_heading = "Reports")]
    html: Option<PathBuf>,
    /// Write items.csv and findings.csv (UTF-8, RFC 4180) into DIR, which
    /// is created if missing.
    #[arg(long, value_name = "DIR", help_heading = "Reports")]
    csv: Option<PathBuf>,
    /// Write the findings as SARIF 2.1.0 to FILE, for GitHub code scanning
    /// and other CI dashboards.
    #[arg(long, value_name = "FILE", help_heading = "Reports")]
    sarif: Option<PathBuf>,
    /// Exit 1 when any finding is at or above SEVERITY (supporting
    /// evidence never counts). Without it the exit status is 0 whatever
    /// the scan found.
    #[arg(long, value_name = "SEVERITY", help_heading = "Reports")]
    fail_on: Option<leakcheck::Severity>,
}

/// Limits: each one hit is reported as a finding and the scan goes on.
#[derive(Args, Debug)]
#[command(next_help_heading = "Limits (sizes take K, M, G, T suffixes)")]
struct LimitArgs {
    /// Deepest level of members listed (members of a file on disk are at depth 1).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_depth)]
    max_depth: u32,
    /// Largest decompressed size of one member.
    #[arg(long, value_name = "SIZE", default_value = "4G", value_parser = parse_size)]
    max_member_bytes: u64,
    /// Largest decompressed total under one file on disk (nested zip bombs).
    #[arg(long, value_name = "SIZE", default_value = "16G", value_parser = parse_size)]
    max_archive_bytes: u64,
    /// Largest expansion ratio of a member past 16 MiB (zip bombs).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_ratio)]
    max_ratio: u64,
    /// Largest email or inner archive held in memory to be parsed; larger ones are still hashed.
    #[arg(long, value_name = "SIZE", default_value = "256M", value_parser = parse_size)]
    max_parse_bytes: u64,
    /// Most members listed per container; the rest are counted.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_items_per_container)]
    max_items_per_container: u64,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        Limits {
            max_depth: self.max_depth,
            max_member_bytes: self.max_member_bytes,
            max_archive_bytes: self.max_archive_bytes,
            max_ratio: self.max_ratio,
            max_parse_bytes: self.max_parse_bytes,
            max_items_per_container: self.max_items_per_container,
            ..Limits::default()
        }
    }
}

/// A progress bar on standard error, shown only on a terminal: bytes read
/// of the total, MB/s, files, items and items/s, errors so far, time left.
struct Bar {
    bar: indicatif::ProgressBar,
    started: std::time::Instant,
    files: AtomicU64,
    total: AtomicU64,
    items: AtomicU64,
    errors: AtomicU64,
}

impl Bar {
    fn new(visible: bool) -> Bar {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(0),
            if visible {
                indicatif::ProgressDrawTarget::stderr()
            } else {
                indicatif::ProgressDrawTarget::hidden()
            },
        );
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {elapsed_precise} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}) {msg}, ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Bar {
            bar,
            started: std::time::Instant::now(),
            files: AtomicU64::new(0),
            total: AtomicU64::new(0),
            items: AtomicU64::new(0),
            errors: AtomicU64::new(0),
        }
    }

    fn message(&self) -> String {
        let items = self.items.load(Ordering::Relaxed);
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        format!(
            "{}/{} files, {} items ({:.0}/s), {} errors",
            text::count(self.files.load(Ordering::Relaxed)),
            text::count(self.total.load(Ordering::Relaxed)),
            text::count(items),
            items as f64 / secs,
            text::count(self.errors.load(Ordering::Relaxed)),
        )
    }
}

impl Progress for Bar {
    fn start(&self, entries: u64, bytes: u64) {
        self.total.store(entries, Ordering::Relaxed);
        self.bar.set_length(bytes);
        self.bar.set_message(self.message());
        self.bar
            .enable_steady_tick(std::time::Duration::from_millis(200));
    }
    fn file_done(&self, bytes: u64, items: u64, errors: u64) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.items.fetch_add(items, Ordering::Relaxed);
        self.errors.fetch_add(errors, Ordering::Relaxed);
        self.bar.inc(bytes);
        self.bar.set_message(self.message());
    }
    fn checking(&self) {
        self.bar
            .set_message(format!("{}; running the checks", self.message()));
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `--jobs` bounds every parallel step, the report's serialisation too
    // (it runs on rayon's global pool, outside the scan's own).
    let jobs = match &cli.command {
        Command::Scan(a) => a.jobs,
        Command::Manifest(a) => a.dump.jobs,
        Command::Verify(a) => a.dump.jobs,
        _ => None,
    };
    if let Some(n) = jobs {
        // Fails only when a global pool exists already; nothing to do then.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    match cli.command {
        Command::Meta(args) => meta(&args),
        Command::Explain(args) => explain(&args),
        Command::Manifest(args) => exit(manifest(&args)),
        Command::Verify(args) => exit(verify(&args)),
        Command::Merge(args) => exit(merge(&args)),
        Command::Diff(args) => exit(diff(&args)),
        Command::Scan(args) => exit(scan(*args)),
    }
}

/// `leakcheck explain [RULE]`.
fn explain(args: &ExplainArgs) -> ExitCode {
    use leakcheck::rules;
    let Some(id) = &args.rule else {
        let width = rules::RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
        for r in rules::RULES {
            println!("{:<width$}  {:<12}  {}", r.id, r.kind.as_str(), r.title);
        }
        println!("\n`leakcheck explain RULE` tells more about one rule.");
        return ExitCode::SUCCESS;
    };
    match rules::find(id) {
        Some(r) => {
            print!("{}", rules::explain_text(r));
            ExitCode::SUCCESS
        }
        None => {
            let near: Vec<&str> = rules::RULES
                .iter()
                .map(|r| r.id)
                .filter(|r| {
                    let family = id.split('.').next().unwrap_or(id);
                    r.starts_with(family) || r.contains(id.as_str())
                })
                .collect();
            eprintln!("leakcheck: no rule '{id}'.");
            if near.is_empty() {
                eprintln!("`leakcheck explain` lists every rule.");
            } else {
                eprintln!("Did you mean: {}?", near.join(", "));
            }
            ExitCode::from(2)
        }
    }
}

/// The exit code of a command's result; errors are printed.
fn exit(r: anyhow::Result<ExitCode>) -> ExitCode {
    match r {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("leakcheck: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// `leakcheck manifest DUMP`.
fn manifest(args: &ManifestArgs) -> anyhow::Result<ExitCode> {
    use leakcheck::manifest;
    if args.out.is_none() && args.hashdeep.is_none() && args.bagit.is_none() {
        anyhow::bail!("nothing to write: give --out DIR, --hashdeep FILE or --bagit DIR");
    }
    let roots = [args.dump.dump.clone()];
    // Refuse every destination inside the dump before reading anything.
    for p in [&args.out, &args.hashdeep, &args.bagit]
        .into_iter()
        .flatten()
    {
        refuse_inside_roots(p, &roots)?;
    }
    let entries = args.dump.entries()?;
    let files = manifest::files(&entries);
    let unreadable = entries.iter().filter(|e| e.sha256.is_none()).count();
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("cannot create '{}': {e}", dir.display()))?;
        for (name, body) in manifest::outputs(&entries) {
            write_report(&dir.join(name), &roots, &body)?;
        }
    }
    if let Some(path) = &args.hashdeep {
        write_report(path, &roots, &manifest::hashdeep::write(&files))?;
    }
    if let Some(bag) = &args.bagit {
        let date = bagging_date();
        manifest::bagit::write(&args.dump.dump, &entries, bag, &date)?;
    }
    if !args.dump.quiet {
        eprintln!(
            "leakcheck: {} files and {} items in all{}",
            text::count(files.len() as u64),
            text::count(entries.len() as u64),
            if unreadable > 0 {
                format!(
                    "; {} could not be read whole and have no digest (see `leakcheck scan`)",
                    text::count(unreadable as u64)
                )
            } else {
                String::new()
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Today (UTC) as BagIt's `Bagging-Date`, or `SOURCE_DATE_EPOCH`'s day
/// when set, for reproducible bags.
fn bagging_date() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    leakcheck::email::date::utc_string(secs)
        .get(..10)
        .unwrap_or("1970-01-01")
        .to_string()
}

/// `leakcheck verify DUMP --manifest M`.
fn verify(args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    use leakcheck::manifest::{self, Algorithm};
    let algorithm = match args.algorithm.as_deref() {
        Some("blake3") => Some(Algorithm::Blake3),
        Some(_) => Some(Algorithm::Sha256),
        None => None,
    };
    let loaded = manifest::load(&args.manifest, algorithm)?;
    let entries = args.dump.entries()?;
    let audit_with = |algo| manifest::audit::audit(&loaded.expected, &entries, algo, loaded.scope);
    let mut audit = audit_with(loaded.algorithm);
    // A bare list does not say whether its 64-digit digests are SHA-256 or
    // BLAKE3: unless told, take the one the dump agrees with.
    if loaded.form == "checksum list" && algorithm.is_none() {
        let other = match loaded.algorithm {
            Algorithm::Sha256 => Algorithm::Blake3,
            Algorithm::Blake3 => Algorithm::Sha256,
        };
        let alt = audit_with(other);
        if alt.matched > audit.matched {
            audit = alt;
        }
    }
    let body = if args.json {
        audit.to_json()
    } else {
        audit.to_text()
    };
    print_verdict(&body, audit.passed())
}

/// Prints a `verify` or `diff` result: exit 0 when it found no
/// difference, 1 when it did.
fn print_verdict(body: &str, same: bool) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    out.write_all(body.as_bytes())?;
    out.flush()?;
    Ok(if same {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `leakcheck diff OLD NEW`.
fn diff(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let read = |p: &Path| -> anyhow::Result<leakcheck::Report> {
        let bytes =
            std::fs::read(p).map_err(|e| anyhow::anyhow!("cannot read '{}': {e}", p.display()))?;
        serde_json::from_slice(&bytes).map_err(|e| {
            anyhow::anyhow!(
                "'{}' is not a leakcheck scan report (from `scan --json` or `--out`): {e}",
                p.display()
            )
        })
    };
    let d = leakcheck::diff::diff(&read(&args.old)?, &read(&args.new)?);
    let body = if args.json { d.to_json() } else { d.to_text() };
    print_verdict(&body, d.is_empty())
}

/// `leakcheck meta`: one JSON line per file.
fn meta(args: &MetaArgs) -> ExitCode {
    let mut status = ExitCode::SUCCESS;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in &args.files {
        match leakcheck::document::read_file(path) {
            Ok(doc) => {
                let mut line = serde_json::json!({ "path": path.display().to_string() });
                if let (Some(obj), Ok(serde_json::Value::Object(more))) =
                    (line.as_object_mut(), serde_json::to_value(&doc))
                {
                    obj.extend(more);
                }
                if writeln!(out, "{line}").is_err() {
                    return status; // a closed pipe ends the listing quietly
                }
            }
            Err(e) => {
                eprintln!("leakcheck: cannot read '{}': {e}", path.display());
                status = ExitCode::from(2);
            }
        }
    }
    status
}

/// Reads every `--dkim-keys` source into one store; a name given twice with
/// different keys is reported (the first is used).
fn load_keys(paths: &[PathBuf]) -> anyhow::Result<leakcheck::email::KeyStore> {
    let mut store = leakcheck::email::KeyStore::default();
    for p in paths {
        let more = leakcheck::email::KeyStore::load(p).map_err(anyhow::Error::msg)?;
        if more.is_empty() {
            anyhow::bail!(
                "no DKIM key records in '{}' (expected lines like '<selector>._domainkey.<domain> v=DKIM1; k=rsa; p=…')",
                p.display()
            );
        }
        store.merge(more);
    }
    for name in &store.conflicts {
        eprintln!(
            "leakcheck: warning: DKIM key {name} is given more than once with different values; the first is used"
        );
    }
    Ok(store)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// `IP` or `IP:PORT` (port 53 by default).
fn parse_server(s: &str) -> Result<std::net::SocketAddr, String> {
    s.parse::<std::net::SocketAddr>()
        .or_else(|_| {
            s.parse::<std::net::IpAddr>()
                .map(|ip| std::net::SocketAddr::new(ip, 53))
        })
        .map_err(|_| format!("'{s}' is not an IP address or IP:PORT"))
}

fn scan(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let mut keys = load_keys(&args.dkim_keys)?;
    if args.dns.is_some() {
        let server = args
            .dns_server
            .or_else(leakcheck::email::dkim::dns::Live::system_server)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "--dns: no nameserver in /etc/resolv.conf; give one with --dns-server"
                )
            })?;
        keys.enable_live(std::sync::Arc::new(leakcheck::email::dkim::dns::Live::new(
            server,
        )));
    }
    let config = Config {
        roots: args.paths.clone(),
        excludes: args.exclude.clone(),
        follow_symlinks: args.follow_symlinks,
        limits: args.limits.limits(),
        jobs: args.jobs,
        dkim_keys: keys,
        window: args.window,
    };
    // Every output is checked before hours of reading, not after.
    let r = &args.report;
    for p in [&r.out, &r.html, &r.sarif, &r.csv, &args.dns]
        .into_iter()
        .flatten()
    {
        refuse_inside_roots(p, &config.roots)?;
    }
    // The bar only on a terminal: CI logs and redirected output stay clean.
    let progress = Bar::new(std::io::stderr().is_terminal() && !args.report.quiet);
    if let Some(shard) = args.shard {
        let partial = leakcheck::shard::scan_shard(&config, shard, &progress)?;
        progress.bar.finish_and_clear();
        write_dns_keys(&args, &config)?;
        let json = partial.to_json();
        match (&args.report.out, args.report.json) {
            (Some(path), _) => write_report(path, &config.roots, json.as_bytes())?,
            (None, true) => {
                let mut out = std::io::stdout().lock();
                out.write_all(json.as_bytes())?;
                out.flush()?;
            }
            (None, false) => anyhow::bail!(
                "--shard writes a partial report: give --out FILE (or --json for standard output)"
            ),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let report = leakcheck::scan(&config, &progress)?;
    write_dns_keys(&args, &config)?;

    emit(&report, &args.report, &config.roots)
}

/// With `--dns FILE`: every DKIM key the scan used, for offline reruns.
fn write_dns_keys(args: &ScanArgs, config: &Config) -> anyhow::Result<()> {
    if let (Some(path), Some(answers)) = (&args.dns, config.dkim_keys.live_answers()) {
        let mut used = config.dkim_keys.clone();
        used.merge(answers);
        let text = format!(
            "# DKIM keys of a leakcheck scan: those given with --dkim-keys and the answers of live DNS.\n# Use with --dkim-keys to repeat the scan offline.\n{}",
            used.to_text()
        );
        write_report(path, &config.roots, text.as_bytes())?;
    }
    Ok(())
}

/// `leakcheck merge PARTIAL...`.
fn merge(args: &MergeArgs) -> anyhow::Result<ExitCode> {
    let mut partials = Vec::with_capacity(args.partials.len());
    for p in &args.partials {
        let bytes =
            std::fs::read(p).map_err(|e| anyhow::anyhow!("cannot read '{}': {e}", p.display()))?;
        let partial: leakcheck::shard::Partial = serde_json::from_slice(&bytes).map_err(|e| {
            anyhow::anyhow!(
                "'{}' is not a partial report of `scan --shard K/N`: {e}",
                p.display()
            )
        })?;
        partials.push(partial);
    }
    let roots: Vec<PathBuf> = partials
        .first()
        .map(|p| {
            p.setup
                .inputs
                .iter()
                .map(|i| PathBuf::from(&i.path))
                .collect()
        })
        .unwrap_or_default();
    let report = leakcheck::shard::merge(partials)?;
    emit(&report, &args.report, &roots)
}

/// Writes the report where `args` asks, and returns the exit code
/// `--fail-on` sets.
fn emit(
    report: &leakcheck::Report,
    args: &ReportArgs,
    roots: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    // The reports go out first; the summary last, so a closed pipe on
    // standard output costs nothing else.
    if let Some(path) = &args.out {
        write_report_with(path, roots, |w| report.write_json(w))?;
    }
    if let Some(path) = &args.html {
        let page = leakcheck::report::html::render(report);
        write_report(path, roots, page.as_bytes())?;
    }
    if let Some(path) = &args.sarif {
        let sarif = leakcheck::report::sarif::render(report);
        write_report(path, roots, sarif.as_bytes())?;
    }
    if let Some(dir) = &args.csv {
        refuse_inside_roots(dir, roots)?;
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("cannot create '{}': {e}", dir.display()))?;
        for (name, body) in leakcheck::report::csv::render(report) {
            write_report(&dir.join(name), roots, body.as_bytes())?;
        }
    }
    let code = match args.fail_on {
        Some(level)
            if report
                .findings
                .iter()
                .any(|f| !f.supports && f.severity >= level) =>
        {
            ExitCode::from(1)
        }
        _ => ExitCode::SUCCESS,
    };

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        report.write_json(std::io::BufWriter::with_capacity(1 << 16, &mut out))?;
        out.flush()?;
    } else if !args.quiet {
        let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let style = Style {
            color,
            top: args.top,
        };
        out.write_all(text::render(report, style).as_bytes())?;
        out.flush()?;
    }
    Ok(code)
}

/// Refuses a path inside a scanned root (or a root itself), whether or not
/// it exists yet: evidence is never written to.
fn refuse_inside_roots(path: &Path, roots: &[PathBuf]) -> anyhow::Result<()> {
    let target =
        resolve(path).map_err(|e| anyhow::anyhow!("cannot write '{}': {e}", path.display()))?;
    for root in roots {
        let Ok(r) = root.canonicalize() else { continue };
        if target.starts_with(&r) {
            anyhow::bail!(
                "refusing to write '{}' inside the scanned root '{}': evidence is never written to",
                path.display(),
                root.display()
            );
        }
    }
    Ok(())
}

/// Where `path` lands once created: made absolute, then walked component
/// by component, each existing prefix resolved through its symbolic links
/// and each `..` applied to what is resolved so far — so `x/../dump` and
/// `link-to-dump/new/file` are both seen inside `dump`, whether or not
/// `x` or `new` exist yet.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    use std::path::Component;
    let absolute = std::path::absolute(path)?;
    let mut out = PathBuf::new();
    for c in absolute.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => out.push(c.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                if let Ok(real) = out.canonicalize() {
                    out = real;
                }
            }
        }
    }
    Ok(out)
}

/// Writes `data` to `path` as [`write_report_with`] does.
fn write_report(path: &Path, roots: &[PathBuf], data: &[u8]) -> anyhow::Result<()> {
    write_report_with(path, roots, |w| w.write_all(data))
}

/// Writes an output to `path`, never into the evidence: a path inside a
/// scanned root is refused, and `body` streams the content into a new
/// temporary file beside it that is then renamed over `path`, so a failed
/// write never leaves half a report and an existing file there (a hard link
/// to evidence, say) is replaced, never written through.
fn write_report_with(
    path: &Path,
    roots: &[PathBuf],
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    refuse_inside_roots(path, roots)?;
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        anyhow::bail!(
            "cannot write '{}': it is a symbolic link; give the path it points to",
            path.display()
        );
    }
    let fail = |e: std::io::Error| anyhow::anyhow!("cannot write '{}': {e}", path.display());
    let name = path
        .file_name()
        .ok_or_else(|| anyhow::anyhow!("cannot write '{}': not a file name", path.display()))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".leakcheck-{}.tmp", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&tmp)
        .map_err(fail)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
    let written = body(&mut w)
        .and_then(|()| w.flush())
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        super::Cli::command().debug_assert();
    }
}
