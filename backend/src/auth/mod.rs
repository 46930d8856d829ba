//! Authentication: argon2id passwords checked on the blocking pool behind a bound, short-lived JWT
//! access tokens, rotated refresh tokens, login throttling, and the [`Caller`] extractor every
//! protected handler takes.

pub mod caller;
pub mod jwt;
pub mod refresh;
pub mod throttle;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::web;
use tokio::sync::Semaphore;

pub use caller::Caller;
pub use jwt::JwtKeys;

use crate::error::ApiError;

/// The longest a request already admitted to the hashing queue waits for a slot (a backstop: the
/// queue is bounded so that it drains in about a second).
const HASH_QUEUE_TIMEOUT: Duration = Duration::from_secs(3);
/// How long the admitted queue may take to drain.
const QUEUE_DRAIN: Duration = Duration::from_secs(1);
/// The first guess of one hash's duration, until one has been measured.
const INITIAL_HASH_NANOS: u64 = 50_000_000;
/// At least this many requests per hashing slot, however slow hashing is (a few simultaneous
/// sign-ins, e.g. the demo's six, are never refused).
const MIN_QUEUE_PER_SLOT: usize = 4;
/// At most this many requests per hashing slot, however fast hashing is.
const MAX_QUEUE_PER_SLOT: usize = 64;

/// How long a request may rely on an account status read by an earlier one. Changes made by this
/// server take effect at once ([`Auth::forget_status`]); another server of a deployment sees them
/// within this time.
pub const STATUS_TTL: Duration = Duration::from_secs(2);
/// The cache of account statuses is emptied when it holds more than this many.
const STATUS_CACHE_MAX: usize = 10_000;

type StatusCache = HashMap<i64, (Option<crate::users::AccountStatus>, Instant)>;

/// Keys, the bound on concurrent password hashing and the account statuses lately read.
pub struct Auth {
    statuses: Mutex<StatusCache>,
    /// Incremented whenever a status is forgotten: a read that began before must not be cached.
    status_epoch: AtomicU64,
    pub keys: JwtKeys,
    hashing: Arc<Semaphore>,
    slots: usize,
    /// Requests admitted to hashing (waiting or running).
    admitted: Arc<AtomicUsize>,
    /// A moving average of one hash's duration.
    hash_nanos: AtomicU64,
}

/// Leaves the hashing queue when dropped (also when the request is abandoned).
struct Admitted(Arc<AtomicUsize>);

impl Drop for Admitted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Pure: how many requests may be admitted to hashing so that they are all served within
/// [`QUEUE_DRAIN`], given `slots` parallel hashes of `hash_nanos` each (at least one per slot).
pub fn queue_limit(slots: usize, hash_nanos: u64) -> usize {
    let per_slot = (QUEUE_DRAIN.as_nanos() / u128::from(hash_nanos.max(1)))
        .clamp(MIN_QUEUE_PER_SLOT as u128, MAX_QUEUE_PER_SLOT as u128);
    slots * per_slot as usize
}

impl Auth {
    /// `max_concurrent_hashes` argon2 computations at once (each takes ~19 MiB and tens of ms); the
    /// rest wait without holding a worker, so a login flood cannot starve other requests. More
    /// than can be served within about a second are refused at once (503 with `Retry-After`).
    pub fn new(keys: JwtKeys, max_concurrent_hashes: usize) -> Auth {
        let slots = max_concurrent_hashes.max(1);
        Auth {
            keys,
            hashing: Arc::new(Semaphore::new(slots)),
            slots,
            admitted: Arc::new(AtomicUsize::new(0)),
            hash_nanos: AtomicU64::new(INITIAL_HASH_NANOS),
            statuses: Mutex::new(HashMap::new()),
            status_epoch: AtomicU64::new(0),
        }
    }

    /// The status of account `id` if read within [`STATUS_TTL`].
    pub fn cached_status(&self, id: i64) -> Option<Option<crate::users::AccountStatus>> {
        let cache = self.statuses.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.get(&id).filter(|(_, at)| at.elapsed() < STATUS_TTL).map(|(s, _)| s.clone())
    }

    /// Where the statuses stand before a read (pass it to [`Auth::remember_status`]).
    pub fn status_epoch(&self) -> u64 {
        self.status_epoch.load(Ordering::SeqCst)
    }

    /// Cache a status read since `epoch`, unless an account changed meanwhile (the read may be stale).
    pub fn remember_status(&self, id: i64, status: Option<crate::users::AccountStatus>, epoch: u64) {
        let mut cache = self.statuses.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.status_epoch.load(Ordering::SeqCst) != epoch {
            return;
        }
        if cache.len() >= STATUS_CACHE_MAX {
            cache.clear();
        }
        cache.insert(id, (status, Instant::now()));
    }

    /// Account `id` changed: the next request reads it again.
    pub fn forget_status(&self, id: i64) {
        let mut cache = self.statuses.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        self.status_epoch.fetch_add(1, Ordering::SeqCst);
        cache.remove(&id);
    }

    fn busy() -> ApiError {
        ApiError::Overloaded { retry_after_secs: 1 }
    }

    /// Run password work (`f`) on the blocking pool, at most the bound at a time; 503 at once when
    /// the queue is full.
    pub async fn hashing<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        self.hashing_counted(move || (f(), 1)).await
    }

    /// [`Auth::hashing`] of work that computes as many hashes as it says (`POST /users/bulk`: one
    /// per account), so the moving average stays the time of one hash.
    pub async fn hashing_counted<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce() -> (T, u32) + Send + 'static,
    {
        let limit = queue_limit(self.slots, self.hash_nanos.load(Ordering::Relaxed));
        let before = self.admitted.fetch_add(1, Ordering::SeqCst);
        let _admitted = Admitted(self.admitted.clone());
        if before >= limit {
            return Err(Self::busy());
        }
        let permit = actix_web::rt::time::timeout(HASH_QUEUE_TIMEOUT, self.hashing.clone().acquire_owned())
            .await
            .map_err(|_| Self::busy())?
            .map_err(ApiError::internal)?;
        let (out, hashes, took) = web::block(move || {
            let started = Instant::now();
            let (value, hashes) = f();
            let took = started.elapsed();
            drop(permit);
            (value, hashes, took)
        })
        .await
        .map_err(ApiError::internal)?;
        // Moving average over about eight hashes (work that hashed nothing says nothing of it).
        if hashes > 0 {
            let took = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX) / u64::from(hashes);
            let old = self.hash_nanos.load(Ordering::Relaxed);
            self.hash_nanos.store(old - old / 8 + took / 8, Ordering::Relaxed);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::queue_limit;

    #[test]
    fn the_queue_holds_about_a_second_of_hashing() {
        assert_eq!(queue_limit(2, 50_000_000), 40);
        assert_eq!(queue_limit(4, 250_000_000), 16);
        // A very slow hash still admits four per slot; a very fast one at most 64 per slot.
        assert_eq!(queue_limit(2, 5_000_000_000), 8);
        assert_eq!(queue_limit(2, 1_000), 128);
        assert_eq!(queue_limit(1, 0), 64);
    }
}
