//! The human summary printed by `leakcheck scan` without `--json`.

use std::fmt::Write;

use super::Report;

/// How the summary is drawn.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// ANSI colour (only on a terminal, never with `NO_COLOR`).
    pub color: bool,
    /// How many findings to show in full.
    pub top: usize,
}

fn paint(style: Style, code: &str, s: &str) -> String {
    if style.color {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// Thousands separators, so large counts read at a glance.
pub fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

pub fn render(report: &Report, style: Style) -> String {
    let s = &report.summary;
    let mut o = String::new();
    let roots: Vec<&str> = report.inputs.iter().map(|i| i.path.as_str()).collect();
    let _ = writeln!(
        o,
        "{} {} — {}",
        paint(style, "1", "leakcheck"),
        report.tool.version,
        roots.join(", ")
    );
    let kinds: Vec<String> = s
        .by_kind
        .iter()
        .map(|(k, n)| format!("{} {k}", count(*n)))
        .collect();
    let _ = writeln!(
        o,
        "  items       {} ({}) from {} entries on disk, {}",
        count(s.items),
        kinds.join(", "),
        count(s.entries_on_disk),
        bytes(s.bytes_on_disk)
    );
    if s.excluded > 0 {
        let _ = writeln!(o, "  excluded    {} entries (--exclude)", count(s.excluded));
    }
    let mut types: Vec<(&String, &u64)> = s.by_type.iter().collect();
    types.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let shown: Vec<String> = types
        .iter()
        .take(6)
        .map(|(t, n)| format!("{} {t}", count(**n)))
        .collect();
    let more = types.len().saturating_sub(6);
    let _ = writeln!(
        o,
        "  types       {}{}",
        shown.join(", "),
        if more > 0 {
            format!(", and {more} more")
        } else {
            String::new()
        }
    );
    for (format, c) in &s.containers {
        let _ = writeln!(
            o,
            "  {:<11} {} container{}: {} members listed, {} read",
            format,
            count(c.containers),
            if c.containers == 1 { "" } else { "s" },
            count(c.members_listed),
            count(c.members_read)
        );
    }
    if !s.incomplete_containers.is_empty() {
        let _ = writeln!(
            o,
            "  incomplete  {} containers with members not read (see findings)",
            count(s.incomplete_containers.len() as u64)
        );
    }
    let _ = writeln!(o, "  errors      {} items not read whole", count(s.errors));
    let _ = writeln!(
        o,
        "  duplicates  {} groups of identical content ({} items)",
        count(s.duplicate_groups),
        count(s.duplicate_items)
    );
    if s.dkim.messages > 0 {
        let mut by_domain: Vec<(&String, &crate::report::DomainCount)> =
            s.dkim.domains.iter().collect();
        by_domain.sort_by(|a, b| b.1.signed.cmp(&a.1.signed).then(a.0.cmp(b.0)));
        let shown: Vec<String> = by_domain
            .iter()
            .take(5)
            .map(|(d, c)| format!("{d} {}/{}", count(c.verified), count(c.signed)))
            .collect();
        let _ = writeln!(
            o,
            "  DKIM        {} of {} messages verified ({} signed, {} failed, {} without key{}){}",
            count(s.dkim.verified),
            count(s.dkim.messages),
            count(s.dkim.signed),
            count(s.dkim.failed),
            count(s.dkim.key_unavailable),
            if s.dkim.headers_verified > 0 {
                format!(
                    ", {} Outlook messages with headers verified but body not kept",
                    count(s.dkim.headers_verified)
                )
            } else {
                String::new()
            },
            if shown.is_empty() {
                String::new()
            } else {
                format!("; by domain: {}", shown.join(", "))
            }
        );
    }
    if let Some(w) = &s.time_window {
        let _ = writeln!(
            o,
            "  window      {} .. {} ({})",
            w.start,
            w.end,
            if w.inferred {
                "inferred from the dated emails"
            } else {
                "given"
            }
        );
    }
    let sev = |k: &str| s.findings.get(k).copied().unwrap_or(0);
    let _ = writeln!(
        o,
        "  findings    {} high, {} medium, {} low, {} info; {} supporting",
        count(sev("high")),
        count(sev("medium")),
        count(sev("low")),
        count(sev("info")),
        count(s.supporting)
    );
    if !report.ranking.is_empty() && style.top > 0 {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "{}",
            paint(
                style,
                "1",
                &format!(
                    "Most suspicious items ({} of {} that findings speak against):",
                    count(report.ranking.len().min(style.top) as u64),
                    count(report.ranking.len() as u64)
                )
            )
        );
        let width = report.ranking.len().min(style.top).to_string().len();
        for s in report.ranking.iter().take(style.top) {
            let label = format!("{:<12}", s.level);
            let label = match s.level.as_str() {
                "strong doubt" => paint(style, "1;31", &label),
                "doubt" => paint(style, "33", &label),
                _ => label,
            };
            let _ = writeln!(
                o,
                "  {:>width$}. {label} {:>3}  {}",
                s.rank,
                s.score,
                printable(&s.path)
            );
            for line in wrap(&s.reason, 96, 3) {
                let _ = writeln!(o, "  {:>width$}  {line}", "");
            }
        }
        if report.ranking.len() > style.top {
            let _ = writeln!(
                o,
                "  … and {} more (--top N shows more; every finding is in the --json and --html reports)",
                count((report.ranking.len() - style.top) as u64)
            );
        }
        let _ = writeln!(
            o,
            "  Scores rank, they do not judge: `leakcheck explain RULE` tells what each rule sees and when it errs."
        );
    }
    o
}

/// `s` on at most `max_lines` lines of `width` characters, control
/// characters flattened, the last line cut with `…` when it does not fit.
fn wrap(s: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    for word in flat.split_whitespace() {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
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
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            let keep: String = last.chars().take(width.saturating_sub(1)).collect();
            *last = format!("{keep}…");
        }
    }
    // A single word longer than the width is cut too.
    for l in &mut lines {
        if l.chars().count() > width + 1 {
            let keep: String = l.chars().take(width - 1).collect();
            *l = format!("{keep}…");
        }
    }
    lines
}

/// `s` with control characters shown as `\xNN`: names from a dump can hold
/// terminal escape sequences and newlines, which must not reach the terminal.
pub fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.push_str(&format!("\\x{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(count(0), "0");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
    }

    #[test]
    fn wraps_and_cuts() {
        assert_eq!(wrap("a b c", 3, 3), ["a b", "c"]);
        assert_eq!(wrap("aa bb cc dd", 5, 1), ["aa b…"]);
        assert_eq!(wrap("x\ny", 10, 2), ["x y"]);
        assert_eq!(printable("a\x1b[2Jb\nc"), "a\\x1B[2Jb\\x0Ac");
    }
}
