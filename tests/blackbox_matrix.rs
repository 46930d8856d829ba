//! Black-box: the authorization matrix, generated from the route table
//! (`dtpilot_backend::routes::ROUTES`), on SQLite and PostgreSQL.
//!
//! A small world is built over HTTP (two counties, an enterprise in each with its own provider and
//! diagnosis, one project each — one awaiting acceptance, one cleared — with their prepayment
//! instructions, a batch and a closed notice). Then, for EVERY route of the table, with the `{id}` of
//! its path replaced by each object of the kind the table names (objects inside and outside each
//! caller's scope, and an id that does not exist), the route is called without a token and as a user
//! of every role:
//! - (a) without a token: 401 unless the route is public;
//! - (b) a role the table does not allow: 403, whatever the object;
//! - (c) an allowed role and an object outside its scope (or none): 404, never 200;
//! - an allowed role and an object inside its scope: past the auth decision (not 401/403/404);
//! - (d) never a 5xx.
//!
//! Before that, the lists without an `{id}` whose rows are scoped (`GET /projects`, `/payments`) and
//! their Excel exports (`GET /exports/projects`, `/exports/payments`) are read as every caller the
//! table allows: each must hold exactly the objects [`Fixture::visible`] says that caller sees.
//!
//! Bodies are generated from the server's own OpenAPI document (the required fields of the request
//! schema, with placeholder values), so each request reaches the auth and scope decision rather than
//! stopping at the body's shape. Scope is re-stated here from SPEC §1 and `backend/src/scope.rs`
//! ([`Fixture::visible`]) — independently of the server's code.
//!
//! A route whose `{id}` names a new kind of object does not compile here until [`Fixture::targets`]
//! learns it (the `match` on [`PathId`] is exhaustive).

#[path = "common/server.rs"]
mod server;
#[path = "support/mod.rs"]
mod support;
#[path = "common/world.rs"]
mod world;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use chrono::{Duration, Utc};
use dtpilot_backend::routes::{Method, PathId, ROUTES, RouteInfo, Who};
use dtpilot_domain::state::Role;
use reqwest::blocking::{RequestBuilder, multipart};
use serde_json::{Value, json};
use server::client;
use world::{PDF, World, enterprise_body, uscc};

/// An id no object has.
const MISSING: i64 = 987_654_321;

/// A day relative to today in China (UTC+8), as `YYYY-MM-DD`.
fn day(n: i64) -> String {
    ((Utc::now() + Duration::hours(8)).date_naive() + Duration::days(n)).to_string()
}

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

/// A signed-in user of the matrix.
struct Caller {
    role: Role,
    token: String,
    county: Option<&'static str>,
    enterprise_id: Option<i64>,
    provider_id: Option<i64>,
}

struct Enterprise {
    id: i64,
    county: &'static str,
    /// The provider assigned to it.
    provider_id: i64,
}

struct Project {
    id: i64,
    enterprise_id: i64,
    county: &'static str,
    provider_id: i64,
}

struct Payment {
    id: i64,
    enterprise_id: i64,
    county: &'static str,
    /// The provider of the instruction's project.
    provider_id: i64,
}

struct Diagnosis {
    id: i64,
    /// Index into `Fixture::enterprises`.
    enterprise: usize,
}

/// What an `{id}` is replaced with.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// The path has no `{id}`.
    NoId,
    /// An id nothing has.
    Missing,
    /// An object every signed-in user may address (a provider of the pool, a batch, a notice).
    Open(i64),
    Enterprise(usize),
    Project(usize),
    Payment(usize),
    Diagnosis(usize),
}

struct Fixture {
    w: World,
    city: String,
    callers: Vec<Caller>,
    enterprises: Vec<Enterprise>,
    projects: Vec<Project>,
    payments: Vec<Payment>,
    diagnoses: Vec<Diagnosis>,
    providers: Vec<i64>,
    batches: Vec<i64>,
    notices: Vec<i64>,
    /// Approved 小快轻准 products (every signed-in user sees them).
    products: Vec<i64>,
    /// Accounts the admin and the city may change (the county caller's).
    users: Vec<i64>,
}

/// The states from which the evaluator sees a project (SPEC §1: "enterprises awaiting acceptance").
const EVALUATOR_STATES: [&str; 5] = ["awaiting_acceptance", "accepted", "failed", "settled", "closed"];

impl Fixture {
    fn new(url: &str) -> Fixture {
        let w = World::new(url);
        let city = w.user("city", "city", json!({}));
        let county_a = w.user("county_a", "county", json!({"county": "luzhou"}));
        let county_b = w.user("county_b", "county", json!({"county": "shangdang"}));
        let finance = w.user("finance", "finance", json!({}));
        let evaluator = w.user("evaluator", "evaluator", json!({}));
        let provider = |n: u32| {
            let body = json!({"name": format!("服务商{n}"), "credit_code": uscc(&format!("91140400MA0T0000{n}")), "capabilities": ["diagnosis", "retrofit"]});
            id_of(&w.ok("/providers", &city, &body, 201))
        };
        let (p1, p2) = (provider(1), provider(2));
        let prov_a = w.user("prov_a", "provider", json!({"provider_id": p1}));
        let prov_b = w.user("prov_b", "provider", json!({"provider_id": p2}));
        let batch = id_of(&w.ok(
            "/batches",
            &city,
            &json!({"number": 1, "name": "第一批", "diagnosis_due": day(30), "retrofit_due": day(120), "acceptance_start": day(90), "acceptance_end": day(150)}),
            201,
        ));
        let e_a = id_of(&w.ok("/enterprises", &county_a, &enterprise_body(1, "luzhou"), 201));
        let e_b = id_of(&w.ok("/enterprises", &county_b, &enterprise_body(2, "shangdang"), 201));
        w.ok(&format!("/batches/{batch}/enterprises"), &city, &json!({"enterprise_ids": [e_a, e_b]}), 200);
        w.ok(&format!("/enterprises/{e_a}/assignment"), &city, &json!({"provider_id": p1}), 201);
        w.ok(&format!("/enterprises/{e_b}/assignment"), &county_b, &json!({"provider_id": p2}), 201);
        let diagnose = |e: i64, token: &str| {
            let meta = json!({"estimated_level": 1, "summary": "设备联网率低", "common_needs": ["设备联网"], "individual_needs": [], "fee": "20000.00"});
            let resp = w.upload(&format!("/enterprises/{e}/diagnoses"), token, &meta, PDF);
            assert_eq!(resp.status().as_u16(), 201, "diagnosis of {e}");
            id_of(&resp.json().expect("json"))
        };
        let (d_a, d_b) = (diagnose(e_a, &prov_a), diagnose(e_b, &prov_b));
        let ent_a = w.user("ent_a", "enterprise", json!({"enterprise_id": e_a}));
        let ent_b = w.user("ent_b", "enterprise", json!({"enterprise_id": e_b}));
        let apply = |token: &str, provider_id: i64, county: &str| {
            let body = json!({"batch_id": batch, "provider_id": provider_id, "contract_no": "HT-001", "contract_amount": "600000.00",
                "planned_eligible_investment": "600000.00", "target_level": 2, "overlapping_support_declared": false});
            let pid = id_of(&w.ok("/projects", token, &body, 201));
            w.ok(&format!("/projects/{pid}/submit"), token, &json!({}), 200);
            w.ok(
                &format!("/projects/{pid}/county-review"),
                county,
                &json!({"decision": "recommend", "comment": ""}),
                200,
            );
            w.ok(&format!("/projects/{pid}/city-review"), &city, &json!({"decision": "approve", "comment": ""}), 200);
            pid
        };
        let (pr_a, pr_b) = (apply(&ent_a, p1, &county_a), apply(&ent_b, p2, &county_b));
        let notice = id_of(&w.ok(
            "/notices",
            &city,
            &json!({"project_ids": [pr_a, pr_b], "starts_on": day(-7), "ends_on": day(-1)}),
            201,
        ));
        w.ok(&format!("/notices/{notice}/close"), &city, &json!({"upheld_project_ids": []}), 200);
        let prepayment = |pid: i64| {
            let page = w.get_json(&format!("/payments?project_id={pid}&kind=prepayment"), &city);
            id_of(&page["items"][0])
        };
        let (pay_a, pay_b) = (prepayment(pr_a), prepayment(pr_b));
        // Project A goes on to await acceptance (so the evaluator sees it); B stays `cleared`.
        w.ok(&format!("/payments/{pay_a}/approve"), &city, &json!({}), 200);
        w.ok(&format!("/payments/{pay_a}/execute"), &finance, &json!({"paid_on": day(0), "voucher_no": "PZ-1"}), 200);
        w.ok(&format!("/projects/{pr_a}/complete"), &ent_a, &json!({}), 200);
        let product = id_of(&w.ok(
            "/products",
            &prov_b,
            &json!({"name": "设备联网套件", "industry": "power_equipment", "summary": "轻量化"}),
            201,
        ));
        w.ok(&format!("/products/{product}/review"), &city, &json!({"decision": "approve"}), 200);
        // An account both the admin and the city may change (the bodies the matrix sends change nothing).
        let county_user = w.get_json("/me", &county_a)["id"].as_i64().expect("county account id");
        let callers = vec![
            Caller { role: Role::Admin, token: w.admin.clone(), county: None, enterprise_id: None, provider_id: None },
            Caller { role: Role::City, token: city.clone(), county: None, enterprise_id: None, provider_id: None },
            Caller {
                role: Role::County,
                token: county_a,
                county: Some("luzhou"),
                enterprise_id: None,
                provider_id: None,
            },
            Caller { role: Role::Finance, token: finance, county: None, enterprise_id: None, provider_id: None },
            Caller { role: Role::Evaluator, token: evaluator, county: None, enterprise_id: None, provider_id: None },
            Caller { role: Role::Provider, token: prov_a, county: None, enterprise_id: None, provider_id: Some(p1) },
            Caller { role: Role::Enterprise, token: ent_a, county: None, enterprise_id: Some(e_a), provider_id: None },
        ];
        let mut roles: Vec<Role> = callers.iter().map(|c| c.role).collect();
        roles.sort();
        roles.dedup();
        assert_eq!(roles.len(), Role::ALL.len(), "a caller of every role");
        Fixture {
            w,
            city,
            callers,
            enterprises: vec![
                Enterprise { id: e_a, county: "luzhou", provider_id: p1 },
                Enterprise { id: e_b, county: "shangdang", provider_id: p2 },
            ],
            projects: vec![
                Project { id: pr_a, enterprise_id: e_a, county: "luzhou", provider_id: p1 },
                Project { id: pr_b, enterprise_id: e_b, county: "shangdang", provider_id: p2 },
            ],
            payments: vec![
                Payment { id: pay_a, enterprise_id: e_a, county: "luzhou", provider_id: p1 },
                Payment { id: pay_b, enterprise_id: e_b, county: "shangdang", provider_id: p2 },
            ],
            diagnoses: vec![Diagnosis { id: d_a, enterprise: 0 }, Diagnosis { id: d_b, enterprise: 1 }],
            providers: vec![p1, p2],
            batches: vec![batch],
            notices: vec![notice],
            products: vec![product],
            users: vec![county_user],
        }
    }

    /// The objects a route's `{id}` is replaced with. Exhaustive on purpose: a new kind of `{id}`
    /// must be taught here.
    fn targets(&self, kind: PathId) -> Vec<Target> {
        let mut all = match kind {
            PathId::None => return vec![Target::NoId],
            PathId::Enterprise => (0..self.enterprises.len()).map(Target::Enterprise).collect::<Vec<_>>(),
            PathId::Project => (0..self.projects.len()).map(Target::Project).collect(),
            PathId::Payment => (0..self.payments.len()).map(Target::Payment).collect(),
            PathId::Diagnosis => (0..self.diagnoses.len()).map(Target::Diagnosis).collect(),
            PathId::Provider => self.providers.iter().copied().map(Target::Open).collect(),
            PathId::Batch => self.batches.iter().copied().map(Target::Open).collect(),
            PathId::Notice => self.notices.iter().copied().map(Target::Open).collect(),
            PathId::Product => self.products.iter().copied().map(Target::Open).collect(),
            PathId::User => self.users.iter().copied().map(Target::Open).collect(),
        };
        all.push(Target::Missing);
        all
    }

    fn id(&self, t: Target) -> Option<i64> {
        match t {
            Target::NoId => None,
            Target::Missing => Some(MISSING),
            Target::Open(id) => Some(id),
            Target::Enterprise(i) => Some(self.enterprises[i].id),
            Target::Project(i) => Some(self.projects[i].id),
            Target::Payment(i) => Some(self.payments[i].id),
            Target::Diagnosis(i) => Some(self.diagnoses[i].id),
        }
    }

    fn label(&self, t: Target) -> String {
        match t {
            Target::NoId => String::new(),
            Target::Missing => "missing".into(),
            Target::Open(id) => format!("#{id}"),
            Target::Enterprise(i) => format!("enterprise-{}", ["A", "B"][i]),
            Target::Project(i) => format!("project-{}", ["A", "B"][i]),
            Target::Payment(i) => format!("payment-{}", ["A", "B"][i]),
            Target::Diagnosis(i) => format!("diagnosis-{}", ["A", "B"][i]),
        }
    }

    fn enterprise_visible(&self, c: &Caller, e: &Enterprise) -> bool {
        match c.role {
            Role::City => true,
            Role::County => c.county == Some(e.county),
            Role::Enterprise => c.enterprise_id == Some(e.id),
            // Assigned to it, or named in one of its projects (SPEC §1 "assigned to or contracted by").
            Role::Provider => {
                c.provider_id == Some(e.provider_id)
                    || self.projects.iter().any(|p| p.enterprise_id == e.id && c.provider_id == Some(p.provider_id))
            }
            // SPEC §1: the enterprises awaiting acceptance (and those it evaluated).
            Role::Evaluator => self.projects.iter().any(|p| p.enterprise_id == e.id && self.evaluator_sees(p.id)),
            Role::Finance | Role::Admin => false,
        }
    }

    /// The matrix's own requests move projects on: read the state now.
    fn evaluator_sees(&self, project_id: i64) -> bool {
        let now = self.w.get_json(&format!("/projects/{project_id}"), &self.city);
        EVALUATOR_STATES.contains(&now["status"].as_str().unwrap_or_default())
    }

    /// Does `t` lie in `c`'s scope (SPEC §1, as `backend/src/scope.rs` implements it)?
    fn visible(&self, c: &Caller, t: Target) -> bool {
        match t {
            Target::NoId | Target::Open(_) => true,
            Target::Missing => false,
            Target::Enterprise(i) => self.enterprise_visible(c, &self.enterprises[i]),
            Target::Diagnosis(i) => self.enterprise_visible(c, &self.enterprises[self.diagnoses[i].enterprise]),
            Target::Project(i) => {
                let p = &self.projects[i];
                match c.role {
                    Role::City | Role::Finance => true,
                    Role::County => c.county == Some(p.county),
                    Role::Enterprise => c.enterprise_id == Some(p.enterprise_id),
                    Role::Provider => c.provider_id == Some(p.provider_id),
                    Role::Evaluator => self.evaluator_sees(p.id),
                    Role::Admin => false,
                }
            }
            Target::Payment(i) => {
                let p = &self.payments[i];
                match c.role {
                    Role::City | Role::Finance => true,
                    Role::County => c.county == Some(p.county),
                    Role::Enterprise => c.enterprise_id == Some(p.enterprise_id),
                    Role::Provider => c.provider_id == Some(p.provider_id),
                    Role::Evaluator | Role::Admin => false,
                }
            }
        }
    }
}

/// A request body for a route, from the OpenAPI document.
#[derive(Debug, Clone)]
enum Body {
    None,
    Json(Value),
    /// `meta` JSON + a PDF `file`.
    Multipart(Value),
}

/// A placeholder instance of `schema`: the required properties only; the first enum value; a
/// string matching the money pattern; the minimum (or 0) of a number — 0 is no object's id, so an
/// id in a body names nothing and changes nothing.
fn instance(doc: &Value, schema: &Value) -> Value {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return instance(doc, &doc["components"]["schemas"][name]);
    }
    if let Some(first) = schema["oneOf"].as_array().and_then(|alts| alts.iter().find(|a| a["type"] != "null")) {
        return instance(doc, first);
    }
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    let ty = match &schema["type"] {
        Value::Array(types) => types.iter().find(|t| *t != "null").cloned().unwrap_or(Value::Null),
        other => other.clone(),
    };
    match ty.as_str().unwrap_or("object") {
        "object" => {
            let mut out = serde_json::Map::new();
            for name in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                out.insert(name.to_string(), instance(doc, &schema["properties"][name]));
            }
            Value::Object(out)
        }
        "array" => json!([]),
        "boolean" => json!(false),
        "integer" | "number" => schema["minimum"].as_i64().map_or(json!(0), |m| json!(m)),
        _ => match (schema["format"].as_str(), schema["pattern"].as_str()) {
            (Some("date"), _) => json!(day(-30)),
            (Some("date-time"), _) => json!(format!("{}T00:00:00Z", day(-30))),
            (_, Some(_)) => json!("1.00"),
            _ => json!("x1"),
        },
    }
}

/// Where the minimal body would stop at validation before the scope decision, a body that passes
/// it (each is reported as a handler that validates before it checks scope).
fn body_override(route: &RouteInfo) -> Option<Value> {
    match (route.method, route.path) {
        // An empty change is 422 before the enterprise is looked up.
        (Method::Patch, "/api/v1/enterprises/{id}") => Some(json!({"version": 0, "contact_phone": "13900000000"})),
        // An empty list is 422 before the batch is looked up.
        (Method::Post, "/api/v1/batches/{id}/enterprises") => Some(json!({"enterprise_ids": [0]})),
        // A county opens enterprise accounts only (a provider id would be its 403).
        (Method::Post, "/api/v1/users/bulk") => Some(json!({"enterprise_ids": [0]})),
        // Nothing to change is 422 before the provider is looked up.
        (Method::Patch, "/api/v1/providers/{id}") => Some(json!({"status": "active"})),
        // A year out of range is 422 before the provider is looked up.
        (Method::Post, "/api/v1/providers/{id}/evaluations") => Some(json!({"year": 2025, "scores":
            {"results": 0, "feedback": 0, "process": 0, "report_quality": 0, "sampling": 0}})),
        _ => None,
    }
}

fn body_for(doc: &Value, route: &RouteInfo) -> Body {
    let op = &doc["paths"][route.path][route.method.as_str().to_lowercase()];
    assert!(op.is_object(), "{} {} is not in the OpenAPI document", route.method.as_str(), route.path);
    let content = &op["requestBody"]["content"];
    if let Some(schema) = content.get("multipart/form-data").map(|c| &c["schema"]) {
        let form = instance(doc, schema);
        return Body::Multipart(form["meta"].clone());
    }
    match content.get("application/json") {
        Some(c) => Body::Json(body_override(route).unwrap_or_else(|| instance(doc, &c["schema"]))),
        None => Body::None,
    }
}

fn request(f: &Fixture, route: &RouteInfo, path: &str, token: Option<&str>, body: &Body) -> (u16, String) {
    let url = f.w.server.url(path);
    let http = client();
    let mut req: RequestBuilder = match route.method {
        Method::Get => http.get(url),
        Method::Post => http.post(url),
        Method::Patch => http.patch(url),
    };
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req = match body {
        Body::None => req,
        Body::Json(v) => req.json(v),
        Body::Multipart(meta) => req.multipart(
            multipart::Form::new()
                .part("meta", multipart::Part::text(meta.to_string()).mime_str("application/json").expect("mime"))
                .part(
                    "file",
                    multipart::Part::bytes(PDF.to_vec())
                        .file_name("report.pdf")
                        .mime_str("application/pdf")
                        .expect("mime"),
                ),
        ),
    };
    let resp = req.send().unwrap_or_else(|e| panic!("{} {path}: {e}", route.method.as_str()));
    let status = resp.status().as_u16();
    (status, resp.text().unwrap_or_default())
}

/// What a call should answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// 401: no token.
    Unauthorized,
    /// 403: the role may not.
    Forbidden,
    /// 404: outside the caller's scope, or nothing.
    NotFound,
    /// Past the auth decision: anything but 401/403/404 (or the public route's own answers).
    Through,
}

fn expect(f: &Fixture, route: &RouteInfo, caller: Option<&Caller>, t: Target) -> Expect {
    match (route.who, caller) {
        (Who::Public, _) => Expect::Through,
        (_, None) => Expect::Unauthorized,
        (who, Some(c)) if !who.allows(c.role) => Expect::Forbidden,
        (_, Some(c)) if !f.visible(c, t) => Expect::NotFound,
        _ => Expect::Through,
    }
}

fn meets(route: &RouteInfo, e: Expect, status: u16) -> bool {
    if status >= 500 {
        return false;
    }
    match e {
        Expect::Unauthorized => status == 401,
        Expect::Forbidden => status == 403,
        Expect::NotFound => status == 404,
        // A public route answers for itself (a login with made-up credentials is 401), but never 403/404.
        Expect::Through if route.who == Who::Public => status != 403 && status != 404,
        Expect::Through => !matches!(status, 401 | 403 | 404),
    }
}

/// The ids of a list page (`GET /projects`, `/payments`).
fn page_ids(f: &Fixture, path: &str, token: &str) -> BTreeSet<i64> {
    let page = f.w.get_json(path, token);
    page["items"].as_array().unwrap_or_else(|| panic!("{path}: {page}")).iter().map(id_of).collect()
}

/// The ids (first column) of an Excel export's rows, read back with calamine.
fn export_ids(f: &Fixture, path: &str, token: &str) -> BTreeSet<i64> {
    use calamine::Reader as _;
    let resp = client().get(f.w.server.url(path)).bearer_auth(token).send().expect("export");
    assert_eq!(resp.status().as_u16(), 200, "{path}");
    let bytes = resp.bytes().expect("body").to_vec();
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("xlsx");
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).expect("sheet");
    range
        .rows()
        .skip(1)
        .map(|row| match &row[0] {
            calamine::Data::Float(x) => format!("{x}").parse().expect("id"),
            other => panic!("{path}: id cell {other:?}"),
        })
        .collect()
}

/// The lists without `{id}` and their exports show exactly what [`Fixture::visible`] says each
/// caller may see (the matrix above only proves who passes the role check for them). Run before the
/// matrix's own requests move projects on.
fn lists_show_exactly_the_scope(f: &Fixture) -> Vec<String> {
    let mut failures = Vec::new();
    for c in &f.callers {
        let projects: BTreeSet<i64> =
            (0..f.projects.len()).filter(|&i| f.visible(c, Target::Project(i))).map(|i| f.projects[i].id).collect();
        let payments: BTreeSet<i64> =
            (0..f.payments.len()).filter(|&i| f.visible(c, Target::Payment(i))).map(|i| f.payments[i].id).collect();
        let checks = [
            ("/api/v1/projects", &projects, false),
            ("/api/v1/payments", &payments, false),
            ("/api/v1/exports/projects", &projects, true),
            ("/api/v1/exports/payments", &payments, true),
        ];
        for (path, expected, is_export) in checks {
            let route = dtpilot_backend::routes::find(Method::Get, path).unwrap_or_else(|| panic!("{path} is a route"));
            if !route.who.allows(c.role) {
                continue; // 403, checked by the matrix
            }
            let got = if is_export {
                export_ids(f, path, &c.token)
            } else {
                page_ids(f, &format!("{}?per_page=100", path.trim_start_matches("/api/v1")), &c.token)
            };
            if &got != expected {
                failures.push(format!("GET {path} as {}: ids {got:?}, expected exactly {expected:?}", c.role.code()));
            }
        }
    }
    failures
}

fn run_matrix(url: &str) {
    let f = Fixture::new(url);
    let scope_failures = lists_show_exactly_the_scope(&f);
    assert!(scope_failures.is_empty(), "lists and exports outside scope:\n{}", scope_failures.join("\n"));
    let doc: Value = f.w.server.get("/api/openapi.json").expect("openapi.json").json().expect("the document is JSON");
    let columns = ["anonymous", "admin", "city", "county", "finance", "evaluator", "provider", "enterprise"];
    let mut failures = Vec::new();
    let mut table = String::new();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let _ = writeln!(table, "{:<44} {}", "route (targets)", columns.map(|c| format!("{c:<14}")).join(""));
    for route in ROUTES {
        let body = body_for(&doc, route);
        let targets = f.targets(route.id);
        let labels: Vec<String> = targets.iter().map(|&t| f.label(t)).filter(|l| !l.is_empty()).collect();
        let mut row = format!("{:<44} ", format!("{} {}", route.method.as_str(), route.path));
        let subjects: Vec<Option<&Caller>> = std::iter::once(None).chain(f.callers.iter().map(Some)).collect();
        for caller in subjects {
            let mut cell = Vec::new();
            for &t in &targets {
                let path = match f.id(t) {
                    Some(id) => route.path.replace("{id}", &id.to_string()),
                    None => route.path.to_string(),
                }
                // The one path keyed by text: a reading the shipped profile assumes.
                .replace("{key}", "notice.min_days");
                let e = expect(&f, route, caller, t);
                let (status, text) = request(&f, route, &path, caller.map(|c| c.token.as_str()), &body);
                *counts
                    .entry(match e {
                        Expect::Unauthorized => "401 no token",
                        Expect::Forbidden => "403 role not allowed",
                        Expect::NotFound => "404 out of scope / missing",
                        Expect::Through => "past auth (in scope)",
                    })
                    .or_default() += 1;
                if !meets(route, e, status) {
                    let who = caller.map_or("anonymous".to_string(), |c| c.role.code().to_string());
                    let text: String = text.chars().take(300).collect();
                    failures.push(format!(
                        "{} {path} as {who} ({}): expected {e:?}, got {status}: {text}",
                        route.method.as_str(),
                        f.label(t)
                    ));
                }
                cell.push(status.to_string());
            }
            row.push_str(&format!("{:<14}", cell.join("/")));
        }
        if !labels.is_empty() {
            row.push_str(&format!("  [{}]", labels.join(", ")));
        }
        let _ = writeln!(table, "{row}");
    }
    let total: usize = counts.values().sum();
    let _ = writeln!(
        table,
        "\n{} routes × 8 callers (anonymous + one user per role) = {total} requests: {counts:?}",
        ROUTES.len()
    );
    // The summary goes to stderr (shown with `--nocapture`, and with a failure).
    eprintln!("authorization matrix ({url}):\n{table}");
    assert!(failures.is_empty(), "{} of {total} checks failed:\n{}", failures.len(), failures.join("\n"));
}

support::both_databases! {
    fn every_route_refuses_by_role_and_scope(url: &str) {
        run_matrix(url);
    }
}
