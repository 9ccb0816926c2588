// The revocation-feed subscriber (tessera/revocation_subscriber.hpp).
#include "tessera/revocation_subscriber.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

#include "codec/json.hpp"
#include "common/mutex.hpp"
#include "net/client_auth.hpp"
#include "tessera/revocation_log.hpp"

namespace tessera {

namespace json = boost::json;

namespace {

// 1000 events (the feed's most per answer) of a few hundred bytes each, with room to spare.
constexpr std::size_t kMaxFeedAnswerBytes = 1024 * 1024;
// The call's deadline beyond the long poll's wait.
constexpr std::chrono::seconds kDeadlineSlack{10};

struct FeedAnswer {
  std::vector<RevocationEvent> events;
  std::string cursor;
  bool resync = false;
};

Result<FeedAnswer> parse_feed_answer(std::string_view body) {
  auto o = codec::parse_json_object(body, {.max_bytes = kMaxFeedAnswerBytes, .max_depth = 8});
  if (!o) return std::unexpected(o.error());
  FeedAnswer a;
  auto cursor = codec::get_string(*o, "cursor");
  if (!cursor) return std::unexpected(cursor.error());
  if (!*cursor || (*cursor)->empty()) return fail(Errc::malformed, "feed answer without a cursor");
  a.cursor = std::string(**cursor);
  if (const auto* r = o->if_contains("resync")) {
    if (!r->is_bool()) return fail(Errc::wrong_type, "feed answer: resync is not a bool");
    a.resync = r->get_bool();
  }
  const auto* events = o->if_contains("events");
  if (!events || !events->is_array()) return fail(Errc::malformed, "feed answer without an events array");
  for (const auto& v : events->get_array()) {
    if (!v.is_object()) return fail(Errc::wrong_type, "feed answer: an event is not an object");
    auto e = parse_revocation_event(codec::to_json(v));
    if (!e) return fail(e.error().code, "feed answer: " + e.error().message);
    a.events.push_back(std::move(*e));
  }
  return a;
}

}  // namespace

struct RevocationFeedSubscriber::State {
  RevocationSubscriberOptions options;
  std::shared_ptr<HttpClient> http;
  std::shared_ptr<DenyList> deny;
  std::int64_t wait = 1;  // the effective long-poll seconds
  mutable Mutex mu;
  std::string cursor GUARDED_BY(mu);
  RevocationSubscriberStats stats GUARDED_BY(mu);
  std::jthread thread;  // last: started once the rest is in place, joined first

  // One long poll; applies what it answered.
  Result<void> round(std::stop_token st) {
    std::string since;
    {
      MutexLock lock(mu);
      since = cursor;
    }
    // A fresh start asks without waiting: the feed has nothing for us but its current cursor.
    const std::int64_t w = since.empty() ? 0 : wait;
    const std::string w_text = std::to_string(w);
    auto res = http->send({.method = "POST",
                           .url = options.feed_url,
                           .headers = {{"Authorization", tessera::basic_authorization(options.client)},
                                       {"Content-Type", "application/x-www-form-urlencoded"},
                                       {"Accept", "application/json"}},
                           .body = net::form_body({{"since", since}, {"wait", w_text}})},
                          std::chrono::seconds(w) + kDeadlineSlack, kMaxFeedAnswerBytes, st);
    if (!res) return fail(Errc::store_unavailable, "revocation feed: " + res.error().message);
    if (res->status != 200) return fail(Errc::store_unavailable, "revocation feed: status " + std::to_string(res->status));
    auto answer = parse_feed_answer(res->body);
    if (!answer) return fail(Errc::io_error, "revocation feed: " + std::string(answer.error().name()) + ": " + answer.error().message);
    const std::int64_t now = options.clock->now();
    if ((since.empty() && options.distrust_before_start) || answer->resync) deny->resync(now);
    for (const auto& e : answer->events) deny->apply(e, now);
    deny->heard_from(now);
    MutexLock lock(mu);
    cursor = std::move(answer->cursor);
    ++stats.answers;
    stats.events += answer->events.size();
    if (answer->resync && !since.empty()) ++stats.resyncs;
    return {};
  }

  void run(std::stop_token st) {
    std::mutex sleep_mu;
    std::condition_variable_any sleep_cv;
    auto backoff = options.min_backoff;
    while (!st.stop_requested()) {
      auto ok = round(st);
      if (st.stop_requested()) return;
      if (ok) {
        backoff = options.min_backoff;
        continue;
      }
      {
        MutexLock lock(mu);
        ++stats.errors;
      }
      if (options.on_error) options.on_error(ok.error());
      std::unique_lock lock(sleep_mu);
      sleep_cv.wait_for(lock, st, backoff, [] { return false; });
      backoff = std::min(backoff * 2, options.max_backoff);
    }
  }
};

Result<std::unique_ptr<RevocationFeedSubscriber>> RevocationFeedSubscriber::start(RevocationSubscriberOptions options,
                                                                                 std::shared_ptr<HttpClient> http,
                                                                                 std::shared_ptr<DenyList> deny_list) {
  const auto bad = [](std::string why) { return fail(Errc::invalid_argument, "revocation subscriber: " + why); };
  if (!secure_or_loopback_url(options.feed_url)) return bad("feed URL " + options.feed_url + " is not https (nor http on loopback)");
  if (options.client.client_id.empty()) return bad("no client id");
  if (options.wait < 1 || options.wait > 60) return bad("wait must be 1..60 seconds");
  if (options.min_backoff.count() <= 0 || options.max_backoff < options.min_backoff)
    return bad("backoffs must be 0 < min_backoff <= max_backoff");
  if (!http || !deny_list) return bad("no HTTP client or deny list");
  if (!options.clock) return bad("no clock");
  auto s = std::make_unique<State>();
  s->wait = std::min(options.wait, std::max<std::int64_t>(1, deny_list->options().max_stale / 2));
  s->options = std::move(options);
  s->http = std::move(http);
  s->deny = std::move(deny_list);
  State* raw = s.get();
  s->thread = std::jthread([raw](std::stop_token st) { raw->run(st); });
  return std::unique_ptr<RevocationFeedSubscriber>(new RevocationFeedSubscriber(std::move(s)));
}

RevocationFeedSubscriber::RevocationFeedSubscriber(std::unique_ptr<State> state) : state_(std::move(state)) {}

RevocationFeedSubscriber::~RevocationFeedSubscriber() {
  stop();
  if (state_->thread.joinable()) state_->thread.join();
}

void RevocationFeedSubscriber::stop() { state_->thread.request_stop(); }

std::string RevocationFeedSubscriber::cursor() const {
  MutexLock lock(state_->mu);
  return state_->cursor;
}

RevocationSubscriberStats RevocationFeedSubscriber::stats() const {
  MutexLock lock(state_->mu);
  return state_->stats;
}

}  // namespace tessera
