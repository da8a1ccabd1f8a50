//! Regression tests for what fuzzing (`fuzz/`, docs/fuzzing.md) found: each
//! feeds the exact input that failed to the public API.

use leakcheck::email::date;

/// Found while writing the `header` target, which calls `date::parse_iso`,
/// and reproduced with it: a year of 16 digits overflowed the day count (a
/// panic with overflow checks, a wrong window without). `--window` takes
/// its dates from this function.
#[test]
fn iso_date_with_a_huge_year_is_refused() {
    assert_eq!(date::parse_iso("9999999999999999-01-01"), None);
    assert_eq!(date::parse_iso("-9223372036854775808-01-01"), None);
    assert_eq!(date::parse_iso("10000-01-01"), None);
    assert_eq!(date::parse_iso("9999-12-31"), Some(253_402_214_400));
    assert!(leakcheck::config::parse_window("9999999999999999-01-01..2017-01-01").is_err());
    let out = crate::util::run(
        &[
            "scan",
            "--quiet",
            "--window",
            "9999999999999999-01-01..2017-01-01",
            crate::util::samples().to_str().unwrap(),
        ],
        2,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a date"));
}

/// The fuzz targets read one file in memory with `leakcheck::read_bytes`:
/// it must list what a scan of the same file on disk lists.
#[test]
fn reading_in_memory_matches_reading_from_disk() {
    for name in [
        "archives/communication.zip",
        "archives/kit-presse.tar.gz",
        "mailboxes/equipe.mbox",
        "mail/2017-04-13-note-de-frais.eml",
        "outlook/2017-04-18-point-presse.msg",
    ] {
        let path = crate::util::samples().join(name);
        let bytes = std::fs::read(&path).unwrap();
        let file = path.file_name().unwrap().to_str().unwrap();
        let config = leakcheck::Config {
            roots: vec![path.clone()],
            jobs: Some(1),
            ..Default::default()
        };
        let key = |i: &leakcheck::Item| {
            (
                i.path.clone(),
                i.sha256.clone(),
                i.detected_type.clone(),
                i.kind,
                i.error.clone(),
                i.container
                    .as_ref()
                    .map(|c| (c.members_listed, c.members_read)),
            )
        };
        let on_disk: Vec<_> = leakcheck::inventory(&config, &leakcheck::NoProgress)
            .unwrap()
            .iter()
            .map(key)
            .collect();
        let (in_memory, _) = leakcheck::read_bytes(file, &bytes, &config);
        let in_memory: Vec<_> = in_memory.iter().map(key).collect();
        assert!(on_disk.len() > 1, "{name} has members");
        assert_eq!(on_disk, in_memory, "{name}");
    }
}
