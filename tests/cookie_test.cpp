// Set-Cookie builder (safe defaults, prefix rules, grammar), the Cookie header parser (quoting,
// whitespace, malformed and oversized input, random garbage) and the same-origin check.
#include "tessera/cookie.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace tessera {
namespace {

constexpr std::string_view kId = "nXt3P0cCqZ0kM1v9Yw2s8E-aQe_7h5LrTfUuBbGgJjI";

// Default options changed by f (designated initialisers would leave `domain` uninitialised).
template <class F>
CookieOptions with(F f) {
  CookieOptions o;
  f(o);
  return o;
}

void expect_invalid(const CookieOptions& o, std::string_view value = kId) {
  auto r = set_cookie(o, value);
  ASSERT_FALSE(r) << *r;
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
}

TEST(SetCookie, DefaultsAreTheSafestForm) {
  auto c = set_cookie({}, kId);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(*c, std::string("__Host-tessera=") + std::string(kId) +
                    "; Max-Age=43200; Path=/; Secure; HttpOnly; SameSite=Lax");
}

TEST(SetCookie, OptionsAppearAsAttributes) {
  CookieOptions o{.name = "sid",
                  .secure = false,
                  .http_only = false,
                  .same_site = SameSite::strict,
                  .path = "/app",
                  .domain = "example.com",
                  .max_age = 60};
  EXPECT_EQ(*set_cookie(o, "v"), "sid=v; Max-Age=60; Path=/app; Domain=example.com; SameSite=Strict");
  o = with([&](CookieOptions& c) {
    c.name = "__Secure-sid";
    c.same_site = SameSite::none;
  });
  EXPECT_EQ(*set_cookie(o, "v"), "__Secure-sid=v; Max-Age=43200; Path=/; Secure; HttpOnly; SameSite=None");
}

TEST(SetCookie, HostPrefixRules) {
  expect_invalid(with([&](CookieOptions& c) { c.secure = false; }));
  expect_invalid(with([&](CookieOptions& c) { c.path = "/app"; }));
  expect_invalid(with([&](CookieOptions& c) { c.domain = "example.com"; }));
  expect_invalid(with([&](CookieOptions& c) {
    c.name = "__host-tessera";
    c.secure = false;
  }));  // prefixes match case-insensitively
  EXPECT_TRUE(set_cookie(with([&](CookieOptions& c) { c.name = "__Host-other"; }), "x"));
}

TEST(SetCookie, SecurePrefixAndSameSiteNoneNeedSecure) {
  expect_invalid(with([&](CookieOptions& c) {
    c.name = "__Secure-sid";
    c.secure = false;
  }));
  expect_invalid(with([&](CookieOptions& c) {
    c.name = "sid";
    c.secure = false;
    c.same_site = SameSite::none;
  }));
}

TEST(SetCookie, RejectsNamesAndValuesOutsideTheGrammar) {
  for (std::string name : std::initializer_list<std::string>{"", "a b", "a;b", "a=b", "a\"b", "a,b", "a\tb", "a(b)",
                                                             "caf\xc3\xa9", std::string("a\0b", 3)})
    expect_invalid(with([&](CookieOptions& c) { c.name = name; }));
  for (std::string value :
       std::initializer_list<std::string>{"a b", "a;b", "a,b", "a\"b", "a\\b", "\"quoted\"", "a\x7f", "caf\xc3\xa9",
                                          std::string("a\0b", 3), "a\r\nSet-Cookie: x=y"})
    expect_invalid({}, value);
  expect_invalid(with([&](CookieOptions& c) {
    c.name = "sid";
    c.path = "app";
  }));
  expect_invalid(with([&](CookieOptions& c) {
    c.name = "sid";
    c.path = "/a;b";
  }));
  expect_invalid(with([&](CookieOptions& c) {
    c.name = "sid";
    c.domain = "exa mple.com";
  }));
  expect_invalid(with([&](CookieOptions& c) {
    c.name = "sid";
    c.domain = "";
  }));
  expect_invalid(with([&](CookieOptions& c) { c.max_age = -1; }));
  EXPECT_TRUE(set_cookie({}, ""));
  EXPECT_TRUE(set_cookie({}, "!#$%&'()*+-./:<=>?@[]^_`{|}~"));
}

TEST(DeletionCookie, EmptiesTheCookieWithTheSameAttributes) {
  EXPECT_EQ(*deletion_cookie({}), "__Host-tessera=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax");
  EXPECT_EQ(*deletion_cookie(with([&](CookieOptions& c) {
    c.name = "sid";
    c.path = "/app";
    c.domain = "example.com";
  })),
            "sid=; Max-Age=0; Path=/app; Domain=example.com; Secure; HttpOnly; SameSite=Lax");
  auto bad = deletion_cookie(with([&](CookieOptions& c) { c.secure = false; }));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_argument);
}

std::vector<CookiePair> parse_ok(std::string_view h) {
  auto r = parse_cookie_header(h);
  EXPECT_TRUE(r) << h << ": " << (r ? "" : r.error().message);
  return r ? *r : std::vector<CookiePair>{};
}

void expect_parse_error(std::string_view h, Errc code) {
  auto r = parse_cookie_header(h);
  ASSERT_FALSE(r) << h;
  EXPECT_EQ(r.error().code, code) << h;
}

TEST(ParseCookieHeader, PairsInOrder) {
  auto c = parse_ok("a=1; __Host-tessera=abc; b=");
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].name, "a");
  EXPECT_EQ(c[0].value, "1");
  EXPECT_EQ(c[1].name, "__Host-tessera");
  EXPECT_EQ(c[1].value, "abc");
  EXPECT_EQ(c[2].name, "b");
  EXPECT_EQ(c[2].value, "");
  EXPECT_EQ(find_cookie(c, "__Host-tessera"), "abc");
  EXPECT_EQ(find_cookie(c, "__host-tessera"), std::nullopt);
  EXPECT_EQ(find_cookie(c, "missing"), std::nullopt);
}

TEST(ParseCookieHeader, FirstOfDuplicateNamesWins) {
  auto c = parse_ok("sid=first; sid=second");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(find_cookie(c, "sid"), "first");
}

TEST(ParseCookieHeader, QuotedValuesAreUnquoted) {
  auto c = parse_ok("a=\"hello\"; b=\"\"; c=x=y");
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].value, "hello");
  EXPECT_EQ(c[1].value, "");
  EXPECT_EQ(c[2].value, "x=y");
}

TEST(ParseCookieHeader, WhitespaceAroundPairsIsTolerated) {
  auto c = parse_ok("  a=1 ;\tb = 2;c=3  ;  ");
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].value, "1");
  EXPECT_EQ(c[1].name, "b");
  EXPECT_EQ(c[1].value, "2");
  EXPECT_EQ(c[2].value, "3");
  EXPECT_TRUE(parse_ok("").empty());
  EXPECT_TRUE(parse_ok("   ").empty());
}

TEST(ParseCookieHeader, MalformedInputIsRejected) {
  for (std::string h : std::initializer_list<std::string>{
           "a", "a=1; b", "=1", " =1", "a=1; =2", "a=\"unbalanced", "a=unbalanced\"", "a=\"x\"y\"", "a=\"", "a\"b=1",
           "a=1\r\nb=2", "a=1\x01", std::string("a=1\0b=2", 7), "a=\x7f"})
    expect_parse_error(h, Errc::malformed);
}

TEST(ParseCookieHeader, OversizedHeaderIsRefusedBeforeParsing) {
  std::string h = "a=" + std::string(kMaxCookieHeaderBytes - 2, 'x');
  EXPECT_EQ(parse_ok(h).size(), 1u);
  expect_parse_error(h + "x", Errc::token_too_large);
}

TEST(ParseCookieHeader, RandomGarbageNeverCrashes) {
  std::mt19937 rng(12345);
  const std::string_view alphabet = "ab=; \t\"\\,\x01\x7f\xff";
  for (int i = 0; i < 20000; ++i) {
    std::string h(rng() % 64, '\0');
    for (auto& ch : h) ch = (i % 2) ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng());
    auto r = parse_cookie_header(h);
    if (r)
      for (const auto& p : *r) {
        EXPECT_FALSE(p.name.empty());
        EXPECT_EQ(p.value.find('"'), std::string::npos);
      }
  }
}

TEST(SameOriginRequest, FetchMetadataThenOriginThenPolicy) {
  const std::vector<std::string> allowed{"https://app.example.com"};
  EXPECT_TRUE(same_origin_request("same-origin", std::nullopt, allowed));
  EXPECT_TRUE(same_origin_request("none", std::nullopt, allowed));
  EXPECT_FALSE(same_origin_request("same-site", "https://app.example.com", allowed));
  EXPECT_FALSE(same_origin_request("cross-site", std::nullopt, allowed));
  EXPECT_FALSE(same_origin_request("bogus", std::nullopt, allowed));
  EXPECT_TRUE(same_origin_request(std::nullopt, "https://app.example.com", allowed));
  EXPECT_FALSE(same_origin_request(std::nullopt, "https://evil.example", allowed));
  EXPECT_FALSE(same_origin_request(std::nullopt, "null", allowed));
  EXPECT_FALSE(same_origin_request(std::nullopt, "https://app.example.com.evil.example", allowed));
  EXPECT_TRUE(same_origin_request(std::nullopt, std::nullopt, allowed));
  EXPECT_FALSE(same_origin_request(std::nullopt, std::nullopt, allowed, false));
}

}  // namespace
}  // namespace tessera
