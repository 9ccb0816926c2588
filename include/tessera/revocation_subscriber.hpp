// RevocationFeedSubscriber: a background thread that follows the issuer's revocation feed
// (docs/revocation-feed.md) and keeps a DenyList (tessera/deny_list.hpp) for the
// Authenticator. Each round is one long poll over libtessera's HttpClient:
//   POST {feed_url}  since=CURSOR&wait=W  (form), Authorization: Basic (the resource server's
//   own client, tessera/client_credentials.hpp)
// and then, for a 200 answer {"events":[...],"cursor":C[,"resync":true]}:
//  - the events are applied to the deny list in order, the cursor kept for the next round,
//    and the deny list marked heard_from(now) (every answer, with events or not);
//  - the first answer (a fresh start, no cursor yet: the feed has no history for us) calls
//    deny_list.resync(now) unless distrust_before_start is false (then tokens issued before
//    the start are accepted although a revocation before it went unheard: the feed doc's "short
//    grace", a trade-off for restarts); a resync answer always does: tokens issued before cannot
//    be vouched for;
//  - the next round starts at once, so an event reaches the deny list as soon as the feed
//    answers (within about a second of the revocation);
//  - W = min(wait, max(1, max_stale / 2)) of the deny list: a healthy but quiet feed answers
//    well within max_stale, so fresh() stays true; the call's deadline is W + 10 s;
//  - any failure (unreachable, timeout, a status other than 200, an answer that does not
//    parse, an event that does not parse) is counted and logged through on_error, the cursor
//    kept, and the next round waits a backoff: min_backoff doubling per consecutive failure up
//    to max_backoff, back to min_backoff after an answer. The deny list is not heard from, so
//    after max_stale without an answer it is no longer fresh (the Authenticator fails closed).
// stop() (and the destructor) ends the thread promptly: an outstanding long poll or backoff is
// cancelled, not waited out.
// Thread safety: stop(), cursor() and stats() are thread-safe; on_error is called from the
// subscriber's thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "tessera/client_credentials.hpp"
#include "tessera/clock.hpp"
#include "tessera/deny_list.hpp"
#include "tessera/error.hpp"
#include "tessera/http_client.hpp"

namespace tessera {

struct RevocationSubscriberOptions {
  std::string feed_url = {};  // issuer + "/oauth2/revocations" (revocation_feed_url, tessera/issuer_discovery.hpp)
  ClientCredentials client = {};
  std::int64_t wait = 25;  // long-poll seconds asked for (1..60; capped at max_stale / 2, see above)
  std::chrono::milliseconds min_backoff{250};
  std::chrono::milliseconds max_backoff{5000};
  const Clock* clock = &SystemClock::instance();
  bool distrust_before_start = true;  // the first answer sets the deny list's unknown_before (above)
  std::function<void(const Error&)> on_error = {};  // a failed round (messages name no secret); may be empty
};

struct RevocationSubscriberStats {
  std::uint64_t answers = 0;  // 200 answers applied
  std::uint64_t events = 0;   // events applied
  std::uint64_t resyncs = 0;  // resync answers (the fresh start not counted)
  std::uint64_t errors = 0;   // failed rounds
};

class RevocationFeedSubscriber {
 public:
  // Starts the thread. invalid_argument: feed_url not https (nor http on loopback), no client
  // id, wait outside 1..60, backoffs not 0 < min <= max, no HTTP client or deny list.
  static Result<std::unique_ptr<RevocationFeedSubscriber>> start(RevocationSubscriberOptions options,
                                                                 std::shared_ptr<HttpClient> http,
                                                                 std::shared_ptr<DenyList> deny_list);
  ~RevocationFeedSubscriber();  // stop() and join
  RevocationFeedSubscriber(const RevocationFeedSubscriber&) = delete;
  RevocationFeedSubscriber& operator=(const RevocationFeedSubscriber&) = delete;

  void stop();
  std::string cursor() const;  // the last cursor answered; empty before the first answer
  RevocationSubscriberStats stats() const;

 private:
  struct State;
  explicit RevocationFeedSubscriber(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace tessera
