//! Images that posts show: where each lives, its size (EXIF orientation applied), and the
//! resized copies and social card made of it.
//!
//! The Markdown stage asks [`Images::lookup`] for every local image it meets; the answer
//! (an [`Image`]) says what attributes to write and which variant files the page needs,
//! and the request is noted. When rendering is done, [`Images::finish`] makes the variants
//! no earlier build made (in parallel, one image a task) and hands every variant to the
//! build as an output file.
//!
//! Work is done once: an image's size is kept in a manifest in `.inkpress-cache/images/`
//! by path, length and modification time, and each variant is a file there named by a
//! hash of the source's bytes and the settings. A warm build reads no image and decodes
//! none; `serve` keeps the same answers in memory between rebuilds.

mod budget;
mod probe;
mod variants;

pub use probe::{Format, Info};

use crate::config::{CopyFormat, ImageSettings};
use crate::content::permalink::page_dir;
use crate::output::{Body, OutputFile};
use probe::Manifest;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The folder under the cache directory that holds the manifest and the variants.
pub const CACHE_FOLDER: &str = "images";

/// The site folder variants are published under.
pub const OUTPUT_FOLDER: &str = "resized";

/// The social card's size, as Open Graph and Twitter cards want it.
pub const CARD: (u32, u32) = (1200, 630);

/// Changes whenever the bytes a variant is made into would change for the same source and
/// settings (the resizer's filter, the encoders): old variants are then not reused.
const VARIANTS_VERSION: &str = "2";

/// Where a document's relative images are looked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Place<'a> {
    /// The document's site path (`blog/x/`, or `2019/05/04/x.html` when a permalink
    /// makes it a file): relative URLs resolve against its folder.
    pub page: &'a str,
    /// The document's source when it is a page bundle (an `index.md` whose folder holds
    /// other files, its `assets`): those files are published in the page's folder.
    pub bundle: Option<&'a crate::content::SourceFile>,
    /// The document's revision: what it asked for is kept under it, for as long as a
    /// session's builds still show that revision (its HTML is not made again).
    pub revision: u64,
}

/// One variant file a page refers to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Variant {
    Width(u32, CopyFormat),
    Card,
}

/// What the Markdown stage writes for one image.
#[derive(Debug, Clone)]
pub struct Image {
    pub info: Arc<Info>,
    /// The revision of the document that shows it.
    revision: u64,
    /// For each format copies are made in, its `srcset` candidates (URL with the base
    /// path, width), narrowest first, the original last (its URL left empty: it is the
    /// `src`'s); empty when the image is shown as it is.
    pub srcsets: Vec<(CopyFormat, Vec<(String, u32)>)>,
    /// The original's URL, with the base path.
    pub site_url: String,
    source: PathBuf,
}

/// One variant of one image a document asked for.
type Asked = (PathBuf, Arc<Info>, Variant);

/// An image a page showed and the variants wanted of it.
struct Wanted {
    source: PathBuf,
    info: Arc<Info>,
    variants: BTreeSet<Variant>,
}

/// The images of a site: settings, the cache, this build's requests.
pub struct Images {
    settings: ImageSettings,
    root: PathBuf,
    base_url: String,
    base_path: String,
    /// `.inkpress-cache/images`, or `None` to keep variants in memory only.
    cache: Option<PathBuf>,
    manifest: Manifest,
    /// The variants each revision of a document asked for.
    wanted: Mutex<HashMap<u64, Vec<Asked>>>,
    /// Bumped when an image changes under a session: documents are parsed again.
    generation: u64,
    /// Files that local images named but that were not there.
    missed: Mutex<HashSet<PathBuf>>,
    /// Variants made in memory (no cache folder), kept for serve's next builds.
    in_memory: Mutex<HashMap<String, bytes::Bytes>>,
    warnings: Mutex<Vec<String>>,
    decoded: AtomicUsize,
}

impl std::fmt::Debug for Images {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Images")
            .field("settings", &self.settings)
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

/// Two are interchangeable when they make the same HTML: documents are parsed again when
/// the settings, the site or the base path change.
impl PartialEq for Images {
    fn eq(&self, other: &Self) -> bool {
        self.settings == other.settings
            && self.root == other.root
            && self.base_url == other.base_url
            && self.cache == other.cache
            && self.generation == other.generation
    }
}

impl Eq for Images {}

/// What [`Images::finish`] hands back.
pub struct Finished {
    pub files: Vec<OutputFile>,
    pub warnings: Vec<String>,
    /// Images decoded by this build (none when every variant was cached).
    pub decoded: usize,
}

impl Images {
    /// The images of the site at `root` (published under `base_url`), with the manifest
    /// and variants in `cache_dir`.
    pub fn open(
        settings: ImageSettings,
        root: &Path,
        base_url: &str,
        cache_dir: Option<&Path>,
    ) -> Images {
        let cache = cache_dir.map(|d| d.join(CACHE_FOLDER));
        Images {
            manifest: Manifest::open(cache.as_deref()),
            settings,
            root: root.to_path_buf(),
            base_url: base_url.to_owned(),
            base_path: crate::config::base_path_of(base_url).to_owned(),
            cache,
            wanted: Mutex::default(),
            generation: 0,
            missed: Mutex::default(),
            in_memory: Mutex::default(),
            warnings: Mutex::default(),
            decoded: AtomicUsize::new(0),
        }
    }

    /// A session's images for its next build: the `kept` ones, unless the settings
    /// changed or an image they looked up changed on disk (or a missing one appeared);
    /// then `fresh`, under which every document is parsed again, since its HTML holds the
    /// old size and variant names.
    pub fn for_next_build(kept: Option<&Arc<Images>>, fresh: Images) -> Arc<Images> {
        match kept {
            Some(kept) => {
                let same = kept.settings == fresh.settings
                    && kept.root == fresh.root
                    && kept.base_url == fresh.base_url
                    && kept.cache == fresh.cache;
                let appeared = lock(&kept.missed).iter().any(|p| p.is_file());
                if same && !appeared && kept.manifest.unchanged() {
                    return Arc::clone(kept);
                }
                Arc::new(Images {
                    generation: kept.generation + 1,
                    ..fresh
                })
            }
            None => Arc::new(fresh),
        }
    }

    pub fn settings(&self) -> &ImageSettings {
        &self.settings
    }

    /// The image at `url` (as written in a document at `place`), if it is a local file
    /// that can be read; `None` for other hosts, missing files (the link check reports
    /// them) and files that cannot be read (a warning).
    pub fn lookup(&self, url: &str, place: Place) -> Option<Image> {
        let (site_path, source) = self.source_of(url, place)?;
        let info = match self.manifest.info(&source) {
            Ok(info) => info,
            Err(why) => {
                self.warn(format!(
                    "{}: {why}; it is copied as it is, without a size",
                    self.shown(&source)
                ));
                return None;
            }
        };
        let widths: Vec<u32> = match info.format.is_resizable() && info.width > self.settings.column
        {
            true => self
                .settings
                .widths
                .iter()
                .copied()
                .filter(|&w| w < info.width)
                .collect(),
            false => Vec::new(),
        };
        let mut srcsets = Vec::new();
        if !widths.is_empty() {
            for format in self.copy_formats(info.format) {
                let mut srcset: Vec<(String, u32)> = widths
                    .iter()
                    .map(|&w| {
                        let variant = Variant::Width(w, format);
                        (self.url(&self.output_path(&source, &info, &variant)), w)
                    })
                    .collect();
                srcset.push((String::new(), info.width));
                srcsets.push((format, srcset));
                let variants = widths.iter().map(|&w| Variant::Width(w, format));
                self.want(place.revision, &source, &info, variants);
            }
        }
        Some(Image {
            revision: place.revision,
            info,
            srcsets,
            site_url: self.url(&site_path),
            source,
        })
    }

    /// The formats an image of `format` gets copies in: AVIF only for photos (JPEG
    /// sources), since its encoder has no lossless mode and would blur a diagram's edges.
    fn copy_formats(&self, format: Format) -> impl Iterator<Item = CopyFormat> + '_ {
        self.settings
            .formats
            .iter()
            .copied()
            .filter(move |f| *f != CopyFormat::Avif || format == Format::Jpeg)
    }

    /// The site path of `image`'s social card, which this build will make.
    pub fn card(&self, image: &Image) -> Option<String> {
        if !image.info.format.is_resizable() {
            return None;
        }
        self.want(image.revision, &image.source, &image.info, [Variant::Card]);
        Some(self.output_path(&image.source, &image.info, &Variant::Card))
    }

    /// Makes the variants the documents of `revisions` (those of this build) want that
    /// the cache does not hold, and gives each as an output file. What other revisions
    /// asked for is forgotten.
    pub fn finish(&self, revisions: &HashSet<u64>) -> Finished {
        let mut by_key: HashMap<&str, Wanted> = HashMap::new();
        let mut asked = lock(&self.wanted);
        asked.retain(|revision, _| revisions.contains(revision));
        for (source, info, variant) in asked.values().flatten() {
            by_key
                .entry(&info.key)
                .or_insert_with(|| Wanted {
                    source: source.clone(),
                    info: Arc::clone(info),
                    variants: BTreeSet::new(),
                })
                .variants
                .insert(variant.clone());
        }
        let wanted: Vec<Wanted> = by_key.into_values().collect();
        // Two of the largest decoded image for each thread: see budget.rs.
        let largest = wanted
            .iter()
            .map(|w| variants::decoded_bytes(&w.info, None))
            .max()
            .unwrap_or(0);
        let budget = budget::Budget::new(rayon::current_num_threads() * 2 * largest);
        let files: Vec<Vec<OutputFile>> =
            wanted.par_iter().map(|w| self.make(w, &budget)).collect();
        drop(asked);
        self.manifest.save();
        Finished {
            files: files.into_iter().flatten().collect(),
            warnings: std::mem::take(&mut *lock(&self.warnings)),
            decoded: self.decoded.swap(0, Ordering::Relaxed),
        }
    }

    /// The output files of one image's variants, made first where the cache lacks them.
    fn make(&self, wanted: &Wanted, budget: &budget::Budget) -> Vec<OutputFile> {
        let stored = |v: &Variant| self.stored_name(&wanted.info, v);
        let missing: Vec<&Variant> = wanted
            .variants
            .iter()
            .filter(|v| match &self.cache {
                Some(dir) => !dir.join(stored(v)).is_file(),
                None => !lock(&self.in_memory).contains_key(&stored(v)),
            })
            .collect();
        if !missing.is_empty() {
            self.decoded.fetch_add(1, Ordering::Relaxed);
            let made = variants::make(
                &wanted.source,
                &wanted.info,
                &missing,
                &self.settings,
                budget,
            )
            .unwrap_or_else(|why| {
                self.warn(format!(
                    "{}: could not be resized ({why}); its variants are copies of it",
                    self.shown(&wanted.source)
                ));
                let copy = std::fs::read(&wanted.source).unwrap_or_default();
                missing.iter().map(|_| copy.clone()).collect()
            });
            for (variant, bytes) in missing.iter().zip(made) {
                self.store(&stored(variant), bytes);
            }
        }
        wanted
            .variants
            .iter()
            .map(|v| OutputFile {
                path: self.output_path(&wanted.source, &wanted.info, v),
                body: match &self.cache {
                    Some(dir) => Body::Copy(dir.join(stored(v))),
                    None => Body::Bytes(lock(&self.in_memory)[&stored(v)].clone()),
                },
            })
            .collect()
    }

    fn store(&self, name: &str, bytes: Vec<u8>) {
        match &self.cache {
            Some(dir) => {
                let written =
                    std::fs::create_dir_all(dir).and_then(|()| write_file(&dir.join(name), &bytes));
                if let Err(e) = written {
                    self.warn(format!("could not keep {} in {}: {e}", name, dir.display()));
                    lock(&self.in_memory).insert(name.to_owned(), bytes.into());
                }
            }
            None => {
                lock(&self.in_memory).insert(name.to_owned(), bytes.into());
            }
        }
    }

    fn want(
        &self,
        revision: u64,
        source: &Path,
        info: &Arc<Info>,
        variants: impl IntoIterator<Item = Variant>,
    ) {
        let mut wanted = lock(&self.wanted);
        let asked = wanted.entry(revision).or_default();
        for variant in variants {
            let entry = (source.to_path_buf(), Arc::clone(info), variant);
            if !asked.contains(&entry) {
                asked.push(entry);
            }
        }
    }

    /// The file a local image URL names: under `static/` (also as `/static/…`), or in the
    /// document's bundle. `None` for a URL out of the site or a file that is not there.
    fn source_of(&self, url: &str, place: Place) -> Option<(String, PathBuf)> {
        if url.starts_with("data:") {
            return None;
        }
        let (path, _) = crate::check::resolve(url, place.page, &self.base_url)?;
        let in_static = self.root.join("static").join(&path);
        if in_static.is_file() {
            return Some((path, in_static));
        }
        let in_bundle = place.bundle.and_then(|source| {
            let rest = Path::new(path.strip_prefix(page_dir(place.page))?);
            let folder = source.path.parent()?;
            source
                .assets
                .iter()
                .any(|a| a == rest)
                .then(|| folder.join(rest))
        });
        if let Some(file) = in_bundle.filter(|f| f.is_file()) {
            return Some((path, file));
        }
        lock(&self.missed).insert(in_static);
        None
    }

    /// `resized/photo-0123456789abcdef-960.webp`: the name says what it is.
    fn output_path(&self, source: &Path, info: &Info, variant: &Variant) -> String {
        let stem = source
            .file_stem()
            .map(|s| crate::content::slug::path_segment(&s.to_string_lossy()))
            .unwrap_or_default();
        let key = &info.key[..16];
        match variant {
            Variant::Width(w, f) => format!("{OUTPUT_FOLDER}/{stem}-{key}-{w}.{}", f.name()),
            Variant::Card => format!("{OUTPUT_FOLDER}/{stem}-{key}-card.jpg"),
        }
    }

    /// The cache file of a variant: the source's key and the settings that shape it.
    fn stored_name(&self, info: &Info, variant: &Variant) -> String {
        let settings = probe::hex(probe::hash128(
            format!("{VARIANTS_VERSION} {}", self.settings.quality).as_bytes(),
        ));
        match variant {
            Variant::Width(w, f) => format!("{}-{}-{w}.{}", info.key, &settings[..8], f.name()),
            Variant::Card => format!("{}-{}-card.jpg", info.key, &settings[..8]),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }

    fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// Notes a warning once: an image several pages show is looked up once for each.
    fn warn(&self, message: String) {
        let mut warnings = lock(&self.warnings);
        if !warnings.contains(&message) {
            warnings.push(message);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Writes a cache file through a temporary beside it, so that a build stopped halfway
/// never leaves a torn variant that a later build would take for whole.
fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
