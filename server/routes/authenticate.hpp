// Session authentication for the routes of `tessera serve`: the one place that turns the
// request's session cookie into a live Session (AuthService::authenticate) and, for a
// state-changing request, applies the CSRF rule (AuthService::check_csrf). Every route that
// needs a session goes through authenticate(), so how it runs can change in one place.
// Thread safety: as the AppContext it is given (thread-safe); one Exchange per request.
#pragma once

#include <expected>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "server/app_context.hpp"
#include "server/http.hpp"
#include "server/router.hpp"
#include "tessera/session.hpp"

namespace tessera::server {

struct Authed {
  std::string id;  // the cookie value
  Session session;
};

// The session behind the cookie; for state-changing requests also the CSRF checks (the
// X-CSRF-Token header and the same-origin headers). Sets x.session_hash and counts
// sessions_validated. On failure, the response to send: 401 unauthenticated without a cookie,
// the library error's answer (store_unavailable, session_expired, ...), 403 csrf_failed.
asio::awaitable<std::expected<Authed, Response>> authenticate(const AppContext& ctx, Exchange& x, bool state_changing);

// The session behind the cookie when there is a live one (pages that work with or without a
// session: GET /oauth2/authorize). nullopt without a cookie or for a dead one (not found,
// expired, revoked, the user gone); other errors (store_unavailable) come back as errors.
// No CSRF check: the caller applies its own (AuthService::check_csrf) where it changes state.
asio::awaitable<Result<std::optional<Authed>>> optional_session(const AppContext& ctx, Exchange& x);

}  // namespace tessera::server
