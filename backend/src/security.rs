//! The security headers of every answer (SPEC §9.2), added by one middleware around the whole
//! application ([`crate::app::build`]): the API, its errors, `/healthz`, the SPA's files and the
//! Swagger UI alike.
//!
//! - every answer: `X-Content-Type-Options: nosniff` (a download is never run as a page),
//!   `Referrer-Policy: no-referrer` (no URL of the application leaks to another site) and
//!   `X-Frame-Options: DENY` (no framing, for browsers older than `frame-ancestors`);
//! - HTML answers (the SPA's `index.html`, its "not built" page, the Swagger UI page):
//!   [`CONTENT_SECURITY_POLICY`];
//! - with `serve --hsts` (behind a proxy that terminates TLS): `Strict-Transport-Security`.
//!
//! # What the pages need, and no more
//! - The SPA: its scripts are files of this origin — the bootstrap `boot.js` written by `xtask`
//!   (index.html has no inline script), the wasm-bindgen glue and the split loader, which
//!   instantiate WebAssembly (`'wasm-unsafe-eval'`; no `eval`, no `new Function`); its CSS is a
//!   file, and the one computed style (the progress bar's width) is set through the CSSOM, which
//!   `style-src` does not govern; it talks to the API of this origin; downloads are `blob:` URLs
//!   followed by a link, which is a navigation, not a fetch.
//! - The Swagger UI (`/api/docs/`, vendored): its page loads `swagger-ui-bundle.js`,
//!   `swagger-ui-standalone-preset.js`, `swagger-initializer.js` and two stylesheets, all files of
//!   this origin; its stylesheet draws icons from `data:` images; React sets styles through the
//!   CSSOM. But `swagger-ui-bundle.js` also inserts one `<style>` element of its own (found by the
//!   browser test, which counts every CSP violation as an error): the pages under `/api/docs` allow
//!   exactly that element by its hash ([`DOCS_CONTENT_SECURITY_POLICY`]), nothing else inline.
//!
//! Neither needs `'unsafe-inline'` or `'unsafe-eval'`; `tests/blackbox_security.rs` checks the
//! pages carry no inline script or style, and the browser test that no violation is reported.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;

/// The policy of every HTML answer.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// The SHA-256 of the one `<style>` element the vendored `swagger-ui-bundle.js` inserts (as the
/// browser reports it when the element is refused); a new Swagger UI version with another element
/// shows as a violation in the browser test.
pub const SWAGGER_UI_STYLE_HASH: &str = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";

/// The policy of the Swagger UI's pages (`/api/docs…`): [`CONTENT_SECURITY_POLICY`] with that one
/// style element allowed.
pub const DOCS_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; img-src 'self' data:; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// `--hsts`: a year, this host only (other hosts of the domain may not have TLS).
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// Which headers to add.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SecurityHeaders {
    /// `--hsts`: add `Strict-Transport-Security`.
    pub hsts: bool,
}

impl SecurityHeaders {
    /// Adds the headers to `response` (a header the handler set itself is left as it is).
    pub fn apply(self, headers: &mut actix_web::http::header::HeaderMap) {
        self.apply_for(headers, false);
    }

    /// [`SecurityHeaders::apply`]; `docs`: the answer is a page of the Swagger UI.
    pub fn apply_for(self, headers: &mut actix_web::http::header::HeaderMap, docs: bool) {
        let mut set = |name: HeaderName, value: &'static str| {
            if !headers.contains_key(&name) {
                headers.insert(name, HeaderValue::from_static(value));
            }
        };
        set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
        set(header::REFERRER_POLICY, "no-referrer");
        set(header::X_FRAME_OPTIONS, "DENY");
        if self.hsts {
            set(header::STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY);
        }
        let html = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.trim_start().to_ascii_lowercase().starts_with("text/html"));
        if html && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
            let policy = if docs { DOCS_CONTENT_SECURITY_POLICY } else { CONTENT_SECURITY_POLICY };
            headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
        }
    }

    /// The middleware (`App::wrap(actix_web::middleware::from_fn(…))`). Handlers' and extractors'
    /// errors reach it as answers (actix turns them into responses at the route), so they get the
    /// headers too.
    pub async fn middleware(
        self,
        req: ServiceRequest,
        next: Next<impl MessageBody + 'static>,
    ) -> Result<ServiceResponse<impl MessageBody>, Error> {
        let docs = req.path().starts_with("/api/docs");
        let mut res = next.call(req).await?;
        self.apply_for(res.headers_mut(), docs);
        Ok(res)
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::HeaderMap;

    use super::*;

    fn applied(hsts: bool, content_type: Option<&'static str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(ct) = content_type {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        SecurityHeaders { hsts }.apply(&mut headers);
        headers
    }

    #[test]
    fn html_gets_the_policy_everything_gets_the_rest() {
        let json = applied(false, Some("application/json"));
        assert_eq!(json.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
        assert_eq!(json.get(header::REFERRER_POLICY).unwrap(), "no-referrer");
        assert!(json.get(header::CONTENT_SECURITY_POLICY).is_none());
        assert!(json.get(header::STRICT_TRANSPORT_SECURITY).is_none());
        let html = applied(true, Some("text/html; charset=utf-8"));
        let csp = html.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
        for d in ["default-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "'wasm-unsafe-eval'"] {
            assert!(csp.contains(d), "{d}");
        }
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(html.get(header::STRICT_TRANSPORT_SECURITY).unwrap(), STRICT_TRANSPORT_SECURITY);
        assert!(applied(false, None).get(header::CONTENT_SECURITY_POLICY).is_none());
    }

    #[test]
    fn the_docs_policy_allows_only_the_swagger_style_element_more() {
        assert!(DOCS_CONTENT_SECURITY_POLICY.contains(SWAGGER_UI_STYLE_HASH));
        assert_eq!(
            DOCS_CONTENT_SECURITY_POLICY.replace(&format!(" {SWAGGER_UI_STYLE_HASH}"), ""),
            CONTENT_SECURITY_POLICY
        );
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        SecurityHeaders { hsts: false }.apply_for(&mut headers, true);
        assert_eq!(
            headers.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()),
            Some(DOCS_CONTENT_SECURITY_POLICY)
        );
    }
}
