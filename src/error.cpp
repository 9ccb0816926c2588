#include "tessera/error.hpp"

namespace tessera {

std::string_view code_name(Errc code) noexcept {
  switch (code) {
    case Errc::malformed: return "malformed";
    case Errc::token_too_large: return "token_too_large";
    case Errc::json_too_deep: return "json_too_deep";
    case Errc::duplicate_member: return "duplicate_member";
    case Errc::wrong_type: return "wrong_type";
    case Errc::invalid_key: return "invalid_key";
    case Errc::key_too_short: return "key_too_short";
    case Errc::key_not_found: return "key_not_found";
    case Errc::key_not_permitted: return "key_not_permitted";
    case Errc::unsupported: return "unsupported";
    case Errc::wrong_key_type: return "wrong_key_type";
    case Errc::alg_not_allowed: return "alg_not_allowed";
    case Errc::bad_signature: return "bad_signature";
    case Errc::crit_unsupported: return "crit_unsupported";
    case Errc::token_expired: return "token_expired";
    case Errc::token_not_yet_valid: return "token_not_yet_valid";
    case Errc::token_issued_in_future: return "token_issued_in_future";
    case Errc::token_too_old: return "token_too_old";
    case Errc::missing_claim: return "missing_claim";
    case Errc::invalid_issuer: return "invalid_issuer";
    case Errc::invalid_audience: return "invalid_audience";
    case Errc::invalid_type: return "invalid_type";
    case Errc::session_not_found: return "session_not_found";
    case Errc::session_idle_expired: return "session_idle_expired";
    case Errc::session_absolute_expired: return "session_absolute_expired";
    case Errc::session_revoked: return "session_revoked";
    case Errc::csrf_failed: return "csrf_failed";
    case Errc::invalid_credentials: return "invalid_credentials";
    case Errc::throttled: return "throttled";
    case Errc::user_exists: return "user_exists";
    case Errc::user_not_found: return "user_not_found";
    case Errc::weak_password: return "weak_password";
    case Errc::credentials_changed: return "credentials_changed";
    case Errc::invalid_request: return "invalid_request";
    case Errc::invalid_client: return "invalid_client";
    case Errc::invalid_grant: return "invalid_grant";
    case Errc::unauthorized_client: return "unauthorized_client";
    case Errc::unsupported_grant_type: return "unsupported_grant_type";
    case Errc::unsupported_response_type: return "unsupported_response_type";
    case Errc::invalid_scope: return "invalid_scope";
    case Errc::invalid_target: return "invalid_target";
    case Errc::access_denied: return "access_denied";
    case Errc::login_required: return "login_required";
    case Errc::consent_required: return "consent_required";
    case Errc::invalid_token: return "invalid_token";
    case Errc::insufficient_scope: return "insufficient_scope";
    case Errc::invalid_dpop_proof: return "invalid_dpop_proof";
    case Errc::use_dpop_nonce: return "use_dpop_nonce";
    case Errc::store_unavailable: return "store_unavailable";
    case Errc::store_epoch_mismatch: return "store_epoch_mismatch";
    case Errc::io_error: return "io_error";
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::internal: return "internal";
  }
  return "internal";
}

}  // namespace tessera
