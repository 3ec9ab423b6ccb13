//! ed25519 signatures of `manifest.json` (ed25519-dalek).
//!
//! Key files are PEM, the formats OpenSSL writes and reads:
//! - private key: PKCS#8 (`-----BEGIN PRIVATE KEY-----`),
//!   `openssl genpkey -algorithm ed25519 -out evidence-signing.pem`;
//! - public key: SubjectPublicKeyInfo (`-----BEGIN PUBLIC KEY-----`),
//!   `openssl pkey -in evidence-signing.pem -pubout -out evidence-signing.pub.pem`.
//!
//! `manifest.sig` is the 64-byte raw signature of manifest.json's bytes, so OpenSSL can check a
//! bundle without this tool:
//! `openssl pkeyutl -verify -pubin -inkey evidence-signing.pub.pem -rawin -in manifest.json -sigfile manifest.sig`.

use std::path::Path;

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

/// Why a key file could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// It could not be read.
    #[error("cannot read the key file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// It is not a key of the expected kind.
    #[error("{path} is not an ed25519 {what} in PEM ({expected}): {detail}")]
    Format {
        /// The file.
        path: String,
        /// `private key` / `public key`.
        what: &'static str,
        /// The PEM label expected.
        expected: &'static str,
        /// The parser's message.
        detail: String,
    },
}

fn read(path: &Path) -> Result<String, KeyError> {
    std::fs::read_to_string(path).map_err(|source| KeyError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Reads a PKCS#8 PEM ed25519 private key (`openssl genpkey -algorithm ed25519`).
pub fn load_signing_key(path: &Path) -> Result<SigningKey, KeyError> {
    let text = read(path)?;
    SigningKey::from_pkcs8_pem(text.trim()).map_err(|e| KeyError::Format {
        path: path.display().to_string(),
        what: "private key",
        expected: "PKCS#8, -----BEGIN PRIVATE KEY-----",
        detail: e.to_string(),
    })
}

/// Reads an SPKI PEM ed25519 public key (`openssl pkey -pubout`).
pub fn load_verifying_key(path: &Path) -> Result<VerifyingKey, KeyError> {
    let text = read(path)?;
    VerifyingKey::from_public_key_pem(text.trim()).map_err(|e| KeyError::Format {
        path: path.display().to_string(),
        what: "public key",
        expected: "SubjectPublicKeyInfo, -----BEGIN PUBLIC KEY-----",
        detail: e.to_string(),
    })
}

/// The signature of `message`, 64 bytes.
pub fn sign(key: &SigningKey, message: &[u8]) -> [u8; 64] {
    key.sign(message).to_bytes()
}

/// Whether `signature` (64 raw bytes) is `key`'s signature of `message` (strict verification:
/// no malleable or small-order signatures).
pub fn verify(key: &VerifyingKey, message: &[u8], signature: &[u8]) -> bool {
    let Ok(sig) = Signature::from_slice(signature) else {
        return false;
    };
    key.verify_strict(message, &sig).is_ok()
}

/// A short fingerprint of a public key, for messages: the first 16 hex digits of the SHA-256 of
/// its 32 bytes.
pub fn fingerprint(key: &VerifyingKey) -> String {
    super::sha256_hex(key.as_bytes())[..16].to_string()
}
