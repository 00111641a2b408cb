//! A content-addressed cache of highlighted code blocks, so that a warm build skips syntect.
//!
//! Highlighting is most of a cold build's work, and a block's HTML depends only on the
//! grammar set, the language and the code (the output uses CSS classes, so the colour
//! theme plays no part). Every entry holds its language and code in full, and a lookup
//! compares them exactly: neither a hash collision nor an old entry can serve wrong HTML.
//!
//! All entries live in one file, read once when a build starts and appended to as blocks
//! are highlighted. One file per block cost a cold build more than the highlighting it
//! saved: creating two thousand small files on ext4 took seconds of kernel time.
//!
//! The file: a header line with the format and the grammar-set version, then records of
//! `LANG_LEN CODE_LEN PACKED_LEN HTML_LEN\n` + language + code + packed HTML + `\n`.
//! The HTML is packed with LZ4: syntect's class names repeat so much that it shrinks
//! tenfold (337 MB to 32 MB for 10,000 posts), for less time than writing it out plain
//! took, and a warm build reads and holds a tenth as much. A file for another grammar
//! set is ignored; a record cut short by a crash ends the readable part, and the file
//! is rewritten at the next save. Deleting the file or its folder is always safe.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Changes whenever the grammars compiled into the binary change (written by `build.rs`),
/// or the markup `highlight_block` wraps around syntect's output changes (`MARKUP`).
pub const GRAMMAR_VERSION: &str = concat!(
    include_str!(concat!(env!("OUT_DIR"), "/grammar_version.txt")),
    "-",
    env!("CARGO_PKG_VERSION"),
    "-markup",
    "1"
);

/// The cache file's name inside the cache folder.
pub const FILE_NAME: &str = "highlight.cache";

const MAGIC: &str = "inkpress highlight cache 3";

/// New records are written out once this many (packed) bytes are waiting, so that a cold build
/// of a large site does not hold all of its highlighted code twice.
const FLUSH_AT: usize = 4 << 20;

/// The cache file of one site for the grammars of this binary. All I/O errors mean a miss.
pub struct HighlightCache {
    file: PathBuf,
    grammar_version: String,
    /// The file as read when the cache was opened; `records` point into it.
    stored: Vec<u8>,
    records: Vec<Record>,
    /// Record numbers by hash of language and code.
    index: HashMap<u64, Vec<usize>>,
    /// Which stored records this process has used: the others are dropped by a compaction.
    used: Vec<AtomicBool>,
    /// Whether blocks highlighted since opening are also kept in memory (serve, whose
    /// later rebuilds look them up again) rather than only written out.
    remember_new: bool,
    pending: Mutex<Pending>,
}

struct Record {
    language: Range<usize>,
    code: Range<usize>,
    /// The HTML, packed with LZ4 (its block format).
    packed: Range<usize>,
    /// The HTML's length unpacked.
    html_len: usize,
}

#[derive(Default)]
struct Pending {
    /// Encoded records not yet in the file.
    bytes: Vec<u8>,
    /// Blocks highlighted since opening, by [`memory_key`] (only with `remember_new`):
    /// their HTML packed as in the file, with its length. Neither the code nor the HTML is
    /// held as text: a first session of a large site highlights hundreds of megabytes.
    made: HashMap<u128, (Box<[u8]>, usize)>,
    /// The file on disk cannot be appended to (missing, other version, torn record).
    rewrite: bool,
    /// Whether this process has already compacted the file.
    compacted: bool,
}

impl std::fmt::Debug for HighlightCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HighlightCache")
            .field("file", &self.file)
            .field("records", &self.records.len())
            .finish_non_exhaustive()
    }
}

/// Two caches are interchangeable when they read the same file for the same grammars.
impl PartialEq for HighlightCache {
    fn eq(&self, other: &Self) -> bool {
        self.file == other.file && self.grammar_version == other.grammar_version
    }
}

impl Eq for HighlightCache {}

impl HighlightCache {
    /// Opens the cache file `file` for the grammars of this binary.
    pub fn open(file: impl Into<PathBuf>, remember_new: bool) -> Self {
        Self::open_for_grammars(file, GRAMMAR_VERSION, remember_new)
    }

    /// Opens `file` for another grammar-set version (tests, and tools that swap grammars).
    pub fn open_for_grammars(file: impl Into<PathBuf>, version: &str, remember_new: bool) -> Self {
        let file = file.into();
        let stored = std::fs::read(&file).unwrap_or_default();
        let header = header(version);
        let (records, readable) = match stored.strip_prefix(header.as_bytes()) {
            Some(body) => parse_records(body, header.len()),
            None => (Vec::new(), false),
        };
        let mut index: HashMap<u64, Vec<usize>> = HashMap::with_capacity(records.len());
        for (n, r) in records.iter().enumerate() {
            index
                .entry(key_hash(
                    &stored[r.language.clone()],
                    &stored[r.code.clone()],
                ))
                .or_default()
                .push(n);
        }
        HighlightCache {
            used: records.iter().map(|_| AtomicBool::new(false)).collect(),
            file,
            grammar_version: version.to_owned(),
            stored,
            records,
            index,
            remember_new,
            pending: Mutex::new(Pending {
                rewrite: !readable,
                ..Pending::default()
            }),
        }
    }

    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The highlighted HTML of this block, from the cache or made by `make` and stored.
    pub fn get_or_insert_with(
        &self,
        language: &str,
        code: &str,
        make: impl FnOnce() -> String,
    ) -> String {
        if let Some(html) = self.get(language, code) {
            return html;
        }
        let html = make();
        self.put(language, code, &html);
        html
    }

    /// The stored HTML for this exact grammar version, language and code, if any.
    pub fn get(&self, language: &str, code: &str) -> Option<String> {
        let candidates = self
            .index
            .get(&key_hash(language.as_bytes(), code.as_bytes()));
        for &n in candidates.into_iter().flatten() {
            let r = &self.records[n];
            if &self.stored[r.language.clone()] == language.as_bytes()
                && &self.stored[r.code.clone()] == code.as_bytes()
            {
                if let Some(html) = unpack(&self.stored[r.packed.clone()], r.html_len) {
                    self.used[n].store(true, Ordering::Relaxed);
                    return Some(html);
                }
            }
        }
        if self.remember_new {
            let pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((packed, len)) = pending.made.get(&memory_key(language, code)) {
                return unpack(packed, *len);
            }
        }
        None
    }

    /// Adds an entry; it reaches the file by [`save`](Self::save) at the latest.
    pub fn put(&self, language: &str, code: &str, html: &str) {
        let packed = lz4_flex::block::compress(html.as_bytes());
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        encode_record(&mut pending.bytes, language, code, &packed, html.len());
        if self.remember_new {
            let key = memory_key(language, code);
            pending
                .made
                .insert(key, (packed.clone().into(), html.len()));
        }
        if pending.bytes.len() >= FLUSH_AT {
            self.write_out(&mut pending, false);
        }
    }

    /// Writes what is waiting to the file, and compacts the file (once per process) when
    /// most of what it holds went unused: blocks that were edited or deleted since.
    /// Failures (read-only or full disk) only cost a future miss.
    pub fn save(&self) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let live: usize = self
            .records
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| used.load(Ordering::Relaxed))
            .map(|(r, _)| r.packed.end - r.language.start)
            .sum();
        let compact = !pending.compacted && live * 2 < self.stored.len();
        if compact || !pending.bytes.is_empty() || pending.rewrite {
            self.write_out(&mut pending, compact);
        }
    }

    /// Appends the waiting records, or writes the whole file anew when it must be
    /// rewritten (then through a temporary file, so that no reader sees half of it).
    fn write_out(&self, pending: &mut Pending, compact: bool) {
        let bytes = std::mem::take(&mut pending.bytes);
        if !(pending.rewrite || compact) {
            let appended = std::fs::OpenOptions::new()
                .append(true)
                .open(&self.file)
                .and_then(|mut f| f.write_all(&bytes));
            if appended.is_ok() {
                return;
            }
            // Deleted meanwhile, say: write it anew (a half-written record is dropped too).
            pending.rewrite = true;
        }
        pending.compacted |= compact;
        let mut text = header(&self.grammar_version).into_bytes();
        for (r, used) in self.records.iter().zip(&self.used) {
            if !compact || used.load(Ordering::Relaxed) {
                text.extend_from_slice(
                    &self.stored[r.language.start - header_line(r)..=r.packed.end],
                );
            }
        }
        text.extend_from_slice(&bytes);
        let Some(dir) = self.file.parent() else {
            return;
        };
        let temp = self
            .file
            .with_extension(format!("tmp{}", std::process::id()));
        let written = std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&temp, &text))
            .and_then(|()| std::fs::rename(&temp, &self.file));
        match written {
            Ok(()) => pending.rewrite = false,
            Err(_) => {
                let _ = std::fs::remove_file(&temp);
            }
        }
    }
}

fn header(grammar_version: &str) -> String {
    format!("{MAGIC}\n{grammar_version}\n")
}

/// The length of a record's `LANG_LEN CODE_LEN PACKED_LEN HTML_LEN\n` line, recovered
/// from its fields.
fn header_line(r: &Record) -> usize {
    record_line(r.language.len(), r.code.len(), r.packed.len(), r.html_len).len()
}

fn record_line(language: usize, code: usize, packed: usize, html: usize) -> String {
    format!("{language} {code} {packed} {html}\n")
}

fn encode_record(out: &mut Vec<u8>, language: &str, code: &str, packed: &[u8], html_len: usize) {
    out.extend_from_slice(
        record_line(language.len(), code.len(), packed.len(), html_len).as_bytes(),
    );
    out.extend_from_slice(language.as_bytes());
    out.extend_from_slice(code.as_bytes());
    out.extend_from_slice(packed);
    out.push(b'\n');
}

/// A record's HTML, or `None` when its bytes do not unpack to text of the stated length.
fn unpack(packed: &[u8], html_len: usize) -> Option<String> {
    let html = lz4_flex::block::decompress(packed, html_len).ok()?;
    if html.len() != html_len {
        return None;
    }
    String::from_utf8(html).ok()
}

/// LZ4 cannot expand data more than 255-fold: a record claiming more is damaged, and
/// must not make the reader allocate what it claims.
fn plausible(packed: usize, html_len: usize) -> bool {
    html_len <= packed.saturating_mul(255).saturating_add(16)
}

/// The records of the file's body (which starts at `offset` in the file), and whether
/// the whole body was readable: a torn or damaged record ends the readable part.
fn parse_records(body: &[u8], offset: usize) -> (Vec<Record>, bool) {
    let mut records = Vec::new();
    let mut at = 0;
    while at < body.len() {
        let Some(record) = parse_record(body, at) else {
            return (records, false);
        };
        at = record.packed.end + 1;
        records.push(Record {
            language: shift(record.language, offset),
            code: shift(record.code, offset),
            packed: shift(record.packed, offset),
            html_len: record.html_len,
        });
    }
    (records, true)
}

fn shift(r: Range<usize>, by: usize) -> Range<usize> {
    r.start + by..r.end + by
}

fn parse_record(body: &[u8], at: usize) -> Option<Record> {
    let rest = &body[at..];
    let line_end = rest.iter().take(64).position(|&b| b == b'\n')?;
    let line = std::str::from_utf8(&rest[..line_end]).ok()?;
    let mut lengths = line.split(' ').map(|n| n.parse::<usize>().ok());
    let (Some(Some(l)), Some(Some(c)), Some(Some(p)), Some(Some(h)), None) = (
        lengths.next(),
        lengths.next(),
        lengths.next(),
        lengths.next(),
        lengths.next(),
    ) else {
        return None;
    };
    let start = at + line_end + 1;
    let end = start.checked_add(l)?.checked_add(c)?.checked_add(p)?;
    if body.get(end) != Some(&b'\n') || !plausible(p, h) {
        return None;
    }
    Some(Record {
        language: start..start + l,
        code: start + l..start + l + c,
        packed: start + l + c..end,
        html_len: h,
    })
}

fn key_hash(language: &[u8], code: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (language, code).hash(&mut h);
    h.finish()
}

/// A block's language and code, hashed to 128 bits: no two blocks of a site will ever
/// share one, and the code need not be kept to tell them apart.
fn memory_key(language: &str, code: &str) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&(language.len() as u64).to_le_bytes());
    hasher.update(language.as_bytes());
    hasher.update(code.as_bytes());
    hasher.digest128()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(file: &Path) -> HighlightCache {
        HighlightCache::open(file, false)
    }

    #[test]
    fn hit_after_save_and_reopen() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("cache/highlight.cache");
        let cache = open(&file);
        assert_eq!(cache.get("rust", "fn a() {}\n"), None);
        let made = cache.get_or_insert_with("rust", "fn a() {}\n", || "<b>one</b>".into());
        assert_eq!(made, "<b>one</b>");
        cache.save();
        let again = open(&file);
        let hit = again.get_or_insert_with("rust", "fn a() {}\n", || panic!("cache missed"));
        assert_eq!(hit, "<b>one</b>");
        // No temporary file is left beside it.
        assert_eq!(
            std::fs::read_dir(file.parent().unwrap()).unwrap().count(),
            1
        );
    }

    #[test]
    fn new_blocks_are_remembered_in_memory_only_when_asked() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("highlight.cache");
        let serve = HighlightCache::open(&file, true);
        serve.put("go", "a\n", "<a>");
        assert_eq!(serve.get("go", "a\n").as_deref(), Some("<a>"));
        let build = open(&file);
        build.put("go", "b\n", "<b>");
        assert_eq!(build.get("go", "b\n"), None);
    }

    #[test]
    fn never_stale_when_grammars_code_or_language_change() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("highlight.cache");
        let old = HighlightCache::open_for_grammars(&file, "grammars-A", false);
        old.put("rust", "let x = 1;\n", "<old>");
        old.save();
        // A new grammar set: the same block is highlighted afresh.
        let new = HighlightCache::open_for_grammars(&file, "grammars-B", false);
        assert_eq!(new.get("rust", "let x = 1;\n"), None);
        // An edited block, or the same code in another language: a miss, too.
        let old = HighlightCache::open_for_grammars(&file, "grammars-A", false);
        assert_eq!(old.get("rust", "let x = 2;\n"), None);
        assert_eq!(old.get("python", "let x = 1;\n"), None);
        assert_eq!(old.get("rust", "let x = 1;\n").as_deref(), Some("<old>"));
    }

    #[test]
    fn a_file_of_another_grammar_set_is_replaced_not_appended_to() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("highlight.cache");
        let a = HighlightCache::open_for_grammars(&file, "A", false);
        a.put("c", "1\n", "<1>");
        a.save();
        let b = HighlightCache::open_for_grammars(&file, "B", false);
        b.put("c", "2\n", "<2>");
        b.save();
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        assert!(
            text.starts_with(&header("B")) && !text.contains("<1>"),
            "{text}"
        );
        let b = HighlightCache::open_for_grammars(&file, "B", false);
        assert_eq!(b.get("c", "2\n").as_deref(), Some("<2>"));
    }

    #[test]
    fn a_torn_record_ends_the_readable_part_and_the_file_is_mended() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("highlight.cache");
        let cache = open(&file);
        cache.put("sh", "ls\n", "<ls>");
        cache.put("sh", "pwd\n", "<pwd>");
        cache.save();
        // A crash in the middle of appending the second record.
        let text = std::fs::read(&file).unwrap();
        std::fs::write(&file, &text[..text.len() - 3]).unwrap();
        let cache = open(&file);
        assert_eq!(cache.get("sh", "ls\n").as_deref(), Some("<ls>"));
        assert_eq!(cache.get("sh", "pwd\n"), None);
        cache.put("sh", "pwd\n", "<pwd>");
        cache.save();
        let cache = open(&file);
        assert_eq!(cache.get("sh", "ls\n").as_deref(), Some("<ls>"));
        assert_eq!(cache.get("sh", "pwd\n").as_deref(), Some("<pwd>"));
    }

    #[test]
    fn garbage_is_a_miss() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("highlight.cache");
        let packed = lz4_flex::block::compress(b"<x>");
        let record = |html_len: usize, packed: &[u8]| {
            let mut file = header(GRAMMAR_VERSION).into_bytes();
            encode_record(&mut file, "rust", "ab", packed, html_len);
            file
        };
        for junk in [
            b"garbage".to_vec(),
            format!(
                "{}99999999999999999999 1 1 1\nrust",
                header(GRAMMAR_VERSION)
            )
            .into_bytes(),
            format!("{}4 2 3 3\nrustab<x>X", header(GRAMMAR_VERSION)).into_bytes(),
            // Packed bytes that are not LZ4, or unpack to another length, or claim a
            // length no LZ4 data can reach (which must not be allocated).
            record(3, b"\xff\xff\xff"),
            record(4, &packed),
            record(usize::MAX / 2, &packed),
            // Bytes that unpack to something other than text.
            record(2, &lz4_flex::block::compress(b"\xff\xfe")),
        ] {
            std::fs::write(&file, junk).unwrap();
            assert_eq!(open(&file).get("rust", "ab"), None);
        }
    }

    #[test]
    fn unused_entries_are_dropped_once_they_are_most_of_the_file() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("highlight.cache");
        let cache = open(&file);
        for n in 0..10 {
            cache.put("txt", &format!("{n}\n"), "<x>");
        }
        cache.save();
        // A build that only met block 3.
        let cache = open(&file);
        assert!(cache.get("txt", "3\n").is_some());
        cache.save();
        let cache = open(&file);
        assert!(cache.get("txt", "3\n").is_some());
        assert!(cache.get("txt", "4\n").is_none(), "unused entry kept");
    }

    #[test]
    fn deleting_the_file_or_folder_is_safe() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("cache/highlight.cache");
        let cache = open(&file);
        cache.put("yaml", "a: 1\n", "<y>");
        cache.save();
        std::fs::remove_dir_all(file.parent().unwrap()).unwrap();
        assert_eq!(open(&file).get("yaml", "a: 1\n"), None);
        cache.put("yaml", "b: 2\n", "<b>");
        cache.save();
        assert_eq!(open(&file).get("yaml", "b: 2\n").as_deref(), Some("<b>"));
        let cache = open(&file);
        cache.put("yaml", "a: 1\n", "<y>");
        cache.save();
        assert_eq!(open(&file).get("yaml", "a: 1\n").as_deref(), Some("<y>"));
    }

    #[test]
    fn big_caches_are_written_as_they_grow() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("highlight.cache");
        let cache = open(&file);
        // Bytes that do not pack: what counts is what waits to be written.
        let mut seed = 1u32;
        let html: String = (0..FLUSH_AT / 2 + 64)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                char::from(b'!' + (seed >> 16) as u8 % 90)
            })
            .collect();
        cache.put("a", "1", &html);
        assert!(!file.exists());
        cache.put("a", "2", &html);
        assert!(file.exists(), "not written at the threshold");
        cache.put("a", "3", &html);
        cache.save();
        let cache = open(&file);
        for code in ["1", "2", "3"] {
            assert_eq!(cache.get("a", code).as_deref(), Some(html.as_str()));
        }
    }
}
