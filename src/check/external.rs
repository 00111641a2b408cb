//! `inkpress check --external`: every `http(s)` link of the site's documents, each URL
//! asked once, a few at a time and at most [`PER_HOST`] at once of any one host, with a
//! timeout and retries with backoff. Links that answered well are remembered for a day
//! (`[check] external_cache_hours`) in the site's cache folder, so a second run asks
//! nothing; failures are asked again every run.

use crate::config::ExternalCheck;
use crate::content::Document;
use crate::error::Diagnostic;
use crate::markdown::Outline;
use crate::site::Site;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Requests in flight at once, over all hosts.
const CONCURRENCY: usize = 8;
/// Requests in flight at once to one host: a blog links one site many times, and a
/// checker must not look like an attack on it.
pub const PER_HOST: usize = 2;
/// Tries after the first, for answers that may be passing (timeouts, 429, 5xx).
const RETRIES: u32 = 2;
/// The wait before the first retry; doubled for each next one.
const BACKOFF: Duration = Duration::from_millis(300);
/// The cache of answers, in the site's cache folder.
pub const CACHE_FILE: &str = "external-links.json";

/// One external link, where it is written.
#[derive(Debug, Clone)]
pub struct ExternalLink {
    pub url: String,
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

/// Every `http(s)` link of the site's documents (bodies and front matter) that is not under `base_url` (those are
/// internal, and checked as such), in document order.
pub fn links(
    site: &Site,
    base_url: &str,
    outline: &dyn Fn(&Document) -> Option<Arc<Outline>>,
) -> Vec<ExternalLink> {
    let mut found = Vec::new();
    for doc in site.posts.iter().chain(&site.pages) {
        let o = outline(doc);
        for link in super::written_links(doc, o.as_deref()) {
            let url = link.url.trim();
            let is_web = url.starts_with("http://") || url.starts_with("https://");
            if !is_web || super::resolve(url, &doc.path, base_url).is_some() {
                continue;
            }
            let (line, column) = link.at;
            found.push(ExternalLink {
                url: url.to_owned(),
                file: doc.source.display.clone(),
                line,
                column,
            });
        }
    }
    found
}

/// What asking a URL gave.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    Good,
    Status(u16),
    /// No answer: a timeout, a refused connection, an unknown host.
    Failed(String),
}

/// The answers that hold, by URL, with when they were given (seconds since 1970).
#[derive(Default, Serialize, Deserialize)]
struct Cache {
    good: BTreeMap<String, u64>,
}

impl Cache {
    fn load(file: &Path) -> Cache {
        std::fs::read(file)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    fn save(&self, file: &Path) {
        // A cache that cannot be written only costs the next run its speed.
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Ok(bytes) = serde_json::to_vec(self) {
            let _ = std::fs::write(file, bytes);
        }
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Whether `[check] external_skip` leaves `url` alone: an entry with `://` is a URL
/// prefix, any other a host, its subdomains included.
fn skipped(url: &str, skip: &[String]) -> bool {
    let host = host_of(url);
    skip.iter().any(|s| {
        if s.contains("://") {
            url.starts_with(s.as_str())
        } else {
            let s = s.trim_matches('/').to_ascii_lowercase();
            host == s || host.ends_with(&format!(".{s}"))
        }
    })
}

/// `https://Example.com:8080/a` → `example.com:8080`.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    host.to_ascii_lowercase()
}

/// Asks every link's URL (each once, the cached ones not at all) and returns a problem
/// for each link whose URL did not answer well. `cache_file` is `None` to keep nothing.
pub fn check(
    links: &[ExternalLink],
    settings: &ExternalCheck,
    cache_file: Option<&Path>,
) -> Vec<Diagnostic> {
    let mut cache = cache_file.map(Cache::load).unwrap_or_default();
    let now = now();
    let fresh = |at: &u64| now.saturating_sub(*at) < settings.cache_for.as_secs();
    cache.good.retain(|_, at| fresh(at));
    let mut to_ask: Vec<String> = links
        .iter()
        .map(|l| l.url.clone())
        .filter(|u| !skipped(u, &settings.skip) && !cache.good.contains_key(u))
        .collect();
    to_ask.sort();
    to_ask.dedup();
    let answers = ask_all(to_ask, settings.timeout);
    for (url, answer) in &answers {
        if *answer == Answer::Good {
            cache.good.insert(url.clone(), now);
        }
    }
    if let Some(file) = cache_file {
        cache.save(file);
    }
    links
        .iter()
        .filter_map(|link| {
            let message = match answers.get(&link.url)? {
                Answer::Good => return None,
                Answer::Status(code) => format!("`{}` answered {code}", link.url),
                Answer::Failed(why) => format!("`{}` did not answer: {why}", link.url),
            };
            let mut d = Diagnostic::new(&link.file, message).hint(
                "update or remove the link; `external_skip` under [check] in inkpress.toml leaves a site alone",
            );
            d.line = Some(link.line);
            d.column = Some(link.column);
            Some(d)
        })
        .collect()
}

/// The URLs waiting, and how many requests are in flight to each host.
struct Queue {
    waiting: VecDeque<String>,
    in_flight: HashMap<String, usize>,
}

/// Asks every URL on a pool of [`CONCURRENCY`] threads, never more than [`PER_HOST`] at
/// once of one host.
fn ask_all(urls: Vec<String>, timeout: Duration) -> HashMap<String, Answer> {
    if urls.is_empty() {
        return HashMap::new();
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent(concat!(
            "inkpress/",
            env!("CARGO_PKG_VERSION"),
            " (link check)"
        ))
        .build()
        .into();
    let threads = CONCURRENCY.min(urls.len());
    let queue = Mutex::new(Queue {
        waiting: urls.into(),
        in_flight: HashMap::new(),
    });
    let turn = Condvar::new();
    let answers = Mutex::new(HashMap::new());
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build();
    let work = || loop {
        // The next URL whose host has room, waiting for one when every host is full.
        let url = {
            let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if q.waiting.is_empty() {
                    break None;
                }
                let free = q
                    .waiting
                    .iter()
                    .position(|u| q.in_flight.get(&host_of(u)).copied().unwrap_or(0) < PER_HOST);
                if let Some(i) = free {
                    let url = q.waiting.remove(i).unwrap_or_default();
                    *q.in_flight.entry(host_of(&url)).or_default() += 1;
                    break Some(url);
                }
                q = turn.wait(q).unwrap_or_else(|e| e.into_inner());
            }
        };
        let Some(url) = url else { return };
        let answer = ask(&agent, &url);
        {
            let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(n) = q.in_flight.get_mut(&host_of(&url)) {
                *n -= 1;
            }
        }
        turn.notify_all();
        answers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(url, answer);
    };
    match pool {
        Ok(pool) => pool.scope(|s| {
            for _ in 0..threads {
                s.spawn(|_| work());
            }
        }),
        // No threads to be had: one at a time, on this one.
        Err(_) => work(),
    }
    answers.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// Asks one URL, again after a growing pause while the answer may be passing.
fn ask(agent: &ureq::Agent, url: &str) -> Answer {
    let mut attempt = 0;
    loop {
        let answer = match agent.get(url).call() {
            Ok(response) => match response.status().as_u16() {
                200..=299 => Answer::Good,
                code => Answer::Status(code),
            },
            Err(ureq::Error::Timeout(_)) => Answer::Failed("no answer in time".into()),
            Err(ureq::Error::HostNotFound) => Answer::Failed("no such host".into()),
            Err(ureq::Error::Io(e)) => Answer::Failed(e.to_string()),
            Err(e) => Answer::Failed(e.to_string()),
        };
        let passing = match &answer {
            Answer::Good => false,
            Answer::Status(code) => *code == 429 || *code >= 500,
            Answer::Failed(_) => true,
        };
        if !passing || attempt == RETRIES {
            return match answer {
                Answer::Failed(why) if attempt > 0 => {
                    Answer::Failed(format!("{why} ({} tries)", attempt + 1))
                }
                other => other,
            };
        }
        std::thread::sleep(BACKOFF * 2u32.pow(attempt));
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_the_skip_list() {
        assert_eq!(
            host_of("https://User@Example.com:8080/a?b#c"),
            "example.com:8080"
        );
        assert_eq!(host_of("http://x.org"), "x.org");
        let skip = vec![
            "example.com".to_owned(),
            "https://x.org/private/".to_owned(),
        ];
        assert!(skipped("https://example.com/a", &skip));
        assert!(skipped("https://www.example.com/a", &skip));
        assert!(!skipped("https://notexample.com/a", &skip));
        assert!(skipped("https://x.org/private/a", &skip));
        assert!(!skipped("https://x.org/public/", &skip));
    }
}
