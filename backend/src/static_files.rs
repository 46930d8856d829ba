//! The single-page application's files (`--static-dir`, default `frontend/dist`, built by
//! `cargo run -p xtask -- frontend`). Not part of the route table: this is the application's
//! default service, so it only sees what no route matched. `/api/…` and `/healthz` keep their
//! problem+json 404; any other GET or HEAD is a file of the directory or, for paths of the
//! application (`/login`, `/calculator`…), its `index.html`. Files are sent pre-compressed
//! (`NAME.gz`, written by the xtask) to browsers that accept gzip.

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
/// `..`, no hidden or encoded segments, no `.gz` asked for directly).
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
    (any && !path.ends_with(".gz") && file.is_file()).then_some(file)
}

fn accepts_gzip(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|e| e.trim().split(';').next() == Some("gzip")))
}

/// Reads the file (or its `.gz` twin) on the blocking pool: file I/O never runs on an async worker.
async fn send_file(req: &HttpRequest, file: &Path) -> Result<HttpResponse, ApiError> {
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
    let gz = PathBuf::from(format!("{}.gz", file.display()));
    let wants_gzip = accepts_gzip(req);
    let plain = file.to_path_buf();
    let (body, gzipped) = web::block(move || -> std::io::Result<(Vec<u8>, bool)> {
        if wants_gzip && gz.is_file() { Ok((std::fs::read(&gz)?, true)) } else { Ok((std::fs::read(&plain)?, false)) }
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
    if gzipped {
        response.insert_header((header::CONTENT_ENCODING, HeaderValue::from_static("gzip")));
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
        let mut app = App::new().default_service(web::to(fallback));
        if let Some(dir) = dir {
            app = app.app_data(web::Data::new(StaticDir(dir.to_path_buf())));
        }
        let app = test::init_service(app).await;
        let mut req = test::TestRequest::get().uri(path);
        if gzip {
            req = req.insert_header((header::ACCEPT_ENCODING, "br, gzip;q=0.8"));
        }
        let resp = test::call_service(&app, req.to_request()).await;
        let h = |n| resp.headers().get(n).map(|v: &HeaderValue| v.to_str().unwrap().to_string());
        let (status, ct, ce) = (resp.status(), h(header::CONTENT_TYPE), h(header::CONTENT_ENCODING));
        (status, ct, ce, test::read_body(resp).await.to_vec())
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
