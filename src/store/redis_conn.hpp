// Redis plumbing on top of hiredis (blocking API): one connection with connect and command
// timeouts, a per-node pool that drops broken connections and re-creates them on next use,
// reply helpers, Lua scripts run by EVALSHA (SCRIPT LOAD on NOSCRIPT), and the Router
// interface that decides which node a key's command goes to (one server here; a Redis
// Cluster in redis_cluster.hpp).
//
// Errors: every I/O failure (refused, reset, timeout, protocol) is Errc::store_unavailable and
// poisons the connection, which the pool then discards. An error *reply* (-ERR, -MOVED, ...)
// is not an I/O failure: it comes back as a Reply for the caller to read.
// Thread safety: a Connection is used by one thread at a time (a Lease); Pool, Router and
// Script are safe for concurrent use.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/mutex.hpp"
#include "store/stores.hpp"
#include "tessera/error.hpp"

namespace tessera::store::redis {

struct ReplyDeleter {
  void operator()(redisReply* r) const noexcept {
    if (r) freeReplyObject(r);
  }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// ---- reply helpers ------------------------------------------------------------------------
inline bool is_error(const redisReply& r) noexcept { return r.type == REDIS_REPLY_ERROR; }
inline bool is_nil(const redisReply& r) noexcept { return r.type == REDIS_REPLY_NIL; }
// The text of a STRING, STATUS or ERROR reply ("" for other types).
std::string_view text(const redisReply& r) noexcept;
// An INTEGER reply, or a STRING holding a canonical decimal integer.
std::optional<std::int64_t> integer(const redisReply& r) noexcept;
// Strict decimal parse of a whole string (no sign other than '-', no spaces).
std::optional<std::int64_t> parse_int(std::string_view s) noexcept;
// True when an error reply starts with this word ("MOVED", "NOSCRIPT", ...).
bool error_is(const redisReply& r, std::string_view word) noexcept;
// "reply was X" for diagnostics (type and a bounded excerpt, never more).
std::string describe(const redisReply& r);
// store_unavailable for a reply that is not what the protocol promised.
std::unexpected<Error> bad_reply(std::string_view what, const redisReply& r);
// A call whose reply must be the integer 0 or 1 (a script's "did it"): false / true; its
// error as is; bad_reply(what) for any other reply.
Result<bool> as_bool(const Result<Reply>& reply, std::string_view what);

struct Endpoint {
  std::string host;
  int port = 0;
  std::string str() const { return host + ":" + std::to_string(port); }
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// ---- one connection -----------------------------------------------------------------------
class Connection {
 public:
  static Result<std::unique_ptr<Connection>> open(const Endpoint& at, std::chrono::milliseconds connect_timeout,
                                                  std::chrono::milliseconds command_timeout);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends one command and reads its reply. With asking, "ASKING" is pipelined first (its +OK
  // is consumed here), as a Redis Cluster ASK redirect requires.
  Result<Reply> command(std::span<const std::string_view> argv, bool asking = false);
  Result<Reply> command(std::initializer_list<std::string_view> argv, bool asking = false) {
    return command(std::span<const std::string_view>(argv.begin(), argv.size()), asking);
  }

  // False once an I/O error happened: the stream may be out of step, never reuse it.
  bool healthy() const noexcept { return !broken_; }
  // Cheap check of an idle connection before reuse: false when the peer closed it (server
  // restarted or killed) or unexpected bytes are waiting. One non-blocking recv(MSG_PEEK).
  bool idle_ok() const noexcept;

 private:
  explicit Connection(redisContext* c) : ctx_(c) {}
  std::unexpected<Error> io_failure(std::string_view during);
  redisContext* ctx_;
  bool broken_ = false;
};

// ---- a pool of connections to one node ------------------------------------------------------
class Pool {
 public:
  Pool(Endpoint at, const RedisOptions& options);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // A connection on loan; returned to the pool on destruction if still healthy.
  class Lease {
   public:
    Lease(Pool* p, std::unique_ptr<Connection> c) : pool_(p), conn_(std::move(c)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) noexcept = delete;
    ~Lease();
    Connection& operator*() const noexcept { return *conn_; }
    Connection* operator->() const noexcept { return conn_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  // An idle connection if one passes idle_ok(), else a new one (connect timeout applies).
  // Connections beyond pool_size are closed when returned rather than kept.
  Result<Lease> acquire();
  // Closes every idle connection (used after an I/O error: they are likely stale too).
  void clear();
  const Endpoint& endpoint() const noexcept { return at_; }

 private:
  void give_back(std::unique_ptr<Connection> c);
  Endpoint at_;
  std::chrono::milliseconds connect_timeout_, command_timeout_;
  std::size_t max_idle_;
  Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ GUARDED_BY(mu_);
};

// ---- routing -------------------------------------------------------------------------------
// The work for one key, done on the node the router picked: `asking` is true when it must be
// sent after ASKING (Connection::command(argv, asking) does it). It returns the reply that
// decides the outcome; the router inspects error replies for MOVED / ASK / TRYAGAIN.
using Op = std::function<Result<Reply>(Connection&, bool asking)>;

class Router {
 public:
  virtual ~Router() = default;
  // Runs op on the node that serves key (its hash slot on a cluster).
  virtual Result<Reply> run(std::string_view key, const Op& op) = 0;
  // PING every node that serves data.
  virtual Result<void> ping() = 0;
  // The node key's commands go to now, if known (the asynchronous reader's choice; a wrong
  // guess only costs a MOVED, which the reader hands to run()).
  virtual std::optional<Endpoint> endpoint_for(std::string_view key) const = 0;
  // A caller outside run() (the asynchronous reader) lost a connection or a reply: the node
  // may have failed over or left. A cluster re-learns its map on the next run().
  virtual void connection_failed() noexcept {}
};

// One server: every key goes to it.
class SingleRouter final : public Router {
 public:
  SingleRouter(Endpoint at, const RedisOptions& options) : pool_(std::move(at), options) {}
  Result<Reply> run(std::string_view key, const Op& op) override;
  Result<void> ping() override;
  std::optional<Endpoint> endpoint_for(std::string_view) const override { return pool_.endpoint(); }

 private:
  Pool pool_;
};

// A plain command as an Op (argv copied: safe to keep past the call site).
Op command_op(std::vector<std::string> argv);

// ---- Lua scripts ---------------------------------------------------------------------------
// A script run with EVALSHA under the SHA-1 of its source, computed here (what SCRIPT LOAD
// answers), so EVALSHA works from the first call and the asynchronous reader never waits for
// a load. A NOSCRIPT reply (server restarted, SCRIPT FLUSH, another cluster node) loads it on
// that node and retries once.
class Script {
 public:
  explicit Script(std::string source);
  // EVALSHA sha numkeys keys... args... on c; sent after ASKING when asking.
  Result<Reply> eval(Connection& c, bool asking, std::span<const std::string> keys,
                     std::span<const std::string> args) const;
  // EVALSHA's name of the script.
  const std::string& sha() const noexcept { return sha_; }

 private:
  // SCRIPT LOAD on c; store_unavailable unless Redis names it sha_.
  Result<void> load(Connection& c) const;
  std::string source_;
  std::string sha_;
};

}  // namespace tessera::store::redis
