//! The typed client of the REST API (`/api/v1`, same origin), over `gloo-net`, using the wire
//! types of `dtpilot-api-types`. Every call but login/refresh/quote carries the bearer token.

use dtpilot_api_types::Problem;
use dtpilot_api_types::auth::{LoginRequest, RefreshRequest, TokenResponse, UserView};
use dtpilot_api_types::{QuoteResponse, problem::FieldError};
use gloo_net::http::{Request, RequestBuilder, Response};
use leptos::wasm_bindgen::{JsCast, JsValue, closure::Closure};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub const BASE: &str = "/api/v1";

/// A failed call: the problem+json of the server, or no answer at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The server answered with an error status (its `detail` and `errors` are Chinese).
    Problem(Problem),
    /// No usable answer (network down, not JSON…).
    Network(String),
}

impl ApiError {
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            ApiError::Problem(p) => &p.errors,
            ApiError::Network(_) => &[],
        }
    }

    /// An error found before asking the server (a file not chosen), shown beside `field`.
    pub fn local(field: &str, message: &str) -> ApiError {
        let mut p = Problem::new(422, "validation_failed", "输入有误", message);
        p.errors.push(FieldError::new(field, message));
        ApiError::Problem(p)
    }

    /// The message of the error on `field`, if the server named that field.
    pub fn on_field(&self, field: &str) -> Option<String> {
        self.field_errors().iter().find(|e| e.field == field).map(|e| e.message.clone())
    }

    /// The server's explanation (Chinese), or the network failure.
    pub fn message(&self) -> String {
        match self {
            ApiError::Problem(p) => {
                if p.detail.is_empty() {
                    p.title.clone()
                } else {
                    p.detail.clone()
                }
            }
            ApiError::Network(_) => "无法连接服务器,请检查网络后重试".to_string(),
        }
    }
}

fn network(e: impl ToString) -> ApiError {
    ApiError::Network(e.to_string())
}

async fn problem_of(response: Response) -> ApiError {
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(p) => ApiError::Problem(p),
        Err(_) => ApiError::Problem(Problem::new(status, "http_error", "请求失败", format!("HTTP {status}"))),
    }
}

async fn answer<T: DeserializeOwned>(response: Result<Response, gloo_net::Error>) -> Result<T, ApiError> {
    let response = response.map_err(network)?;
    if response.ok() {
        return response.json::<T>().await.map_err(network);
    }
    Err(problem_of(response).await)
}

fn bearer(builder: RequestBuilder, access_token: &str) -> RequestBuilder {
    builder.header("Authorization", &format!("Bearer {access_token}"))
}

pub async fn login(username: String, password: String) -> Result<TokenResponse, ApiError> {
    let request =
        Request::post(&format!("{BASE}/auth/login")).json(&LoginRequest { username, password }).map_err(network)?;
    answer(request.send().await).await
}

pub async fn refresh(refresh_token: String) -> Result<TokenResponse, ApiError> {
    let request =
        Request::post(&format!("{BASE}/auth/refresh")).json(&RefreshRequest { refresh_token }).map_err(network)?;
    answer(request.send().await).await
}

/// `POST /auth/logout` (204): the refresh token dies on the server.
pub async fn logout(access_token: &str, refresh_token: String) -> Result<(), ApiError> {
    let request = bearer(Request::post(&format!("{BASE}/auth/logout")), access_token)
        .json(&RefreshRequest { refresh_token })
        .map_err(network)?;
    let response = request.send().await.map_err(network)?;
    if response.ok() { Ok(()) } else { Err(problem_of(response).await) }
}

pub async fn me(access_token: &str) -> Result<UserView, ApiError> {
    answer(bearer(Request::get(&format!("{BASE}/me")), access_token).send().await).await
}

/// `POST /subsidy/quote`. The body is what the user typed (amounts as the strings entered), so
/// that the server's validation — and its per-field Chinese messages — is the one that applies.
pub async fn quote(body: &serde_json::Value) -> Result<QuoteResponse, ApiError> {
    let request = Request::post(&format!("{BASE}/subsidy/quote")).json(body).map_err(network)?;
    answer(request.send().await).await
}

/// A query string built from the filters that are set (`?status=submitted&page=2`), encoded.
#[derive(Debug, Default, Clone)]
pub struct Query(Vec<(String, String)>);

impl Query {
    pub fn new() -> Query {
        Query::default()
    }

    /// Add `key=value` unless the value is empty.
    pub fn set(mut self, key: &str, value: impl ToString) -> Query {
        let value = value.to_string();
        if !value.trim().is_empty() {
            self.0.push((key.to_string(), value.trim().to_string()));
        }
        self
    }

    pub fn opt<V: ToString>(self, key: &str, value: Option<V>) -> Query {
        match value {
            Some(v) => self.set(key, v),
            None => self,
        }
    }

    /// `""` or `?k=v&…`.
    pub fn string(&self) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let pairs: Vec<String> = self
            .0
            .iter()
            .map(|(k, v)| format!("{}={}", js_sys::encode_uri_component(k), js_sys::encode_uri_component(v)))
            .collect();
        format!("?{}", pairs.join("&"))
    }
}

/// `GET {BASE}{path}` as the signed-in user.
pub async fn get<T: DeserializeOwned>(token: &str, path: &str) -> Result<T, ApiError> {
    answer(bearer(Request::get(&format!("{BASE}{path}")), token).send().await).await
}

/// `POST {BASE}{path}` with a JSON body.
pub async fn post<B: Serialize, T: DeserializeOwned>(token: &str, path: &str, body: &B) -> Result<T, ApiError> {
    let request = bearer(Request::post(&format!("{BASE}{path}")), token).json(body).map_err(network)?;
    answer(request.send().await).await
}

/// `POST {BASE}{path}` with a JSON body, answered 204 (no content).
pub async fn post_no_content<B: Serialize>(token: &str, path: &str, body: &B) -> Result<(), ApiError> {
    let request = bearer(Request::post(&format!("{BASE}{path}")), token).json(body).map_err(network)?;
    let response = request.send().await.map_err(network)?;
    if response.ok() { Ok(()) } else { Err(problem_of(response).await) }
}

/// `PATCH {BASE}{path}` with a JSON body.
pub async fn patch<B: Serialize, T: DeserializeOwned>(token: &str, path: &str, body: &B) -> Result<T, ApiError> {
    let request = bearer(Request::patch(&format!("{BASE}{path}")), token).json(body).map_err(network)?;
    answer(request.send().await).await
}

/// Download `GET {BASE}{path}` (an xlsx or a PDF) as the signed-in user and hand it to the
/// browser as a file named `filename`.
pub async fn download(token: &str, path: &str, filename: &str) -> Result<(), ApiError> {
    let response = bearer(Request::get(&format!("{BASE}{path}")), token).send().await.map_err(network)?;
    save_response(response, filename).await
}

/// `POST {BASE}{path}` with a JSON body whose answer is a file (the credential sheet of
/// `POST /users/bulk?format=xlsx`), handed to the browser as `filename`.
pub async fn download_post<B: Serialize>(token: &str, path: &str, body: &B, filename: &str) -> Result<(), ApiError> {
    let request = bearer(Request::post(&format!("{BASE}{path}")), token).json(body).map_err(network)?;
    save_response(request.send().await.map_err(network)?, filename).await
}

/// Hand a successful answer's body to the browser as a file; a refusal is its problem.
async fn save_response(response: gloo_net::http::Response, filename: &str) -> Result<(), ApiError> {
    if !response.ok() {
        return Err(problem_of(response).await);
    }
    let bytes = response.binary().await.map_err(network)?;
    let array = js_sys::Uint8Array::from(bytes.as_slice());
    let parts = js_sys::Array::of1(&array);
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(js_error)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js_error)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| network("no document"))?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(js_error)?.dyn_into().map_err(|_| network("not an anchor"))?;
    anchor.set_href(&url);
    anchor.set_download(filename);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

fn js_error(e: JsValue) -> ApiError {
    ApiError::Network(format!("{e:?}"))
}

/// `POST {BASE}{path}` of a multipart form (`meta` JSON + `file`), reporting the upload's progress
/// in percent to `on_progress` (gloo-net's fetch cannot, so this uses XMLHttpRequest).
pub async fn upload<T: DeserializeOwned>(
    token: &str,
    path: &str,
    form: web_sys::FormData,
    on_progress: impl Fn(u32) + 'static,
) -> Result<T, ApiError> {
    let (status, text) = upload_answer(token, path, form, on_progress).await?;
    if (200..300).contains(&status) {
        return serde_json::from_str(&text).map_err(network);
    }
    Err(match serde_json::from_str::<Problem>(&text) {
        Ok(p) => ApiError::Problem(p),
        Err(_) => ApiError::Problem(Problem::new(status, "http_error", "请求失败", format!("HTTP {status}"))),
    })
}

/// [`upload`] answering the status and the body as they came (for answers whose error body is
/// richer than a [`Problem`], like an import's errors with their rows).
pub async fn upload_answer(
    token: &str,
    path: &str,
    form: web_sys::FormData,
    on_progress: impl Fn(u32) + 'static,
) -> Result<(u16, String), ApiError> {
    let xhr = web_sys::XmlHttpRequest::new().map_err(js_error)?;
    xhr.open("POST", &format!("{BASE}{path}")).map_err(js_error)?;
    xhr.set_request_header("Authorization", &format!("Bearer {token}")).map_err(js_error)?;
    let progress = Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
        // Byte counts (JavaScript numbers holding whole numbers) to a percentage for the bar.
        let (loaded, total) = (ev.loaded() as u64, ev.total() as u64);
        if ev.length_computable() && total > 0 {
            on_progress(u32::try_from(loaded.min(total) * 100 / total).unwrap_or(100));
        }
    });
    if let Ok(target) = xhr.upload() {
        target.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    let (sender, receiver) = futures::channel::oneshot::channel::<()>();
    let sender = std::cell::RefCell::new(Some(sender));
    let done = Closure::<dyn Fn()>::new(move || {
        if let Some(s) = sender.borrow_mut().take() {
            let _ = s.send(());
        }
    });
    xhr.set_onloadend(Some(done.as_ref().unchecked_ref()));
    xhr.send_with_opt_form_data(Some(&form)).map_err(js_error)?;
    let _ = receiver.await;
    drop((progress, done));
    let status = xhr.status().map_err(js_error)?;
    let text = xhr.response_text().map_err(js_error)?.unwrap_or_default();
    if status == 0 {
        return Err(network("upload failed"));
    }
    Ok((status, text))
}
