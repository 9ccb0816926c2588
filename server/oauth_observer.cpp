// oauth_observer (server/oauth_observer.hpp).
#include "server/oauth_observer.hpp"

#include <boost/json/object.hpp>

namespace tessera::server {
namespace {

namespace json = boost::json;

// The line's fields: what happened, then the ids that are set (empty ones are left out).
json::object fields(const OAuthEvent& e) {
  json::object f;
  switch (e.kind) {
    case OAuthEvent::Kind::token_issued:
      f["grant"] = e.grant_type;
      f["format"] = e.format;
      break;
    case OAuthEvent::Kind::refresh_reuse: f["effect"] = "family revoked"; break;
    case OAuthEvent::Kind::code_reuse: f["effect"] = "grant revoked"; break;
    case OAuthEvent::Kind::introspection: f["active"] = e.active; break;
    case OAuthEvent::Kind::revocation: break;
  }
  if (!e.client_id.empty()) f["client_id"] = e.client_id;
  if (!e.jti.empty()) f["jti"] = e.jti;
  if (!e.family_id.empty()) f["family_id"] = e.family_id;
  return f;
}

}  // namespace

OAuthObserver oauth_observer(Logger& log, Metrics& metrics) {
  return [&log, &metrics](const OAuthEvent& e) noexcept {
    LogLevel level = LogLevel::info;
    std::string_view msg;
    switch (e.kind) {
      case OAuthEvent::Kind::token_issued:
        metrics.token_issued(e.grant_type, e.format);
        msg = "token issued";
        break;
      case OAuthEvent::Kind::refresh_reuse:
        metrics.add(Counter::oauth_refresh_reuse);
        level = LogLevel::warn;
        msg = "refresh token reuse";
        break;
      case OAuthEvent::Kind::code_reuse:
        metrics.add(Counter::oauth_code_reuse);
        level = LogLevel::warn;
        msg = "code reuse";
        break;
      case OAuthEvent::Kind::introspection:
        metrics.introspection(e.active);
        level = LogLevel::debug;
        msg = "introspection";
        break;
      case OAuthEvent::Kind::revocation:
        metrics.add(Counter::oauth_revocations);
        msg = "token revoked";
        break;
    }
    if (!log.enabled(level)) return;
    try {
      log.log(level, msg, fields(e));
    } catch (...) {
      // A line that cannot be built (out of memory) must not fail the request it is about.
    }
  };
}

}  // namespace tessera::server
