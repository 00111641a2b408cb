//! A content-addressed cache of highlighted code blocks, so that a warm build skips syntect.
//!
//! Highlighting is most of a cold build's work, and a block's HTML depends only on the
//! grammar set, the language and the code (the output uses CSS classes, so the colour
//! theme plays no part). Each entry is one file under the cache folder, named by a hash
//! of those three, and holding them in full before the HTML: a lookup compares them
//! exactly, so neither a hash collision nor an old entry can ever serve the wrong HTML.
//! Entries are written to a temporary file and renamed into place, so a crashed or
//! concurrent build never leaves a torn one. The folder is safe to delete at any time.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Changes whenever the grammars compiled into the binary change (written by `build.rs`),
/// or the markup `highlight_block` wraps around syntect's output changes (`MARKUP`).
pub const GRAMMAR_VERSION: &str = concat!(
    include_str!(concat!(env!("OUT_DIR"), "/grammar_version.txt")),
    "-",
    env!("CARGO_PKG_VERSION"),
    "-markup",
    "1"
);

const MAGIC: &str = "inkpress highlight cache 1\n";

/// The cache folder for highlighted blocks. Cheap to clone; all I/O errors mean a miss.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HighlightCache {
    dir: PathBuf,
    grammar_version: String,
}

impl HighlightCache {
    /// A cache in `dir` for the grammars of this binary.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self::with_grammar_version(dir, GRAMMAR_VERSION)
    }

    /// A cache in `dir` for another grammar-set version (tests, and tools that swap grammars).
    pub fn with_grammar_version(dir: impl Into<PathBuf>, version: &str) -> Self {
        HighlightCache {
            dir: dir.into(),
            grammar_version: version.to_owned(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
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
        let stored = std::fs::read_to_string(self.entry_path(language, code)).ok()?;
        let header = self.header(language, code);
        stored.strip_prefix(header.as_str()).map(str::to_owned)
    }

    /// Stores an entry; failures (read-only disk, full disk) only cost a future miss.
    pub fn put(&self, language: &str, code: &str, html: &str) {
        static UNIQUE: AtomicUsize = AtomicUsize::new(0);
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let path = self.entry_path(language, code);
        let temp = path.with_extension(format!(
            "tmp{}-{}",
            std::process::id(),
            UNIQUE.fetch_add(1, Ordering::Relaxed)
        ));
        let mut text = self.header(language, code);
        text.push_str(html);
        if std::fs::write(&temp, text).is_err() || std::fs::rename(&temp, &path).is_err() {
            let _ = std::fs::remove_file(&temp);
        }
    }

    /// Everything the HTML depends on, written out in full ahead of it in the entry.
    fn header(&self, language: &str, code: &str) -> String {
        let mut h = String::with_capacity(MAGIC.len() + code.len() + 96);
        h.push_str(MAGIC);
        for field in [self.grammar_version.as_str(), language, code] {
            h.push_str(&field.len().to_string());
            h.push(':');
            h.push_str(field);
            h.push('\n');
        }
        h
    }

    fn entry_path(&self, language: &str, code: &str) -> PathBuf {
        // Two differently seeded 64-bit hashes: a collision only costs a miss (the header
        // is compared in full), but two blocks sharing a file would evict each other.
        let hash = |seed: u8| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (seed, self.grammar_version.as_str(), language, code).hash(&mut h);
            h.finish()
        };
        self.dir
            .join(format!("{:016x}{:016x}.html", hash(1), hash(2)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |d| d.count())
    }

    #[test]
    fn hit_after_put_and_no_temp_files_left() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = HighlightCache::new(tmp.path().join("hl"));
        assert_eq!(cache.get("rust", "fn a() {}\n"), None);
        let made = cache.get_or_insert_with("rust", "fn a() {}\n", || "<b>one</b>".into());
        assert_eq!(made, "<b>one</b>");
        let again = cache.get_or_insert_with("rust", "fn a() {}\n", || panic!("cache missed"));
        assert_eq!(again, "<b>one</b>");
        assert_eq!(entries(cache.dir()), 1);
    }

    #[test]
    fn never_stale_when_grammars_code_or_language_change() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("hl");
        let old = HighlightCache::with_grammar_version(&dir, "grammars-A");
        old.put("rust", "let x = 1;\n", "<old>");
        // A new grammar set: the same block is highlighted afresh.
        let new = HighlightCache::with_grammar_version(&dir, "grammars-B");
        assert_eq!(new.get("rust", "let x = 1;\n"), None);
        // An edited block, or the same code in another language: a miss, too.
        assert_eq!(old.get("rust", "let x = 2;\n"), None);
        assert_eq!(old.get("python", "let x = 1;\n"), None);
        assert_eq!(old.get("rust", "let x = 1;\n").as_deref(), Some("<old>"));
    }

    #[test]
    fn an_entry_with_other_contents_under_the_same_name_is_a_miss() {
        // As if two keys hashed alike, or a file had been swapped: the header decides.
        let tmp = tempfile::tempdir().unwrap();
        let cache = HighlightCache::new(tmp.path());
        cache.put("go", "a\n", "<a>");
        let a = cache.entry_path("go", "a\n");
        std::fs::write(&a, format!("{}<b>", cache.header("go", "b\n"))).unwrap();
        assert_eq!(cache.get("go", "a\n"), None);
        std::fs::write(&a, "garbage").unwrap();
        assert_eq!(cache.get("go", "a\n"), None);
    }

    #[test]
    fn deleting_the_folder_is_safe() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = HighlightCache::new(tmp.path().join("hl"));
        cache.put("yaml", "a: 1\n", "<y>");
        std::fs::remove_dir_all(cache.dir()).unwrap();
        assert_eq!(cache.get("yaml", "a: 1\n"), None);
        cache.put("yaml", "a: 1\n", "<y>");
        assert_eq!(cache.get("yaml", "a: 1\n").as_deref(), Some("<y>"));
    }
}
