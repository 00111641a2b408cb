//! Micro-benchmarks of each build stage, on a representative post (~1,200 words, three
//! code blocks): front matter, Markdown, highlighting (cold and from the cache), template
//! render and writing. Run with `cargo bench --bench stages`; `cargo test` only compiles
//! them. The whole-build figures against Hugo come from `bench/run`, not from here.

use divan::Bencher;
use inkpress::build::{build, BuildOptions};
use inkpress::config::{Config, Overrides};
use inkpress::content::load::DocumentMemo;
use inkpress::content::{front_matter, meta, Kind, SourceFile};
use inkpress::markdown::highlight::highlight_block;
use inkpress::markdown::highlight_cache::HighlightCache;
use inkpress::markdown::{self, MarkdownOptions};
use inkpress::memo::Retention;
use inkpress::output::{self, OutputFile};
use inkpress::render::RenderMemo;
use std::path::{Path, PathBuf};

fn main() {
    divan::main();
}

const PROSE: &str = include_str!("../content/blog/kubernetes-and-ros-are-surprisingly-similar.md");

const RUST: &str = "use std::collections::HashMap;\n\n#[derive(Debug, Clone)]\npub struct Cache {\n    items: Vec<u64>,\n    label: String,\n}\n\nimpl Cache {\n    pub fn process(&mut self, input: &[u8]) -> Result<usize, String> {\n        let mut map: HashMap<&str, u32> = HashMap::new();\n        for (i, b) in input.iter().enumerate() { self.items.push(*b as u64 + i as u64); }\n        match self.label.as_str() { \"x\" => {}, _ => self.label.push('x'), }\n        Ok(self.items.len())\n    }\n}\n";
const PYTHON: &str = "import json\nfrom dataclasses import dataclass\n\n\n@dataclass\nclass Record:\n    name: str\n    value: float = 0.0\n\n\ndef load(path, limit=100):\n    out = []\n    for i, line in enumerate(open(path)):\n        if i >= limit:\n            break\n        out.append(Record(name=line, value=0.5))\n    return out\n";
const YAML: &str = "name: cache-service\nversion: \"1.2.3\"\nservices:\n  queue:\n    image: registry.example.com/queue:1.2\n    replicas: 3\n    env:\n      - LOG_LEVEL=debug\n      - TIMEOUT_MS=500\n";

/// One post as the corpus spells it: YAML front matter, prose, three fenced code blocks.
fn post() -> String {
    let body = PROSE.split("\n---\n").nth(1).unwrap_or(PROSE);
    format!(
        "---\ntitle: \"Profiling the Cache Queue (7)\"\ndate: '2021-03-04'\ntags: [\"rust\", \"caching\", \"performance\"]\ndraft: false\nsummary: \"A summary.\"\nimages: []\n---\n\n{body}\n```rust\n{RUST}```\n\n{body}\n```python\n{PYTHON}```\n\n{body}\n```yaml\n{YAML}```\n"
    )
}

fn source(i: usize) -> SourceFile {
    let display = PathBuf::from(format!("content/blog/post-{i}.md"));
    SourceFile {
        path: display.clone(),
        display,
        kind: Kind::Post,
        default_path: format!("blog/post-{i}/"),
        assets: Vec::new(),
    }
}

fn options() -> MarkdownOptions {
    MarkdownOptions {
        base_path: "/".into(),
        highlight_cache: None,
        images: None,
    }
}

#[divan::bench]
fn front_matter(bencher: Bencher) {
    let text = post();
    let path = Path::new("content/blog/post.md");
    bencher.bench(|| {
        let split = front_matter::split(path, &text).unwrap();
        meta::parse_meta(path, &text, &split, inkpress::content::Kind::Post).unwrap()
    });
}

#[divan::bench]
fn markdown_without_code(bencher: Bencher) {
    let text = post();
    let prose: String = text.split("```").step_by(2).collect();
    let options = options();
    bencher.bench(|| {
        (
            markdown::outline(&prose, &options, Default::default()),
            markdown::render(&prose, &options, Default::default()),
        )
    });
}

#[divan::bench(args = ["rust", "python", "yaml"])]
fn highlight(bencher: Bencher, language: &str) {
    let code = match language {
        "rust" => RUST,
        "python" => PYTHON,
        _ => YAML,
    };
    bencher.bench(|| highlight_block(code, language));
}

#[divan::bench]
fn highlight_from_cache(bencher: Bencher) {
    let tmp = tempfile::tempdir().unwrap();
    let cache = HighlightCache::open(tmp.path().join("highlight.cache"), false);
    cache.put("rust", RUST, &highlight_block(RUST, "rust"));
    cache.save();
    let cache = HighlightCache::open(tmp.path().join("highlight.cache"), false);
    bencher.bench(|| cache.get_or_insert_with("rust", RUST, || unreachable!()));
}

/// A site of `n` posts in a temporary folder, built once with the cache warm, so that
/// `build` below measures loading, Markdown, the site model and templates, not syntect.
struct Site {
    dir: tempfile::TempDir,
    config: Config,
    options: BuildOptions,
}

fn site(n: usize) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let blog = dir.path().join("content/blog");
    std::fs::create_dir_all(&blog).unwrap();
    let text = post();
    let tags = ["rust", "python", "go", "caching", "queues", "web", "linux"];
    for i in 0..n {
        let own = format!(
            "tags: [\"{}\", \"{}\"]\ntitle: \"Post {i}\"\ndate: '20{:02}-{:02}-{:02}'",
            tags[i % 7],
            tags[(i / 7) % 7],
            10 + i % 15,
            1 + i % 12,
            1 + i % 28
        );
        let text = text
            .replacen("tags: [\"rust\", \"caching\", \"performance\"]", &own, 1)
            .replacen(
                "title: \"Profiling the Cache Queue (7)\"\ndate: '2021-03-04'\n",
                "",
                1,
            );
        std::fs::write(blog.join(format!("post-{i}.md")), text).unwrap();
    }
    let config = Config::load(dir.path(), &Overrides::default()).unwrap();
    let options = BuildOptions {
        drafts: false,
        cache_dir: Some(dir.path().join(".inkpress-cache")),
        every_problem: false,
        external_links: false,
    };
    build(&config, &options).unwrap();
    Site {
        dir,
        config,
        options,
    }
}

/// The whole pipeline in memory with highlighting cached: dominated by templates.
#[divan::bench(args = [100, 400], sample_count = 10)]
fn build_in_memory_warm(bencher: Bencher, n: usize) {
    let site = site(n);
    bencher.bench(|| build(&site.config, &site.options).unwrap());
}

/// Template rendering alone: the same site rendered with the theme again.
#[divan::bench(args = [100, 400], sample_count = 10)]
fn render_templates(bencher: Bencher, n: usize) {
    let site = site(n);
    let markdown = options();
    let sources = std::sync::Arc::new(inkpress::content::discover(site.dir.path()).unwrap());
    // Bodies are kept (rendered once, by the first round); pages are not.
    let mut documents = DocumentMemo::new(Retention::Keep);
    let loaded =
        inkpress::content::load::load(sources, &markdown, &site.config.permalinks, &mut documents)
            .unwrap();
    let model = inkpress::site::Site::assemble(loaded.documents, false, &site.config).unwrap();
    let templates =
        std::sync::Arc::new(inkpress::render::Templates::load(site.dir.path()).unwrap());
    let mut memo = RenderMemo::new(Retention::Forget);
    bencher.bench_local(|| {
        let model = inkpress::render::Model {
            site: &model,
            config: &site.config,
            templates: &templates,
            bodies: &loaded.bodies,
            markdown: &markdown,
        };
        inkpress::render::render(
            &model,
            &mut memo,
            None,
            &output::InMemory,
            &mut inkpress::timing::StageTimes::default(),
        )
        .unwrap()
    });
}

#[divan::bench(args = [100, 400], sample_count = 10)]
fn write(bencher: Bencher, n: usize) {
    let page = "<p>x</p>".repeat(2_000);
    let files: Vec<OutputFile> = (0..n)
        .map(|i| OutputFile::new(format!("blog/post-{i}/index.html"), page.clone()))
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let mut round = 0;
    bencher.bench_local(|| {
        round += 1;
        output::write_atomically(&files, &tmp.path().join(round.to_string()), tmp.path()).unwrap()
    });
}

#[divan::bench]
fn load_one_post(bencher: Bencher) {
    let text = post();
    let options = options();
    bencher.bench(|| {
        let parsed = inkpress::content::parse(source(1), &text, &Default::default()).unwrap();
        let body = &parsed.markdown;
        parsed.document.render_body(body, &options, true)
    });
}
