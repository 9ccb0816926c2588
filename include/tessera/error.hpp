// Error model of libtessera: every fallible call returns std::expected<T, Error>.
// An Error carries a stable machine code (see Errc / code_name) and a human message.
// Messages may name which check failed; front ends show callers only the code.
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace tessera {

enum class Errc {
  // input and format
  malformed,            // not the expected syntax (token parts, base64url, JSON)
  token_too_large,      // over the configured size limit, refused before decoding
  json_too_deep,        // nesting over the bound
  duplicate_member,     // JSON object with a repeated member name
  wrong_type,           // a member has the wrong JSON type (exp as string, aud as object)
  // keys
  invalid_key,          // key material unusable or inconsistent
  key_too_short,        // HMAC secret shorter than the hash output
  key_not_found,        // kid matches no configured key
  key_not_permitted,    // use / key_ops forbid this operation
  unsupported,          // algorithm / key type / format not supported
  wrong_key_type,       // the key's kind, version or purpose does not fit the token / operation
  // verification
  alg_not_allowed,      // header alg not in the allow-list bound to the key
  bad_signature,
  crit_unsupported,     // crit names an extension we do not understand
  // claims
  token_expired,
  token_not_yet_valid,
  token_issued_in_future,
  token_too_old,        // iat older than max_age
  missing_claim,
  invalid_issuer,
  invalid_audience,
  invalid_type,         // typ header not the expected one
  // sessions
  session_not_found,
  session_idle_expired,
  session_absolute_expired,
  session_revoked,
  csrf_failed,
  // users and login
  invalid_credentials,  // unknown user, wrong password or disabled account (never says which)
  throttled,            // too many failed logins: Error::retry_after says when to try again
  user_exists,
  user_not_found,
  weak_password,        // shorter than the minimum, or longer than the maximum
  credentials_changed,  // the user's credentials changed while the call ran: nothing was written
  // OAuth 2.1 / OIDC (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1; RFC 8707; OIDC Core §3.1.2.6):
  // the code names are the protocol's error values, so a front end sends code_name() as is
  invalid_request,
  invalid_client,
  invalid_grant,
  unauthorized_client,
  unsupported_grant_type,
  unsupported_response_type,
  invalid_scope,
  invalid_target,
  access_denied,
  login_required,
  consent_required,
  invalid_token,
  insufficient_scope,
  // DPoP (RFC 9449 §12.2): a proof failed a check; the server requires a (fresh) nonce
  invalid_dpop_proof,
  use_dpop_nonce,
  // environment
  store_unavailable,    // the store could not be reached or answered wrongly: fail closed
  store_epoch_mismatch, // the store lost its data or was replaced (tessera/store_epoch.hpp)
  io_error,
  invalid_argument,
  internal,
};

// Stable snake_case name of a code, e.g. "token_expired".
std::string_view code_name(Errc code) noexcept;

struct Error {
  Errc code;
  std::string message;

  std::int64_t retry_after = 0;  // seconds; set with Errc::throttled
  explicit Error(Errc c, std::string msg = {}) : code(c), message(std::move(msg)) {}
  std::string_view name() const noexcept { return code_name(code); }
};

// std::expected<T, Error> that must not be ignored: a call whose Result is dropped does not
// compile (-Werror=unused-result). Say `(void)call();` with a comment when ignoring is safe.
template <class T>
class [[nodiscard]] Result : public std::expected<T, Error> {
 public:
  using Base = std::expected<T, Error>;
  using Base::Base;
  Result(const Base& b) : Base(b) {}
  Result(Base&& b) : Base(std::move(b)) {}
};

// Shorthand for `return fail(Errc::malformed, "...")` in functions returning Result<T>.
inline std::unexpected<Error> fail(Errc code, std::string message = {}) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace tessera
