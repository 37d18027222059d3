//! Fresh random values for PKCE verifiers and `state`, from the operating
//! system's CSPRNG, encoded base64url without padding.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use zeroize::Zeroizing;

use crate::secret::Secret;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("This computer could not provide the random numbers a secure sign-in needs.")]
pub struct RandomError;

/// 32 random bytes (256 bits) as 43 base64url characters.
pub(crate) fn random_token() -> Result<Secret, RandomError> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    getrandom::getrandom(bytes.as_mut()).map_err(|_| RandomError)?;
    Ok(Secret::new(URL_SAFE_NO_PAD.encode(bytes.as_ref())))
}
