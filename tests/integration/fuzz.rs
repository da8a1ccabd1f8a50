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
