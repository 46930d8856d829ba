//! The API described by itself: `GET /api/openapi.json` (public), the OpenAPI 3.1 document
//! generated from the code ([`crate::openapi::document`]), and `GET /api/docs`, the Swagger UI
//! over it.
//!
//! The Swagger UI files are compiled into the binary (`utoipa-swagger-ui` with its `vendored`
//! feature: no download at build time) and the page loads nothing from elsewhere — no CDN, no
//! online validator — so it works on a machine without internet.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::error::ApiError;

/// Where the document is served.
pub const OPENAPI_PATH: &str = "/api/openapi.json";

/// Where the Swagger UI lives (`/api/docs` redirects here).
pub const DOCS_PATH: &str = "/api/docs/";

/// The document, serialised once per worker when the application is built.
pub struct ApiDocument(String);

impl ApiDocument {
    /// Generate the document; a failure to serialise it (a bug) is served as a 500 later.
    pub fn generate() -> ApiDocument {
        match crate::openapi::document().to_pretty_json() {
            Ok(json) => ApiDocument(json),
            Err(e) => {
                tracing::error!(error = %e, "the OpenAPI document does not serialise");
                ApiDocument(String::new())
            }
        }
    }
}

/// The OpenAPI 3.1 document of this server, generated from the code.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    responses((status = 200, description = "OpenAPI 3.1 文档(由代码生成)", content_type = "application/json", body = serde_json::Value))
)]
pub async fn get_openapi_json(doc: web::Data<ApiDocument>) -> Result<HttpResponse, ApiError> {
    if doc.0.is_empty() {
        return Err(ApiError::internal("the OpenAPI document does not serialise"));
    }
    Ok(HttpResponse::Ok().content_type("application/json").body(doc.0.clone()))
}

/// The API documentation page (Swagger UI, served from the binary; works without internet).
#[utoipa::path(
    get,
    path = "/api/docs",
    tag = "meta",
    responses((status = 308, description = "重定向到 `/api/docs/`(Swagger UI 页面)"))
)]
pub async fn get_docs() -> HttpResponse {
    HttpResponse::PermanentRedirect().insert_header((header::LOCATION, DOCS_PATH)).finish()
}

/// The Swagger UI's files under `/api/docs/`, reading [`OPENAPI_PATH`].
pub fn swagger_ui() -> SwaggerUi {
    let config = Config::new([OPENAPI_PATH])
        // The default validator badge would call validator.swagger.io.
        .validator_url("none")
        .filter(true)
        .display_operation_id(true)
        .persist_authorization(false)
        .try_it_out_enabled(true);
    SwaggerUi::new("/api/docs/{_:.*}").config(config)
}

#[cfg(test)]
mod tests {
    use actix_web::{App, test};

    async fn get(path: &str) -> (u16, String) {
        let app = test::init_service(App::new().configure(crate::routes::configure)).await;
        let resp = test::call_service(&app, test::TestRequest::get().uri(path).to_request()).await;
        let status = resp.status().as_u16();
        let body = test::read_body(resp).await;
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// Every `src="…"`/`href="…"` of the page.
    fn references(html: &str) -> Vec<String> {
        ["src=\"", "href=\""]
            .iter()
            .flat_map(|attr| {
                html.split(attr).skip(1).map(|rest| rest.split('"').next().unwrap_or_default().to_string())
            })
            .collect()
    }

    #[actix_web::test]
    async fn the_docs_page_works_offline() {
        let (status, _) = get("/api/docs").await;
        assert_eq!(status, 308);
        let (status, html) = get("/api/docs/").await;
        assert_eq!(status, 200);
        let refs = references(&html);
        assert!(refs.len() >= 4, "{refs:?}");
        for r in &refs {
            assert!(!r.contains("//") && !r.contains(':'), "the docs page loads {r} from elsewhere");
            let (status, body) = get(&format!("/api/docs/{}", r.trim_start_matches("./"))).await;
            assert_eq!(status, 200, "{r}");
            if r.ends_with(".css") {
                assert!(!body.contains("@import") && !body.contains("url(http"), "{r} loads from elsewhere");
            }
        }
        let (_, init) = get("/api/docs/swagger-initializer.js").await;
        assert!(init.contains(&format!("\"url\": \"{}\"", super::OPENAPI_PATH)), "{init}");
        assert!(init.contains("\"validatorUrl\": \"none\""), "{init}");
        let (status, doc) = get(super::OPENAPI_PATH).await;
        assert_eq!(status, 200);
        let doc: serde_json::Value = serde_json::from_str(&doc).expect("JSON");
        assert_eq!(doc["openapi"], "3.1.0");
    }
}
