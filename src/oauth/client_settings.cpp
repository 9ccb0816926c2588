// Client settings: rules and storage codec (client_settings.hpp).
#include "oauth/client_settings.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "codec/json.hpp"
#include "keys/remote_key_sets.hpp"
#include "oauth/redirect_uri.hpp"
#include "oauth/scope.hpp"

namespace tessera::oauth {

namespace json = boost::json;

namespace {

Result<void> bad(std::string setting, std::string what) {
  return fail(Errc::invalid_argument, setting + ": " + what);
}

bool known_grant(std::string_view g) {
  return g == "authorization_code" || g == "refresh_token" || g == "client_credentials";
}

bool id_token_alg_ok(Algorithm a) { return a == Algorithm::ES256 || a == Algorithm::EdDSA || a == Algorithm::RS256; }

Result<KeySet> parse_client_keys(std::string_view jwks) {
  auto set = keys::public_key_set(jwks);
  if (!set) return std::unexpected(set.error());
  if (set->size() == 1) return KeySet::single_key(set->keys().front());
  return set;
}

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

}  // namespace

bool has_grant(const ClientSettings& s, std::string_view grant) {
  return std::find(s.grants.begin(), s.grants.end(), grant) != s.grants.end();
}

Result<void> check_settings(const ClientSettings& s) {
  if (s.name.empty() || s.name.size() > 200) return bad("name", "1..200 bytes");
  if (s.grants.empty()) return bad("grants", "at least one");
  for (const auto& g : s.grants)
    if (!known_grant(g)) return bad("grants", "unknown grant " + g);
  if (has_grant(s, "refresh_token") && !has_grant(s, "authorization_code"))
    return bad("grants", "refresh_token needs authorization_code");
  if (s.public_client && has_grant(s, "client_credentials"))
    return bad("grants", "a public client cannot use client_credentials");
  for (const auto& u : s.redirect_uris) {
    auto ok = check_redirect_uri(u);
    if (!ok) return bad("redirect_uris", ok.error().message);
  }
  if (has_grant(s, "authorization_code") && s.redirect_uris.empty())
    return bad("redirect_uris", "at least one for authorization_code");
  for (const auto& sc : s.scopes)
    if (!valid_scope_token(sc)) return bad("scopes", "not a scope token: " + sc);
  for (const auto& a : s.audiences)
    if (a.empty()) return bad("audiences", "empty value");
  for (const auto& r : s.resources)
    if (r.empty()) return bad("resources", "empty value");
  if (s.access_ttl <= 0) return bad("access_ttl", "must be > 0");
  if (s.refresh_idle_ttl <= 0) return bad("refresh_idle_ttl", "must be > 0");
  if (s.refresh_absolute_ttl < s.refresh_idle_ttl) return bad("refresh_absolute_ttl", "must be >= refresh_idle_ttl");
  if (s.refresh_reuse_grace < 0 || s.refresh_reuse_grace > 60) return bad("refresh_reuse_grace", "0..60 seconds");
  if (!id_token_alg_ok(s.id_token_alg)) return bad("id_token_alg", "ES256, EdDSA or RS256");
  if (!s.jwks_json.empty() && !s.jwks_uri.empty()) return bad("jwks", "jwks and jwks_uri are exclusive");
  if ((!s.jwks_json.empty() || !s.jwks_uri.empty()) && s.public_client)
    return bad("jwks", "private_key_jwt is for confidential clients");
  if (!s.jwks_json.empty()) {
    auto keys = parse_client_keys(s.jwks_json);
    if (!keys) return bad("jwks", keys.error().message);
  }
  if (!s.jwks_uri.empty() && (!s.jwks_uri.starts_with("https://") || s.jwks_uri.size() <= 8 ||
                              s.jwks_uri.find('#') != std::string::npos))
    return bad("jwks_uri", "an https URI without fragment");
  return {};
}

Result<KeySet> client_keys(const ClientSettings& s) { return parse_client_keys(s.jwks_json); }

std::string encode_settings(const ClientSettings& s) {
  json::object o;
  o["redirect_uris"] = strings(s.redirect_uris);
  o["public_client"] = s.public_client;
  o["first_party"] = s.first_party;
  o["grants"] = strings(s.grants);
  o["scopes"] = strings(s.scopes);
  o["audiences"] = strings(s.audiences);
  o["resources"] = strings(s.resources);
  o["token_format"] = token_format_name(s.token_format);
  o["access_ttl"] = s.access_ttl;
  o["refresh_idle_ttl"] = s.refresh_idle_ttl;
  o["refresh_absolute_ttl"] = s.refresh_absolute_ttl;
  o["refresh_reuse_grace"] = s.refresh_reuse_grace;
  o["id_token_alg"] = alg_name(s.id_token_alg);
  o["jwks"] = s.jwks_json;
  o["jwks_uri"] = s.jwks_uri;
  o["require_dpop"] = s.require_dpop;
  return json::serialize(o);
}

namespace {

struct Reader {
  const json::object& o;
  std::size_t used = 0;
  bool ok = true;

  const json::value* at(std::string_view k) {
    const auto* v = o.if_contains(k);
    if (!v) ok = false;
    else ++used;
    return v;
  }
  void str(std::string_view k, std::string& out) {
    const auto* v = at(k);
    if (v && v->is_string()) out = std::string(v->get_string());
    else ok = false;
  }
  void boolean(std::string_view k, bool& out) {
    const auto* v = at(k);
    if (v && v->is_bool()) out = v->get_bool();
    else ok = false;
  }
  // A member added after clients were first stored: absent keeps the default.
  void optional_boolean(std::string_view k, bool& out) {
    if (o.contains(k)) boolean(k, out);
  }
  void integer(std::string_view k, std::int64_t& out) {
    const auto* v = at(k);
    if (v && v->is_int64()) out = v->get_int64();
    else if (v && v->is_uint64() && v->get_uint64() <= INT64_MAX) out = static_cast<std::int64_t>(v->get_uint64());
    else ok = false;
  }
  void list(std::string_view k, std::vector<std::string>& out) {
    const auto* v = at(k);
    if (!v || !v->is_array()) {
      ok = false;
      return;
    }
    out.clear();
    for (const auto& e : v->get_array()) {
      if (!e.is_string()) {
        ok = false;
        return;
      }
      out.emplace_back(e.get_string());
    }
  }
};

}  // namespace

Result<ClientSettings> decode_settings(std::string_view text, std::string_view name) {
  auto parsed = codec::parse_json_object(text);
  if (!parsed) return fail(Errc::store_unavailable, "client settings do not parse: " + parsed.error().message);
  ClientSettings s;
  s.name = std::string(name);
  Reader r{*parsed};
  std::string format, alg;
  r.list("redirect_uris", s.redirect_uris);
  r.boolean("public_client", s.public_client);
  r.boolean("first_party", s.first_party);
  r.list("grants", s.grants);
  r.list("scopes", s.scopes);
  r.list("audiences", s.audiences);
  r.list("resources", s.resources);
  r.str("token_format", format);
  r.integer("access_ttl", s.access_ttl);
  r.integer("refresh_idle_ttl", s.refresh_idle_ttl);
  r.integer("refresh_absolute_ttl", s.refresh_absolute_ttl);
  r.integer("refresh_reuse_grace", s.refresh_reuse_grace);
  r.str("id_token_alg", alg);
  r.str("jwks", s.jwks_json);
  r.str("jwks_uri", s.jwks_uri);
  r.optional_boolean("require_dpop", s.require_dpop);  // absent in clients stored before DPoP
  if (!r.ok || r.used != parsed->size()) return fail(Errc::store_unavailable, "client settings: bad or unknown member");
  const auto f = parse_token_format(format);
  const auto a = parse_algorithm(alg);
  if (!f || !a) return fail(Errc::store_unavailable, "client settings: bad token_format or id_token_alg");
  s.token_format = *f;
  s.id_token_alg = *a;
  if (auto ok = check_settings(s); !ok) return fail(Errc::store_unavailable, "client settings: " + ok.error().message);
  return s;
}

}  // namespace tessera::oauth
