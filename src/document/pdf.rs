//! pdf reader (to be written).

use super::{Extracted, Reader};

pub struct Pdf;

impl Reader for Pdf {
    fn name(&self) -> &'static str {
        "pdf"
    }

    fn reads(&self, detected: &str) -> bool {
        detected == "application/pdf"
    }

    fn read(&self, _bytes: &[u8]) -> Result<Extracted, String> {
        Err("not yet read".into())
    }
}
