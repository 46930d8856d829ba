//! A populated world for black-box tests: a server, an admin, and helpers to act as each role.

#![allow(dead_code)]

use reqwest::blocking::{Response, multipart};
use serde_json::{Value, json};

use crate::server::{self, Server, client};

pub const PW: &str = "Correct-Horse-9";
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/// A valid unified social credit code from 17 characters (GB 32100-2015 check character).
pub fn uscc(body17: &str) -> String {
    const CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const W: [usize; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let sum: usize = body17.chars().zip(W).map(|(c, w)| CHARS.find(c).expect("code char") * w).sum();
    let check = CHARS.chars().nth((31 - sum % 31) % 31).expect("check");
    format!("{body17}{check}")
}

pub struct World {
    pub server: Server,
    pub admin: String,
}

impl World {
    pub fn new(url: &str) -> World {
        World::start_with(url, &[])
    }

    /// [`World::new`] with more arguments for `dtpilot serve` (e.g. `--policy FILE`).
    pub fn start_with(url: &str, extra: &[&str]) -> World {
        let server = Server::start_with(url, extra);
        let args = ["create-user", "--database-url", url, "--username", "root", "--role", "admin", "--password-stdin"];
        let (ok, out, err) = server::run_cli(&args, server.data_dir.path(), &format!("{PW}\n"));
        assert!(ok, "{out} {err}");
        let admin = login(&server, "root");
        World { server, admin }
    }

    /// Create a user (as admin) and sign in as them.
    pub fn user(&self, name: &str, role: &str, extra: Value) -> String {
        let mut body = json!({"username": name, "password": PW, "role": role, "display_name": name});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        let resp = self.post("/users", &self.admin, &body);
        assert_eq!(resp.status().as_u16(), 201, "user {name}");
        login(&self.server, name)
    }

    pub fn url(&self, path: &str) -> String {
        self.server.url(&format!("/api/v1{path}"))
    }

    pub fn post(&self, path: &str, token: &str, body: &Value) -> Response {
        client().post(self.url(path)).bearer_auth(token).json(body).send().expect("post")
    }

    pub fn patch(&self, path: &str, token: &str, body: &Value) -> Response {
        client().patch(self.url(path)).bearer_auth(token).json(body).send().expect("patch")
    }

    pub fn get(&self, path: &str, token: &str) -> Response {
        client().get(self.url(path)).bearer_auth(token).send().expect("get")
    }

    /// POST expecting `status`; the JSON answer.
    pub fn ok(&self, path: &str, token: &str, body: &Value, status: u16) -> Value {
        let resp = self.post(path, token, body);
        let got = resp.status().as_u16();
        let text = resp.text().unwrap_or_default();
        assert_eq!(got, status, "POST {path}: {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    pub fn get_json(&self, path: &str, token: &str) -> Value {
        let resp = self.get(path, token);
        let got = resp.status().as_u16();
        let text = resp.text().unwrap_or_default();
        assert_eq!(got, 200, "GET {path}: {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// A multipart `meta` + `file` upload.
    pub fn upload(&self, path: &str, token: &str, meta: &Value, file: &[u8]) -> Response {
        let form = multipart::Form::new()
            .part("meta", multipart::Part::text(meta.to_string()).mime_str("application/json").expect("mime"))
            .part(
                "file",
                multipart::Part::bytes(file.to_vec())
                    .file_name("report.pdf")
                    .mime_str("application/pdf")
                    .expect("mime"),
            );
        client().post(self.url(path)).bearer_auth(token).multipart(form).send().expect("upload")
    }
}

pub fn login(server: &Server, name: &str) -> String {
    let resp = server.post_json("/api/v1/auth/login", &json!({"username": name, "password": PW}));
    assert_eq!(resp.status().as_u16(), 200, "login {name}");
    let body: Value = resp.json().expect("json");
    body["access_token"].as_str().expect("token").to_string()
}

pub fn enterprise_body(n: u32, county: &str) -> Value {
    json!({
        "name": format!("示例电气有限公司{n}"), "credit_code": uscc(&format!("91140400MA0E{n:05}")), "county": county,
        "industry": "power_equipment", "above_designated_size": true, "employees": 120,
        "annual_revenue": "30000000.00", "is_little_giant": false, "central_fund_excluded": false,
        "contact_name": "李工", "contact_phone": "13900000000"
    })
}

/// `{status, code, body}` of an answer.
pub fn problem(resp: Response) -> (u16, String, Value) {
    let status = resp.status().as_u16();
    let body: Value = resp.json().unwrap_or(Value::Null);
    (status, body["code"].as_str().unwrap_or("").to_string(), body)
}
