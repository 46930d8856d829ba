//! Password hashing: argon2id with explicit parameters (OWASP's recommendation, which are also the
//! `argon2` crate's defaults: m = 19 MiB, t = 2, p = 1), a random 16-byte salt per hash, stored as a
//! PHC string (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`).
//!
//! Everything here is synchronous and costs ~tens of milliseconds of CPU and 19 MiB of memory: the
//! server calls it on the blocking pool, behind a bound.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;

/// Memory cost in KiB (OWASP: 19 MiB).
pub const M_COST_KIB: u32 = 19_456;
/// Iterations.
pub const T_COST: u32 = 2;
/// Parallelism.
pub const P_COST: u32 = 1;

/// Upper bounds on the parameters a stored hash may ask for when it is verified: a hash is ours, but
/// a corrupt or planted one must not make one login allocate gigabytes or spin for minutes.
const VERIFY_MAX_M_COST_KIB: u32 = 262_144;
const VERIFY_MAX_T_COST: u32 = 16;
const VERIFY_MAX_P_COST: u32 = 8;

/// Hashing failed (it does not with valid parameters; kept typed rather than unwrapped).
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed: {0}")]
    Hash(argon2::password_hash::Error),
    #[error("invalid argon2 parameters: {0}")]
    Params(argon2::Error),
}

fn hasher() -> Result<Argon2<'static>, PasswordError> {
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None).map_err(PasswordError::Params)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hash a password with argon2id and a fresh random salt; returns the PHC string.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    let hash = hasher()?.hash_password(password.as_bytes(), &salt).map_err(PasswordError::Hash)?;
    Ok(hash.to_string())
}

/// Does `password` match the PHC string `phc`? `false` for a wrong password and for anything that
/// is not an argon2id hash with sane parameters; never panics. The comparison is constant-time.
pub fn verify_password(password: &str, phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    if hash.algorithm != Algorithm::Argon2id.ident() {
        return false;
    }
    let Ok(params) = Params::try_from(&hash) else {
        return false;
    };
    if params.m_cost() > VERIFY_MAX_M_COST_KIB
        || params.t_cost() > VERIFY_MAX_T_COST
        || params.p_cost() > VERIFY_MAX_P_COST
    {
        return false;
    }
    // The verifier takes algorithm, version and parameters from the stored hash.
    Argon2::default().verify_password(password.as_bytes(), &hash).is_ok()
}

/// Was `phc` made with other parameters than today's (so it should be re-hashed after a
/// successful login)? `true` for anything unparsable.
pub fn needs_rehash(phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return true;
    };
    let Ok(params) = Params::try_from(&hash) else {
        return true;
    };
    hash.algorithm != Algorithm::Argon2id.ident()
        || hash.version != Some(u32::from(Version::V0x13))
        || params.m_cost() != M_COST_KIB
        || params.t_cost() != T_COST
        || params.p_cost() != P_COST
}

/// Used only if hashing the dummy failed (it does not): a real argon2id hash, same parameters, of
/// 64 random hex digits that were thrown away.
const FALLBACK_DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$mDAqQpDtI7fKp2RY/atVhQ$CNceTeDJ7fdzftNbyzZv9Woe5D/rvALZw3eAUvWu8CU";

/// A valid hash of a password nobody knows, computed once. Verifying a login of an unknown user
/// against it costs the same as for a known user, so the answer's timing does not reveal which
/// usernames exist.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut secret = [0u8; 32];
        rand::RngCore::fill_bytes(&mut OsRng, &mut secret);
        let secret: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        hash_password(&secret).unwrap_or_else(|_| FALLBACK_DUMMY_HASH.to_string())
    })
}

/// The bundled common passwords (`backend/common-passwords.txt`; lines beginning `# ` are notes).
const COMMON_PASSWORDS: &str = include_str!("../common-passwords.txt");

/// Whether `password` is one of the bundled common passwords, without regard to case.
pub fn is_common(password: &str) -> bool {
    static COMMON: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    let set = COMMON.get_or_init(|| {
        COMMON_PASSWORDS.lines().filter(|l| !l.starts_with("# ") && !l.is_empty()).map(str::to_lowercase).collect()
    });
    set.contains(&password.to_lowercase())
}

/// A one-time password for an account made in bulk: 14 characters from letters and digits that
/// cannot be mistaken for one another on paper (no `0/O`, `1/l/I`), from the operating system's
/// generator (about 80 bits). The caller still validates it like any password.
pub fn one_time_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..14).map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let phc = hash_password("correct horse battery staple").expect("hash");
        assert!(verify_password("correct horse battery staple", &phc));
        assert!(!verify_password("correct horse battery stapl", &phc));
        assert!(!verify_password("", &phc));
        assert!(!needs_rehash(&phc));
    }

    #[test]
    fn unicode_passwords() {
        let phc = hash_password("数字化转型城市试点🔒").expect("hash");
        assert!(verify_password("数字化转型城市试点🔒", &phc));
        assert!(!verify_password("数字化转型城市试点", &phc));
    }

    #[test]
    fn salts_differ() {
        let a = hash_password("same password").expect("hash");
        let b = hash_password("same password").expect("hash");
        assert_ne!(a, b);
        assert!(verify_password("same password", &a) && verify_password("same password", &b));
    }

    #[test]
    fn phc_string_names_argon2id_and_the_owasp_parameters() {
        let phc = hash_password("whatever-password").expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        let parts: Vec<&str> = phc.split('$').collect();
        assert_eq!(parts.len(), 6, "{phc}");
        // 16-byte salt, 32-byte output, unpadded base64.
        assert_eq!(parts[4].len(), 22, "{phc}");
        assert_eq!(parts[5].len(), 43, "{phc}");
    }

    #[test]
    fn malformed_hashes_are_false_not_panics() {
        for bad in [
            "",
            "not a hash",
            "$argon2id$",
            "$argon2id$v=19$m=19456,t=2,p=1$",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ",
            "$argon2id$v=19$m=19456,t=2,p=1$!!!$!!!",
            "$argon2id$v=19$m=0,t=2,p=1$ZHRwaWxvdGR1bW15c2FsdA$gUptvrhxQ3VqCFhkLTUWO6p6o5A8xBVOvO6iwXlxcvU",
            // Absurd cost: refused before any memory is allocated.
            "$argon2id$v=19$m=4294967295,t=2,p=1$ZHRwaWxvdGR1bW15c2FsdA$gUptvrhxQ3VqCFhkLTUWO6p6o5A8xBVOvO6iwXlxcvU",
            "$argon2id$v=19$m=19456,t=4294967295,p=1$ZHRwaWxvdGR1bW15c2FsdA$gUptvrhxQ3VqCFhkLTUWO6p6o5A8xBVOvO6iwXlxcvU",
            // Other algorithms are not accepted.
            "$argon2i$v=19$m=19456,t=2,p=1$ZHRwaWxvdGR1bW15c2FsdA$gUptvrhxQ3VqCFhkLTUWO6p6o5A8xBVOvO6iwXlxcvU",
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        ] {
            assert!(!verify_password("password", bad), "{bad}");
            assert!(needs_rehash(bad) || bad.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{bad}");
        }
    }

    #[test]
    fn dummy_hash_is_a_valid_hash_computed_once() {
        let a = dummy_hash();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert!(std::ptr::eq(a, dummy_hash()));
        assert!(!verify_password("", a));
        assert!(!verify_password("password", a));
        assert!(!needs_rehash(a));
    }

    #[test]
    fn the_common_password_list_is_bundled() {
        for common in ["123456", "password", "Qwertyuiop", "1q2w3e4r5t", "basketball", "#1bitch"] {
            assert!(is_common(common), "{common}");
        }
        assert!(!is_common(
            "# Common passwords (SPEC §9.2: a new password must not be one of them; compared without regard to case)."
        ));
        for fine in ["Demo-2026!", "Correct-Horse-9", "Smoke-Test-Pass-1", "Smoke-Admin-Pass-1", "Bench-Password-9"] {
            assert!(!is_common(fine), "{fine}");
        }
    }

    #[test]
    fn fallback_dummy_hash_is_well_formed() {
        let hash = PasswordHash::new(FALLBACK_DUMMY_HASH).expect("parses");
        assert_eq!(hash.algorithm, Algorithm::Argon2id.ident());
        assert!(!needs_rehash(FALLBACK_DUMMY_HASH));
        assert!(!verify_password("password", FALLBACK_DUMMY_HASH));
    }

    #[test]
    fn one_time_passwords_pass_the_rules_and_differ() {
        let a = super::one_time_password();
        let b = super::one_time_password();
        assert_ne!(a, b);
        assert_eq!(a.chars().count(), 14);
        assert!(dtpilot_domain::accounts::check_password(&a, "91140400MA0E000011", super::is_common).is_ok());
        assert!(!a.contains(['0', 'O', '1', 'l', 'I']));
    }
}
