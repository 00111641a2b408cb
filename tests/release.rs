//! Releases: the install step of the Pages workflow `inkpress init` writes, run against a
//! release made from the binary under test and served on 127.0.0.1; the release workflow
//! (actionlint, pinned actions, archive names that agree with the install step and with
//! `cargo binstall`); what the published crate carries; `--version`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use yaml_rust2::{Yaml, YamlLoader};

const VERSION: &str = env!("CARGO_PKG_VERSION");
const BIN: &str = env!("CARGO_BIN_EXE_inkpress");

/// Every target the release workflow builds, in the workflow's order.
const RELEASE_TARGETS: [&str; 5] = [
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

/// A tool the test needs: missing is a failure, never a skip (scripts/test installs them).
fn require(tool: &str) {
    if let Err(e) = Command::new(tool).arg("--version").output() {
        panic!("{tool} is required (scripts/test installs it): {e}");
    }
}

fn text(out: &Output) -> String {
    format!(
        "status: {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn repo_file(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn yaml(text: &str) -> Yaml {
    YamlLoader::load_from_str(text)
        .expect("valid YAML")
        .remove(0)
}

/// The Pages workflow exactly as `inkpress init` writes it into a new site.
fn pages_workflow() -> Yaml {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let out = Command::new(BIN)
        .args(["init", "-q"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    yaml(&std::fs::read_to_string(site.join(".github/workflows/pages.yml")).unwrap())
}

/// The `run:` script of the Pages workflow's "Install inkpress" step, and the workflow's
/// `env:` — what GitHub hands to `bash -eo pipefail` on the runner.
struct InstallStep {
    script: String,
    env: HashMap<String, String>,
}

fn install_step() -> InstallStep {
    let workflow = pages_workflow();
    let step = workflow["jobs"]["build"]["steps"]
        .as_vec()
        .expect("steps")
        .iter()
        .find(|s| s["name"].as_str() == Some("Install inkpress"))
        .expect("an \"Install inkpress\" step")
        .clone();
    assert_eq!(
        step["shell"].as_str(),
        Some("bash"),
        "the step runs in bash"
    );
    let env = workflow["env"]
        .as_hash()
        .expect("a workflow env")
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().unwrap().to_owned(),
                v.as_str().unwrap().to_owned(),
            )
        })
        .collect();
    InstallStep {
        script: step["run"].as_str().expect("a run script").to_owned(),
        env,
    }
}

/// The release target the install step picks on this machine.
fn this_target() -> &'static str {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "x86_64-unknown-linux-musl",
        ("linux", "aarch64") => "aarch64-unknown-linux-musl",
        ("macos", "x86_64") => "x86_64-apple-darwin",
        ("macos", "aarch64") => "aarch64-apple-darwin",
        other => panic!("no release target for {other:?}"),
    }
}

fn archive_name(target: &str) -> String {
    format!("inkpress-v{VERSION}-{target}.tar.gz")
}

/// The `run:` script of the release workflow's step `name` in job `job`.
fn release_step(job: &str, name: &str) -> String {
    let workflow = yaml(&repo_file(".github/workflows/release.yml"));
    steps(&workflow, job)
        .iter()
        .find(|s| s["name"].as_str() == Some(name))
        .and_then(|s| s["run"].as_str())
        .unwrap_or_else(|| panic!("a step {name:?} in job {job}"))
        .to_owned()
}

/// Runs a workflow script as GitHub's `shell: bash` does.
fn bash(script: &str, dir: &Path, env: &[(&str, &str)]) -> Output {
    require("bash");
    let file = dir.join(".step.sh");
    std::fs::write(&file, script).unwrap();
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&file)
        .envs(env.iter().copied())
        .current_dir(dir)
        .output()
        .expect("run bash");
    std::fs::remove_file(&file).unwrap();
    out
}

/// A release made by the release workflow's own steps: its "Package" step run in a
/// checkout-like folder holding `binary` where `cargo build --target` puts it, then its
/// "Write SHA256SUMS" step. Returns the archive's and the sums' bytes.
fn make_release(work: &Path, binary: &Path) -> (Vec<u8>, Vec<u8>) {
    require("tar");
    require("sha256sum");
    let target = this_target();
    let checkout = work.join("checkout");
    let built = checkout.join("target").join(target).join("release");
    std::fs::create_dir_all(&built).unwrap();
    std::fs::copy(binary, built.join("inkpress")).unwrap();
    for doc in ["README.md", "LICENSE-MIT", "LICENSE-APACHE"] {
        std::fs::write(checkout.join(doc), repo_file(doc)).unwrap();
    }
    let tag = format!("v{VERSION}");
    let env = [("TARGET", target), ("GITHUB_REF_NAME", tag.as_str())];
    let package = bash(&release_step("build", "Package"), &checkout, &env);
    assert!(package.status.success(), "Package: {}", text(&package));
    let dist = checkout.join("dist");
    let sums = bash(&release_step("release", "Write SHA256SUMS"), &dist, &env);
    assert!(sums.status.success(), "Write SHA256SUMS: {}", text(&sums));
    let archive = archive_name(target);
    // The archive holds the binary, README and licences in a folder of its own name.
    let listing = Command::new("tar")
        .args(["-tzf", &archive])
        .current_dir(&dist)
        .output()
        .unwrap();
    let mut listed: Vec<String> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .map(|l| l.trim_end_matches('/').to_owned())
        .collect();
    listed.sort();
    let folder = archive.trim_end_matches(".tar.gz");
    assert_eq!(
        listed,
        [
            "",
            "/LICENSE-APACHE",
            "/LICENSE-MIT",
            "/README.md",
            "/inkpress"
        ]
        .map(|f| format!("{folder}{f}"))
    );
    let archive_bytes = std::fs::read(dist.join(&archive)).unwrap();
    (
        archive_bytes,
        std::fs::read(dist.join("SHA256SUMS")).unwrap(),
    )
}

/// A static HTTP server on 127.0.0.1 (ephemeral port) serving `files` by path, 404 for
/// anything else. It records each path asked for, and stops when dropped or after a minute.
struct ReleaseServer {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ReleaseServer {
    fn start(files: HashMap<String, Vec<u8>>) -> ReleaseServer {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen, stopped) = (requests.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(60);
            while !stopped.load(Ordering::Relaxed) && Instant::now() < deadline {
                let Ok(Some(request)) = server.recv_timeout(Duration::from_millis(50)) else {
                    continue;
                };
                let path = request.url().to_owned();
                seen.lock().unwrap().push(path.clone());
                let response = match files.get(&path) {
                    Some(body) => tiny_http::Response::from_data(body.clone()),
                    None => {
                        tiny_http::Response::from_data(b"Not Found".to_vec()).with_status_code(404)
                    }
                };
                let _ = request.respond(response);
            }
        });
        ReleaseServer {
            url: format!("http://127.0.0.1:{port}/releases/download"),
            requests,
            stop,
            thread: Some(thread),
        }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for ReleaseServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Serves `(archive, sums)` as the release of this version: each `None` is a 404.
fn serve_release(archive: Option<Vec<u8>>, sums: Option<Vec<u8>>) -> ReleaseServer {
    let base = format!("/releases/download/v{VERSION}");
    let mut files = HashMap::new();
    if let Some(a) = archive {
        files.insert(format!("{base}/{}", archive_name(this_target())), a);
    }
    if let Some(s) = sums {
        files.insert(format!("{base}/SHA256SUMS"), s);
    }
    ReleaseServer::start(files)
}

/// A folder for one run of the install step: `root/` to install into, `home/`, `bin/` put
/// first on PATH, and `bin/cargo`, a stand-in that records its arguments in `cargo.args`
/// and "installs" the binary under test where `--root` says (as `cargo install` would).
struct Runner {
    dir: tempfile::TempDir,
}

impl Runner {
    fn new() -> Runner {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["root", "home", "bin", "tmp"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        let cargo = dir.path().join("bin/cargo");
        std::fs::write(
            &cargo,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{record}'\nroot=\nprev=\nfor a in \"$@\"; do\n  [ \"$prev\" = --root ] && root=\"$a\"\n  prev=\"$a\"\ndone\nmkdir -p \"$root/bin\" && cp '{bin}' \"$root/bin/inkpress\"\n",
                record = dir.path().join("cargo.args").display(),
                bin = BIN,
            ),
        )
        .unwrap();
        make_executable(&cargo);
        Runner { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn installed(&self) -> PathBuf {
        self.path("root/bin/inkpress")
    }

    fn cargo_args(&self) -> Option<Vec<String>> {
        let args = std::fs::read_to_string(self.path("cargo.args")).ok()?;
        Some(args.lines().map(str::to_owned).collect())
    }

    /// Runs the step's script as GitHub's `shell: bash` does, with the workflow's env
    /// except for the releases' address, which points at a local server.
    fn run(&self, step: &InstallStep, releases: &str) -> Output {
        require("bash");
        require("curl");
        let script = self.path("install.sh");
        std::fs::write(&script, &step.script).unwrap();
        let path = format!(
            "{}:{}",
            self.path("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script)
            .envs(&step.env)
            .env("INKPRESS_RELEASES", releases)
            .env("INKPRESS_ROOT", self.path("root"))
            .env("HOME", self.path("home"))
            .env("TMPDIR", self.path("tmp"))
            .env("PATH", path)
            .output()
            .expect("run bash")
    }
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn version_of(binary: &Path) -> String {
    let out = Command::new(binary).arg("--version").output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn install_step_installs_a_verified_release_archive_that_runs() {
    let step = install_step();
    assert_eq!(step.env["INKPRESS_VERSION"], VERSION);
    let runner = Runner::new();
    let (archive, sums) = make_release(runner.dir.path(), Path::new(BIN));
    let server = serve_release(Some(archive), Some(sums));
    let out = runner.run(&step, &server.url);
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("checksum verified"), "{}", text(&out));
    // The step ends by running the installed binary; it is the one under test.
    let version = version_of(&runner.installed());
    assert_eq!(version, version_of(Path::new(BIN)));
    assert!(
        version.starts_with(&format!("inkpress {VERSION}")),
        "{version}"
    );
    assert!(stdout.contains(version.trim()), "{}", text(&out));
    assert_eq!(
        runner.cargo_args(),
        None,
        "cargo ran although an archive exists"
    );
    let base = format!("/releases/download/v{VERSION}");
    assert_eq!(
        server.requests(),
        [
            format!("{base}/{}", archive_name(this_target())),
            format!("{base}/SHA256SUMS")
        ]
    );
}

#[test]
fn install_step_refuses_an_archive_whose_checksum_does_not_match_and_never_runs_it() {
    let step = install_step();
    let runner = Runner::new();
    // The "binary" in the archive leaves a mark if anything ever runs it.
    let marker = runner.path("binary-ran");
    let impostor = runner.path("impostor");
    std::fs::write(
        &impostor,
        format!("#!/bin/sh\ntouch '{}'\n", marker.display()),
    )
    .unwrap();
    make_executable(&impostor);
    let (archive, good_sums) = make_release(runner.dir.path(), &impostor);
    let name = archive_name(this_target());
    let cases: [(&str, Option<Vec<u8>>); 3] = [
        (
            "a wrong checksum",
            Some(format!("{}  {name}\n", "0".repeat(64)).into_bytes()),
        ),
        (
            "no line for the archive",
            Some(
                String::from_utf8(good_sums)
                    .unwrap()
                    .replace(&name, "inkpress-other.tar.gz")
                    .into_bytes(),
            ),
        ),
        ("no SHA256SUMS at all", None),
    ];
    for (case, sums) in cases {
        let server = serve_release(Some(archive.clone()), sums);
        let out = runner.run(&step, &server.url);
        assert!(!out.status.success(), "{case}: accepted\n{}", text(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("::error::"), "{case}: {}", text(&out));
        assert!(!marker.exists(), "{case}: the unverified binary ran");
        assert!(!runner.installed().exists(), "{case}: it was installed");
        assert_eq!(runner.cargo_args(), None, "{case}: fell back to cargo");
    }
}

#[test]
fn install_step_falls_back_to_cargo_install_when_the_release_has_no_archive() {
    let step = install_step();
    let runner = Runner::new();
    let server = serve_release(None, None);
    let out = runner.run(&step, &server.url);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("falling back to cargo install"),
        "{}",
        text(&out)
    );
    let root = runner.path("root").display().to_string();
    assert_eq!(
        runner.cargo_args().expect("cargo was run"),
        [
            "install",
            "--locked",
            "inkpress",
            "--version",
            VERSION,
            "--root",
            &root
        ]
    );
    assert_eq!(
        server.requests(),
        [format!(
            "/releases/download/v{VERSION}/{}",
            archive_name(this_target())
        )]
    );
}

#[test]
fn install_step_fails_when_the_download_fails_for_another_reason() {
    let step = install_step();
    let runner = Runner::new();
    // Nothing listens on port 1: the connection is refused, which is no reason to compile.
    let out = runner.run(&step, "http://127.0.0.1:1/releases/download");
    assert!(!out.status.success(), "{}", text(&out));
    assert_eq!(runner.cargo_args(), None, "fell back to cargo");
    assert!(!runner.installed().exists());
}

/// The steps of the release workflow's job `job`.
fn steps(workflow: &Yaml, job: &str) -> Vec<Yaml> {
    workflow["jobs"][job]["steps"]
        .as_vec()
        .unwrap_or_else(|| panic!("job {job} has steps"))
        .clone()
}

#[test]
fn release_workflow_passes_actionlint_and_pins_every_action_by_commit() {
    require("actionlint");
    // actionlint checks `run:` scripts only when shellcheck is on PATH.
    require("shellcheck");
    let root = env!("CARGO_MANIFEST_DIR");
    let lint = Command::new("actionlint")
        .arg(".github/workflows/release.yml")
        .current_dir(root)
        .output()
        .unwrap();
    assert!(lint.status.success(), "actionlint: {}", text(&lint));

    let workflow = yaml(&repo_file(".github/workflows/release.yml"));
    assert_eq!(workflow["on"]["push"]["tags"][0].as_str(), Some("v*"));
    let mut uses = Vec::new();
    for job in ["build", "release"] {
        for step in steps(&workflow, job) {
            if let Some(action) = step["uses"].as_str() {
                uses.push(action.to_owned());
            }
        }
    }
    assert!(!uses.is_empty());
    for action in uses {
        let sha = action.split_once('@').map_or("", |(_, r)| r);
        assert!(
            sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit()),
            "{action} is not pinned to a full commit SHA"
        );
    }
    let targets: Vec<&str> = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|entry| entry["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets, RELEASE_TARGETS);
    assert!(release_step("release", "Write SHA256SUMS").contains("sha256sum"));
    assert!(release_step("release", "Create the GitHub Release").contains("gh release create"));
    assert!(release_step("release", "Publish to crates.io").contains("cargo publish"));
}

#[test]
fn archive_names_agree_between_the_release_workflow_the_install_step_and_binstall() {
    let manifest: toml::Table = repo_file("Cargo.toml").parse().unwrap();
    let package = manifest["package"].as_table().unwrap();
    let repository = package["repository"].as_str().unwrap();
    let step = install_step();
    // The Pages workflow downloads from this repository's releases.
    assert_eq!(
        step.env["INKPRESS_RELEASES"],
        format!("{repository}/releases/download")
    );
    // Every target the install step asks for is one the release workflow builds.
    let asked: Vec<&str> = step
        .script
        .split("target=")
        .skip(1)
        .map(|rest| rest.split([' ', ';', '"']).next().unwrap())
        .filter(|t| !t.is_empty() && !t.starts_with('$'))
        .collect();
    assert_eq!(asked.len(), 4, "{asked:?}");
    for target in &asked {
        assert!(RELEASE_TARGETS.contains(target), "{target} is not released");
    }
    // (That the release workflow's archives are the ones the install step fetches is
    // shown by the install tests, which run both.)
    // cargo binstall's template, filled in as binstall does, gives the same URL and folder.
    let binstall = package["metadata"]["binstall"].as_table().unwrap();
    for target in RELEASE_TARGETS {
        let windows = target.contains("windows");
        let suffix = if windows { ".zip" } else { ".tar.gz" };
        let fill = |template: &str| {
            template
                .replace("{ repo }", repository)
                .replace("{ name }", "inkpress")
                .replace("{ version }", VERSION)
                .replace("{ target }", target)
                .replace("{ archive-suffix }", suffix)
                .replace("{ bin }", "inkpress")
                .replace("{ binary-ext }", if windows { ".exe" } else { "" })
        };
        assert_eq!(
            fill(binstall["pkg-url"].as_str().unwrap()),
            format!(
                "{repository}/releases/download/v{VERSION}/inkpress-v{VERSION}-{target}{suffix}"
            )
        );
        assert_eq!(
            fill(binstall["bin-dir"].as_str().unwrap()),
            format!(
                "inkpress-v{VERSION}-{target}/inkpress{}",
                if windows { ".exe" } else { "" }
            )
        );
    }
    assert_eq!(binstall["pkg-fmt"].as_str(), Some("tgz"));
    assert_eq!(
        binstall["overrides"]["x86_64-pc-windows-msvc"]["pkg-fmt"].as_str(),
        Some("zip")
    );
}

#[test]
fn the_published_crate_carries_what_it_builds_from_and_no_tests_or_benchmarks() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let list = String::from_utf8(out.stdout).unwrap();
    let files: Vec<&str> = list.lines().collect();
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "src/main.rs",
        "src/lib.rs",
        "src/deploy/pages.yml",
        "src/serve/live.js",
        "templates/base.html",
        "templates/atom.xml",
        "static/css/inkpress.css",
        "static/favicon.svg",
    ] {
        assert!(files.contains(&needed), "{needed} is missing from\n{list}");
    }
    // Everything any source file names with include_str!/include_bytes! is there.
    let sources = walkdir::WalkDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let rel = e.path().strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap();
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect::<Vec<_>>();
    assert!(sources.iter().any(|s| s == "src/theme.rs"), "{sources:?}");
    for source in &sources {
        let source = source.as_str();
        let code = repo_file(source);
        for piece in code.split("include_").skip(1) {
            // Only literal paths: `include_bytes!(concat!(env!("OUT_DIR"), …))` is made by build.rs.
            let Some(arg) = ["str!(\"", "bytes!(\""]
                .iter()
                .find_map(|open| piece.strip_prefix(open))
            else {
                continue;
            };
            let rel = arg.split('"').next().unwrap();
            let path = Path::new(source).parent().unwrap().join(rel);
            let normal = normalize(&path);
            assert!(files.contains(&normal.as_str()), "{normal} is missing");
        }
    }
    for file in &files {
        for banned in [
            "tests/", "bench/", "benches/", "content/", "target/", ".github/", ".ci/",
        ] {
            assert!(!file.starts_with(banned), "{file} is in the package");
        }
    }
}

/// `a/b/../../c` → `c`, with forward slashes, as `cargo package --list` prints paths.
fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

#[test]
fn version_names_the_commit_of_a_build_from_git() {
    let short = Command::new(BIN).arg("-V").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&short.stdout),
        format!("inkpress {VERSION}\n")
    );
    let long = version_of(Path::new(BIN));
    let root = env!("CARGO_MANIFEST_DIR");
    let git = |args: &[&str]| {
        Command::new("git")
            .args(["-C", root])
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let from_git = git(&["rev-parse", "--show-toplevel"]).is_some_and(|top| {
        Path::new(&top).canonicalize().ok() == Path::new(root).canonicalize().ok()
    });
    if from_git {
        let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap();
        assert_eq!(long, format!("inkpress {VERSION} (commit {commit})\n"));
    } else {
        assert_eq!(long, format!("inkpress {VERSION}\n"));
    }
}
