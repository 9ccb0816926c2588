// FakeIssuer: an OIDC issuer on loopback for the BFF's tests (server/bff/): discovery, JWKS,
// the token endpoint (authorization_code for the one code it hands out, refresh_token with
// rotation and reuse detection) and revocation. It records what it saw, so tests can count
// refreshes and see a refresh token presented twice.
// Thread safety: its state is guarded by a mutex; the handler runs on the server's thread.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

#include <boost/json.hpp>

#include "fake_http_server.hpp"
#include "server/oauth_request.hpp"
#include "tessera/clock.hpp"
#include "tessera/jwt.hpp"
#include "tessera/keys.hpp"

namespace tessera::test {

class FakeIssuer {
 public:
  static constexpr const char* kCode = "the-code";
  static constexpr const char* kClient = "spa";

  explicit FakeIssuer(const Clock& clock) : clock_(clock) {}

  std::string issuer() const { return srv_.url(); }
  // The nonce and PKCE challenge of the next code exchange (from the authorization URL).
  void expect(std::string nonce) {
    std::lock_guard lock(mu_);
    nonce_ = std::move(nonce);
  }
  void set_access_ttl(std::int64_t s) {
    std::lock_guard lock(mu_);
    access_ttl_ = s;
  }
  // The next ID token's nonce is this instead (a forged or replayed sign-in).
  void force_nonce(std::string n) {
    std::lock_guard lock(mu_);
    forced_nonce_ = std::move(n);
  }
  // Every live refresh token is revoked (the family ended at the issuer).
  void revoke_all() {
    std::lock_guard lock(mu_);
    live_.clear();
  }
  int refreshes() const {
    std::lock_guard lock(mu_);
    return refreshes_;
  }
  bool reuse_seen() const {
    std::lock_guard lock(mu_);
    return reuse_;
  }
  std::vector<std::string> revoked() const {
    std::lock_guard lock(mu_);
    return revoked_;
  }
  bool live(const std::string& rt) const {
    std::lock_guard lock(mu_);
    return live_.contains(rt);
  }
  const FakeHttpServer& server() const { return srv_; }

 private:
  using Request = FakeHttpServer::Request;
  using Response = FakeHttpServer::Response;

  std::string id_token(const std::string& nonce) const {
    JwtBuilder b;
    b.issuer(issuer()).subject("alice").audience(kClient).issued_at(clock_.now()).expires_at(clock_.now() + 300);
    b.claim("nonce", boost::json::value(nonce)).claim("name", boost::json::value("Alice A."));
    b.claim("email", boost::json::value("alice@example.com")).claim("auth_time", boost::json::value(clock_.now()));
    return *b.sign(key_);
  }

  Response tokens(bool with_id_token) {
    const std::string at = "AT-" + std::to_string(++serial_) + "-secret-access";
    const std::string rt = "RT-" + std::to_string(serial_) + "-secret-refresh";
    live_.insert(rt);
    boost::json::object o{{"access_token", at}, {"token_type", "Bearer"}, {"expires_in", access_ttl_},
                          {"refresh_token", rt}};
    if (with_id_token) o["id_token"] = id_token(forced_nonce_.empty() ? nonce_ : forced_nonce_);
    return json_response(boost::beast::http::status::ok, boost::json::serialize(o));
  }

  Response handle(const Request& r) {
    namespace http = boost::beast::http;
    std::lock_guard lock(mu_);
    const std::string path(r.target().substr(0, r.target().find('?')));
    if (path == "/.well-known/openid-configuration")
      return json_response(http::status::ok,
                           boost::json::serialize(boost::json::object{
                               {"issuer", issuer()},
                               {"authorization_endpoint", srv_.url("/authorize")},
                               {"token_endpoint", srv_.url("/token")},
                               {"jwks_uri", srv_.url("/jwks")},
                               {"revocation_endpoint", srv_.url("/revoke")}}));
    if (path == "/jwks") return json_response(http::status::ok, *KeySet::single_key(key_)->to_jwks_json());
    auto form = server::parse_form_params(r.body()).value_or(server::FormParams{});
    std::map<std::string, std::string> f(form.begin(), form.end());
    if (path == "/revoke") {
      revoked_.push_back(f["token"]);
      live_.erase(f["token"]);
      return json_response(http::status::ok, "{}");
    }
    if (path != "/token") return json_response(http::status::not_found, "{}");
    const auto invalid_grant = json_response(http::status::bad_request, R"({"error":"invalid_grant"})");
    if (f["grant_type"] == "authorization_code") return f["code"] == kCode ? tokens(true) : invalid_grant;
    if (f["grant_type"] != "refresh_token") return json_response(http::status::bad_request, R"({"error":"unsupported_grant_type"})");
    ++refreshes_;
    if (!live_.contains(f["refresh_token"])) {
      if (used_.contains(f["refresh_token"])) {
        reuse_ = true;  // RFC 9700 §4.14: the whole family ends
        live_.clear();
      }
      return invalid_grant;
    }
    live_.erase(f["refresh_token"]);
    used_.insert(f["refresh_token"]);
    return tokens(false);
  }

  const Clock& clock_;
  Key key_ = *Key::generate(KeySpec::p256);
  mutable std::mutex mu_;
  std::string nonce_, forced_nonce_;
  std::int64_t access_ttl_ = 300;
  int serial_ = 0, refreshes_ = 0;
  bool reuse_ = false;
  std::set<std::string> live_, used_;
  std::vector<std::string> revoked_;
  FakeHttpServer srv_{[this](const Request& r) { return handle(r); }};  // last: its thread uses the above
};

}  // namespace tessera::test
