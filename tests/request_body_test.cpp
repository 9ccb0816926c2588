// parse_body_fields (server/request_body.hpp): the fields of a JSON or form body, and the
// refusals the server turns into 400 malformed / 415 unsupported_media_type.
#include <gtest/gtest.h>

#include <string>

#include "server/request_body.hpp"

namespace tessera::server {
namespace {

const std::vector<std::string_view> kNames{"username", "password"};

TEST(RequestBody, JsonFields) {
  auto r = parse_body_fields("application/json", R"({"password":"p w","username":"alice","x":1})", kNames, true, 4096);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (std::vector<std::string>{"alice", "p w"}));
}

TEST(RequestBody, JsonRefusals) {
  for (std::string_view body : {R"({"username":"a"})", R"({"username":"a","password":1})", "[1]", "{", "",
                                R"({"username":"a","username":"b","password":"p"})"}) {
    auto r = parse_body_fields("application/json", body, kNames, true, 4096);
    ASSERT_FALSE(r) << body;
    EXPECT_FALSE(r.error().unsupported_media_type);
  }
  EXPECT_FALSE(parse_body_fields("application/json", std::string(5000, ' ') + "{}", kNames, true, 4096));
}

TEST(RequestBody, FormFields) {
  // A std::string_view that is not NUL-terminated: the parser must stay inside it.
  const std::string buf = "username=al%69ce+x&password=p%26q&other=1XXXX";
  auto r = parse_body_fields("application/x-www-form-urlencoded", std::string_view(buf).substr(0, buf.size() - 4),
                             kNames, true, 4096);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (std::vector<std::string>{"alice x", "p&q"}));
  auto empty = parse_body_fields("application/x-www-form-urlencoded", "username=&password", kNames, true, 4096);
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, (std::vector<std::string>{"", ""}));
}

TEST(RequestBody, FormRefusals) {
  auto twice = parse_body_fields("application/x-www-form-urlencoded", "username=a&username=b&password=p", kNames, true, 4096);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().why, "field \"username\" given twice");
  auto missing = parse_body_fields("application/x-www-form-urlencoded", "", kNames, true, 4096);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().why, "field \"username\" missing");
  EXPECT_FALSE(missing.error().unsupported_media_type);
}

TEST(RequestBody, MediaTypes) {
  auto form_not_allowed = parse_body_fields("application/x-www-form-urlencoded", "username=a&password=b", kNames, false, 4096);
  ASSERT_FALSE(form_not_allowed);
  EXPECT_TRUE(form_not_allowed.error().unsupported_media_type);
  EXPECT_EQ(form_not_allowed.error().why, "send application/json");
  auto text = parse_body_fields("text/plain", "x", kNames, true, 4096);
  ASSERT_FALSE(text);
  EXPECT_TRUE(text.error().unsupported_media_type);
  auto none = parse_body_fields("", "", kNames, true, 4096);
  ASSERT_FALSE(none);
  EXPECT_FALSE(none.error().unsupported_media_type);
  EXPECT_EQ(none.error().why, "the request has no body");
}

}  // namespace
}  // namespace tessera::server
