// normalize_ip (server/client_ip.hpp): one spelling per address, so that the login throttle
// counts every spelling of a client against the same key.
#include <gtest/gtest.h>

#include "server/client_ip.hpp"

namespace tessera::server {
namespace {

TEST(ClientIp, Ipv4Unchanged) {
  EXPECT_EQ(normalize_ip("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(normalize_ip("203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(normalize_ip("0.0.0.0"), "0.0.0.0");
}

TEST(ClientIp, Ipv4MappedIpv6BecomesIpv4) {
  EXPECT_EQ(normalize_ip("::ffff:127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(normalize_ip("::FFFF:127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(normalize_ip("::ffff:7f00:1"), "127.0.0.1");
  EXPECT_EQ(normalize_ip("0:0:0:0:0:ffff:10.9.8.7"), "10.9.8.7");
  EXPECT_EQ(normalize_ip("::ffff:10.9.8.7%eth0"), "10.9.8.7");
}

TEST(ClientIp, ZoneIdStripped) {
  EXPECT_EQ(normalize_ip("fe80::1%eth0"), "fe80::1");
  EXPECT_EQ(normalize_ip("fe80::1%25eth0"), "fe80::1");
  EXPECT_EQ(normalize_ip("fe80::1%2"), "fe80::1");
  EXPECT_EQ(normalize_ip("FE80:0:0:0:0:0:0:1%lo"), "fe80::1");
}

TEST(ClientIp, Ipv6CanonicalCompressedLowerCase) {
  EXPECT_EQ(normalize_ip("2001:DB8::1"), "2001:db8::1");
  EXPECT_EQ(normalize_ip("2001:0db8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  EXPECT_EQ(normalize_ip("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");  // first of two equal runs
  EXPECT_EQ(normalize_ip("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");  // one zero group stays
  EXPECT_EQ(normalize_ip("0:0:0:0:0:0:0:1"), "::1");
  EXPECT_EQ(normalize_ip("::"), "::");
}

TEST(ClientIp, NotAnAddress) {
  for (const char* bad : {"", "localhost", "1.2.3", "01.2.3.4", "1.2.3.4.5", "256.1.1.1", "1.2.3.4%eth0", "%eth0",
                          "::g", "1:2:3:4:5:6:7:8:9", "[::1]", "1.2.3.4:80", " 1.2.3.4", "unknown"}) {
    EXPECT_EQ(normalize_ip(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace tessera::server
