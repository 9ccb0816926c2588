// The fixture of the AuthorizationServer tests: a memory OAuthStore and account store, a
// settable clock, the signing keys, one user ("alice"), helpers for the flows, and the
// observer's events.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "oauth/pkce.hpp"
#include "oauth_keys.hpp"
#include "settable_clock.hpp"
#include "tessera/account_store.hpp"
#include "tessera/authorization_server.hpp"
#include "tessera/oauth_store.hpp"

namespace tessera::test {

// The value of name in a URI's query (percent-decoded); nullopt when absent.
inline std::optional<std::string> query_value(std::string_view uri, std::string_view name) {
  const auto q = uri.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view rest = uri.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      std::string out;
      const auto v = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '%' && i + 2 < v.size()) {
          out += static_cast<char>(std::stoi(std::string(v.substr(i + 1, 2)), nullptr, 16));
          i += 2;
        } else {
          out += v[i] == '+' ? ' ' : v[i];
        }
      }
      return out;
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return std::nullopt;
}

inline std::string str(const boost::json::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

struct Registered {
  std::string id;
  std::string secret;  // empty for public clients
  ClientSettings settings;
};

class OauthTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kStart = 1'700'000'000;
  static constexpr std::string_view kIssuer = "https://as.example";
  static constexpr std::string_view kRedirect = "https://app.example/cb";
  const std::string verifier_ = std::string(43, 'v') + "erifier";

  void SetUp() override {
    auto store = open_oauth_store("memory:");
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    auto accounts = open_account_store("memory:");
    ASSERT_TRUE(accounts);
    accounts_ = std::move(*accounts);
    UserRecord alice{"alice", "unused-hash", false, kStart, kStart, 0};
    ASSERT_TRUE(*accounts_->users().add(alice));
    UserRecord bob{"bob", "unused-hash", false, kStart, kStart, 0};
    ASSERT_TRUE(*accounts_->users().add(bob));
    make_server();
  }

  void make_server(OAuthOptions options = {}) {
    options.issuer = std::string(kIssuer);
    auto s = AuthorizationServer::create(*store_, accounts_->users(), oauth_signing_keys(),
                                         SecretBytes(std::string(32, 's')), options, &clock_,
                                         [this](const OAuthEvent& e) { events_.push_back(e); });
    ASSERT_TRUE(s) << s.error().message;
    server_ = std::make_unique<AuthorizationServer>(std::move(*s));
  }

  static ClientSettings web_settings() {
    ClientSettings s;
    s.name = "Web App";
    s.redirect_uris = {std::string(kRedirect)};
    s.audiences = {"https://api.example"};
    s.scopes = {"openid", "profile", "offline_access", "read", "write"};
    return s;
  }

  Registered add(ClientSettings s) {
    auto c = server_->add_client(s);
    EXPECT_TRUE(c) << (c ? "" : c.error().message);
    Registered r{c->client.client_id, {}, s};
    if (c->secret) {
      const auto b = c->secret->reveal(SecretAccess{});
      r.secret.assign(b.begin(), b.end());
    }
    return r;
  }

  Session session(std::string user = "alice") {
    Session s;
    s.record.user = user;
    s.record.created_at = kStart - 100;
    auto rec = accounts_->users().get(user);
    s.record.generation = (*rec)->generation;
    return s;
  }

  Params authorize_params(const Registered& c, std::string scope = "openid profile offline_access read") {
    return {{"response_type", "code"},
            {"client_id", c.id},
            {"redirect_uri", std::string(kRedirect)},
            {"scope", scope},
            {"state", "xyz"},
            {"nonce", "n-0S6"},
            {"code_challenge", oauth::s256_challenge(verifier_)},
            {"code_challenge_method", "S256"}};
  }

  // The code of a successful authorization (first-party, or consent approved).
  std::string code_for(const Registered& c, std::string scope = "openid profile offline_access read",
                       std::string user = "alice") {
    auto s = session(user);
    auto r = server_->authorize(authorize_params(c, scope), &s, ConsentDecision::approve);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->kind, AuthorizeResult::Kind::redirect) << (r->error ? r->error->message : "");
    auto code = query_value(r->location, "code");
    EXPECT_TRUE(code) << r->location;
    return code.value_or("");
  }

  static ClientAuth basic(const Registered& c) {
    ClientAuth a;
    a.basic = std::make_pair(c.id, c.secret);
    return a;
  }

  Result<boost::json::object> exchange(const Registered& c, const std::string& code) {
    Params form{{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", std::string(kRedirect)},
                {"code_verifier", verifier_}};
    if (c.secret.empty()) form.emplace_back("client_id", c.id);
    return server_->token(form, c.secret.empty() ? ClientAuth{} : basic(c), ClientInfo{"192.0.2.1", "test", ""});
  }

  Result<boost::json::object> refresh(const Registered& c, const std::string& token, Params extra = {}) {
    Params form{{"grant_type", "refresh_token"}, {"refresh_token", token}};
    for (auto& p : extra) form.push_back(std::move(p));
    if (c.secret.empty()) form.emplace_back("client_id", c.id);
    return server_->token(form, c.secret.empty() ? ClientAuth{} : basic(c), ClientInfo{});
  }

  boost::json::object introspect(const Registered& caller, const std::string& token) {
    auto r = server_->introspect({{"token", token}}, basic(caller));
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : boost::json::object{};
  }
  bool active(const Registered& caller, const std::string& token) {
    const auto o = introspect(caller, token);
    const auto* a = o.if_contains("active");
    EXPECT_TRUE(a && a->is_bool());
    return a && a->is_bool() && a->get_bool();
  }

  // A credential change (logout everywhere, password change, disable): the generation moves.
  void change_credentials(std::string user, std::optional<bool> disabled = std::nullopt) {
    CredentialChange ch;
    ch.user = std::move(user);
    ch.disabled = disabled;
    ch.updated_at = clock_.now();
    ASSERT_TRUE(accounts_->change_credentials(ch));
  }

  std::size_t count(OAuthEvent::Kind k) const {
    std::size_t n = 0;
    for (const auto& e : events_) n += e.kind == k ? 1 : 0;
    return n;
  }

  SettableClock clock_{kStart};
  std::unique_ptr<OAuthStore> store_;
  std::unique_ptr<AccountStore> accounts_;
  std::unique_ptr<AuthorizationServer> server_;
  std::vector<OAuthEvent> events_;
};

}  // namespace tessera::test
