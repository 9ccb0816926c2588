// RevocationLog: the append-only log behind the revocation feed (docs/revocation-feed.md).
// The services append an event whenever something they issued stops being valid before its
// expiry (AuthorizationServer: a denied jti, a revoked grant; AuthService: a user's credential
// generation moved); `tessera serve` reads it and hands the events to resource servers
// (GET /oauth2/revocations). Every instance behind one store shares one log, so an event
// appended by one instance is read by all.
//
//  - A cursor is an opaque string naming a position in the log (after some event). Compare
//    cursors only for equality; the only cursors a backend accepts are those it handed out.
//  - read(since): the events after `since`, oldest first, each with the cursor just after it,
//    and the cursor to ask from next time. An empty `since` means "from now": no events, the
//    current end (a subscriber has no history to catch up on: it starts with what it knows).
//  - Retention: events are kept at least `retention` seconds (the server passes its longest
//    token lifetime plus leeway: after that, what they revoke has expired anyway), then
//    trimmed. A cursor from before the oldest trimmed event, or one the log cannot place (not
//    one it handed out: another store, a store that lost its data), reads as resync: no
//    events, the current end, and resync = true, which tells the subscriber to treat
//    everything it cached before as unknown.
//  - wait(since, timeout): blocks until read(since) may have something, or the timeout
//    passes (memory: a condition variable; SQLite: polls the table every 100 ms, since other
//    processes may write the file; Redis: XREAD BLOCK on a connection of its own). It may
//    return early with nothing new; callers read and wait again. For one background reader
//    (the server's pump), not for request threads.
//
// Backends (open_revocation_log): "memory:" (one process), "sqlite:PATH" (the table
// revocation_events of the store's file), "redis://H:P" and "redis-cluster://H:P,..." (the
// stream `tessera:revocations`, one key, so one slot).
// Errors: store_unavailable when the backend cannot be reached or answers wrongly (a stored
// event that does not parse too); invalid_argument for a cursor that does not parse.
// Thread safety: implementations are safe for concurrent use from many threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/error.hpp"

namespace tessera {

// One revocation. The JSON form (to_json) is what the feed serves:
//   jti:     {"type":"jti","jti":J,"exp":E}              the token with jti J (exp E) is revoked
//   subject: {"type":"subject","sub":S,"not_before":T}   tokens of S issued before T are revoked
//   grant:   {"type":"grant","grant":G,"sub":S}          every token of grant (family) G is revoked
struct RevocationEvent {
  enum class Type { jti, subject, grant };
  Type type = Type::jti;
  std::string jti = {};         // jti
  std::int64_t exp = 0;         // jti: the token's expiry (Unix seconds)
  std::string sub = {};         // subject, grant: the username, as in the tokens' sub
  std::int64_t not_before = 0;  // subject: Unix seconds
  std::string grant = {};       // grant: the family id
  friend bool operator==(const RevocationEvent&, const RevocationEvent&) = default;
};

// The event's JSON object as above (members in that order).
std::string to_json(const RevocationEvent& e);
// The inverse; malformed for anything else (unknown type, missing or extra members, empty ids).
Result<RevocationEvent> parse_revocation_event(std::string_view json);

struct RevocationEntry {
  std::string cursor;  // the position just after this event
  RevocationEvent event;
};

struct RevocationRead {
  std::vector<RevocationEntry> events;  // oldest first
  std::string cursor;                   // where to read from next (the last event's, or since)
  bool resync = false;                  // since could not be placed: events is empty
};

class RevocationLog {
 public:
  virtual ~RevocationLog() = default;
  // Appends e (and trims events older than the retention); returns the cursor after it.
  virtual Result<std::string> append(const RevocationEvent& e) = 0;
  // At most limit (>= 1) events after since.
  virtual Result<RevocationRead> read(std::string_view since, std::size_t limit) = 0;
  // Returns when events after since may exist, or after timeout (at most a few seconds are
  // sensible; the Redis backend's connection waits that long plus its command timeout).
  virtual Result<void> wait(std::string_view since, std::chrono::milliseconds timeout) = 0;
  virtual std::int64_t retention() const noexcept = 0;
};

// retention: seconds, >= 1 (invalid_argument otherwise). Same URIs as open_oauth_store.
Result<std::unique_ptr<RevocationLog>> open_revocation_log(std::string_view uri, std::int64_t retention);

}  // namespace tessera
