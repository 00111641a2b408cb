//! `inkpress deploy` against a real git repository and a local bare remote: the branch's
//! files and history, redeploys, and the user's working tree, index and branch untouched.

mod common;

use common::{Run, TestSite};
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Whether `rev` names a commit in the repository at `dir`.
fn has_rev(dir: &Path, rev: &str) -> bool {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--verify", "--quiet", rev])
        .output()
        .unwrap()
        .status
        .success()
}

/// The fixture site as a git repository on `main` with one commit, and a bare remote.
fn site_with_remote(tmp: &Path) -> (TestSite, std::path::PathBuf) {
    let remote = tmp.join("remote.git");
    std::fs::create_dir_all(&remote).unwrap();
    git(&remote, &["init", "--quiet", "--bare"]);
    let site = TestSite::fixture("publish");
    let dir = site.path();
    // As `inkpress init` writes it: deploy, like build, keeps its caches (highlighted code,
    // images) in .inkpress-cache/, which is never published.
    site.write(".gitignore", "/public\n/.inkpress-cache\n");
    let toml = site.read("inkpress.toml");
    site.write(
        "inkpress.toml",
        &format!("{toml}\n[deploy]\ncname = \"blog.example.org\"\n"),
    );
    git(dir, &["init", "--quiet", "-b", "main"]);
    git(dir, &["config", "user.name", "Test Writer"]);
    git(dir, &["config", "user.email", "writer@example.org"]);
    git(dir, &["config", "commit.gpgsign", "false"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "--quiet", "-m", "The site"]);
    git(dir, &["remote", "add", "origin", remote.to_str().unwrap()]);
    (site, remote)
}

/// Everything about the user's side of the repository that deploy must leave alone.
fn user_state(dir: &Path) -> Vec<String> {
    vec![
        git(dir, &["symbolic-ref", "HEAD"]),
        git(dir, &["rev-parse", "HEAD"]),
        git(
            dir,
            &[
                "status",
                "--porcelain",
                "--untracked-files=all",
                "--ignored=no",
            ],
        ),
        git(dir, &["ls-files", "--stage"]),
        git(dir, &["diff", "--cached"]),
        git(dir, &["diff"]),
    ]
}

fn deploy(site: &TestSite, args: &[&str]) -> Run {
    let mut all = vec!["deploy"];
    all.extend_from_slice(args);
    site.run(&all)
}

#[test]
fn deploy_publishes_to_gh_pages_and_redeploys_without_touching_the_working_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let (site, remote) = site_with_remote(tmp.path());
    let dir = site.path();
    // A staged and an unstaged change, which must survive every deploy exactly.
    site.write("notes.txt", "staged\n");
    git(dir, &["add", "notes.txt"]);
    site.write(
        "content/about.md",
        "---\ntitle: About\n---\n\nUnstaged edit.\n",
    );
    let before = user_state(dir);

    let dry = deploy(&site, &["--dry-run"]);
    dry.assert_ok();
    assert!(dry.stdout.contains("would commit it to branch `gh-pages` as its first commit, with .nojekyll and CNAME (blog.example.org)"), "{}", dry.stdout);
    assert!(
        dry.stdout.contains("would push `gh-pages` to `origin`"),
        "{}",
        dry.stdout
    );
    assert!(!has_rev(&remote, "refs/heads/gh-pages"), "a dry run pushed");
    assert!(
        !has_rev(dir, "refs/heads/gh-pages"),
        "a dry run made the branch"
    );
    assert!(!site.exists("public"), "a dry run wrote the output");

    let run = deploy(&site, &[]);
    run.assert_ok();
    assert!(run.stdout.contains("to `gh-pages`"), "{}", run.stdout);
    assert_eq!(
        user_state(dir),
        before,
        "deploy touched the working tree, index or branch"
    );

    let files = git(&remote, &["ls-tree", "-r", "--name-only", "gh-pages"]);
    let files: Vec<&str> = files.lines().collect();
    for must in [
        ".nojekyll",
        "CNAME",
        ".well-known/security.txt",
        "index.html",
        "atom.xml",
        "sitemap.xml",
        "blog/first/index.html",
        "about/index.html",
        "images/cover.png",
    ] {
        assert!(files.contains(&must), "{must} not published: {files:#?}");
    }
    assert!(
        !files.contains(&".inkpress-build"),
        "the build marker was published"
    );
    assert!(
        !files.iter().any(|f| f.starts_with("content/")),
        "sources were published"
    );
    assert_eq!(
        git(&remote, &["show", "gh-pages:CNAME"]),
        "blog.example.org"
    );
    // The site is built from the working tree as it is, unstaged edit included.
    assert!(git(&remote, &["show", "gh-pages:about/index.html"]).contains("Unstaged edit."));
    let head = git(dir, &["rev-parse", "--short", "HEAD"]);
    let message = git(&remote, &["log", "-1", "--format=%B", "gh-pages"]);
    assert!(
        message.starts_with(&format!(
            "Publish Publish & Co from {head} (with uncommitted changes)"
        )),
        "{message}"
    );
    assert!(message.contains("4 posts, 2 tags"), "{message}");
    assert_eq!(
        git(&remote, &["log", "-1", "--format=%an", "gh-pages"]),
        "Test Writer"
    );

    // An edit, then deploy again: one more commit on top of the first.
    let first = git(&remote, &["rev-parse", "gh-pages"]);
    let second = site.read("content/blog/second.md");
    site.write(
        "content/blog/second.md",
        &second.replace("title: Second", "title: Second, revised"),
    );
    deploy(&site, &[]).assert_ok();
    assert_eq!(git(&remote, &["rev-list", "--count", "gh-pages"]), "2");
    assert_eq!(git(&remote, &["rev-parse", "gh-pages^"]), first);
    assert!(git(&remote, &["show", "gh-pages:blog/second/index.html"]).contains("Second, revised"));
    assert_eq!(
        git(dir, &["rev-parse", "gh-pages"]),
        git(&remote, &["rev-parse", "gh-pages"])
    );

    // Nothing changed: no empty commit.
    let again = deploy(&site, &[]);
    again.assert_ok();
    assert!(again.stdout.contains("nothing changed"), "{}", again.stdout);
    assert_eq!(git(&remote, &["rev-list", "--count", "gh-pages"]), "2");

    // A clone without the local branch (a new machine) builds on the remote's history.
    git(dir, &["branch", "-D", "gh-pages"]);
    site.write("content/blog/second.md", &second);
    deploy(&site, &["-m", "Back to the first title"]).assert_ok();
    assert_eq!(git(&remote, &["rev-list", "--count", "gh-pages"]), "3");
    assert_eq!(
        git(&remote, &["log", "-1", "--format=%s", "gh-pages"]),
        "Back to the first title"
    );
    site.write(
        "content/about.md",
        "---\ntitle: About\n---\n\nUnstaged edit.\n",
    );
    assert_eq!(user_state(dir)[..4], before[..4]);
}

#[test]
fn deploy_refuses_a_checked_out_branch_a_missing_remote_and_no_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let (site, remote) = site_with_remote(tmp.path());
    let dir = site.path();

    git(dir, &["switch", "--quiet", "-c", "gh-pages"]);
    let run = deploy(&site, &[]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("is checked out in a working tree"),
        "{}",
        run.stderr
    );
    assert!(!has_rev(&remote, "refs/heads/gh-pages"));
    git(dir, &["switch", "--quiet", "main"]);

    let run = deploy(&site, &["--remote", "upstream"]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("no remote `upstream`"),
        "{}",
        run.stderr
    );

    // Another branch name and remote work from the command line.
    git(dir, &["remote", "add", "pages", remote.to_str().unwrap()]);
    deploy(&site, &["--remote", "pages", "--branch", "site"]).assert_ok();
    assert!(has_rev(&remote, "refs/heads/site"));
    assert!(!has_rev(&remote, "refs/heads/gh-pages"));

    let plain = TestSite::fixture("publish");
    let run = deploy(&plain, &[]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("not in a git repository"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_output_folder_kept_as_a_git_clone_keeps_its_repository() {
    // Writers keep `public/` as a clone of their gh-pages branch and commit from there.
    let site = TestSite::fixture("publish");
    let public = site.path().join("public");
    std::fs::create_dir_all(&public).unwrap();
    git(&public, &["init", "--quiet", "-b", "gh-pages"]);
    git(
        &public,
        &[
            "-c",
            "user.name=W",
            "-c",
            "user.email=w@example.com",
            "commit",
            "--quiet",
            "--allow-empty",
            "-m",
            "published before",
        ],
    );
    for _ in 0..2 {
        site.build(&[]).assert_ok();
        assert_eq!(git(&public, &["log", "--format=%s"]), "published before");
        assert!(site.exists("public/index.html"));
        let status = git(&public, &["status", "--porcelain"]);
        assert!(status.contains("?? index.html"), "{status}");
    }
}
