//! odf reader (to be written).

use super::{Extracted, Reader};

pub struct Odf;

impl Reader for Odf {
    fn name(&self) -> &'static str {
        "odf"
    }

    fn reads(&self, detected: &str) -> bool {
        detected.starts_with("application/vnd.oasis.opendocument")
    }

    fn read(&self, _bytes: &[u8]) -> Result<Extracted, String> {
        Err("not yet read".into())
    }
}
