//! Uploads: the `meta` JSON + `file` PDF multipart bodies of SPEC §7 (diagnosis reports,
//! acceptance reports), their content-addressed storage, their metadata rows and their download.
//!
//! # Reading a request ([`MetaAndPdf`], [`read_meta_and_pdf`])
//! - Size first: a declared `Content-Length` above [`UploadLimits::body_bytes`] is refused with 413
//!   before one byte of the body is read. While streaming, the raw body is metered and the request
//!   ends with 413 as soon as the running total passes that limit, the `file` part passes
//!   [`UploadLimits::file_bytes`] (20 MiB) or the `meta` part passes [`UploadLimits::meta_bytes`].
//! - 413 wins over every other problem of the request (SPEC §7): when something else is wrong (not
//!   multipart, malformed framing, bad `meta`, not a PDF, a missing or unknown part), the rest of the
//!   body is still read and discarded (bounded by the same limit) and 413 is answered if it turns
//!   out too large; only then the other problem: 400 before 422.
//! - The body is never held in memory: the parser buffers at most 64 KiB, `meta` at most its limit,
//!   and the `file` part goes to a temporary file in `<data dir>/files/.staging/` in 256 KiB writes
//!   on the blocking pool, hashed (SHA-256) as it goes.
//! - `meta` is parsed by [`crate::routes::json::parse`]: malformed → 400; a wrong, unknown or
//!   missing field → 422 naming it `meta.<field>`. A missing `meta` or `file` part, a repeated part
//!   or a part of another name → 422 naming it. Not `multipart/form-data` → 400.
//! - The file is judged by its content only ([`looks_like_pdf`]): a `%PDF-x.y` header starting in
//!   the first 1024 bytes (the PDF specification's own allowance, which also covers a BOM, blank
//!   lines or other leading junk) and `%%EOF` in the last 1024 bytes; otherwise 422
//!   `code: "not_pdf"` with `{field: "file"}`. The client's file name is kept for display only,
//!   sanitised ([`sanitize_original_name`]); its content type is ignored.
//! - Nothing is left behind on refusal: the temporary file is owned by a guard that removes it when
//!   dropped — on every error, on a client that goes away, and when a blocking write finishes after
//!   the request was abandoned.
//!
//! # Storing ([`StagedFile::promote`], [`insert_file`])
//! The bytes live at `<data dir>/files/<first 2 hex of sha256>/<sha256>`: the staged file is synced
//! and renamed there (atomic: the staging directory is on the same file system), then the directory
//! is synced. Identical content is stored once. A handler **promotes before its transaction**, and
//! [`insert_file`] only accepts a [`PromotedFile`], so the order is enforced by the types: a row can
//! never point to a file that is not there. The reverse failure (the transaction fails after the
//! promotion) leaves a file without a row — harmless, content-addressed, reused by the next identical
//! upload. No code deletes stored files, so a promoted file cannot vanish under a concurrent upload.
//!
//! # Downloading ([`pdf_response`])
//! Streams the stored file in 128 KiB reads on the blocking pool, with its exact `Content-Length`,
//! `Content-Type: application/pdf`, `Content-Disposition: attachment; filename*=UTF-8''…`,
//! `X-Content-Type-Options: nosniff`, `Cache-Control: private, no-store` and the SHA-256 as `ETag`.
//!
//! # In a handler
//! ```ignore
//! async fn create_diagnosis(
//!     upload: MetaAndPdf<DiagnosisMeta>, // first: a declared oversize body is 413 before anything else
//!     caller: Caller,                    // a 401/403 still ends the request before the body is read
//!     state: web::Data<AppState>,
//!     path: web::Path<i64>,
//! ) -> Result<HttpResponse, ApiError> {
//!     let MetaAndPdf { meta, file } = upload;
//!     // … role, scope, domain checks (dropping `file` removes the staged copy) …
//!     let file = file.promote().await?; // before the transaction
//!     let row = state
//!         .db(move |conn| {
//!             db::write_transaction(conn, |conn| {
//!                 let stored = uploads::insert_file(conn, &file, Some(caller.user_id), db::now_utc())?;
//!                 // … the diagnosis row naming stored.id, its audit event …
//!             })
//!         })
//!         .await?;
//!     // 201 …
//! }
//! ```

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use actix_multipart::{Field, Multipart};
use actix_web::body::SizedStream;
use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::{self, Bytes};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use dtpilot_api_types::FieldError;
use futures_util::{Stream, StreamExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::db::schema::stored_files;
use crate::db::{DbConn, RepoError};
use crate::error::ApiError;
use crate::routes::json;

/// The one content type stored files have (the content is checked, see [`looks_like_pdf`]).
pub const PDF_CONTENT_TYPE: &str = "application/pdf";

/// SPEC §7: a report PDF is at most 20 MiB.
pub const PDF_MAX_BYTES: u64 = 20 * 1024 * 1024;

/// The `meta` JSON of an upload is small.
pub const META_MAX_BYTES: u64 = 64 * 1024;

/// Room for the multipart framing (boundaries, part headers) on top of the parts themselves.
pub const FRAMING_ALLOWANCE: u64 = 64 * 1024;

/// `%PDF-` must start within this many leading bytes; `%%EOF` must lie within this many trailing bytes.
pub const PDF_SNIFF_WINDOW: usize = 1024;

/// Longest kept original file name, in characters (the `.pdf` suffix included).
pub const MAX_NAME_CHARS: usize = 200;

/// What a nameless upload is called.
pub const DEFAULT_FILE_NAME: &str = "document.pdf";

/// Directory under `<data dir>/files` holding uploads being received (never a 2-hex shard name).
const STAGING_DIR: &str = ".staging";

/// At most this many field errors in one answer.
const MAX_FIELD_ERRORS: usize = 20;

/// Part names quoted in an error are cut to this many characters.
const MAX_SHOWN_NAME_CHARS: usize = 64;

/// Bytes collected before one write to the staging file.
const WRITE_BUFFER: usize = 256 * 1024;

/// Bytes per read when streaming a download.
const READ_CHUNK: u64 = 128 * 1024;

/// `%PDF-` plus `d.d` must fit in the kept head.
const HEAD_KEEP: usize = PDF_SNIFF_WINDOW + 8;

/// Size limits of one upload request. The extractor uses the `UploadLimits` in the app data, or
/// [`UploadLimits::PDF`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    /// The largest accepted `file` part.
    pub file_bytes: u64,
    /// The largest accepted `meta` part.
    pub meta_bytes: u64,
}

impl UploadLimits {
    /// A report: a 20 MiB PDF and 64 KiB of `meta`.
    pub const PDF: UploadLimits = UploadLimits { file_bytes: PDF_MAX_BYTES, meta_bytes: META_MAX_BYTES };

    /// The largest accepted request body: both parts plus [`FRAMING_ALLOWANCE`].
    pub fn body_bytes(&self) -> u64 {
        self.file_bytes.saturating_add(self.meta_bytes).saturating_add(FRAMING_ALLOWANCE)
    }
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits::PDF
    }
}

fn too_large(limit: u64) -> ApiError {
    ApiError::PayloadTooLarge { limit: usize::try_from(limit).unwrap_or(usize::MAX) }
}

// ---------------------------------------------------------------------------------------------
// The file store
// ---------------------------------------------------------------------------------------------

/// The content-addressed file store under `<data dir>/files`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    pub fn new(data_dir: &Path) -> FileStore {
        FileStore { root: data_dir.join("files") }
    }

    /// `<data dir>/files`.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where uploads are received before promotion.
    pub fn staging_dir(&self) -> PathBuf {
        self.root.join(STAGING_DIR)
    }

    /// `<root>/<first 2 hex>/<sha256>`. Only a lower-case hex SHA-256 names a path (500 otherwise:
    /// the value comes from our own rows, never from a client).
    pub fn path_of(&self, sha256: &str) -> Result<PathBuf, ApiError> {
        if !is_sha256_hex(sha256) {
            return Err(ApiError::internal(format!("not a sha256: {sha256:?}")));
        }
        Ok(self.root.join(&sha256[..2]).join(sha256))
    }

    /// Removes staging files older than `older_than` (left by a crash mid-upload); returns how many.
    /// Safe while serving when `older_than` exceeds any upload's duration (an hour is plenty).
    pub fn remove_stale_staging(&self, older_than: Duration) -> io::Result<usize> {
        let dir = self.staging_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        let now = SystemTime::now();
        let mut removed = 0;
        for entry in entries {
            let entry = entry?;
            let meta = entry.metadata()?;
            let age = meta.modified().ok().and_then(|m| now.duration_since(m).ok()).unwrap_or_default();
            if meta.is_file() && age > older_than {
                std::fs::remove_file(entry.path())?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A file in the staging directory, removed when dropped unless promoted. It travels into and out
/// of the blocking closures that write it, so whoever holds it last cleans up.
struct TempFile {
    path: PathBuf,
    file: Option<std::fs::File>,
    keep: bool,
}

impl TempFile {
    fn create(dir: &Path) -> io::Result<TempFile> {
        std::fs::create_dir_all(dir)?;
        let mut attempts = 0;
        loop {
            let path = dir.join(format!("{}.part", hex::encode(rand::random::<[u8; 16]>())));
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => return Ok(TempFile { path, file: Some(file), keep: false }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempts < 3 => attempts += 1,
                Err(e) => return Err(e),
            }
        }
    }

    fn file(&mut self) -> io::Result<&mut std::fs::File> {
        self.file.as_mut().ok_or_else(|| io::Error::other("staging file already closed"))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        drop(self.file.take());
        if !self.keep
            && let Err(e) = std::fs::remove_file(&self.path)
            && e.kind() != io::ErrorKind::NotFound
        {
            tracing::warn!(path = %self.path.display(), error = %e, "cannot remove a staging file");
        }
    }
}

/// Collects the `file` part: keeps the head and tail for the PDF check, counts, and (when `write`)
/// writes to a staging file in [`WRITE_BUFFER`] batches on the blocking pool, hashing as it goes.
struct FileSink {
    staging_dir: PathBuf,
    write: bool,
    head: Vec<u8>,
    tail: Vec<u8>,
    size: u64,
    buffer: Vec<u8>,
    temp: Option<TempFile>,
    hasher: Option<Sha256>,
}

impl FileSink {
    fn new(staging_dir: PathBuf, write: bool) -> FileSink {
        FileSink {
            staging_dir,
            write,
            head: Vec::with_capacity(HEAD_KEEP),
            tail: Vec::with_capacity(PDF_SNIFF_WINDOW),
            size: 0,
            buffer: Vec::new(),
            temp: None,
            hasher: Some(Sha256::new()),
        }
    }

    async fn push(&mut self, chunk: &[u8]) -> Result<(), ApiError> {
        self.size = self.size.saturating_add(chunk.len() as u64);
        if self.head.len() < HEAD_KEEP {
            let take = (HEAD_KEEP - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        keep_tail(&mut self.tail, chunk, PDF_SNIFF_WINDOW);
        if self.write {
            self.buffer.extend_from_slice(chunk);
            if self.buffer.len() >= WRITE_BUFFER {
                self.flush(false).await?;
            }
        }
        Ok(())
    }

    /// Writes the buffer (creating the staging file first if needed); `last` also syncs the file.
    async fn flush(&mut self, last: bool) -> Result<(), ApiError> {
        let temp = self.temp.take();
        let hasher = self.hasher.take();
        let buffer = std::mem::take(&mut self.buffer);
        let dir = self.staging_dir.clone();
        let (temp, hasher, mut buffer) = web::block(move || -> io::Result<_> {
            let mut temp = match temp {
                Some(temp) => temp,
                None => TempFile::create(&dir)?,
            };
            let mut hasher = hasher.unwrap_or_default();
            temp.file()?.write_all(&buffer)?;
            hasher.update(&buffer);
            if last {
                temp.file()?.sync_all()?;
            }
            Ok((temp, hasher, buffer))
        })
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| ApiError::internal(format!("writing an upload to the staging directory: {e}")))?;
        buffer.clear();
        self.temp = Some(temp);
        self.hasher = Some(hasher);
        self.buffer = buffer;
        Ok(())
    }

    fn is_pdf(&self) -> bool {
        looks_like_pdf(&self.head, &self.tail)
    }

    /// The staged file (only for a sink that writes, after the last byte).
    async fn finish(mut self, original_name: String, store: FileStore) -> Result<StagedFile, ApiError> {
        self.flush(true).await?;
        let temp = self.temp.take().ok_or_else(|| ApiError::internal("no staging file"))?;
        let sha256 = hex::encode(self.hasher.take().unwrap_or_default().finalize());
        Ok(StagedFile { temp, sha256, size_bytes: self.size, original_name, store })
    }
}

/// Keeps the last `n` bytes seen in `tail`.
fn keep_tail(tail: &mut Vec<u8>, chunk: &[u8], n: usize) {
    if chunk.len() >= n {
        tail.clear();
        tail.extend_from_slice(&chunk[chunk.len() - n..]);
    } else {
        let excess = (tail.len() + chunk.len()).saturating_sub(n);
        tail.drain(..excess);
        tail.extend_from_slice(chunk);
    }
}

/// An uploaded PDF received into the staging directory: checked, hashed, not yet at its content
/// address. Dropping it removes the staging file.
pub struct StagedFile {
    temp: TempFile,
    sha256: String,
    size_bytes: u64,
    original_name: String,
    store: FileStore,
}

impl std::fmt::Debug for StagedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StagedFile")
            .field("sha256", &self.sha256)
            .field("size_bytes", &self.size_bytes)
            .field("original_name", &self.original_name)
            .finish_non_exhaustive()
    }
}

impl StagedFile {
    /// Lower-case hex SHA-256 of the content.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }

    /// The client's file name, sanitised ([`sanitize_original_name`]); for display only.
    pub fn original_name(&self) -> &str {
        &self.original_name
    }

    /// Moves the file to its content address (or, when identical content is already stored, just
    /// drops the staged copy) durably: file synced, renamed, directory synced. Call it **before** the
    /// transaction that inserts the row ([`insert_file`] takes the [`PromotedFile`] this returns).
    pub async fn promote(self) -> Result<PromotedFile, ApiError> {
        let StagedFile { temp, sha256, size_bytes, original_name, store } = self;
        let target = store.path_of(&sha256)?;
        let size = i64::try_from(size_bytes).map_err(ApiError::internal)?;
        web::block(move || promote_blocking(temp, &target, size_bytes))
            .await
            .map_err(ApiError::internal)?
            .map_err(|e| ApiError::internal(format!("storing an upload: {e}")))?;
        Ok(PromotedFile { sha256, size_bytes: size, original_name })
    }
}

fn promote_blocking(mut temp: TempFile, target: &Path, size: u64) -> io::Result<()> {
    drop(temp.file.take());
    let dir = target.parent().ok_or_else(|| io::Error::other("content address without a directory"))?;
    std::fs::create_dir_all(dir)?;
    if std::fs::metadata(target).is_ok_and(|m| m.is_file() && m.len() == size) {
        // The same content is already stored; `temp` is removed when dropped.
        return Ok(());
    }
    std::fs::rename(&temp.path, target)?;
    temp.keep = true;
    sync_dir(dir)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_: &Path) -> io::Result<()> {
    Ok(())
}

/// A PDF at its content address, ready to be recorded by [`insert_file`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromotedFile {
    sha256: String,
    size_bytes: i64,
    original_name: String,
}

impl PromotedFile {
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    pub fn size_bytes(&self) -> i64 {
        self.size_bytes
    }

    pub fn original_name(&self) -> &str {
        &self.original_name
    }
}

// ---------------------------------------------------------------------------------------------
// Content checks and names
// ---------------------------------------------------------------------------------------------

/// The content check of an uploaded PDF, given its first and last bytes (at least
/// [`PDF_SNIFF_WINDOW`] of each when the file is that long; they may overlap for a short file):
/// a header `%PDF-<digit>.<digit>` starting within the first 1024 bytes (ISO 32000 lets readers
/// accept it there; this covers a BOM, whitespace or other leading bytes) and `%%EOF` within the last
/// 1024 bytes (trailing junk after it is common and tolerated the same way). A sniff, not a parser.
pub fn looks_like_pdf(head: &[u8], tail: &[u8]) -> bool {
    let header_ok = head.windows(8).enumerate().any(|(at, w)| {
        at < PDF_SNIFF_WINDOW
            && w.starts_with(b"%PDF-")
            && w[5].is_ascii_digit()
            && w[6] == b'.'
            && w[7].is_ascii_digit()
    });
    let tail = &tail[tail.len().saturating_sub(PDF_SNIFF_WINDOW)..];
    header_ok && tail.windows(5).any(|w| w == b"%%EOF")
}

/// Whether a character is dropped from a kept file name: control characters and the invisible
/// formatting characters used to disguise names (bidi overrides/isolates, zero-width, BOM).
fn is_hidden_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// The client's file name made safe to keep and show: only the last path component (`/` or `\`),
/// no control or invisible formatting characters, `<>:"|?*` replaced by `_`, no surrounding spaces
/// or trailing dots, at most [`MAX_NAME_CHARS`] characters, always ending in `.pdf` (the content
/// is a PDF). Nothing left → [`DEFAULT_FILE_NAME`]. Never used as a path.
pub fn sanitize_original_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !is_hidden_char(*c))
        .map(|c| if matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') { '_' } else { c })
        .collect();
    let trimmed = cleaned.trim().trim_end_matches(['.', ' ']);
    if trimmed.is_empty() || trimmed.chars().all(|c| c == '.') {
        return DEFAULT_FILE_NAME.to_string();
    }
    let has_pdf_ext =
        trimmed.len() > 4 && trimmed.get(trimmed.len() - 4..).is_some_and(|e| e.eq_ignore_ascii_case(".pdf"));
    let stem = if has_pdf_ext { &trimmed[..trimmed.len() - 4] } else { trimmed };
    let stem: String = stem.chars().take(MAX_NAME_CHARS - 4).collect();
    let stem = stem.trim_end();
    if stem.is_empty() {
        return DEFAULT_FILE_NAME.to_string();
    }
    let ext = if has_pdf_ext { &trimmed[trimmed.len() - 4..] } else { ".pdf" };
    format!("{stem}{ext}")
}

/// `attachment; filename*=UTF-8''<name percent-encoded per RFC 5987/8187>`.
pub fn attachment_disposition(name: &str) -> String {
    let mut out = String::from("attachment; filename*=UTF-8''");
    for b in name.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~')
        {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Reading the request
// ---------------------------------------------------------------------------------------------

/// Meters the raw body shared with the multipart parser, so the rest can be drained after the
/// parser has stopped.
struct BodyMeter<S> {
    stream: Rc<RefCell<S>>,
    seen: Rc<Cell<u64>>,
    limit: u64,
}

/// The raw body as the parser reads it: an overflow error once more than the limit was seen.
struct Metered<S> {
    stream: Rc<RefCell<S>>,
    seen: Rc<Cell<u64>>,
    limit: u64,
}

impl<S> BodyMeter<S>
where
    S: Stream<Item = Result<Bytes, PayloadError>> + Unpin + 'static,
{
    fn new(stream: S, limit: u64) -> Self {
        BodyMeter { stream: Rc::new(RefCell::new(stream)), seen: Rc::new(Cell::new(0)), limit }
    }

    fn metered(&self) -> Metered<S> {
        Metered { stream: Rc::clone(&self.stream), seen: Rc::clone(&self.seen), limit: self.limit }
    }

    fn exceeded(&self) -> bool {
        self.seen.get() > self.limit
    }

    /// Reads and discards the rest of the body (up to just past the limit); true if it was too large.
    async fn drain_exceeds(&self) -> bool {
        let mut rest = self.metered();
        while let Some(item) = rest.next().await {
            if item.is_err() {
                break;
            }
        }
        self.exceeded()
    }
}

impl<S> Stream for Metered<S>
where
    S: Stream<Item = Result<Bytes, PayloadError>> + Unpin,
{
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.seen.get() > this.limit {
            return Poll::Ready(Some(Err(PayloadError::Overflow)));
        }
        let polled = this.stream.borrow_mut().poll_next_unpin(cx);
        match polled {
            Poll::Ready(Some(Ok(bytes))) => {
                let seen = this.seen.get().saturating_add(bytes.len() as u64);
                this.seen.set(seen);
                if seen > this.limit {
                    Poll::Ready(Some(Err(PayloadError::Overflow)))
                } else {
                    Poll::Ready(Some(Ok(bytes)))
                }
            }
            other => other,
        }
    }
}

/// Why reading stopped early.
enum Stop {
    /// A part passed its own limit → 413 at once.
    TooLarge(u64),
    /// The framing or the connection failed (→ 400, or 413 if the body was too large anyway).
    Broken(String),
    /// The server failed (writing the staging file) → that error at once.
    Failed(ApiError),
}

/// What was wrong with an upload besides its size; answered after the body was drained.
#[derive(Default)]
struct Problems {
    malformed: Option<String>,
    fields: Vec<FieldError>,
    not_pdf: bool,
}

impl Problems {
    fn is_empty(&self) -> bool {
        self.malformed.is_none() && self.fields.is_empty()
    }

    /// Records a field error; past [`MAX_FIELD_ERRORS`] they are dropped (a body of many tiny
    /// unknown parts must not grow an unbounded answer).
    fn field(&mut self, field: impl Into<String>, message: impl Into<String>) {
        if self.fields.len() < MAX_FIELD_ERRORS {
            self.fields.push(FieldError { field: field.into(), message: message.into() });
        }
    }

    fn set_malformed(&mut self, message: String) {
        self.malformed.get_or_insert(message);
    }

    /// 400 before 422; `not_pdf` is the 422's code whenever the file failed its check.
    fn into_error(self) -> ApiError {
        if let Some(message) = self.malformed {
            return ApiError::Malformed(message);
        }
        let code = if self.not_pdf { "not_pdf" } else { "validation_failed" };
        let detail = self.fields.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join(";");
        ApiError::Unprocessable { code, detail, errors: self.fields }
    }
}

/// `meta` parsed and `file` staged.
#[derive(Debug)]
pub struct MetaAndPdf<M> {
    pub meta: M,
    pub file: StagedFile,
}

/// 400 unless the request says `multipart/form-data` with a boundary.
fn check_form_data(req: &HttpRequest) -> Result<(), String> {
    let mime = req.mime_type().map_err(|_| "Content-Type 无法解析".to_string())?;
    match mime {
        Some(m)
            if m.type_().as_str() == "multipart"
                && m.subtype().as_str() == "form-data"
                && m.get_param("boundary").is_some_and(|b| !b.as_str().is_empty()) =>
        {
            Ok(())
        }
        _ => Err("请求必须是 multipart/form-data(meta 与 file 两部分)".to_string()),
    }
}

fn declared_length(req: &HttpRequest) -> Option<u64> {
    req.headers().get(header::CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

/// The client's file name of a part (`filename`, else a UTF-8 `filename*`), sanitised.
fn part_file_name(field: &Field) -> String {
    let Some(cd) = field.content_disposition() else {
        return DEFAULT_FILE_NAME.to_string();
    };
    let raw = match (cd.get_filename(), cd.get_filename_ext()) {
        (Some(name), _) => name.to_string(),
        (None, Some(ext)) => String::from_utf8_lossy(&ext.value).into_owned(),
        (None, None) => String::new(),
    };
    sanitize_original_name(&raw)
}

/// The next chunk of a part, counted into `size`; stops with 413 once `size` passes `max`.
async fn next_chunk(field: &mut Field, size: &mut u64, max: u64) -> Result<Option<Bytes>, Stop> {
    match field.next().await {
        None => Ok(None),
        Some(Err(e)) => Err(Stop::Broken(format!("multipart 内容不完整或格式错误({e})"))),
        Some(Ok(chunk)) => {
            *size = size.saturating_add(chunk.len() as u64);
            if *size > max { Err(Stop::TooLarge(max)) } else { Ok(Some(chunk)) }
        }
    }
}

/// A small part (`meta`), collected in memory up to `max` bytes.
async fn collect_part(field: &mut Field, max: u64) -> Result<Vec<u8>, Stop> {
    let mut size = 0;
    let mut bytes = Vec::new();
    while let Some(chunk) = next_chunk(field, &mut size, max).await? {
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// The `file` part into `sink`, up to `max` bytes.
async fn stream_part(field: &mut Field, max: u64, sink: &mut FileSink) -> Result<(), Stop> {
    let mut size = 0;
    while let Some(chunk) = next_chunk(field, &mut size, max).await? {
        sink.push(&chunk).await.map_err(Stop::Failed)?;
    }
    Ok(())
}

/// A refused part, read and discarded (the body limit still applies).
async fn skip_part(field: &mut Field) -> Result<(), Stop> {
    let mut size = 0;
    while next_chunk(field, &mut size, u64::MAX).await?.is_some() {}
    Ok(())
}

/// Reads a `meta` + `file` upload (see the module documentation for every rule), streaming the file
/// into `store`'s staging directory. `payload` is the raw body (`dev::Payload` or `web::Payload`).
pub async fn read_meta_and_pdf<M, S>(
    req: &HttpRequest,
    payload: S,
    store: FileStore,
    limits: UploadLimits,
) -> Result<MetaAndPdf<M>, ApiError>
where
    M: DeserializeOwned,
    S: Stream<Item = Result<Bytes, PayloadError>> + Unpin + 'static,
{
    let body_limit = limits.body_bytes();
    if declared_length(req).is_some_and(|n| n > body_limit) {
        return Err(too_large(limits.file_bytes));
    }
    let meter = BodyMeter::new(payload, body_limit);
    if let Err(message) = check_form_data(req) {
        return Err(if meter.drain_exceeds().await {
            too_large(limits.file_bytes)
        } else {
            ApiError::Malformed(message)
        });
    }

    let mut multipart = Multipart::new(req.headers(), meter.metered());
    let mut problems = Problems::default();
    let mut meta: Option<M> = None;
    let mut meta_seen = false;
    let mut file_sink: Option<(FileSink, String)> = None;

    while let Some(next) = multipart.next().await {
        let mut field = match next {
            Ok(field) => field,
            Err(e) => {
                problems.set_malformed(format!("multipart 格式错误({e})"));
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        let outcome = match name.as_str() {
            "meta" if !meta_seen => {
                meta_seen = true;
                let read = collect_part(&mut field, limits.meta_bytes).await;
                if let Ok(bytes) = &read {
                    match json::parse::<M>(bytes) {
                        Ok(value) => meta = Some(value),
                        Err(ApiError::Unprocessable { errors, .. }) => {
                            for e in errors {
                                problems.field(format!("meta.{}", e.field), e.message);
                            }
                        }
                        Err(ApiError::Malformed(message)) => problems.set_malformed(format!("meta 部分: {message}")),
                        Err(other) => problems.set_malformed(format!("meta 部分: {other}")),
                    }
                }
                read.map(drop)
            }
            "file" if file_sink.is_none() => {
                let mut sink = FileSink::new(store.staging_dir(), problems.is_empty());
                let read = stream_part(&mut field, limits.file_bytes, &mut sink).await;
                file_sink = Some((sink, part_file_name(&field)));
                read
            }
            "meta" | "file" => {
                problems.field(name.clone(), format!("{name} 部分重复"));
                skip_part(&mut field).await
            }
            _ => {
                let shown: String = if name.is_empty() {
                    "(未命名部分)".to_string()
                } else {
                    name.chars().filter(|c| !is_hidden_char(*c)).take(MAX_SHOWN_NAME_CHARS).collect()
                };
                problems.field(shown.clone(), format!("不允许的部分 {shown}(只接受 meta 与 file)"));
                skip_part(&mut field).await
            }
        };
        match outcome {
            Ok(()) => {}
            Err(Stop::TooLarge(limit)) => return Err(too_large(limit)),
            Err(Stop::Failed(e)) => return Err(e),
            Err(Stop::Broken(message)) => {
                if meter.exceeded() {
                    return Err(too_large(limits.file_bytes));
                }
                problems.set_malformed(message);
                break;
            }
        }
    }
    drop(multipart);
    // Whatever else is wrong, a body above the limit is 413 (SPEC §7); the epilogue counts too.
    if meter.drain_exceeds().await {
        return Err(too_large(limits.file_bytes));
    }

    if !meta_seen {
        problems.field("meta", "缺少 meta 部分(JSON)");
    }
    match &file_sink {
        None => problems.field("file", "缺少 file 部分(PDF 文件)"),
        Some((sink, _)) if !sink.is_pdf() => {
            problems.not_pdf = true;
            problems.field("file", "文件不是 PDF(按内容检查:开头须有 %PDF-,末尾须有 %%EOF)");
        }
        Some(_) => {}
    }
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    match (meta, file_sink) {
        (Some(meta), Some((sink, name))) if sink.write => {
            Ok(MetaAndPdf { meta, file: sink.finish(name, store).await? })
        }
        _ => Err(ApiError::internal("upload read without problems but without meta or file")),
    }
}

impl<M: DeserializeOwned + 'static> FromRequest for MetaAndPdf<M> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    /// The store is `<AppState::data_dir>/files`; the limits are the app data's [`UploadLimits`]
    /// or the default. Put this extractor **first** among a handler's arguments: a declared
    /// oversize body then answers 413 before anything else is looked at, while a failing `Caller`
    /// after it still ends the request on the same poll, before the body is read.
    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let store = req.app_data::<web::Data<AppState>>().map(|state| FileStore::new(&state.data_dir));
        let limits = req.app_data::<UploadLimits>().copied().unwrap_or_default();
        let payload = payload.take();
        Box::pin(async move {
            let store = store.ok_or_else(|| ApiError::internal("app state missing"))?;
            read_meta_and_pdf(&req, payload, store, limits).await
        })
    }
}

// ---------------------------------------------------------------------------------------------
// One small file in memory (an import sheet)
// ---------------------------------------------------------------------------------------------

/// The largest import file (an xlsx or csv survey list): 5 MiB holds far more than
/// `dtpilot_domain::import::MAX_ROWS` rows.
pub const SHEET_MAX_BYTES: u64 = 5 * 1024 * 1024;

/// A multipart body of exactly one `file` part, read into memory: the same size rules as
/// [`MetaAndPdf`] (a declared or streamed body above the limit is 413 before anything else; a
/// malformed body 400; a missing, repeated or unknown part 422 naming it). The content is not
/// judged here: the import reads it as xlsx or csv.
#[derive(Debug)]
pub struct SheetFile {
    pub bytes: Vec<u8>,
    /// The client's file name (last path component, without hidden characters), for display.
    pub name: String,
}

fn sheet_file_name(field: &Field) -> String {
    let raw = field
        .content_disposition()
        .and_then(|cd| {
            cd.get_filename()
                .map(str::to_string)
                .or_else(|| cd.get_filename_ext().map(|ext| String::from_utf8_lossy(&ext.value).into_owned()))
        })
        .unwrap_or_default();
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = last.chars().filter(|c| !is_hidden_char(*c)).take(MAX_NAME_CHARS).collect();
    let name = name.trim();
    if name.is_empty() { "import".to_string() } else { name.to_string() }
}

/// Reads a one-part (`file`) multipart body of at most `max_bytes` into memory.
pub async fn read_sheet_file<S>(req: &HttpRequest, payload: S, max_bytes: u64) -> Result<SheetFile, ApiError>
where
    S: Stream<Item = Result<Bytes, PayloadError>> + Unpin + 'static,
{
    let body_limit = max_bytes.saturating_add(FRAMING_ALLOWANCE);
    if declared_length(req).is_some_and(|n| n > body_limit) {
        return Err(too_large(max_bytes));
    }
    let meter = BodyMeter::new(payload, body_limit);
    if let Err(message) = check_form_data(req) {
        return Err(if meter.drain_exceeds().await { too_large(max_bytes) } else { ApiError::Malformed(message) });
    }
    let mut multipart = Multipart::new(req.headers(), meter.metered());
    let mut problems = Problems::default();
    let mut file: Option<SheetFile> = None;
    while let Some(next) = multipart.next().await {
        let mut field = match next {
            Ok(field) => field,
            Err(e) => {
                problems.set_malformed(format!("multipart 格式错误({e})"));
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        let outcome = match name.as_str() {
            "file" if file.is_none() => {
                let read = collect_part(&mut field, max_bytes).await;
                read.map(|bytes| file = Some(SheetFile { bytes, name: sheet_file_name(&field) }))
            }
            "file" => {
                problems.field("file", "file 部分重复");
                skip_part(&mut field).await
            }
            _ => {
                let shown: String = if name.is_empty() {
                    "(未命名部分)".to_string()
                } else {
                    name.chars().filter(|c| !is_hidden_char(*c)).take(MAX_SHOWN_NAME_CHARS).collect()
                };
                problems.field(shown.clone(), format!("不允许的部分 {shown}(只接受 file)"));
                skip_part(&mut field).await
            }
        };
        match outcome {
            Ok(()) => {}
            Err(Stop::TooLarge(limit)) => return Err(too_large(limit)),
            Err(Stop::Failed(e)) => return Err(e),
            Err(Stop::Broken(message)) => {
                if meter.exceeded() {
                    return Err(too_large(max_bytes));
                }
                problems.set_malformed(message);
                break;
            }
        }
    }
    drop(multipart);
    if meter.drain_exceeds().await {
        return Err(too_large(max_bytes));
    }
    if file.is_none() {
        problems.field("file", "缺少 file 部分(xlsx 或 csv 文件)");
    }
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    file.ok_or_else(|| ApiError::internal("sheet read without problems but without a file"))
}

/// A [`SheetFile`] upload as a handler receives it: a body above the limit has already answered
/// 413; any other problem of the body (400, 422) waits in here until the handler has checked the
/// caller's role (SPEC §7 order: 413, 401, 403, then the body).
#[derive(Debug)]
pub struct SheetUpload(pub Result<SheetFile, ApiError>);

impl FromRequest for SheetUpload {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    /// At most [`SHEET_MAX_BYTES`]. Put it first among a handler's arguments, like [`MetaAndPdf`].
    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let payload = payload.take();
        Box::pin(async move {
            match read_sheet_file(&req, payload, SHEET_MAX_BYTES).await {
                Err(e @ ApiError::PayloadTooLarge { .. }) => Err(e),
                other => Ok(SheetUpload(other)),
            }
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

/// The columns of [`StoredFile`], in its field order. (A column tuple rather than `Selectable`:
/// diesel's `SelectBy` in a `RETURNING` clause does not build for a `MultiConnection`.)
const FILE_COLUMNS: (
    stored_files::id,
    stored_files::sha256,
    stored_files::size_bytes,
    stored_files::content_type,
    stored_files::original_name,
    stored_files::uploaded_by,
    stored_files::created_at,
) = (
    stored_files::id,
    stored_files::sha256,
    stored_files::size_bytes,
    stored_files::content_type,
    stored_files::original_name,
    stored_files::uploaded_by,
    stored_files::created_at,
);

/// A row of `stored_files`: the metadata of a stored PDF.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Serialize)]
pub struct StoredFile {
    pub id: i64,
    pub sha256: String,
    pub size_bytes: i64,
    pub content_type: String,
    pub original_name: String,
    pub uploaded_by: Option<i64>,
    /// UTC.
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = stored_files)]
struct NewStoredFile<'a> {
    sha256: &'a str,
    size_bytes: i64,
    content_type: &'a str,
    original_name: &'a str,
    uploaded_by: Option<i64>,
    created_at: NaiveDateTime,
}

/// Records a promoted file (inside the caller's transaction). `at` is UTC (`db::now_utc()`).
pub fn insert_file(
    conn: &mut DbConn,
    file: &PromotedFile,
    uploaded_by: Option<i64>,
    at: NaiveDateTime,
) -> Result<StoredFile, RepoError> {
    let row = NewStoredFile {
        sha256: &file.sha256,
        size_bytes: file.size_bytes,
        content_type: PDF_CONTENT_TYPE,
        original_name: &file.original_name,
        uploaded_by,
        created_at: at,
    };
    Ok(diesel::insert_into(stored_files::table).values(&row).returning(FILE_COLUMNS).get_result::<StoredFile>(conn)?)
}

/// The file row with this id; `RepoError::NotFound` when there is none. Scope is the caller's
/// business: this is reached through the resource (diagnosis, evaluation) that names the file.
pub fn find_file(conn: &mut DbConn, id: i64) -> Result<StoredFile, RepoError> {
    Ok(stored_files::table.find(id).select(FILE_COLUMNS).first::<StoredFile>(conn)?)
}

// ---------------------------------------------------------------------------------------------
// Download
// ---------------------------------------------------------------------------------------------

/// 200 with the stored PDF streamed from `<data_dir>/files/…`. A missing file, or one whose size
/// differs from the row, is a 500 (logged): it must not happen (see the module documentation).
pub async fn pdf_response(data_dir: &Path, file: &StoredFile) -> Result<HttpResponse, ApiError> {
    let path = FileStore::new(data_dir).path_of(&file.sha256)?;
    let expected = u64::try_from(file.size_bytes).map_err(ApiError::internal)?;
    let opened = web::block(move || -> io::Result<std::fs::File> {
        let handle = std::fs::File::open(&path)?;
        let len = handle.metadata()?.len();
        if len != expected {
            return Err(io::Error::other(format!("{}: {len} bytes on disk, {expected} recorded", path.display())));
        }
        Ok(handle)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(|e| ApiError::internal(format!("stored file {} ({}): {e}", file.id, file.sha256)))?;

    let chunks = futures_util::stream::try_unfold((opened, expected), |(mut handle, remaining)| async move {
        if remaining == 0 {
            return Ok(None);
        }
        let want = remaining.min(READ_CHUNK);
        let (handle, chunk) = web::block(move || -> io::Result<_> {
            let mut chunk = vec![0; usize::try_from(want).map_err(io::Error::other)?];
            handle.read_exact(&mut chunk)?;
            Ok((handle, chunk))
        })
        .await
        .map_err(io::Error::other)??;
        Ok::<_, io::Error>(Some((Bytes::from(chunk), (handle, remaining - want))))
    });
    let disposition =
        HeaderValue::from_str(&attachment_disposition(&file.original_name)).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, PDF_CONTENT_TYPE))
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::ETAG, format!("\"{}\"", file.sha256)))
        .body(SizedStream::new(expected, Box::pin(chunks))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdf(body: &[u8]) -> Vec<u8> {
        let mut v = b"%PDF-1.7\n".to_vec();
        v.extend_from_slice(body);
        v.extend_from_slice(b"\n%%EOF\n");
        v
    }

    fn check(bytes: &[u8]) -> bool {
        let head = &bytes[..bytes.len().min(HEAD_KEEP)];
        let mut tail = Vec::new();
        // Feed in odd-sized chunks, as the sink does.
        for chunk in bytes.chunks(333) {
            keep_tail(&mut tail, chunk, PDF_SNIFF_WINDOW);
        }
        looks_like_pdf(head, &tail)
    }

    #[test]
    fn pdfs_are_recognised_by_content() {
        assert!(check(&pdf(b"1 0 obj << >> endobj")));
        assert!(check(b"%PDF-2.0\n%%EOF"));
        // Leading BOM, whitespace or junk within the first 1024 bytes is allowed.
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend(pdf(b"x"));
        assert!(check(&bom));
        let mut junk = vec![b' '; 1015];
        junk.extend(pdf(b"x"));
        assert!(check(&junk));
        // Trailing junk within the last 1024 bytes after %%EOF is allowed.
        let mut trailing = pdf(&[b'x'; 5000]);
        trailing.extend(vec![b'\0'; 1000]);
        assert!(check(&trailing));
    }

    #[test]
    fn non_pdfs_are_refused() {
        assert!(!check(b""));
        assert!(!check(b"hello, this is report.pdf"));
        assert!(!check(b"%PDF-1.7\nno end marker"));
        assert!(!check(b"no header\n%%EOF"));
        assert!(!check(b"%PDF-x.y\n%%EOF"));
        assert!(!check(b"%PDF-\n%%EOF"));
        // The header must start within the first 1024 bytes.
        let mut late = vec![b' '; 1024];
        late.extend(pdf(b"x"));
        assert!(!check(&late));
        // %%EOF must be within the last 1024 bytes.
        let mut early_eof = pdf(b"x");
        early_eof.extend(vec![b' '; 1025]);
        assert!(!check(&early_eof));
        // A big file: only the windows count.
        let mut big = b"%PDF-1.4\n".to_vec();
        big.extend(vec![b'a'; 300_000]);
        assert!(!check(&big));
        big.extend_from_slice(b"%%EOF");
        assert!(check(&big));
    }

    #[test]
    fn tail_keeps_the_last_bytes_across_chunks() {
        let data: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        for size in [1, 7, 1023, 1024, 1025, 4096] {
            let mut tail = Vec::new();
            for chunk in data.chunks(size) {
                keep_tail(&mut tail, chunk, 1024);
            }
            assert_eq!(tail, &data[data.len() - 1024..], "chunk size {size}");
        }
        let mut short = Vec::new();
        keep_tail(&mut short, b"abc", 1024);
        keep_tail(&mut short, b"de", 1024);
        assert_eq!(short, b"abcde");
    }

    #[test]
    fn names_are_sanitised() {
        assert_eq!(sanitize_original_name("report.pdf"), "report.pdf");
        assert_eq!(sanitize_original_name("诊断报告.PDF"), "诊断报告.PDF");
        assert_eq!(sanitize_original_name("../../etc/passwd"), "passwd.pdf");
        assert_eq!(sanitize_original_name("C:\\Users\\张三\\Desktop\\报告.pdf"), "报告.pdf");
        assert_eq!(sanitize_original_name("/abs/path/"), DEFAULT_FILE_NAME);
        assert_eq!(sanitize_original_name(".."), DEFAULT_FILE_NAME);
        assert_eq!(sanitize_original_name("..."), DEFAULT_FILE_NAME);
        assert_eq!(sanitize_original_name(""), DEFAULT_FILE_NAME);
        assert_eq!(sanitize_original_name("   "), DEFAULT_FILE_NAME);
        assert_eq!(sanitize_original_name(".pdf"), ".pdf.pdf");
        assert_eq!(sanitize_original_name("a\r\nb\u{0}c\u{7f}d.pdf"), "abcd.pdf");
        // A right-to-left override cannot disguise the name.
        assert_eq!(sanitize_original_name("report\u{202E}fdp.exe"), "reportfdp.exe.pdf");
        assert_eq!(sanitize_original_name("\u{FEFF}\u{200B}x.pdf"), "x.pdf");
        assert_eq!(sanitize_original_name("a<b>c:d\"e|f?g*h.pdf"), "a_b_c_d_e_f_g_h.pdf");
        assert_eq!(sanitize_original_name("  spaced name .pdf.  "), "spaced name.pdf");
        assert_eq!(sanitize_original_name("report"), "report.pdf");
        // Capped in characters, keeping the extension.
        let long = format!("{}.pdf", "长".repeat(500));
        let kept = sanitize_original_name(&long);
        assert_eq!(kept.chars().count(), MAX_NAME_CHARS);
        assert!(kept.ends_with(".pdf"));
        let long_ascii = "a".repeat(1000);
        assert_eq!(sanitize_original_name(&long_ascii).chars().count(), MAX_NAME_CHARS);
    }

    #[test]
    fn dispositions_are_percent_encoded() {
        assert_eq!(attachment_disposition("report.pdf"), "attachment; filename*=UTF-8''report.pdf");
        assert_eq!(
            attachment_disposition("诊断 报告\"1\".pdf"),
            "attachment; filename*=UTF-8''%E8%AF%8A%E6%96%AD%20%E6%8A%A5%E5%91%8A%221%22.pdf"
        );
        assert_eq!(attachment_disposition("a;b=c%d'e.pdf"), "attachment; filename*=UTF-8''a%3Bb%3Dc%25d%27e.pdf");
    }

    #[test]
    fn only_a_sha256_names_a_path() {
        let store = FileStore::new(Path::new("/data"));
        let sha = "ab".repeat(32);
        assert_eq!(store.path_of(&sha).unwrap(), Path::new("/data/files/ab").join(&sha));
        assert!(store.path_of("../../etc/passwd").is_err());
        assert!(store.path_of(&"AB".repeat(32)).is_err());
        assert!(store.path_of(&"ab".repeat(31)).is_err());
        assert!(store.path_of("").is_err());
    }

    #[test]
    fn limits_leave_room_for_meta_and_framing() {
        let limits = UploadLimits::default();
        assert_eq!(limits.file_bytes, 20 * 1024 * 1024);
        assert!(limits.body_bytes() > limits.file_bytes + limits.meta_bytes);
        assert!(limits.body_bytes() < 21 * 1024 * 1024);
    }
}
