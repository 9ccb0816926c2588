// The router of `tessera serve` (docs/server.md "HTTP API"): from (method, path pattern) to a
// handler coroutine, with the 404 / 405 + Allow verdicts, and the Exchange a handler works on.
// Routes are registered by server/routes/*_routes.hpp; App (server/app.hpp) dispatches.
// Thread safety: a Router is immutable once built (match() and patterns() are const and may
// run on many threads); an Exchange belongs to one request.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "server/http.hpp"
#include "tessera/session_store.hpp"

namespace tessera::server {

// One request being served, as handlers see it.
struct Exchange {
  Incoming& in;
  std::vector<std::string> params;  // path parameters, in pattern order
  ClientInfo client;                // ip (after --trust-proxy), user agent (<= 256 bytes)
  std::string session_hash;         // id hash of the session that authenticated it (for the log)
  std::string error;                // error code of the response, if any (for the log)
};

using Handler = std::function<asio::awaitable<Response>(Exchange&)>;

class Router {
 public:
  // pattern: an absolute path whose segments are literals or "{name}" (one non-empty
  // segment); the last may be "{name...}": the rest of the path, zero or more segments, its
  // parameter the rest joined by '/' ("" when there is none). Where a path matches several
  // patterns, the one with more literal segments (earlier segments weigh more) wins.
  void add(http::verb method, std::string pattern, Handler handler);

  struct Match {
    enum class Kind { found, not_found, method_not_allowed };
    Kind kind = Kind::not_found;
    const Handler* handler = nullptr;  // when found
    std::string pattern;               // found or method_not_allowed: the best matching pattern
    std::vector<std::string> params;   // when found
    std::string allow;                 // method_not_allowed: "DELETE, POST"
  };
  // target: the request target; a query string is ignored.
  Match match(http::verb method, std::string_view target) const;

  // Distinct patterns, in registration order (the metrics' route labels).
  std::vector<std::string> patterns() const;

 private:
  struct Route {
    http::verb method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace tessera::server
