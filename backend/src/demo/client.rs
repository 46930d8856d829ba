//! The in-process HTTP client the demo drives the application with, and the PDFs it uploads.

use std::cell::Cell;
use std::fmt::Write as _;

use actix_web::http::{Method, header};
use actix_web::test::TestRequest;
use actix_web::web::Bytes;
use futures_util::future::{LocalBoxFuture, join_all};
use serde_json::{Value, json};

use super::*;

// ---------------------------------------------------------------------------------------------
// A small one-page PDF (real structure, ASCII text)
// ---------------------------------------------------------------------------------------------

pub(super) fn pdf(title: &str, lines: &[String]) -> Vec<u8> {
    pub(super) fn esc(s: &str) -> String {
        s.chars()
            .filter(char::is_ascii)
            .flat_map(|c| if matches!(c, '(' | ')' | '\\') { vec!['\\', c] } else { vec![c] })
            .collect()
    }
    let mut content = format!("BT /F1 18 Tf 56 780 Td ({}) Tj ET\n", esc(title));
    for (i, line) in lines.iter().enumerate() {
        let _ = writeln!(content, "BT /F1 11 Tf 56 {} Td ({}) Tj ET", 748 - 18 * i, esc(line));
    }
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    let mut tail = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        let _ = writeln!(tail, "{offset:010} 00000 n ");
    }
    let _ = write!(tail, "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1);
    out.extend_from_slice(tail.as_bytes());
    out
}

// ---------------------------------------------------------------------------------------------
// Talking to the application in-process
// ---------------------------------------------------------------------------------------------

pub(super) type Reply = Result<(u16, Bytes), String>;
pub(super) type Send = Box<dyn Fn(TestRequest) -> LocalBoxFuture<'static, Reply>>;

pub(super) enum Body<'a> {
    Empty,
    Json(&'a Value),
    Multipart { meta: &'a Value, file_name: &'a str, pdf: Vec<u8> },
}

pub(super) const BOUNDARY: &str = "dtpilot-demo-7c1f0b9e4a";

pub(super) fn multipart(meta: &Value, file_name: &str, pdf: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{meta}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(pdf);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// The application, called in-process.
pub(super) struct Api {
    pub(super) send: Send,
    pub(super) requests: Cell<usize>,
}

impl Api {
    pub(super) async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Body<'_>,
    ) -> Result<(u16, Value), String> {
        let mut req = TestRequest::default().method(method).uri(&format!("/api/v1{path}"));
        if let Some(token) = token {
            req = req.insert_header((header::AUTHORIZATION, format!("Bearer {token}")));
        }
        req = match body {
            Body::Empty => req,
            Body::Json(v) => req.set_json(v),
            Body::Multipart { meta, file_name, pdf } => req
                .insert_header((header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}")))
                .set_payload(multipart(meta, file_name, &pdf)),
        };
        self.requests.set(self.requests.get() + 1);
        let (status, bytes) = (self.send)(req).await?;
        let value = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        Ok((status, value))
    }

    /// `method path` answering `want`, else an error naming the request and the answer.
    pub(super) async fn expect(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Body<'_>,
        want: u16,
    ) -> Result<Value, String> {
        let (status, value) = self.call(method.clone(), path, Some(token), body).await?;
        if status == want { Ok(value) } else { Err(format!("{method} {path}: {status} (expected {want}): {value}")) }
    }

    pub(super) async fn post(&self, path: &str, token: &str, body: &Value, want: u16) -> Result<Value, String> {
        self.expect(Method::POST, path, token, Body::Json(body), want).await
    }

    pub(super) async fn patch(&self, path: &str, token: &str, body: &Value) -> Result<Value, String> {
        self.expect(Method::PATCH, path, token, Body::Json(body), 200).await
    }

    pub(super) async fn get(&self, path: &str, token: &str) -> Result<Value, String> {
        self.expect(Method::GET, path, token, Body::Empty, 200).await
    }

    pub(super) async fn upload(
        &self,
        path: &str,
        token: &str,
        meta: &Value,
        file_name: &str,
        pdf: Vec<u8>,
        want: u16,
    ) -> Result<Value, String> {
        self.expect(Method::POST, path, token, Body::Multipart { meta, file_name, pdf }, want).await
    }

    pub(super) async fn login(&self, username: &str) -> Result<String, String> {
        let body = json!({"username": username, "password": PASSWORD});
        let (status, value) = self.call(Method::POST, "/auth/login", None, Body::Json(&body)).await?;
        match value["access_token"].as_str() {
            Some(token) if status == 200 => Ok(token.to_string()),
            _ => Err(format!("login {username}: {status}: {value}")),
        }
    }

    /// `POST /users` as `admin`, then (if `login`) sign in as the new user.
    pub(super) async fn account(
        &self,
        admin: &str,
        account: &DemoAccount,
        scope: Value,
        login: bool,
    ) -> Result<String, String> {
        let mut body = json!({"username": account.username, "password": PASSWORD, "role": account.role,
            "display_name": account.display_name});
        if let (Some(b), Some(s)) = (body.as_object_mut(), scope.as_object()) {
            b.extend(s.clone());
        }
        self.post("/users", admin, &body, 201).await?;
        if login { self.login(&account.username).await } else { Ok(String::new()) }
    }

    /// Create (and sign in) accounts a few at a time: password hashing is the slow part, bounded
    /// by the server to one per core, and its queue must not wait long.
    pub(super) async fn accounts(
        &self,
        admin: &str,
        list: Vec<(DemoAccount, Value, bool)>,
    ) -> Result<Vec<String>, String> {
        let mut tokens = Vec::with_capacity(list.len());
        for chunk in list.chunks(6) {
            let done =
                join_all(chunk.iter().map(|(a, scope, login)| self.account(admin, a, scope.clone(), *login))).await;
            for token in done {
                tokens.push(token?);
            }
        }
        Ok(tokens)
    }
}

pub(super) fn id(v: &Value) -> Result<i64, String> {
    v["id"].as_i64().ok_or_else(|| format!("no id in {v}"))
}
