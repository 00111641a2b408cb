//! Command-line arguments (clap derive): one struct per subcommand.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "inkpress",
    version,
    // `--version` names the commit of a build from git (`-V` stays short); see build.rs.
    long_version = env!("INKPRESS_LONG_VERSION"),
    about = "A fast, friendly static blog generator"
)]
pub struct Cli {
    /// The site's folder (holding content/ and optionally inkpress.toml).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Print nothing but errors and warnings.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// List every file written.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new site that builds as it is.
    Init(InitArgs),
    /// Create a new post in content/blog/.
    New(NewArgs),
    /// Build the site into the output folder.
    Build(BuildArgs),
    /// Build the site in memory and report every problem, writing nothing.
    Check(CheckArgs),
    /// Serve the site locally, rebuilding and reloading open pages on every change.
    Serve(ServeArgs),
    /// Build the site, commit it to a branch (gh-pages) and push it, for GitHub Pages'
    /// "Deploy from a branch" source. Your working tree, index and branch stay as they are.
    Deploy(DeployArgs),
    /// Make an inkpress site from a tailwind-nextjs-starter-blog, Hugo, Jekyll or Zola
    /// one, keeping its URLs. SOURCE is only read.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The old site's folder (holding its config file).
    pub source: PathBuf,
    /// A new or empty folder for the inkpress site.
    pub dest: PathBuf,
    /// Print what would be imported and what cannot be, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the site in (default: the current folder).
    pub dir: Option<PathBuf>,
    /// The site's title.
    #[arg(long)]
    pub title: Option<String>,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The post's title; its file name is made from it.
    pub title: String,
    /// Mark the post as a draft (left out of builds unless --drafts).
    #[arg(long)]
    pub draft: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Output folder (default: `public`, or output_dir in inkpress.toml).
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Include posts marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Override base_url from inkpress.toml, e.g. https://user.github.io/repo/.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Neither use nor fill the cache of highlighted code (`.inkpress-cache/`).
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Include posts marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Also check links to other sites (http and https), remembering good ones for a day.
    #[arg(long)]
    pub external: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on; 0 picks a free one (the URL is printed).
    #[arg(short, long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on; 0.0.0.0 makes the preview reachable from other devices.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Include posts marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
}

#[derive(Debug, Args)]
pub struct DeployArgs {
    /// Output folder to build into before committing (default: as for `build`).
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Override base_url from inkpress.toml, e.g. https://user.github.io/repo/.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Branch to publish to (default: [deploy] branch, else gh-pages).
    #[arg(long)]
    pub branch: Option<String>,
    /// Remote to push to (default: [deploy] remote, else origin).
    #[arg(long)]
    pub remote: Option<String>,
    /// First line of the commit message.
    #[arg(short, long)]
    pub message: Option<String>,
    /// Show what would be built, committed and pushed, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
}
