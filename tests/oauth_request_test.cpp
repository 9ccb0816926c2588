// Reading an OAuth request (server/oauth_request.hpp): query and form parameters with repeats
// kept, Authorization: Basic per RFC 6749 §2.3.1 (base64 of form-urlencoded id ":" secret),
// Authorization: Bearer per RFC 6750 §2.1, and percent-encoding for return_to.
#include "server/oauth_request.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tessera::server {
namespace {

using Pairs = FormParams;

TEST(OAuthRequest, FormParamsKeepOrderAndRepeatsAndDecodePlusAsSpace) {
  auto p = parse_form_params("grant_type=authorization_code&scope=openid+profile&scope=x&redirect_uri=https%3A%2F%2Fa.example%2Fcb&flag");
  ASSERT_TRUE(p.has_value());
  const Pairs expected = {{"grant_type", "authorization_code"},
                          {"scope", "openid profile"},
                          {"scope", "x"},
                          {"redirect_uri", "https://a.example/cb"},
                          {"flag", ""}};
  EXPECT_EQ(*p, expected);
  EXPECT_EQ(parse_form_params("")->size(), 0u);
  EXPECT_EQ(*parse_form_params("a=1&&b=2&"), (Pairs{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(*parse_form_params("a=%00b"), (Pairs{{"a", std::string("\0b", 2)}}));  // kept: the library refuses it
  EXPECT_EQ(*parse_form_params("=v"), (Pairs{{"", "v"}}));
}

TEST(OAuthRequest, FormParamsRefuseBadEscapes) {
  for (const char* bad : {"a=%", "a=%4", "a=%zz", "%g1=1", "a=b c", "a=\x01", "a=\xc3\xa9"})
    EXPECT_FALSE(parse_form_params(bad).has_value()) << bad;
  EXPECT_FALSE(parse_form_params(std::string("a=1\0&b=2", 7)).has_value());  // a raw NUL does not end the text
}

TEST(OAuthRequest, BasicCredentialsAreBase64OfFormEncodedHalves) {
  // "my client:s3cr+t/=" form-encoded is "my+client:s3cr%2Bt%2F%3D".
  BasicCredentials c = parse_basic_credentials("Basic bXkrY2xpZW50OnMzY3IlMkJ0JTJGJTNE");
  EXPECT_TRUE(c.present);
  EXPECT_FALSE(c.malformed);
  EXPECT_EQ(c.id, "my client");
  EXPECT_EQ(c.secret, "s3cr+t/=");
  // The scheme is case-insensitive; extra spaces before the credentials are allowed.
  c = parse_basic_credentials("bAsIc   YTpi");
  EXPECT_FALSE(c.malformed);
  EXPECT_EQ(c.id, "a");
  EXPECT_EQ(c.secret, "b");
  // A colon in the secret: the first one splits (RFC 7617 §2).
  c = parse_basic_credentials("Basic YTpiOmM=");  // a:b:c
  EXPECT_EQ(c.secret, "b:c");
  // An empty secret is a secret the library will refuse, not a malformed header.
  c = parse_basic_credentials("Basic YTo=");  // a:
  EXPECT_FALSE(c.malformed);
  EXPECT_EQ(c.secret, "");
}

TEST(OAuthRequest, MalformedBasicCredentials) {
  for (const char* bad : {"Basic", "Basic ", "Basic !!!!", "Basic YTpi=",  // bad padding
                          "Basic YWJj",                                    // "abc": no colon
                          "Basic OmI=",                                    // ":b": empty id
                          "Basic YTpiYw",                                  // unpadded
                          "Basic YT pi", "Basic YTpj\tZA==", "Basic YTpiZB==",  // non-canonical bits
                          "Basic JTpi",                                    // "%:b": bad escape in the id
                          "Basic YTolenp6"}) {                             // "a:%zzz"
    const BasicCredentials c = parse_basic_credentials(bad);
    EXPECT_TRUE(c.present) << bad;
    EXPECT_TRUE(c.malformed) << bad;
    EXPECT_TRUE(c.id.empty() && c.secret.empty()) << bad;
  }
  // Other schemes and no header: no Basic credentials at all.
  for (const char* other : {"Bearer YTpi", "BasicYTpi", "Digest x", ""}) {
    const BasicCredentials c = parse_basic_credentials(other);
    EXPECT_FALSE(c.present) << other;
    EXPECT_FALSE(c.malformed) << other;
  }
  EXPECT_FALSE(parse_basic_credentials(std::nullopt).present);
}

TEST(OAuthRequest, BearerTokenIsAToken68) {
  EXPECT_EQ(parse_bearer_token("Bearer abc.DEF-_~+/=="), "abc.DEF-_~+/==");
  EXPECT_EQ(parse_bearer_token("bearer  tok"), "tok");
  for (const char* bad : {"Bearer", "Bearer ", "Bearer a b", "Bearer =abc", "Bearer a=b", "Bearer a\"b", "Basic YTpi",
                          "Bearertok"})
    EXPECT_EQ(parse_bearer_token(bad), std::nullopt) << bad;
  EXPECT_EQ(parse_bearer_token(std::nullopt), std::nullopt);
}

// The DPoP scheme (RFC 9449 §7.1) reads the same way; has_scheme tells a malformed header of a
// scheme from another scheme.
TEST(OAuthRequest, DpopTokenAndSchemeNames) {
  EXPECT_EQ(parse_token("DPoP abc.DEF-_~+/==", "DPoP"), "abc.DEF-_~+/==");
  EXPECT_EQ(parse_token("dpop  tok", "DPoP"), "tok");
  EXPECT_EQ(parse_token("Bearer tok", "DPoP"), std::nullopt);
  for (const char* bad : {"DPoP", "DPoP ", "DPoP a b", "DPoP =abc", "DPoPtok"})
    EXPECT_EQ(parse_token(bad, "DPoP"), std::nullopt) << bad;
  EXPECT_TRUE(has_scheme("DPoP a b", "DPoP"));
  EXPECT_TRUE(has_scheme("dpop", "DPoP"));
  EXPECT_FALSE(has_scheme("DPoPtok", "DPoP"));
  EXPECT_FALSE(has_scheme("Bearer tok", "DPoP"));
  EXPECT_FALSE(has_scheme(std::nullopt, "DPoP"));
}

TEST(OAuthRequest, PercentEncodeLeavesOnlyUnreservedCharacters) {
  EXPECT_EQ(percent_encode("/oauth2/authorize?a=1&b=x y~"), "%2Foauth2%2Fauthorize%3Fa%3D1%26b%3Dx%20y~");
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percent_encode(std::string("\xff\x00", 2)), "%FF%00");
}

}  // namespace
}  // namespace tessera::server
