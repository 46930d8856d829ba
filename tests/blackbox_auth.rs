//! Black-box: sign-in over HTTP on SQLite and PostgreSQL — login, `/me`, refresh rotation and
//! replay detection, logout, the one 401 for bad credentials, login throttling, and `POST /users`
//! with its role and scope rules.

#[path = "common/server.rs"]
mod server;
#[path = "support/mod.rs"]
mod support;

use reqwest::blocking::Response;
use serde_json::{Value, json};
use server::{Server, client};

const PW: &str = "Correct-Horse-9";

fn create_admin(server: &Server, url: &str, username: &str) {
    let args = ["create-user", "--database-url", url, "--username", username, "--role", "admin", "--password-stdin"];
    let (ok, out, err) = server::run_cli(&args, server.data_dir.path(), &format!("{PW}\n"));
    assert!(ok, "create-user: {out} {err}");
}

fn login(server: &Server, username: &str, password: &str) -> Response {
    server.post_json("/api/v1/auth/login", &json!({"username": username, "password": password}))
}

fn tokens(server: &Server, username: &str) -> (String, String) {
    let resp = login(server, username, PW);
    assert_eq!(resp.status().as_u16(), 200, "login {username}");
    let body: Value = resp.json().expect("json");
    (body["access_token"].as_str().expect("access").into(), body["refresh_token"].as_str().expect("refresh").into())
}

fn get(server: &Server, path: &str, token: Option<&str>) -> Response {
    let mut req = client().get(server.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().expect("request")
}

fn post(server: &Server, path: &str, token: &str, body: &Value) -> Response {
    client().post(server.url(path)).bearer_auth(token).json(body).send().expect("request")
}

fn refresh(server: &Server, token: &str) -> Response {
    server.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": token }))
}

fn problem_code(resp: Response, status: u16) -> String {
    assert_eq!(resp.status().as_u16(), status);
    let ct = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(ct.starts_with("application/problem+json"), "{ct}");
    let body: Value = resp.json().expect("json");
    body["code"].as_str().unwrap_or("").to_string()
}

support::both_databases! {
    fn login_me_refresh_rotation_and_logout(url: &str) {
        let server = Server::start(url);
        create_admin(&server, url, "root");
        let resp = login(&server, "root", PW);
        assert_eq!(resp.status().as_u16(), 200);
        let body: Value = resp.json().expect("json");
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 900);
        assert_eq!(body["user"]["role"], "admin");
        assert!(body["user"].get("password_hash").is_none());
        let access = body["access_token"].as_str().expect("access").to_string();
        let first = body["refresh_token"].as_str().expect("refresh").to_string();

        let me: Value = get(&server, "/api/v1/me", Some(&access)).json().expect("me");
        assert_eq!((me["username"].as_str(), me["role"].as_str()), (Some("root"), Some("admin")));
        assert_eq!(problem_code(get(&server, "/api/v1/me", None), 401), "unauthenticated");
        assert_eq!(problem_code(get(&server, "/api/v1/me", Some("garbage")), 401), "unauthenticated");
        let forged = format!("{}x", &access[..access.len() - 1]);
        assert_eq!(problem_code(get(&server, "/api/v1/me", Some(&forged)), 401), "unauthenticated");

        // Rotation: the new pair works, the old refresh token is dead …
        let resp = refresh(&server, &first);
        assert_eq!(resp.status().as_u16(), 200);
        let second: Value = resp.json().expect("json");
        let second_refresh = second["refresh_token"].as_str().expect("refresh").to_string();
        assert_ne!(second_refresh, first);
        assert_eq!(get(&server, "/api/v1/me", second["access_token"].as_str()).status().as_u16(), 200);
        // … and presenting it again revokes the whole family, the successor included.
        assert_eq!(problem_code(refresh(&server, &first), 401), "invalid_refresh_token");
        assert_eq!(problem_code(refresh(&server, &second_refresh), 401), "invalid_refresh_token");

        // Logout kills the session's refresh token.
        let (access, refresh_token) = tokens(&server, "root");
        let resp = post(&server, "/api/v1/auth/logout", &access, &json!({ "refresh_token": refresh_token }));
        assert_eq!(resp.status().as_u16(), 204);
        assert_eq!(problem_code(refresh(&server, &refresh_token), 401), "invalid_refresh_token");
        assert_eq!(problem_code(refresh(&server, "0123"), 401), "invalid_refresh_token");
    }
}

support::both_databases! {
    fn concurrent_refresh_of_one_token_rotates_once(url: &str) {
        let server = Server::start(url);
        create_admin(&server, url, "root");
        let (_, token) = tokens(&server, "root");
        let statuses: Vec<u16> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4).map(|_| s.spawn(|| refresh(&server, &token).status().as_u16())).collect();
            handles.into_iter().map(|h| h.join().expect("thread")).collect()
        });
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 3, "{statuses:?}");
    }
}

support::both_databases! {
    fn bad_credentials_share_one_answer_and_five_failures_lock_the_username(url: &str) {
        let server = Server::start(url);
        create_admin(&server, url, "root");
        create_admin(&server, url, "other");
        let wrong: Value = login(&server, "root", "wrong-password").json().expect("json");
        let unknown: Value = login(&server, "nobody", "wrong-password").json().expect("json");
        assert_eq!(wrong["status"], 401);
        assert_eq!(wrong, unknown, "unknown user and wrong password must be indistinguishable");
        for _ in 0..4 {
            assert_eq!(login(&server, "root", "wrong-password").status().as_u16(), 401);
        }
        // Five failures within 15 minutes: even the right password is refused for a while.
        let resp = login(&server, "root", PW);
        assert_eq!(resp.status().as_u16(), 429);
        let retry: u64 = resp.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).expect("Retry-After");
        assert!(retry > 14 * 60 && retry <= 15 * 60, "{retry}");
        assert_eq!(problem_code(resp, 429), "too_many_requests");
        // Another username is not affected.
        assert_eq!(login(&server, "other", PW).status().as_u16(), 200);
    }
}

support::both_databases! {
    fn users_are_created_by_admin_and_city_within_their_rules(url: &str) {
        let server = Server::start(url);
        create_admin(&server, url, "root");
        let (admin, _) = tokens(&server, "root");
        let user = |name: &str, role: &str, extra: Value| {
            let mut body = json!({"username": name, "password": PW, "role": role, "display_name": format!("{name} 用户")});
            if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
                b.extend(e.clone());
            }
            body
        };
        let resp = post(&server, "/api/v1/users", &admin, &user("city1", "city", json!({})));
        assert_eq!(resp.status().as_u16(), 201);
        let created: Value = resp.json().expect("json");
        assert_eq!(created["role"], "city");
        assert!(created["id"].is_i64());
        let (city, _) = tokens(&server, "city1");

        let resp = post(&server, "/api/v1/users", &city, &user("county1", "county", json!({"county": "luzhou"})));
        assert_eq!(resp.status().as_u16(), 201);
        let (county, _) = tokens(&server, "county1");
        let me: Value = get(&server, "/api/v1/me", Some(&county)).json().expect("me");
        assert_eq!(me["county"], "luzhou");

        assert_eq!(problem_code(post(&server, "/api/v1/users", &city, &user("admin2", "admin", json!({}))), 403), "forbidden");
        assert_eq!(problem_code(post(&server, "/api/v1/users", &county, &user("x1", "finance", json!({}))), 403), "forbidden");
        let resp = post(&server, "/api/v1/users", &city, &user("county2", "county", json!({})));
        assert_eq!(resp.status().as_u16(), 422);
        let body: Value = resp.json().expect("json");
        assert_eq!(body["errors"][0]["field"], "county", "{body}");
        let resp = post(&server, "/api/v1/users", &city, &user("county3", "county", json!({"county": "atlantis"})));
        assert_eq!(resp.status().as_u16(), 422);
        let body: Value = resp.json().expect("json");
        assert_eq!(body["errors"][0]["field"], "county", "{body}");
        assert_eq!(problem_code(post(&server, "/api/v1/users", &admin, &user("city1", "city", json!({}))), 409), "duplicate_username");
        let resp = client().post(server.url("/api/v1/users")).json(&user("y1", "city", json!({}))).send().expect("request");
        assert_eq!(problem_code(resp, 401), "unauthenticated");
        // Nothing half-made: the refused accounts cannot sign in.
        for name in ["admin2", "x1", "county2", "county3"] {
            assert_eq!(login(&server, name, PW).status().as_u16(), 401, "{name}");
        }
    }
}
