//! Deterministic test images: `cargo run --example photos -- DIR N` writes N photo-like
//! JPEGs and PNGs (smooth gradients with fine grain, as a camera's are) into DIR, the
//! same bytes on every run; `-- --fixture DIR` writes the image fixture's files.

use image::codecs::jpeg::JpegEncoder;
use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};
use std::path::Path;

/// A small linear congruential generator: the same grain everywhere, no dependency.
struct Grain(u64);

impl Grain {
    fn next(&mut self) -> u8 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 59) as u8
    }
}

fn photo(width: u32, height: u32, seed: u64) -> RgbImage {
    let mut grain = Grain(seed);
    let (fx, fy) = (1 + seed % 5, 2 + seed % 3);
    RgbImage::from_fn(width, height, |x, y| {
        let u = x as f64 / width as f64;
        let v = y as f64 / height as f64;
        let wave = ((u * fx as f64 * 6.3).sin() * (v * fy as f64 * 6.3).cos() + 1.0) * 60.0;
        let g = grain.next();
        Rgb([
            (u * 180.0 + wave) as u8 / 2 + g,
            (v * 200.0) as u8 / 2 + wave as u8 / 2 + g,
            ((1.0 - u) * 150.0 + (seed % 7) as f64 * 10.0) as u8 + g,
        ])
    })
}

/// A JPEG at quality 85, with an EXIF orientation when `orientation` is not 1.
fn jpeg(image: &RgbImage, orientation: u16) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut out, 85);
    if orientation != 1 {
        // A little-endian TIFF header and one IFD entry: Orientation (0x0112), SHORT.
        let mut exif = b"II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0".to_vec();
        exif.extend_from_slice(&orientation.to_le_bytes());
        exif.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        encoder
            .set_exif_metadata(exif)
            .expect("the JPEG encoder writes EXIF");
    }
    encoder
        .write_image(
            image,
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .expect("encoding to memory");
    out
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn png(image: &RgbaImage) -> Vec<u8> {
    let mut out = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn fixture(dir: &Path) {
    let stat = dir.join("static/images");
    write(&stat.join("landscape.jpg"), &jpeg(&photo(1000, 600, 1), 1));
    // Stored 1000×800 on its side; EXIF 6 says "turn a quarter right": shown 800×1000.
    write(&stat.join("portrait.jpg"), &jpeg(&photo(1000, 800, 2), 6));
    let alpha = RgbaImage::from_fn(1000, 600, |x, y| {
        Rgba([
            (x / 4) as u8,
            (y / 3) as u8,
            200,
            if (x / 50 + y / 50) % 2 == 0 { 255 } else { 0 },
        ])
    });
    write(&stat.join("alpha.png"), &png(&alpha));
    let mut gif = Vec::new();
    image::DynamicImage::ImageRgb8(photo(120, 80, 3))
        .write_to(&mut std::io::Cursor::new(&mut gif), image::ImageFormat::Gif)
        .unwrap();
    write(&stat.join("anim.gif"), &gif);
    let bundle = RgbaImage::from_fn(1100, 700, |x, y| {
        Rgba([(x % 256) as u8, (y % 256) as u8, 90, 255])
    });
    write(&dir.join("content/blog/bundled/chart.png"), &png(&bundle));
    write(&stat.join("broken.jpg"), b"\xff\xd8\xffnot really a jpeg");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, dir] if flag == "--fixture" => fixture(Path::new(dir)),
        [dir, n] => {
            let n: u64 = n.parse().expect("N is a number");
            for i in 0..n {
                // Phone and camera sizes, landscape and portrait, a fifth of them PNG.
                let (w, h) =
                    [(2400, 1600), (1600, 2400), (3000, 2000), (1920, 1080)][(i % 4) as usize];
                let image = photo(w, h, i);
                let (name, bytes) = if i % 5 == 4 {
                    let rgba = image::DynamicImage::ImageRgb8(image).to_rgba8();
                    (format!("photo-{i:03}.png"), png(&rgba))
                } else {
                    (format!("photo-{i:03}.jpg"), jpeg(&image, 1))
                };
                write(&Path::new(dir).join(name), &bytes);
            }
        }
        _ => eprintln!("usage: photos DIR N | photos --fixture DIR"),
    }
}
