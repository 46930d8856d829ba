//! Access tokens: short-lived JWTs, HS256 pinned, `exp`/`iat`/`iss`/`aud` required and checked.
//! The key comes from `DTPILOT_JWT_SECRET`, or is generated once into the data dir.

use std::io::Write;
use std::path::Path;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};

const ISSUER: &str = "dtpilot";
const AUDIENCE: &str = "dtpilot-api";
const KEY_FILE: &str = "jwt-secret";
/// The least secret length accepted (bytes).
const MIN_SECRET_BYTES: usize = 32;

/// What an access token says about its bearer. Scope travels in the token so no request needs a
/// database read to know it; tokens live minutes, and a disabled account cannot refresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub county: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eid: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<i64>,
    /// The sign-in (refresh-token family) the token belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

/// The signing keys and the access-token lifetime.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub access_ttl_secs: u64,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys").field("access_ttl_secs", &self.access_ttl_secs).finish_non_exhaustive()
    }
}

impl JwtKeys {
    pub fn from_secret(secret: &[u8], access_ttl_secs: u64) -> Result<JwtKeys, String> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(format!("JWT 密钥至少需要 {MIN_SECRET_BYTES} 字节"));
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Ok(JwtKeys {
            encoding: EncodingKey::from_secret(secret).map_err(|e| e.to_string())?,
            decoding: DecodingKey::from_secret(secret).map_err(|e| e.to_string())?,
            validation,
            access_ttl_secs,
        })
    }

    /// `DTPILOT_JWT_SECRET` if set; else the key kept in `<data dir>/jwt-secret`, generated on first
    /// start (with a warning: several servers behind one address must share one secret).
    pub fn load(env_secret: Option<String>, data_dir: &Path, access_ttl_secs: u64) -> Result<JwtKeys, String> {
        if let Some(secret) = env_secret {
            return JwtKeys::from_secret(secret.as_bytes(), access_ttl_secs);
        }
        let path = data_dir.join(KEY_FILE);
        let secret = match std::fs::read_to_string(&path) {
            Ok(text) => text.trim().to_string(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir)
                    .map_err(|e| format!("无法创建数据目录 {}: {e}", data_dir.display()))?;
                let mut bytes = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut bytes);
                let secret = hex::encode(bytes);
                write_private(&path, &secret).map_err(|e| format!("无法写入 {}: {e}", path.display()))?;
                tracing::warn!(path = %path.display(), "DTPILOT_JWT_SECRET is not set: generated a signing key in the data dir");
                secret
            }
            Err(e) => return Err(format!("无法读取 {}: {e}", path.display())),
        };
        JwtKeys::from_secret(secret.as_bytes(), access_ttl_secs)
    }

    /// A signed access token for these claims' subject, valid `access_ttl_secs` from `now`.
    pub fn issue(&self, mut claims: Claims, now: i64) -> Result<String, String> {
        claims.iat = now;
        claims.exp = now + i64::try_from(self.access_ttl_secs).unwrap_or(i64::MAX / 2);
        claims.iss = ISSUER.to_string();
        claims.aud = AUDIENCE.to_string();
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(|e| e.to_string())
    }

    /// The claims of a valid token: signature, algorithm, expiry, issuer and audience checked.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok().map(|d| d.claims)
    }
}

/// Claims without the registered fields (`issue` fills them).
pub fn claims_for(user_id: i64, role: &str, county: Option<&str>, eid: Option<i64>, pid: Option<i64>) -> Claims {
    Claims {
        sub: user_id.to_string(),
        role: role.to_string(),
        county: county.map(str::to_string),
        eid,
        pid,
        sid: None,
        iat: 0,
        exp: 0,
        iss: String::new(),
        aud: String::new(),
    }
}

fn write_private(path: &Path, secret: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(secret.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::from_secret(&[7u8; 32], 900).unwrap()
    }

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    #[test]
    fn round_trip_and_claims() {
        let k = keys();
        let token = k.issue(claims_for(42, "county", Some("luzhou"), None, None), now()).unwrap();
        let c = k.verify(&token).unwrap();
        assert_eq!((c.sub.as_str(), c.role.as_str(), c.county.as_deref()), ("42", "county", Some("luzhou")));
        assert_eq!(c.exp - c.iat, 900);
    }

    #[test]
    fn expired_foreign_key_other_algorithm_and_tampering_are_refused() {
        let k = keys();
        let old = k.issue(claims_for(1, "city", None, None, None), now() - 3600).unwrap();
        assert!(k.verify(&old).is_none(), "expired");
        let other = JwtKeys::from_secret(&[8u8; 32], 900).unwrap();
        let foreign = other.issue(claims_for(1, "city", None, None, None), now()).unwrap();
        assert!(k.verify(&foreign).is_none(), "other key");
        // HS512 with the right key: the algorithm is pinned to HS256.
        let mut c = claims_for(1, "city", None, None, None);
        (c.iat, c.exp, c.iss, c.aud) = (now(), now() + 60, ISSUER.into(), AUDIENCE.into());
        let hs512 =
            jsonwebtoken::encode(&Header::new(Algorithm::HS512), &c, &EncodingKey::from_secret(&[7u8; 32]).unwrap())
                .unwrap();
        assert!(k.verify(&hs512).is_none(), "algorithm");
        // wrong audience
        c.aud = "someone-else".into();
        let aud =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &c, &EncodingKey::from_secret(&[7u8; 32]).unwrap())
                .unwrap();
        assert!(k.verify(&aud).is_none(), "audience");
        // tampered payload
        let good = k.issue(claims_for(1, "enterprise", None, Some(1), None), now()).unwrap();
        let mut parts: Vec<String> = good.split('.').map(str::to_string).collect();
        parts[1] = parts[1].chars().rev().collect();
        assert!(k.verify(&parts.join(".")).is_none(), "tampered");
        assert!(k.verify("not a token").is_none());
    }

    #[test]
    fn short_secret_refused_and_generated_key_is_kept() {
        assert!(JwtKeys::from_secret(b"short", 900).is_err());
        let dir = tempfile::tempdir().unwrap();
        let a = JwtKeys::load(None, dir.path(), 900).unwrap();
        let b = JwtKeys::load(None, dir.path(), 900).unwrap();
        let token = a.issue(claims_for(1, "admin", None, None, None), now()).unwrap();
        assert!(b.verify(&token).is_some(), "the generated key survives a restart");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
