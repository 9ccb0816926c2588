// The revocation-feed subscriber (tessera/revocation_subscriber.hpp) against a fake feed on
// loopback that speaks docs/revocation-feed.md's long poll: events reach the deny list (jti,
// subject, grant), the client authenticates with Basic and a form body, a fresh start and a
// resync distrust the past, a feed that fails leaves the list unfresh once max_stale passed,
// stop() does not wait out a long poll, and bad options are refused.
#include "tessera/revocation_subscriber.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "loopback_http_server.hpp"
#include "settable_clock.hpp"

namespace tessera::test {
namespace {

constexpr std::int64_t kT0 = 1'700'000'000;

// Waits (polling) until pred holds; false after a generous deadline (a hung test fails, it
// never asserts on timing).
template <class Pred>
bool eventually(Pred pred) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

std::string form_value(std::string_view body, std::string_view name) {
  const std::string key = std::string(name) + "=";
  for (std::size_t at = 0; at <= body.size();) {
    auto end = body.find('&', at);
    if (end == std::string_view::npos) end = body.size();
    auto part = body.substr(at, end - at);
    if (part.starts_with(key)) return std::string(part.substr(key.size()));
    at = end + 1;
  }
  return "<absent>";
}

// The feed: a cursor is "EPOCH-N", N the count of events before it; a cursor of another epoch
// (trim_all) or past the end is answered with resync.
class FakeFeed {
 public:
  FakeFeed() : server_([this](const HttpRequest& r) { return answer(r); }) {}
  ~FakeFeed() {
    {
      std::lock_guard lock(mu_);
      closing_ = true;
      cv_.notify_all();
    }
    server_.close();
  }

  void push(const RevocationEvent& e) {
    std::lock_guard lock(mu_);
    events_.push_back(to_json(e));
    cv_.notify_all();
  }
  void set_status(unsigned s) {
    std::lock_guard lock(mu_);
    status_ = s;
    cv_.notify_all();
  }
  // Every cursor handed out so far can no longer be placed (a trimmed or replaced log).
  void trim_all() {
    std::lock_guard lock(mu_);
    ++epoch_;
    cv_.notify_all();
  }
  std::vector<HttpRequest> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }
  int polls_answered() {
    std::lock_guard lock(mu_);
    return polls_answered_;
  }
  std::string url() const { return server_.url("/oauth2/revocations"); }
  LoopbackServer& server() { return server_; }

 private:
  std::string cursor() const { return std::to_string(epoch_) + "-" + std::to_string(events_.size()); }
  HttpResponse answer(const HttpRequest& req) {
    std::unique_lock lock(mu_);
    seen_.push_back(req);
    HttpResponse res(http::status::ok, 11);
    res.set(http::field::content_type, "application/json");
    if (status_ != 200) {
      res.result(status_);
      res.body() = R"({"error":"store_unavailable"})";
      return res;
    }
    const std::string since = form_value(req.body(), "since");
    const int wait = std::stoi(form_value(req.body(), "wait"));
    if (since.empty()) {
      res.body() = R"({"events":[],"cursor":")" + cursor() + "\"}";
      return res;
    }
    const auto dash = since.find('-');
    const int epoch = epoch_;
    const std::size_t from = dash == std::string::npos ? 0 : std::stoul(since.substr(dash + 1));
    const auto placed = [&] { return since == std::to_string(epoch_) + "-" + std::to_string(from) && from <= events_.size(); };
    if (placed()) {
      cv_.wait_for(lock, std::chrono::seconds(wait),
                   [&] { return events_.size() > from || closing_ || status_ != 200 || epoch_ != epoch; });
      ++polls_answered_;
    }
    if (!placed()) {
      res.body() = R"({"events":[],"cursor":")" + cursor() + R"(","resync":true})";
      return res;
    }
    std::string list;
    for (std::size_t i = from; i < events_.size(); ++i) list += (list.empty() ? "" : ",") + events_[i];
    res.body() = R"({"events":[)" + list + R"(],"cursor":")" + cursor() + "\"}";
    return res;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> events_;
  int epoch_ = 0;
  unsigned status_ = 200;
  bool closing_ = false;
  int polls_answered_ = 0;
  std::vector<HttpRequest> seen_;
  LoopbackServer server_;  // last: its threads use the members above
};

class NetRevocationSubscriber : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = HttpClient::create({});
    ASSERT_TRUE(c);
    http_ = std::move(*c);
    auto d = DenyList::create({.max_token_ttl = 600, .max_stale = 4, .max_entries = 1000});
    ASSERT_TRUE(d);
    deny_ = *d;
  }
  RevocationSubscriberOptions options() {
    return {.feed_url = feed_.url(), .client = {"api", SecretBytes(std::string_view("s3cret:&"))}, .wait = 25,
            .min_backoff = std::chrono::milliseconds(10), .max_backoff = std::chrono::milliseconds(40),
            .clock = &clock_, .distrust_before_start = true, .on_error = {}};
  }
  std::unique_ptr<RevocationFeedSubscriber> start(RevocationSubscriberOptions o) {
    auto s = RevocationFeedSubscriber::start(std::move(o), http_, deny_);
    EXPECT_TRUE(s) << s.error().message;
    return s ? std::move(*s) : nullptr;
  }
  std::unique_ptr<RevocationFeedSubscriber> start() { return start(options()); }

  FakeFeed feed_;
  SettableClock clock_{kT0};
  std::shared_ptr<HttpClient> http_;
  std::shared_ptr<DenyList> deny_;
};

TEST_F(NetRevocationSubscriber, EventsReachTheDenyList) {
  auto sub = start();
  ASSERT_TRUE(eventually([&] { return sub->stats().answers >= 1; }));
  EXPECT_TRUE(deny_->fresh(kT0));
  feed_.push({.type = RevocationEvent::Type::jti, .jti = "j1", .exp = kT0 + 300});
  ASSERT_TRUE(eventually([&] { return deny_->is_revoked("j1", "alice", "", kT0, kT0); }));
  feed_.push({.type = RevocationEvent::Type::subject, .sub = "bob", .not_before = kT0});
  feed_.push({.type = RevocationEvent::Type::grant, .sub = "carol", .grant = "fam-9"});
  ASSERT_TRUE(eventually([&] { return deny_->is_revoked("x", "carol", "fam-9", kT0, kT0); }));
  EXPECT_TRUE(deny_->is_revoked("x", "bob", "", kT0 - 1, kT0));
  EXPECT_FALSE(deny_->is_revoked("x", "bob", "", kT0, kT0));
  EXPECT_EQ(sub->stats().events, 3u);
  EXPECT_EQ(sub->cursor(), "0-3");
}

TEST_F(NetRevocationSubscriber, AuthenticatesWithBasicAndAsksWithAForm) {
  auto sub = start();
  ASSERT_TRUE(eventually([&] { return sub->stats().answers >= 1; }));
  feed_.push({.type = RevocationEvent::Type::jti, .jti = "j1", .exp = kT0 + 300});
  ASSERT_TRUE(eventually([&] { return sub->stats().answers >= 2; }));
  sub->stop();
  auto seen = feed_.seen();
  ASSERT_GE(seen.size(), 2u);
  // api:s3cret%3A%26 (the secret form-encoded first, RFC 6749 §2.3.1).
  EXPECT_EQ(seen[0][http::field::authorization], "Basic YXBpOnMzY3JldCUzQSUyNg==");
  EXPECT_EQ(seen[0][http::field::content_type], "application/x-www-form-urlencoded");
  EXPECT_EQ(seen[0].method(), http::verb::post);
  EXPECT_EQ(seen[0].body(), "since=&wait=0");  // a fresh start does not wait
  // max_stale 4: the long poll asks for at most 2 s, so a quiet feed still answers in time.
  EXPECT_EQ(seen[1].body(), "since=0-0&wait=2");
}

TEST_F(NetRevocationSubscriber, AFreshStartDistrustsTokensIssuedBeforeIt) {
  auto sub = start();
  ASSERT_TRUE(eventually([&] { return sub->stats().answers >= 1; }));
  EXPECT_EQ(deny_->unknown_before(), kT0);
  EXPECT_EQ(sub->stats().resyncs, 0u);
}

TEST_F(NetRevocationSubscriber, AStartMayTrustTokensIssuedBeforeIt) {
  auto o = options();
  o.distrust_before_start = false;
  auto sub = start(std::move(o));
  ASSERT_TRUE(eventually([&] { return sub->stats().answers >= 1; }));
  EXPECT_EQ(deny_->unknown_before(), 0);
  EXPECT_TRUE(deny_->fresh(kT0));
}

TEST_F(NetRevocationSubscriber, AResyncAnswerDistrustsThePast) {
  auto sub = start();
  ASSERT_TRUE(eventually([&] { return sub->stats().answers >= 1; }));
  clock_.advance(50);
  feed_.trim_all();  // our cursor "0-0" can no longer be placed
  ASSERT_TRUE(eventually([&] { return sub->stats().resyncs >= 1; }));
  EXPECT_EQ(deny_->unknown_before(), kT0 + 50);
  feed_.push({.type = RevocationEvent::Type::jti, .jti = "j1", .exp = kT0 + 300});
  ASSERT_TRUE(eventually([&] { return sub->cursor() == "1-1"; }));
  EXPECT_TRUE(deny_->is_revoked("j1", "a", "", kT0 + 60, kT0 + 60));
}

TEST_F(NetRevocationSubscriber, AFeedThatFailsLeavesTheListUnfreshAfterMaxStale) {
  std::atomic<int> errors{0};
  auto o = options();
  o.on_error = [&](const Error& e) {
    EXPECT_EQ(e.code, Errc::store_unavailable);
    ++errors;
  };
  auto sub = start(std::move(o));
  ASSERT_TRUE(eventually([&] { return sub->stats().answers >= 1; }));
  feed_.set_status(503);
  ASSERT_TRUE(eventually([&] { return errors.load() >= 3; }));
  EXPECT_TRUE(deny_->fresh(kT0 + 4));
  clock_.advance(5);
  EXPECT_FALSE(deny_->fresh(clock_.now()));  // not heard from for longer than max_stale
  // Back up: the next answer makes it fresh again.
  feed_.set_status(200);
  ASSERT_TRUE(eventually([&] { return deny_->fresh(clock_.now()); }));
}

TEST_F(NetRevocationSubscriber, AnUnreachableFeedIsRetriedWithBackoff) {
  feed_.server().close();  // nothing listens any more
  auto sub = start();
  ASSERT_TRUE(eventually([&] { return sub->stats().errors >= 3; }));
  EXPECT_EQ(sub->stats().answers, 0u);
  EXPECT_FALSE(deny_->fresh(kT0));
}

TEST_F(NetRevocationSubscriber, AnAnswerThatDoesNotParseIsAnError) {
  LoopbackServer junk([](const HttpRequest&) {
    HttpResponse r(http::status::ok, 11);
    r.body() = R"({"events":[{"type":"nope"}],"cursor":"1"})";
    return r;
  });
  auto o = options();
  o.feed_url = junk.url("/oauth2/revocations");
  auto sub = start(std::move(o));
  ASSERT_TRUE(eventually([&] { return sub->stats().errors >= 2; }));
  EXPECT_EQ(sub->stats().answers, 0u);
  EXPECT_EQ(sub->cursor(), "");
  EXPECT_FALSE(deny_->fresh(kT0));
}

TEST_F(NetRevocationSubscriber, StopDoesNotWaitOutALongPoll) {
  auto o = options();
  auto d = DenyList::create({.max_token_ttl = 600, .max_stale = 120, .max_entries = 10});
  ASSERT_TRUE(d);
  deny_ = *d;  // max_stale 120: a 25 s long poll
  auto sub = start(std::move(o));
  ASSERT_TRUE(eventually([&] { return feed_.seen().size() >= 2; }));  // the long poll is out
  sub.reset();  // stop + join
  // The feed answers that poll only after 25 s (or at its own shutdown): returned before it.
  EXPECT_EQ(feed_.polls_answered(), 0);
}

TEST_F(NetRevocationSubscriber, BadOptionsAreRefused) {
  const auto refused = [&](RevocationSubscriberOptions o) {
    auto s = RevocationFeedSubscriber::start(std::move(o), http_, deny_);
    return !s && s.error().code == Errc::invalid_argument;
  };
  auto o = options();
  o.feed_url = "http://issuer.example/oauth2/revocations";  // plain HTTP off loopback
  EXPECT_TRUE(refused(o));
  o = options();
  o.client.client_id.clear();
  EXPECT_TRUE(refused(o));
  o = options();
  o.wait = 0;
  EXPECT_TRUE(refused(o));
  o = options();
  o.wait = 61;
  EXPECT_TRUE(refused(o));
  o = options();
  o.max_backoff = std::chrono::milliseconds(1);
  EXPECT_TRUE(refused(o));
  auto s = RevocationFeedSubscriber::start(options(), nullptr, deny_);
  EXPECT_FALSE(s);
}

}  // namespace
}  // namespace tessera::test
