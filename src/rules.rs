//! The rule catalogue: every rule a finding can name, what it checks, why
//! it matters and when it is known to fire on genuine material.
//!
//! `leakcheck explain RULE` prints an entry; the SARIF report's
//! `tool.driver.rules[]` and the HTML report's rule help are drawn from it;
//! the suspicion score ([`crate::report::score`]) reads each rule's
//! [`RuleKind`] to know whether it speaks against an item, for it, or
//! only about what the scan could read. A test asserts every rule id
//! written in `src/` has an entry here.

/// What a rule's findings say about an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// A contradiction that bears on authenticity: counted in the
    /// suspicion score.
    Authenticity,
    /// Evidence that the item is genuine (a DKIM pass, consistent
    /// metadata): lowers the score, never below half of it.
    Support,
    /// What the scan could not read or chose not to read (limits, damage,
    /// links, internal errors): reported, never counted as a doubt.
    Coverage,
}

impl RuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Authenticity => "authenticity",
            RuleKind::Support => "support",
            RuleKind::Coverage => "coverage",
        }
    }
}

/// One rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The id findings carry, e.g. `dkim.body_changed`.
    pub id: &'static str,
    pub kind: RuleKind,
    /// One line: what a finding of this rule says (SARIF shortDescription).
    pub title: &'static str,
    /// What the rule checks and how it decides its severity.
    pub checks: &'static str,
    /// Why it matters when judging a leak.
    pub why: &'static str,
    /// When it fires on genuine material, and what to look at before
    /// trusting it.
    pub false_positives: &'static str,
}

/// Every rule, sorted by id.
pub static RULES: &[Rule] = &[Rule {
    id: "type.mismatch",
    kind: RuleKind::Authenticity,
    title: "The content's real type differs from the type its name or Content-Type claims.",
    checks: "Compares the type detected from the bytes (magic numbers and structure) with the type claimed by the file extension or, for attachments, the declared Content-Type. High when an executable or macro-enabled document poses as an inert type, medium when the families differ, low for close relatives (zip vs docx).",
    why: "A disguised document is a classic way to plant a payload or to pass off one file as another; genuine senders rarely rename a .docm to .jpg.",
    false_positives: "Some mail clients send every attachment as application/octet-stream or guess a wrong Content-Type; old Office files saved under a new extension (.doc that is RTF or HTML) are common and harmless.",
}];

/// The catalogue entry of `id`.
pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// What a finding of rule `id` says. An id missing from the catalogue (a
/// test forbids it) counts by its family: limits, reading and file-system
/// rules are coverage, anything else bears on authenticity.
pub fn kind_of(id: &str) -> RuleKind {
    if let Some(r) = find(id) {
        return r.kind;
    }
    const COVERAGE: [&str; 7] = [
        "limit.",
        "ingest.",
        "fs.",
        "check.",
        "name.",
        "archive.",
        "document.",
    ];
    if COVERAGE.iter().any(|p| id.starts_with(p)) {
        RuleKind::Coverage
    } else {
        RuleKind::Authenticity
    }
}

/// The text `leakcheck explain RULE` prints, wrapped for a terminal.
pub fn explain_text(rule: &Rule) -> String {
    let mut out = format!("{} ({})\n  {}\n", rule.id, rule.kind.as_str(), rule.title);
    for (head, body) in [
        ("What it checks", rule.checks),
        ("Why it matters", rule.why),
        ("Known false positives", rule.false_positives),
    ] {
        out.push_str(&format!("\n{head}:\n"));
        for line in wrap(body, 76) {
            out.push_str("  ");
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// Greedy word wrap at `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
