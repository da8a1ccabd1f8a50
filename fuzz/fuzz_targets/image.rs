//! Image metadata: EXIF (JPEG, TIFF, PNG, WebP, HEIF…), dimensions and the
//! embedded thumbnail, for whatever image type the input's bytes show.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let detected = leakcheck::detect::sniff(&data[..data.len().min(8192)]);
    let detected = if detected.starts_with("image/") {
        detected
    } else {
        "image/tiff"
    };
    let _ = leakcheck::document::extract(detected, data);
});
