//! Secrets at rest and in memory: the key that seals connector credentials in
//! the database (AES-256-GCM), and the `Secret` wrapper that keeps credentials
//! out of logs and error messages.

use std::fmt;

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, Key, KeyInit, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;

use crate::tokens::random_array;

const KEY_LEN: usize = 32;
/// The first byte of every sealed value, so that a later format (another
/// cipher, a key id for rotation) can be told apart from this one.
const VERSION: u8 = 1;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const REDACTED: &str = "**redacted**";

/// The 256-bit key that seals credentials. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct SecretKey {
    bytes: [u8; KEY_LEN],
}

/// Why a configured key was refused. Messages never contain the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("secret key: not valid standard base64")]
    NotBase64,
    #[error("secret key: expected {KEY_LEN} bytes once decoded, got {0}")]
    WrongLength(usize),
}

/// Why a sealed value could not be opened. Messages never contain plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("sealed secret: unknown format version {0}")]
    UnknownVersion(u8),
    #[error("sealed secret: too short ({0} bytes)")]
    TooShort(usize),
    #[error(
        "sealed secret: authentication failed (wrong key, altered ciphertext, or a ciphertext from another row)"
    )]
    AuthenticationFailed,
}

impl SecretKey {
    /// Reads a key from standard base64 of exactly 32 bytes, e.g. the output
    /// of `openssl rand -base64 32`. Surrounding whitespace (the newline at
    /// the end of a key file) is ignored.
    pub fn from_base64(text: &str) -> Result<SecretKey, KeyError> {
        let decoded = STANDARD
            .decode(text.trim())
            .map_err(|_| KeyError::NotBase64)?;
        let bytes: [u8; KEY_LEN] = decoded
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::WrongLength(decoded.len()))?;
        Ok(SecretKey { bytes })
    }

    /// A new random key.
    pub fn generate() -> SecretKey {
        SecretKey {
            bytes: random_array(),
        }
    }

    /// The key in the form `from_base64` reads, wrapped so that it is only
    /// shown on purpose (e.g. once, when an operator generates a key).
    pub fn to_base64(&self) -> Secret {
        Secret(STANDARD.encode(self.bytes))
    }

    fn cipher(&self) -> Aes256Gcm {
        let key: Key<Aes256Gcm> = self.bytes.into();
        Aes256Gcm::new(&key)
    }

    /// Encrypts `plaintext` as `1 || nonce (12 bytes) || ciphertext || tag`.
    ///
    /// `aad` binds the ciphertext to where it is stored (e.g. tenant id and
    /// connector id): it is authenticated but not stored, so a ciphertext
    /// copied into another row fails to open there. Nonces are random; with
    /// 96 bits, a collision is negligible for the number of credentials one
    /// key will ever seal.
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
        let nonce: [u8; NONCE_LEN] = random_array();
        let payload = Payload {
            msg: plaintext,
            aad,
        };
        let ciphertext = match self.cipher().encrypt(&Nonce::from(nonce), payload) {
            Ok(ciphertext) => ciphertext,
            // AES-GCM only refuses plaintexts over 64 GiB; credentials are a
            // few kilobytes and request bodies are limited long before that.
            Err(_) => unreachable!("aes-gcm refused a {}-byte plaintext", plaintext.len()),
        };
        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        sealed.push(VERSION);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    /// Decrypts what `seal` produced with the same key and `aad`.
    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, SecretError> {
        let Some((&version, rest)) = sealed.split_first() else {
            return Err(SecretError::TooShort(0));
        };
        if version != VERSION {
            return Err(SecretError::UnknownVersion(version));
        }
        if rest.len() < NONCE_LEN + TAG_LEN {
            return Err(SecretError::TooShort(sealed.len()));
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce
            .try_into()
            .map_err(|_| SecretError::TooShort(sealed.len()))?;
        let payload = Payload {
            msg: ciphertext,
            aad,
        };
        self.cipher()
            .decrypt(&Nonce::from(nonce), payload)
            .map_err(|_| SecretError::AuthenticationFailed)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({REDACTED})")
    }
}

/// A credential in memory (a password, a client secret, a key file). `Debug`
/// and `Display` print `**redacted**`, so it cannot leak through a log line or
/// an error message by accident; `expose` is the one way to read it.
///
/// It deserializes from a JSON string, so request bodies can hold it, but it
/// deliberately does not serialize: nothing the server sends back may contain
/// a credential.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AAD: &[u8] = b"tenant-1/3f0c9a4e-5d1b-4c2a-9e7f-0a1b2c3d4e5f";

    #[test]
    fn seal_then_open_roundtrips() {
        let key = SecretKey::generate();
        for plaintext in [
            &b""[..],
            b"x",
            b"{\"clientSecret\":\"s3cr3t\"}",
            &[0u8; 5000],
        ] {
            let sealed = key.seal(plaintext, AAD);
            assert_eq!(sealed.len(), 1 + NONCE_LEN + plaintext.len() + TAG_LEN);
            assert_eq!(sealed[0], VERSION);
            assert_eq!(key.open(&sealed, AAD).expect("open"), plaintext);
        }
    }

    #[test]
    fn sealed_value_does_not_contain_the_plaintext() {
        let sealed = SecretKey::generate().seal(b"hunter2hunter2", AAD);
        assert!(!sealed.windows(7).any(|w| w == b"hunter2"));
    }

    #[test]
    fn another_key_cannot_open() {
        let sealed = SecretKey::generate().seal(b"secret", AAD);
        let other = SecretKey::generate();
        assert_eq!(
            other.open(&sealed, AAD),
            Err(SecretError::AuthenticationFailed)
        );
    }

    #[test]
    fn another_row_cannot_open() {
        let key = SecretKey::generate();
        let sealed = key.seal(b"secret", AAD);
        let err = key.open(&sealed, b"tenant-2/3f0c9a4e-5d1b-4c2a-9e7f-0a1b2c3d4e5f");
        assert_eq!(err, Err(SecretError::AuthenticationFailed));
        assert_eq!(
            key.open(&sealed, b""),
            Err(SecretError::AuthenticationFailed)
        );
    }

    #[test]
    fn any_altered_byte_fails() {
        let key = SecretKey::generate();
        let sealed = key.seal(b"secret", AAD);
        // Byte 0 is the version, which fails earlier with its own error.
        for i in 1..sealed.len() {
            let mut tampered = sealed.clone();
            tampered[i] ^= 0x01;
            assert_eq!(
                key.open(&tampered, AAD),
                Err(SecretError::AuthenticationFailed),
                "byte {i}"
            );
        }
        let mut truncated = sealed.clone();
        truncated.pop();
        assert_eq!(
            key.open(&truncated, AAD),
            Err(SecretError::AuthenticationFailed)
        );
    }

    #[test]
    fn malformed_input_is_named() {
        let key = SecretKey::generate();
        let mut sealed = key.seal(b"secret", AAD);
        assert_eq!(key.open(&[], AAD), Err(SecretError::TooShort(0)));
        assert_eq!(key.open(&sealed[..28], AAD), Err(SecretError::TooShort(28)));
        sealed[0] = 2;
        assert_eq!(key.open(&sealed, AAD), Err(SecretError::UnknownVersion(2)));
        assert_eq!(
            SecretError::UnknownVersion(2).to_string(),
            "sealed secret: unknown format version 2"
        );
    }

    #[test]
    fn nonces_differ_between_seals() {
        let key = SecretKey::generate();
        let a = key.seal(b"same", AAD);
        let b = key.seal(b"same", AAD);
        assert_ne!(a[1..1 + NONCE_LEN], b[1..1 + NONCE_LEN]);
        assert_ne!(a, b);
    }

    #[test]
    fn key_roundtrips_through_base64() {
        let key = SecretKey::generate();
        let text = key.to_base64();
        let again = SecretKey::from_base64(&format!("{}\n", text.expose())).expect("key");
        let sealed = key.seal(b"secret", AAD);
        assert_eq!(again.open(&sealed, AAD).expect("open"), b"secret");
    }

    #[test]
    fn from_base64_names_the_problem_without_the_value() {
        let check = |text: &str, expected: KeyError| {
            let err = SecretKey::from_base64(text).expect_err("bad key");
            assert_eq!(err, expected, "{text}");
            assert!(!err.to_string().contains(text) || text.is_empty(), "{err}");
        };
        check("not base64!!", KeyError::NotBase64);
        check("AAAA-AAA", KeyError::NotBase64);
        check("", KeyError::WrongLength(0));
        check("c2hvcnQ=", KeyError::WrongLength(5));
        check(&STANDARD.encode([7u8; 33]), KeyError::WrongLength(33));
        assert_eq!(
            KeyError::WrongLength(5).to_string(),
            "secret key: expected 32 bytes once decoded, got 5"
        );
    }

    #[test]
    fn debug_and_display_redact() {
        let key = SecretKey::from_base64(&STANDARD.encode([0x41u8; 32])).expect("key");
        assert_eq!(format!("{key:?}"), "SecretKey(**redacted**)");
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "**redacted**");
        assert_eq!(format!("{secret}"), "**redacted**");
        assert_eq!(secret.expose(), "hunter2");
        assert_eq!(format!("{:?}", key.to_base64()), "**redacted**");
    }

    #[test]
    fn secret_deserializes_from_a_json_string() {
        #[derive(Debug, Deserialize)]
        struct Body {
            #[serde(rename = "clientSecret")]
            client_secret: Secret,
        }
        let body: Body = serde_json::from_str(r#"{"clientSecret":"s3cr3t"}"#).expect("body");
        assert_eq!(body.client_secret.expose(), "s3cr3t");
        assert!(!format!("{body:?}").contains("s3cr3t"));
        assert!(serde_json::from_str::<Secret>("42").is_err());
    }
}
