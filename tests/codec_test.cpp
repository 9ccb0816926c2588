// Strict base64url and strict JSON: every rejection rule has a case here.
#include <gtest/gtest.h>

#include <string>

#include "codec/base64url.hpp"
#include "codec/json.hpp"

namespace tessera::codec {
namespace {

TEST(Base64Url, RoundTripsAllLengths) {
  std::string data;
  for (int n = 0; n < 70; ++n) {
    auto enc = base64url_encode(data);
    EXPECT_EQ(enc.size(), base64url_encoded_size(data.size()));
    EXPECT_EQ(enc.find('='), std::string::npos);
    auto dec = base64url_decode_string(enc);
    ASSERT_TRUE(dec) << n;
    EXPECT_EQ(*dec, data);
    data.push_back(static_cast<char>(n * 37 + 250));
  }
}

TEST(Base64Url, KnownValues) {
  EXPECT_EQ(base64url_encode(std::string_view("\xfb\xff", 2)), "-_8");
  EXPECT_EQ(base64url_encode(std::string_view("foobar")), "Zm9vYmFy");
  EXPECT_EQ(base64url_encode(std::string_view("fo")), "Zm8");
}

TEST(Base64Url, RejectsPaddingForeignCharactersAndWhitespace) {
  for (std::string_view bad : {"Zm8=", "Zm9vYg==", "Zm9v+mFy", "Zm9v/mFy", "Zm9 vYmFy", "Zm9vYmFy\n", "Z", "Zm9vY"}) {
    auto r = base64url_decode(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::malformed);
  }
}

TEST(Base64Url, RejectsNonCanonicalTrailingBits) {
  EXPECT_TRUE(base64url_decode("Zg"));   // "f"
  EXPECT_FALSE(base64url_decode("Zh"));  // same byte with stray low bits
  EXPECT_TRUE(base64url_decode("Zm8"));  // "fo"
  EXPECT_FALSE(base64url_decode("Zm9")); // stray low bits
}

TEST(Hex, RoundTripAndRejects) {
  auto d = hex_decode("00ff10Ab");
  ASSERT_TRUE(d);
  EXPECT_EQ(hex_encode(*d), "00ff10ab");
  EXPECT_FALSE(hex_decode("abc"));
  EXPECT_FALSE(hex_decode("zz"));
}

TEST(Json, ParsesObjects) {
  auto o = parse_json_object(R"({"a":1,"b":"x","c":[1,2,{"d":null}],"e":{"a":1}})");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->size(), 4u);
}

TEST(Json, RejectsDuplicateMembersAtAnyDepth) {
  for (std::string_view bad : {R"({"a":1,"a":2})", R"({"x":{"a":1,"b":2,"a":3}})", R"([{"k":1,"k":1}])",
                               R"({"a\u0062":1,"ab":2})"}) {
    auto r = parse_json(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::duplicate_member) << bad;
  }
  // The same name in sibling objects is fine.
  EXPECT_TRUE(parse_json(R"({"x":{"a":1},"y":{"a":2}})"));
}

TEST(Json, RejectsDuplicatesInLargeObjects) {
  std::string big = "{";
  for (int i = 0; i < 200; ++i) big += "\"k" + std::to_string(i) + "\":1,";
  EXPECT_TRUE(parse_json(big.substr(0, big.size() - 1) + "}"));
  auto r = parse_json(big + "\"k150\":2}");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::duplicate_member);
}

TEST(Json, BoundsDepth) {
  std::string deep(17, '[');
  deep += std::string(17, ']');
  auto r = parse_json(deep);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::json_too_deep);
  std::string ok(16, '[');
  ok += std::string(16, ']');
  EXPECT_TRUE(parse_json(ok));
  // Very deep input fails cleanly, no stack exhaustion.
  std::string hostile(100000, '[');
  auto h = parse_json(hostile, {200000, 16});
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code, Errc::json_too_deep);
}

TEST(Json, BoundsSize) {
  std::string big = "{\"a\":\"" + std::string(100, 'x') + "\"}";
  auto r = parse_json(big, {50, 16});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::token_too_large);
}

TEST(Json, RejectsMalformedAndTrailingData) {
  for (std::string_view bad : {"", "{", "{\"a\":}", "{\"a\":1} x", "{\"a\":1}{}", "{'a':1}", "{\"a\":1,}",
                               "{\"a\":\"\xff\"}", "/*c*/{}", "{\"a\":01}"}) {
    auto r = parse_json(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::malformed) << bad;
  }
}

TEST(Json, TopLevelMustBeObjectWhenAsked) {
  auto r = parse_json_object("[1]");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::wrong_type);
}

TEST(Json, TypedAccessors) {
  auto o = parse_json_object(R"({"s":"x","i":5,"d":5.7,"b":true,"big":18446744073709551615})");
  ASSERT_TRUE(o);
  EXPECT_EQ(*get_string(*o, "s").value(), "x");
  EXPECT_FALSE(get_string(*o, "missing").value().has_value());
  EXPECT_EQ(get_string(*o, "i").error().code, Errc::wrong_type);
  EXPECT_EQ(*get_int(*o, "i").value(), 5);
  EXPECT_EQ(*get_int(*o, "d").value(), 5);
  EXPECT_EQ(get_int(*o, "s").error().code, Errc::wrong_type);
  EXPECT_EQ(get_int(*o, "b").error().code, Errc::wrong_type);
  EXPECT_EQ(get_int(*o, "big").error().code, Errc::wrong_type);
}

}  // namespace
}  // namespace tessera::codec
