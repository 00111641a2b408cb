//! Test helpers: copy a fixture site into a temporary folder, run the real binary on it.
#![allow(dead_code)]

pub mod browser;
pub mod serve;
pub mod static_server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub struct TestSite {
    pub dir: tempfile::TempDir,
}

/// The result of one run of the binary.
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn assert_ok(&self) -> &Run {
        assert_eq!(
            self.status, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

pub fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

impl TestSite {
    /// A copy of `tests/fixtures/<name>` in a fresh temporary folder.
    pub fn fixture(name: &str) -> TestSite {
        let site = TestSite::empty();
        copy_tree(&fixture_dir(name), site.path());
        site
    }

    /// An empty folder with `content/blog/`.
    pub fn empty() -> TestSite {
        let dir = tempfile::tempdir().expect("create a temp dir");
        std::fs::create_dir_all(dir.path().join("content/blog")).unwrap();
        TestSite { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path().join(rel)).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        let p = self.path().join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| {
            panic!(
                "read {}: {e}\nfiles: {:#?}",
                p.display(),
                self.files("public")
            )
        })
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path().join(rel).exists()
    }

    /// Runs `inkpress --root <site> ARGS` with the site as the working directory.
    pub fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_inkpress"))
            .arg("--root")
            .arg(self.path())
            .args(args)
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("run inkpress");
        Run::from(out)
    }

    /// [`run`](Self::run) as `user` (a name or uid, through util-linux's `setpriv`), or
    /// killed after `limit`: a run that hangs fails the test instead of hanging it.
    pub fn run_within(&self, args: &[&str], user: Option<&str>, limit: Duration) -> Run {
        let binary = env!("CARGO_BIN_EXE_inkpress");
        let mut command = match user {
            Some(user) => {
                let mut c = Command::new("setpriv");
                c.args([
                    &format!("--reuid={user}"),
                    "--regid=nogroup",
                    "--clear-groups",
                    binary,
                ]);
                c
            }
            None => Command::new(binary),
        };
        // A case may take the site's folder away: run beside it then.
        let cwd = match self.path().is_dir() {
            true => self.path(),
            false => self.path().parent().unwrap(),
        };
        let mut child = command
            .arg("--root")
            .arg(self.path())
            .args(args)
            .current_dir(cwd)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run inkpress (and setpriv, when run as another user)");
        let start = Instant::now();
        while child.try_wait().expect("wait for inkpress").is_none() {
            if start.elapsed() > limit {
                let _ = child.kill();
                panic!("inkpress {args:?} ran for over {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Run::from(child.wait_with_output().expect("read inkpress's output"))
    }

    /// Every file under `rel` with its bytes, sorted by path.
    pub fn snapshot(&self, rel: &str) -> Vec<(String, Vec<u8>)> {
        self.files(rel)
            .into_iter()
            .map(|f| {
                let bytes = std::fs::read(self.path().join(rel).join(&f)).unwrap();
                (f, bytes)
            })
            .collect()
    }

    pub fn build(&self, args: &[&str]) -> Run {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// Every file under `rel`, as sorted paths relative to it.
    pub fn files(&self, rel: &str) -> Vec<String> {
        let base = self.path().join(rel);
        let mut out: Vec<String> = walkdir::WalkDir::new(&base)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        out.sort();
        out
    }

    /// A post with the given front matter lines and body.
    pub fn post(&self, name: &str, front: &str, body: &str) {
        self.write(
            &format!("content/blog/{name}.md"),
            &format!("---\n{front}\n---\n{body}\n"),
        );
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// How many times `needle` occurs in `haystack`.
pub fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}
