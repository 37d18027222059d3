//! The link's QR code, as SVG (for the app and for print) and as PNG (for
//! messaging apps and phones). Error correction M, the usual choice for
//! SMART Health Links printed on paper, with the standard four-module margin.

use qrcode::render::svg;
use qrcode::{Color, EcLevel, QrCode};

use super::error::ShareError;

/// Pixels per module in the PNG: a ~500 px image for a typical link.
const PNG_SCALE: usize = 6;
const QUIET: usize = 4;

fn code(text: &str) -> Result<QrCode, ShareError> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|_| ShareError::QrTooLong)
}

/// The QR code as a standalone SVG document.
pub fn svg(text: &str) -> Result<String, ShareError> {
    Ok(code(text)?
        .render::<svg::Color<'_>>()
        .min_dimensions(320, 320)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

/// The QR code as an 8-bit greyscale PNG.
pub fn png(text: &str) -> Result<Vec<u8>, ShareError> {
    let code = code(text)?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET) * PNG_SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c != Color::Dark {
            continue;
        }
        let (mx, my) = (i % modules + QUIET, i / modules + QUIET);
        for y in my * PNG_SCALE..(my + 1) * PNG_SCALE {
            let row = y * side;
            pixels[row + mx * PNG_SCALE..row + (mx + 1) * PNG_SCALE].fill(0);
        }
    }
    let mut out = Vec::new();
    let side32 = u32::try_from(side).map_err(|_| ShareError::QrTooLong)?;
    let mut encoder = png::Encoder::new(&mut out, side32, side32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|_| ShareError::QrTooLong)?;
    writer
        .write_image_data(&pixels)
        .map_err(|_| ShareError::QrTooLong)?;
    writer.finish().map_err(|_| ShareError::QrTooLong)?;
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// Reads a PNG back with the png crate and decodes it with rqrr, a decoder
    /// independent of the encoder.
    pub(crate) fn decode_png(bytes: &[u8]) -> String {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.color_type, png::ColorType::Grayscale);
        let (w, h) = (info.width as usize, info.height as usize);
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1);
        grids[0].decode().unwrap().1
    }

    #[test]
    fn the_png_decodes_to_the_text_and_the_svg_is_a_document() {
        let text = format!("shlink:/{}", "eyJ1cmwiOiJodHRwczovL2V4YW1wbGUi".repeat(10));
        assert_eq!(decode_png(&png(&text).unwrap()), text);
        let s = svg(&text).unwrap();
        assert!(s.contains("<svg"), "{}", &s[..100]);
        assert!(!s.contains("<script"));
    }

    #[test]
    fn text_beyond_a_qr_codes_capacity_is_refused() {
        assert_eq!(
            png(&"x".repeat(5000)).unwrap_err().code(),
            "share_qr_too_long"
        );
    }
}
