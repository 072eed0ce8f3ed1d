//! Users' password hashes: Argon2id with the crate's default (OWASP-minimum)
//! parameters, stored as PHC strings so that parameters can be raised later
//! without invalidating existing hashes.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Argon2, Params};

use crate::tokens::random_array;

/// A hash with the same algorithm and parameters as `hash_password` produces,
/// of a password nobody knows (32 random bytes, discarded). `dummy_verify`
/// checks against it; a test keeps its parameters equal to the defaults.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$iAtrvpRSxXgSLB6Fxs4VYg$\
    Xg0MNrMawrO/6fXR1WawHPK2ktAeG7UwHVO7PRkmUBI";

/// Why a password could not be hashed (the password is never part of it).
#[derive(Debug, thiserror::Error)]
#[error("hashing password: {0}")]
pub struct PasswordError(argon2::password_hash::Error);

/// Hashes a password with Argon2id, default parameters and a random 16-byte
/// salt, into a PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$…$…`.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::encode_b64(&random_array::<{ argon2::RECOMMENDED_SALT_LEN }>())
        .map_err(PasswordError)?;
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(PasswordError)?;
    Ok(hash.to_string())
}

/// Whether `password` matches the PHC string `phc`. A malformed or
/// unsupported hash is a mismatch, never a panic: a corrupt row must lock one
/// user out, not crash the login handler.
///
/// The parameters come from the stored hash, so hashes made with older
/// parameters keep verifying after the defaults change.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(hash) => Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spends the time of one `verify_password` and discards the result.
///
/// Call it when a login names an email that has no user (or no password):
/// answering such a login at once, while a real one spends tens of
/// milliseconds in Argon2, would tell an attacker which emails have accounts.
pub fn dummy_verify(password: &str) {
    std::hint::black_box(verify_password(password, DUMMY_HASH));
}

/// Whether a stored hash was made with weaker parameters than today's
/// defaults, so the caller can re-hash the password after a successful login.
pub fn needs_rehash(phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return true;
    };
    let Ok(params) = Params::try_from(&hash) else {
        return true;
    };
    let default = Params::default();
    // A shorter output than ours (a truncated or foreign hash) is weaker.
    let short = hash
        .hash
        .is_none_or(|output| output.len() < Params::DEFAULT_OUTPUT_LEN);
    hash.algorithm != argon2::Algorithm::Argon2id.ident()
        || short
        || params.m_cost() < default.m_cost()
        || params.t_cost() < default.t_cost()
        || params.p_cost() < default.p_cost()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let phc = hash_password("correct horse battery staple").expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_password("correct horse battery staple", &phc));
        assert!(!verify_password("correct horse battery stapl", &phc));
        assert!(!verify_password("", &phc));
        assert!(!needs_rehash(&phc));
    }

    #[test]
    fn unicode_and_empty_passwords_hash() {
        for password in ["", "pässwörd 🔑"] {
            let phc = hash_password(password).expect("hash");
            assert!(verify_password(password, &phc), "{password}");
        }
    }

    #[test]
    fn salts_differ() {
        let a = hash_password("same").expect("hash");
        let b = hash_password("same").expect("hash");
        assert_ne!(a, b);
        assert!(verify_password("same", &a) && verify_password("same", &b));
    }

    #[test]
    fn malformed_hashes_never_verify() {
        let phc = hash_password("pw").expect("hash");
        let cases = [
            "",
            "pw",
            "$argon2id$",
            "$argon2id$v=19$m=19456,t=2,p=1$",
            "$bcrypt$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
            "$argon2id$v=19$m=nope,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
            &phc[..phc.len() - 5],
            // Truncated to a whole number of bytes: still a valid PHC
            // string, with a 24-byte output.
            &phc[..phc.len() - 11],
        ];
        for case in cases {
            assert!(!verify_password("pw", case), "{case}");
            assert!(needs_rehash(case), "{case}");
        }
    }

    #[test]
    fn weaker_parameters_need_rehash() {
        let params = Params::new(8 * 1024, 1, 1, None).expect("params");
        let weak = Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let salt = SaltString::encode_b64(b"0123456789abcdef").expect("salt");
        let phc = weak.hash_password(b"pw", &salt).expect("hash").to_string();
        assert!(verify_password("pw", &phc));
        assert!(needs_rehash(&phc));
    }

    #[test]
    fn dummy_hash_costs_what_a_real_one_does() {
        let dummy = PasswordHash::new(DUMMY_HASH).expect("phc");
        let real_phc = hash_password("pw").expect("hash");
        let real = PasswordHash::new(&real_phc).expect("phc");
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
        assert_eq!(dummy.hash.map(|h| h.len()), real.hash.map(|h| h.len()));
        assert!(!needs_rehash(DUMMY_HASH));
        dummy_verify("anything");
    }
}
