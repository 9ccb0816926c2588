// SessionStore: where server-side sessions live. One interface, three backends (memory,
// SQLite, Redis / Redis Cluster); the session manager never knows which one runs.
//
// The store never sees a session id: records are keyed by id_hash = base64url(SHA-256(id))
// (DESIGN.md invariant 4), so a leaked store yields no usable cookie.
//
// Every call returns Errc::store_unavailable when the backend cannot be reached or answers
// wrongly, within a bounded time; callers fail closed (invariant 9).
// Multi-record operations (create with eviction, rotate, revoke_all) and the compare-and-set
// update_attributes are atomic.
// Thread safety: every implementation is safe for concurrent use from many threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/error.hpp"
#include "tessera/event_loop.hpp"
#include "tessera/secret.hpp"

namespace tessera {

struct ClientInfo {
  std::string ip;
  std::string user_agent;
  std::string device_label;
};

struct SessionRecord {
  std::string id_hash;               // base64url(SHA-256(session id)), 43 chars
  std::string user;
  std::int64_t created_at = 0;       // Unix seconds
  std::int64_t last_seen_at = 0;
  std::int64_t idle_expires_at = 0;
  std::int64_t absolute_expires_at = 0;
  bool revoked = false;              // a tombstone: kept until absolute_expires_at
  SecretBytes csrf_secret;           // base64url text of 32 random bytes (server-side only; stored as is)
  ClientInfo client;
  std::string attributes_json = "{}";  // application data, a JSON object
  // The user's credential generation the session was created under (UserRecord::generation;
  // 0 for a user without an account in the same backend).
  std::uint64_t generation = 0;
  // Read side only, filled by get() and list(): the user's generation when the record was read.
  // A session whose generation differs is dead (SessionManager refuses it; invariant 10).
  std::uint64_t user_generation = 0;
};

// Records are kept (and returned by get) until absolute_expires_at + kExpiredGrace, so the
// manager can still say which timeout ended a session, and a tombstone outlives its cookie.
// Idle expiry is decided by the manager from idle_expires_at; stores do not delete on it.
inline constexpr std::int64_t kExpiredGrace = 600;

// The continuation of an asynchronous call: runs once, on the loop's thread, with the result.
template <class T>
using Completion = std::move_only_function<void(Result<T>)>;

// The hot path of a store (a session check on every request), asynchronous: get and touch with
// the same meaning and errors as SessionStore's, answered through a Completion instead of a
// return value. A reader is bound to one EventLoop and used only on its thread; done may run
// before the call returns (stores that answer in microseconds answer inline) or later. Every
// call completes exactly once, with store_unavailable within the store's timeout when the
// backend is unreachable or frozen (invariant 9). Destroying the reader completes what is
// still pending with store_unavailable.
class SessionReader {
 public:
  virtual ~SessionReader() = default;
  virtual void get(std::string_view id_hash, Completion<std::optional<SessionRecord>> done) = 0;
  virtual void touch(std::string_view id_hash, std::int64_t last_seen_at, std::int64_t idle_expires_at,
                     Completion<bool> done) = 0;
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;

  // Inserts r if r.generation is still the user's generation; otherwise writes nothing and
  // fails with credentials_changed (a login whose check raced a credential change). Then, if
  // the user has more than max_per_user live (not revoked, not expired at r.created_at)
  // sessions, revokes the oldest (by created_at) until max_per_user remain, and returns their
  // id_hashes. Atomic, generation check included. max_per_user == 0 means no bound.
  virtual Result<std::vector<std::string>> create(const SessionRecord& r, std::size_t max_per_user) = 0;

  // The record, tombstones included, with user_generation read in the same step (one round
  // trip on Redis); nullopt when absent (never created, or swept).
  virtual Result<std::optional<SessionRecord>> get(std::string_view id_hash) = 0;

  // Slides the idle window: sets last_seen_at and idle_expires_at if the record exists and is
  // not revoked. Returns false when there was nothing to touch.
  virtual Result<bool> touch(std::string_view id_hash, std::int64_t last_seen_at, std::int64_t idle_expires_at) = 0;

  // Atomically: the old record becomes a tombstone and replacement is inserted (same user,
  // data and CSRF secret as the caller decides). false if old is absent or already revoked
  // (then nothing is inserted).
  virtual Result<bool> rotate(std::string_view old_id_hash, const SessionRecord& replacement) = 0;

  // Compare-and-set of the record's application data (attributes_json): replaces it with
  // `replacement` if the record exists, is not revoked and its attributes_json is byte for byte
  // `expected`; false otherwise (nothing written). Atomic with every other call, also across
  // processes sharing the backend, so two writers that read the same value cannot both win
  // (the BFF stores rotated tokens this way: docs/bff.md).
  virtual Result<bool> update_attributes(std::string_view id_hash, std::string_view expected,
                                         std::string_view replacement) = 0;

  // Makes the record a tombstone. false if absent or already revoked.
  virtual Result<bool> revoke(std::string_view id_hash) = 0;

  // Revokes every live session of user except except_id_hash (if given). Atomic; returns the
  // number revoked.
  virtual Result<std::size_t> revoke_all(std::string_view user, std::optional<std::string_view> except_id_hash) = 0;

  // The user's sessions that are not revoked and not expired at now, oldest first.
  virtual Result<std::vector<SessionRecord>> list(std::string_view user, std::int64_t now) = 0;

  // Deletes records (tombstones included) whose absolute_expires_at + kExpiredGrace <= now.
  // Returns how many went. Backends with native expiry (Redis TTLs) may return 0.
  virtual Result<std::size_t> sweep(std::int64_t now) = 0;

  // Cheap reachability check for readiness probes.
  virtual Result<void> ping() = 0;

  // A reader of this store for the hot path, bound to loop. The default answers inline with
  // get() and touch() (memory, SQLite: microseconds); Redis and Redis Cluster talk to the
  // server asynchronously on the loop, one pipelined connection per loop (and per node).
  // The store must outlive the reader.
  virtual std::unique_ptr<SessionReader> reader(EventLoop& loop);
};

// Backends. URIs: "memory:", "sqlite:PATH", "redis://HOST:PORT",
// "redis-cluster://HOST:PORT[,HOST:PORT...]".
Result<std::unique_ptr<SessionStore>> open_session_store(std::string_view uri);

}  // namespace tessera
