//! Start the real `dtpilot` binary on a database and talk to it over HTTP.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_dtpilot"))
}

/// A running server; killed on drop.
pub struct Server {
    child: Child,
    pub base: String,
    pub data_dir: tempfile::TempDir,
}

impl Server {
    /// `dtpilot serve --bind 127.0.0.1:0 --database-url URL` with a fresh data dir; waits until /healthz answers.
    pub fn start(database_url: &str) -> Server {
        Server::start_with(database_url, &[])
    }

    pub fn start_with(database_url: &str, extra: &[&str]) -> Server {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut child = Command::new(binary())
            .args(["serve", "--bind", "127.0.0.1:0", "--database-url", database_url, "--pool-size", "4"])
            .arg("--data-dir")
            .arg(data_dir.path())
            .args(extra)
            .env("DTPILOT_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start dtpilot");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(addr) = line.strip_prefix("dtpilot listening on ") {
                    let _ = tx.send(addr.to_string());
                }
            }
        });
        let base = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(base) => base,
            Err(_) => {
                let _ = child.kill();
                panic!("dtpilot did not start on {database_url} within 60 s");
            }
        };
        let server = Server { child, base, data_dir };
        server.wait_healthy();
        server
    }

    fn wait_healthy(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.get("/healthz").is_ok_and(|r| r.status().as_u16() == 200) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("dtpilot at {} never became healthy", self.base);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The server process's id (to read its `/proc/<pid>/status`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn get(&self, path: &str) -> reqwest::Result<reqwest::blocking::Response> {
        client().get(self.url(path)).send()
    }

    pub fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::blocking::Response {
        client().post(self.url(path)).json(body).send().expect("request")
    }

    pub fn post_raw(&self, path: &str, body: Vec<u8>) -> reqwest::blocking::Response {
        client().post(self.url(path)).header("content-type", "application/json").body(body).send().expect("request")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build().expect("client")
}

/// Run `dtpilot ARGS` with `stdin` piped in; returns (success, stdout, stderr).
pub fn run_cli(args: &[&str], data_dir: &Path, stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(binary())
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env("DTPILOT_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run dtpilot");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    let mut out = String::new();
    let mut err = String::new();
    child.stdout.take().expect("stdout").read_to_string(&mut out).expect("read stdout");
    child.stderr.take().expect("stderr").read_to_string(&mut err).expect("read stderr");
    let status = child.wait().expect("wait");
    (status.success(), out, err)
}
