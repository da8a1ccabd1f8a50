//! Checks: each looks at the whole corpus and returns findings. A new check
//! is one file in this folder plus one line in [`CHECKS`].

mod type_mismatch;

use crate::corpus::Corpus;
use crate::item::Finding;

/// A rule (or family of rules) run over the corpus after ingest.
pub trait Check: Sync {
    /// The rule id prefix of its findings, e.g. `type`.
    fn name(&self) -> &'static str;
    fn run(&self, corpus: &Corpus) -> Vec<Finding>;
}

/// Every check, in the order they run.
pub static CHECKS: &[&dyn Check] = &[&type_mismatch::TypeMismatch];

/// Runs every check.
pub fn run_all(corpus: &Corpus) -> Vec<Finding> {
    CHECKS.iter().flat_map(|c| c.run(corpus)).collect()
}
