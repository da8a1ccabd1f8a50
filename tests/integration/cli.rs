//! The command line's contract: exit codes, `explain`, the progress bar.

use crate::util::*;

fn sample_args<'a>(keys: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["scan", SAMPLES_REL, "--dkim-keys", keys, "--quiet"];
    v.extend_from_slice(extra);
    v
}

const SAMPLES_REL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/dump");

#[test]
fn fail_on_sets_the_exit_code_by_severity() {
    let keys = root().join("samples/dkim-keys.txt");
    let keys = keys.to_str().expect("utf-8");
    // The samples hold high findings: every threshold up to high fails.
    for level in ["info", "low", "medium", "high"] {
        run(&sample_args(keys, &["--fail-on", level]), 1);
    }
    // Without --fail-on the scan succeeds whatever it found.
    run(&sample_args(keys, &[]), 0);

    // A dump with nothing against it passes even --fail-on info; its
    // supporting findings never count.
    let dir = tempdir();
    let dump = dir.path().join("dump");
    write(&dump, "notes.txt", b"plain text, nothing to see\n");
    run(
        &[
            "scan",
            dump.to_str().expect("utf-8"),
            "--quiet",
            "--fail-on",
            "info",
        ],
        0,
    );
    // A bad level is a usage error.
    let out = run(&sample_args(keys, &["--fail-on", "severe"]), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("possible values"), "{err}");
}

#[test]
fn fail_on_still_writes_every_report() {
    let dir = tempdir();
    let json = dir.path().join("r.json");
    let keys = root().join("samples/dkim-keys.txt");
    let keys = keys.to_str().expect("utf-8");
    run(
        &sample_args(
            keys,
            &["--fail-on", "high", "--out", json.to_str().expect("utf-8")],
        ),
        1,
    );
    assert!(json.metadata().expect("report written").len() > 1000);
}

#[test]
fn explain_covers_every_rule_and_refuses_unknown_ones() {
    let out = run(&["explain"], 0);
    let list = String::from_utf8(out.stdout).expect("utf-8");
    for rule in leakcheck::rules::RULES {
        assert!(
            list.contains(rule.id),
            "{} missing from the listing",
            rule.id
        );
        let out = run(&["explain", rule.id], 0);
        let text = String::from_utf8(out.stdout).expect("utf-8");
        for head in [
            "What it checks:",
            "Why it matters:",
            "Known false positives:",
        ] {
            assert!(text.contains(head), "{}: no '{head}'\n{text}", rule.id);
        }
    }
    let out = run(&["explain", "dkim.body_chaged"], 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no rule 'dkim.body_chaged'"), "{err}");
    assert!(
        err.contains("dkim.body_changed"),
        "suggests the near rule: {err}"
    );
}

#[test]
fn every_rule_in_the_samples_report_is_explained() {
    let keys = root().join("samples/dkim-keys.txt");
    let (r, _) = scan(&[
        samples().to_str().expect("utf-8"),
        "--dkim-keys",
        keys.to_str().expect("utf-8"),
    ]);
    for f in &r.findings {
        assert!(
            leakcheck::rules::find(&f.rule).is_some(),
            "rule {} has no catalogue entry",
            f.rule
        );
    }
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let out = run(&["scan", samples().to_str().expect("utf-8")], 0);
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `command` under a pseudo-terminal with util-linux `script`.
fn under_tty(command: &str) -> String {
    let out = std::process::Command::new("script")
        .args(["-qec", command, "/dev/null"])
        .output()
        .expect("run script (util-linux)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
#[ignore = "needs script (util-linux) for a pseudo-terminal"]
fn progress_bar_only_on_a_terminal_and_never_when_quiet() {
    let bin = env!("CARGO_BIN_EXE_leakcheck");
    let dump = samples();
    let dump = dump.to_str().expect("utf-8");
    // Standard error on a terminal: the bar draws, with files, items and errors.
    let tty = under_tty(&format!("'{bin}' scan '{dump}' > /dev/null"));
    assert!(tty.contains("files"), "no bar under a tty: {tty:?}");
    assert!(tty.contains("items ("), "{tty:?}");
    assert!(tty.contains("errors"), "{tty:?}");
    assert!(tty.contains("ETA"), "{tty:?}");
    // --quiet: nothing at all.
    let quiet = under_tty(&format!("'{bin}' scan '{dump}' --quiet"));
    assert!(quiet.is_empty(), "{quiet:?}");
    // Standard error redirected to a file while stdout is a terminal: no
    // bar in the file, and the summary on the terminal carries colour.
    let dir = tempdir();
    let log = dir.path().join("stderr.txt");
    let summary = under_tty(&format!("'{bin}' scan '{dump}' 2> '{}'", log.display()));
    assert_eq!(std::fs::read(&log).expect("stderr file").len(), 0);
    assert!(summary.contains("\x1b["), "colour on a terminal");
    // NO_COLOR turns colour off even on a terminal.
    let plain = under_tty(&format!("NO_COLOR=1 '{bin}' scan '{dump}' 2>/dev/null"));
    assert!(plain.contains("Most suspicious items"), "{plain:?}");
    assert!(!plain.contains("\x1b["), "{plain:?}");
}

#[test]
fn outputs_never_land_in_the_evidence_whatever_the_path_says() {
    let dir = tempdir();
    let dump = dir.path().join("dump");
    write(&dump, "a.txt", b"evidence\n");
    let d = dump.to_str().expect("utf-8");
    let sneaky = |rest: &str| format!("{}/nope/../dump/{rest}", dir.path().display());
    // A missing folder followed by `..` resolves into the dump: refused
    // before anything is created, for every kind of output.
    for (cmd, flag, name) in [
        ("scan", "--out", "r.json"),
        ("scan", "--csv", "tables"),
        ("scan", "--html", "r.html"),
        ("manifest", "--out", "m"),
        ("manifest", "--bagit", "bag"),
    ] {
        let target = sneaky(name);
        let out = run(&[cmd, d, "--quiet", flag, &target], 2);
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("refusing to write"),
            "{cmd} {flag} {target}"
        );
    }
    let names: Vec<String> = std::fs::read_dir(&dump)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["a.txt"], "nothing new inside the dump");
    assert!(!dir.path().join("nope").exists());

    // A report written over a hard link to evidence replaces the link;
    // the evidence keeps its bytes.
    let link = dir.path().join("hard-link.json");
    std::fs::hard_link(dump.join("a.txt"), &link).expect("hard link");
    run(
        &["scan", d, "--quiet", "--out", link.to_str().expect("utf-8")],
        0,
    );
    assert_eq!(
        std::fs::read(dump.join("a.txt")).expect("evidence"),
        b"evidence\n"
    );
    assert!(
        std::fs::read_to_string(&link)
            .expect("report")
            .contains("\"schema_version\"")
    );
}
