// GET|POST /oauth2/revocations (server/routes/revocation_routes.hpp).
//
// Every wait follows one pattern, so that no event slips between a read and a wait: note the
// feed's version, read (the feed's buffer, or the log when the feed cannot place the cursor),
// and only if nothing came, wait for the version to move; repeat.
#include "server/routes/revocation_routes.hpp"

#include <charconv>
#include <string>
#include <utility>

#include <boost/json.hpp>

#include "server/revocation_feed.hpp"
#include "server/routes/oauth_support.hpp"

namespace tessera::server {
namespace {

namespace json = boost::json;
using steady = std::chrono::steady_clock;

struct FeedRequest {
  Params params;
  std::string since;
  std::int64_t wait = 0;  // seconds, capped at kMaxWait
  bool sse = false;
};

std::optional<std::string_view> param(const Params& p, std::string_view name) {
  for (const auto& [k, v] : p)
    if (k == name) return v;
  return std::nullopt;
}

std::expected<FeedRequest, std::string> read_request(const Exchange& x) {
  FeedRequest r;
  if (x.in.msg.method() == http::verb::post) {
    auto form = form_params(x);
    if (!form) return std::unexpected(form.error());
    r.params = std::move(*form);
  } else {
    auto q = query_params(x);
    if (!q) return std::unexpected("the query string does not decode");
    r.params = std::move(*q);
    for (std::string_view secret : {"client_secret", "client_assertion", "client_assertion_type"})
      if (param(r.params, secret)) return std::unexpected("client credentials go in Authorization: Basic (or POST a form), never in a URL");
  }
  if (auto s = param(r.params, "since")) {
    r.since = std::string(*s);
  } else if (auto last = x.in.msg.find("Last-Event-ID"); last != x.in.msg.end()) {
    r.since = std::string(last->value());  // an EventSource reconnecting
  }
  if (auto w = param(r.params, "wait")) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(w->data(), w->data() + w->size(), v);
    if (w->empty() || ec != std::errc{} || end != w->data() + w->size() || v < 0)
      return std::unexpected("wait must be a number of seconds (0-60)");
    r.wait = std::min(v, kMaxWait);
  }
  if (auto a = x.in.msg.find(http::field::accept); a != x.in.msg.end())
    r.sse = a->value().find("text/event-stream") != std::string_view::npos;
  return r;
}

// (Coroutine parameters and the lambdas handed to run_store hold references only: g++ 12
// destroys some by-value coroutine arguments twice.)
asio::awaitable<Result<RevocationRead>> read_log(const AppContext& ctx, const std::string& cursor) {
  co_return co_await run_store(ctx, [&ctx, &cursor] { return ctx.feed->log().read(cursor, RevocationFeed::kBatch); });
}

// The events after cursor: from the feed's buffer when it can place the cursor, else the log.
asio::awaitable<Result<RevocationRead>> next(const AppContext& ctx, const std::string& cursor) {
  if (auto buffered = ctx.feed->after(cursor)) {
    RevocationRead r;
    if (buffered->size() > RevocationFeed::kBatch) buffered->resize(RevocationFeed::kBatch);
    r.events = std::move(*buffered);
    r.cursor = r.events.empty() ? cursor : r.events.back().cursor;
    co_return r;
  }
  co_return co_await read_log(ctx, cursor);
}

json::value event_json(const RevocationEvent& e) { return json::parse(to_json(e)); }

Response json_answer(const RevocationRead& r) {
  json::array events;
  events.reserve(r.events.size());
  for (const auto& e : r.events) events.push_back(event_json(e.event));
  json::object o{{"events", std::move(events)}, {"cursor", r.cursor}};
  if (r.resync) o["resync"] = true;
  return oauth_json(http::status::ok, o);
}

Response feed_error(const AppContext& ctx, Exchange& x, const Error& e) {
  if (e.code == Errc::invalid_argument)
    return oauth_error(x, Errc::invalid_request, "since is not a cursor of this server's revocation feed");
  return oauth_error(ctx, x, e);
}

// One control message: {"type": kind, "cursor": C} as event `kind` with id C.
std::string sse_control(std::string_view kind, const std::string& cursor) {
  json::object o{{"type", kind}, {"cursor", cursor}};
  return "event: " + std::string(kind) + "\nid: " + cursor + "\ndata: " + json::serialize(o) + "\n\n";
}

std::string sse_events(const RevocationRead& r) {
  std::string out;
  if (r.resync) out += sse_control("resync", r.cursor);
  for (const auto& e : r.events) out += "id: " + e.cursor + "\ndata: " + to_json(e.event) + "\n\n";
  return out;
}

// The Server-Sent Events stream, after the first read (already answered with `ready` or
// `resync`): events as the feed gets them, a comment every kSseHeartbeat, until the peer goes
// or the feed stops (shutdown).
// start: where the stream begins (the since placed, or the end when since was empty).
asio::awaitable<void> stream(const AppContext& ctx, BodyWriter& w, const std::string& start, const RevocationRead& first,
                             std::uint64_t seen) {
  std::string head = first.resync ? std::string() : sse_control("ready", start);
  head += sse_events(first);
  if (!co_await w.write(head)) co_return;
  std::string cursor = first.cursor;
  bool backlog = first.events.size() == RevocationFeed::kBatch;  // a full batch: more may follow at once
  auto heartbeat = steady::now() + kSseHeartbeat;
  while (w.open() && !ctx.feed->stopped()) {
    if (!backlog) co_await ctx.feed->wait_change(seen, heartbeat - steady::now());
    if (ctx.feed->stopped() || !w.open()) break;
    seen = ctx.feed->version();
    auto r = co_await next(ctx, cursor);
    if (!r) break;  // the log is unreachable: the subscriber reconnects with its Last-Event-ID
    backlog = r->events.size() == RevocationFeed::kBatch;
    if (r->resync || !r->events.empty()) {
      cursor = r->cursor;
      const std::string text = sse_events(*r);
      if (!co_await w.write(text)) break;
      heartbeat = steady::now() + kSseHeartbeat;
    } else if (steady::now() >= heartbeat) {
      if (!co_await w.write(": keepalive\n\n")) break;
      heartbeat = steady::now() + kSseHeartbeat;
    }
  }
}

}  // namespace

asio::awaitable<Response> revocations(const AppContext& ctx, Exchange& x) {
  if (!ctx.feed) co_return oauth_error(ctx, x, Error(Errc::store_unavailable, "the revocation feed is not running"));
  auto req = read_request(x);
  if (!req) co_return oauth_error(x, Errc::invalid_request, req.error());
  const ClientAuth auth = client_auth(x);
  auto client = co_await run_client_call(ctx, req->params,
                                         [&ctx, &req, &auth] { return ctx.oauth.authenticate_feed_client(req->params, auth); });
  if (!client) co_return oauth_error(ctx, x, client.error(), auth.basic || auth.malformed_basic);

  std::uint64_t seen = ctx.feed->version();
  auto r = co_await read_log(ctx, req->since);
  if (!r) co_return feed_error(ctx, x, r.error());

  if (req->sse) {
    Response res{http::status::ok, 11};
    res.set(http::field::content_type, "text/event-stream");
    res.set(http::field::cache_control, "no-store");
    res.set("X-Accel-Buffering", "no");  // a proxy in front must not hold events back
    std::string start = req->since.empty() ? r->cursor : req->since;
    x.in.stream = [&ctx, start = std::move(start), first = std::move(*r), seen](BodyWriter& w) -> asio::awaitable<void> {
      co_await stream(ctx, w, start, first, seen);
    };
    co_return res;
  }

  const auto deadline = steady::now() + std::chrono::seconds(req->wait);
  while (!r->resync && r->events.empty() && steady::now() < deadline && !ctx.feed->stopped()) {
    co_await ctx.feed->wait_change(seen, deadline - steady::now());
    seen = ctx.feed->version();
    auto more = co_await next(ctx, r->cursor);
    if (!more) co_return feed_error(ctx, x, more.error());
    r = std::move(more);
  }
  co_return json_answer(*r);
}

}  // namespace tessera::server
