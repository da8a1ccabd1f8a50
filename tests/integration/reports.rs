//! Tests of the reports output: SARIF (`--sarif`) and CSV (`--csv`), each
//! checked against the JSON report of the same scan.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use leakcheck::Report;
use serde_json::Value;

use crate::util::{self, root, run, samples};

/// One scan of the samples written every way.
struct Outputs {
    report: Report,
    sarif: String,
    items_csv: String,
    findings_csv: String,
}

fn scan_into(dir: &Path, extra: &[&str]) -> Outputs {
    let sarif_path = dir.join("leakcheck.sarif");
    let csv_dir = dir.join("tables");
    let samples = samples();
    let keys = root().join("samples/dkim-keys.txt");
    let mut args = vec![
        "scan",
        samples.to_str().unwrap(),
        "--dkim-keys",
        keys.to_str().unwrap(),
        "--json",
        "--sarif",
        sarif_path.to_str().unwrap(),
        "--csv",
        csv_dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = run(&args, 0);
    let report: Report = serde_json::from_slice(&out.stdout).unwrap();
    Outputs {
        report,
        sarif: std::fs::read_to_string(&sarif_path).unwrap(),
        items_csv: std::fs::read_to_string(csv_dir.join("items.csv")).unwrap(),
        findings_csv: std::fs::read_to_string(csv_dir.join("findings.csv")).unwrap(),
    }
}

fn outputs() -> &'static Outputs {
    static OUT: OnceLock<Outputs> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = util::tempdir();
        scan_into(dir.path(), &[])
    })
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .unwrap_or_else(|| panic!("bad escape in {s}"));
            out.push(u8::from_str_radix(hex, 16).unwrap_or_else(|_| panic!("bad escape in {s}")));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// An RFC 3986 relative-path reference as the SARIF renderer promises it:
/// only unreserved, sub-delims, ':', '@', '/' and %XX, no scheme-like first
/// segment, no leading '/'.
fn is_relative_reference(u: &str) -> bool {
    let b = u.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            let ok = b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if !ok {
                return false;
            }
            i += 3;
            continue;
        }
        if !(c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&c)) {
            return false;
        }
        i += 1;
    }
    let first = u.split('/').next().unwrap_or("");
    !u.starts_with('/') && !first.contains(':')
}

fn sarif_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn item_paths(report: &Report) -> HashSet<&str> {
    report.items.iter().map(|i| i.path.as_str()).collect()
}

/// The structural promises of a SARIF log about a report.
fn check_sarif(log: &Value, report: &Report) {
    assert_eq!(log["version"], "2.1.0");
    assert!(
        log["$schema"]
            .as_str()
            .unwrap()
            .contains("sarif-schema-2.1.0")
    );
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "leakcheck");
    assert_eq!(driver["version"], report.tool.version.as_str());
    assert!(driver.get("informationUri").is_none(), "nothing to fetch");

    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "rules sorted and unique");
    for r in rules {
        for key in ["shortDescription", "fullDescription"] {
            assert!(!r[key]["text"].as_str().unwrap().is_empty(), "{key} of {r}");
        }
        assert!(!r["help"]["text"].as_str().unwrap().is_empty());
        assert!(!r["help"]["markdown"].as_str().unwrap().is_empty());
        let tags = r["properties"]["tags"].as_array().unwrap();
        let unique: BTreeSet<&str> = tags.iter().map(|t| t.as_str().unwrap()).collect();
        assert_eq!(unique.len(), tags.len());
        if let Some(s) = r["properties"].get("security-severity") {
            let v: f64 = s.as_str().unwrap().parse().unwrap();
            assert!((0.0..=10.0).contains(&v));
        }
    }

    let items = item_paths(report);
    let results = run["results"].as_array().unwrap();
    let problems: Vec<_> = report.findings.iter().filter(|f| !f.supports).collect();
    assert_eq!(results.len(), problems.len(), "one result per doubt");
    let mut prints = HashSet::new();
    let mut used_rules = BTreeSet::new();
    for (res, f) in results.iter().zip(&problems) {
        let rule = res["ruleId"].as_str().unwrap();
        assert_eq!(rule, f.rule);
        used_rules.insert(rule);
        let index = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids.get(index), Some(&rule), "ruleIndex of {rule}");
        let level = res["level"].as_str().unwrap();
        assert!(["error", "warning", "note"].contains(&level), "{level}");
        let want = match f.severity {
            leakcheck::Severity::High => "error",
            leakcheck::Severity::Medium => "warning",
            _ => "note",
        };
        assert_eq!(level, want);
        assert!(
            res["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with(&f.message)
                || f.message.contains("]("),
            "{res}"
        );
        let locations = res["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let related = res
            .get("relatedLocations")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        assert_eq!(related.len() + 1, f.paths.len());
        for (loc, path) in locations.iter().chain(&related).zip(&f.paths) {
            let art = &loc["physicalLocation"]["artifactLocation"];
            assert_eq!(art["uriBaseId"], "%SRCROOT%");
            let uri = art["uri"].as_str().unwrap();
            assert!(is_relative_reference(uri), "{uri}");
            let decoded = percent_decode(uri);
            assert_eq!(&decoded, path);
            assert!(items.contains(decoded.as_str()), "{decoded} is no item");
        }
        let fp = res["partialFingerprints"]["leakcheckFindingId/v1"]
            .as_str()
            .unwrap();
        assert_eq!(fp, f.id);
        assert!(prints.insert(fp.to_string()), "fingerprint {fp} repeated");
        assert_eq!(res["properties"]["severity"], f.severity.as_str());
    }
    let declared: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(used_rules, declared, "rules[] holds exactly the rules used");
    assert!(run["originalUriBaseIds"]["%SRCROOT%"]["description"]["text"].is_string());
    assert_eq!(
        run["properties"]["supportingFindings"].as_u64().unwrap() as usize,
        report.findings.len() - problems.len()
    );
}

#[test]
fn sarif_results_rules_and_locations_match_the_json_report() {
    let o = outputs();
    assert!(
        o.report.findings.iter().any(|f| !f.supports),
        "the samples have findings"
    );
    assert!(o.report.findings.iter().any(|f| f.supports));
    assert!(o.report.findings.iter().any(|f| f.paths.len() > 1));
    check_sarif(&sarif_json(&o.sarif), &o.report);
    // The library renders the same bytes the CLI wrote.
    assert_eq!(leakcheck::report::sarif::render(&o.report), o.sarif);
}

/// A report whose paths, subjects and messages are hostile.
fn hostile_report() -> Report {
    let mut r = outputs().report.clone();
    let formula = "=HYPERLINK(\"http://x\")";
    // Items that findings are about, so the new paths reach the SARIF too.
    let mut targets: Vec<String> = Vec::new();
    for f in r.findings.iter().filter(|f| !f.supports) {
        if !targets.contains(&f.paths[0]) {
            targets.push(f.paths[0].clone());
        }
    }
    let renames = [
        formula.to_string(),
        "c:dir/a b/ünï%25code#?[x].eml!a/../.!-1".to_string(),
        "/lead//double@x+y".to_string(),
    ];
    for (old, new) in targets.into_iter().zip(renames) {
        for it in &mut r.items {
            if it.path == old {
                it.path = new.clone();
            }
            if it.parent.as_deref() == Some(old.as_str()) {
                it.parent = Some(new.clone());
            }
        }
        for f in &mut r.findings {
            for p in &mut f.paths {
                if *p == old {
                    *p = new.clone();
                }
            }
        }
        for s in &mut r.ranking {
            if s.path == old {
                s.path = new.clone();
            }
        }
    }
    let email = r
        .items
        .iter_mut()
        .find_map(|i| i.email.as_mut())
        .expect("an email");
    email.subject = Some(formula.to_string());
    email.from = Some("@evil".to_string());
    email.to = Some("'=quoted".to_string());
    let f = r.findings.iter_mut().find(|f| !f.supports).unwrap();
    f.message = "+cmd|' /C calc'!A0 see [here](1) \\".to_string();
    r
}

#[test]
fn sarif_uris_of_hostile_paths_decode_back_exactly() {
    let r = hostile_report();
    let log = sarif_json(&leakcheck::report::sarif::render(&r));
    check_sarif(&log, &r);
    let uris: Vec<String> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|res| {
            let mut v = vec![res["locations"][0].clone()];
            v.extend(
                res.get("relatedLocations")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
            );
            v
        })
        .map(|l| {
            l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    // The renamed items are among them, encoded.
    for want in [
        "=HYPERLINK(%22http%3A//x%22)",
        "c%3Adir/a%20b/%C3%BCn%C3%AF%2525code%23%3F%5Bx%5D.eml!a/%2E%2E/.!-1",
        "%2Flead//double@x+y",
    ] {
        assert!(uris.iter().any(|u| u == want), "{want} not in {uris:#?}");
    }
    // A message with link syntax is escaped.
    let escaped = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|res| res["message"]["text"].as_str())
        .find(|t| t.starts_with("+cmd"))
        .unwrap();
    assert!(
        escaped.starts_with("+cmd|' /C calc'!A0 see \\[here\\](1) \\\\"),
        "{escaped}"
    );
}

fn parse_csv(text: &str) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header = rd.headers().unwrap().iter().map(str::to_string).collect();
    let rows = rd.records().collect::<Result<Vec<_>, _>>().unwrap();
    (header, rows)
}

const ITEM_HEADER: &str = "path,parent,kind,claimed_type,detected_type,size,sha256,blake3,error,rank,score,level,reason,findings,top_severity,supporting,from,to,subject,date,author,last_modified_by,application,created,modified";
const FINDING_HEADER: &str = "id,rule,severity,supports,path,related,message,evidence";

#[test]
fn csv_tables_have_one_row_per_item_and_finding() {
    let o = outputs();
    for text in [&o.items_csv, &o.findings_csv] {
        assert!(!text.starts_with('\u{feff}'), "no BOM");
        assert!(text.ends_with("\r\n"));
    }
    assert!(o.items_csv.starts_with(&format!("{ITEM_HEADER}\r\n")));
    assert!(o.findings_csv.starts_with(&format!("{FINDING_HEADER}\r\n")));

    let (header, rows) = parse_csv(&o.items_csv);
    assert_eq!(header.join(","), ITEM_HEADER);
    assert_eq!(rows.len(), o.report.items.len());
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for (row, item) in rows.iter().zip(&o.report.items) {
        assert_eq!(&row[col("path")], item.path);
        assert_eq!(row[col("size")].parse::<u64>().unwrap(), item.size);
        assert_eq!(&row[col("sha256")], item.sha256.as_deref().unwrap_or(""));
        assert_eq!(&row[col("kind")], item.kind.as_str());
        let against = o
            .report
            .findings
            .iter()
            .filter(|f| !f.supports && f.paths.first() == Some(&item.path))
            .count();
        assert_eq!(row[col("findings")].parse::<usize>().unwrap(), against);
        let supporting = o
            .report
            .findings
            .iter()
            .filter(|f| f.supports && f.paths.first() == Some(&item.path))
            .count();
        assert_eq!(row[col("supporting")].parse::<usize>().unwrap(), supporting);
        match o.report.ranking.iter().find(|s| s.path == item.path) {
            Some(s) => {
                assert_eq!(row[col("rank")].parse::<u32>().unwrap(), s.rank);
                assert_eq!(row[col("score")].parse::<u32>().unwrap(), s.score);
                assert_eq!(&row[col("level")], s.level);
            }
            None => assert_eq!(&row[col("rank")], ""),
        }
        if let Some(e) = item.email.as_deref() {
            assert_eq!(&row[col("subject")], e.subject.as_deref().unwrap_or(""));
        }
        if let Some(d) = item.document.as_deref() {
            assert_eq!(&row[col("author")], d.author.as_deref().unwrap_or(""));
        }
    }
    // Email dates and document times are filled where the report has them.
    let dated = rows.iter().filter(|r| !r[col("date")].is_empty()).count();
    assert!(dated > 0);
    assert!(rows.iter().any(|r| !r[col("modified")].is_empty()));

    let (header, rows) = parse_csv(&o.findings_csv);
    assert_eq!(header.join(","), FINDING_HEADER);
    assert_eq!(rows.len(), o.report.findings.len());
    for (row, f) in rows.iter().zip(&o.report.findings) {
        assert_eq!(&row[0], f.id);
        assert_eq!(&row[1], f.rule);
        assert_eq!(&row[2], f.severity.as_str());
        assert_eq!(&row[3], if f.supports { "true" } else { "false" });
        assert_eq!(&row[4], f.paths[0]);
        assert_eq!(row[5].to_string(), f.paths[1..].join("\n"));
        assert_eq!(&row[6], f.message);
        let evidence: Value = serde_json::from_str(&row[7]).unwrap();
        assert_eq!(evidence, serde_json::to_value(&f.evidence).unwrap());
        assert!(!row[7].contains('\n'), "compact JSON");
    }
    // Findings naming three or more items give a multi-line cell (the
    // quoting of such cells is unit-tested in src/report/csv.rs too).
    let multi = o.report.findings.iter().any(|f| f.paths.len() > 2);
    assert_eq!(rows.iter().any(|r| r[5].contains('\n')), multi);
}

#[test]
fn csv_neutralises_formulas_and_still_parses() {
    let r = hostile_report();
    let files = leakcheck::report::csv::render(&r);
    let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["items.csv", "findings.csv"]);
    let formula = "=HYPERLINK(\"http://x\")";
    let neutral = format!("'{formula}");

    let (header, rows) = parse_csv(&files[0].1);
    assert_eq!(rows.len(), r.items.len());
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert!(rows.iter().any(|row| row[col("path")] == neutral));
    assert!(rows.iter().any(|row| row[col("subject")] == neutral));
    assert!(rows.iter().any(|row| &row[col("from")] == "'@evil"));
    // Quotes before a formula character get one more, so removing one
    // gives the value back; other leading quotes are left alone.
    assert!(rows.iter().any(|row| &row[col("to")] == "''=quoted"));
    // Children name the renamed parent, neutralised too.
    let children = r
        .items
        .iter()
        .filter(|i| i.parent.as_deref() == Some(formula))
        .count();
    assert_eq!(
        rows.iter()
            .filter(|row| row[col("parent")] == neutral)
            .count(),
        children
    );

    let (_, frows) = parse_csv(&files[1].1);
    assert_eq!(frows.len(), r.findings.len());
    assert!(frows.iter().any(|row| row[6].starts_with("'+cmd|")));
    for (name, text) in &files {
        for row in csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
        {
            for cell in row.unwrap().iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{name}: live formula cell {cell:?}"
                );
            }
        }
    }
}

#[test]
fn sarif_and_csv_are_byte_identical_across_runs() {
    let a = outputs();
    let dir = util::tempdir();
    let b = scan_into(dir.path(), &["--jobs", "1"]);
    assert!(a.sarif == b.sarif, "SARIF differs between runs");
    assert!(a.items_csv == b.items_csv, "items.csv differs between runs");
    assert!(
        a.findings_csv == b.findings_csv,
        "findings.csv differs between runs"
    );
}

fn schema_validator() -> jsonschema::Validator {
    let path = root().join("../shared/schemas/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_slice(
        &std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap();
    // The schema is draft-04, which knows no `uri-reference` format (it
    // came with draft 6); check it ourselves rather than not at all.
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .with_format("uri-reference", |s: &str| {
            s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?#%[]".contains(c))
                && s.match_indices('%').all(|(i, _)| {
                    s.as_bytes().get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                        && s.as_bytes().get(i + 2).is_some_and(u8::is_ascii_hexdigit)
                })
        })
        .build(&schema)
        .unwrap()
}

fn schema_errors(v: &jsonschema::Validator, log: &Value) -> Vec<String> {
    v.iter_errors(log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
#[ignore = "needs ../shared/schemas"]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let v = schema_validator();
    let o = outputs();
    let log = sarif_json(&o.sarif);
    let errors = schema_errors(&v, &log);
    assert!(errors.is_empty(), "{errors:#?}");
    let hostile = sarif_json(&leakcheck::report::sarif::render(&hostile_report()));
    let errors = schema_errors(&v, &hostile);
    assert!(errors.is_empty(), "{errors:#?}");

    // The validator is known to bite: a level SARIF does not have…
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(
        !schema_errors(&v, &broken).is_empty(),
        "level 'fatal' passed"
    );
    // …and a URI with a raw space.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        "a b.eml".into();
    assert!(!schema_errors(&v, &broken).is_empty(), "raw space passed");
}

#[test]
#[ignore = "needs python3"]
fn python_csv_module_reads_both_tables() {
    assert!(util::python3(), "python3 is not installed");
    let dir = util::tempdir();
    let o = outputs();
    let csv_dir = dir.path().join("tables");
    std::fs::create_dir_all(&csv_dir).unwrap();
    std::fs::write(csv_dir.join("items.csv"), &o.items_csv).unwrap();
    std::fs::write(csv_dir.join("findings.csv"), &o.findings_csv).unwrap();
    // A path with non-ASCII text and a '!' container step.
    let known = o
        .report
        .items
        .iter()
        .map(|i| i.path.as_str())
        .find(|p| p.contains('!') && !p.is_ascii())
        .or_else(|| {
            o.report
                .items
                .iter()
                .map(|i| i.path.as_str())
                .find(|p| p.contains('!'))
        })
        .unwrap();
    let script = r#"
import csv, json, sys
d = sys.argv[1]
def load(name):
    with open(d + "/" + name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
items = load("items.csv")
findings = load("findings.csv")
print(json.dumps({
    "items": len(items),
    "findings": len(findings),
    "paths": [r["path"] for r in items],
    "related": [r["related"] for r in findings],
    "columns": list(items[0].keys()),
}))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&csv_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["items"].as_u64().unwrap() as usize, o.report.items.len());
    assert_eq!(
        v["findings"].as_u64().unwrap() as usize,
        o.report.findings.len()
    );
    let paths: Vec<&str> = v["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(paths.contains(&known), "{known} did not round-trip");
    let expected: Vec<&str> = o.report.items.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(paths, expected);
    let related: HashMap<usize, String> = v["related"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, r)| (i, r.as_str().unwrap().to_string()))
        .collect();
    for (i, f) in o.report.findings.iter().enumerate() {
        assert_eq!(related[&i], f.paths[1..].join("\n"));
    }
    assert_eq!(v["columns"].as_array().unwrap().len(), 25);
}

#[test]
fn streamed_json_is_byte_identical_to_serde_pretty_printing() {
    // The streamed writer serialises items and findings in parallel and
    // indents them itself; serde_json's own pretty printer is the oracle,
    // on the samples' report, on one with hostile strings (quotes,
    // backslashes, line breaks in a message), and on an empty one.
    let mut hostile = hostile_report();
    hostile.findings[0].message = "line one\nline two\r\n\t\"quoted\" \\ end".into();
    let mut empty = outputs().report.clone();
    empty.items.clear();
    empty.findings.clear();
    empty.ranking.clear();
    for report in [&outputs().report, &hostile, &empty] {
        let mut streamed = Vec::new();
        report.write_json(&mut streamed).unwrap();
        let expected = format!("{}\n", serde_json::to_string_pretty(report).unwrap());
        assert_eq!(String::from_utf8(streamed).unwrap(), expected);
    }
    assert!(outputs().report.items.len() > 50);
}
