//! The self-contained HTML report (`scan --html FILE`).
//!
//! One file with its styles (`html/report.css`), script (`html/report.js`)
//! and data inline: it makes no network request (a Content-Security-Policy
//! forbids any, and allows only the page's own script and style by hash),
//! so it opens offline and a hostile name in the dump cannot reach out.
//!
//! # What is drawn where
//!
//! * **In Rust, as markup** (readable without JavaScript): the header, the
//!   summary (counts by kind and type, containers listed vs read, errors,
//!   DKIM overall and by domain, the time window, findings by severity)
//!   and the timeline, an SVG of every dated email and document per day,
//!   week, month or years, with the ranked items marked in red (at most
//!   [`MAX_MARKS`] marks, each a link to the item).
//! * **By the script, from the data island**: the ranked list, the items
//!   table, the per-sender habit tables, the duplicate groups and the item
//!   view (provenance chain, facts, findings with their evidence, children),
//!   all paginated, so the DOM stays small at any number of items.
//!
//! # The data island
//!
//! `<script type="application/json" id="leakcheck-data">` holds one JSON
//! object with `<`, `>` and `&` written as `\u003c`, `\u003e`, `\u0026`
//! (so no content can close the element). It is compact: arrays rather than
//! objects, repeated strings (kinds, types, senders, programs, rule ids,
//! messages, explanation lines…) interned in `strs` and referred to by index (`-1`: none), item paths
//! stored as the last step below their parent. Its size grows linearly
//! with the items. Fields:
//!
//! * `strs`: interned strings.
//! * `items[i]`: `[name, parent, kind, type, claimed, size, sha256, error,
//!   email, document, container]`, trailing empty fields left out. `parent`
//!   is `-1` for an item under a root (`name` is then the whole path), the
//!   parent's index when the path is the parent's path, `!` and `name`, and
//!   `-2 - index` when the path does not extend its parent's (`name` whole).
//!   `email`: `[from, to, subject, unix, date_text, message_id, client,
//!   dkim_status, sender]`; `document`: `[title, author, last_modified_by,
//!   company, application, created, modified, format, unix, zoned]` (the
//!   times as written; `unix` of the last save, else of the creation, and
//!   whether that time has a zone); `container`:
//!   `[format, members_listed, members_read]`; `0` when absent.
//! * `findings[f]`: `[rule, severity (0 info … 3 high), paths (item indices;
//!   a string for a path that is no item), message, evidence, supports]`;
//!   `evidence` indexes `evidence`, the distinct evidence objects (`-1`:
//!   none).
//! * `rules`: per rule id found, `[kind, title, checks, why,
//!   false_positives]` from the catalogue ([`crate::rules`]).
//! * `ranking[k]`: `[item, rank, score, level, reason, explanation (one
//!   string a line), findings, carried finding or -1, supporting findings,
//!   doubt, support]`.
//! * `dups[g]`: `[sha256, size, items]`.
//! * `senders[s]`: `[address, messages, names, programs, zones (minutes),
//!   message-id domains, first, last]`, busiest first; each list is
//!   `[[value, count]…]`, the most frequent [`TOP_VALUES`] values, then
//!   `[null, n]` when `n` more values were seen.
//!
//! # Page state in the URL hash
//!
//! The state lives in the fragment, `#key=value&key=value`, values
//! URL-encoded (`encodeURIComponent`), so a test or a colleague's link opens
//! the page in that state without a click:
//!
//! | key | meaning |
//! | --- | --- |
//! | `q` | the filter: items, ranked items, senders and duplicate groups whose path, kind, type, sender, subject, author, SHA-256 or finding rules contain every word |
//! | `show` | items table: `all` (default), `findings` (items with a doubt), `ranked` |
//! | `page` | page of the items table (100 rows), from 1 |
//! | `rpage` | page of the ranked list (20 items) |
//! | `spage` | page of the senders table (50 senders) |
//! | `dpage` | page of the duplicate groups (25 groups) |
//! | `item` | a provenance path: opens that item's view (chain root → … → item, facts, findings, children) |
//! | `cpage` | page of the open item's children (100 rows) |
//!
//! Example: `report.html#q=taxi&item=mail%2Fa.eml%21recu.jpg`.
//!
//! The page is deterministic: the same report gives the same bytes.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

use base64::Engine;
use serde_json::{Value, json};
use sha2::Digest;

use super::Report;
use super::text::{bytes, count};
use crate::email::date::{civil, days_from_civil, parse_iso, utc_string};
use crate::item::{Item, Severity};

const CSS: &str = include_str!("html/report.css");
const JS: &str = include_str!("html/report.js");

/// Ranked items marked on the timeline, most suspicious first.
pub const MAX_MARKS: usize = 300;
/// Values listed per sender habit (programs, zones, …).
pub const TOP_VALUES: usize = 6;
/// Ranked items listed for a browser that runs no script.
const NOSCRIPT_TOP: usize = 10;
/// Rows of bounded server-rendered lists (DKIM domains, incomplete containers).
const MAX_ROWS: usize = 25;

/// The whole page, one file with its styles, script and data inline.
pub fn render(report: &Report) -> String {
    let index = path_index(&report.items);
    let data = island(report, &index);
    let mut o = String::with_capacity(data.len() + CSS.len() + JS.len() + 64 * 1024);
    head(&mut o, report);
    o.push_str("<body>\n");
    header(&mut o, report);
    o.push_str(
        "<noscript><p class=\"noscript\">JavaScript is off: the summary, the timeline and the \
         most suspicious items are shown below, but the full ranked list with its evidence, the \
         items table, sender habits, duplicate groups and provenance views are drawn by the \
         page's script from the data embedded in this file (<code>script#leakcheck-data</code>). \
         Allow scripts for this file to see them; the page makes no network request.</p></noscript>\n",
    );
    o.push_str("<p id=\"js-status\" class=\"js-status\" role=\"alert\" hidden></p>\n<main>\n");
    o.push_str(
        "<section id=\"item-view\" class=\"card item-view\" aria-live=\"polite\" hidden></section>\n",
    );
    summary(&mut o, report);
    timeline(&mut o, report, &index);
    noscript_top(&mut o, report);
    sections(&mut o, report);
    o.push_str("</main>\n");
    let _ = writeln!(
        o,
        "<footer><p>Made by {} {} from a scan report (schema {}). A finding is evidence, \
         not a verdict: read the evidence and the rule's known false positives before \
         drawing conclusions.</p></footer>",
        esc(&report.tool.name),
        esc(&report.tool.version),
        report.schema_version
    );
    o.push_str("<script type=\"application/json\" id=\"leakcheck-data\">");
    o.push_str(&data);
    o.push_str("</script>\n<script>");
    o.push_str(JS);
    o.push_str("</script>\n</body>\n</html>\n");
    o
}

// ---------------------------------------------------------------- helpers

/// HTML-escapes text for element content and quoted attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// What `encodeURIComponent` gives, so Rust and the script agree on links.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The `href` of an item's view.
fn item_href(path: &str) -> String {
    format!("#item={}", encode_component(path))
}

/// Text from the dump, isolated so right-to-left names read correctly.
fn bdi(s: &str) -> String {
    format!("<bdi dir=\"auto\">{}</bdi>", esc(s))
}

fn path_index(items: &[Item]) -> HashMap<&str, usize> {
    let mut m = HashMap::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        m.entry(it.path.as_str()).or_insert(i);
    }
    m
}

/// The moment an item is placed at on the timeline: an email's Date, a
/// document's last save, else its creation. `true` for an email.
fn item_time(item: &Item) -> Option<(i64, bool)> {
    if let Some(e) = &item.email {
        return e.date.map(|d| (d.unix, true));
    }
    let d = item.document.as_deref()?;
    d.modified
        .as_ref()
        .or(d.created.as_ref())
        .map(|t| (t.unix, false))
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

// ---------------------------------------------------------------- head

fn csp_hash(s: &str) -> String {
    let digest = sha2::Sha256::digest(s.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn head(o: &mut String, report: &Report) {
    let roots: Vec<&str> = report.inputs.iter().map(|i| i.path.as_str()).collect();
    let _ = write!(
        o,
        "<!doctype html>\n<html lang=\"en\" dir=\"ltr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         script-src {}; style-src {}; img-src data:; base-uri 'none'; form-action 'none'\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"generator\" content=\"{} {}\">\n<title>leakcheck report — {}</title>\n<style>",
        csp_hash(JS),
        csp_hash(CSS),
        esc(&report.tool.name),
        esc(&report.tool.version),
        esc(&roots.join(", "))
    );
    o.push_str(CSS);
    o.push_str("</style>\n</head>\n");
}

fn header(o: &mut String, report: &Report) {
    let roots: Vec<String> = report.inputs.iter().map(|i| bdi(&i.path)).collect();
    let _ = write!(
        o,
        "<header class=\"top\">\n<div class=\"brand\"><h1>leakcheck report</h1>\
         <p class=\"meta\">{} {} · scanned: {} · {}</p></div>\n",
        esc(&report.tool.name),
        esc(&report.tool.version),
        if roots.is_empty() {
            "—".to_string()
        } else {
            roots.join(", ")
        },
        plural(report.summary.items, "item", "items")
    );
    o.push_str(
        "<nav class=\"toc\" aria-label=\"Sections\"><a href=\"#summary\">Summary</a>\
         <a href=\"#timeline\">Timeline</a><a class=\"js-only\" href=\"#suspects\">Ranked items</a>\
         <a class=\"js-only\" href=\"#items\">All items</a><a class=\"js-only\" href=\"#senders\">Senders</a>\
         <a class=\"js-only\" href=\"#duplicates\">Duplicates</a></nav>\n\
         <div class=\"search js-only\" role=\"search\"><label for=\"q\">Filter</label>\
         <input id=\"q\" type=\"search\" autocomplete=\"off\" spellcheck=\"false\" dir=\"auto\" \
         placeholder=\"path, type, sender, subject, rule, SHA-256…\">\
         <output id=\"qcount\" for=\"q\"></output></div>\n</header>\n",
    );
}

// ---------------------------------------------------------------- summary

fn stat(o: &mut String, value: &str, label: &str, class: &str) {
    let _ = write!(
        o,
        "<div class=\"stat {class}\"><span class=\"num\">{value}</span><span class=\"lbl\">{label}</span></div>"
    );
}

fn summary(o: &mut String, report: &Report) {
    let s = &report.summary;
    let sev = |k: &str| s.findings.get(k).copied().unwrap_or(0);
    o.push_str("<section id=\"summary\" class=\"card\">\n<h2>Summary</h2>\n<div class=\"stats\">");
    stat(o, &count(s.items), "items", "");
    stat(
        o,
        &count(s.entries_on_disk),
        &format!("entries on disk, {}", esc(&bytes(s.bytes_on_disk))),
        "",
    );
    stat(
        o,
        &count(report.ranking.len() as u64),
        "ranked suspicious items",
        if report.ranking.is_empty() {
            ""
        } else {
            "warn"
        },
    );
    stat(o, &count(sev("high")), "high findings", "sev-high");
    stat(o, &count(sev("medium")), "medium findings", "sev-medium");
    if s.dkim.messages > 0 {
        stat(
            o,
            &format!("{} of {}", count(s.dkim.verified), count(s.dkim.messages)),
            "messages DKIM-verified",
            "",
        );
    }
    stat(
        o,
        &count(s.errors),
        "items not read whole",
        if s.errors > 0 { "warn" } else { "" },
    );
    stat(
        o,
        &count(s.duplicate_groups),
        &format!(
            "duplicate groups ({})",
            plural(s.duplicate_items, "item", "items")
        ),
        "",
    );
    o.push_str("</div>\n<div class=\"grid\">\n");

    // Findings by severity.
    o.push_str("<div><h3>Findings by severity</h3><table class=\"kv\"><tbody>");
    for (k, label) in [
        ("high", "high"),
        ("medium", "medium"),
        ("low", "low"),
        ("info", "info"),
    ] {
        let _ = write!(
            o,
            "<tr><th><span class=\"sev sev-{k}\">{label}</span></th><td class=\"n\">{}</td></tr>",
            count(sev(k))
        );
    }
    let _ = writeln!(
        o,
        "<tr><th><span class=\"sev sev-support\">for the item</span></th><td class=\"n\">{}</td></tr>\
         </tbody></table><p class=\"note\">High and medium findings bear on authenticity; \
         low and info are weaker signals or coverage notes. Findings “for the item” support it \
         being genuine (a DKIM pass, consistent metadata).</p></div>",
        count(s.supporting)
    );

    // Items by kind.
    o.push_str("<div><h3>Items by kind</h3><table class=\"kv\"><tbody>");
    for (k, n) in &s.by_kind {
        let _ = write!(
            o,
            "<tr><th>{}</th><td class=\"n\">{}</td></tr>",
            esc(k),
            count(*n)
        );
    }
    let _ = write!(
        o,
        "<tr class=\"total\"><th>all items</th><td class=\"n\">{}</td></tr></tbody></table>",
        count(s.items)
    );
    let _ = writeln!(
        o,
        "<p class=\"note\">{} on disk in {} ({} read){}.</p></div>",
        plural(s.entries_on_disk, "entry", "entries"),
        plural(s.directories, "folder", "folders"),
        esc(&bytes(s.bytes_on_disk)),
        if s.excluded > 0 {
            format!("; {} skipped by --exclude", count(s.excluded))
        } else {
            String::new()
        }
    );

    // Items by type.
    let mut types: Vec<(&String, &u64)> = s.by_type.iter().collect();
    types.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    o.push_str("<div><h3>Items by detected type</h3><table class=\"kv\"><tbody>");
    let type_row = |o: &mut String, t: &str, n: u64| {
        let _ = write!(
            o,
            "<tr><th><bdi dir=\"auto\" class=\"mono\">{}</bdi></th><td class=\"n\">{}</td></tr>",
            esc(t),
            count(n)
        );
    };
    for (t, n) in types.iter().take(10) {
        type_row(o, t, **n);
    }
    o.push_str("</tbody></table>");
    if types.len() > 10 {
        let _ = write!(
            o,
            "<details><summary>{} more types</summary><table class=\"kv\"><tbody>",
            count(types.len() as u64 - 10)
        );
        for (t, n) in types.iter().skip(10) {
            type_row(o, t, **n);
        }
        o.push_str("</tbody></table></details>");
    }
    o.push_str("</div>\n");

    // Containers.
    o.push_str(
        "<div class=\"wide\"><h3>Containers: members listed vs read</h3><table class=\"grid-table\">\
         <thead><tr><th>format</th><th class=\"n\">containers</th><th class=\"n\">members listed</th>\
         <th class=\"n\">members read</th><th class=\"n\">not read</th></tr></thead><tbody>",
    );
    if s.containers.is_empty() {
        o.push_str("<tr><td colspan=\"5\" class=\"muted\">No containers.</td></tr>");
    }
    for (f, c) in &s.containers {
        let unread = c.members_listed.saturating_sub(c.members_read);
        let _ = write!(
            o,
            "<tr{}><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            if unread > 0 { " class=\"unread\"" } else { "" },
            esc(f),
            count(c.containers),
            count(c.members_listed),
            count(c.members_read),
            count(unread)
        );
    }
    o.push_str("</tbody></table>");
    if !s.incomplete_containers.is_empty() {
        let _ = write!(
            o,
            "<details><summary>{} with members listed but not read</summary><ul class=\"plain\">",
            plural(
                s.incomplete_containers.len() as u64,
                "container",
                "containers"
            )
        );
        for c in s.incomplete_containers.iter().take(MAX_ROWS) {
            let _ = write!(
                o,
                "<li><a class=\"ipath\" href=\"{}\">{}</a> — {}: {} of {} read</li>",
                esc(&item_href(&c.path)),
                bdi(&c.path),
                esc(&c.format),
                count(c.members_read),
                count(c.members_listed)
            );
        }
        if s.incomplete_containers.len() > MAX_ROWS {
            let _ = write!(
                o,
                "<li class=\"muted\">… and {} more (see the items table, filter “limit.” or “ingest.”)</li>",
                count((s.incomplete_containers.len() - MAX_ROWS) as u64)
            );
        }
        o.push_str("</ul></details>");
    }
    let _ = writeln!(
        o,
        "<p class=\"note\">Errors: {} not read whole (each carries its reason and a finding).</p></div>",
        plural(s.errors, "item", "items")
    );

    // DKIM.
    let d = &s.dkim;
    o.push_str("<div class=\"wide\"><h3>Email authentication (DKIM)</h3>");
    if d.messages == 0 {
        o.push_str("<p class=\"muted\">No email in the dump.</p>");
    } else {
        let _ = write!(
            o,
            "<p class=\"big\"><strong>{} of {}</strong> messages verified</p>\
             <table class=\"kv\"><tbody><tr><th>signed</th><td class=\"n\">{}</td></tr>\
             <tr><th>verified</th><td class=\"n\">{}</td></tr>\
             <tr><th>Outlook: headers verified, body not kept</th><td class=\"n\">{}</td></tr>\
             <tr><th>failed (changed after signing)</th><td class=\"n{}\">{}</td></tr>\
             <tr><th>key unavailable</th><td class=\"n\">{}</td></tr>\
             <tr><th>not signed</th><td class=\"n\">{}</td></tr></tbody></table>",
            count(d.verified),
            count(d.messages),
            count(d.signed),
            count(d.verified),
            count(d.headers_verified),
            if d.failed > 0 { " bad" } else { "" },
            count(d.failed),
            count(d.key_unavailable),
            count(d.messages.saturating_sub(d.signed))
        );
        if !d.domains.is_empty() {
            let mut doms: Vec<_> = d.domains.iter().collect();
            doms.sort_by(|a, b| b.1.signed.cmp(&a.1.signed).then(a.0.cmp(b.0)));
            o.push_str(
                "<table class=\"grid-table\"><thead><tr><th>signing domain (d=)</th>\
                 <th class=\"n\">verified</th><th class=\"n\">signed</th></tr></thead><tbody>",
            );
            for (dom, c) in doms.iter().take(MAX_ROWS) {
                let _ = write!(
                    o,
                    "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                    bdi(dom),
                    count(c.verified),
                    count(c.signed)
                );
            }
            if doms.len() > MAX_ROWS {
                let _ = write!(
                    o,
                    "<tr><td colspan=\"3\" class=\"muted\">… and {} more domains</td></tr>",
                    count((doms.len() - MAX_ROWS) as u64)
                );
            }
            o.push_str("</tbody></table>");
        }
        let _ = write!(
            o,
            "<p class=\"note\">{} loaded. A pass proves the signing server sent those headers and \
             body, not that they are true.</p>",
            plural(
                report.options.dkim_keys as u64,
                "DKIM key name was",
                "DKIM key names were"
            )
        );
    }
    o.push_str("</div>\n");

    // Time window and options.
    o.push_str(
        "<div class=\"wide\"><h3>Time window and scan options</h3><table class=\"kv\"><tbody>",
    );
    match &s.time_window {
        Some(w) => {
            let _ = write!(
                o,
                "<tr><th>time window</th><td><time>{}</time> .. <time>{}</time> ({})</td></tr>",
                esc(&w.start),
                esc(&w.end),
                if w.inferred {
                    "inferred from the bulk of the dated emails"
                } else {
                    "given with --window"
                }
            );
        }
        None => o.push_str(
            "<tr><th>time window</th><td class=\"muted\">none (fewer than 10 dated emails)</td></tr>",
        ),
    }
    for input in &report.inputs {
        let _ = write!(o, "<tr><th>root</th><td>{}</td></tr>", bdi(&input.path));
    }
    if !report.options.excludes.is_empty() {
        let ex: Vec<String> = report.options.excludes.iter().map(|e| bdi(e)).collect();
        let _ = write!(o, "<tr><th>excluded</th><td>{}</td></tr>", ex.join(", "));
    }
    let l = &report.options.limits;
    let _ = writeln!(
        o,
        "<tr><th>limits</th><td>depth {}, member {}, archive {}, ratio {}:1, parse {}, {} items per container</td></tr>\
         <tr><th>symbolic links</th><td>{}</td></tr></tbody></table></div>",
        l.max_depth,
        esc(&bytes(l.max_member_bytes)),
        esc(&bytes(l.max_archive_bytes)),
        l.max_ratio,
        esc(&bytes(l.max_parse_bytes)),
        count(l.max_items_per_container),
        if report.options.follow_symlinks {
            "followed"
        } else {
            "listed, not followed"
        }
    );
    o.push_str("</div>\n</section>\n");
}

// ---------------------------------------------------------------- timeline

/// The width of a timeline bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Day,
    Week,
    Month,
    Years(i64),
}

const DAY: i64 = 86_400;
/// Dates the chart can place: years 1000 to 9999.
const EARLIEST: i64 = -30_610_224_000;
const LATEST: i64 = 253_402_300_799;

impl Unit {
    fn for_span(span: i64) -> Unit {
        let days = span / DAY + 1;
        if days <= 200 {
            Unit::Day
        } else if days <= 7 * 260 {
            Unit::Week
        } else if days <= 31 * 300 {
            Unit::Month
        } else {
            Unit::Years((days / 365 / 300 + 1).max(1))
        }
    }

    fn floor(self, t: i64) -> i64 {
        let days = t.div_euclid(DAY);
        match self {
            Unit::Day => days * DAY,
            // Weeks start on Monday; 1970-01-01 was a Thursday.
            Unit::Week => ((days + 3).div_euclid(7) * 7 - 3) * DAY,
            Unit::Month => {
                let (y, m, ..) = civil(t);
                days_from_civil(y, m, 1) * DAY
            }
            Unit::Years(n) => {
                let (y, ..) = civil(t);
                days_from_civil(y - y.rem_euclid(n), 1, 1) * DAY
            }
        }
    }

    fn next(self, start: i64) -> i64 {
        match self {
            Unit::Day => start + DAY,
            Unit::Week => start + 7 * DAY,
            Unit::Month => {
                let (y, m, ..) = civil(start);
                let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                days_from_civil(y, m, 1) * DAY
            }
            Unit::Years(n) => {
                let (y, ..) = civil(start);
                days_from_civil(y + n, 1, 1) * DAY
            }
        }
    }

    fn word(self) -> String {
        match self {
            Unit::Day => "day".into(),
            Unit::Week => "week (from Monday)".into(),
            Unit::Month => "month".into(),
            Unit::Years(1) => "year".into(),
            Unit::Years(n) => format!("{n} years"),
        }
    }

    fn label(self, start: i64) -> String {
        let (y, m, d, ..) = civil(start);
        match self {
            Unit::Day | Unit::Week => format!("{y:04}-{m:02}-{d:02}"),
            Unit::Month => format!("{y:04}-{m:02}"),
            Unit::Years(_) => format!("{y:04}"),
        }
    }

    fn bucket_name(self, start: i64) -> String {
        match self {
            Unit::Week => format!("week of {}", self.label(start)),
            Unit::Years(n) if n > 1 => {
                let (y, ..) = civil(start);
                format!("{y:04}–{:04}", y + n - 1)
            }
            _ => self.label(start),
        }
    }
}

/// A round upper bound for the bar scale and its gridline step.
fn nice_max(max: u64) -> (u64, u64) {
    let max = max.max(1);
    let mut step = 1u64;
    loop {
        for m in [1u64, 2, 5] {
            let s = step.saturating_mul(m);
            if max.div_ceil(s) <= 4 {
                return (max.div_ceil(s) * s, s);
            }
        }
        step = step.saturating_mul(10);
    }
}

fn timeline(o: &mut String, report: &Report, index: &HashMap<&str, usize>) {
    o.push_str("<section id=\"timeline\" class=\"card\">\n<h2>Timeline</h2>\n");
    let mut times: Vec<i64> = Vec::new();
    let (mut emails, mut docs, mut undated_emails, mut out_of_range) = (0u64, 0u64, 0u64, 0u64);
    for it in &report.items {
        match item_time(it) {
            Some((t, _)) if !(EARLIEST..=LATEST).contains(&t) => out_of_range += 1,
            Some((t, is_email)) => {
                times.push(t);
                if is_email {
                    emails += 1;
                } else {
                    docs += 1;
                }
            }
            None if it.email.is_some() => undated_emails += 1,
            None => {}
        }
    }
    if times.is_empty() {
        o.push_str("<p class=\"muted\">No dated email or document in the dump.</p>\n</section>\n");
        return;
    }
    times.sort_unstable();
    let n = times.len();
    let (min, max) = (times[0], times[n - 1]);
    // Keep a few absurd dates (1980 zip times, a year 2099 Date) from
    // squeezing the dump into one bar: the chart spans the central 98% of
    // the dates and three times that span on either side, at most.
    let lo = times[n / 100];
    let hi = times[(n - 1) - n / 100];
    let core = (hi - lo).max(DAY);
    let start = min.max(lo.saturating_sub(3 * core));
    let end = max.min(hi.saturating_add(3 * core));
    let unit = Unit::for_span(end - start);
    let mut starts = vec![unit.floor(start)];
    while let Some(&last) = starts.last() {
        let next = unit.next(last);
        starts.push(next);
        if next > end || starts.len() > 2000 {
            break;
        }
    }
    // starts[k]..starts[k+1] is bucket k.
    let nb = starts.len() - 1;
    let (t0, t1) = (starts[0], starts[nb]);
    let mut counts = vec![(0u64, 0u64); nb];
    let (mut before, mut after) = (0u64, 0u64);
    let bucket_of = |t: i64| -> Option<usize> {
        if t < t0 || t >= t1 {
            return None;
        }
        let k = starts.partition_point(|&s| s <= t);
        Some(k.saturating_sub(1).min(nb - 1))
    };
    for it in &report.items {
        let Some((t, is_email)) = item_time(it) else {
            continue;
        };
        if !(EARLIEST..=LATEST).contains(&t) {
            continue;
        }
        match bucket_of(t) {
            Some(k) if is_email => counts[k].0 += 1,
            Some(k) => counts[k].1 += 1,
            None if t < t0 => before += 1,
            None => after += 1,
        }
    }

    const W: f64 = 1000.0;
    const H: f64 = 270.0;
    const LEFT: f64 = 46.0;
    const RIGHT: f64 = 988.0;
    const TOP: f64 = 70.0;
    const BASE: f64 = 234.0;
    let span = (t1 - t0).max(1) as f64;
    let x = |t: i64| LEFT + (t - t0) as f64 / span * (RIGHT - LEFT);
    let peak = counts.iter().map(|(e, d)| e + d).max().unwrap_or(0);
    let (ymax, ystep) = nice_max(peak);
    let y = |v: u64| BASE - v as f64 / ymax as f64 * (BASE - TOP);

    let _ = write!(
        o,
        "<p class=\"lead\">{} and {} dated from <time>{}</time> to <time>{}</time>, \
         counted per {}; ranked suspicious items are marked in red (hover for details, click to open).</p>\n\
         <ul class=\"legend\"><li><span class=\"sw sw-email\"></span>emails (Date header)</li>\
         <li><span class=\"sw sw-doc\"></span>documents (last saved, else created)</li>\
         <li><span class=\"sw sw-mark\"></span>ranked item</li>\
         <li><span class=\"sw sw-window\"></span>the dump's time window</li></ul>\n",
        plural(emails, "email", "emails"),
        plural(docs, "document", "documents"),
        esc(&utc_string(min)),
        esc(&utc_string(max)),
        esc(&unit.word())
    );
    let _ = writeln!(
        o,
        "<div class=\"chart\"><svg class=\"timeline\" viewBox=\"0 0 {W} {H}\" role=\"img\" \
         aria-labelledby=\"tl-title\" preserveAspectRatio=\"xMidYMid meet\">\
         <title id=\"tl-title\">Emails and documents per {}, {} to {}, with ranked items marked</title>",
        esc(&unit.word()),
        esc(&unit.label(t0)),
        esc(&unit.label(t1))
    );

    // The time window, behind everything.
    if let Some(w) = &report.summary.time_window
        && let (Some(ws), Some(we)) = (parse_iso(&w.start), parse_iso(&w.end))
    {
        let (a, b) = (ws.max(t0), we.min(t1));
        if a < b {
            let _ = writeln!(
                o,
                "<g class=\"window\"><title>Time window {} .. {}</title>\
                 <rect x=\"{:.1}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{:.1}\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\">window</text></g>",
                esc(&w.start),
                esc(&w.end),
                x(a),
                (x(b) - x(a)).max(1.0),
                BASE - TOP,
                x(a) + 3.0,
                TOP + 11.0
            );
        }
    }

    // Gridlines and the y axis.
    o.push_str("<g class=\"grid\">");
    let mut v = 0;
    while v <= ymax {
        let _ = write!(
            o,
            "<line x1=\"{LEFT}\" x2=\"{RIGHT}\" y1=\"{0:.1}\" y2=\"{0:.1}\"/>\
             <text x=\"{1:.1}\" y=\"{2:.1}\" text-anchor=\"end\">{3}</text>",
            y(v),
            LEFT - 6.0,
            y(v) + 4.0,
            count(v)
        );
        v += ystep;
    }
    o.push_str("</g>\n");

    // Bars: emails at the bottom, documents on top.
    o.push_str("<g class=\"bars\">");
    for (k, &(e, d)) in counts.iter().enumerate() {
        if e + d == 0 {
            continue;
        }
        let (xa, xb) = (x(starts[k]), x(starts[k + 1]));
        let gap = ((xb - xa) * 0.18).clamp(0.0, 2.0);
        let width = (xb - xa - gap).max(0.8);
        let _ = write!(
            o,
            "<g><title>{}: {}, {}</title>",
            esc(&unit.bucket_name(starts[k])),
            plural(e, "email", "emails"),
            plural(d, "document", "documents")
        );
        if e > 0 {
            let _ = write!(
                o,
                "<rect class=\"b-email\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
                xa + gap / 2.0,
                y(e),
                width,
                BASE - y(e)
            );
        }
        if d > 0 {
            let _ = write!(
                o,
                "<rect class=\"b-doc\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
                xa + gap / 2.0,
                y(e + d),
                width,
                y(e) - y(e + d)
            );
        }
        o.push_str("</g>");
    }
    o.push_str("</g>\n");

    // The x axis: about eight labels on bucket boundaries.
    let every = nb.div_ceil(8).max(1);
    let _ = write!(
        o,
        "<g class=\"axis\"><line x1=\"{LEFT}\" x2=\"{RIGHT}\" y1=\"{BASE}\" y2=\"{BASE}\"/>"
    );
    for k in (0..=nb).step_by(every) {
        let xk = x(starts[k]);
        let _ = write!(
            o,
            "<line x1=\"{xk:.1}\" x2=\"{xk:.1}\" y1=\"{BASE}\" y2=\"{:.1}\"/>\
             <text x=\"{xk:.1}\" y=\"{:.1}\" text-anchor=\"{}\">{}</text>",
            BASE + 5.0,
            BASE + 18.0,
            if k == 0 {
                "start"
            } else if k == nb {
                "end"
            } else {
                "middle"
            },
            esc(&unit.label(starts[k]))
        );
    }
    o.push_str("</g>\n");

    // Ranked items: a red triangle above the bars and a tick down to the
    // axis, stacked in rows when they would overlap (the most suspicious
    // take the lowest rows and are drawn last, on top).
    let (mut undated_ranked, mut outside): (usize, Vec<(u32, &str, i64)>) = (0, Vec::new());
    let mut marks: Vec<(f64, usize, u32, &str, i64, &str)> = Vec::new();
    let mut rows: Vec<Vec<f64>> = Vec::new();
    for s in &report.ranking {
        let Some(t) = index
            .get(s.path.as_str())
            .and_then(|&i| item_time(&report.items[i]))
            .map(|(t, _)| t)
        else {
            undated_ranked += 1;
            continue;
        };
        if t < t0 || t >= t1 {
            outside.push((s.rank, &s.path, t));
            continue;
        }
        if marks.len() >= MAX_MARKS {
            continue;
        }
        let xm = x(t);
        let free = |r: &Vec<f64>| r.iter().all(|&o| (o - xm).abs() >= 9.0);
        let row = match rows.iter().position(free) {
            Some(r) => r,
            None if rows.len() < 6 => {
                rows.push(Vec::new());
                rows.len() - 1
            }
            None => 5,
        };
        if let Some(r) = rows.get_mut(row) {
            r.push(xm);
        }
        marks.push((xm, row, s.rank, &s.path, t, &s.reason));
    }
    let marked = marks.len();
    o.push_str("<g class=\"marks\">");
    for &(xm, row, rank, path, t, reason) in marks.iter().rev() {
        let ym = TOP - 12.0 - row as f64 * 9.0;
        let _ = write!(
            o,
            "<a href=\"{}\" class=\"mark\"><title>#{rank} {} — {}: {}</title>\
             <line x1=\"{xm:.1}\" x2=\"{xm:.1}\" y1=\"{:.1}\" y2=\"{BASE}\"/>\
             <path d=\"M{:.1} {ym:.1}h8l-4 7z\"/></a>",
            esc(&item_href(path)),
            esc(path),
            esc(&utc_string(t)),
            esc(reason),
            ym + 7.0,
            xm - 4.0,
        );
    }
    o.push_str("</g>\n</svg></div>\n");

    // What the chart leaves out.
    let mut notes: Vec<String> = Vec::new();
    if before + after > 0 {
        notes.push(format!(
            "{} outside the charted range ({} before <time>{}</time>, {} after <time>{}</time>)",
            plural(before + after, "dated item lies", "dated items lie"),
            count(before),
            esc(&utc_string(t0)),
            count(after),
            esc(&utc_string(t1))
        ));
    }
    if out_of_range > 0 {
        notes.push(format!(
            "{} a date before the year 1000 or after 9999",
            plural(out_of_range, "item has", "items have")
        ));
    }
    if undated_emails > 0 {
        notes.push(format!(
            "{} no readable Date",
            plural(undated_emails, "email has", "emails have")
        ));
    }
    if undated_ranked > 0 {
        notes.push(format!(
            "{} no date of its own and {} not drawn",
            plural(
                undated_ranked as u64,
                "ranked item has",
                "ranked items have"
            ),
            if undated_ranked == 1 { "is" } else { "are" }
        ));
    }
    if marked == MAX_MARKS && report.ranking.len() > MAX_MARKS {
        notes.push(format!(
            "only the {MAX_MARKS} most suspicious dated items are marked"
        ));
    }
    if !notes.is_empty() {
        let _ = writeln!(o, "<p class=\"note\">Not drawn: {}.</p>", notes.join("; "));
    }
    if !outside.is_empty() {
        o.push_str("<p class=\"note\">Ranked items dated outside the chart: ");
        let shown: Vec<String> = outside
            .iter()
            .take(10)
            .map(|(rank, path, t)| {
                format!(
                    "<a class=\"ipath\" href=\"{}\">#{rank} {}</a> (<time>{}</time>)",
                    esc(&item_href(path)),
                    bdi(path),
                    esc(&utc_string(*t))
                )
            })
            .collect();
        o.push_str(&shown.join(", "));
        if outside.len() > 10 {
            let _ = write!(o, " and {} more", count(outside.len() as u64 - 10));
        }
        o.push_str(".</p>\n");
    }
    o.push_str("</section>\n");
}

// ---------------------------------------------------------------- without the script

/// The most suspicious items, for a reader whose browser runs no script
/// (the full list is drawn by the script).
fn noscript_top(o: &mut String, report: &Report) {
    if report.ranking.is_empty() {
        return;
    }
    let _ = write!(
        o,
        "<noscript><section class=\"card\"><h2>Most suspicious items <span class=\"count\">{} of {}</span></h2>\
         <ol class=\"top-list\">",
        report.ranking.len().min(NOSCRIPT_TOP),
        count(report.ranking.len() as u64)
    );
    for s in report.ranking.iter().take(NOSCRIPT_TOP) {
        let lc = match s.level.as_str() {
            "strong doubt" => "lvl-strong",
            "doubt" => "lvl-doubt",
            _ => "lvl-weak",
        };
        let _ = write!(
            o,
            "<li><span class=\"rank\">#{}</span> <span class=\"lvl {lc}\">{}</span> \
             <span class=\"score\">score <b>{}</b></span> <span class=\"s-path\">{}</span>\
             <p class=\"reason\" dir=\"auto\">{}</p></li>",
            s.rank,
            esc(&s.level),
            s.score,
            bdi(&s.path),
            esc(&s.reason)
        );
    }
    o.push_str("</ol></section></noscript>\n");
}

// ---------------------------------------------------------------- sections drawn by the script

fn sections(o: &mut String, report: &Report) {
    let _ = write!(
        o,
        "<section id=\"suspects\" class=\"card js-only\">\n<h2>Ranked suspicious items <span class=\"count\" id=\"suspects-count\">{}</span></h2>\n\
         <p class=\"note\">Most suspicious first. Each rule against an item counts once by its strongest finding \
         (high 40, medium 16, low 4); the strongest counts in full, each further one at half; an email also \
         carries half the strongest finding of what it holds; evidence for the item (a DKIM pass…) takes off \
         at most half. The score ranks what to read first: it is not a probability.</p>\n\
         <div id=\"suspect-list\" class=\"suspect-list\"></div>\n<nav class=\"pager\" id=\"suspect-pager\" aria-label=\"Ranked items pages\"></nav>\n</section>\n",
        count(report.ranking.len() as u64)
    );
    let _ = write!(
        o,
        "<section id=\"items\" class=\"card js-only\">\n<h2>All items <span class=\"count\" id=\"items-count\">{}</span></h2>\n\
         <p class=\"note\">Every file, member, message and attachment in walk order (each container before its \
         members). Click a path to see where it came from (its provenance chain), its facts, findings and children.</p>\n\
         <div class=\"toolbar js-only\"><label for=\"show\">Show</label> <select id=\"show\">\
         <option value=\"all\">all items</option><option value=\"findings\">items with a doubt</option>\
         <option value=\"ranked\">ranked items only</option></select></div>\n\
         <div class=\"table-wrap\"><table class=\"items-table\" id=\"items-table\"><thead><tr>\
         <th class=\"n\">#</th><th>provenance path</th><th>kind</th><th>type</th><th class=\"n\">size</th>\
         <th>date</th><th>from / author</th><th>subject / title</th><th>findings</th><th class=\"n\">rank</th>\
         </tr></thead><tbody id=\"items-body\"></tbody></table></div>\n\
         <nav class=\"pager\" id=\"items-pager\" aria-label=\"Items pages\"></nav>\n</section>\n",
        count(report.items.len() as u64)
    );
    o.push_str(
        "<section id=\"senders\" class=\"card js-only\">\n<h2>Sender habits <span class=\"count\" id=\"senders-count\"></span></h2>\n\
         <p class=\"note\">Per From address, busiest first: the names, mail programs, time-zone offsets and \
         Message-ID domains its messages show, and its first and last Date. A value seen once among five or \
         more messages is highlighted: it breaks the sender's habit.</p>\n\
         <div class=\"table-wrap\"><table class=\"senders-table\"><thead><tr><th>address</th><th class=\"n\">messages</th>\
         <th>names</th><th>mail programs</th><th>time zones</th><th>Message-ID domains</th><th>first</th><th>last</th>\
         </tr></thead><tbody id=\"senders-body\"></tbody></table></div>\n\
         <nav class=\"pager\" id=\"senders-pager\" aria-label=\"Senders pages\"></nav>\n</section>\n",
    );
    let _ = write!(
        o,
        "<section id=\"duplicates\" class=\"card js-only\">\n<h2>Duplicate groups <span class=\"count\" id=\"dups-count\">{}</span></h2>\n\
         <p class=\"note\">Items with identical content (same SHA-256). The same bytes in two places prove the \
         copies are the same, not that either is authentic.</p>\n\
         <div class=\"table-wrap\"><table class=\"dups-table\"><thead><tr><th class=\"n\">#</th><th>SHA-256</th>\
         <th class=\"n\">size</th><th class=\"n\">copies</th><th>items</th></tr></thead><tbody id=\"dups-body\"></tbody></table></div>\n\
         <nav class=\"pager\" id=\"dups-pager\" aria-label=\"Duplicate groups pages\"></nav>\n</section>\n",
        count(report.duplicates.len() as u64)
    );
}

// ---------------------------------------------------------------- data island

/// Interned strings, in first-use order.
#[derive(Default)]
struct Strs<'a> {
    ids: HashMap<&'a str, i64>,
    list: Vec<&'a str>,
}

impl<'a> Strs<'a> {
    fn id(&mut self, s: &'a str) -> i64 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.list.len() as i64;
        self.list.push(s);
        self.ids.insert(s, i);
        i
    }

    fn opt(&mut self, s: Option<&'a str>) -> i64 {
        s.map_or(-1, |s| self.id(s))
    }
}

/// One sender's habits.
#[derive(Default)]
struct Habits<'a> {
    messages: u64,
    names: BTreeMap<&'a str, u64>,
    programs: BTreeMap<&'a str, u64>,
    zones: BTreeMap<i32, u64>,
    domains: BTreeMap<&'a str, u64>,
    first: Option<i64>,
    last: Option<i64>,
}

/// The display name of a From value (`"Ann" <a@x>` → `Ann`).
fn display_name(from: &str) -> &str {
    match from.rfind('<') {
        Some(p) => from[..p].trim().trim_matches('"').trim(),
        None => "",
    }
}

/// The most frequent values first (then in key order), capped, then
/// `[null, n]` for the `n` values left out.
fn top<K: Clone + Into<Value>>(m: &BTreeMap<K, u64>) -> Value {
    let mut v: Vec<(&K, &u64)> = m.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1));
    let mut out: Vec<Value> = v
        .iter()
        .take(TOP_VALUES)
        .map(|(k, n)| json!([(*k).clone().into(), n]))
        .collect();
    if v.len() > TOP_VALUES {
        out.push(json!([Value::Null, v.len() - TOP_VALUES]));
    }
    Value::Array(out)
}

fn senders(items: &[Item]) -> (Vec<Value>, HashMap<&str, usize>) {
    let mut by: BTreeMap<&str, Habits> = BTreeMap::new();
    for e in items.iter().filter_map(|i| i.email.as_deref()) {
        let h = by
            .entry(e.from_address.as_deref().unwrap_or(""))
            .or_default();
        h.messages += 1;
        *h.names
            .entry(display_name(e.from.as_deref().unwrap_or("")))
            .or_default() += 1;
        *h.programs
            .entry(e.client.as_deref().unwrap_or(""))
            .or_default() += 1;
        let domain = e
            .message_id
            .as_deref()
            .and_then(|id| id.rsplit_once('@'))
            .map_or("", |(_, d)| d);
        *h.domains.entry(domain).or_default() += 1;
        if let Some(d) = e.date {
            *h.zones.entry(d.offset_minutes).or_default() += 1;
            h.first = Some(h.first.map_or(d.unix, |f| f.min(d.unix)));
            h.last = Some(h.last.map_or(d.unix, |l| l.max(d.unix)));
        }
    }
    let mut list: Vec<(&str, Habits)> = by.into_iter().collect();
    list.sort_by(|a, b| b.1.messages.cmp(&a.1.messages).then(a.0.cmp(b.0)));
    let index = list.iter().enumerate().map(|(i, (a, _))| (*a, i)).collect();
    let rows = list
        .iter()
        .map(|(addr, h)| {
            json!([
                addr,
                h.messages,
                top(&h.names),
                top(&h.programs),
                top(&h.zones),
                top(&h.domains),
                h.first,
                h.last
            ])
        })
        .collect();
    (rows, index)
}

/// Drops trailing empty fields (`0`) of an item record.
fn trim(mut v: Vec<Value>, keep: usize) -> Value {
    while v.len() > keep && v.last().is_some_and(|x| x == &json!(0)) {
        v.pop();
    }
    Value::Array(v)
}

fn island(report: &Report, index: &HashMap<&str, usize>) -> String {
    let mut strs = Strs::default();
    let (sender_rows, sender_index) = senders(&report.items);

    let mut items = Vec::with_capacity(report.items.len());
    for it in &report.items {
        let parent = it.parent.as_deref().and_then(|p| index.get(p).copied());
        let (name, parent_code): (&str, i64) = match (parent, it.parent.as_deref()) {
            (Some(pi), Some(pp)) => match it
                .path
                .strip_prefix(pp)
                .and_then(|rest| rest.strip_prefix('!'))
            {
                Some(rest) => (rest, pi as i64),
                None => (it.path.as_str(), -2 - pi as i64),
            },
            _ => (it.path.as_str(), -1),
        };
        let email = match it.email.as_deref() {
            Some(e) => json!([
                strs.opt(e.from.as_deref()),
                strs.opt(e.to.as_deref()),
                e.subject.as_deref().unwrap_or(""),
                e.date.map(|d| d.unix),
                e.date_text.as_deref().unwrap_or(""),
                e.message_id_text.as_deref().unwrap_or(""),
                strs.opt(e.client.as_deref()),
                strs.opt(e.dkim_status().map(|s| s.as_str())),
                sender_index
                    .get(e.from_address.as_deref().unwrap_or(""))
                    .map_or(-1, |&i| i as i64)
            ]),
            None => json!(0),
        };
        let document = match it.document.as_deref() {
            Some(d) => json!([
                d.title.as_deref().unwrap_or(""),
                strs.opt(d.author.as_deref()),
                strs.opt(d.last_modified_by.as_deref()),
                strs.opt(d.company.as_deref()),
                strs.opt(d.application.as_deref()),
                d.created.as_ref().map_or("", |t| t.text.as_str()),
                d.modified.as_ref().map_or("", |t| t.text.as_str()),
                strs.id(d.format.as_str()),
                d.modified.as_ref().or(d.created.as_ref()).map(|t| t.unix),
                d.modified
                    .as_ref()
                    .or(d.created.as_ref())
                    .map_or(0, |t| u8::from(t.zone.is_some()))
            ]),
            None => json!(0),
        };
        let container = match &it.container {
            Some(c) => json!([strs.id(&c.format), c.members_listed, c.members_read]),
            None => json!(0),
        };
        items.push(trim(
            vec![
                json!(name),
                json!(parent_code),
                json!(strs.id(it.kind.as_str())),
                json!(strs.id(&it.detected_type)),
                json!(strs.opt(it.claimed_type.as_deref())),
                json!(it.size),
                it.sha256.as_deref().map_or(json!(0), |s| json!(s)),
                it.error.as_deref().map_or(json!(0), |s| json!(s)),
                email,
                document,
                container,
            ],
            6,
        ));
    }

    let mut finding_index: HashMap<&str, usize> = HashMap::new();
    let mut rule_ids: BTreeSet<&str> = BTreeSet::new();
    let mut findings = Vec::with_capacity(report.findings.len());
    // Findings of one rule often say the same thing with the same evidence
    // (a DKIM pass by one domain): each distinct object is kept once.
    let mut evidence_ids: HashMap<String, usize> = HashMap::new();
    let mut evidence_list: Vec<&crate::item::Metadata> = Vec::new();
    for (k, f) in report.findings.iter().enumerate() {
        finding_index.entry(f.id.as_str()).or_insert(k);
        rule_ids.insert(f.rule.as_str());
        let paths: Vec<Value> = f
            .paths
            .iter()
            .map(|p| index.get(p.as_str()).map_or(json!(p), |&i| json!(i)))
            .collect();
        let sev = match f.severity {
            Severity::Info => 0,
            Severity::Low => 1,
            Severity::Medium => 2,
            Severity::High => 3,
        };
        let evidence = if f.evidence.is_empty() {
            -1
        } else {
            let key = serde_json::to_string(&f.evidence).unwrap_or_default();
            let next = evidence_list.len();
            let k = *evidence_ids.entry(key).or_insert(next);
            if k == next {
                evidence_list.push(&f.evidence);
            }
            k as i64
        };
        findings.push(json!([
            strs.id(&f.rule),
            sev,
            paths,
            strs.id(&f.message),
            evidence,
            u8::from(f.supports)
        ]));
    }
    let mut rules = serde_json::Map::new();
    for id in rule_ids {
        if let Some(r) = crate::rules::find(id) {
            rules.insert(
                id.to_string(),
                json!([r.kind.as_str(), r.title, r.checks, r.why, r.false_positives]),
            );
        }
    }
    let fidx = |id: &str| finding_index.get(id).map_or(-1, |&k| k as i64);
    let ranking: Vec<Value> = report
        .ranking
        .iter()
        .filter_map(|s| {
            let i = *index.get(s.path.as_str())?;
            Some(json!([
                i,
                s.rank,
                s.score,
                strs.id(&s.level),
                strs.id(&s.reason),
                s.explanation.iter().map(|l| strs.id(l)).collect::<Vec<_>>(),
                s.findings.iter().map(|f| fidx(f)).collect::<Vec<_>>(),
                s.carried.as_deref().map_or(-1, fidx),
                s.supporting.iter().map(|f| fidx(f)).collect::<Vec<_>>(),
                s.doubt,
                s.support
            ]))
        })
        .collect();
    let dups: Vec<Value> = report
        .duplicates
        .iter()
        .map(|g| {
            let members: Vec<usize> = g
                .paths
                .iter()
                .filter_map(|p| index.get(p.as_str()).copied())
                .collect();
            json!([g.sha256, g.size, members])
        })
        .collect();

    let data = json!({
        "v": 1,
        "strs": strs.list,
        "items": items,
        "findings": findings,
        "evidence": evidence_list,
        "rules": rules,
        "ranking": ranking,
        "dups": dups,
        "senders": sender_rows,
    });
    let text = serde_json::to_string(&data).unwrap_or_else(|e| {
        // Plain data always serialises; say so loudly if it ever does not.
        format!(
            "{{\"error\":{}}}",
            json!(format!("serialisation failed: {e}"))
        )
    });
    let mut out = String::with_capacity(text.len() + text.len() / 50);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_encode_uri_component() {
        assert_eq!(
            encode_component("mail/a b.eml!x%21.jpg"),
            "mail%2Fa%20b.eml!x%2521.jpg"
        );
        assert_eq!(encode_component("é"), "%C3%A9");
    }

    #[test]
    fn buckets_align() {
        let t = 1_491_387_600; // 2017-04-05T10:20:00Z, a Wednesday
        assert_eq!(utc_string(Unit::Day.floor(t)), "2017-04-05T00:00:00Z");
        assert_eq!(utc_string(Unit::Week.floor(t)), "2017-04-03T00:00:00Z");
        assert_eq!(utc_string(Unit::Month.floor(t)), "2017-04-01T00:00:00Z");
        assert_eq!(
            utc_string(Unit::Month.next(Unit::Month.floor(t))),
            "2017-05-01T00:00:00Z"
        );
        assert_eq!(utc_string(Unit::Years(10).floor(t)), "2010-01-01T00:00:00Z");
        assert_eq!(nice_max(7), (8, 2));
        assert_eq!(nice_max(0), (1, 1));
    }

    #[test]
    fn our_script_and_style_cannot_close_their_elements() {
        assert!(!JS.to_ascii_lowercase().contains("</script"));
        assert!(!CSS.to_ascii_lowercase().contains("</style"));
        assert!(!CSS.contains("@import") && !CSS.contains("url("));
    }
}
