//! image reader (to be written).

use super::{Extracted, Reader};

pub struct Image;

impl Reader for Image {
    fn name(&self) -> &'static str {
        "image"
    }

    fn reads(&self, detected: &str) -> bool {
        detected.starts_with("image/")
    }

    fn read(&self, _bytes: &[u8]) -> Result<Extracted, String> {
        Err("not yet read".into())
    }
}
