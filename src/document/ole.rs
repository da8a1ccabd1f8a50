//! ole reader (to be written).

use super::{Extracted, Reader};

pub struct Ole;

impl Reader for Ole {
    fn name(&self) -> &'static str {
        "ole"
    }

    fn reads(&self, detected: &str) -> bool {
        matches!(
            detected,
            "application/msword" | "application/vnd.ms-excel" | "application/vnd.ms-powerpoint"
        )
    }

    fn read(&self, _bytes: &[u8]) -> Result<Extracted, String> {
        Err("not yet read".into())
    }
}
