//! A session's spool: large values a session keeps from one build to the next (pages,
//! bodies' HTML, sources' text) written once to an unnamed temporary file and read back
//! when asked, so that they sit in the operating system's page cache rather than in the
//! process's memory. At 10,000 posts they are over 500 MB; a page is read back only when
//! it is served or a rebuild needs it again, which is a copy from the page cache.
//!
//! The file is never linked into a folder (Linux), or unlinked at once, or deleted on
//! close (Windows): it goes away with the process, however the process ends. Each value
//! is written at its own offset, from any thread, and never overwritten, so a value read
//! while a rebuild writes its successor is whole; when the last holder of a value lets
//! go of it, its blocks are given back to the file system (Linux; elsewhere the file only
//! grows, until the session ends).

use std::fmt;
use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Values start on a block boundary: a dropped value's blocks are then its own, given
/// back whole, and the gaps between values are holes that take no disk space.
const BLOCK: u64 = 4096;

/// The temporary file, and where its next value goes.
pub struct Spool {
    file: File,
    end: AtomicU64,
}

/// One value in a spool: read back with [`read`](Self::read), and known by its length
/// and 128-bit hash (two values with both equal are taken as equal, as two pages with
/// the same ETag are). Cheap to clone; its blocks are freed when the last clone goes.
#[derive(Clone)]
pub struct Stored(Arc<Value>);

struct Value {
    spool: Arc<Spool>,
    offset: u64,
    len: usize,
    hash: u128,
}

impl Spool {
    /// A new spool in `dir` (created if need be), else in the system's temporary folder.
    pub fn open(dir: Option<&Path>) -> io::Result<Arc<Spool>> {
        let in_dir = dir.and_then(|d| {
            std::fs::create_dir_all(d).ok()?;
            tempfile::tempfile_in(d).ok()
        });
        let file = match in_dir {
            Some(file) => file,
            None => tempfile::tempfile()?,
        };
        Ok(Arc::new(Spool {
            file,
            end: AtomicU64::new(0),
        }))
    }

    /// Writes `bytes` to the spool.
    pub fn put(self: &Arc<Self>, bytes: &[u8]) -> io::Result<Stored> {
        let len = bytes.len() as u64;
        let offset = self
            .end
            .fetch_add(len.div_ceil(BLOCK) * BLOCK, Ordering::Relaxed);
        write_all_at(&self.file, bytes, offset)?;
        Ok(Stored(Arc::new(Value {
            spool: Arc::clone(self),
            offset,
            len: bytes.len(),
            hash: xxhash_rust::xxh3::xxh3_128(bytes),
        })))
    }
}

impl Stored {
    /// The value's bytes, read from the spool.
    pub fn read(&self) -> io::Result<Vec<u8>> {
        let mut bytes = vec![0; self.0.len];
        read_exact_at(&self.0.spool.file, &mut bytes, self.0.offset)?;
        Ok(bytes)
    }

    pub fn len(&self) -> usize {
        self.0.len
    }

    pub fn is_empty(&self) -> bool {
        self.0.len == 0
    }

    /// The hash of the value's bytes (`xxh3_128`).
    pub fn hash(&self) -> u128 {
        self.0.hash
    }

    /// Whether `bytes` are this value's (same length and hash), without reading it back.
    pub fn holds(&self, bytes: &[u8]) -> bool {
        bytes.len() == self.0.len && xxhash_rust::xxh3::xxh3_128(bytes) == self.0.hash
    }

    /// Whether both are the same value (same length and hash), without reading either.
    pub fn same_content(&self, other: &Stored) -> bool {
        self.is(other) || (self.0.len == other.0.len && self.0.hash == other.0.hash)
    }

    /// Whether both are clones of one stored value (as a value kept from the last
    /// build is): what was found in it then still holds.
    pub fn is(&self, other: &Stored) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for Stored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Stored({} bytes at {})", self.0.len, self.0.offset)
    }
}

impl Drop for Value {
    fn drop(&mut self) {
        give_back(&self.spool.file, self.offset, self.len as u64);
    }
}

/// Gives the blocks of a value no one holds any more back to the file system (its
/// length rounded up to whole blocks: the next value starts on the next boundary). A file
/// system that cannot punch holes keeps them until the session ends.
#[cfg(target_os = "linux")]
fn give_back(file: &File, offset: u64, len: u64) {
    use std::os::fd::AsRawFd;
    let (Ok(offset), Ok(len)) = (
        libc::off_t::try_from(offset),
        libc::off_t::try_from(len.div_ceil(BLOCK) * BLOCK),
    ) else {
        return;
    };
    if len == 0 {
        return;
    }
    // SAFETY: fallocate reads its integer arguments only; the descriptor is open as long
    // as `file` is. Failing leaves the blocks in use, which is harmless.
    unsafe {
        libc::fallocate(
            file.as_raw_fd(),
            libc::FALLOC_FL_PUNCH_HOLE | libc::FALLOC_FL_KEEP_SIZE,
            offset,
            len,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn give_back(_file: &File, _offset: u64, _len: u64) {}

#[cfg(unix)]
fn write_all_at(file: &File, bytes: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(unix)]
fn read_exact_at(file: &File, bytes: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

#[cfg(windows)]
fn write_all_at(file: &File, mut bytes: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        match file.seek_write(bytes, offset) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                bytes = &bytes[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut bytes: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        match file.seek_read(bytes, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                bytes = &mut bytes[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_as_written_from_many_threads() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::open(Some(&dir.path().join("serve"))).unwrap();
        let values: Vec<Vec<u8>> = (0..64u32)
            .map(|i| (0..i * 997).map(|j| (i + j) as u8).collect())
            .collect();
        let stored: Vec<Stored> = std::thread::scope(|s| {
            let handles: Vec<_> = values
                .iter()
                .map(|v| {
                    let spool = Arc::clone(&spool);
                    s.spawn(move || spool.put(v).unwrap())
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for (v, s) in values.iter().zip(&stored) {
            assert_eq!(&s.read().unwrap(), v);
            assert_eq!(s.len(), v.len());
            assert!(s.holds(v));
        }
        // The file is unnamed: nothing is left in the folder.
        assert_eq!(
            std::fs::read_dir(dir.path().join("serve")).unwrap().count(),
            0
        );
    }

    #[test]
    fn equal_bytes_are_the_same_content_and_others_not() {
        let spool = Spool::open(None).unwrap();
        let a = spool.put(b"<p>a</p>").unwrap();
        let again = spool.put(b"<p>a</p>").unwrap();
        let b = spool.put(b"<p>b</p>").unwrap();
        assert!(a.same_content(&again) && !a.is(&again));
        assert!(a.is(&a.clone()));
        assert!(!a.same_content(&b));
        assert!(!a.holds(b"<p>b</p>"));
        assert!(spool.put(b"").unwrap().read().unwrap().is_empty());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_dropped_value_gives_its_blocks_back() {
        use std::os::unix::fs::MetadataExt;
        let spool = Spool::open(None).unwrap();
        let blocks = || spool.file.metadata().unwrap().blocks();
        let kept = spool.put(&[1; 4096]).unwrap();
        let dropped = spool.put(&vec![2; 1 << 20]).unwrap();
        spool.file.sync_all().unwrap();
        let before = blocks();
        drop(dropped);
        // 512-byte blocks: a mebibyte is 2,048 of them.
        assert!(blocks() + 2048 <= before, "{} of {before}", blocks());
        assert_eq!(kept.read().unwrap(), vec![1; 4096]);
    }
}
