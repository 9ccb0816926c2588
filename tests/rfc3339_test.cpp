// RFC 3339 date-time parsing and formatting: what the PASETO time claims accept and emit.
#include <gtest/gtest.h>

#include <string>

#include "token/rfc3339.hpp"

namespace tessera::token {
namespace {

std::int64_t parsed(std::string_view s) {
  auto r = parse_rfc3339(s);
  EXPECT_TRUE(r) << s << ": " << (r ? "" : r.error().message);
  return r ? *r : INT64_MIN;
}

TEST(Rfc3339Test, ParsesValidDateTimes) {
  EXPECT_EQ(parsed("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parsed("2022-01-01T00:00:00+00:00"), 1'640'995'200);  // the PASETO vectors' exp
  EXPECT_EQ(parsed("2019-01-01T00:00:00+00:00"), 1'546'300'800);
  EXPECT_EQ(parsed("1985-04-12T23:20:50.52Z"), 482'196'050);         // RFC 3339 §5.8
  EXPECT_EQ(parsed("1996-12-19T16:39:57-08:00"), 851'042'397);       // RFC 3339 §5.8
  EXPECT_EQ(parsed("1937-01-01T12:00:27.87+00:20"), -1'041'337'173);  // RFC 3339 §5.8
  EXPECT_EQ(parsed("2000-02-29T00:00:00Z"), 951'782'400);            // leap year (div. by 400)
  EXPECT_EQ(parsed("2024-02-29T23:59:59Z"), 1'709'251'199);
  EXPECT_EQ(parsed("2023-12-31T23:59:59+14:00") + 14 * 3600, parsed("2023-12-31T23:59:59Z"));
  EXPECT_EQ(parsed("2022-01-01T00:00:00-00:00"), 1'640'995'200);  // "unknown offset": UTC
}

TEST(Rfc3339Test, AcceptsLowercaseSeparatorsAndFractions) {
  EXPECT_EQ(parsed("2022-01-01t00:00:00z"), 1'640'995'200);
  EXPECT_EQ(parsed("2022-01-01T00:00:00.999999999Z"), 1'640'995'200);  // truncated
  EXPECT_EQ(parsed("2022-01-01T00:00:00.0+00:00"), 1'640'995'200);
  // Truncation goes to the earlier second, before the epoch too.
  EXPECT_EQ(parsed("1969-12-31T23:59:59.9Z"), -1);
}

TEST(Rfc3339Test, RangeEnds) {
  EXPECT_EQ(parsed("0000-01-01T00:00:00Z"), kMinRfc3339Seconds);
  EXPECT_EQ(parsed("9999-12-31T23:59:59Z"), kMaxRfc3339Seconds);
  EXPECT_EQ(parsed("9999-12-31T23:59:59-23:59"), kMaxRfc3339Seconds + 23 * 3600 + 59 * 60);
}

TEST(Rfc3339Test, LengthBound) {
  const std::string base = "2022-01-01T00:00:00.";
  const std::string at_limit = base + std::string(64 - base.size() - 1, '1') + "Z";
  ASSERT_EQ(at_limit.size(), 64u);
  EXPECT_EQ(parsed(at_limit), 1'640'995'200);
  const std::string over = base + std::string(64 - base.size(), '1') + "Z";
  ASSERT_EQ(over.size(), 65u);
  EXPECT_FALSE(parse_rfc3339(over));
  EXPECT_FALSE(parse_rfc3339(std::string(100000, '9')));
}

TEST(Rfc3339Test, RejectsInvalidInput) {
  const char* bad[] = {
      "",
      "garbage",
      "2022-01-01",                      // date only
      "2022-01-01T00:00:00",             // missing offset
      "2022-01-01T00:00Z",               // no seconds
      "2022-01-01 00:00:00Z",            // space separator
      "2022-01-01_00:00:00Z",
      "22-01-01T00:00:00Z",              // two-digit year
      "12022-01-01T00:00:00Z",           // five-digit year
      "+2022-01-01T00:00:00Z",
      "-2022-01-01T00:00:00Z",
      "2022-1-01T00:00:00Z",             // one-digit month
      "2022-01-1T00:00:00Z",
      "2022/01/01T00:00:00Z",
      "2022-00-01T00:00:00Z",            // month 0
      "2022-13-01T00:00:00Z",            // month 13
      "2022-01-00T00:00:00Z",            // day 0
      "2022-01-32T00:00:00Z",
      "2022-04-31T00:00:00Z",            // April has 30 days
      "2024-02-30T00:00:00Z",            // Feb 30
      "2023-02-29T00:00:00Z",            // not a leap year
      "1900-02-29T00:00:00Z",            // divisible by 100, not 400
      "2022-01-01T24:00:00Z",            // hour 24
      "2022-01-01T00:60:00Z",
      "2022-01-01T00:00:61Z",
      "2016-12-31T23:59:60Z",            // leap second: unsupported (Unix time has no name for it)
      "2022-01-01T00:00:00.Z",           // empty fraction
      "2022-01-01T00:00:00,5Z",          // comma fraction
      "2022-01-01T00:00:00+0000",        // offset without colon
      "2022-01-01T00:00:00+00",
      "2022-01-01T00:00:00+24:00",       // offset hour out of range
      "2022-01-01T00:00:00+00:60",
      "2022-01-01T00:00:00UTC",
      "2022-01-01T00:00:00ZZ",           // trailing characters
      "2022-01-01T00:00:00+00:00 ",
      " 2022-01-01T00:00:00Z",
      "2022-01-01T00:00:00Z\n",
      "2022-01-01T0a:00:00Z",
      "2022-01-01T00:00:00\xef\xbc\xba",  // a full-width Z
      "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x92-01-01T00:00:00Z",  // full-width digits
  };
  for (const char* s : bad) {
    auto r = parse_rfc3339(s);
    EXPECT_FALSE(r) << "accepted: " << s;
    if (!r) {
      EXPECT_EQ(r.error().code, Errc::malformed) << s;
    }
  }
  // An embedded NUL is not the end of the string.
  EXPECT_FALSE(parse_rfc3339(std::string_view("2022-01-01T00:00:00Z\0", 21)));
}

TEST(Rfc3339Test, FormatsAsPasetoVectorsDo) {
  EXPECT_EQ(format_rfc3339(0).value(), "1970-01-01T00:00:00+00:00");
  EXPECT_EQ(format_rfc3339(1'640'995'200).value(), "2022-01-01T00:00:00+00:00");
  EXPECT_EQ(format_rfc3339(-1).value(), "1969-12-31T23:59:59+00:00");
  EXPECT_EQ(format_rfc3339(951'868'799).value(), "2000-02-29T23:59:59+00:00");
  EXPECT_EQ(format_rfc3339(kMinRfc3339Seconds).value(), "0000-01-01T00:00:00+00:00");
  EXPECT_EQ(format_rfc3339(kMaxRfc3339Seconds).value(), "9999-12-31T23:59:59+00:00");
}

TEST(Rfc3339Test, FormatRefusesTheUnrepresentable) {
  for (std::int64_t t : {kMinRfc3339Seconds - 1, kMaxRfc3339Seconds + 1, INT64_MIN, INT64_MAX}) {
    auto r = format_rfc3339(t);
    ASSERT_FALSE(r) << t;
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
  }
}

TEST(Rfc3339Test, RoundTrips) {
  // A spread of instants across the whole range, both sides of the epoch.
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  const auto span = static_cast<std::uint64_t>(kMaxRfc3339Seconds - kMinRfc3339Seconds + 1);
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const std::int64_t t = kMinRfc3339Seconds + static_cast<std::int64_t>(x % span);
    auto s = format_rfc3339(t);
    ASSERT_TRUE(s) << t;
    auto back = parse_rfc3339(*s);
    ASSERT_TRUE(back) << *s;
    ASSERT_EQ(*back, t) << *s;
  }
}

}  // namespace
}  // namespace tessera::token
