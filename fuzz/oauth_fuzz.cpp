// libFuzzer target: the OAuth request parsers of src/oauth/ — the authorization request
// (client_id/redirect_uri, then the rest against a fixed client), scopes, redirect URIs,
// refresh-token shapes, stored client settings, and the private_key_jwt client assertion.
// Input: the first byte picks the parser, the rest is its input; for the authorization request
// the rest is name=value pairs separated by '&' (not percent-decoded: the parser sees what a
// form decoder would hand it). Beyond "no crash": accepted values obey what the parsers promise.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "oauth/authorize_request.hpp"
#include "oauth/client_assertion.hpp"
#include "oauth/client_settings.hpp"
#include "oauth/pkce.hpp"
#include "oauth/redirect_uri.hpp"
#include "oauth/refresh_token.hpp"
#include "oauth/scope.hpp"

namespace {

using namespace tessera;

tessera::Params split(std::string_view in) {
  tessera::Params p;
  while (!in.empty() && p.size() < 64) {
    const auto amp = in.find('&');
    const auto pair = in.substr(0, amp);
    const auto eq = pair.find('=');
    p.emplace_back(std::string(pair.substr(0, eq)), eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
    if (amp == std::string_view::npos) break;
    in = in.substr(amp + 1);
  }
  return p;
}

const ClientSettings& client() {
  static const ClientSettings s = [] {
    ClientSettings c;
    c.name = "fuzz";
    c.redirect_uris = {"https://app.example/cb", "http://127.0.0.1/cb"};
    c.audiences = {"https://api.example"};
    return c;
  }();
  return s;
}

const KeySet& client_keys() {
  static const KeySet keys = [] {
    KeySet s;
    (void)s.add(Key::generate(KeySpec::p256, "k1").value().public_key().value());
    return s;
  }();
  return keys;
}

void authorize(std::string_view in) {
  const auto q = split(in);
  auto target = oauth::authorize_target(q);
  (void)oauth::authorize_state(q);
  if (!target) return;
  auto r = oauth::read_authorize_request(q, *target, client());
  if (!r) return;
  if (!oauth::valid_code_challenge(r->code_challenge)) __builtin_trap();
  if (!oauth::scope_subset(r->scopes, oauth::scope_set(client().scopes))) __builtin_trap();
  if (!r->audience.empty() && r->audience != "https://api.example") __builtin_trap();
  (void)oauth::error_redirect(target->redirect_uri, Error(Errc::invalid_request, "x"), r->state, "https://as.example");
}

void scope(std::string_view in) {
  auto s = oauth::parse_scope(in);
  if (!s) return;
  auto again = oauth::parse_scope(oauth::join_scope(*s));
  if (!again || *again != *s) __builtin_trap();
}

void redirect(std::string_view in) {
  const auto cut = in.find('\n');
  const auto a = in.substr(0, cut);
  const auto b = cut == std::string_view::npos ? a : in.substr(cut + 1);
  if (oauth::check_redirect_uri(a) && !oauth::redirect_uri_matches(a, a)) __builtin_trap();
  (void)oauth::redirect_uri_matches(a, b);
}

void refresh(std::string_view in) {
  if (auto f = oauth::refresh_family(in); f && !oauth::valid_family_id(*f)) __builtin_trap();
  (void)oauth::valid_code_verifier(in);
  (void)oauth::pkce_matches(in, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

void settings(std::string_view in) {
  auto s = oauth::decode_settings(in, "fuzz");
  if (s && !oauth::check_settings(*s)) __builtin_trap();
  if (!s && s.error().code != Errc::store_unavailable) __builtin_trap();
}

void assertion(std::string_view in) {
  (void)oauth::assertion_issuer_unverified(in);
  static const FixedClock clock(1'700'000'000);
  const oauth::AssertionPolicy policy{"https://as.example", "https://as.example/oauth2/token", 30, 300};
  auto r = oauth::verify_client_assertion(in, "svc", client_keys(), policy, clock);
  if (!r && r.error().code != Errc::invalid_client) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0: authorize(in); break;
    case 1: scope(in); break;
    case 2: redirect(in); break;
    case 3: refresh(in); break;
    case 4: settings(in); break;
    default: assertion(in); break;
  }
  return 0;
}
