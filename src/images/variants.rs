//! Making an image's variants: decode once, make the social card from the whole image,
//! then each wanted width from the one before it, widest first, dropping each larger
//! image as soon as the next is made; each width is turned upright only as it is encoded,
//! as WebP (and AVIF, when asked for). The card is cropped to 1200×630 and encoded as
//! JPEG, which every site that shows cards reads.
//!
//! Memory: at most the decoded image plus one resize (the source, the widest copy and
//! the resizer's buffer, a copy's width by the source's height) is held at once, and the
//! decoded image is gone before the widest copy is encoded. An opaque image is kept as
//! RGB (a quarter less than RGBA), and an image with transparency is premultiplied in
//! place rather than copied by the resizer.
//!
//! WebP is lossy (libwebp, at `[images] quality`) for photos: JPEG sources, and PNG or
//! WebP sources that are opaque and have few flat areas (a photo saved as PNG). It is
//! lossless for the others (diagrams, screenshots, images with transparency), which keep
//! their sharp edges and alpha; lossless WebP is still smaller than their PNG, but its
//! encoder holds some 36 bytes a pixel, so photos, which it would make large, do not get
//! it. AVIF (rav1e, behind the `avif` cargo feature) is lossy only, so photos alone get
//! it (see `Images::copy_formats`).

use super::budget::Budget;
use super::{Format, Info, Variant};
use crate::config::{CopyFormat, ImageSettings};
use fast_image_resize::{MulDiv, ResizeOptions, Resizer};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder};
use std::borrow::Cow;

/// The encoded bytes of each of `variants` of the image at `source`, in their order.
pub(super) fn make(
    source: &std::path::Path,
    info: &Info,
    variants: &[&Variant],
    settings: &ImageSettings,
    budget: &Budget,
) -> Result<Vec<Vec<u8>>, String> {
    // Until the image is decoded, the most it could need: RGBA, encoded losslessly.
    let mut held = budget.hold(peak_bytes(
        info,
        variants,
        None,
        info.format != Format::Jpeg,
    ));
    let (image, orientation) = decode(source)?;
    let alpha = image.color().has_alpha();
    let lossless = info.format != Format::Jpeg && (alpha || is_graphic(&image));
    held.shrink_to(peak_bytes(info, variants, Some(&image), lossless));
    let turned = super::probe::Turn(orientation).swaps_axes();
    let mut made: Vec<Option<Vec<u8>>> = vec![None; variants.len()];
    // The card from the whole image, while it is at hand: it is cropped, so a narrower
    // copy could be too small for it.
    for (i, variant) in variants.iter().enumerate() {
        if let Variant::Card = variant {
            // Cropped about the centre to the card's shape, which a turn does not move.
            let (w, h) = stored_size(super::CARD.0, super::CARD.1, turned);
            let options = ResizeOptions::new().fit_into_destination(Some((0.5, 0.5)));
            let card = resize(&image, w, h, &options)?;
            made[i] = Some(jpeg(&*shown(&card, alpha, orientation)?)?);
        }
    }
    let mut widths: Vec<u32> = variants
        .iter()
        .filter_map(|v| match v {
            Variant::Width(w, _) => Some(*w),
            Variant::Card => None,
        })
        .collect();
    widths.sort_unstable_by(|a, b| b.cmp(a));
    widths.dedup();
    let mut larger = image;
    for width in widths {
        let height = (u64::from(info.height) * u64::from(width) / u64::from(info.width)).max(1);
        let (w, h) = stored_size(width, height as u32, turned);
        // The previous (larger) image is dropped here, before this one is encoded.
        larger = resize(&larger, w, h, &ResizeOptions::new())?;
        let upright = shown(&larger, alpha, orientation)?;
        for (i, variant) in variants.iter().enumerate() {
            made[i] = match variant {
                Variant::Width(v, CopyFormat::Webp) if *v == width => {
                    Some(webp(&upright, lossless, settings.quality)?)
                }
                Variant::Width(v, CopyFormat::Avif) if *v == width => {
                    Some(avif(&upright, settings.quality)?)
                }
                _ => made[i].take(),
            };
        }
    }
    Ok(made.into_iter().map(Option::unwrap_or_default).collect())
}

/// The bytes of the image of `info` decoded: as `decoded` is, or at most (RGB for a
/// JPEG, RGBA for others) before it is.
pub(super) fn decoded_bytes(info: &Info, decoded: Option<&DynamicImage>) -> usize {
    let pixel = match decoded {
        Some(image) => usize::from(image.color().bytes_per_pixel()),
        None if info.format == Format::Jpeg => 3,
        None => 4,
    };
    info.width as usize * info.height as usize * pixel
}

/// The most memory making `variants` of the image of `info` holds at once: the decoded
/// image with a resize to the widest copy (the resizer's buffer is the copy's height by
/// the source's width, or its width by the source's height), or the widest copy being
/// encoded (a copy of it turned upright or unpremultiplied, the encoder's picture and
/// its work: some 36 bytes a pixel for lossless WebP, a few for lossy).
fn peak_bytes(
    info: &Info,
    variants: &[&Variant],
    decoded: Option<&DynamicImage>,
    lossless: bool,
) -> usize {
    let source = decoded_bytes(info, decoded);
    let pixel = source / (info.width as usize * info.height as usize).max(1);
    let (width, height) = (info.width as usize, info.height as usize);
    let widest = variants
        .iter()
        .map(|v| match v {
            Variant::Width(w, _) => *w as usize,
            Variant::Card => super::CARD.0 as usize,
        })
        .max()
        .unwrap_or(0);
    let copy_height = (height * widest / width.max(1)).max(super::CARD.1 as usize);
    let copy = widest * copy_height * pixel;
    let resizing = source + width.max(height) * copy_height.max(widest) * pixel + copy;
    let encoder_per_pixel = if lossless { 40 } else { 8 };
    let encoding = 2 * copy + widest * copy_height * encoder_per_pixel;
    resizing.max(encoding)
}

/// The image at `source` as 8-bit RGB, or RGBA with its colours premultiplied by alpha
/// (what the resizer needs to blend transparent pixels right) when any pixel is not
/// opaque; and its EXIF orientation. The file is read as it is decoded, not first.
fn decode(source: &std::path::Path) -> Result<(DynamicImage, Orientation), String> {
    let mut decoder = image::ImageReader::open(source)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| e.to_string())?
        .into_decoder()
        .map_err(|e| e.to_string())?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    // fast_image_resize works on 8-bit RGB(A) and grey; anything else is made RGB(A).
    let image = match image {
        DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => image,
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.to_rgba8()),
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    };
    let mut image = match image {
        DynamicImage::ImageRgba8(rgba) if rgba.pixels().all(|p| p[3] == u8::MAX) => {
            DynamicImage::ImageRgb8(without_alpha(rgba))
        }
        other => other,
    };
    if image.color().has_alpha() {
        MulDiv::default()
            .multiply_alpha_inplace(&mut image)
            .map_err(|e| e.to_string())?;
    }
    Ok((image, orientation))
}

/// An opaque RGBA image as RGB, in its own buffer (no second image is allocated).
fn without_alpha(rgba: image::RgbaImage) -> image::RgbImage {
    let (width, height) = rgba.dimensions();
    let mut raw = rgba.into_raw();
    let pixels = raw.len() / 4;
    for i in 0..pixels {
        raw.copy_within(i * 4..i * 4 + 3, i * 3);
    }
    raw.truncate(pixels * 3);
    raw.shrink_to_fit();
    image::RgbImage::from_raw(width, height, raw).expect("three bytes a pixel")
}

/// Whether an opaque image looks drawn rather than photographed: at least a quarter of
/// its pixels repeat the one to their left exactly (flat fills, as in diagrams and
/// screenshots; a camera's grain makes that rare in a photo).
fn is_graphic(image: &DynamicImage) -> bool {
    let channels = usize::from(image.color().bytes_per_pixel());
    let width = image.width() as usize * channels;
    let bytes = image.as_bytes();
    let repeats: usize = bytes
        .chunks_exact(width.max(1))
        .map(|row| {
            row.chunks_exact(channels)
                .zip(row.chunks_exact(channels).skip(1))
                .filter(|(a, b)| a == b)
                .count()
        })
        .sum();
    repeats * 4 >= bytes.len() / channels
}

/// The size to resize to in the stored orientation: a quarter turn swaps the axes.
fn stored_size(width: u32, height: u32, turned: bool) -> (u32, u32) {
    match turned {
        true => (height, width),
        false => (width, height),
    }
}

/// `image` resized to `width`×`height` with a resizer of its own, whose buffers are
/// freed as it returns. Alpha is already premultiplied (see [`decode`]).
fn resize(
    image: &DynamicImage,
    width: u32,
    height: u32,
    options: &ResizeOptions,
) -> Result<DynamicImage, String> {
    let mut out = DynamicImage::new(width, height, image.color());
    Resizer::new()
        .resize(image, &mut out, &options.use_alpha(false))
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// `image` as a viewer should see it: upright, and with its alpha no longer premultiplied.
fn shown(
    image: &DynamicImage,
    alpha: bool,
    orientation: Orientation,
) -> Result<Cow<'_, DynamicImage>, String> {
    if !alpha && orientation == Orientation::NoTransforms {
        return Ok(Cow::Borrowed(image));
    }
    let mut copy = image.clone();
    if alpha {
        MulDiv::default()
            .divide_alpha_inplace(&mut copy)
            .map_err(|e| e.to_string())?;
    }
    copy.apply_orientation(orientation);
    Ok(Cow::Owned(copy))
}

fn webp(image: &DynamicImage, lossless: bool, quality: u8) -> Result<Vec<u8>, String> {
    let (w, h) = (image.width(), image.height());
    let encoder = match image {
        DynamicImage::ImageRgba8(rgba) => webp::Encoder::from_rgba(rgba, w, h),
        DynamicImage::ImageRgb8(rgb) => webp::Encoder::from_rgb(rgb, w, h),
        _ => return Err("an unexpected pixel layout".into()),
    };
    let mut config =
        webp::WebPConfig::new().map_err(|()| "libwebp could not be configured".to_owned())?;
    config.lossless = i32::from(lossless);
    // Lossy images' alpha compressed losslessly; lossless ones at libwebp's default effort.
    config.alpha_compression = i32::from(!lossless);
    config.quality = match lossless {
        true => 75.0,
        false => f32::from(quality),
    };
    encoder
        .encode_advanced(&config)
        .map(|encoded| encoded.to_vec())
        .map_err(|e| format!("the WebP encoder failed ({e:?})"))
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
            Cow::Owned(rgb)
        }
        DynamicImage::ImageRgb8(rgb) => Cow::Borrowed(rgb),
        other => Cow::Owned(other.to_rgb8()),
    };
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&*rgb)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_opaque_rgba_image_loses_its_alpha_and_keeps_its_colours() {
        let rgba =
            image::RgbaImage::from_fn(3, 2, |x, y| image::Rgba([x as u8, y as u8, 7, u8::MAX]));
        let rgb = without_alpha(rgba);
        assert_eq!(rgb.dimensions(), (3, 2));
        assert_eq!(rgb.get_pixel(2, 1), &image::Rgb([2, 1, 7]));
        assert_eq!(rgb.as_raw().len(), 18);
    }

    #[test]
    fn flat_fills_are_graphics_and_grain_is_a_photo() {
        let flat = image::RgbImage::from_fn(40, 10, |x, _| image::Rgb([(x / 10) as u8, 0, 0]));
        assert!(is_graphic(&DynamicImage::ImageRgb8(flat)));
        let mut seed = 1u32;
        let grain = image::RgbImage::from_fn(40, 10, |_, _| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let [a, b, c, _] = seed.to_le_bytes();
            image::Rgb([a, b, c])
        });
        assert!(!is_graphic(&DynamicImage::ImageRgb8(grain)));
    }
}
