//! The OpenAPI 3.1 document, generated from the code: the `#[utoipa::path]` of every handler of
//! the route table ([`routes::RoutePaths`]), completed from the table itself ([`routes::ROUTES`]) so
//! that what the document says about access is what the server enforces:
//! - every route that needs a token gets the `bearer` security requirement and a 401 answer;
//! - a route limited to some roles names them (`x-roles`, and in its description) and gets a 403;
//! - an operation with a request body gets 400 (malformed), 413 (too large) and 422 (validation);
//! - every error answer (4xx/5xx) carries the problem+json body ([`Problem`], RFC 9457).

use dtpilot_api_types::Problem;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{Components, Content, InfoBuilder, OpenApi, Ref, RefOr};
use utoipa::{OpenApi as _, PartialSchema, ToSchema};

use crate::routes::{self, Method, PathId, RouteInfo, Who};

/// The name of the security scheme (a JWT access token from `POST /api/v1/auth/login`).
pub const BEARER: &str = "bearer";

/// The content type of every error answer.
pub const PROBLEM_JSON: &str = dtpilot_api_types::problem::PROBLEM_CONTENT_TYPE;

const DESCRIPTION: &str = "长治市中小企业数字化转型城市试点平台的 HTTP API(SPEC §7)。\n\n\
- JSON,路径前缀 `/api/v1`;除标明公开(public)的接口外,都需要 `Authorization: Bearer <access_token>`\
(由 `POST /api/v1/auth/login` 取得)。\n\
- 金额一律是 JSON 字符串(`\"350000.00\"`),从不使用数字:请求须匹配 `^\\d+(\\.\\d{1,2})?$`,应答总是两位小数。\n\
- 错误一律是 RFC 9457 problem details(`application/problem+json`:`type`、`title`、`status`、`detail`、`code`,\
422 另有 `errors: [{field, message}]`)。400 请求格式错误 · 401 未登录 · 403 角色无权 · \
404 不存在或不在可见范围内(不泄露是否存在) · 409 状态冲突、重复或版本过期 · 413 请求体过大 · 422 校验失败 · 429 过于频繁。\n\
- 每个接口的 `x-roles` 写明允许的角色(`any signed-in` 表示所有已登录角色,结果按角色范围过滤)。";

/// Tags in display order, with what they group.
const TAGS: &[(&str, &str)] = &[
    ("auth", "登录、令牌、当前用户与账号"),
    ("enterprises", "试点企业、服务商分配、诊断报告"),
    ("providers", "服务商资源池"),
    ("batches", "批次"),
    ("projects", "改造项目:申报、初审、综合评审、支出、验收、取消"),
    ("notices", "公示"),
    ("payments", "支付指令(台账)"),
    ("ledger", "其他补助、奖励与预算(R10–R13)"),
    ("dashboard", "看板"),
    ("exports", "Excel 导出:项目清单、支付指令、公示清单(与对应列表同范围、同筛选)"),
    ("reports", "周调度 / 月通报(JSON 或 xlsx)"),
    ("imports", "企业摸底名单导入(模板、导入、记录)"),
    ("audit", "审计日志"),
    ("policy", "待确认的政策解释及市工信局的确认"),
    ("public", "公开接口:测算、参考数据、政策"),
    ("meta", "健康检查与本文档"),
];

/// The whole document.
pub fn document() -> OpenApi {
    let mut doc = routes::RoutePaths::openapi();
    doc.info = InfoBuilder::new()
        .title("dtpilot API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(DESCRIPTION))
        .build();
    doc.tags =
        Some(TAGS.iter().map(|(name, what)| TagBuilder::new().name(*name).description(Some(*what)).build()).collect());
    let components = doc.components.get_or_insert_with(Components::new);
    components.security_schemes.insert(
        BEARER.to_string(),
        RefOr::T(SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build())),
    );
    let mut problem_schemas = vec![(Problem::name().into_owned(), Problem::schema())];
    Problem::schemas(&mut problem_schemas);
    components.schemas.extend(problem_schemas);
    for route in routes::ROUTES {
        if let Some(op) = operation_mut(&mut doc, route) {
            complete(route, op);
        }
    }
    doc
}

/// The operation the document has for `route`, if any.
pub fn operation_mut<'a>(doc: &'a mut OpenApi, route: &RouteInfo) -> Option<&'a mut Operation> {
    let item = doc.paths.paths.get_mut(route.path)?;
    match route.method {
        Method::Get => item.get.as_mut(),
        Method::Post => item.post.as_mut(),
        Method::Patch => item.patch.as_mut(),
    }
}

/// The roles as the document names them.
pub fn roles_label(who: Who) -> String {
    match who {
        Who::Public => "public".into(),
        Who::AnySignedIn => "any signed-in".into(),
        Who::Roles(roles) => roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(", "),
    }
}

fn problem(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(PROBLEM_JSON, Content::new(Some(Ref::from_schema_name(Problem::name()))))
            .build(),
    )
}

/// The text up to the first `. `, `: ` or `; ` outside parentheses (or all of it), if any.
fn first_sentence(text: &str) -> Option<String> {
    let mut depth = 0_i32;
    let mut end = text.len();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '(' | '\u{ff08}' => depth += 1,
            ')' | '\u{ff09}' => depth -= 1,
            '.' | ':' | ';' if depth <= 0 && chars.peek().is_some_and(|(_, next)| next.is_whitespace()) => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let first = text[..end].trim().trim_end_matches('.');
    (!first.is_empty()).then(|| first.to_string())
}

/// Add what the route table knows to the handler's own annotation.
fn complete(route: &RouteInfo, op: &mut Operation) {
    let label = roles_label(route.who);
    let extensions = ExtensionsBuilder::new().add("x-roles", label.clone()).build();
    match op.extensions.as_mut() {
        Some(e) => e.merge(extensions),
        None => op.extensions = Some(extensions),
    }
    let scoped =
        if route.id == PathId::None { "结果按角色范围过滤" } else { "不在角色范围内的对象答 404" };
    let access = match route.who {
        Who::Public => "**公开**(无需登录)。".to_string(),
        Who::AnySignedIn => format!("**角色**:所有已登录角色({scoped})。"),
        Who::Roles(_) => format!("**角色**:{label}(其他角色答 403;{scoped})。"),
    };
    // utoipa makes the doc comment's first paragraph the summary: keep its first sentence there
    // and the whole text in the description, after who may call the route.
    let text = [op.summary.take(), op.description.take()]
        .into_iter()
        .flatten()
        .map(|t| t.replace('\n', " "))
        .filter(|t| !t.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    op.summary = first_sentence(&text);
    op.description = Some(if text.is_empty() { access } else { format!("{access}\n\n{text}") });
    let responses = &mut op.responses.responses;
    let mut add = |status: &str, description: &str| {
        responses.entry(status.to_string()).or_insert_with(|| problem(description));
    };
    if route.who.needs_token() {
        op.security = Some(vec![SecurityRequirement::new(BEARER, Vec::<String>::new())]);
        add("401", "未登录、令牌无效或已过期");
    }
    if let Who::Roles(_) = route.who {
        add("403", "当前角色无权执行此操作");
    }
    if op.request_body.is_some() {
        add("400", "请求体不是有效的 JSON 对象(或不是 multipart/form-data)");
        add("413", "请求体过大");
        add("422", "字段校验失败(`errors` 逐项列出)");
    }
    // Every error answer is problem+json, whatever the annotation wrote.
    for (status, response) in op.responses.responses.iter_mut() {
        let is_error = status.starts_with('4') || status.starts_with('5');
        if let (true, RefOr::T(r)) = (is_error, response)
            && r.content.is_empty()
        {
            r.content
                .insert(PROBLEM_JSON.to_string(), RefOr::T(Content::new(Some(Ref::from_schema_name(Problem::name())))));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;

    fn json() -> Value {
        serde_json::to_value(document()).expect("the document serialises")
    }

    #[test]
    fn summaries_are_first_sentences() {
        assert_eq!(first_sentence("Sign in: a token. More."), Some("Sign in".into()));
        assert_eq!(
            first_sentence("Scoped (city: all; county: its own). More"),
            Some("Scoped (city: all; county: its own)".into())
        );
        assert_eq!(first_sentence("One batch.\n\nMore"), Some("One batch".into()));
        assert_eq!(first_sentence("One batch."), Some("One batch".into()));
        assert_eq!(first_sentence(""), None);
    }

    /// Every route of the table is in the document with its method, and nothing else is.
    #[test]
    fn every_route_is_documented_and_nothing_else() {
        let doc = json();
        let mut documented = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for method in ["get", "post", "patch", "put", "delete", "head", "options", "trace"] {
                if item.get(method).is_some() {
                    documented.insert((method.to_uppercase(), path.clone()));
                }
            }
        }
        let table: BTreeSet<(String, String)> =
            routes::ROUTES.iter().map(|r| (r.method.as_str().to_string(), r.path.to_string())).collect();
        let missing: Vec<_> = table.difference(&documented).collect();
        let extra: Vec<_> = documented.difference(&table).collect();
        assert!(missing.is_empty(), "routes of routes/mod.rs missing from the OpenAPI document: {missing:?}");
        assert!(extra.is_empty(), "documented operations no route serves: {extra:?}");
    }

    #[test]
    fn access_errors_and_schemas_follow_the_table() {
        let doc = json();
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(doc["components"]["securitySchemes"][BEARER]["scheme"], "bearer");
        for r in routes::ROUTES {
            let op = &doc["paths"][r.path][r.method.as_str().to_lowercase()];
            let name = format!("{} {}", r.method.as_str(), r.path);
            assert_eq!(op["x-roles"], roles_label(r.who), "{name}");
            assert_eq!(op["security"].is_array(), r.who.needs_token(), "{name}");
            assert!(op["responses"]["401"].is_object() || !r.who.needs_token(), "{name}: no 401");
            assert!(op["responses"]["403"].is_object() || !matches!(r.who, Who::Roles(_)), "{name}: no 403");
            let success = op["responses"]
                .as_object()
                .expect("responses")
                .keys()
                .any(|s| s.starts_with('2') || s.starts_with('3'));
            assert!(success, "{name}: no success answer");
            if r.path.contains("{id}") {
                let params = op["parameters"].as_array().cloned().unwrap_or_default();
                assert!(params.iter().any(|p| p["name"] == "id" && p["in"] == "path"), "{name}: {{id}} undocumented");
            }
            for (status, response) in op["responses"].as_object().expect("responses") {
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        response["content"][PROBLEM_JSON]["schema"]["$ref"], "#/components/schemas/Problem",
                        "{name} {status}"
                    );
                }
            }
        }
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["Money"]["pattern"], dtpilot_domain::openapi::MONEY_PATTERN);
        assert_eq!(schemas["Money"]["type"], "string");
        assert_eq!(
            (schemas["DigitalLevel"]["minimum"].as_i64(), schemas["DigitalLevel"]["maximum"].as_i64()),
            (Some(1), Some(4))
        );
        assert!(schemas["Problem"]["properties"]["type"].is_object());
        assert!(schemas["County"]["enum"].as_array().is_some_and(|e| e.len() == 14));
        // Every `$ref` resolves.
        let text = doc.to_string();
        for piece in text.split("\"#/components/schemas/").skip(1) {
            let name = piece.split('"').next().unwrap_or_default();
            assert!(schemas.get(name).is_some(), "dangling $ref to {name}");
        }
    }
}
