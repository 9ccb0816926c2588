// The Redis store's SessionReader (include/tessera/session_store.hpp): get and touch of a
// session on the caller's event loop, one AsyncConnection per node (redis_async.hpp), no
// thread hand-off. A get is two plain reads sent together, HMGET of the record and then HGET
// of the user's generation (both keys in the user's slot): no script, so Redis spends a few
// µs less per check than on the blocking store's get script, and still one round trip.
// Reading the record first keeps it safe: a credential change that lands between the two
// reads shows as a newer generation, which refuses the session (invariant 10). A touch is one
// EVALSHA of the touch script. All of it pipelined with whatever else the loop has in flight.
//
// Everything off that path goes to the blocking store on the loop's offload thread, which
// already knows how to do it: a session whose pointer this process has not cached yet, a
// script the node does not hold (NOSCRIPT: the blocking call loads it), a cluster redirect (MOVED, ASK, TRYAGAIN: run() follows
// them and repairs the slot map, which the next async call then uses) and any other error
// reply. A failure without a reply (refused, reset, timed out) is store_unavailable at once:
// the blocking store could not do better within the timeout (invariant 9). On a cluster it
// also marks the slot map stale, so the next call goes through the blocking store, which
// re-learns the map (a failed-over master is then reached at its new address).
// Thread safety: a reader is used on its loop's thread only; its source is thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "store/redis_conn.hpp"
#include "tessera/event_loop.hpp"
#include "tessera/session_store.hpp"

namespace tessera::store::redis {

// What the reader needs of the RedisStore that makes it (redis_store.cpp).
class ReaderSource {
 public:
  virtual ~ReaderSource() = default;
  // "P{u:…}:", the key base of the session's user, when this process has the session's
  // pointer cached; nullopt: the blocking store looks it up.
  virtual std::optional<std::string> cached_base(std::string_view id_hash) = 0;
  // EVALSHA name of the touch script.
  virtual const std::string& touch_sha() const = 0;
  virtual const Router& router() const = 0;
  // The record from the reply to HMGET <record> <record_fields()...> (user_generation left 0;
  // the same parsing the blocking get uses), and the generation from HGET <user> gen.
  virtual std::span<const std::string_view> record_fields() const = 0;
  virtual Result<std::optional<SessionRecord>> parse_fields(std::string id_hash, const redisReply& reply) const = 0;
  virtual Result<std::uint64_t> parse_user_generation(const redisReply& reply) const = 0;
  // A call on the loop lost its connection or timed out (Router::connection_failed).
  virtual void connection_failed() = 0;
  // The fallback: the store itself (thread-safe, blocking).
  virtual SessionStore& blocking() = 0;
  virtual std::chrono::milliseconds command_timeout() const = 0;
};

std::unique_ptr<SessionReader> make_session_reader(EventLoop& loop, ReaderSource& source);

// A reader's calls so far: sent on its loop's connections, or handed to the blocking store.
struct ReaderStats {
  std::uint64_t on_loop = 0;
  std::uint64_t blocking = 0;
};
// The stats of a reader make_session_reader made; nullopt for any other reader.
std::optional<ReaderStats> reader_stats(const SessionReader& reader);

}  // namespace tessera::store::redis
