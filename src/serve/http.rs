//! HTTP: the served site's files, the live-reload script and event stream; nothing else.

use super::live::{self, LiveState};
use super::paths;
use super::running::{Running, Waited};
use super::served::{self, Found, ServedSite};
use super::Shared;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::StreamExt;
use std::convert::Infallible;
use std::sync::Arc;
use tokio_stream::wrappers::WatchStream;

/// Serves until `shutdown` becomes true; open event streams end then too.
pub async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>) -> std::io::Result<()> {
    let mut shutdown = shared.shutdown.subscribe();
    let app = Router::new()
        .route(live::EVENTS_PATH, get(events))
        .route(live::SCRIPT_PATH, get(script))
        .fallback(site_file)
        .with_state(shared);
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = shutdown.wait_for(|stop| *stop).await;
        })
        .await
}

/// The live-reload state: the current one at once, then every new one. The script
/// names the page it runs in (`?page=/blog/x/`): while the stream is open, builds make
/// that page first and reload it as soon as it is made.
async fn events(State(shared): State<Arc<Shared>>, uri: Uri) -> impl IntoResponse {
    let mut shutdown = shared.shutdown.subscribe();
    let open = open_page(&uri).map(|key| shared.open_page(key));
    let stream = WatchStream::new(shared.live.subscribe())
        .map(move |state: LiveState| {
            let _open_while_streaming = &open;
            Ok::<_, Infallible>(Event::default().data(state.to_json()))
        })
        .take_until(async move {
            let _ = shutdown.wait_for(|stop| *stop).await;
        });
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response();
    no_store(&mut response);
    response
}

async fn script() -> Response {
    let mut response = (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        live::SCRIPT,
    )
        .into_response();
    no_store(&mut response);
    response
}

/// A file of the built site, a redirect to a folder's slash, or the site's 404 page.
async fn site_file(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut r = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are served\n",
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let Ok(site_path) = paths::site_path(uri.path()) else {
        return plain(StatusCode::BAD_REQUEST, "bad path\n");
    };
    if let Some(running) = shared.shown_build() {
        if let Some(response) = from_running(&shared, &running, &site_path).await {
            if shared.verbose {
                println!("answered /{site_path} from the running build");
            }
            return response;
        }
    }
    let Some(site) = shared.current_site() else {
        return not_built_yet();
    };
    match site.find(&site_path) {
        Found::File(file) => match site.read(file) {
            Ok(bytes) => file_response(StatusCode::OK, &file.path, &bytes, site.generation),
            Err(_) => not_found(&site),
        },
        Found::AddSlash(target) => {
            let mut location = format!("/{}", paths::encode(&target));
            if let Some(query) = uri.query() {
                location.push('?');
                location.push_str(query);
            }
            let mut r = plain(StatusCode::MOVED_PERMANENTLY, "");
            if let Ok(value) = HeaderValue::from_str(&location) {
                r.headers_mut().insert(header::LOCATION, value);
            }
            r
        }
        Found::NotFound => not_found(&site),
    }
}

fn not_found(site: &ServedSite) -> Response {
    match site.not_found_page().map(|f| (f, site.read(f))) {
        Some((file, Ok(bytes))) => {
            file_response(StatusCode::NOT_FOUND, &file.path, &bytes, site.generation)
        }
        _ => plain(StatusCode::NOT_FOUND, "not found\n"),
    }
}

/// The answer of a running build that is shown: its file at `site_path` once made, or
/// the served site's file when the build found it the same. `None` when the build ended
/// first: the site now served answers.
async fn from_running(shared: &Shared, running: &Running, site_path: &str) -> Option<Response> {
    let key = served::file_key(site_path);
    let file = match running.wait_for(&key).await {
        Waited::File(file) => file,
        Waited::SameAsServed => {
            let site = shared.current_site();
            if let Some(file) = site.as_ref().and_then(|site| site.file(&key)) {
                let bytes = served::read_inside(file, running.copied_from()).ok()?;
                // The same bytes, of the generation the open pages reload to.
                return Some(file_response(
                    StatusCode::OK,
                    &file.path,
                    &bytes,
                    running.generation,
                ));
            }
            // Nothing to compare with (a first build): the build's end tells.
            if !running.wait_for_end().await {
                return Some(still_building(running.generation));
            }
            return None;
        }
        Waited::Over => return None,
        Waited::StillBuilding => return Some(still_building(running.generation)),
    };
    match served::read_inside(&file, running.copied_from()) {
        Ok(bytes) => Some(file_response(
            StatusCode::OK,
            &file.path,
            &bytes,
            running.generation,
        )),
        // A copied file gone since: the build's end decides.
        Err(_) => None,
    }
}

/// The output path of the page a live-reload stream names (`?page=/blog/x/`).
fn open_page(uri: &Uri) -> Option<String> {
    let page = uri
        .query()?
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))?;
    let site_path = paths::site_path(&paths::decode(page)?).ok()?;
    Some(served::file_key(&site_path).into_owned())
}

/// A running build that has not made a file in [`LONGEST_WAIT`](super::running::LONGEST_WAIT): the page
/// follows along and asks again when the build tells it to reload.
fn still_building(generation: u64) -> Response {
    let page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>inkpress: still building</title></head>\
                <body><p>The site is still building. This page reloads by itself when it is done.</p></body></html>";
    let mut r = (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        // One generation before the build's: the build's reload takes the page to it.
        live::inject(page.as_bytes(), generation.saturating_sub(1)),
    )
        .into_response();
    no_store(&mut r);
    r
}

/// Before the first successful build there is no site, only the overlay with its errors.
fn not_built_yet() -> Response {
    let page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>inkpress: not built yet</title></head>\
                <body><p>The site has not built yet: fix the errors shown in the terminal. \
                This page follows along by itself.</p></body></html>";
    let mut r = (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        live::inject(page.as_bytes(), 0),
    )
        .into_response();
    no_store(&mut r);
    r
}

fn file_response(status: StatusCode, path: &str, bytes: &[u8], generation: u64) -> Response {
    let content_type = content_type(path);
    let body = if content_type.starts_with("text/html") {
        Body::from(live::inject(bytes, generation))
    } else {
        Body::from(bytes.to_vec())
    };
    let mut r = Response::new(body);
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    no_store(&mut r);
    r
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response();
    no_store(&mut r);
    r
}

/// A preview must never show a page the browser kept from before the last edit.
fn no_store(response: &mut Response) {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// The `Content-Type` of a site path, from its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml",
        "rss" => "application/rss+xml",
        "atom" => "application/atom+xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::content_type;

    #[test]
    fn content_types_of_common_files() {
        assert_eq!(
            content_type("blog/x/index.html"),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type("css/a.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("feed.xml"), "application/xml");
        assert_eq!(content_type("a.woff2"), "font/woff2");
        assert_eq!(content_type("a.jpeg"), "image/jpeg");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }
}
