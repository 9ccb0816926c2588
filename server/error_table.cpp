// The error table (error_table.hpp).
#include "server/error_table.hpp"

#include <array>

namespace tessera::server {
namespace {

using boost::beast::http::status;

constexpr std::array kTable = {
    PublicError{status::bad_request, "malformed", "malformed request"},
    PublicError{status::bad_request, "weak_password", "the new password must be 8 to 1024 bytes"},
    PublicError{status::bad_request, "invalid_argument", "invalid argument"},
    PublicError{status::unauthorized, "unauthenticated", "no session cookie"},
    PublicError{status::unauthorized, "session_not_found", "no such session"},
    PublicError{status::unauthorized, "session_idle_expired", "the session expired after inactivity"},
    PublicError{status::unauthorized, "session_absolute_expired", "the session reached its maximum lifetime"},
    PublicError{status::unauthorized, "session_revoked", "the session was ended"},
    PublicError{status::unauthorized, "invalid_credentials", "invalid username or password"},
    PublicError{status::forbidden, "csrf_failed", "missing or invalid CSRF token, or a cross-origin request"},
    PublicError{status::not_found, "not_found", "no such resource"},
    PublicError{status::method_not_allowed, "method_not_allowed", "method not allowed"},
    PublicError{status::request_timeout, "request_timeout", "the request was not received in time"},
    PublicError{status::conflict, "credentials_changed", "the credentials changed meanwhile; nothing was written"},
    PublicError{status::payload_too_large, "body_too_large", "the request body is too large"},
    PublicError{status::unsupported_media_type, "unsupported_media_type", "unsupported content type"},
    PublicError{status::too_many_requests, "throttled", "too many failed logins; try again later"},
    PublicError{status::request_header_fields_too_large, "headers_too_large", "the request headers are too large"},
    // OAuth 2.1 / OIDC (docs/oauth.md): the protocol's error values. The token, introspection
    // and revocation endpoints answer them as {"error", "error_description"} (RFC 6749 §5.2),
    // /userinfo with WWW-Authenticate (RFC 6750 §3.1), the authorization endpoint at the
    // client's redirect URI or on its error page.
    PublicError{status::bad_request, "invalid_request", "the request is missing a parameter, repeats one or is malformed"},
    PublicError{status::unauthorized, "invalid_client", "client authentication failed"},
    PublicError{status::bad_request, "invalid_grant",
                "the grant is invalid, expired, revoked, already used or was issued to another client"},
    PublicError{status::bad_request, "unauthorized_client", "the client may not use this grant type"},
    PublicError{status::bad_request, "unsupported_grant_type", "the grant type is not supported"},
    PublicError{status::bad_request, "unsupported_response_type", "only response_type=code is supported"},
    PublicError{status::bad_request, "invalid_scope", "the scope is invalid, unknown or exceeds what was granted"},
    PublicError{status::bad_request, "invalid_target", "the resource is not one this client's tokens may target"},
    PublicError{status::forbidden, "access_denied", "the user or the server denied the request"},
    PublicError{status::unauthorized, "login_required", "the user must log in"},
    PublicError{status::forbidden, "consent_required", "the user must consent"},
    PublicError{status::unauthorized, "invalid_token", "the access token is invalid, expired or revoked"},
    PublicError{status::forbidden, "insufficient_scope", "the access token lacks the scope this request needs"},
    // DPoP (RFC 9449 §5, §8): 400 at the token endpoint; a resource server answers 401 with
    // WWW-Authenticate: DPoP instead (§7.1, §9), and use_dpop_nonce goes with a DPoP-Nonce header.
    PublicError{status::bad_request, "invalid_dpop_proof", "the DPoP proof is missing, invalid or already used"},
    PublicError{status::bad_request, "use_dpop_nonce", "the DPoP proof must carry the server's current nonce"},
    PublicError{status::service_unavailable, "store_unavailable", "the store is unavailable; try again later"},
    PublicError{status::service_unavailable, "store_epoch_mismatch",
                "the store lost its data or was replaced; an operator must restore it or confirm it"},
    PublicError{status::service_unavailable, "overloaded", "too many connections; try again later"},
    // The BFF (docs/bff.md): the issuer or an upstream API could not be reached, or did not
    // answer within --bff-timeout.
    PublicError{status::bad_gateway, "bad_gateway", "the issuer or the upstream API could not be reached"},
    PublicError{status::gateway_timeout, "gateway_timeout", "the issuer or the upstream API did not answer in time"},
};
constexpr PublicError kInternal{status::internal_server_error, "internal", "internal error"};

}  // namespace

PublicError public_error(std::string_view code) {
  for (const auto& e : kTable)
    if (e.code == code) return e;
  return kInternal;
}

PublicError public_error(Errc code) {
  switch (code) {
    case Errc::malformed:
    case Errc::wrong_type:
    case Errc::duplicate_member:
    case Errc::json_too_deep:
    case Errc::token_too_large:
      return public_error("malformed");
    case Errc::user_not_found:  // the account went away under a live session
      return public_error("invalid_credentials");
    case Errc::weak_password:
    case Errc::invalid_argument:
    case Errc::session_not_found:
    case Errc::session_idle_expired:
    case Errc::session_absolute_expired:
    case Errc::session_revoked:
    case Errc::invalid_credentials:
    case Errc::csrf_failed:
    case Errc::credentials_changed:
    case Errc::throttled:
    case Errc::store_unavailable:
    case Errc::store_epoch_mismatch:
    case Errc::invalid_request:
    case Errc::invalid_client:
    case Errc::invalid_grant:
    case Errc::unauthorized_client:
    case Errc::unsupported_grant_type:
    case Errc::unsupported_response_type:
    case Errc::invalid_scope:
    case Errc::invalid_target:
    case Errc::access_denied:
    case Errc::login_required:
    case Errc::consent_required:
    case Errc::invalid_token:
    case Errc::insufficient_scope:
    case Errc::invalid_dpop_proof:
    case Errc::use_dpop_nonce:
      return public_error(code_name(code));
    default:
      return kInternal;
  }
}

}  // namespace tessera::server
