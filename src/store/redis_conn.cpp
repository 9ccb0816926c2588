// Redis connection, pool, reply helpers and script runner on top of hiredis (see redis_conn.hpp).
#include "store/redis_conn.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <charconv>
#include <utility>

#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"

namespace tessera::store::redis {

namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  if (ms.count() < 1) ms = std::chrono::milliseconds{1};
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(ms.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((ms.count() % 1000) * 1000);
  return tv;
}

}  // namespace

// ---- reply helpers ------------------------------------------------------------------------

std::string_view text(const redisReply& r) noexcept {
  if ((r.type == REDIS_REPLY_STRING || r.type == REDIS_REPLY_STATUS || r.type == REDIS_REPLY_ERROR) && r.str)
    return {r.str, r.len};
  return {};
}

std::optional<std::int64_t> parse_int(std::string_view s) noexcept {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::int64_t> integer(const redisReply& r) noexcept {
  if (r.type == REDIS_REPLY_INTEGER) return static_cast<std::int64_t>(r.integer);
  if (r.type == REDIS_REPLY_STRING) return parse_int(text(r));
  return std::nullopt;
}

bool error_is(const redisReply& r, std::string_view word) noexcept {
  if (!is_error(r)) return false;
  auto t = text(r);
  return t.starts_with(word) && (t.size() == word.size() || t[word.size()] == ' ');
}

std::string describe(const redisReply& r) {
  switch (r.type) {
    case REDIS_REPLY_STRING: return "string(" + std::to_string(r.len) + " bytes)";
    case REDIS_REPLY_ARRAY: return "array(" + std::to_string(r.elements) + ")";
    case REDIS_REPLY_INTEGER: return "integer " + std::to_string(r.integer);
    case REDIS_REPLY_NIL: return "nil";
    case REDIS_REPLY_STATUS: return "status " + std::string(text(r).substr(0, 60));
    case REDIS_REPLY_ERROR: return "error " + std::string(text(r).substr(0, 120));
    default: return "reply type " + std::to_string(r.type);
  }
}

std::unexpected<Error> bad_reply(std::string_view what, const redisReply& r) {
  return fail(Errc::store_unavailable, "redis: unexpected reply to " + std::string(what) + ": " + describe(r));
}

Result<bool> as_bool(const Result<Reply>& reply, std::string_view what) {
  if (!reply) return std::unexpected(reply.error());
  auto n = integer(**reply);
  if ((*reply)->type != REDIS_REPLY_INTEGER || !n || (*n != 0 && *n != 1)) return bad_reply(what, **reply);
  return *n == 1;
}

// ---- Connection ---------------------------------------------------------------------------

Result<std::unique_ptr<Connection>> Connection::open(const Endpoint& at, std::chrono::milliseconds connect_timeout,
                                                     std::chrono::milliseconds command_timeout) {
  redisContext* c = redisConnectWithTimeout(at.host.c_str(), at.port, to_timeval(connect_timeout));
  if (!c) return fail(Errc::store_unavailable, "redis: cannot allocate a context for " + at.str());
  if (c->err) {
    std::string msg = "redis: connect to " + at.str() + " failed: " + c->errstr;
    redisFree(c);
    return fail(Errc::store_unavailable, std::move(msg));
  }
  if (redisSetTimeout(c, to_timeval(command_timeout)) != REDIS_OK) {
    std::string msg = "redis: cannot set the command timeout on " + at.str() + ": " + c->errstr;
    redisFree(c);
    return fail(Errc::store_unavailable, std::move(msg));
  }
  (void)redisEnableKeepAlive(c);  // best effort: finds dead peers on idle connections
  return std::unique_ptr<Connection>(new Connection(c));
}

Connection::~Connection() { redisFree(ctx_); }

std::unexpected<Error> Connection::io_failure(std::string_view during) {
  broken_ = true;
  std::string why = ctx_->err ? std::string(ctx_->errstr) : std::string("no reply");
  // hiredis reports a socket timeout as an I/O error with strerror(EAGAIN).
  if (ctx_->err == REDIS_ERR_IO && why.find("temporarily unavailable") != std::string::npos) why = "command timed out";
  return fail(Errc::store_unavailable, "redis: " + std::string(during) + ": " + why);
}

Result<Reply> Connection::command(std::span<const std::string_view> argv, bool asking) {
  if (broken_) return fail(Errc::store_unavailable, "redis: connection already failed");
  if (argv.empty()) return fail(Errc::internal, "redis: empty command");
  std::vector<const char*> ptrs;
  std::vector<std::size_t> lens;
  ptrs.reserve(argv.size());
  lens.reserve(argv.size());
  for (auto a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  const int argc = static_cast<int>(argv.size());
  if (asking) {
    static const char* kAsking = "ASKING";
    static const std::size_t kAskingLen = 6;
    if (redisAppendCommandArgv(ctx_, 1, &kAsking, &kAskingLen) != REDIS_OK) return io_failure("ASKING");
  }
  if (redisAppendCommandArgv(ctx_, argc, ptrs.data(), lens.data()) != REDIS_OK) return io_failure("send");
  if (asking) {
    void* raw = nullptr;
    if (redisGetReply(ctx_, &raw) != REDIS_OK || !raw) return io_failure("ASKING reply");
    Reply ok(static_cast<redisReply*>(raw));
    if (ok->type != REDIS_REPLY_STATUS) {
      // The command's reply is still in flight; the stream is no longer usable for others.
      broken_ = true;
      return bad_reply("ASKING", *ok);
    }
  }
  void* raw = nullptr;
  if (redisGetReply(ctx_, &raw) != REDIS_OK || !raw) return io_failure("reply");
  return Reply(static_cast<redisReply*>(raw));
}

bool Connection::idle_ok() const noexcept {
  if (broken_ || ctx_->err || ctx_->fd < 0) return false;
  char b;
  const auto n = ::recv(ctx_->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
  return false;  // 0: closed by the peer; >0: bytes nobody asked for
}

// ---- Pool ---------------------------------------------------------------------------------

Pool::Pool(Endpoint at, const RedisOptions& options)
    : at_(std::move(at)),
      connect_timeout_(options.connect_timeout),
      command_timeout_(options.command_timeout),
      max_idle_(options.pool_size == 0 ? 1 : options.pool_size) {}

Pool::~Pool() = default;

Pool::Lease::~Lease() {
  if (pool_ && conn_) pool_->give_back(std::move(conn_));
}

Result<Pool::Lease> Pool::acquire() {
  {
    MutexLock lock(mu_);
    while (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      if (c->idle_ok()) return Lease(this, std::move(c));
      // A stale one: the server went away since. Drop it (outside the lock) and try the next.
      lock.unlock();
      c.reset();
      lock.lock();
    }
  }
  auto c = Connection::open(at_, connect_timeout_, command_timeout_);
  if (!c) return std::unexpected(std::move(c.error()));
  return Lease(this, std::move(*c));
}

void Pool::give_back(std::unique_ptr<Connection> c) {
  if (!c->healthy()) {
    clear();  // the others were talking to the same server: likely stale too
    return;
  }
  MutexLock lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(c));
}

void Pool::clear() {
  std::vector<std::unique_ptr<Connection>> drop;
  {
    MutexLock lock(mu_);
    drop.swap(idle_);
  }
}

// ---- SingleRouter -------------------------------------------------------------------------

Result<Reply> SingleRouter::run(std::string_view, const Op& op) {
  auto lease = pool_.acquire();
  if (!lease) return std::unexpected(std::move(lease.error()));
  return op(**lease, false);
}

Result<void> SingleRouter::ping() {
  auto r = run({}, command_op({"PING"}));
  if (!r) return std::unexpected(std::move(r.error()));
  if ((*r)->type != REDIS_REPLY_STATUS || text(**r) != "PONG") return bad_reply("PING", **r);
  return {};
}

Op command_op(std::vector<std::string> argv) {
  return [argv = std::move(argv)](Connection& c, bool asking) -> Result<Reply> {
    std::vector<std::string_view> v(argv.begin(), argv.end());
    return c.command(v, asking);
  };
}

// ---- Script -------------------------------------------------------------------------------

Script::Script(std::string source)
    : source_(std::move(source)), sha_(codec::hex_encode(crypto::sha1_for_naming(crypto::as_bytes(source_)))) {}

Result<void> Script::load(Connection& c) const {
  auto r = c.command({"SCRIPT", "LOAD", source_});
  if (!r) return std::unexpected(std::move(r.error()));
  if ((*r)->type != REDIS_REPLY_STRING || text(**r) != sha_) return bad_reply("SCRIPT LOAD", **r);
  return {};
}

Result<Reply> Script::eval(Connection& c, bool asking, std::span<const std::string> keys,
                           std::span<const std::string> args) const {
  const std::string numkeys = std::to_string(keys.size());
  std::vector<std::string_view> argv;
  argv.reserve(3 + keys.size() + args.size());
  argv.push_back("EVALSHA");
  argv.push_back(sha_);
  argv.push_back(numkeys);
  for (const auto& k : keys) argv.push_back(k);
  for (const auto& a : args) argv.push_back(a);

  auto r = c.command(argv, asking);
  if (!r || !error_is(**r, "NOSCRIPT")) return r;
  // This node has not seen the script (restart, flush, another cluster node): load, retry once.
  if (auto loaded = load(c); !loaded) return std::unexpected(std::move(loaded.error()));
  return c.command(argv, asking);
}

}  // namespace tessera::store::redis
