//! The single-page application's files (`--static-dir`, default `frontend/dist`, built by
//! `cargo run -p xtask -- frontend`). Not part of the route table: this is the application's
//! default service, so it only sees what no route matched. `/api/…` and `/healthz` keep their
//! problem+json 404; any other GET or HEAD is a file of the directory or, for paths of the
//! application (`/login`, `/calculator`…), its `index.html`; a missing script, wasm module or
//! stylesheet (a lazily loaded `chunk_*.wasm`, say) is a 404 instead. Files are sent
//! pre-compressed, as written by the xtask: `NAME.br` to browsers that accept brotli, else
//! `NAME.gz` to those that accept gzip, else the file itself (see [`Encoding::negotiate`]).

use std::path::{Path, PathBuf};

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;

/// `--static-dir`, given to the application as app data (absent: no static files, API only).
#[derive(Debug, Clone)]
pub struct StaticDir(pub PathBuf);

/// The page `/` answers when the frontend has not been built.
pub const NOT_BUILT_PAGE: &str = "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>前端尚未构建</title></head>\n<body><h1>前端尚未构建</h1>\n<p>服务器正在运行,API 位于 <a href=\"/api/docs\">/api/docs</a>,但未找到前端文件目录。请在项目根目录运行以下命令构建前端,然后刷新本页:</p>\n<pre>rustup target add wasm32-unknown-unknown\ncargo run -p xtask -- frontend</pre>\n<p lang=\"en\">The frontend has not been built: run <code>cargo run -p xtask -- frontend</code> (or pass <code>--static-dir</code>).</p>\n</body></html>\n";

fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/") || path == "/healthz"
}

/// A path naming a script, a wasm module or a stylesheet (the glue, the split loader
/// `__wasm_split.js`, the `split_*`/`chunk_*` modules): when the file is missing it is a 404, never
/// the SPA's index.html, which a browser would fail to run with a misleading MIME-type error.
fn is_asset_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    matches!(name.rsplit_once('.').map(|(_, ext)| ext), Some("wasm" | "js" | "mjs" | "css" | "map"))
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The file a request path names inside `dir`, if it is a plain relative path to a file (no
/// `..`, no hidden or encoded segments, no `.gz` or `.br` twin asked for directly).
fn file_of(dir: &Path, path: &str) -> Option<PathBuf> {
    let mut file = dir.to_path_buf();
    let mut any = false;
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        if segment.starts_with('.') || segment.contains(['%', '\\', ':']) {
            return None;
        }
        file.push(segment);
        any = true;
    }
    (any && !path.ends_with(".gz") && !path.ends_with(".br") && file.is_file()).then_some(file)
}

/// A pre-compressed twin of a static file, in order of preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    const PREFERRED: [Encoding; 2] = [Encoding::Brotli, Encoding::Gzip];

    fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gz",
        }
    }

    /// Whether the `Accept-Encoding` values allow this coding (RFC 9110 §12.5.3): named with a
    /// q-value above 0 (no q-value is 1), or not named and `*` allowed. `x-gzip` is gzip.
    fn accepted_by(self, accept_encoding: &[&str]) -> bool {
        let mut named = None;
        let mut wildcard = None;
        for item in accept_encoding.iter().flat_map(|v| v.split(',')) {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
                .map_or(Some(1.0), |(_, v)| v.trim().parse::<f32>().ok());
            // An unreadable q-value is taken as a refusal.
            let allowed = q.is_some_and(|q| q > 0.0);
            let is_self = coding == self.token() || (self == Encoding::Gzip && coding == "x-gzip");
            if is_self {
                // Several entries for one coding: a refusal wins.
                named = Some(named.unwrap_or(true) && allowed);
            } else if coding == "*" {
                wildcard = Some(wildcard.unwrap_or(true) && allowed);
            }
        }
        named.or(wildcard).unwrap_or(false)
    }

    /// The preferred twin the request accepts, brotli first (smaller), then gzip.
    fn negotiate(req: &HttpRequest) -> Vec<Encoding> {
        let values: Vec<&str> =
            req.headers().get_all(header::ACCEPT_ENCODING).filter_map(|v| v.to_str().ok()).collect();
        Encoding::PREFERRED.into_iter().filter(|e| e.accepted_by(&values)).collect()
    }
}

/// Reads the file (or its best accepted twin) on the blocking pool: file I/O never runs on an
/// async worker. A twin the directory lacks is skipped.
async fn send_file(req: &HttpRequest, file: &Path) -> Result<HttpResponse, ApiError> {
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
    let accepted = Encoding::negotiate(req);
    let plain = file.to_path_buf();
    let (body, encoding) = web::block(move || -> std::io::Result<(Vec<u8>, Option<Encoding>)> {
        for encoding in accepted {
            let twin = PathBuf::from(format!("{}.{}", plain.display(), encoding.suffix()));
            if twin.is_file() {
                return Ok((std::fs::read(&twin)?, Some(encoding)));
            }
        }
        Ok((std::fs::read(&plain)?, None))
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, content_type(&name)))
        // Asset URLs carry a content hash (`?v=`) but the names do not: revalidate everything.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::VARY, "Accept-Encoding"));
    if let Some(encoding) = encoding {
        response.insert_header((header::CONTENT_ENCODING, HeaderValue::from_static(encoding.token())));
    }
    Ok(if req.method() == Method::HEAD { response.finish() } else { response.body(body) })
}

/// The default service: static files and the SPA fallback, or the API's 404.
pub async fn fallback(req: HttpRequest, dir: Option<web::Data<StaticDir>>) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    let Some(dir) = dir else { return Err(ApiError::NotFound) };
    if is_api_path(path) || !(req.method() == Method::GET || req.method() == Method::HEAD) {
        return Err(ApiError::NotFound);
    }
    if let Some(file) = file_of(&dir.0, path) {
        return send_file(&req, &file).await;
    }
    if is_asset_path(path) {
        return Err(ApiError::NotFound);
    }
    let index = dir.0.join("index.html");
    if index.is_file() {
        return send_file(&req, &index).await;
    }
    Ok(HttpResponse::build(StatusCode::OK)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(NOT_BUILT_PAGE))
}

#[cfg(test)]
mod tests {
    use actix_web::{App, test};

    use super::*;

    fn app_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<html>spa</html>").unwrap();
        std::fs::write(dir.path().join("app.js"), "console.log(1)").unwrap();
        std::fs::write(dir.path().join("app.js.gz"), b"\x1f\x8bfake").unwrap();
        std::fs::write(dir.path().join(".secret"), "no").unwrap();
        dir
    }

    async fn get(dir: Option<&Path>, path: &str, gzip: bool) -> (StatusCode, Option<String>, Option<String>, Vec<u8>) {
        get_with(dir, path, gzip.then_some("br, gzip;q=0.8")).await
    }

    /// A GET with the given `Accept-Encoding` (none: no header), answering the status, the
    /// content type, the content encoding, `Vary` and the body.
    async fn get_full(
        dir: Option<&Path>,
        path: &str,
        accept_encoding: Option<&str>,
    ) -> (StatusCode, Option<String>, Option<String>, Option<String>, Vec<u8>) {
        let mut app = App::new().default_service(web::to(fallback));
        if let Some(dir) = dir {
            app = app.app_data(web::Data::new(StaticDir(dir.to_path_buf())));
        }
        let app = test::init_service(app).await;
        let mut req = test::TestRequest::get().uri(path);
        if let Some(accept_encoding) = accept_encoding {
            req = req.insert_header((header::ACCEPT_ENCODING, accept_encoding));
        }
        let resp = test::call_service(&app, req.to_request()).await;
        let h = |n| resp.headers().get(n).map(|v: &HeaderValue| v.to_str().unwrap().to_string());
        let (status, ct, ce, vary) =
            (resp.status(), h(header::CONTENT_TYPE), h(header::CONTENT_ENCODING), h(header::VARY));
        (status, ct, ce, vary, test::read_body(resp).await.to_vec())
    }

    async fn get_with(
        dir: Option<&Path>,
        path: &str,
        accept_encoding: Option<&str>,
    ) -> (StatusCode, Option<String>, Option<String>, Vec<u8>) {
        let (status, ct, ce, _, body) = get_full(dir, path, accept_encoding).await;
        (status, ct, ce, body)
    }

    /// A directory whose `app.wasm` has both twins (each body names its encoding).
    fn twins_dir() -> tempfile::TempDir {
        let dir = app_dir();
        std::fs::write(dir.path().join("app.wasm"), "raw").unwrap();
        std::fs::write(dir.path().join("app.wasm.gz"), "gzip").unwrap();
        std::fs::write(dir.path().join("app.wasm.br"), "br").unwrap();
        dir
    }

    #[actix_web::test]
    async fn negotiates_brotli_then_gzip_then_identity() {
        let dir = twins_dir();
        let d = Some(dir.path());
        for (accept, encoding, body) in [
            (None, None, "raw"),
            (Some("gzip, deflate, br, zstd"), Some("br"), "br"),
            (Some("br"), Some("br"), "br"),
            (Some("BR;q=0.5, gzip"), Some("br"), "br"),
            (Some("gzip"), Some("gzip"), "gzip"),
            (Some("x-gzip"), Some("gzip"), "gzip"),
            (Some("br;q=0, gzip"), Some("gzip"), "gzip"),
            (Some("br; q=0.000, gzip;q=1.0"), Some("gzip"), "gzip"),
            (Some("br;q=0, gzip;q=0"), None, "raw"),
            (Some("identity"), None, "raw"),
            (Some("deflate, zstd"), None, "raw"),
            (Some(""), None, "raw"),
            (Some("*"), Some("br"), "br"),
            (Some("*;q=0"), None, "raw"),
            (Some("br;q=0, *"), Some("gzip"), "gzip"),
            (Some("gzip;q=0, *"), Some("br"), "br"),
            (Some("br;q=zero, gzip"), Some("gzip"), "gzip"),
            (Some("br, br;q=0, gzip"), Some("gzip"), "gzip"),
        ] {
            let (s, ct, ce, vary, got) = get_full(d, "/app.wasm", accept).await;
            assert_eq!(
                (s, ct.as_deref(), ce.as_deref(), vary.as_deref(), String::from_utf8(got).unwrap().as_str()),
                (StatusCode::OK, Some("application/wasm"), encoding, Some("Accept-Encoding"), body),
                "{accept:?}"
            );
        }
        // Several Accept-Encoding headers count together.
        let app = test::init_service(
            App::new().app_data(web::Data::new(StaticDir(dir.path().to_path_buf()))).default_service(web::to(fallback)),
        )
        .await;
        let req = test::TestRequest::get()
            .uri("/app.wasm")
            .append_header((header::ACCEPT_ENCODING, "br;q=0"))
            .append_header((header::ACCEPT_ENCODING, "gzip"))
            .to_request();
        let resp = test::call_service(&app, req).await;
        assert_eq!(resp.headers().get(header::CONTENT_ENCODING).unwrap(), "gzip");
        // A HEAD answers the headers of the twin it would send.
        let req = test::TestRequest::default()
            .method(Method::HEAD)
            .uri("/app.wasm")
            .insert_header((header::ACCEPT_ENCODING, "gzip, br"))
            .to_request();
        let resp = test::call_service(&app, req).await;
        assert_eq!(
            (resp.status(), resp.headers().get(header::CONTENT_ENCODING).unwrap().to_str().unwrap()),
            (StatusCode::OK, "br")
        );
        assert!(test::read_body(resp).await.is_empty());
        // Split modules and their loader: the right type, pre-compressed; a missing one (a stale
        // chunk name after a rebuild) is a 404, never index.html.
        std::fs::write(dir.path().join("__wasm_split.js"), "export const x = 1;").unwrap();
        std::fs::write(dir.path().join("chunk_3.wasm"), "chunk").unwrap();
        std::fs::write(dir.path().join("chunk_3.wasm.br"), "chunk-br").unwrap();
        let (s, ct, ce, body) = get_with(d, "/__wasm_split.js", Some("gzip, br")).await;
        assert_eq!(
            (s, ct.as_deref(), ce, body.as_slice()),
            (StatusCode::OK, Some("text/javascript; charset=utf-8"), None, &b"export const x = 1;"[..])
        );
        let (s, ct, ce, body) = get_with(d, "/chunk_3.wasm", Some("gzip, br")).await;
        assert_eq!(
            (s, ct.as_deref(), ce.as_deref(), body.as_slice()),
            (StatusCode::OK, Some("application/wasm"), Some("br"), &b"chunk-br"[..])
        );
        for missing in ["/chunk_99.wasm", "/split_gone_1.wasm", "/__wasm_split.old.js", "/x/app.mjs", "/gone.css"] {
            let (s, ct, _, _) = get_with(d, missing, Some("gzip, br")).await;
            assert_eq!((s, ct.as_deref()), (StatusCode::NOT_FOUND, Some("application/problem+json")), "{missing}");
        }
        // The twins are never served by their own names (the SPA answers instead).
        for twin in ["/app.wasm.br", "/app.wasm.gz"] {
            let (s, ct, ce, body) = get_with(d, twin, Some("br, gzip")).await;
            assert_eq!((s, ct.as_deref(), ce), (StatusCode::OK, Some("text/html; charset=utf-8"), None), "{twin}");
            assert_eq!(body, b"<html>spa</html>", "{twin}");
        }
    }

    #[actix_web::test]
    async fn serves_files_and_falls_back_to_index() {
        let dir = app_dir();
        let d = Some(dir.path());
        let (s, ct, ce, body) = get(d, "/app.js", false).await;
        assert_eq!(
            (s, ct.as_deref(), ce, body.as_slice()),
            (StatusCode::OK, Some("text/javascript; charset=utf-8"), None, &b"console.log(1)"[..])
        );
        let (s, _, ce, body) = get(d, "/app.js", true).await;
        assert_eq!((s, ce.as_deref(), body.as_slice()), (StatusCode::OK, Some("gzip"), &b"\x1f\x8bfake"[..]));
        for spa in ["/", "/login", "/calculator", "/account/", "/../Cargo.toml", "/.secret", "/app.js.gz", "/%2e%2e/x"]
        {
            let (s, ct, _, body) = get(d, spa, false).await;
            assert_eq!(
                (s, ct.as_deref(), body.as_slice()),
                (StatusCode::OK, Some("text/html; charset=utf-8"), &b"<html>spa</html>"[..]),
                "{spa}"
            );
        }
        for api in ["/api/v1/nothing", "/api", "/healthz"] {
            let (s, ct, _, _) = get(d, api, false).await;
            assert_eq!((s, ct.as_deref()), (StatusCode::NOT_FOUND, Some("application/problem+json")), "{api}");
        }
    }

    #[actix_web::test]
    async fn missing_dir_explains_how_to_build() {
        let missing = tempfile::tempdir().unwrap().path().join("dist");
        let (s, ct, _, body) = get(Some(&missing), "/", false).await;
        assert_eq!((s, ct.as_deref()), (StatusCode::OK, Some("text/html; charset=utf-8")));
        let body = String::from_utf8(body).unwrap();
        assert!(body.contains("前端尚未构建") && body.contains("cargo run -p xtask -- frontend"), "{body}");
        // Without a static dir (in-process API tests) everything unknown stays a 404.
        assert_eq!(get(None, "/", false).await.0, StatusCode::NOT_FOUND);
    }
}
