//! Black-box: the audit log over HTTP on SQLite and PostgreSQL — account creations by the command
//! line (no actor) and over HTTP (the admin as actor) appear in `GET /audit`, the chain verifies,
//! only city and admin may read it, paging and filters work, bad parameters answer problem+json.

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

fn token(server: &Server, username: &str) -> String {
    let resp = server.post_json("/api/v1/auth/login", &json!({"username": username, "password": PW}));
    assert_eq!(resp.status().as_u16(), 200, "login {username}");
    let body: Value = resp.json().expect("json");
    body["access_token"].as_str().expect("access token").to_string()
}

fn get(server: &Server, path: &str, token: Option<&str>) -> Response {
    let mut req = client().get(server.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().expect("request")
}

fn ok_json(resp: Response) -> Value {
    assert_eq!(resp.status().as_u16(), 200);
    resp.json().expect("json")
}

fn create_user(server: &Server, token: &str, body: &Value) -> Value {
    let resp = client().post(server.url("/api/v1/users")).bearer_auth(token).json(body).send().expect("request");
    assert_eq!(resp.status().as_u16(), 201, "create {body}");
    resp.json().expect("json")
}

/// The problem+json `code` of an error answer with this status.
fn problem(resp: Response, status: u16) -> Value {
    assert_eq!(resp.status().as_u16(), status);
    let ct = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(ct.starts_with("application/problem+json"), "{ct}");
    resp.json().expect("json")
}

support::both_databases! {
    fn account_creations_are_audited_and_the_chain_verifies(url: &str) {
        let server = Server::start(url);
        create_admin(&server, url, "root");
        let admin = token(&server, "root");
        let me = ok_json(get(&server, "/api/v1/me", Some(&admin)));
        let admin_id = me["id"].as_i64().expect("admin id");

        let city = create_user(&server, &admin, &json!({"username": "city1", "password": PW, "role": "city", "display_name": "市工信局"}));
        let county = create_user(&server, &admin, &json!({"username": "county1", "password": PW, "role": "county", "county": "luzhou"}));

        // Five events: root (the command line), root's sign-in, city1, city1 again as a privileged
        // account, county1 (SPEC §9.2).
        let page = ok_json(get(&server, "/api/v1/audit", Some(&admin)));
        assert_eq!((page["total"].as_i64(), page["page"].as_i64(), page["per_page"].as_i64()), (Some(5), Some(1), Some(50)));
        let items = page["items"].as_array().expect("items");
        assert_eq!(items.iter().map(|e| e["seq"].as_i64().unwrap_or(0)).collect::<Vec<_>>(), [5, 4, 3, 2, 1], "newest first");
        assert_eq!(items[1]["action"], "privileged_account");
        assert_eq!(items[1]["entity_id"], items[2]["entity_id"]);
        for e in items {
            let action = match e["seq"].as_i64() {
                Some(2) => "auth.login",
                Some(4) => "privileged_account",
                _ => "user.create",
            };
            assert_eq!((e["action"].as_str(), e["entity_type"].as_str()), (Some(action), Some("user")));
            assert!(e["at"].as_str().is_some_and(|t| t.ends_with('Z') && t.len() == "2026-11-29T08:30:00.000000Z".len()), "{e}");
            assert_eq!(e["hash"].as_str().map(str::len), Some(64));
            assert!(!e["after"].to_string().contains("password"), "no secret in the log: {e}");
        }
        // The command line's creation: the platform acted.
        let cli = &items[4];
        assert_eq!(cli["entity_id"].as_str(), Some(admin_id.to_string().as_str()));
        assert!(cli["actor_user_id"].is_null() && cli["actor_role"].is_null(), "{cli}");
        assert_eq!(cli["prev_hash"].as_str(), Some("0".repeat(64).as_str()));
        assert_eq!(cli["after"]["username"], "root");
        // The HTTP creation: the admin acted.
        let http = &items[2];
        assert_eq!((http["actor_user_id"].as_i64(), http["actor_role"].as_str()), (Some(admin_id), Some("admin")));
        assert_eq!(http["entity_id"].as_str(), city["id"].as_i64().map(|id| id.to_string()).as_deref());
        assert_eq!(http["after"]["role"], "city");
        assert_eq!(items[3]["prev_hash"], cli["hash"]);
        assert_eq!(http["prev_hash"], items[3]["hash"]);
        assert_eq!(items[0]["after"]["county"], "luzhou");

        let verified = ok_json(get(&server, "/api/v1/audit/verify", Some(&admin)));
        assert_eq!(verified["ok"], true, "{verified}");
        assert_eq!(verified["events"], 5);
        assert!(verified.get("first_bad_seq").is_none() && verified.get("problem").is_none(), "{verified}");
        assert_eq!(verified["last_hash"], items[0]["hash"]);

        // City may read it too; county may not; nobody without a token.
        let city_token = token(&server, "city1");
        // (city1's sign-in is the sixth event.)
        assert_eq!(ok_json(get(&server, "/api/v1/audit", Some(&city_token)))["total"], 6);
        assert_eq!(ok_json(get(&server, "/api/v1/audit/verify", Some(&city_token)))["ok"], true);
        let county_token = token(&server, "county1");
        assert_eq!(problem(get(&server, "/api/v1/audit", Some(&county_token)), 403)["code"], "forbidden");
        assert_eq!(problem(get(&server, "/api/v1/audit/verify", Some(&county_token)), 403)["code"], "forbidden");
        // The role check comes before the query is read.
        assert_eq!(problem(get(&server, "/api/v1/audit?page=x", Some(&county_token)), 403)["code"], "forbidden");
        assert_eq!(problem(get(&server, "/api/v1/audit", None), 401)["code"], "unauthenticated");
        assert_eq!(problem(get(&server, "/api/v1/audit/verify", None), 401)["code"], "unauthenticated");

        // Paging.
        let mut seen = Vec::new();
        // (county1's sign-in is the seventh.)
        for p in 1..=7 {
            let page = ok_json(get(&server, &format!("/api/v1/audit?per_page=1&page={p}"), Some(&admin)));
            assert_eq!((page["total"].as_i64(), page["page"].as_i64(), page["per_page"].as_i64()), (Some(7), Some(p), Some(1)));
            let items = page["items"].as_array().expect("items");
            assert_eq!(items.len(), 1);
            seen.push(items[0]["seq"].as_i64().expect("seq"));
        }
        assert_eq!(seen, [7, 6, 5, 4, 3, 2, 1]);
        let beyond = ok_json(get(&server, "/api/v1/audit?per_page=1&page=8", Some(&admin)));
        assert_eq!((beyond["items"].as_array().map(Vec::len), beyond["total"].as_i64()), (Some(0), Some(7)));

        // Filters.
        let by_actor = ok_json(get(&server, &format!("/api/v1/audit?actor_user_id={admin_id}"), Some(&admin)));
        assert_eq!(by_actor["total"], 4, "root's sign-in and its three events");
        let county_id = county["id"].as_i64().expect("county id");
        let by_entity = ok_json(get(&server, &format!("/api/v1/audit?entity_type=user&entity_id={county_id}&action=user.create"), Some(&admin)));
        assert_eq!(by_entity["total"], 1);
        assert_eq!(by_entity["items"][0]["seq"], 5);
        assert_eq!(ok_json(get(&server, "/api/v1/audit?action=project.submit", Some(&admin)))["total"], 0);

        // Bad parameters: 422 naming them (all at once), in problem+json; unreadable query: 400.
        let bad = problem(get(&server, "/api/v1/audit?page=0&per_page=500&actor_user_id=me", Some(&admin)), 422);
        let mut fields: Vec<&str> = bad["errors"].as_array().expect("errors").iter().filter_map(|e| e["field"].as_str()).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["actor_user_id", "page", "per_page"]);
        assert_eq!(problem(get(&server, "/api/v1/audit?page=1&page=2", Some(&admin)), 400)["status"], 400);
    }
}
