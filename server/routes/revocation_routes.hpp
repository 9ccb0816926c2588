// The revocation feed's endpoint (docs/revocation-feed.md):
//   GET|POST /oauth2/revocations?since=CURSOR&wait=SECONDS
// for resource servers (AuthorizationServer::authenticate_feed_client; GET takes the client's
// credentials from Authorization: Basic only, never from the URL; POST also from the form, as
// the token endpoint). JSON {"events": [...], "cursor": "..."} (+ "resync": true), long-polling
// up to `wait` seconds (at most kMaxWait) for a first event; with Accept: text/event-stream, a
// stream of Server-Sent Events instead. Events come from the instance's RevocationFeed; no
// handler ever blocks an I/O thread.
// Thread safety: handlers may run concurrently, each on its own Exchange.
#pragma once

#include <chrono>
#include <cstdint>

#include <boost/asio/awaitable.hpp>

#include "server/app_context.hpp"
#include "server/http.hpp"
#include "server/router.hpp"

namespace tessera::server {

inline constexpr std::int64_t kMaxWait = 60;                          // seconds a long-poll may wait
inline constexpr std::chrono::seconds kSseHeartbeat{15};              // ": keepalive" comment interval
inline constexpr std::string_view kRevocationsPath = "/oauth2/revocations";

asio::awaitable<Response> revocations(const AppContext& ctx, Exchange& x);

}  // namespace tessera::server
