//! The upload module in-process: a test-only route reads `meta` + `file` with the real extractor
//! on a real `AppState` (SQLite and PostgreSQL), promotes the file, records it, answers its sha256.

#[path = "../../tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use std::task::Poll;

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::test as atest;
use actix_web::web::{self, Bytes};
use actix_web::{App, HttpResponse};
use diesel::prelude::*;
use dtpilot_backend::app::AppState;
use dtpilot_backend::auth::{Auth, Caller, JwtKeys};
use dtpilot_backend::db::{self, DatabaseUrl, DbPool, schema};
use dtpilot_backend::error::ApiError;
use dtpilot_backend::uploads::{self, MetaAndPdf, PDF_MAX_BYTES, StoredFile};
use dtpilot_domain::PolicyProfile;
use futures_util::StreamExt as _;
use futures_util::stream;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// actix-http's `BoxedPayloadStream` (not re-exported by actix-web): a `Payload::Stream` body.
type BoxedPayloadStream = std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<Bytes, PayloadError>>>>;

const BOUNDARY: &str = "dtpilot-test-boundary-7MA4YWxkTrZu0gW";
const MIB: usize = 1024 * 1024;

/// The `meta` of the test route.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestMeta {
    level: u8,
    summary: String,
    #[serde(default)]
    uploaded_by: Option<i64>,
    /// Fail after reading, before promoting (as a handler does when scope or state refuses).
    #[serde(default)]
    refuse: bool,
}

/// The test route: what a later endpoint does, minus scope and domain.
async fn upload(state: web::Data<AppState>, upload: MetaAndPdf<TestMeta>) -> Result<HttpResponse, ApiError> {
    let MetaAndPdf { meta, file } = upload;
    if meta.refuse {
        return Err(ApiError::Conflict { code: "refused", detail: format!("refused {}", file.sha256()) });
    }
    let promoted = file.promote().await?;
    let uploaded_by = meta.uploaded_by;
    let row = state
        .db(move |conn| {
            db::write_transaction(conn, |conn| uploads::insert_file(conn, &promoted, uploaded_by, db::now_utc()))
                .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Created().json(json!({
        "id": row.id,
        "sha256": row.sha256,
        "size_bytes": row.size_bytes,
        "original_name": row.original_name,
        "level": meta.level,
        "summary": meta.summary,
    })))
}

/// The recommended argument order of an upload endpoint: the upload first, then the caller.
async fn guarded(upload: MetaAndPdf<TestMeta>, caller: Caller) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(json!({ "user": caller.user_id, "sha256": upload.file.sha256() })))
}

struct Env {
    state: web::Data<AppState>,
    data: tempfile::TempDir,
}

impl Env {
    fn new(url: &str) -> Env {
        let url = DatabaseUrl::parse(url).expect("test URL");
        let pool: DbPool = db::connect(&url, 2).expect("connect");
        db::run_migrations(&pool).expect("migrate");
        let backend = db::backend_name(&pool.get().expect("connection"));
        let keys = JwtKeys::from_secret(b"uploads-test-secret-uploads-test-secret", 900).expect("keys");
        let data = tempfile::tempdir().expect("data dir");
        let state = web::Data::new(AppState {
            pool,
            profile: Arc::new(PolicyProfile::changzhi_2025()),
            backend,
            auth: Auth::new(keys, 1),
            data_dir: data.path().to_path_buf(),
            security: Default::default(),
        });
        Env { state, data }
    }

    fn files_dir(&self) -> PathBuf {
        self.data.path().join("files")
    }

    /// Every regular file under `files/`, staging included.
    fn all_files(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else { return };
            for entry in entries {
                let path = entry.expect("dir entry").path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.files_dir(), &mut out);
        out.sort();
        out
    }

    fn assert_nothing_stored(&self) {
        assert_eq!(self.all_files(), Vec::<PathBuf>::new(), "no file (staged or stored) after a refusal");
    }

    fn user(&self, username: &str) -> i64 {
        let mut conn = self.state.pool.get().expect("connection");
        let now = db::now_utc();
        diesel::insert_into(schema::users::table)
            .values((
                schema::users::username.eq(username),
                schema::users::password_hash.eq("$argon2id$not-a-real-hash"),
                schema::users::role.eq("city"),
                schema::users::display_name.eq(username),
                schema::users::active.eq(true),
                schema::users::created_at.eq(now),
                schema::users::updated_at.eq(now),
            ))
            .returning(schema::users::id)
            .get_result(&mut *conn)
            .expect("insert user")
    }

    fn rows(&self) -> i64 {
        let mut conn = self.state.pool.get().expect("connection");
        schema::stored_files::table.count().get_result(&mut *conn).expect("count")
    }

    fn find(&self, id: i64) -> StoredFile {
        let mut conn = self.state.pool.get().expect("connection");
        uploads::find_file(&mut conn, id).expect("find_file")
    }

    fn call_sized(&self, content_type: &str, bytes: Vec<u8>) -> (u16, String, Value) {
        self.call(content_type, Body::Sized(bytes))
    }

    fn call_chunked(&self, content_type: &str, bytes: Vec<u8>, read: Arc<AtomicU64>) -> (u16, String, Value) {
        self.call(content_type, Body::Chunked(bytes, read))
    }

    /// POSTs `body` as `content_type` to a fresh service with the test route; (status, content
    /// type, JSON body).
    fn call(&self, content_type: &str, body: Body) -> (u16, String, Value) {
        self.call_at("/upload", content_type, body)
    }

    fn call_at(&self, path: &str, content_type: &str, body: Body) -> (u16, String, Value) {
        let state = self.state.clone();
        let mut req = atest::TestRequest::post().uri(path);
        if !content_type.is_empty() {
            req = req.insert_header((header::CONTENT_TYPE, content_type.to_string()));
        }
        // A body without `Content-Length`: the server cannot know its size before reading it.
        let chunked = |req: atest::TestRequest, payload: BoxedPayloadStream| {
            let mut req = req.to_request();
            req.headers_mut().remove(header::CONTENT_LENGTH);
            let payload: Payload = Payload::Stream { payload };
            let (req, _) = req.replace_payload(payload);
            req
        };
        let req = match body {
            Body::Sized(bytes) => req.set_payload(bytes).to_request(),
            Body::Declared(declared) => {
                let mut req = req.to_request();
                let untouchable = stream::poll_fn(|_| -> Poll<Option<Result<Bytes, PayloadError>>> {
                    panic!("the body was read although Content-Length already said it is too large")
                });
                let payload: Payload = Payload::Stream { payload: Box::pin(untouchable) };
                req.headers_mut().insert(header::CONTENT_LENGTH, declared.into());
                let (req, _) = req.replace_payload(payload);
                req
            }
            Body::Chunked(bytes, read) => {
                let chunks: Vec<Bytes> = bytes.chunks(64 * 1024).map(Bytes::copy_from_slice).collect();
                let counted = stream::iter(chunks).map(move |chunk| {
                    read.fetch_add(chunk.len() as u64, Ordering::SeqCst);
                    Ok::<_, PayloadError>(chunk)
                });
                chunked(req, Box::pin(counted))
            }
            Body::Stream(payload) => chunked(req, payload),
        };
        actix_web::rt::System::new().block_on(async move {
            let app = atest::init_service(
                App::new()
                    .app_data(state)
                    .route("/upload", web::post().to(upload))
                    .route("/guarded", web::post().to(guarded)),
            )
            .await;
            let resp = atest::call_service(&app, req).await;
            let status = resp.status().as_u16();
            let ct =
                resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
            let body = atest::read_body(resp).await;
            (status, ct, serde_json::from_slice(&body).unwrap_or(Value::Null))
        })
    }
}

/// How a test body is sent.
enum Body {
    /// In one piece, with its `Content-Length`.
    Sized(Vec<u8>),
    /// In 64 KiB chunks without a `Content-Length`, counting the bytes the server pulls.
    Chunked(Vec<u8>, Arc<AtomicU64>),
    /// `Content-Length: n` and a body that panics if read.
    Declared(u64),
    /// This stream, without a `Content-Length`.
    Stream(BoxedPayloadStream),
}

fn chunked_body(bytes: Vec<u8>) -> Body {
    Body::Chunked(bytes, Arc::new(AtomicU64::new(0)))
}

fn pdf(size: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    let footer = b"\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    let fill = size.saturating_sub(v.len() + footer.len());
    v.extend((0..fill).map(|i| b"0123456789 abcdef\n"[i % 18]));
    v.extend_from_slice(footer);
    v
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

struct Part<'a> {
    name: &'a str,
    filename: Option<&'a str>,
    content_type: Option<&'a str>,
    data: &'a [u8],
}

fn meta_part(json: &str) -> Part<'_> {
    Part { name: "meta", filename: None, content_type: Some("application/json"), data: json.as_bytes() }
}

fn file_part<'a>(filename: &'a str, data: &'a [u8]) -> Part<'a> {
    Part { name: "file", filename: Some(filename), content_type: Some("application/pdf"), data }
}

const GOOD_META: &str = r#"{"level": 2, "summary": "诊断摘要"}"#;

fn body(parts: &[Part<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in parts {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", part.name);
        if let Some(filename) = part.filename {
            disposition.push_str(&format!("; filename=\"{filename}\""));
        }
        out.extend_from_slice(disposition.as_bytes());
        out.extend_from_slice(b"\r\n");
        if let Some(ct) = part.content_type {
            out.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(part.data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

fn form_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

fn assert_problem(answer: &(u16, String, Value), status: u16, code: &str) {
    assert_eq!(answer.0, status, "{answer:?}");
    assert_eq!(answer.1, "application/problem+json", "{answer:?}");
    assert_eq!(answer.2["status"], status, "{answer:?}");
    assert_eq!(answer.2["code"], code, "{answer:?}");
}

fn error_fields(answer: &(u16, String, Value)) -> Vec<String> {
    answer.2["errors"]
        .as_array()
        .map(|errors| errors.iter().map(|e| e["field"].as_str().unwrap_or_default().to_string()).collect())
        .unwrap_or_default()
}

support::both_databases! {
    /// A valid PDF lands at its content address with its row; the same content twice is one file;
    /// the download streams it back with the right headers.
    fn a_pdf_is_stored_by_content_and_recorded(url: &str) {
        let env = Env::new(url);
        let user = env.user("uploader");
        let content = pdf(300 * 1024);
        let sha = sha256_hex(&content);
        let meta = format!(r#"{{"level": 3, "summary": "两化融合", "uploaded_by": {user}}}"#);

        let answer = env.call_sized(
            &form_type(),
            body(&[meta_part(&meta), file_part("../../报告/诊断报告\u{202E}.pdf", &content)]),
        );
        assert_eq!(answer.0, 201, "{answer:?}");
        assert_eq!(answer.2["sha256"], sha.as_str());
        assert_eq!(answer.2["size_bytes"], content.len());
        assert_eq!(answer.2["original_name"], "诊断报告.pdf");
        assert_eq!(answer.2["level"], 3);
        assert_eq!(answer.2["summary"], "两化融合");

        let stored = env.files_dir().join(&sha[..2]).join(&sha);
        assert_eq!(std::fs::read(&stored).expect("stored file"), content);
        assert_eq!(env.all_files(), vec![stored.clone()], "only the content address, no staging leftovers");

        let first_id = answer.2["id"].as_i64().expect("id");
        let row = env.find(first_id);
        assert_eq!(row.sha256, sha);
        assert_eq!(row.size_bytes, i64::try_from(content.len()).expect("size"));
        assert_eq!(row.content_type, "application/pdf");
        assert_eq!(row.original_name, "诊断报告.pdf");
        assert_eq!(row.uploaded_by, Some(user));

        // The same content again (other name, meta first or last does not matter): a second row,
        // still one file.
        let again = env.call_sized(
            &form_type(),
            body(&[file_part("copy.pdf", &content), meta_part(r#"{"level": 1, "summary": "x"}"#)]),
        );
        assert_eq!(again.0, 201, "{again:?}");
        assert_eq!(again.2["sha256"], sha.as_str());
        let second_id = again.2["id"].as_i64().expect("id");
        assert_ne!(second_id, first_id);
        assert_eq!(env.find(second_id).uploaded_by, None);
        assert_eq!(env.rows(), 2);
        assert_eq!(env.all_files(), vec![stored.clone()], "identical uploads are stored once");

        // Download.
        let row = env.find(first_id);
        let data_dir = env.data.path().to_path_buf();
        let (headers, downloaded) = actix_web::rt::System::new().block_on(async move {
            let resp = uploads::pdf_response(&data_dir, &row).await.expect("pdf_response");
            assert_eq!(resp.status().as_u16(), 200);
            let headers = resp.headers().clone();
            let bytes = actix_web::body::to_bytes(resp.into_body()).await.expect("body");
            (headers, bytes)
        });
        assert_eq!(downloaded.as_ref(), content.as_slice());
        let h = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        assert_eq!(h(header::CONTENT_TYPE), "application/pdf");
        assert_eq!(
            h(header::CONTENT_DISPOSITION),
            "attachment; filename*=UTF-8''%E8%AF%8A%E6%96%AD%E6%8A%A5%E5%91%8A.pdf"
        );
        assert_eq!(h(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
        assert_eq!(h(header::ETAG), format!("\"{sha}\""));

        // An unknown id is NotFound.
        let mut conn = env.state.pool.get().expect("connection");
        assert!(matches!(uploads::find_file(&mut conn, 999_999), Err(db::RepoError::NotFound)));
    }
}

// The refusals never reach the database, so they run on SQLite only.

fn sqlite_env() -> (support::TestDb, Env) {
    let db = support::TestDb::sqlite();
    let env = Env::new(&db.url);
    (db, env)
}

#[test]
fn exactly_20_mib_is_accepted() {
    let (_db, env) = sqlite_env();
    let content = pdf(20 * MIB);
    assert_eq!(content.len() as u64, PDF_MAX_BYTES);
    let read = Arc::new(AtomicU64::new(0));
    let answer = env.call_chunked(&form_type(), body(&[meta_part(GOOD_META), file_part("big.pdf", &content)]), read);
    assert_eq!(answer.0, 201, "{answer:?}");
    assert_eq!(answer.2["sha256"], sha256_hex(&content).as_str());
}

#[test]
fn a_21_mib_upload_is_413_and_reading_stops_at_the_limit() {
    let (_db, env) = sqlite_env();
    let content = pdf(21 * MIB);
    let body = body(&[meta_part(GOOD_META), file_part("big.pdf", &content)]);
    let total = body.len() as u64;
    let read = Arc::new(AtomicU64::new(0));
    let answer = env.call_chunked(&form_type(), body, Arc::clone(&read));
    assert_problem(&answer, 413, "payload_too_large");
    let read = read.load(Ordering::SeqCst);
    assert!(read <= PDF_MAX_BYTES + 256 * 1024, "stopped reading near the limit, read {read} of {total}");
    env.assert_nothing_stored();
    assert_eq!(env.rows(), 0);
}

#[test]
fn a_body_over_the_limit_is_413_even_in_many_small_parts() {
    // No part is over its own limit; the body as a whole is.
    let (_db, env) = sqlite_env();
    let content = pdf(20 * MIB);
    let filler = vec![b'x'; 60 * 1024];
    let mut parts = vec![meta_part(GOOD_META), file_part("big.pdf", &content)];
    parts.extend((0..20).map(|_| Part { name: "extra", filename: None, content_type: None, data: &filler }));
    let answer = env.call_chunked(&form_type(), body(&parts), Arc::new(AtomicU64::new(0)));
    assert_problem(&answer, 413, "payload_too_large");
    env.assert_nothing_stored();
}

#[test]
fn a_declared_oversize_body_is_413_without_reading_it() {
    let (_db, env) = sqlite_env();
    let declared = 21 * MIB as u64;
    assert_problem(&env.call(&form_type(), Body::Declared(declared)), 413, "payload_too_large");
    // Whatever else is wrong: not multipart, no content type.
    assert_problem(&env.call("application/json", Body::Declared(declared)), 413, "payload_too_large");
    assert_problem(&env.call("", Body::Declared(declared)), 413, "payload_too_large");
    env.assert_nothing_stored();
}

#[test]
fn too_large_wins_over_every_other_problem() {
    let (_db, env) = sqlite_env();
    let big_pdf = pdf(21 * MIB);
    let big_text = vec![b'a'; 21 * MIB];
    let cases: Vec<(&str, String, Vec<u8>)> = vec![
        ("malformed meta", form_type(), body(&[meta_part("{"), file_part("r.pdf", &big_pdf)])),
        (
            "wrong meta field",
            form_type(),
            body(&[meta_part(r#"{"level": "two", "summary": 1}"#), file_part("r.pdf", &big_pdf)]),
        ),
        ("not a pdf", form_type(), body(&[meta_part(GOOD_META), file_part("r.pdf", &big_text)])),
        ("missing meta", form_type(), body(&[file_part("r.pdf", &big_pdf)])),
        (
            "missing file",
            form_type(),
            body(&[meta_part(GOOD_META), Part { name: "other", filename: None, content_type: None, data: &big_text }]),
        ),
        ("file part last after bad meta", form_type(), body(&[meta_part("[1]"), file_part("r.pdf", &big_text)])),
        ("not multipart", "application/json".to_string(), big_text.clone()),
        ("broken framing", form_type(), big_text.clone()),
    ];
    for (what, content_type, body) in cases {
        let declared = env.call_sized(&content_type, body.clone());
        assert_problem(&declared, 413, "payload_too_large");
        let streamed = env.call_chunked(&content_type, body, Arc::new(AtomicU64::new(0)));
        assert_eq!(streamed.0, 413, "{what}: {streamed:?}");
        env.assert_nothing_stored();
    }
}

#[test]
fn a_text_file_named_report_pdf_is_422_not_pdf() {
    let (_db, env) = sqlite_env();
    let text = "这不是 PDF,只是一个名为 report.pdf 的文本文件。\n".repeat(100);
    let form = body(&[meta_part(GOOD_META), file_part("report.pdf", text.as_bytes())]);
    for sent in [Body::Sized(form.clone()), chunked_body(form)] {
        let answer = env.call(&form_type(), sent);
        assert_problem(&answer, 422, "not_pdf");
        assert_eq!(error_fields(&answer), vec!["file"]);
    }
    // Empty, header only, end marker only.
    for content in [&b""[..], b"%PDF-1.7\nno end", b"no header\n%%EOF"] {
        let answer = env.call_sized(&form_type(), body(&[meta_part(GOOD_META), file_part("r.pdf", content)]));
        assert_problem(&answer, 422, "not_pdf");
    }
    env.assert_nothing_stored();
    assert_eq!(env.rows(), 0);
}

#[test]
fn missing_parts_are_422_by_name() {
    let (_db, env) = sqlite_env();
    let content = pdf(4096);

    let no_file = env.call_sized(&form_type(), body(&[meta_part(GOOD_META)]));
    assert_problem(&no_file, 422, "validation_failed");
    assert_eq!(error_fields(&no_file), vec!["file"]);

    let no_meta = env.call_sized(&form_type(), body(&[file_part("r.pdf", &content)]));
    assert_problem(&no_meta, 422, "validation_failed");
    assert_eq!(error_fields(&no_meta), vec!["meta"]);

    let nothing = env.call_sized(&form_type(), body(&[]));
    assert_problem(&nothing, 422, "validation_failed");
    assert_eq!(error_fields(&nothing), vec!["meta", "file"]);

    let unknown = env.call_sized(
        &form_type(),
        body(&[
            meta_part(GOOD_META),
            file_part("r.pdf", &content),
            Part { name: "note", filename: None, content_type: None, data: b"hi" },
        ]),
    );
    assert_problem(&unknown, 422, "validation_failed");
    assert_eq!(error_fields(&unknown), vec!["note"]);

    let twice = env.call_sized(
        &form_type(),
        body(&[meta_part(GOOD_META), file_part("r.pdf", &content), file_part("s.pdf", &content)]),
    );
    assert_problem(&twice, 422, "validation_failed");
    assert_eq!(error_fields(&twice), vec!["file"]);

    env.assert_nothing_stored();
    assert_eq!(env.rows(), 0);
}

#[test]
fn malformed_meta_is_400() {
    let (_db, env) = sqlite_env();
    let content = pdf(4096);
    for meta in ["{", "", "[1, 2]", "\"text\"", "{\"level\": 2,}"] {
        let answer = env.call_sized(&form_type(), body(&[meta_part(meta), file_part("r.pdf", &content)]));
        assert_problem(&answer, 400, "malformed_request");
    }
    // 400 wins over 422 (here: the file is not a PDF either).
    let answer = env.call_sized(&form_type(), body(&[meta_part("{"), file_part("r.pdf", b"text")]));
    assert_problem(&answer, 400, "malformed_request");
    env.assert_nothing_stored();
}

#[test]
fn invalid_meta_fields_are_422_named_under_meta() {
    let (_db, env) = sqlite_env();
    let content = pdf(4096);
    let cases = [
        (r#"{"level": "two", "summary": "s"}"#, "meta.level"),
        (r#"{"level": 300, "summary": "s"}"#, "meta.level"),
        (r#"{"level": 2, "summary": 5}"#, "meta.summary"),
        (r#"{"level": 2}"#, "meta.summary"),
        (r#"{"level": 2, "summary": "s", "extra": 1}"#, "meta.extra"),
    ];
    for (meta, field) in cases {
        let answer = env.call_sized(&form_type(), body(&[meta_part(meta), file_part("r.pdf", &content)]));
        assert_problem(&answer, 422, "validation_failed");
        assert_eq!(error_fields(&answer), vec![field], "{meta}");
    }
    // Both the meta and the file wrong: every field named; the code says the file is not a PDF.
    let answer = env
        .call_sized(&form_type(), body(&[meta_part(r#"{"level": "x", "summary": "s"}"#), file_part("r.pdf", b"text")]));
    assert_problem(&answer, 422, "not_pdf");
    assert_eq!(error_fields(&answer), vec!["meta.level", "file"]);
    env.assert_nothing_stored();
}

#[test]
fn a_request_that_is_not_multipart_is_400() {
    let (_db, env) = sqlite_env();
    for content_type in ["application/json", "text/plain", "multipart/form-data", "multipart/mixed; boundary=x", ""] {
        let answer = env.call_sized(content_type, br#"{"level": 2}"#.to_vec());
        assert_problem(&answer, 400, "malformed_request");
    }
    // Broken framing inside a multipart body.
    let answer = env.call_sized(&form_type(), b"--not-the-boundary\r\nhello".to_vec());
    assert_problem(&answer, 400, "malformed_request");
    env.assert_nothing_stored();
}

#[test]
fn a_connection_lost_mid_file_leaves_nothing_behind() {
    let (_db, env) = sqlite_env();
    let content = pdf(2 * MIB);
    let full = body(&[meta_part(GOOD_META), file_part("r.pdf", &content)]);
    let half: Vec<Bytes> = full[..full.len() / 2].chunks(64 * 1024).map(Bytes::copy_from_slice).collect();
    let broken = stream::iter(half.into_iter().map(Ok).chain(std::iter::once(Err(PayloadError::Incomplete(None)))));
    let answer = env.call(&form_type(), Body::Stream(Box::pin(broken)));
    assert_problem(&answer, 400, "malformed_request");
    env.assert_nothing_stored();
    assert_eq!(env.rows(), 0);
}

#[test]
fn a_handler_that_refuses_after_reading_leaves_nothing_behind() {
    let (_db, env) = sqlite_env();
    let content = pdf(600 * 1024);
    let meta = r#"{"level": 2, "summary": "s", "refuse": true}"#;
    let answer = env.call_sized(&form_type(), body(&[meta_part(meta), file_part("r.pdf", &content)]));
    assert_problem(&answer, 409, "refused");
    env.assert_nothing_stored();
}

/// Over a real socket (HTTP/1.1 via reqwest): a client sending an oversize body, with a
/// `Content-Length` or chunked, receives the 413 (actix closes the connection after it).
#[test]
fn over_real_http_an_oversize_upload_gets_its_413() {
    let (_db, env) = sqlite_env();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let state = env.state.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    let server_thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = actix_web::HttpServer::new(move || {
                App::new().app_data(state.clone()).route("/upload", web::post().to(upload))
            })
            .workers(1)
            .listen(listener)
            .expect("listen")
            .run();
            tx.send(server.handle()).expect("send handle");
            server.await
        })
    });
    let handle = rx.recv().expect("server handle");
    let client =
        reqwest::blocking::Client::builder().timeout(std::time::Duration::from_secs(60)).build().expect("client");
    let url = format!("http://{addr}/upload");
    let big = body(&[meta_part("{"), file_part("big.pdf", &pdf(21 * MIB))]);

    let sized = client.post(&url).header("content-type", form_type()).body(big.clone()).send().expect("sized request");
    assert_eq!(sized.status().as_u16(), 413);
    assert_eq!(sized.json::<Value>().expect("problem")["code"], "payload_too_large");

    let chunked = client
        .post(&url)
        .header("content-type", form_type())
        .body(reqwest::blocking::Body::new(std::io::Cursor::new(big)))
        .send()
        .expect("chunked request");
    assert_eq!(chunked.status().as_u16(), 413);

    let small = body(&[meta_part(GOOD_META), file_part("ok.pdf", &pdf(10_000))]);
    let ok = client.post(&url).header("content-type", form_type()).body(small).send().expect("small request");
    assert_eq!(ok.status().as_u16(), 201);

    actix_web::rt::System::new().block_on(handle.stop(false));
    server_thread.join().expect("server thread").expect("server");
    let stored: Vec<PathBuf> = env.all_files();
    assert_eq!(stored.len(), 1, "only the accepted upload: {stored:?}");
}

#[test]
fn with_the_upload_first_a_declared_oversize_is_413_before_authentication() {
    let (_db, env) = sqlite_env();
    // No token: a declared oversize body is 413 (SPEC §7: whatever else is wrong) without reading it…
    assert_problem(&env.call_at("/guarded", &form_type(), Body::Declared(21 * MIB as u64)), 413, "payload_too_large");
    // …and an acceptable one is 401, staging nothing.
    let small = body(&[meta_part(GOOD_META), file_part("r.pdf", &pdf(400 * 1024))]);
    assert_problem(&env.call_at("/guarded", &form_type(), Body::Sized(small.clone())), 401, "unauthenticated");
    assert_problem(&env.call_at("/guarded", &form_type(), chunked_body(small)), 401, "unauthenticated");
    env.assert_nothing_stored();
}
