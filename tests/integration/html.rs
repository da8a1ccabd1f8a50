//! Tests of the HTML report (`scan --html FILE`): one self-contained,
//! offline file whose data island parses, whose timeline is drawn in Rust,
//! which hostile names cannot break out of, and whose size grows linearly.
//!
//! The tests marked `needs chromium` open the page in Debian's headless
//! `/usr/bin/chromium` and read the DOM its script drew.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use leakcheck::Report;
use leakcheck::report::{html, score};
use serde_json::Value;

use crate::util;

const ISLAND_OPEN: &str = "<script type=\"application/json\" id=\"leakcheck-data\">";

fn keys() -> String {
    util::root()
        .join("samples/dkim-keys.txt")
        .to_string_lossy()
        .into_owned()
}

/// Scans the samples with `--html` and returns the page and the report
/// (from a `--json` run of the same scan).
fn scan_samples(dir: &Path) -> (String, Report, PathBuf) {
    let page = dir.join("report.html");
    let samples = util::samples();
    let s = samples.to_str().expect("utf-8 path");
    let k = keys();
    util::run(
        &[
            "scan",
            s,
            "--dkim-keys",
            &k,
            "--html",
            page.to_str().expect("utf-8 path"),
            "--quiet",
        ],
        0,
    );
    let (report, _) = util::scan(&[s, "--dkim-keys", &k]);
    let text = std::fs::read_to_string(&page).expect("read the html report");
    (text, report, page)
}

fn ground_truth() -> Vec<String> {
    let text = std::fs::read_to_string(util::root().join("samples/ground-truth.json"))
        .expect("ground truth");
    let v: Value = serde_json::from_str(&text).expect("ground truth json");
    v["forgeries"]
        .as_array()
        .expect("forgeries")
        .iter()
        .filter_map(|f| f["path"].as_str().map(str::to_string))
        .collect()
}

/// The markup outside the data island, and the island's text.
fn split(page: &str) -> (String, String) {
    let start = page.find(ISLAND_OPEN).expect("a data island") + ISLAND_OPEN.len();
    let end = start + page[start..].find("</script>").expect("the island's end");
    (
        format!("{}{}", &page[..start], &page[end..]),
        page[start..end].to_string(),
    )
}

/// No reference to anything outside the file: no network URL in an
/// attribute that loads or links, no CSS import or remote url().
fn assert_offline(markup: &str) {
    let lower = markup.to_ascii_lowercase();
    let remote = |rest: &str| {
        let rest = rest.trim_start_matches(['"', '\'', ' ', '\t', '\n']);
        ["http:", "https:", "//", "ftp:", "ws:", "wss:"]
            .iter()
            .any(|p| rest.starts_with(p))
    };
    for attr in [
        "src",
        "href",
        "xlink:href",
        "action",
        "formaction",
        "poster",
        "srcset",
        "data",
        "background",
        "manifest",
    ] {
        for sep in [" ", "\n", "\t"] {
            let pat = format!("{sep}{attr}=");
            for (pos, _) in lower.match_indices(&pat) {
                let rest = &lower[pos + pat.len()..];
                assert!(
                    !remote(rest),
                    "external reference: {}",
                    &markup[pos..(pos + 120).min(markup.len())]
                );
            }
        }
    }
    assert!(!lower.contains("@import"), "a CSS @import");
    for (pos, _) in lower.match_indices("url(") {
        assert!(
            !remote(&lower[pos + 4..]),
            "a remote url(): {}",
            &markup[pos..(pos + 80).min(markup.len())]
        );
    }
    for tag in ["<link", "<iframe", "<object", "<embed", "<base", "<img"] {
        assert!(!lower.contains(tag), "the page has a {tag} element");
    }
    for api in [
        "fetch(",
        "xmlhttprequest",
        "websocket",
        "eventsource",
        "import(",
    ] {
        assert!(!lower.contains(api), "the script uses {api}");
    }
    assert!(
        lower.contains("http-equiv=\"content-security-policy\" content=\"default-src 'none'"),
        "no Content-Security-Policy forbidding network access"
    );
}

/// The provenance paths of the island's items, rebuilt as the script does.
fn island_paths(data: &Value) -> Vec<String> {
    let items = data["items"].as_array().expect("items");
    let mut paths: Vec<String> = Vec::with_capacity(items.len());
    for it in items {
        let name = it[0].as_str().expect("name");
        let parent = it[1].as_i64().expect("parent");
        let p = if parent >= 0 {
            format!("{}!{name}", paths[parent as usize])
        } else {
            name.to_string()
        };
        paths.push(p);
    }
    paths
}

fn timeline_svg(markup: &str) -> &str {
    let start = markup
        .find("<svg class=\"timeline\"")
        .expect("a timeline svg");
    let end = start + markup[start..].find("</svg>").expect("svg end");
    &markup[start..end]
}

fn dated(report: &Report, path: &str) -> bool {
    report.items.iter().any(|i| {
        i.path == path
            && (i.email.as_ref().is_some_and(|e| e.date.is_some())
                || i.document
                    .as_ref()
                    .is_some_and(|d| d.modified.is_some() || d.created.is_some()))
    })
}

#[test]
fn sample_report_is_self_contained_and_complete() {
    let dir = util::tempdir();
    let (page, report, _) = scan_samples(dir.path());
    assert!(page.starts_with("<!doctype html>\n<html lang=\"en\""));
    assert!(page.ends_with("</html>\n"));
    let (markup, island) = split(&page);
    assert_offline(&markup);

    // Exactly two scripts: the data and the code.
    assert_eq!(page.matches("<script").count(), 2);
    assert_eq!(page.matches("</script>").count(), 2);
    assert!(!island.contains('<'), "the island must escape '<'");

    // The island parses and has one entry per item, in item order.
    let data: Value = serde_json::from_str(&island).expect("the data island parses");
    let paths = island_paths(&data);
    assert_eq!(paths.len(), report.items.len());
    for (p, it) in paths.iter().zip(&report.items) {
        assert_eq!(p, &it.path);
    }
    assert_eq!(
        data["findings"].as_array().map(Vec::len),
        Some(report.findings.len())
    );
    assert_eq!(
        data["dups"].as_array().map(Vec::len),
        Some(report.duplicates.len())
    );

    // Every planted forgery is ranked, in the island and on the timeline.
    let ranking = data["ranking"].as_array().expect("ranking");
    assert_eq!(ranking.len(), report.ranking.len());
    let ranked: Vec<&str> = ranking
        .iter()
        .map(|r| paths[r[0].as_u64().expect("index") as usize].as_str())
        .collect();
    let expected: Vec<&str> = report.ranking.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(ranked, expected);
    let svg = timeline_svg(&markup);
    let marks = svg.matches("class=\"mark\"").count();
    let dated_ranked = report
        .ranking
        .iter()
        .filter(|s| dated(&report, &s.path))
        .count();
    assert!(marks >= 1, "no ranked item marked on the timeline");
    let section = &markup[markup.find("<section id=\"timeline\"").expect("timeline")..];
    let section = &section[..section.find("</section>").expect("timeline end")];
    let outside = section.matches("Ranked items dated outside").count();
    assert!(
        marks == dated_ranked || (outside > 0 && marks < dated_ranked),
        "{marks} marks for {dated_ranked} dated ranked items"
    );
    assert!(svg.contains("class=\"b-email\"") && svg.contains("class=\"b-doc\""));
    // (Whether each forgery is ranked is the checks' business, tested in
    // `samples`; here every ranked one must be on the page.)
    let forgeries: Vec<String> = ground_truth()
        .into_iter()
        .filter(|p| expected.contains(&p.as_str()))
        .collect();
    assert!(!forgeries.is_empty(), "no planted forgery is ranked");
    for path in forgeries {
        let href = format!("href=\"#item={}\"", html::encode_component(&path));
        if dated(&report, &path) {
            assert!(
                section.contains(&href),
                "forgery {path} not marked on the timeline"
            );
        }
    }

    // The summary is server-drawn.
    for needle in [
        "<section id=\"summary\"",
        &format!(
            "<strong>{} of {}</strong> messages verified",
            report.summary.dkim.verified, report.summary.dkim.messages
        ),
        "Containers: members listed vs read",
        "Findings by severity",
        "<noscript>",
    ] {
        assert!(markup.contains(needle), "the page lacks {needle}");
    }

    // Same report, same bytes: the CLI's page is what the library renders
    // for the report read back from JSON, and rendering twice agrees.
    let again = html::render(&report);
    assert!(again == page, "the page differs from a second rendering");
}

/// A report with hostile names everywhere the page shows text.
fn hostile_report(base: &Report) -> Report {
    const EVIL: &str = "</script><script>alert(1)</script>";
    const ARABIC: &str = "طلب مقابلة مع المرشحة";
    let mut r = base.clone();
    let root = format!("{EVIL}.eml");
    let att = format!("{root}!<svg onload=alert(2)>{EVIL}.jpg");
    let mut mail = r
        .items
        .iter()
        .find(|i| i.email.as_ref().is_some_and(|e| e.date.is_some()))
        .expect("a dated email")
        .clone();
    mail.path = root.clone();
    mail.parent = None;
    if let Some(e) = mail.email.as_mut() {
        e.subject = Some(format!("{EVIL} {ARABIC}"));
        e.from = Some(format!(
            "\"<img src=x onerror=alert(3)>{ARABIC}\" <{EVIL}@x>"
        ));
        e.from_address = Some(format!("{EVIL}@x"));
        e.client = Some(EVIL.to_string());
        e.message_id_text = Some(format!("<{EVIL}@evil>"));
        e.message_id = Some(format!("{EVIL}@evil"));
    }
    let mut attachment = r
        .items
        .iter()
        .find(|i| i.document.is_some())
        .expect("a document")
        .clone();
    attachment.path = att.clone();
    attachment.parent = Some(root.clone());
    attachment.claimed_type = Some(EVIL.into());
    attachment.error = Some(EVIL.into());
    if let Some(d) = attachment.document.as_mut() {
        d.author = Some(EVIL.into());
        d.title = Some(ARABIC.into());
    }
    r.items.push(mail);
    r.items.push(attachment);
    r.findings.push(
        leakcheck::Finding::new(
            "type.mismatch",
            leakcheck::Severity::High,
            vec![att.clone(), root.clone()],
            format!("{EVIL} {ARABIC}"),
        )
        .with("observed", EVIL)
        .with("expected", ARABIC)
        .with("nested", serde_json::json!({ "k": [EVIL, root] })),
    );
    r.findings.push(leakcheck::Finding::new(
        EVIL,
        leakcheck::Severity::Medium,
        vec![root.clone()],
        EVIL,
    ));
    r.ranking = score::rank(&r.items, &r.findings);
    r.duplicates.push(leakcheck::corpus::DuplicateGroup {
        sha256: EVIL.into(),
        size: 1,
        paths: vec![root.clone(), att],
    });
    r.inputs[0].path = EVIL.into();
    r.options.excludes.push(EVIL.into());
    r.summary.by_type.insert(EVIL.into(), 1);
    r.summary.by_kind.insert(EVIL.into(), 1);
    r.summary.containers.insert(EVIL.into(), Default::default());
    r.summary
        .dkim
        .domains
        .insert(EVIL.into(), Default::default());
    r.summary
        .incomplete_containers
        .push(leakcheck::report::Incomplete {
            path: root,
            format: EVIL.into(),
            members_listed: 2,
            members_read: 1,
        });
    r
}

#[test]
fn hostile_names_cannot_break_out() {
    let (base, _) = util::scan(&[
        util::samples().to_str().expect("utf-8"),
        "--dkim-keys",
        &keys(),
    ]);
    let report = hostile_report(&base);
    let page = html::render(&report);
    let lower = page.to_ascii_lowercase();
    assert!(!page.contains("</script><script>alert"));
    assert!(!lower.contains("<script>alert"));
    assert!(!lower.contains("<svg onload"));
    assert!(!lower.contains("<img src=x"));
    assert_eq!(lower.matches("<script").count(), 2);
    assert_eq!(lower.matches("</script").count(), 2);
    // Escaped where the page shows it: HTML in the markup, \u003c in JSON.
    let (markup, island) = split(&page);
    assert!(markup.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(island.contains("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"));
    assert_offline(&markup);
    // The data survives the escaping.
    let data: Value = serde_json::from_str(&island).expect("island parses");
    let paths = island_paths(&data);
    assert_eq!(paths.len(), report.items.len());
    assert!(
        paths
            .iter()
            .any(|p| p.starts_with("</script><script>alert(1)"))
    );
    assert!(island.contains("طلب مقابلة مع المرشحة"));
    // The hostile email is on the timeline, its path escaped in the link.
    let svg = timeline_svg(&markup);
    assert!(svg.contains("#item=%3C%2Fscript%3E%3Cscript%3Ealert(1)"));
    // Right-to-left text in server-drawn markup is isolated.
    assert!(markup.contains("<bdi dir=\"auto\">&lt;/script&gt;"));
}

/// `n` items made of copies of the sample's, each copy under its own folder
/// with its own findings, digests and duplicate groups.
fn synthetic(base: &Report, n: usize) -> Report {
    let mut r = base.clone();
    r.items = Vec::with_capacity(n);
    r.findings = Vec::new();
    r.duplicates = Vec::new();
    let mut copy = 0usize;
    while r.items.len() < n {
        let prefix = format!("copy{copy:06}/");
        let sha = |s: &str| format!("{copy:08x}{}", &s[8.min(s.len())..]);
        for it in &base.items {
            if r.items.len() == n {
                break;
            }
            let mut it = it.clone();
            it.path = format!("{prefix}{}", it.path);
            it.parent = it.parent.map(|p| format!("{prefix}{p}"));
            it.sha256 = it.sha256.as_deref().map(sha);
            r.items.push(it);
        }
        for f in &base.findings {
            let mut f = f.clone();
            f.paths = f.paths.iter().map(|p| format!("{prefix}{p}")).collect();
            f.id = format!("{copy:06}{}", f.id);
            r.findings.push(f);
        }
        for g in &base.duplicates {
            let mut g = g.clone();
            g.sha256 = sha(&g.sha256);
            g.paths = g.paths.iter().map(|p| format!("{prefix}{p}")).collect();
            r.duplicates.push(g);
        }
        copy += 1;
    }
    r.ranking = score::rank(&r.items, &r.findings);
    r.summary.items = n as u64;
    r.summary.by_kind.clear();
    r.summary.by_type.clear();
    for it in &r.items {
        *r.summary.by_kind.entry(it.kind.to_string()).or_default() += 1;
        *r.summary
            .by_type
            .entry(it.detected_type.clone())
            .or_default() += 1;
    }
    r
}

#[test]
fn size_grows_linearly_with_items() {
    let (base, _) = util::scan(&[
        util::samples().to_str().expect("utf-8"),
        "--dkim-keys",
        &keys(),
    ]);
    let small = html::render(&synthetic(&base, 10_000));
    let large = html::render(&synthetic(&base, 100_000));
    let ratio = large.len() as f64 / small.len() as f64;
    println!(
        "html report: {} bytes for 10,000 items, {} bytes for 100,000 items (ratio {ratio:.2})",
        small.len(),
        large.len()
    );
    assert!((8.0..=12.0).contains(&ratio), "size ratio {ratio:.2}");
    // The SVG is bounded whatever the number of items.
    let (a, b) = (timeline_svg(&small).len(), timeline_svg(&large).len());
    assert!(
        b < 2 * a + 50_000,
        "timeline svg grew from {a} to {b} bytes"
    );
}

// ------------------------------------------------------------------ chromium

const CHROMIUM: &str = "/usr/bin/chromium";

/// Runs headless chromium on `url` with `extra` flags; kills it (and its
/// process group) after `limit`. Returns its standard output and the time
/// it took.
fn chromium(url: &str, extra: &[&str], limit: Duration) -> (String, Duration) {
    use std::os::unix::process::CommandExt;
    let profile = util::tempdir();
    let mut cmd = Command::new(CHROMIUM);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(extra)
    .arg(url)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::null())
    .process_group(0);
    let start = Instant::now();
    let mut child = cmd.spawn().expect("run /usr/bin/chromium");
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let pgid = child.id() as i32;
    loop {
        if child.try_wait().expect("wait for chromium").is_some() {
            break;
        }
        if start.elapsed() > limit {
            // SAFETY: signals the process group this test started.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
            let _ = child.wait();
            panic!("chromium did not finish within {limit:?} on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let took = start.elapsed();
    // Helpers chromium leaves behind would keep the pipe open.
    // SAFETY: as above; the group may already be gone.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
    let out = reader.join().expect("reader thread");
    (String::from_utf8_lossy(&out).into_owned(), took)
}

fn file_url(page: &Path, hash: &str) -> String {
    format!("file://{}{hash}", page.display())
}

fn dump_dom(page: &Path, hash: &str) -> String {
    let (dom, _) = chromium(
        &file_url(page, hash),
        &["--virtual-time-budget=10000", "--dump-dom"],
        Duration::from_secs(120),
    );
    assert!(
        dom.contains("</html>"),
        "chromium printed no DOM for {hash}: {}",
        &dom[..dom.len().min(500)]
    );
    dom
}

/// The DOM without the data island (which repeats the dump's text raw).
fn drawn(dom: &str) -> &str {
    &dom[..dom.find("id=\"leakcheck-data\"").unwrap_or(dom.len())]
}

/// The time the page's script says its first drawing took.
fn drawn_ms(dom: &str) -> &str {
    dom.split("data-drawn-ms=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("?")
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let a = s
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in the DOM"));
    let b = s[a..].find(end).map_or(s.len(), |b| a + b);
    &s[a..b]
}

/// What chromium's serializer writes for a text node.
fn text_esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\u{a0}', "&nbsp;")
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
#[ignore = "needs chromium"]
fn chromium_draws_the_sample_report() {
    let dir = util::tempdir();
    let (_, report, page) = scan_samples(dir.path());

    // The ranked list, with the top item and its reason.
    let dom = dump_dom(&page, "");
    let body = drawn(&dom);
    assert!(
        !body.contains("class=\"js-status\" role=\"alert\">"),
        "the script reported an error"
    );
    let top = report.ranking.first().expect("a ranked item");
    let card = between(body, "data-rank=\"1\"", "data-rank=\"2\"");
    assert!(card.contains(&format!(
        "href=\"#item={}\"",
        html::encode_component(&top.path)
    )));
    assert!(
        card.contains(&text_esc(&top.reason)),
        "the top card lacks its reason: {}",
        &card[..card.len().min(2000)]
    );
    assert_eq!(
        body.matches("<article class=\"suspect ").count(),
        report.ranking.len().min(20)
    );
    // The timeline, server-drawn, is there.
    assert!(body.contains("<svg class=\"timeline\"") && body.contains("class=\"mark\""));
    // The items table: one page of rows.
    let rows = body.matches("<tr class=\"item-row").count();
    assert_eq!(rows, report.items.len().min(100));
    // Right-to-left text from the dump is shown with dir="auto".
    let arabic = report
        .items
        .iter()
        .filter_map(|i| i.email.as_ref()?.subject.clone())
        .find(|s| s.chars().any(|c| ('\u{600}'..='\u{6ff}').contains(&c)))
        .expect("an Arabic subject in the samples");
    let mut seen = 0;
    for (pos, _) in body.match_indices(&arabic) {
        let tag_start = body[..pos].rfind('<').expect("an element");
        let tag = &body[tag_start..pos];
        assert!(tag.contains("dir=\"auto\""), "{tag}{arabic} lacks dir=auto");
        seen += 1;
    }
    assert!(seen >= 1, "the Arabic subject is not shown");

    // #item= opens the provenance chain of a forged attachment.
    let forged = ground_truth()
        .into_iter()
        .find(|p| p.contains(".eml!"))
        .expect("a forged attachment");
    let carrier = forged.split('!').next().expect("carrier").to_string();
    let dom = dump_dom(&page, &format!("#item={}", html::encode_component(&forged)));
    let body = drawn(&dom);
    let chain = between(body, "<ol class=\"chain\"", "</ol>");
    let a = chain
        .find(&format!("data-path=\"{carrier}\""))
        .expect("the carrier in the chain");
    let b = chain
        .find(&format!("data-path=\"{forged}\""))
        .expect("the attachment in the chain");
    assert!(a < b, "chain order: {chain}");
    assert_eq!(chain.matches("<li").count(), 2);
    assert!(chain.contains(&format!(
        "href=\"#item={}\"",
        html::encode_component(&carrier)
    )));
    let view = between(body, "<section id=\"item-view\"", "</section>");
    assert!(view.contains("Findings on this item"));
    assert!(view.contains("class=\"evidence\""));

    // #q=taxi filters the items table down to matching rows.
    let dom = dump_dom(&page, "#q=taxi");
    let body = drawn(&dom);
    let tbody = between(body, "<tbody id=\"items-body\">", "</tbody>");
    let rows: Vec<&str> = tbody.split("<tr class=\"item-row").skip(1).collect();
    assert!(
        rows.len() >= 2 && rows.len() < report.items.len(),
        "{} rows for taxi",
        rows.len()
    );
    for row in &rows {
        assert!(
            strip_tags(row).to_lowercase().contains("taxi"),
            "a row without taxi: {row}"
        );
    }

    // A screenshot for a human to look at.
    let png = util::root().join("target").join("html-report.png");
    let _ = std::fs::remove_file(&png);
    chromium(
        &file_url(&page, ""),
        &[
            "--virtual-time-budget=10000",
            &format!("--screenshot={}", png.display()),
            "--window-size=1400,2600",
        ],
        Duration::from_secs(120),
    );
    let size = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 50_000,
        "screenshot {} is {size} bytes",
        png.display()
    );
    println!("screenshot: {} ({size} bytes)", png.display());
}

#[test]
#[ignore = "needs chromium"]
fn chromium_shows_hostile_names_as_text() {
    let (base, _) = util::scan(&[
        util::samples().to_str().expect("utf-8"),
        "--dkim-keys",
        &keys(),
    ]);
    let report = hostile_report(&base);
    let dir = util::tempdir();
    let page = dir.path().join("hostile.html");
    std::fs::write(&page, html::render(&report)).expect("write");
    let dom = dump_dom(&page, "#q=alert(1)");
    let body = drawn(&dom);
    assert!(!body.contains("class=\"js-status\" role=\"alert\">"));
    assert!(!body.contains("<img"), "an injected element");
    assert!(!body.contains("<svg onload"), "an injected element");
    assert!(body.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(body.matches("<tr class=\"item-row").count() >= 2);
}

#[test]
#[ignore = "needs chromium"]
fn chromium_draws_100k_items_paginated() {
    let (base, _) = util::scan(&[
        util::samples().to_str().expect("utf-8"),
        "--dkim-keys",
        &keys(),
    ]);
    let report = synthetic(&base, 100_000);
    let dir = util::tempdir();
    let page = dir.path().join("large.html");
    let t = Instant::now();
    let text = html::render(&report);
    let render_time = t.elapsed();
    std::fs::write(&page, &text).expect("write");
    let (dom, took) = chromium(
        &file_url(&page, ""),
        &["--virtual-time-budget=10000", "--dump-dom"],
        Duration::from_secs(180),
    );
    let body = drawn(&dom);
    println!(
        "100,000 items: rendered {} bytes in {render_time:?}; chromium loaded and drew it in {took:?} \
         (data read and first drawing in the page: {} ms)",
        text.len(),
        drawn_ms(body)
    );
    assert!(!body.contains("class=\"js-status\" role=\"alert\">"));
    assert!(body.contains("data-rank=\"1\""), "no ranked list");
    assert_eq!(body.matches("<article class=\"suspect ").count(), 20);
    assert_eq!(body.matches("<tr class=\"item-row").count(), 100);
    assert!(body.contains("of 100,000"), "no pager over 100,000 items");
    assert!(took < Duration::from_secs(60), "chromium took {took:?}");

    // A filter and a deep page, driven by the hash.
    let (dom, took) = chromium(
        &file_url(&page, "#q=recu-taxi&page=3"),
        &["--virtual-time-budget=10000", "--dump-dom"],
        Duration::from_secs(180),
    );
    let body = drawn(&dom);
    println!(
        "100,000 items, filtered to page 3: {took:?} (data read and first drawing in the page: {} ms)",
        drawn_ms(body)
    );
    let rows = body.matches("<tr class=\"item-row").count();
    assert!(rows > 0 && rows <= 100, "{rows} rows");
    assert!(body.contains("page 3 of"));
}
