//! GitHub Pages: the Actions workflow `inkpress init` writes, and `inkpress deploy`, which
//! commits a built site to a branch (for the "Deploy from a branch" source) and pushes it.
//!
//! The commit is made with git plumbing and a private index file: the user's working tree,
//! index and current branch are never touched.

mod git;

use crate::error::{Diagnostic, Result};
use crate::output::MARKER;
use git::Repo;
use std::path::{Path, PathBuf};

/// `.github/workflows/pages.yml` as `inkpress init` writes it.
pub fn pages_workflow() -> String {
    include_str!("pages.yml").replace("{{INKPRESS_VERSION}}", env!("CARGO_PKG_VERSION"))
}

/// Where and how to publish.
#[derive(Debug, Clone)]
pub struct Target {
    pub branch: String,
    pub remote: String,
    /// Custom domain for a `CNAME` file.
    pub cname: Option<String>,
    /// The commit message's first line; a default names the site and the source commit.
    pub message: Option<String>,
}

/// What a deploy will do, worked out before anything is written.
#[derive(Debug)]
pub struct Plan {
    repo: Repo,
    pub target: Target,
    pub remote_url: String,
    /// The commit the new one follows: the remote branch's tip, else the local branch's.
    pub parent: Option<String>,
    /// The local branch's current commit, for a safe `update-ref`.
    local: Option<String>,
    pub message: String,
}

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo")
            .field("git_dir", &self.git_dir)
            .finish()
    }
}

/// What a deploy did.
#[derive(Debug)]
pub enum Outcome {
    Published {
        commit: String,
        files: usize,
    },
    /// The built site equals what the branch holds: nothing new to commit.
    Unchanged {
        commit: String,
    },
}

/// Checks the repository and the target, fetches the published branch, and words the commit.
/// Reads only: a dry run stops here.
pub fn plan(root: &Path, target: Target, summary: &str, site_title: &str) -> Result<Plan> {
    let repo = Repo::discover(root)?;
    let branch_ref = format!("refs/heads/{}", target.branch);
    if !repo.succeeds(&["check-ref-format", &branch_ref]) {
        return Err(Diagnostic::new(
            root,
            format!("`{}` is not a valid branch name", target.branch),
        )
        .into());
    }
    // Moving the branch that is checked out (here or in another worktree) would leave that
    // working tree out of step with its branch.
    let worktrees = repo.output(&["worktree", "list", "--porcelain"], None)?;
    if worktrees
        .lines()
        .any(|l| l.strip_prefix("branch ") == Some(branch_ref.as_str()))
    {
        return Err(Diagnostic::new(
            root,
            format!("the branch `{}` is checked out in a working tree", target.branch),
        )
        .hint("deploy from your source branch (e.g. `git switch main`); the published branch holds only the built site")
        .into());
    }
    let remote_url = repo
        .output(&["remote", "get-url", &target.remote], None)
        .map_err(|_| {
            Diagnostic::new(
                root,
                format!("the repository has no remote `{}`", target.remote),
            )
            .hint("add one with `git remote add origin URL`, or name another with --remote")
        })?;
    let local = repo
        .output(
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{branch_ref}^{{commit}}"),
            ],
            None,
        )
        .ok();
    let listed = repo.output(&["ls-remote", "--heads", &target.remote, &branch_ref], None)?;
    let remote_tip = match listed.split_whitespace().next() {
        Some(_) => {
            let tracking = format!("refs/remotes/{}/{}", target.remote, target.branch);
            repo.output(
                &[
                    "fetch",
                    "--quiet",
                    "--no-tags",
                    &target.remote,
                    &format!("+{branch_ref}:{tracking}"),
                ],
                None,
            )?;
            Some(repo.output(
                &["rev-parse", "--verify", &format!("{tracking}^{{commit}}")],
                None,
            )?)
        }
        None => None,
    };
    if let (Some(local), Some(remote)) = (&local, &remote_tip) {
        if local != remote && !repo.succeeds(&["merge-base", "--is-ancestor", local, remote]) {
            return Err(Diagnostic::new(
                root,
                format!(
                    "the local branch `{}` has commits that `{}` does not",
                    target.branch, target.remote
                ),
            )
            .hint(format!(
                "push them first, or drop the local branch with `git branch -D {}`",
                target.branch
            ))
            .into());
        }
    }
    let parent = remote_tip.or_else(|| local.clone());
    let message = commit_message(&repo, &target, summary, site_title);
    Ok(Plan {
        repo,
        target,
        remote_url,
        parent,
        local,
        message,
    })
}

fn commit_message(repo: &Repo, target: &Target, summary: &str, site_title: &str) -> String {
    let source = repo
        .output(&["rev-parse", "--short", "HEAD"], None)
        .ok()
        .map(|sha| {
            let dirty = repo
                .output(&["status", "--porcelain", "--untracked-files=no"], None)
                .is_ok_and(|s| !s.is_empty());
            if dirty {
                format!("{sha} (with uncommitted changes)")
            } else {
                sha
            }
        });
    let first = target.message.clone().unwrap_or_else(|| match &source {
        Some(s) => format!("Publish {site_title} from {s}"),
        None => format!("Publish {site_title}"),
    });
    format!(
        "{first}\n\nBuilt by inkpress {}: {summary}.\n",
        env!("CARGO_PKG_VERSION")
    )
}

impl Plan {
    /// Commits the built site in `out` on the branch and pushes it.
    pub fn publish(&self, out: &Path) -> Result<Outcome> {
        let repo = &self.repo;
        let index = PrivateIndex(
            self.repo
                .git_dir
                .join(format!("inkpress-deploy-{}.index", std::process::id())),
        );
        let _ = std::fs::remove_file(&index.0);
        repo.add_folder(&index.0, out, MARKER)?;
        // GitHub Pages runs Jekyll on a branch unless told not to, and Jekyll drops
        // files and folders whose names start with `_` or `.`.
        let mut extra = vec![(".nojekyll", String::new())];
        if let Some(domain) = &self.target.cname {
            extra.push(("CNAME", format!("{domain}\n")));
        }
        for (name, text) in extra {
            let blob = repo.output(&["hash-object", "-w", "--stdin"], Some(text.as_bytes()))?;
            repo.with_index(
                &index.0,
                &[
                    "update-index",
                    "--add",
                    "--cacheinfo",
                    &format!("100644,{blob},{name}"),
                ],
                None,
            )?;
        }
        let files = repo
            .with_index(&index.0, &["ls-files"], None)?
            .lines()
            .count();
        let tree = repo.with_index(&index.0, &["write-tree"], None)?;
        if let Some(parent) = &self.parent {
            let parent_tree = repo.output(&["rev-parse", &format!("{parent}^{{tree}}")], None)?;
            if parent_tree == tree {
                self.update_and_push(parent)?;
                return Ok(Outcome::Unchanged {
                    commit: parent.clone(),
                });
            }
        }
        let mut args = vec!["commit-tree", tree.as_str()];
        if let Some(parent) = &self.parent {
            args.extend(["-p", parent.as_str()]);
        }
        args.extend(["-F", "-"]);
        let commit = repo.output(&args, Some(self.message.as_bytes()))?;
        self.update_and_push(&commit)?;
        Ok(Outcome::Published { commit, files })
    }

    fn update_and_push(&self, commit: &str) -> Result<()> {
        let branch_ref = format!("refs/heads/{}", self.target.branch);
        // The old value makes the update fail if someone moved the branch meanwhile.
        let old = self.local.clone().unwrap_or_default();
        if old != commit {
            self.repo.output(
                &[
                    "update-ref",
                    "-m",
                    "inkpress deploy",
                    &branch_ref,
                    commit,
                    &old,
                ],
                None,
            )?;
        }
        self.repo.output(
            &[
                "push",
                "--quiet",
                &self.target.remote,
                &format!("{branch_ref}:{branch_ref}"),
            ],
            None,
        )?;
        Ok(())
    }

    /// The git directory, for messages.
    pub fn git_dir(&self) -> &Path {
        &self.repo.git_dir
    }
}

/// The temporary index file, removed however the deploy ends.
struct PrivateIndex(PathBuf);

impl Drop for PrivateIndex {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
