//! A thin runner for the `git` binary: each call is one command, its output or a diagnostic.

use crate::error::{Diagnostic, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The site's git repository, as the deploy sees it.
pub struct Repo {
    /// Folder the commands run in (the site's root).
    pub dir: PathBuf,
    /// Absolute git directory (`.git`, or `.git/worktrees/x` in a linked worktree).
    pub git_dir: PathBuf,
}

impl Repo {
    /// The repository holding `dir`, or a diagnostic saying how to make one.
    pub fn discover(dir: &Path) -> Result<Repo> {
        let probe = Repo {
            dir: dir.to_path_buf(),
            git_dir: PathBuf::new(),
        };
        let git_dir = probe
            .output(&["rev-parse", "--absolute-git-dir"], None)
            .map_err(|_| {
                Diagnostic::new(dir, "the site is not in a git repository")
                    .hint("deploy publishes to a branch of the site's repository: run `git init` and add a remote first")
            })?;
        Ok(Repo {
            dir: dir.to_path_buf(),
            git_dir: PathBuf::from(git_dir),
        })
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("git");
        cmd.arg("-C").arg(&self.dir).args(args);
        // Variables from an enclosing git (a hook, say) would point these commands at
        // another repository or index.
        for var in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"] {
            cmd.env_remove(var);
        }
        cmd
    }

    /// Runs git and returns its trimmed stdout, or its stderr as the error.
    pub fn output(&self, args: &[&str], stdin: Option<&[u8]>) -> Result<String> {
        self.run(self.command(args), args, stdin)
    }

    /// Like [`Repo::output`], with a private index file so the user's index is never touched.
    pub fn with_index(&self, index: &Path, args: &[&str], stdin: Option<&[u8]>) -> Result<String> {
        let mut cmd = self.command(args);
        cmd.env("GIT_INDEX_FILE", index);
        self.run(cmd, args, stdin)
    }

    /// Stages every file under `tree` (a folder outside the repository's work tree) into
    /// the private `index`, as if `tree` were the work tree, ignore rules aside.
    pub fn add_folder(&self, index: &Path, tree: &Path, exclude: &str) -> Result<String> {
        let args = ["add", "--all", "--force", "--", "."];
        // Absolute, since git resolves --work-tree after moving into `tree`.
        let tree = &std::fs::canonicalize(tree)
            .map_err(|e| Diagnostic::io(tree, "find the built site", &e))?;
        let mut cmd = Command::new("git");
        cmd.arg("--git-dir")
            .arg(&self.git_dir)
            .arg("--work-tree")
            .arg(tree)
            .args(args)
            .arg(format!(":(exclude){exclude}"))
            .current_dir(tree)
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env("GIT_INDEX_FILE", index);
        self.run(cmd, &args, None)
    }

    /// Whether a command succeeds (for questions such as "does this ref exist").
    pub fn succeeds(&self, args: &[&str]) -> bool {
        self.command(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    fn run(&self, mut cmd: Command, args: &[&str], stdin: Option<&[u8]>) -> Result<String> {
        use std::io::Write;
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let shown = format!("git {}", args.join(" "));
        let mut child = cmd.spawn().map_err(|e| {
            Diagnostic::new(&self.dir, format!("could not run `{shown}`: {e}"))
                .hint("install git and make sure it is on PATH")
        })?;
        if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
            pipe.write_all(bytes)
                .map_err(|e| Diagnostic::io(&self.dir, "write to git", &e))?;
        }
        let out = child
            .wait_with_output()
            .map_err(|e| Diagnostic::io(&self.dir, "run git", &e))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
        } else {
            let stderr = String::from_utf8_lossy(&out.stderr);
            Err(Diagnostic::new(&self.dir, format!("`{shown}` failed: {}", stderr.trim())).into())
        }
    }
}
