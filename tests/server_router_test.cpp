// Router (server/router.hpp): patterns with {params}, 404, 405 + Allow, literal beats parameter.
#include "server/router.hpp"

#include <gtest/gtest.h>

namespace tessera::server {
namespace {

Handler dummy() {
  return [](Exchange&) -> asio::awaitable<Response> { co_return Response{}; };
}

Router sample() {
  Router r;
  r.add(http::verb::post, "/login", dummy());
  r.add(http::verb::get, "/sessions", dummy());
  r.add(http::verb::delete_, "/sessions/{id}", dummy());
  r.add(http::verb::post, "/sessions/revoke-others", dummy());
  r.add(http::verb::get, "/.well-known/jwks.json", dummy());
  r.add(http::verb::get, "/a/{x}/b/{y}", dummy());
  return r;
}

using Kind = Router::Match::Kind;

TEST(ServerRouter, ExactMatch) {
  const auto r = sample();
  auto m = r.match(http::verb::post, "/login");
  EXPECT_EQ(m.kind, Kind::found);
  EXPECT_NE(m.handler, nullptr);
  EXPECT_EQ(m.pattern, "/login");
  EXPECT_TRUE(m.params.empty());
  EXPECT_EQ(r.match(http::verb::get, "/.well-known/jwks.json").kind, Kind::found);
}

TEST(ServerRouter, QueryStringIgnored) {
  const auto r = sample();
  auto m = r.match(http::verb::get, "/sessions?x=1&y=2");
  EXPECT_EQ(m.kind, Kind::found);
  EXPECT_EQ(m.pattern, "/sessions");
}

TEST(ServerRouter, ParametersCaptured) {
  const auto r = sample();
  const std::string id = "ISuuaYcxj6-_SOuPR1FUuwzT7rAWsEKmKchzc_D1FHg";
  auto m = r.match(http::verb::delete_, "/sessions/" + id);
  ASSERT_EQ(m.kind, Kind::found);
  EXPECT_EQ(m.pattern, "/sessions/{id}");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0], id);

  m = r.match(http::verb::get, "/a/1/b/2");
  ASSERT_EQ(m.kind, Kind::found);
  EXPECT_EQ(m.params, (std::vector<std::string>{"1", "2"}));
}

// "{rest...}" takes the rest of the path: zero or more segments, joined by '/'.
TEST(ServerRouter, TailParameterTakesTheRestOfThePath) {
  Router r;
  r.add(http::verb::get, "/bff/api/{name}/{rest...}", dummy());
  r.add(http::verb::get, "/bff/api/fixed/literal", dummy());
  auto m = r.match(http::verb::get, "/bff/api/notes/a/b/c?q=1");
  ASSERT_EQ(m.kind, Kind::found);
  EXPECT_EQ(m.pattern, "/bff/api/{name}/{rest...}");
  EXPECT_EQ(m.params, (std::vector<std::string>{"notes", "a/b/c"}));
  m = r.match(http::verb::get, "/bff/api/notes");
  ASSERT_EQ(m.kind, Kind::found);
  EXPECT_EQ(m.params, (std::vector<std::string>{"notes", ""}));
  m = r.match(http::verb::get, "/bff/api/notes/");
  ASSERT_EQ(m.kind, Kind::found);
  EXPECT_EQ(m.params, (std::vector<std::string>{"notes", ""}));
  EXPECT_EQ(r.match(http::verb::get, "/bff/api/fixed/literal").pattern, "/bff/api/fixed/literal");  // literal wins
  EXPECT_EQ(r.match(http::verb::get, "/bff/api").kind, Kind::not_found);  // the fixed part is required
  EXPECT_EQ(r.match(http::verb::get, "/bff/api//x").kind, Kind::not_found);
  EXPECT_EQ(r.match(http::verb::post, "/bff/api/notes/x").kind, Kind::method_not_allowed);
}

TEST(ServerRouter, EmptySegmentDoesNotMatchParameter) {
  const auto r = sample();
  EXPECT_EQ(r.match(http::verb::delete_, "/sessions/").kind, Kind::not_found);
  EXPECT_EQ(r.match(http::verb::get, "/a//b/2").kind, Kind::not_found);
}

TEST(ServerRouter, NotFound) {
  const auto r = sample();
  EXPECT_EQ(r.match(http::verb::get, "/nope").kind, Kind::not_found);
  EXPECT_EQ(r.match(http::verb::get, "/login/extra").kind, Kind::not_found);
  EXPECT_EQ(r.match(http::verb::get, "/sessions/x/y").kind, Kind::not_found);
  EXPECT_EQ(r.match(http::verb::get, "").kind, Kind::not_found);
  EXPECT_EQ(r.match(http::verb::get, "*").kind, Kind::not_found);
  EXPECT_EQ(r.match(http::verb::get, "http://host/login").kind, Kind::not_found);
  auto m = r.match(http::verb::get, "/nope");
  EXPECT_TRUE(m.pattern.empty());
}

TEST(ServerRouter, MethodNotAllowedListsAllow) {
  const auto r = sample();
  auto m = r.match(http::verb::get, "/login");
  EXPECT_EQ(m.kind, Kind::method_not_allowed);
  EXPECT_EQ(m.allow, "POST");
  EXPECT_EQ(m.pattern, "/login");
  EXPECT_EQ(m.handler, nullptr);

  m = r.match(http::verb::put, "/sessions/abc");
  EXPECT_EQ(m.kind, Kind::method_not_allowed);
  EXPECT_EQ(m.allow, "DELETE");
  EXPECT_EQ(m.pattern, "/sessions/{id}");

  // Both /sessions/revoke-others (POST) and /sessions/{id} (DELETE) match this path.
  m = r.match(http::verb::get, "/sessions/revoke-others");
  EXPECT_EQ(m.kind, Kind::method_not_allowed);
  EXPECT_EQ(m.allow, "DELETE, POST");
  EXPECT_EQ(m.pattern, "/sessions/revoke-others");
}

TEST(ServerRouter, LiteralBeatsParameter) {
  Router r;
  r.add(http::verb::post, "/sessions/{id}", dummy());
  r.add(http::verb::post, "/sessions/revoke-others", dummy());
  auto m = r.match(http::verb::post, "/sessions/revoke-others");
  ASSERT_EQ(m.kind, Kind::found);
  EXPECT_EQ(m.pattern, "/sessions/revoke-others");
  EXPECT_TRUE(m.params.empty());
  m = r.match(http::verb::post, "/sessions/other");
  ASSERT_EQ(m.kind, Kind::found);
  EXPECT_EQ(m.pattern, "/sessions/{id}");
}

TEST(ServerRouter, PatternsAreDistinctInOrder) {
  Router r = sample();
  r.add(http::verb::get, "/login", dummy());
  EXPECT_EQ(r.patterns(), (std::vector<std::string>{"/login", "/sessions", "/sessions/{id}", "/sessions/revoke-others",
                                                     "/.well-known/jwks.json", "/a/{x}/b/{y}"}));
}

TEST(ServerListen, ParsesAddresses) {
  auto v4 = resolve_listen_address("127.0.0.1:8080");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->port(), 8080);
  EXPECT_TRUE(v4->address().is_v4());
  auto v6 = resolve_listen_address("[::1]:0");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->address().is_v6());
  EXPECT_EQ(endpoint_url(*v6, true), "https://[::1]:0");
  auto any = resolve_listen_address(":9000");
  ASSERT_TRUE(any);
  EXPECT_TRUE(any->address().is_unspecified());
  for (const char* bad : {"", "8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:80x", "::1:80",
                          "[::1]80", "[::1"}) {
    EXPECT_FALSE(resolve_listen_address(bad)) << bad;
  }
}

}  // namespace
}  // namespace tessera::server
