// GET|POST /oauth2/revocations in process (server/routes/revocation_routes.hpp) over the memory
// revocation log the fixture's services announce on: who may subscribe, the JSON shape, since
// and cursor, resync, bad parameters, a long-poll answered by an event, the Server-Sent Events
// stream; and the RevocationFeed's buffer (server/revocation_feed.hpp) driven step by step.
#include <chrono>
#include <future>

#include "server/routes/revocation_routes.hpp"
#include "server_oauth_fixture.hpp"

namespace tessera::server::oauth_test {
namespace {

using namespace std::chrono_literals;

class RevocationFeedRoute : public Fixture {
 protected:
  RevocationFeedRoute() {
    ClientSettings api;
    api.name = "api";
    api.grants = {"client_credentials"};
    api.resources = {"https://api.example"};
    api_ = oauth_.add_client(api).value();
  }
  std::string api_basic() const { return basic(api_.client.client_id, secret_of(api_)); }

  Incoming feed_request(std::string_view query = {}, std::string_view authorization = {}) {
    Incoming in = request(http::verb::get, std::string(kRevocationsPath) + (query.empty() ? "" : "?") + std::string(query));
    const std::string auth = authorization.empty() ? api_basic() : std::string(authorization);
    if (auth != "none") in.msg.set(http::field::authorization, auth);
    return in;
  }
  Response feed(std::string_view query = {}, std::string_view authorization = {}) {
    return send(feed_request(query, authorization));
  }
  json::object body_of(const Response& r) {
    EXPECT_EQ(r.result(), http::status::ok) << r.body();
    return json::parse(r.body()).as_object();
  }
  std::string cursor_now() { return std::string(body_of(feed()).at("cursor").as_string()); }

  NewClient api_;
};

TEST_F(RevocationFeedRoute, OnlyConfidentialResourceServersSubscribe) {
  Response none = feed({}, "none");
  EXPECT_EQ(none.result(), http::status::unauthorized);
  EXPECT_EQ(error_of(none), "invalid_client");
  Response wrong = feed({}, basic(api_.client.client_id, "wrong"));
  EXPECT_EQ(wrong.result(), http::status::unauthorized);
  EXPECT_EQ(wrong[http::field::www_authenticate], "Basic realm=\"tessera\"");
  Response not_rs = feed({}, basic(svc_.client.client_id, secret_of(svc_)));
  EXPECT_EQ(not_rs.result(), http::status::forbidden);
  EXPECT_EQ(error_of(not_rs), "access_denied");
  EXPECT_EQ(feed().result(), http::status::ok);
}

TEST_F(RevocationFeedRoute, CredentialsNeverInAUrlButAFormIsFine) {
  const std::string q = form({{"client_id", api_.client.client_id}, {"client_secret", secret_of(api_)}});
  Response r = feed(q, "none");
  EXPECT_EQ(r.result(), http::status::bad_request);
  EXPECT_EQ(error_of(r), "invalid_request");
  Response posted = send(request(http::verb::post, kRevocationsPath, q));
  EXPECT_EQ(posted.result(), http::status::ok) << posted.body();
}

TEST_F(RevocationFeedRoute, JsonShapeSinceAndCursor) {
  Response first = feed();
  EXPECT_EQ(first[http::field::cache_control], "no-store");
  const json::object start = body_of(first);
  EXPECT_EQ(start.size(), 2u);  // {"events": [], "cursor": C}
  EXPECT_TRUE(start.at("events").as_array().empty());
  const std::string c0(start.at("cursor").as_string());

  ASSERT_TRUE(auth_.logout_everywhere("alice"));
  const json::object after = body_of(feed("since=" + c0));
  ASSERT_EQ(after.at("events").as_array().size(), 1u);
  EXPECT_EQ(json::serialize(after.at("events").as_array()[0]),
            R"({"type":"subject","sub":"alice","not_before":)" + std::to_string(kNow) + "}");
  const std::string c1(after.at("cursor").as_string());
  EXPECT_NE(c1, c0);
  const json::object again = body_of(feed("since=" + c1));
  EXPECT_TRUE(again.at("events").as_array().empty());
  EXPECT_EQ(again.at("cursor").as_string(), c1);
  EXPECT_FALSE(again.contains("resync"));
}

TEST_F(RevocationFeedRoute, ACursorTheLogCannotPlaceResyncs) {
  const std::string now = cursor_now();
  const json::object r = body_of(feed("since=999999"));
  EXPECT_EQ(r.at("resync"), json::value(true));
  EXPECT_TRUE(r.at("events").as_array().empty());
  EXPECT_EQ(r.at("cursor").as_string(), now);
}

TEST_F(RevocationFeedRoute, BadParametersAreInvalidRequest) {
  for (std::string_view q : {"since=garbage", "wait=soon", "wait=-1", "wait=", "since=1&since=2"}) {
    Response r = feed(q);
    EXPECT_EQ(r.result(), http::status::bad_request) << q;
    EXPECT_EQ(error_of(r), "invalid_request") << q;
  }
}

TEST_F(RevocationFeedRoute, ALongPollIsAnsweredByTheFirstEvent) {
  feed_.start();
  const std::string c0 = cursor_now();
  auto writer = std::async(std::launch::async, [this] {
    std::this_thread::sleep_for(200ms);
    return auth_.disable_user("bob").has_value();
  });
  const auto t0 = std::chrono::steady_clock::now();
  const json::object r = body_of(feed("wait=30&since=" + c0));
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_TRUE(writer.get());
  EXPECT_LT(took, 15s) << "the answer must come with the event, not at the wait's end";
  ASSERT_EQ(r.at("events").as_array().size(), 1u);
  EXPECT_EQ(r.at("events").as_array()[0].at("sub"), "bob");
  feed_.stop();
}

// Writes into a string; closes itself once `until` appears in what was written.
class RecordingWriter final : public BodyWriter {
 public:
  explicit RecordingWriter(std::string until) : until_(std::move(until)) {}
  asio::awaitable<bool> write(std::string_view bytes) override {
    text += bytes;
    if (text.find(until_) != std::string::npos) open_ = false;
    co_return true;
  }
  bool open() const noexcept override { return open_; }
  std::string text;

 private:
  std::string until_;
  bool open_ = true;
};

TEST_F(RevocationFeedRoute, ServerSentEventsStreamTheEvents) {
  feed_.start();
  Incoming in = feed_request();
  in.msg.set(http::field::accept, "text/event-stream");
  asio::io_context ioc;
  auto head = asio::co_spawn(ioc, app_server_.handle(in), asio::use_future);
  ioc.run();
  Response r = head.get();
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  EXPECT_EQ(r[http::field::content_type], "text/event-stream");
  ASSERT_TRUE(in.stream);

  RecordingWriter w(R"("sub":"bob")");
  auto writer = std::async(std::launch::async, [this] {
    std::this_thread::sleep_for(200ms);
    return auth_.logout_everywhere("bob").has_value();
  });
  ioc.restart();
  auto done = asio::co_spawn(ioc, in.stream(w), asio::use_future);
  ioc.run();
  done.get();
  EXPECT_TRUE(writer.get());
  // ready (the starting cursor), then the event with its cursor as id.
  const auto ready_end = w.text.find("\n\n");
  ASSERT_NE(ready_end, std::string::npos) << w.text;
  const std::string ready = w.text.substr(0, ready_end);
  EXPECT_TRUE(ready.starts_with("event: ready\nid: ")) << ready;
  const std::string c0 = ready.substr(17, ready.find('\n', 17) - 17);
  EXPECT_NE(ready.find(R"(data: {"type":"ready","cursor":")" + c0 + "\"}"), std::string::npos) << ready;
  const std::string event = w.text.substr(ready_end + 2);
  EXPECT_TRUE(event.starts_with("id: ")) << event;
  EXPECT_NE(event.find("\ndata: {\"type\":\"subject\",\"sub\":\"bob\",\"not_before\":" + std::to_string(kNow) + "}\n\n"),
            std::string::npos)
      << event;
  feed_.stop();
}

TEST_F(RevocationFeedRoute, SseStartingFromAnUnplaceableCursorSaysResync) {
  Incoming in = feed_request("since=999999");
  in.msg.set(http::field::accept, "text/event-stream");
  asio::io_context ioc;
  auto head = asio::co_spawn(ioc, app_server_.handle(in), asio::use_future);
  ioc.run();
  ASSERT_EQ(head.get().result(), http::status::ok);
  RecordingWriter w("\n\n");  // the first message is enough
  ioc.restart();
  auto done = asio::co_spawn(ioc, in.stream(w), asio::use_future);
  ioc.run();
  done.get();
  EXPECT_TRUE(w.text.starts_with("event: resync\nid: ")) << w.text;
  EXPECT_NE(w.text.find(R"(data: {"type":"resync","cursor":")"), std::string::npos) << w.text;
}

TEST_F(RevocationFeedRoute, AnEventSourceResumesFromLastEventId) {
  const std::string c0 = cursor_now();
  ASSERT_TRUE(auth_.logout_everywhere("alice"));
  Incoming in = feed_request();
  in.msg.set(http::field::accept, "text/event-stream");
  in.msg.set("Last-Event-ID", c0);
  asio::io_context ioc;
  auto head = asio::co_spawn(ioc, app_server_.handle(in), asio::use_future);
  ioc.run();
  ASSERT_EQ(head.get().result(), http::status::ok);
  RecordingWriter w(R"("sub":"alice")");
  ioc.restart();
  auto done = asio::co_spawn(ioc, in.stream(w), asio::use_future);
  ioc.run();
  done.get();
  EXPECT_TRUE(w.text.starts_with("event: ready\nid: " + c0 + "\n")) << w.text;
  EXPECT_NE(w.text.find("data: {\"type\":\"subject\",\"sub\":\"alice\""), std::string::npos) << w.text;
}

TEST_F(RevocationFeedRoute, AStreamCatchesUpOnABacklogLongerThanABatch) {
  const std::string c0 = cursor_now();
  const std::size_t n = RevocationFeed::kBatch + 500;
  for (std::size_t i = 0; i < n; ++i)
    ASSERT_TRUE(revocations_->append({.type = RevocationEvent::Type::jti, .jti = "j" + std::to_string(i), .exp = 1}));
  Incoming in = feed_request("since=" + c0);
  in.msg.set(http::field::accept, "text/event-stream");
  asio::io_context ioc;
  auto head = asio::co_spawn(ioc, app_server_.handle(in), asio::use_future);
  ioc.run();
  ASSERT_EQ(head.get().result(), http::status::ok);
  RecordingWriter w("\"j" + std::to_string(n - 1) + "\"");
  const auto t0 = std::chrono::steady_clock::now();
  ioc.restart();
  auto done = asio::co_spawn(ioc, in.stream(w), asio::use_future);
  ioc.run();
  done.get();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, kSseHeartbeat / 2) << "the second batch must not wait for a change";
  std::size_t messages = 0;
  for (std::size_t at = 0; (at = w.text.find("\nid: ", at)) != std::string::npos; ++at) ++messages;
  EXPECT_EQ(messages, n + 1);  // ready, then every event
}

// ---- the feed's buffer, without its thread ----------------------------------------------------

TEST(RevocationFeedBuffer, PlacesCursorsItHasSeenAndNoOthers) {
  auto log = store::make_memory_revocation_log(3600);
  Logger logger{LogLevel::off, -1};
  RevocationFeed feed(*log, logger);
  EXPECT_FALSE(feed.after("0")) << "before the first read nothing is placed";
  ASSERT_TRUE(feed.pump_once());
  const std::string base = "0";
  ASSERT_TRUE(feed.after(base));
  EXPECT_TRUE(feed.after(base)->empty());
  const auto v0 = feed.version();
  const std::string c1 = *log->append({.type = RevocationEvent::Type::jti, .jti = "a", .exp = 1});
  const std::string c2 = *log->append({.type = RevocationEvent::Type::jti, .jti = "b", .exp = 1});
  EXPECT_FALSE(feed.after(c1)) << "not read by the pump yet";
  ASSERT_TRUE(feed.pump_once());
  EXPECT_NE(feed.version(), v0);
  ASSERT_EQ(feed.after(base)->size(), 2u);
  ASSERT_EQ(feed.after(c1)->size(), 1u);
  EXPECT_EQ((*feed.after(c1))[0].event.jti, "b");
  EXPECT_TRUE(feed.after(c2)->empty());
  EXPECT_FALSE(feed.after("12345"));
  EXPECT_FALSE(feed.after(""));
  const auto v1 = feed.version();
  ASSERT_TRUE(feed.pump_once());
  EXPECT_EQ(feed.version(), v1) << "nothing new, no wake-up";
}

TEST(RevocationFeedBuffer, AStoppedFeedWakesWaitersAtOnce) {
  auto log = store::make_memory_revocation_log(3600);
  Logger logger{LogLevel::off, -1};
  RevocationFeed feed(*log, logger);
  feed.stop();
  asio::io_context ioc;
  const auto t0 = std::chrono::steady_clock::now();
  auto f = asio::co_spawn(ioc, feed.wait_change(feed.version(), std::chrono::hours(1)), asio::use_future);
  ioc.run();
  f.get();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 30s);
}

}  // namespace
}  // namespace tessera::server::oauth_test
