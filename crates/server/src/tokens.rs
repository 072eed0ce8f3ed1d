//! Random values the server hands out: API and session tokens (and their
//! stored hashes), the first admin's one-time password, tenants' AWS external
//! IDs, and the crate's one source of random bytes.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Bytes of randomness in a token: 256 bits, far beyond guessing range.
const TOKEN_BYTES: usize = 32;

/// Characters of a one-time password: digits and letters without the ones
/// people confuse when they read them aloud or copy them by hand
/// (0/O/o, 1/l/I, i).
const PASSWORD_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
/// Groups of four characters joined by hyphens: 20 characters drawn from 55
/// carry about 115 bits, and the hyphens make the password easy to read.
const PASSWORD_GROUPS: usize = 5;
const PASSWORD_GROUP_LEN: usize = 4;

/// AWS accepts 2-1224 characters of `[\w+=,.@:/-]` in an external ID; 32
/// alphanumerics (about 190 bits) are safe in every console and shell.
const EXTERNAL_ID_ALPHABET: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const EXTERNAL_ID_LEN: usize = 32;

/// Fills an array from the operating system's random number generator.
///
/// A server that cannot get randomness must not go on issuing tokens, salts
/// or nonces, and there is nothing a caller could do about it, so this panics
/// instead of returning an error (as `rand`'s `OsRng` does). The OS generator
/// only fails on a broken system, e.g. a sandbox that forbids `getrandom(2)`.
pub(crate) fn random_array<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if let Err(error) = getrandom::fill(&mut bytes) {
        panic!("operating system random number generator failed: {error}");
    }
    bytes
}

/// A new token: `prefix` followed by 32 random bytes in unpadded base64url
/// (43 characters), e.g. `pst_` + `Qm9…`. The prefix lets secret scanners and
/// people recognize a leaked posture token.
pub fn generate_token(prefix: &str) -> String {
    let mut token = String::from(prefix);
    URL_SAFE_NO_PAD.encode_string(random_array::<TOKEN_BYTES>(), &mut token);
    token
}

/// The hash under which a token is stored and looked up: SHA-256, lowercase
/// hex (64 characters).
///
/// No salt and no slow hash are needed, unlike for passwords: a token carries
/// 256 random bits, so neither a dictionary nor a brute-force search over the
/// hashes can find it. Looking tokens up by hash also means the server never
/// compares a presented token against a stored one byte by byte, so there is
/// no timing side channel to guard.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A readable one-time password for the first admin, e.g.
/// `k7Qm-x9Tb-PzRr-3nHw-aE4u` (24 characters, about 115 bits).
pub fn generate_password() -> String {
    let chars = random_chars(PASSWORD_ALPHABET, PASSWORD_GROUPS * PASSWORD_GROUP_LEN);
    let groups: Vec<&str> = (0..PASSWORD_GROUPS)
        .map(|i| &chars[i * PASSWORD_GROUP_LEN..(i + 1) * PASSWORD_GROUP_LEN])
        .collect();
    groups.join("-")
}

/// A new external ID for a tenant's AWS role trust policy: 32 random
/// characters of `[A-Za-z0-9]`.
pub fn external_id() -> String {
    random_chars(EXTERNAL_ID_ALPHABET, EXTERNAL_ID_LEN)
}

/// `len` characters drawn uniformly from `alphabet` (ASCII, at most 256
/// characters).
fn random_chars(alphabet: &[u8], len: usize) -> String {
    // Taking `byte % n` directly would favour the first `256 % n` characters;
    // bytes at or above the largest multiple of `n` are rejected instead.
    let n = alphabet.len();
    let limit = 256 - 256 % n;
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for byte in random_array::<64>() {
            let byte = usize::from(byte);
            if byte < limit && out.len() < len {
                out.push(char::from(alphabet[byte % n]));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn tokens_have_prefix_length_and_url_safe_characters() {
        let token = generate_token("pst_");
        let body = token.strip_prefix("pst_").expect("prefix");
        assert_eq!(body.len(), 43, "{token}");
        assert!(
            body.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{token}"
        );
        assert_eq!(
            URL_SAFE_NO_PAD.decode(body).expect("base64url").len(),
            TOKEN_BYTES
        );
    }

    #[test]
    fn tokens_are_distinct() {
        let tokens: HashSet<String> = (0..100).map(|_| generate_token("pst_")).collect();
        assert_eq!(tokens.len(), 100);
    }

    #[test]
    fn token_hash_is_stable_lowercase_hex() {
        let hash = hash_token("pst_example");
        assert_eq!(hash, hash_token("pst_example"));
        assert_eq!(hash.len(), 64);
        assert!(hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
        assert_ne!(hash, hash_token("pst_examplf"));
        // SHA-256 of the empty string, a published test vector.
        assert_eq!(
            hash_token(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn passwords_are_grouped_readable_and_distinct() {
        let password = generate_password();
        assert_eq!(password.len(), 24, "{password}");
        let groups: Vec<&str> = password.split('-').collect();
        assert_eq!(groups.len(), 5, "{password}");
        for group in groups {
            assert_eq!(group.len(), 4, "{password}");
            assert!(group.bytes().all(|b| PASSWORD_ALPHABET.contains(&b)));
        }
        let passwords: HashSet<String> = (0..100).map(|_| generate_password()).collect();
        assert_eq!(passwords.len(), 100);
    }

    #[test]
    fn password_alphabet_has_no_confusable_characters() {
        for confusable in b"0Oo1lIi" {
            assert!(!PASSWORD_ALPHABET.contains(confusable), "{confusable}");
        }
    }

    #[test]
    fn external_ids_are_alphanumeric_and_distinct() {
        let id = external_id();
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
        let ids: HashSet<String> = (0..100).map(|_| external_id()).collect();
        assert_eq!(ids.len(), 100);
    }

    #[test]
    fn random_chars_uses_the_whole_alphabet() {
        // 2000 draws from 62 characters miss one with probability ~1e-12.
        let drawn: HashSet<u8> = random_chars(EXTERNAL_ID_ALPHABET, 2000)
            .into_bytes()
            .into_iter()
            .collect();
        assert_eq!(drawn.len(), EXTERNAL_ID_ALPHABET.len());
    }
}
