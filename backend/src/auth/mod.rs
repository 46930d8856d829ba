//! Authentication: argon2id passwords checked on the blocking pool behind a bound, short-lived JWT
//! access tokens, rotated refresh tokens, login throttling, and the [`Caller`] extractor every
//! protected handler takes.

pub mod caller;
pub mod jwt;
pub mod refresh;
pub mod throttle;

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use tokio::sync::Semaphore;

pub use caller::Caller;
pub use jwt::JwtKeys;

use crate::error::ApiError;

/// How long a request waits for a hashing slot before answering 503.
const HASH_QUEUE_TIMEOUT: Duration = Duration::from_secs(15);

/// Keys and the bound on concurrent password hashing.
pub struct Auth {
    pub keys: JwtKeys,
    hashing: Arc<Semaphore>,
}

impl Auth {
    /// `max_concurrent_hashes` argon2 computations at once (each takes ~19 MiB and tens of ms); the
    /// rest wait without holding a worker, so a login flood cannot starve other requests.
    pub fn new(keys: JwtKeys, max_concurrent_hashes: usize) -> Auth {
        Auth { keys, hashing: Arc::new(Semaphore::new(max_concurrent_hashes.max(1))) }
    }

    /// Run password work (`f`) on the blocking pool, at most the bound at a time.
    pub async fn hashing<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit = actix_web::rt::time::timeout(HASH_QUEUE_TIMEOUT, self.hashing.clone().acquire_owned())
            .await
            .map_err(|_| ApiError::Unavailable("登录请求过多,请稍后再试"))?
            .map_err(ApiError::internal)?;
        let out = web::block(move || {
            let value = f();
            drop(permit);
            value
        })
        .await
        .map_err(ApiError::internal)?;
        Ok(out)
    }
}
