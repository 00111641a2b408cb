//! An image's size and format, read from its header (and a JPEG's EXIF orientation),
//! kept in a manifest so that a warm build reads no image at all.
//!
//! The manifest (`manifest` in the cache folder) has one line an image:
//! `LEN\tMTIME_NS\tKEY\tWIDTH\tHEIGHT\tFORMAT\tPATH`. An entry is used while the file's
//! length and modification time are the ones noted; `KEY` is a hash of the file's bytes,
//! which names its variants. A line that cannot be read is skipped; deleting the file is
//! always safe.

use siphasher::sip128::{Hasher128, SipHasher13};
use std::collections::HashMap;
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::UNIX_EPOCH;

const FILE_NAME: &str = "manifest";
const MAGIC: &str = "inkpress image manifest 1";

/// How an image is stored, as far as the build cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
    Gif,
    Svg,
    /// Another format a browser may show (AVIF, ICO, …): sized, never resized.
    Other,
}

impl Format {
    /// Photos and pictures the build makes smaller copies of; SVG scales by itself, and
    /// a GIF may be animated.
    pub fn is_resizable(self) -> bool {
        matches!(self, Format::Jpeg | Format::Png | Format::Webp)
    }

    fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Webp => "webp",
            Format::Gif => "gif",
            Format::Svg => "svg",
            Format::Other => "other",
        }
    }

    fn from_name(name: &str) -> Option<Format> {
        [
            Format::Jpeg,
            Format::Png,
            Format::Webp,
            Format::Gif,
            Format::Svg,
            Format::Other,
        ]
        .into_iter()
        .find(|f| f.name() == name)
    }
}

/// What a page needs to know of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    /// Width and height as shown: a JPEG's EXIF rotation by a quarter turn is applied.
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// A hash of the file's bytes, in hex (32 digits).
    pub key: String,
}

/// A file's length and modification time: while both are unchanged, so is its info.
type Stamp = (u64, u128);

/// Every image's info, as noted by earlier builds and this one.
pub struct Manifest {
    file: Option<PathBuf>,
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    by_path: HashMap<PathBuf, (Stamp, Arc<Info>)>,
    changed: bool,
    /// The images this process looked up, with the stamp they had.
    used: HashMap<PathBuf, Stamp>,
}

impl Manifest {
    /// The manifest in `folder`, or one kept in memory only.
    pub fn open(folder: Option<&Path>) -> Manifest {
        let file = folder.map(|f| f.join(FILE_NAME));
        let text = file
            .as_ref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .unwrap_or_default();
        let mut entries = Entries::default();
        let mut lines = text.lines();
        if lines.next() == Some(MAGIC) {
            entries.by_path = lines.filter_map(parse_line).collect();
        }
        Manifest {
            file,
            entries: Mutex::new(entries),
        }
    }

    /// The info of the image at `path`: from the manifest while the file is unchanged,
    /// else read from its header. The error says why it cannot be shown with a size.
    pub fn info(&self, path: &Path) -> Result<Arc<Info>, String> {
        let stamp = stamp(path).map_err(|e| format!("could not be read: {e}"))?;
        {
            let mut entries = self.lock();
            entries.used.insert(path.to_path_buf(), stamp);
            if let Some((s, info)) = entries.by_path.get(path) {
                if *s == stamp {
                    return Ok(Arc::clone(info));
                }
            }
        }
        let bytes = std::fs::read(path).map_err(|e| format!("could not be read: {e}"))?;
        let info = Arc::new(read_info(path, &bytes)?);
        let mut entries = self.lock();
        entries
            .by_path
            .insert(path.to_path_buf(), (stamp, Arc::clone(&info)));
        entries.changed = true;
        Ok(info)
    }

    /// Whether every image looked up so far is as it was then.
    pub fn unchanged(&self) -> bool {
        let used = self.lock().used.clone();
        used.iter().all(|(path, s)| stamp(path).ok() == Some(*s))
    }

    /// Writes the manifest out if this build noted a new image.
    pub fn save(&self) {
        let Some(file) = &self.file else { return };
        let mut entries = self.lock();
        if !entries.changed {
            return;
        }
        let mut text = format!("{MAGIC}\n");
        let mut paths: Vec<_> = entries.by_path.iter().collect();
        paths.sort_by(|a, b| a.0.cmp(b.0));
        for (path, ((len, mtime), info)) in paths {
            let Some(path) = path.to_str().filter(|p| !p.contains(['\n', '\t'])) else {
                continue;
            };
            text.push_str(&format!(
                "{len}\t{mtime}\t{}\t{}\t{}\t{}\t{path}\n",
                info.key,
                info.width,
                info.height,
                info.format.name()
            ));
        }
        let saved = file
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| super::write_file(file, text.as_bytes()));
        // A manifest that cannot be written costs the next build some reading, nothing more.
        if saved.is_ok() {
            entries.changed = false;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn parse_line(line: &str) -> Option<(PathBuf, (Stamp, Arc<Info>))> {
    let mut fields = line.splitn(7, '\t');
    let mut next = || fields.next();
    let len = next()?.parse().ok()?;
    let mtime = next()?.parse().ok()?;
    let key = next()?.to_owned();
    let width = next()?.parse().ok()?;
    let height = next()?.parse().ok()?;
    let format = Format::from_name(next()?)?;
    let path = PathBuf::from(next()?);
    let info = Info {
        width,
        height,
        format,
        key,
    };
    Some((path, ((len, mtime), Arc::new(info))))
}

fn stamp(path: &Path) -> std::io::Result<Stamp> {
    let meta = std::fs::metadata(path)?;
    let mtime = meta
        .modified()?
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    Ok((meta.len(), mtime))
}

/// The info of an image from its bytes, reading only its header (and EXIF).
pub fn read_info(path: &Path, bytes: &[u8]) -> Result<Info, String> {
    let key = hex(hash128(bytes));
    let is_svg = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if is_svg {
        let (width, height) =
            svg_size(bytes).ok_or("is an SVG without a width and height or a viewBox")?;
        return Ok(Info {
            width,
            height,
            format: Format::Svg,
            key,
        });
    }
    let kind = imagesize::image_type(bytes)
        .map_err(|e| format!("is not an image inkpress can read ({e})"))?;
    let size = imagesize::blob_size(bytes).map_err(|e| format!("has a broken header ({e})"))?;
    let format = match kind {
        imagesize::ImageType::Jpeg => Format::Jpeg,
        imagesize::ImageType::Png => Format::Png,
        imagesize::ImageType::Webp => Format::Webp,
        imagesize::ImageType::Gif => Format::Gif,
        _ => Format::Other,
    };
    let (mut width, mut height) = (size.width as u32, size.height as u32);
    if format == Format::Jpeg && orientation(bytes)?.swaps_axes() {
        std::mem::swap(&mut width, &mut height);
    }
    if width == 0 || height == 0 {
        return Err("has no pixels (its width or height is 0)".into());
    }
    Ok(Info {
        width,
        height,
        format,
        key,
    })
}

/// A JPEG's EXIF orientation, read with its headers (no pixel is decoded).
pub fn orientation(bytes: &[u8]) -> Result<Turn, String> {
    use image::ImageDecoder;
    let mut decoder = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("has a broken JPEG header ({e})"))?;
    Ok(Turn(
        decoder
            .orientation()
            .unwrap_or(image::metadata::Orientation::NoTransforms),
    ))
}

/// An EXIF orientation.
#[derive(Debug, Clone, Copy)]
pub struct Turn(pub image::metadata::Orientation);

impl Turn {
    /// Whether the image is shown a quarter turn from how it is stored.
    pub fn swaps_axes(self) -> bool {
        use image::metadata::Orientation::*;
        matches!(
            self.0,
            Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH
        )
    }
}

/// An SVG's size from its root element's `width` and `height` (in plain numbers or
/// `px`), else its `viewBox`.
fn svg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| -> Option<&str> {
        let at = tag.find(&format!(" {name}="))? + name.len() + 2;
        let quote = tag[at..].chars().next()?;
        let rest = &tag[at + 1..];
        Some(&rest[..rest.find(quote)?])
    };
    let number = |v: &str| -> Option<u32> {
        let v = v.trim().trim_end_matches("px");
        let n: f64 = v.parse().ok()?;
        (n >= 1.0).then(|| n.round() as u32)
    };
    if let (Some(w), Some(h)) = (
        attr("width").and_then(number),
        attr("height").and_then(number),
    ) {
        return Some((w, h));
    }
    let view: Vec<f64> = attr("viewBox")?
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match view[..] {
        [_, _, w, h] if w >= 1.0 && h >= 1.0 => Some((w.round() as u32, h.round() as u32)),
        _ => None,
    }
}

/// A 128-bit hash that stays the same across builds and versions of Rust.
pub fn hash128(bytes: &[u8]) -> u128 {
    let mut h = SipHasher13::new();
    h.write(bytes);
    h.finish128().as_u128()
}

pub fn hex(n: u128) -> String {
    format!("{n:032x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_sizes() {
        assert_eq!(
            svg_size(br#"<svg width="120" height="80px">"#),
            Some((120, 80))
        );
        assert_eq!(
            svg_size(br#"<?xml?><svg xmlns="x" viewBox="0 0 300 150">"#),
            Some((300, 150))
        );
        assert_eq!(svg_size(br#"<svg width="100%">"#), None);
    }

    #[test]
    fn manifest_lines_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("a.png");
        let mut bytes = Vec::new();
        image::RgbImage::new(3, 2)
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .unwrap();
        std::fs::write(&png, &bytes).unwrap();
        let manifest = Manifest::open(Some(dir.path()));
        let info = manifest.info(&png).unwrap();
        assert_eq!((info.width, info.height, info.format), (3, 2, Format::Png));
        manifest.save();
        let again = Manifest::open(Some(dir.path()));
        assert_eq!(again.lock().by_path[&png].1, info);
    }
}
