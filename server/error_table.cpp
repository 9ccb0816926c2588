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
    PublicError{status::service_unavailable, "store_unavailable", "the store is unavailable; try again later"},
    PublicError{status::service_unavailable, "store_epoch_mismatch",
                "the store lost its data or was replaced; an operator must restore it or confirm it"},
    PublicError{status::service_unavailable, "overloaded", "too many connections; try again later"},
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
      return public_error(code_name(code));
    default:
      return kInternal;
  }
}

}  // namespace tessera::server
