//! Black-box: access that can be trusted (SPEC §9.2), over HTTP on SQLite and PostgreSQL, against
//! the real binary.
//!
//! - hostile imports, built here byte by byte: an xlsx of 2 KB declaring (and holding a cell at)
//!   `A1:XFD1048576`, a shared-strings table declaring 4,000,000,000 entries, zip entries that
//!   expand beyond 50 MiB (declared so, or lying about it), cells beyond row 5,001 that no
//!   dimension declares, one long string repeated in every cell, a styles table of 100,000 formats,
//!   and csv files of 5 MiB of newlines or of commas: each answers 422 (`too_many_rows` or
//!   `file_too_large`, a Chinese message, nothing imported), `/healthz` answers after each, the
//!   server's resident memory (`/proc/<pid>/status`) grows by less than 150 MiB, and a valid file
//!   still imports afterwards;
//! - security headers on every answer (`/healthz`, an API answer, an error, the SPA or its
//!   "not built" page, a static file, the Swagger UI page), a CSP on HTML answers that their own
//!   markup keeps to (no inline script or style), HSTS only with `--hsts`;
//! - spreadsheet cells that could become formulas come back from the exports as their literal text,
//!   written with Excel's quote prefix and never as a formula;
//! - `serve --demo` refuses a non-loopback address unless `--demo-public` is given.

#[path = "common/server.rs"]
mod server;
#[path = "support/mod.rs"]
mod support;
#[path = "common/world.rs"]
mod world;

use std::io::{BufRead, BufReader, Cursor, Read, Write};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use calamine::{Data, Reader, Xlsx};
use reqwest::blocking::{Response, multipart};
use serde_json::json;
use server::Server;
use world::{World, enterprise_body, problem, uscc};

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const MIB: usize = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Hostile files
// ---------------------------------------------------------------------------------------------

/// The parts of a minimal workbook around `sheet` (the worksheet XML), with a shared-strings
/// table and a styles part when given.
fn workbook_parts(sheet: &str, shared_strings: Option<&str>, styles: Option<&str>) -> Vec<(String, Vec<u8>)> {
    let mut rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>"#
    );
    if shared_strings.is_some() {
        rels.push_str(&format!(
            r#"<Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>"#
        ));
    }
    if styles.is_some() {
        rels.push_str(&format!(r#"<Relationship Id="rId3" Type="{REL_NS}/styles" Target="styles.xml"/>"#));
    }
    rels.push_str("</Relationships>");
    let mut parts = vec![
        (
            "[Content_Types].xml".to_string(),
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.as_bytes().to_vec(),
        ),
        (
            "_rels/.rels".to_string(),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#).into_bytes(),
        ),
        (
            "xl/workbook.xml".to_string(),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets><sheet name="企业名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#).into_bytes(),
        ),
        ("xl/_rels/workbook.xml.rels".to_string(), rels.into_bytes()),
        ("xl/worksheets/sheet1.xml".to_string(), sheet.as_bytes().to_vec()),
    ];
    if let Some(sst) = shared_strings {
        parts.push(("xl/sharedStrings.xml".to_string(), sst.as_bytes().to_vec()));
    }
    if let Some(styles) = styles {
        parts.push(("xl/styles.xml".to_string(), styles.as_bytes().to_vec()));
    }
    parts
}

/// A zip of `parts`, each deflated (as Excel writes them).
fn zip_of(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    for (name, bytes) in parts {
        zip.start_file(name.as_str(), options).expect("zip entry");
        zip.write_all(bytes).expect("zip write");
    }
    zip.finish().expect("zip").into_inner()
}

fn worksheet(dimension: Option<&str>, rows: &str) -> String {
    let dimension = dimension.map(|d| format!(r#"<dimension ref="{d}"/>"#)).unwrap_or_default();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">{dimension}<sheetData>{rows}</sheetData></worksheet>"#
    )
}

/// The letters of column `c` (from 0).
fn column(c: u32) -> String {
    let mut n = c + 1;
    let mut out = Vec::new();
    while n > 0 {
        out.push(char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

fn inline(cell: &str, text: &str) -> String {
    format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// Sets the uncompressed size that the local and the central header of entry `name` declare.
fn declare_size(zip: &mut [u8], name: &str, size: u32) {
    let mut patched = 0;
    for i in 0..zip.len().saturating_sub(46) {
        // (offset of the name length, of the name, of the uncompressed size)
        let (len_at, name_at, size_at) = match &zip[i..i + 4] {
            b"PK\x03\x04" => (i + 26, i + 30, i + 22),
            b"PK\x01\x02" => (i + 28, i + 46, i + 24),
            _ => continue,
        };
        let len = usize::from(u16::from_le_bytes([zip[len_at], zip[len_at + 1]]));
        if zip.get(name_at..name_at + len) == Some(name.as_bytes()) {
            zip[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "both headers of {name}");
}

struct Hostile {
    what: &'static str,
    name: &'static str,
    bytes: Vec<u8>,
    /// The expected `code` (alternatives separated by `|`).
    code: &'static str,
}

/// Every hostile file, built once for the whole test binary.
fn hostile_files() -> &'static [Hostile] {
    static FILES: OnceLock<Vec<Hostile>> = OnceLock::new();
    FILES.get_or_init(|| {
        let header = inline("A1", "企业名称");
        let mut files = Vec::new();

        // A sheet declaring the whole grid and holding a cell at each corner: a dense range of
        // 17 billion cells for a reader that trusts it.
        let sheet = worksheet(
            Some("A1:XFD1048576"),
            &format!(r#"<row r="1">{header}</row><row r="1048576">{}</row>"#, inline("XFD1048576", "x")),
        );
        let bytes = zip_of(&workbook_parts(&sheet, None, None));
        assert!(bytes.len() < 4096, "a small file: {} bytes", bytes.len());
        files.push(Hostile { what: "A1:XFD1048576", name: "dimension.xlsx", bytes, code: "too_many_rows" });

        // A shared-strings table declaring four billion entries (the reader reserves room for them).
        let sst = format!(r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="4000000000" uniqueCount="4000000000"><si><t>企业名称</t></si></sst>"#);
        let sheet = worksheet(Some("A1"), r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
        let bytes = zip_of(&workbook_parts(&sheet, Some(&sst), None));
        assert!(bytes.len() < 4096, "a small file: {} bytes", bytes.len());
        files.push(Hostile { what: "shared strings declaring 4e9 entries", name: "sst.xlsx", bytes, code: "file_too_large" });

        // A worksheet that expands to 60 MiB (of spaces, which deflate to ~60 KB): declared so,
        // and the same entry declaring 1,000 bytes.
        let sheet = worksheet(None, &format!(r#"<row r="1">{header}</row>{}"#, " ".repeat(60 * MIB)));
        let honest = zip_of(&workbook_parts(&sheet, None, None));
        drop(sheet);
        assert!(honest.len() < MIB, "{} bytes", honest.len());
        let mut liar = honest.clone();
        declare_size(&mut liar, "xl/worksheets/sheet1.xml", 1000);
        files.push(Hostile { what: "an entry of 60 MiB", name: "bomb.xlsx", bytes: honest, code: "file_too_large" });
        files.push(Hostile { what: "an entry of 60 MiB declaring 1,000 bytes", name: "liar.xlsx", bytes: liar, code: "file_too_large" });

        // A cell far below row 5,001 that no dimension declares.
        let sheet = worksheet(None, &format!(r#"<row r="1">{header}</row><row r="900000">{}</row>"#, inline("B900000", "x")));
        files.push(Hostile { what: "a cell at row 900,000", name: "far.xlsx", bytes: zip_of(&workbook_parts(&sheet, None, None)), code: "too_many_rows" });

        // Cell references that overflow a 32-bit column, a dimension backwards: malformed (calamine
        // computes with them: a panic in debug builds, column 83,928,022 in release builds).
        let sheet = worksheet(None, &format!(r#"<row r="1">{header}{}</row>"#, inline("AAAAAAAAAAAAAAAAAAAA1", "x")));
        files.push(Hostile { what: "a reference past column XFD", name: "ref.xlsx", bytes: zip_of(&workbook_parts(&sheet, None, None)), code: "invalid_file" });
        let sheet = worksheet(Some("B2:A1"), &format!(r#"<row r="1">{header}</row>"#));
        files.push(Hostile { what: "a dimension B2:A1", name: "backwards.xlsx", bytes: zip_of(&workbook_parts(&sheet, None, None)), code: "invalid_file" });

        // One string of 1 MiB in 5,000 cells: 5 GB once each cell holds its copy.
        let sst = format!(r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="5001" uniqueCount="2"><si><t>企业名称</t></si><si><t>{}</t></si></sst>"#, "a".repeat(MIB));
        let mut rows = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#.to_string();
        for r in 2..=5001 {
            rows.push_str(&format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>1</v></c></row>"#));
        }
        let sheet = worksheet(Some("A1:A5001"), &rows);
        files.push(Hostile { what: "a 1 MiB string in 5,000 cells", name: "long.xlsx", bytes: zip_of(&workbook_parts(&sheet, Some(&sst), None)), code: "file_too_large" });

        // A styles part of 100,000 cell formats (each a large structure once read).
        let styles = format!(r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN_NS}"><cellXfs count="100000">{}</cellXfs></styleSheet>"#, "<xf/>".repeat(100_000));
        let sheet = worksheet(Some("A1"), &format!(r#"<row r="1">{header}</row>"#));
        files.push(Hostile { what: "100,000 cell formats", name: "styles.xlsx", bytes: zip_of(&workbook_parts(&sheet, None, Some(&styles))), code: "file_too_large" });

        // The largest sheet accepted: 5,001 rows of 64 cells, each a distinct shared string of 40
        // bytes (read whole; then its headers are not the template's).
        let mut sst = format!(r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="320064" uniqueCount="320064">"#);
        let mut rows = String::new();
        for r in 1..=5001u32 {
            rows.push_str(&format!(r#"<row r="{r}">"#));
            for c in 0..64u32 {
                let i = (r - 1) * 64 + c;
                sst.push_str(&format!("<si><t>{i:040}</t></si>"));
                rows.push_str(&format!(r#"<c r="{}{r}" t="s"><v>{i}</v></c>"#, column(c)));
            }
            rows.push_str("</row>");
        }
        sst.push_str("</sst>");
        let bytes = zip_of(&workbook_parts(&worksheet(Some("A1:BL5001"), &rows), Some(&sst), None));
        assert!(bytes.len() < 5 * MIB, "{} bytes", bytes.len());
        files.push(Hostile { what: "5,001 x 64 distinct strings (accepted)", name: "full.xlsx", bytes, code: "import_invalid" });

        // 5 MiB of newlines (five million rows) and 5 MiB of commas (five million columns).
        files.push(Hostile { what: "5 MiB of newlines", name: "newlines.csv", bytes: vec![b'\n'; 5 * MIB], code: "too_many_rows" });
        let mut commas = "企业名称".as_bytes().to_vec();
        commas.resize(5 * MIB, b',');
        files.push(Hostile { what: "5 MiB of commas", name: "commas.csv", bytes: commas, code: "too_many_rows" });
        files
    })
}

fn upload(w: &World, token: &str, name: &str, bytes: Vec<u8>) -> Response {
    let form = multipart::Form::new().part("file", multipart::Part::bytes(bytes).file_name(name.to_string()));
    let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(120)).build().expect("client");
    client.post(w.url("/imports/enterprises")).bearer_auth(token).multipart(form).send().expect("upload")
}

/// A line of `/proc/<pid>/status` in KiB (`VmRSS:`, `VmHWM:`).
fn status_kib(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the server's /proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {key} in {status}"))
}

fn healthy(w: &World) -> bool {
    w.server.get("/healthz").is_ok_and(|r| r.status().as_u16() == 200)
}

/// A valid survey list of one row (csv).
fn valid_csv(n: u32) -> Vec<u8> {
    let header = "企业名称,统一社会信用代码,县区,行业,是否规上企业,从业人员(人),上年营业收入(元),是否专精特新“小巨人”,是否不享受中央资金,联系人,联系电话";
    let code = uscc(&format!("91140400MA0W{n:05}"));
    format!("{header}\r\n安全测试企业{n}有限公司,{code},潞州区,智能电力设备制造业,是,120,30000000.00,否,否,王工,13900000000\r\n").into_bytes()
}

support::both_databases! {
    fn hostile_imports_answer_422_in_bounded_memory_and_the_server_keeps_serving(url: &str) {
        let files = hostile_files();
        let w = World::new(url);
        let city = w.user("city", "city", json!({}));
        let pid = w.server.pid();
        let count = || w.get_json("/enterprises?per_page=1", &city)["total"].as_i64().expect("total");
        assert_eq!(count(), 0);
        // Warm up the import path (and the allocator) with a file it refuses, then measure from
        // here: the peak resident memory is reset where the kernel allows it.
        let (status, _, _) = problem(upload(&w, &city, "x.csv", b"a,b\n".to_vec()));
        assert_eq!(status, 422);
        let reset = std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok();
        let before = status_kib(pid, "VmRSS:");
        println!("SECURITY resident memory before: {} MiB (peak reset: {reset})", before / 1024);
        for f in files {
            let started = std::time::Instant::now();
            let resp = upload(&w, &city, f.name, f.bytes.clone());
            let elapsed = started.elapsed();
            assert!(healthy(&w), "the server stopped answering after {}", f.what);
            let (status, code, body) = problem(resp);
            assert_eq!(status, 422, "{}: {body}", f.what);
            assert!(f.code.split('|').any(|c| c == code), "{}: {code}, not {}: {body}", f.what, f.code);
            let message = body["errors"][0]["message"].as_str().unwrap_or_default();
            assert!(message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{}: not Chinese: {body}", f.what);
            if f.code != "import_invalid" {
                assert_eq!(body["errors"][0]["field"], "file", "{}: {body}", f.what);
            }
            let peak = status_kib(pid, "VmHWM:");
            println!(
                "SECURITY {:<40} {:>5} KiB  {status} {code:<15} {:>6} ms  peak RSS +{} MiB",
                f.what,
                f.bytes.len() / 1024,
                elapsed.as_millis(),
                peak.saturating_sub(before) / 1024
            );
        }
        let grown = status_kib(pid, "VmHWM:").saturating_sub(before) / 1024;
        assert!(grown < 150, "the server's resident memory grew by {grown} MiB");
        assert_eq!(count(), 0, "nothing imported");
        // Still serving, and a valid file still imports.
        let resp = upload(&w, &city, "ok.csv", valid_csv(1));
        assert_eq!(resp.status().as_u16(), 201, "{}", resp.text().unwrap_or_default());
        assert_eq!(count(), 1);
    }
}

// ---------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------

fn header(resp: &Response, name: &str) -> Option<String> {
    resp.headers().get(name).map(|v| v.to_str().expect("ascii header").to_string())
}

/// The headers every answer carries; for HTML, the CSP and its directives.
fn assert_secured(resp: &Response, what: &str, html: bool) {
    assert_eq!(header(resp, "x-content-type-options").as_deref(), Some("nosniff"), "{what}");
    assert_eq!(header(resp, "referrer-policy").as_deref(), Some("no-referrer"), "{what}");
    assert_eq!(header(resp, "x-frame-options").as_deref(), Some("DENY"), "{what}");
    let csp = header(resp, "content-security-policy");
    if html {
        let csp = csp.unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"));
        for directive in ["default-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "'wasm-unsafe-eval'"] {
            assert!(csp.contains(directive), "{what}: {directive} missing from {csp}");
        }
        assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"), "{what}: {csp}");
    }
}

/// An HTML page keeps to that CSP: every script is a file of this origin, no inline script,
/// no inline style, no event-handler attribute, nothing from elsewhere.
fn assert_no_inline_code(html: &str, what: &str) {
    for (i, tag) in html.split("<script").skip(1).enumerate() {
        let open = tag.split('>').next().unwrap_or_default();
        assert!(open.contains("src="), "{what}: inline script #{i}: <script{open}>");
    }
    assert!(!html.contains("<style") && !html.contains(" style="), "{what}: inline style");
    assert!(!html.contains(" onload=") && !html.contains(" onclick="), "{what}: event handler attribute");
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"), "{what}: loads from elsewhere");
}

support::both_databases! {
    fn every_answer_carries_the_security_headers_and_hsts_only_when_asked(url: &str) {
        // A static dir like the built frontend's: index.html loads its script from a file.
        let spa = tempfile::tempdir().expect("dir");
        std::fs::write(spa.path().join("index.html"), "<!doctype html><html><head><script type=\"module\" src=\"/boot.js\"></script></head><body></body></html>").expect("write");
        std::fs::write(spa.path().join("boot.js"), "console.log(1)").expect("write");
        let static_dir = spa.path().to_str().expect("utf-8 path").to_string();
        let w = World::start_with(url, &["--static-dir", &static_dir]);
        let get = |path: &str| w.server.get(path).expect("get");

        let health = get("/healthz");
        assert_eq!(health.status().as_u16(), 200);
        assert_secured(&health, "/healthz", false);
        assert_eq!(header(&health, "strict-transport-security"), None, "no HSTS without --hsts");
        let api = w.get("/enterprises", &w.admin);
        assert_eq!(api.status().as_u16(), 200);
        assert_secured(&api, "an API answer", false);
        let denied = get("/api/v1/enterprises");
        assert_eq!(denied.status().as_u16(), 401);
        assert_secured(&denied, "a 401", false);
        let missing = get("/api/v1/nothing-here");
        assert_eq!(missing.status().as_u16(), 404);
        assert_secured(&missing, "a 404", false);
        let bad = w.server.post_raw("/api/v1/auth/login", b"{not json".to_vec());
        assert_eq!(bad.status().as_u16(), 400);
        assert_secured(&bad, "a 400", false);

        let page = get("/");
        assert_eq!(page.status().as_u16(), 200);
        assert_secured(&page, "the SPA", true);
        assert_no_inline_code(&page.text().expect("html"), "the SPA");
        let deep = get("/projects/1");
        assert_secured(&deep, "a deep link of the SPA", true);
        let script = get("/boot.js");
        assert_eq!(script.status().as_u16(), 200);
        assert_secured(&script, "a static script", false);

        let docs = get("/api/docs");
        assert_eq!(docs.status().as_u16(), 200, "followed to /api/docs/");
        assert_secured(&docs, "the Swagger UI page", true);
        let docs_csp = header(&docs, "content-security-policy").unwrap_or_default();
        assert!(docs_csp.contains("style-src 'self' 'sha256-"), "only the Swagger UI's own style element: {docs_csp}");
        assert_no_inline_code(&docs.text().expect("html"), "the Swagger UI page");
        let init = get("/api/docs/swagger-initializer.js");
        assert_eq!(init.status().as_u16(), 200);
        assert_secured(&init, "the Swagger UI's script", false);
        assert_secured(&get("/api/openapi.json"), "the OpenAPI document", false);

        // Without the frontend: the "not built" page is HTML under the same policy.
        let bare = Server::start_with(url, &["--static-dir", "/nonexistent-dtpilot-dist", "--hsts"]);
        let page = bare.get("/").expect("get");
        assert_secured(&page, "the not-built page", true);
        assert_no_inline_code(&page.text().expect("html"), "the not-built page");
        for path in ["/healthz", "/api/v1/nothing-here", "/"] {
            let resp = bare.get(path).expect("get");
            assert_eq!(header(&resp, "strict-transport-security").as_deref(), Some("max-age=31536000"), "--hsts: {path}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Formula cells in the exports
// ---------------------------------------------------------------------------------------------

/// The text of `entry` in the zip `bytes`.
fn zip_entry(bytes: &[u8], entry: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut file = zip.by_name(entry).expect("entry");
    let mut text = String::new();
    file.read_to_string(&mut text).expect("utf-8");
    text
}

/// The value of `attr` in the first `<tag …>` of `xml` whose attributes contain `having`.
fn attr_of(xml: &str, tag: &str, having: &str, attr: &str) -> Option<String> {
    xml.split(&format!("<{tag} "))
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or_default())
        .find(|t| t.contains(having))
        .and_then(|t| {
            t.split(&format!("{attr}=\"")).nth(1).map(|v| v.split('"').next().unwrap_or_default().to_string())
        })
}

/// Whether cell `cell` of the sheet XML is written with a quote-prefixed style and no formula.
fn quoted_text_cell(sheet_xml: &str, styles_xml: &str, cell: &str) -> bool {
    let Some(style) = attr_of(sheet_xml, "c", &format!("r=\"{cell}\""), "s") else { return false };
    let index: usize = style.parse().expect("style index");
    let cell_xfs = styles_xml.split("<cellXfs").nth(1).expect("cellXfs").split("</cellXfs>").next().expect("end");
    let xf = cell_xfs.split("<xf ").nth(index + 1).expect("the cell's xf");
    let xf = xf.split("</xf>").next().unwrap_or(xf);
    xf.contains("quotePrefix=\"1\"")
}

support::both_databases! {
    fn cells_that_could_be_formulas_come_back_as_quoted_text(url: &str) {
        let w = World::new(url);
        let city = w.user("city", "city", json!({}));
        let county = w.user("county", "county", json!({"county": "luzhou"}));
        let batch = json!({"number": 1, "name": "=1+1批次", "diagnosis_due": "2030-01-01", "retrofit_due": "2030-06-01",
            "acceptance_start": "2030-06-10", "acceptance_end": "2030-08-01"});
        let batch = w.ok("/batches", &city, &batch, 201)["id"].as_i64().expect("id");
        let names = ["=HYPERLINK(\"http://evil.example\",\"点击\")", "+1+1", "-2+3", "@SUM(1,2)", "普通企业有限公司"];
        let mut ids = Vec::new();
        for (n, name) in names.iter().enumerate() {
            let mut body = enterprise_body(u32::try_from(n).expect("n") + 1, "luzhou");
            body["name"] = json!(name);
            ids.push(w.ok("/enterprises", &county, &body, 201)["id"].as_i64().expect("id"));
        }
        w.ok(&format!("/batches/{batch}/enterprises"), &city, &json!({"enterprise_ids": ids}), 200);

        let resp = w.get(&format!("/batches/{batch}/progress?format=xlsx"), &city);
        assert_eq!(resp.status().as_u16(), 200);
        let bytes = resp.bytes().expect("xlsx").to_vec();
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).expect("xlsx");
        let range = book.worksheet_range_at(0).expect("a sheet").expect("readable");
        let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
        assert!(rows[0][0].to_string().starts_with("=1+1批次推进情况"), "the title as its text: {:?}", rows[0][0]);
        let exported: Vec<String> = rows[2..].iter().map(|r| r[1].to_string()).collect();
        let mut expected: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        expected.sort();
        let mut got = exported.clone();
        got.sort();
        assert_eq!(got, expected, "the names as their literal text");
        // Never a formula; each risky cell (and the title) quote-prefixed, the plain one not.
        let sheet = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
        let styles = zip_entry(&bytes, "xl/styles.xml");
        assert!(!sheet.contains("<f>") && !sheet.contains("<f "), "a formula in {sheet}");
        assert!(quoted_text_cell(&sheet, &styles, "A1"), "the title starts with '='");
        for (i, name) in exported.iter().enumerate() {
            let cell = format!("B{}", i + 3);
            assert_eq!(quoted_text_cell(&sheet, &styles, &cell), name != "普通企业有限公司", "{cell} {name}");
        }
        // Ids stay numbers.
        assert!(matches!(rows[2][0], Data::Float(_) | Data::Int(_)), "{:?}", rows[2][0]);
    }
}

// ---------------------------------------------------------------------------------------------
// --demo on a public address
// ---------------------------------------------------------------------------------------------

support::both_databases! {
    fn demo_refuses_a_public_address_unless_demo_public(url: &str) {
        let data = tempfile::tempdir().expect("dir");
        let serve = |extra: &[&str]| {
            Command::new(server::binary())
                .args(["serve", "--database-url", url, "--pool-size", "2", "--static-dir", "/nonexistent-dtpilot-dist"])
                .arg("--data-dir")
                .arg(data.path())
                .args(extra)
                .env("DTPILOT_LOG", "warn")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start dtpilot")
        };
        let out = serve(&["--demo", "--bind", "0.0.0.0:0"]).wait_with_output().expect("wait");
        assert!(!out.status.success(), "--demo on 0.0.0.0 must not start");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("--demo-public") && stderr.contains("0.0.0.0"), "{stderr}");
        let args = ["create-user", "--database-url", url, "--username", "root", "--role", "admin", "--password-stdin"];
        let (ok, stdout, err) = server::run_cli(&args, data.path(), &format!("{}\n", world::PW));
        assert!(ok, "{stdout} {err}");

        // Loopback is fine; a public address with --demo-public too (the database has a user, so
        // no demo is generated and it starts at once).
        for bind in ["127.0.0.1:0", "0.0.0.0:0"] {
            let extra: &[&str] = if bind.starts_with("127.") { &["--demo", "--bind", bind] } else { &["--demo", "--demo-public", "--bind", bind] };
            let mut child = serve(extra);
            let stdout = child.stdout.take().expect("stdout");
            let mut listening = None;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(addr) = line.strip_prefix("dtpilot listening on ") {
                    listening = Some(addr.to_string());
                    break;
                }
            }
            let addr = listening.unwrap_or_else(|| {
                let _ = child.kill();
                let mut err = String::new();
                let _ = child.stderr.take().map(|mut e| e.read_to_string(&mut err));
                panic!("{bind}: did not start: {err}")
            });
            let port = addr.rsplit(':').next().expect("port");
            let health = server::client().get(format!("http://127.0.0.1:{port}/healthz")).send().expect("healthz");
            assert_eq!(health.status().as_u16(), 200, "{bind}");
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
