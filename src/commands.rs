//! Subcommand bodies: a few lines each over the library.

use crate::build::{build, build_into, BuildOptions};
use crate::cli::{BuildArgs, CheckArgs, Cli, Command, DeployArgs};
use crate::config::{Config, Overrides};
use crate::error::{Diagnostics, Result};
use crate::{deploy, import, output, scaffold, serve};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Whether diagnostics on stderr get colour: only on a terminal, and never with NO_COLOR.
pub fn stderr_is_styled() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

pub fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command::Init(args) => {
            let dir = args.dir.clone().unwrap_or_else(|| cli.root.clone());
            let created = scaffold::init(&dir, args.title.as_deref())?;
            if !cli.quiet {
                println!("created a new site in {}", dir.display());
                for f in created {
                    println!("  {}", f.display());
                }
                println!(
                    "next: cd {} && inkpress new \"My first post\" && inkpress build",
                    dir.display()
                );
            }
            Ok(())
        }
        Command::New(args) => {
            let path = scaffold::new_post(&cli.root, &args.title, args.draft)?;
            if !cli.quiet {
                println!("created {}", path.display());
            }
            Ok(())
        }
        Command::Build(args) => {
            site_folder(&cli.root)?;
            run_build(&cli, args)
        }
        Command::Check(args) => {
            site_folder(&cli.root)?;
            run_check(&cli, args)
        }
        Command::Serve(args) => serve::serve(&serve::ServeOptions {
            root: cli.root.clone(),
            bind: args.bind,
            port: args.port,
            drafts: args.drafts,
            open: args.open,
            quiet: cli.quiet,
            verbose: cli.verbose,
            styled: stderr_is_styled(),
        }),
        Command::Deploy(args) => {
            site_folder(&cli.root)?;
            run_deploy(&cli, args)
        }
        Command::Import(args) => {
            let plan = import::plan(&args.source)?;
            if !args.dry_run {
                import::carry_out(&plan, &args.source, &args.dest)?;
            }
            if !cli.quiet || args.dry_run {
                print!("{}", plan.report(&args.dest));
                match args.dry_run {
                    true => println!("dry run: nothing was written"),
                    false => println!("next: cd {} && inkpress build", args.dest.display()),
                }
            }
            Ok(())
        }
    }
}

/// Refuses a site folder that does not exist, before anything is made under it (the
/// output, caches): a mistyped --root must not become a new folder.
fn site_folder(root: &Path) -> Result<()> {
    if root.is_dir() {
        return Ok(());
    }
    Err(
        crate::error::Diagnostic::new(root, "there is no such folder")
            .hint(
                "pass the site's folder with --root DIR, or create a site with `inkpress init DIR`",
            )
            .into(),
    )
}

fn absolute_from_cwd(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

fn run_build(cli: &Cli, args: &BuildArgs) -> Result<()> {
    let start = Instant::now();
    let overrides = Overrides {
        base_url: args.base_url.clone(),
        output_dir: args.output.as_deref().map(absolute_from_cwd),
        preview: false,
    };
    let config = Config::load(&cli.root, &overrides)?;
    // Refuses a dangerous output folder before any time is spent on the build.
    let writer = output::OutputWriter::begin(&config.output_dir, &config.root)?;
    // A bar for a long build, on a terminal only: never in a log, a pipe or with -q.
    let progress = (!cli.quiet && std::io::stderr().is_terminal())
        .then(|| output::progress::Progress::new(&writer, progress_delay()));
    let dest: &dyn output::Destination = match &progress {
        Some(p) => p,
        None => &writer,
    };
    let options = BuildOptions {
        drafts: args.drafts,
        cache_dir: (!args.no_cache).then(|| config.root.join(crate::build::CACHE_DIR)),
        external_links: false,
        every_problem: false,
    };
    let built = build_into(&config, &options, dest);
    if let Some(p) = &progress {
        p.finish();
    }
    let built = built?;
    writer.finish(&built.files, &built.paths)?;
    built.print_warnings();
    if cli.verbose {
        for p in built.paths.iter() {
            println!("  {p}");
        }
        // Zero when every variant came from the cache: tests count on it.
        println!("images decoded: {}", built.images_decoded);
    }
    if !cli.quiet {
        println!(
            "built {} in {} ms → {}/",
            built.counts(),
            start.elapsed().as_millis(),
            shown(&config.output_dir).display()
        );
    }
    Ok(())
}

/// How long a build runs before its progress bar appears: a second, or
/// `INKPRESS_PROGRESS_AFTER_MS` (the tests show the bar on builds that take less).
fn progress_delay() -> std::time::Duration {
    std::env::var("INKPRESS_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(
            output::progress::SHOW_AFTER,
            std::time::Duration::from_millis,
        )
}

fn run_check(cli: &Cli, args: &CheckArgs) -> Result<()> {
    let start = Instant::now();
    let config = Config::load(&cli.root, &Overrides::default())?;
    let mut built = build(
        &config,
        &BuildOptions {
            drafts: args.drafts,
            // The cache is no output: a check fills it and reads it as a build does, so
            // a second check (and the build after it) decodes no image.
            cache_dir: Some(config.root.join(crate::build::CACHE_DIR)),
            external_links: args.external,
            every_problem: true,
        },
    )?;
    if cli.verbose {
        println!("images decoded: {}", built.images_decoded);
    }
    for w in &built.site.warnings {
        eprintln!("warning: {w}");
    }
    // Every one, with its line: check is where a writer goes to fix them all.
    let mut without_alt = std::mem::take(&mut built.images_without_alt);
    crate::check::add_source_lines(&config.root, &mut without_alt);
    let styled = stderr_is_styled();
    for d in &without_alt {
        eprintln!("{}\n", d.render_warning(styled));
    }
    let mut reports = std::mem::take(&mut built.broken_links);
    if args.external {
        let cache = config
            .root
            .join(crate::build::CACHE_DIR)
            .join(crate::check::external::CACHE_FILE);
        let found =
            crate::check::external::check(&built.external_links, &config.external, Some(&cache));
        reports.extend(found);
        reports = Diagnostics::sorted(reports).0;
    }
    // What a build only warns about, check fails on: it is the writer's last look.
    if !reports.is_empty() {
        crate::check::add_source_lines(&config.root, &mut reports);
        return Err(Diagnostics(reports));
    }
    if !cli.quiet {
        println!(
            "ok: {} checked in {} ms (nothing written)",
            built.counts(),
            start.elapsed().as_millis()
        );
    }
    Ok(())
}

fn run_deploy(cli: &Cli, args: &DeployArgs) -> Result<()> {
    let overrides = Overrides {
        base_url: args.base_url.clone(),
        output_dir: args.output.as_deref().map(absolute_from_cwd),
        preview: false,
    };
    let config = Config::load(&cli.root, &overrides)?;
    output::check_output_dir(&config.output_dir, &config.root)?;
    // Drafts are never published; images come from the cache a build filled.
    let options = BuildOptions {
        cache_dir: Some(config.root.join(crate::build::CACHE_DIR)),
        ..BuildOptions::default()
    };
    let built = build(&config, &options)?;
    built.print_warnings();
    let target = deploy::Target {
        branch: args.branch.clone().unwrap_or(config.deploy.branch.clone()),
        remote: args.remote.clone().unwrap_or(config.deploy.remote.clone()),
        cname: config.deploy.cname.clone(),
        message: args.message.clone(),
    };
    let plan = deploy::plan(&config.root, target, &built.counts(), &config.title)?;
    let onto = match &plan.parent {
        Some(p) => format!("on top of {}", &p[..p.len().min(12)]),
        None => "as its first commit".to_owned(),
    };
    if args.dry_run {
        println!(
            "dry run: nothing built to disk, committed or pushed\n\
             would build {} ({} files, base URL {}) into {}/\n\
             would commit it to branch `{}` {onto}, with .nojekyll{}\n\
             would push `{}` to `{}` ({})\n\
             commit message:\n  {}",
            built.counts(),
            built.files.len(),
            config.base_url,
            shown(&config.output_dir).display(),
            plan.target.branch,
            plan.target
                .cname
                .as_ref()
                .map_or(String::new(), |c| format!(" and CNAME ({c})")),
            plan.target.branch,
            plan.target.remote,
            plan.remote_url,
            plan.message.trim_end().replace('\n', "\n  "),
        );
        return Ok(());
    }
    output::write_atomically(&built.files, &config.output_dir, &config.root)?;
    let outcome = plan.publish(&config.output_dir)?;
    if !cli.quiet {
        match outcome {
            deploy::Outcome::Published { commit, files } => println!(
                "deployed {} ({files} files) to `{}` at {} and pushed to `{}`",
                built.counts(),
                plan.target.branch,
                &commit[..commit.len().min(12)],
                plan.target.remote
            ),
            deploy::Outcome::Unchanged { commit } => println!(
                "nothing changed since {}; `{}` pushed to `{}` as it is",
                &commit[..commit.len().min(12)],
                plan.target.branch,
                plan.target.remote
            ),
        }
    }
    Ok(())
}

/// A path as the writer would type it: relative to the current folder when inside it.
fn shown(p: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    let p = p.strip_prefix(&cwd).unwrap_or(p);
    p.strip_prefix(".").unwrap_or(p).to_path_buf()
}
