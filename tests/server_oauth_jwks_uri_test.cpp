// POST /oauth2/token with private_key_jwt for a jwks_uri client, in process: the fetch of the
// client's keys (which blocks for up to the fetcher's deadline) never runs on the I/O thread,
// even without a store pool (the fixture has none, as SQLite and memory stores by default).
#include <gtest/gtest.h>

#include <thread>

#include "server_oauth_fixture.hpp"
#include "tessera/jwt.hpp"

namespace tessera::server {
namespace {

using namespace oauth_test;

class OAuthJwksUriRoutes : public Fixture {};

TEST_F(OAuthJwksUriRoutes, TheKeyFetchRunsOffTheIoThread) {
  auto key = Key::generate(KeySpec::p256, "partner-1").value();
  KeySet published;
  ASSERT_TRUE(published.add(key.public_key().value()));
  jwks_fetcher_.jwks = published.to_jwks_json().value();
  ClientSettings partner;
  partner.name = "partner";
  partner.grants = {"client_credentials"};
  partner.jwks_uri = "https://partner.example/jwks.json";
  const auto c = oauth_.add_client(partner).value();
  const std::string id = c.client.client_id;

  JwtBuilder b;
  b.issuer(id).subject(id).audience(std::string(kIssuer) + "/oauth2/token");
  b.issued_at(kNow).expires_at(kNow + 60).jwt_id("a-1");
  const std::string assertion = b.sign(key).value();
  const Response r = token(form({{"grant_type", "client_credentials"},
                                 {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
                                 {"client_assertion", assertion}}));
  EXPECT_EQ(r.result(), http::status::ok) << r.body();
  // send() runs the I/O loop on this thread.
  EXPECT_NE(jwks_fetcher_.thread.load(), std::thread::id{});
  EXPECT_NE(jwks_fetcher_.thread.load(), std::this_thread::get_id());
}

}  // namespace
}  // namespace tessera::server
