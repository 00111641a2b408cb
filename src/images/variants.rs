//! Making an image's variants: decode once, then for each wanted width resize (before
//! turning it upright, so that a quarter turn copies the small image, not the large one)
//! and encode as WebP (and AVIF, when asked for); the social card is cropped to 1200×630
//! and encoded as JPEG, which every site that shows cards reads.
//!
//! WebP is lossy (libwebp, at `[images] quality`) for JPEG sources, lossless for PNG and
//! WebP sources: photos shrink to a third of a JPEG's bytes, while diagrams and
//! screenshots keep their sharp edges and lossless WebP is still smaller than their PNG.
//! AVIF (rav1e, behind the `avif` cargo feature) is lossy only, so photos alone get it.

use super::{Format, Info, Variant};
use crate::config::{CopyFormat, ImageSettings};
use fast_image_resize::{ResizeOptions, Resizer};
use image::{DynamicImage, ImageDecoder};

/// The encoded bytes of each of `variants` of the image at `source`.
pub(super) fn make(
    source: &std::path::Path,
    info: &Info,
    variants: &[&Variant],
    settings: &ImageSettings,
) -> Result<Vec<Vec<u8>>, String> {
    let bytes = std::fs::read(source).map_err(|e| e.to_string())?;
    let mut decoder = image::ImageReader::new(std::io::Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?
        .into_decoder()
        .map_err(|e| e.to_string())?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    drop(bytes);
    // fast_image_resize works on 8-bit RGB(A) and grey; anything else is made RGB(A) first.
    let image = match image {
        DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => image,
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.to_rgba8()),
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    };
    let turned = super::probe::Turn(orientation).swaps_axes();
    let mut resizer = Resizer::new();
    variants
        .iter()
        .map(|variant| {
            let (width, height, options) = match variant {
                Variant::Width(w, _) => {
                    let h = (u64::from(info.height) * u64::from(*w) / u64::from(info.width)).max(1);
                    (*w, h as u32, ResizeOptions::new())
                }
                // Cropped about the centre to the card's shape, which a turn does not move.
                Variant::Card => (
                    super::CARD.0,
                    super::CARD.1,
                    ResizeOptions::new().fit_into_destination(Some((0.5, 0.5))),
                ),
            };
            let (stored_w, stored_h) = if turned {
                (height, width)
            } else {
                (width, height)
            };
            let mut out = DynamicImage::new(stored_w, stored_h, image.color());
            resizer
                .resize(&image, &mut out, &options)
                .map_err(|e| e.to_string())?;
            out.apply_orientation(orientation);
            match variant {
                Variant::Width(_, CopyFormat::Webp) => webp(&out, info.format, settings.quality),
                Variant::Width(_, CopyFormat::Avif) => avif(&out, settings.quality),
                Variant::Card => jpeg(&out),
            }
        })
        .collect()
}

fn webp(image: &DynamicImage, source: Format, quality: u8) -> Result<Vec<u8>, String> {
    let (w, h) = (image.width(), image.height());
    let encoder = match image {
        DynamicImage::ImageRgba8(rgba) => webp::Encoder::from_rgba(rgba, w, h),
        DynamicImage::ImageRgb8(rgb) => webp::Encoder::from_rgb(rgb, w, h),
        _ => return Err("an unexpected pixel layout".into()),
    };
    let encoded = match source {
        Format::Jpeg => encoder.encode(f32::from(quality)),
        _ => encoder.encode_lossless(),
    };
    Ok(encoded.to_vec())
}

/// Lossy AVIF at `quality`, for photos only (see `Images::copy_formats`).
#[cfg(feature = "avif")]
fn avif(image: &DynamicImage, quality: u8) -> Result<Vec<u8>, String> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    // Speed 6 of 1-10: near the slower speeds' size at a fraction of their time; one
    // thread, as images are already resized one a thread.
    image::codecs::avif::AvifEncoder::new_with_speed_quality(&mut out, 6, quality)
        .with_num_threads(Some(1))
        .write_image(
            image.as_bytes(),
            image.width(),
            image.height(),
            image.color().into(),
        )
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// Never asked for: the configuration refuses `avif` without the feature.
#[cfg(not(feature = "avif"))]
fn avif(_: &DynamicImage, _: u8) -> Result<Vec<u8>, String> {
    Err("this inkpress was built without the `avif` feature".into())
}

fn jpeg(image: &DynamicImage) -> Result<Vec<u8>, String> {
    // JPEG has no transparency: a PNG's is laid on white, as most card viewers would.
    let rgb = match image {
        DynamicImage::ImageRgba8(rgba) => {
            let mut rgb = image::RgbImage::new(rgba.width(), rgba.height());
            for (to, from) in rgb.pixels_mut().zip(rgba.pixels()) {
                let a = u16::from(from[3]);
                for c in 0..3 {
                    to[c] = ((u16::from(from[c]) * a + 255 * (255 - a)) / 255) as u8;
                }
            }
            rgb
        }
        other => other.to_rgb8(),
    };
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&rgb)
        .map_err(|e| e.to_string())?;
    Ok(out)
}
