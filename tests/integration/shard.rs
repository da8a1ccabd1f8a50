//! `scan --shard K/N` and `merge`: the merged report is the single scan's.

use crate::util::*;

#[test]
fn four_shards_in_parallel_merge_to_the_single_scan_byte_for_byte() {
    let dir = tempdir();
    let dump = samples();
    let dump = dump.to_str().expect("utf-8");
    let keys = root().join("samples/dkim-keys.txt");
    let keys = keys.to_str().expect("utf-8");
    let parts: Vec<std::path::PathBuf> = (1..=4)
        .map(|k| dir.path().join(format!("part-{k}.json")))
        .collect();
    // Four processes at once, as four machines would run them.
    let children: Vec<std::process::Child> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            bin()
                .args(["scan", dump, "--dkim-keys", keys, "--quiet", "--shard"])
                .arg(format!("{}/4", i + 1))
                .arg("--out")
                .arg(p)
                .spawn()
                .expect("spawn shard")
        })
        .collect();
    for mut c in children {
        assert!(c.wait().expect("wait").success());
    }
    // Every shard holds some files and none holds them all.
    let single = run(&["scan", dump, "--dkim-keys", keys, "--json"], 0).stdout;
    let total: leakcheck::Report = serde_json::from_slice(&single).expect("report");
    let mut sizes = Vec::new();
    for p in &parts {
        let partial: leakcheck::shard::Partial =
            serde_json::from_slice(&std::fs::read(p).expect("partial")).expect("partial json");
        sizes.push(partial.units.len());
    }
    assert_eq!(
        sizes.iter().sum::<usize>() as u64,
        total.summary.entries_on_disk
    );
    assert!(sizes.iter().all(|&n| n > 0), "{sizes:?}");

    // Merged in any order, the report is the single scan's, byte for byte.
    let mut args: Vec<String> = vec!["merge".into()];
    args.extend(parts.iter().rev().map(|p| p.display().to_string()));
    args.push("--json".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let merged = run(&args, 0).stdout;
    assert!(
        merged == single,
        "merged report differs from the single scan"
    );

    // The other outputs come from the merge too.
    let html = dir.path().join("r.html");
    let mut with_html = args.clone();
    with_html.pop();
    with_html.extend(["--quiet", "--html", html.to_str().expect("utf-8")]);
    run(&with_html, 0);
    assert!(html.metadata().expect("html written").len() > 1000);
}

#[test]
fn merge_refuses_incomplete_or_mismatched_shards() {
    let dir = tempdir();
    let dump = samples();
    let dump = dump.to_str().expect("utf-8");
    let part = |k: u32, n: u32, extra: &[&str]| {
        let p = dir.path().join(format!("p{k}of{n}-{}.json", extra.len()));
        let mut args = vec!["scan", dump, "--quiet", "--out", p.to_str().expect("utf-8")];
        let shard = format!("{k}/{n}");
        args.extend(["--shard", shard.as_str()]);
        args.extend_from_slice(extra);
        run(&args, 0);
        p.display().to_string()
    };
    let a = part(1, 2, &[]);
    let b = part(2, 2, &[]);
    let other = part(2, 2, &["--exclude", "*.zip"]);
    let err = |args: &[&str]| {
        let out = run(args, 2);
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(err(&["merge", &a]).contains("missing shards: 2/2"));
    assert!(err(&["merge", &a, &a, &b]).contains("given twice"));
    assert!(err(&["merge", &a, &other]).contains("same paths and options"));
    let bogus = write(dir.path(), "bogus.json", b"{\"items\": []}");
    assert!(err(&["merge", bogus.to_str().expect("utf-8")]).contains("not a partial report"));
    // A shard needs somewhere to write, and a valid K/N.
    assert!(err(&["scan", dump, "--shard", "1/2"]).contains("--out FILE"));
    assert!(err(&["scan", dump, "--shard", "3/2", "--json"]).contains("K/N"));
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn real_documents_merge_identically() {
    // EXIF rationals, OLE doubles and PDF reals must survive the partial
    // reports' JSON exactly.
    let dir = tempdir();
    for sub in ["docs/python-docx", "docs/exiftool-t-images", "docs/olefile"] {
        let dump = shared_corpus().join(sub);
        let dump = dump.to_str().expect("utf-8");
        let single = run(&["scan", dump, "--json"], 0).stdout;
        let mut parts = Vec::new();
        for k in 1..=3 {
            let p = dir
                .path()
                .join(format!("{}-{k}.json", sub.replace('/', "_")));
            let shard = format!("{k}/3");
            run(
                &[
                    "scan",
                    dump,
                    "--quiet",
                    "--shard",
                    &shard,
                    "--out",
                    p.to_str().expect("utf-8"),
                ],
                0,
            );
            parts.push(p.display().to_string());
        }
        let mut args: Vec<&str> = vec!["merge", "--json"];
        args.extend(parts.iter().map(String::as_str));
        let merged = run(&args, 0).stdout;
        assert!(
            merged == single,
            "{sub}: merged report differs from the single scan"
        );
    }
}
