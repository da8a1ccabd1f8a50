//! SARIF 2.1.0 (`scan --sarif FILE`), as GitHub code scanning reads it.
//!
//! One run, whose `tool.driver` is leakcheck (name and version only: no
//! `informationUri`, nothing a reader would fetch). What goes in:
//!
//! * **Results**: one per finding that raises a doubt, in report order.
//!   Findings with `supports: true` (a DKIM pass, a consistent Received
//!   chain) are left out: SARIF lists problems, and supporting evidence is
//!   not one. Their number is in the run's `properties.supportingFindings`;
//!   the JSON report and `findings.csv` keep them.
//! * **Levels**: `high` → `error`, `medium` → `warning`, `low` and `info` →
//!   `note`. The finding's own severity is kept in `properties.severity`.
//! * **Rules**: `tool.driver.rules[]` holds one entry per rule that has a
//!   result, sorted by id, drawn from the rule catalogue ([`crate::rules`]):
//!   title as `shortDescription`, what it checks as `fullDescription`, and a
//!   `help` (text and Markdown) with what it checks, why it matters and its
//!   known false positives. A rule the catalogue does not describe yet still
//!   gets an entry, saying so. `properties.tags` has the rule's family
//!   (`dkim`, `doc`, …), its kind (`authenticity`, `coverage`) and, for
//!   authenticity rules, `security`; those also carry GitHub's
//!   `security-severity` from the strongest of their findings in this report
//!   (high 8.0, medium 5.5, low 3.0; none for notes). Every result has the
//!   `ruleIndex` of its rule.
//! * **Locations**: the item a finding is about is the result's one
//!   location; the finding's other items are `relatedLocations` (and are
//!   named at the end of `message.text`). A finding is about a whole item,
//!   but GitHub shows an alert only at a line (its validator rule GH1003
//!   requires `region.startLine`), so every location has `startLine` 1:
//!   the item's start, standing for all of it. (A
//!   finding naming no item, which no check makes, points at `%2E`: the
//!   root itself.)
//! * **URIs**: `artifactLocation.uri` is the item's provenance path as an
//!   RFC 3986 relative reference: every byte outside the unreserved
//!   characters, the sub-delimiters (`!` among them, the container
//!   separator), `:`, `@` and `/` is percent-encoded as UTF-8, `%` itself
//!   included, so percent-decoding gives back the provenance path exactly
//!   (`a%21b.zip!x y` → `a%2521b.zip!x%20y`). Three more cases are encoded
//!   so that URI resolution cannot change the path: a `:` in the first
//!   segment (it would read as a scheme), a leading `/`, and `.` or `..`
//!   segments (member names can hold them). Some normalisers treat `%2E`
//!   like `.`; the exact paths are also in each result's
//!   `properties.paths`.
//! * **Base**: every `uri` has `uriBaseId` `%SRCROOT%`, the name GitHub's
//!   own tools use for the repository root, and `originalUriBaseIds` says it
//!   stands for the scanned root (with several roots, the folder above
//!   them: paths then start with each root's prefix, see the report's
//!   `inputs`). The base has no `uri`: an absolute path would tie the log
//!   to one machine. GitHub reads relative URIs against the repository root,
//!   so for code scanning scan the repository's root (`leakcheck scan .`).
//! * **Fingerprints**: `partialFingerprints` holds the finding's stable id
//!   twice: as `leakcheckFindingId/v1`, and as `primaryLocationLineHash`,
//!   the key GitHub matches alerts across runs with (and which its upload
//!   action would otherwise try to compute from lines of a file that, for
//!   an item inside a container, does not exist).
//! * **Properties** of a result: `severity`, `ruleKind`, `paths` (the exact
//!   provenance paths) and `evidence` (the finding's observed values).
//!
//! Messages are plain text. A message that holds `](` (which a viewer
//! would take for an embedded link to a related location) has its `\`,
//! `[` and `]` escaped with a backslash, as SARIF asks of literal brackets.
//!
//! The output depends on the report only: the same report gives the same
//! bytes (no clock, no absolute path, keys in a fixed order).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Report;
use crate::item::{Finding, Metadata, Severity};
use crate::rules::{self, RuleKind};

/// The schema the log declares (OASIS SARIF 2.1.0 with errata 01).
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The `uriBaseId` of every location: the scanned root.
pub const ROOT_BASE_ID: &str = "%SRCROOT%";

/// The `partialFingerprints` key holding the finding's stable id.
pub const FINGERPRINT_KEY: &str = "leakcheckFindingId/v1";

/// GitHub's fingerprint key, also set to the finding's id.
const GITHUB_FINGERPRINT_KEY: &str = "primaryLocationLineHash";

/// Related items named in a message at most (all are related locations).
const NAMED_RELATED: usize = 10;

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    original_uri_base_ids: BTreeMap<&'static str, BaseLocation>,
    results: Vec<SarifResult<'a>>,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    semantic_version: &'a str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

fn text(s: impl Into<String>) -> Text {
    Text { text: s.into() }
}

#[derive(Serialize)]
struct BaseLocation {
    description: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: DescriptorProperties,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescriptorProperties {
    tags: Vec<String>,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
    rule_kind: &'static str,
    /// False when the catalogue has no entry for the rule yet.
    catalogued: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

/// GitHub shows an alert only at a line (its validator rule GH1003 requires
/// `region.startLine`): line 1 stands for the item as a whole.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    severity: Severity,
    rule_kind: &'static str,
    paths: &'a [String],
    evidence: &'a Metadata,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties<'a> {
    report_schema_version: u32,
    inputs: &'a [super::Input],
    /// Findings left out because they support an item.
    supporting_findings: usize,
}

/// The SARIF log as pretty-printed JSON, ending with a newline.
pub fn render(report: &Report) -> String {
    let log = build(report);
    match serde_json::to_string_pretty(&log) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        // Serialising plain data cannot fail; if it ever does, say so in
        // a log that is still valid SARIF.
        Err(e) => {
            let mut s = serde_json::json!({
                "$schema": SCHEMA_URI,
                "version": "2.1.0",
                "runs": [{
                    "tool": { "driver": { "name": report.tool.name } },
                    "invocations": [{
                        "executionSuccessful": false,
                        "toolExecutionNotifications": [{
                            "level": "error",
                            "message": { "text": format!("SARIF serialisation failed: {e}") }
                        }]
                    }],
                    "results": []
                }]
            })
            .to_string();
            s.push('\n');
            s
        }
    }
}

fn build(report: &Report) -> Log<'_> {
    let problems: Vec<&Finding> = report.findings.iter().filter(|f| !f.supports).collect();

    // The rules that occur, sorted, each with its strongest severity here.
    let mut strongest: BTreeMap<&str, Severity> = BTreeMap::new();
    for f in &problems {
        let s = strongest.entry(f.rule.as_str()).or_insert(f.severity);
        *s = (*s).max(f.severity);
    }
    let index: BTreeMap<&str, usize> = strongest
        .keys()
        .enumerate()
        .map(|(i, id)| (*id, i))
        .collect();
    let rules_out: Vec<Descriptor> = strongest
        .iter()
        .map(|(id, sev)| descriptor(id, *sev))
        .collect();

    let results = problems
        .iter()
        .map(|f| {
            let first = f.paths.first().map(String::as_str).unwrap_or(".");
            let related: Vec<Location> = f
                .paths
                .iter()
                .skip(1)
                .enumerate()
                .map(|(n, p)| Location {
                    id: Some(n + 1),
                    physical_location: physical(p),
                    message: Some(text("Related item.")),
                })
                .collect();
            let mut fingerprints = BTreeMap::new();
            fingerprints.insert(FINGERPRINT_KEY, f.id.as_str());
            fingerprints.insert(GITHUB_FINGERPRINT_KEY, f.id.as_str());
            SarifResult {
                rule_id: &f.rule,
                rule_index: index.get(f.rule.as_str()).copied().unwrap_or(0),
                level: level(f.severity),
                message: text(message(f)),
                locations: vec![Location {
                    id: None,
                    physical_location: physical(first),
                    message: None,
                }],
                related_locations: related,
                partial_fingerprints: fingerprints,
                properties: ResultProperties {
                    severity: f.severity,
                    rule_kind: rules::kind_of(&f.rule).as_str(),
                    paths: &f.paths,
                    evidence: &f.evidence,
                },
            }
        })
        .collect();

    let mut bases = BTreeMap::new();
    bases.insert(
        ROOT_BASE_ID,
        BaseLocation {
            description: text(base_description(report)),
        },
    );
    Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: &report.tool.name,
                    version: &report.tool.version,
                    semantic_version: &report.tool.version,
                    rules: rules_out,
                },
            },
            original_uri_base_ids: bases,
            results,
            properties: RunProperties {
                report_schema_version: report.schema_version,
                inputs: &report.inputs,
                supporting_findings: report.findings.len() - problems.len(),
            },
        }],
    }
}

/// SARIF level of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` for a rule's strongest finding.
fn security_severity(severity: Severity) -> Option<&'static str> {
    match severity {
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("3.0"),
        Severity::Info => None,
    }
}

fn physical(path: &str) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: uri(path),
            uri_base_id: ROOT_BASE_ID,
        },
        region: Region { start_line: 1 },
    }
}

fn base_description(report: &Report) -> String {
    let head = "Item paths (provenance paths, percent-encoded) are relative to";
    match report.inputs.as_slice() {
        [] => format!("{head} the scanned root."),
        [one] if one.prefix.is_empty() => format!(
            "{head} the scanned root, given as '{}' (a file given as root is named by its file name). For GitHub code scanning, scan the repository's root.",
            one.path
        ),
        many => {
            let roots: Vec<String> = many
                .iter()
                .map(|i| format!("'{}' is '{}'", i.prefix, i.path))
                .collect();
            format!(
                "{head} a folder holding the scanned roots, each under its own prefix: {}.",
                roots.join(", ")
            )
        }
    }
}

fn descriptor(id: &str, strongest: Severity) -> Descriptor {
    let kind = rules::kind_of(id);
    let entry = rules::find(id);
    let (title, checks, why, fps) = match entry {
        Some(r) => (
            r.title.to_string(),
            r.checks.to_string(),
            r.why.to_string(),
            r.false_positives.to_string(),
        ),
        None => (
            format!("Findings of rule {id}."),
            "leakcheck's rule catalogue has no entry for this rule yet; each finding's message and evidence say what was observed.".to_string(),
            "See the finding's message.".to_string(),
            "Not described yet.".to_string(),
        ),
    };
    let help_text = format!(
        "{title}\n\nWhat it checks: {checks}\n\nWhy it matters: {why}\n\nKnown false positives: {fps}\n\nA finding is evidence, not a verdict. `leakcheck explain {id}` prints this in a terminal."
    );
    let help_markdown = format!(
        "**{}**\n\n### What it checks\n\n{}\n\n### Why it matters\n\n{}\n\n### Known false positives\n\n{}\n\nA finding is evidence, not a verdict. `leakcheck explain {}` prints this in a terminal.",
        markdown(&title),
        markdown(&checks),
        markdown(&why),
        markdown(&fps),
        id.replace('`', "")
    );
    let mut tags = BTreeSet::new();
    tags.insert(kind.as_str().to_string());
    if let Some((family, _)) = id.split_once('.') {
        tags.insert(family.to_string());
    }
    let authenticity = kind == RuleKind::Authenticity;
    if authenticity {
        tags.insert("security".to_string());
    }
    Descriptor {
        id: id.to_string(),
        name: id.to_string(),
        short_description: text(title),
        full_description: text(checks),
        help: Help {
            text: help_text,
            markdown: help_markdown,
        },
        default_configuration: Configuration {
            level: level(strongest),
        },
        properties: DescriptorProperties {
            tags: tags.into_iter().collect(),
            security_severity: if authenticity {
                security_severity(strongest)
            } else {
                None
            },
            rule_kind: kind.as_str(),
            catalogued: entry.is_some(),
        },
    }
}

/// The finding's message, naming its related items, escaped for SARIF's
/// embedded-link syntax when it could be mistaken for one.
fn message(f: &Finding) -> String {
    let mut m = f.message.clone();
    let related = f.paths.get(1..).unwrap_or_default();
    if !related.is_empty() {
        let named: Vec<&str> = related
            .iter()
            .take(NAMED_RELATED)
            .map(String::as_str)
            .collect();
        if !m.is_empty() && !m.ends_with(' ') {
            m.push(' ');
        }
        m.push_str("Related items: ");
        m.push_str(&named.join(", "));
        if related.len() > named.len() {
            m.push_str(&format!(
                " and {} more (see the related locations)",
                related.len() - named.len()
            ));
        }
        m.push('.');
    }
    if m.contains("](") {
        let mut out = String::with_capacity(m.len() + 8);
        for c in m.chars() {
            if matches!(c, '\\' | '[' | ']') {
                out.push('\\');
            }
            out.push(c);
        }
        m = out;
    }
    m
}

/// Catalogue text as Markdown: backtick spans are kept as written,
/// characters Markdown or HTML would act on elsewhere are escaped.
fn markdown(s: &str) -> String {
    let balanced = s.matches('`').count().is_multiple_of(2);
    let mut out = String::with_capacity(s.len() + 8);
    for (n, part) in s.split('`').enumerate() {
        if n > 0 {
            if balanced {
                out.push('`');
            } else {
                out.push_str("\\`");
            }
        }
        if balanced && n % 2 == 1 {
            out.push_str(part);
            continue;
        }
        for c in part.chars() {
            if matches!(
                c,
                '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '&' | '~'
            ) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// A provenance path as an RFC 3986 relative reference whose percent-
/// decoding is the path itself (see the module documentation).
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    // Until a literal '/' is written, the reference's first segment, where
    // a ':' would read as a scheme.
    let mut first_segment = true;
    for (n, segment) in path.split('/').enumerate() {
        if n == 1 && path.starts_with('/') {
            // A leading '/' would make an absolute-path reference.
            out.push_str("%2F");
        } else if n > 0 {
            out.push('/');
            first_segment = false;
        }
        if segment == "." || segment == ".." {
            out.push_str(&"%2E".repeat(segment.len()));
            continue;
        }
        for &b in segment.as_bytes() {
            let keep = b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'-' | b'.'
                        | b'_'
                        | b'~'
                        | b'!'
                        | b'$'
                        | b'&'
                        | b'\''
                        | b'('
                        | b')'
                        | b'*'
                        | b'+'
                        | b','
                        | b';'
                        | b'='
                        | b'@'
                )
                || (b == b':' && !first_segment);
            if keep {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                let v = u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap();
                out.push(v);
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn uris_encode_everything_ambiguous_and_decode_back() {
        let cases = [
            ("mail/a b.eml", "mail/a%20b.eml"),
            ("x%21y.zip!m", "x%2521y.zip!m"),
            ("c:evil/x:y", "c%3Aevil/x:y"),
            ("/abs:x", "%2Fabs%3Ax"),
            ("//a/b:c", "%2F/a/b:c"),
            ("z.zip!a/../b", "z.zip!a/%2E%2E/b"),
            ("./x", "%2E/x"),
            ("été?#[].pdf", "%C3%A9t%C3%A9%3F%23%5B%5D.pdf"),
            ("a@b+c=d;(e)!'*,$&~", "a@b+c=d;(e)!'*,$&~"),
        ];
        for (path, want) in cases {
            let got = uri(path);
            assert_eq!(got, want, "{path}");
            assert_eq!(decode(&got), path);
        }
    }

    #[test]
    fn messages_escape_link_syntax_only_when_present() {
        let plain = Finding::new(
            "r",
            Severity::Low,
            vec!["a".into(), "b".into()],
            "C:\\x [y]",
        );
        assert_eq!(message(&plain), "C:\\x [y] Related items: b.");
        let link = Finding::new("r", Severity::Low, vec!["a".into()], "see [x](1) \\");
        assert_eq!(message(&link), "see \\[x\\](1) \\\\");
    }

    #[test]
    fn markdown_keeps_code_spans_and_escapes_html() {
        assert_eq!(markdown("a <b> `l=` *c*"), "a \\<b\\> `l=` \\*c\\*");
        assert_eq!(markdown("odd ` tick"), "odd \\` tick");
    }
}
