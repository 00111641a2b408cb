//! `inkpress serve`: builds the site in memory with the same pipeline as `build`, serves
//! it on a local address, rebuilds on every change and tells open pages to follow.
//!
//! Threads: the HTTP server runs on a small tokio runtime; watching and rebuilding run
//! on a plain thread of their own (the build is blocking, parallel work for rayon), so
//! pages keep being served from the last good site while a rebuild runs.

mod http;
pub mod live;
pub mod paths;
mod rebuild;
mod running;
pub mod served;
mod watch;

use crate::build::BuildOptions;
use crate::config::Overrides;
use crate::error::{Diagnostic, Result};
use crate::memo::FastMap;
use live::LiveState;
use running::Running;
use served::ServedSite;
use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

/// How to serve, from the command line.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    pub quiet: bool,
    pub verbose: bool,
    /// Colour in diagnostics.
    pub styled: bool,
}

/// What the HTTP side and the rebuild thread share.
pub struct Shared {
    /// The last good build; `None` until the first build succeeds.
    site: RwLock<Option<Arc<ServedSite>>>,
    /// What open pages follow.
    live: tokio::sync::watch::Sender<LiveState>,
    /// Becomes true on Ctrl-C.
    shutdown: tokio::sync::watch::Sender<bool>,
    /// The build running now, if any.
    running: RwLock<Option<Arc<Running>>>,
    /// The output paths of the pages open in browsers (their live-reload streams), each
    /// with the number of streams open on it.
    open_pages: Mutex<FastMap<String, usize>>,
    /// `-v`: say which requests a running build answered.
    verbose: bool,
}

/// A page open in a browser, while its live-reload stream is.
pub struct OpenPage {
    shared: Arc<Shared>,
    key: String,
}

impl Drop for OpenPage {
    fn drop(&mut self) {
        let mut open = lock(&self.shared.open_pages);
        if let Some(count) = open.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.key);
            }
        }
    }
}

impl Shared {
    fn new(verbose: bool) -> Shared {
        Shared {
            site: RwLock::new(None),
            live: tokio::sync::watch::Sender::new(LiveState::default()),
            shutdown: tokio::sync::watch::Sender::new(false),
            running: RwLock::default(),
            open_pages: Mutex::default(),
            verbose,
        }
    }

    /// Notes the page at output path `key` as open until the value returned is dropped.
    fn open_page(self: &Arc<Self>, key: String) -> OpenPage {
        *lock(&self.open_pages).entry(key.clone()).or_default() += 1;
        OpenPage {
            shared: Arc::clone(self),
            key,
        }
    }

    /// The output paths of the pages open now.
    fn open_pages(&self) -> Vec<String> {
        lock(&self.open_pages).keys().cloned().collect()
    }

    /// The running build, if requests are to be answered from it.
    fn shown_build(&self) -> Option<Arc<Running>> {
        let running = self.running.read().unwrap_or_else(|e| e.into_inner());
        running.as_ref().filter(|r| r.is_shown()).cloned()
    }

    fn set_running(&self, running: Option<Arc<Running>>) {
        *self.running.write().unwrap_or_else(|e| e.into_inner()) = running;
    }

    fn current_site(&self) -> Option<Arc<ServedSite>> {
        self.site
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Replaces the current site, if any, with `change` of it, with no other replacement
    /// in between (the search index is swapped in from its own thread).
    fn change_site(&self, change: impl FnOnce(&ServedSite) -> ServedSite) {
        let mut site = self
            .site
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(current) = site.as_mut() {
            let old = std::mem::replace(current, Arc::new(change(current)));
            crate::memo::drop_in_background(Some(old));
        }
    }

    fn replace_site(&self, site: ServedSite) {
        let old = self
            .site
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .replace(Arc::new(site));
        crate::memo::drop_in_background(old);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Serves the site until Ctrl-C.
pub fn serve(options: &ServeOptions) -> Result<()> {
    let root = std::fs::canonicalize(&options.root)
        .map_err(|e| Diagnostic::io(&options.root, "open the site's folder", &e))?;
    if !root.join("content").is_dir() {
        // Not a broken edit but the wrong folder: say so instead of serving an error page.
        crate::content::discover(&root).map_err(crate::error::Diagnostics::sorted)?;
    }
    let listener = bind(options.bind, options.port)?;
    let address = listener
        .local_addr()
        .map_err(|e| Diagnostic::plain(format!("could not read the bound address: {e}")))?;
    let url = local_url(address);

    let shared = Arc::new(Shared::new(options.verbose && !options.quiet));
    let mut rebuilder = rebuild::Rebuilder {
        root: root.clone(),
        // Links in the served site point here, whatever base_url says.
        // Links point at the local server; analytics never count a writer's own visits.
        overrides: Overrides {
            base_url: Some(url.clone()),
            output_dir: None,
            preview: true,
        },
        options: BuildOptions {
            drafts: options.drafts,
            // Highlighted code from earlier builds and serves: a fast first build.
            cache_dir: Some(root.join(crate::build::CACHE_DIR)),
            external_links: false,
            every_problem: false,
        },
        shared: Arc::clone(&shared),
        memo: crate::build::Memo::session(),
        quiet: options.quiet,
        verbose: options.verbose,
        styled: options.styled,
        indexer: rebuild::SearchCatchUp::default(),
        generation: 0,
    };
    let cannot_watch = |e: &dyn std::fmt::Display| {
        Diagnostic::new(&root, format!("could not watch the site's files: {e}"))
    };
    let watching = watch::start(&root).map_err(|e| cannot_watch(&e))?;
    // From here on the watcher reports every change, so rebuilds read only what it names.
    rebuilder.memo.follow_watcher();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::plain(format!("could not start the HTTP server: {e}")))?;
    // Listen for Ctrl-C before printing the URL: a Ctrl-C that comes right after it
    // must stop the server cleanly, not kill it with the default handler.
    let interrupted = {
        let _context = runtime.enter();
        interrupt_signal()
            .map_err(|e| Diagnostic::plain(format!("could not listen for Ctrl-C: {e}")))?
    };
    if !options.quiet {
        println!("serving {url} (Ctrl-C to stop)");
        if address.ip().is_unspecified() {
            println!(
                "listening on every network interface, port {}",
                address.port()
            );
        }
    }
    if options.open {
        open_in_browser(&url);
    }
    // The server answers while the first build runs: a request waits for its page,
    // which the build makes next (see `running`).
    let building = std::thread::Builder::new()
        .name("inkpress-build".into())
        .spawn(move || {
            // The first build may fail: the server goes on all the same and shows the errors.
            rebuilder.rebuild(&HashSet::new(), None);
            // The first build waited for its search index; later ones reload first and
            // write the index afterwards (its files are merged afresh from every document
            // on each build).
            rebuilder.memo.lag_search();
            let stopper = Arc::clone(&rebuilder.shared);
            let watched = watching
                .run(move |batch| rebuilder.rebuild(&batch.touched, Some(batch.first_event)));
            if watched.is_err() {
                // Serving without following edits would mislead: stop, and say why.
                stopper.shutdown.send_replace(true);
            }
            watched
        })
        .map_err(|e| Diagnostic::plain(format!("could not start building: {e}")))?;
    runtime
        .block_on(async {
            listener.set_nonblocking(true)?;
            let listener = tokio::net::TcpListener::from_std(listener)?;
            let stopper = Arc::clone(&shared);
            tokio::spawn(async move {
                interrupted.await;
                stopper.shutdown.send_replace(true);
            });
            http::serve(listener, shared).await
        })
        .map_err(|e| Diagnostic::plain(format!("the HTTP server stopped: {e}")))?;
    // Stopped during the first build, the build is left to the end of the process.
    if building.is_finished() {
        let watched = building
            .join()
            .map_err(|_| Diagnostic::plain("the build thread panicked"))?;
        watched.map_err(|e| cannot_watch(&e))?;
    }
    if !options.quiet {
        println!("stopped");
    }
    Ok(())
}

/// A future that completes on Ctrl-C, with the handler installed now rather than when
/// the future is first polled.
#[cfg(unix)]
fn interrupt_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    let mut signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    Ok(async move {
        signal.recv().await;
    })
}

#[cfg(windows)]
fn interrupt_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    let mut signal = tokio::signal::windows::ctrl_c()?;
    Ok(async move {
        signal.recv().await;
    })
}

/// Binds the address; a port in use is one clear line that says what to do.
fn bind(ip: IpAddr, port: u16) -> Result<TcpListener> {
    let address = SocketAddr::new(ip, port);
    TcpListener::bind(address).map_err(|e| {
        let message = if e.kind() == std::io::ErrorKind::AddrInUse {
            format!(
                "{address} is already in use: choose another port with --port N (--port 0 picks a free one)"
            )
        } else {
            format!("could not listen on {address}: {e}")
        };
        Diagnostic::plain(message).into()
    })
}

/// The URL pages link to. An address on every interface is shown as the local one.
fn local_url(address: SocketAddr) -> String {
    let ip = match address.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => IpAddr::from([127, 0, 0, 1]),
        ip if ip.is_unspecified() => IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, address.port()))
}

/// Asks the desktop to open `url`; failing to is worth a warning, not an error.
fn open_in_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    let opened = command
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = opened {
        eprintln!("warning: could not open a browser ({e}); open {url} yourself");
    }
}
