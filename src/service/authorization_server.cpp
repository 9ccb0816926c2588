// AuthorizationServer: construction, clients, metadata, device grants, and the steps the use
// cases share (tessera/authorization_server.hpp, authorization_server_impl.hpp).
#include "tessera/authorization_server.hpp"

#include <algorithm>
#include <utility>

#include "oauth/client_settings.hpp"
#include "oauth/metadata.hpp"
#include "oauth/refresh_token.hpp"
#include "tessera/key_ring.hpp"
#include "service/authorization_server_impl.hpp"

namespace tessera {

namespace {

// How long the tombstone of a family id that did not exist yet is kept: longer than any code
// exchange can take to create it.
constexpr std::int64_t kTombstoneTtl = 3600;

// https://host[:port][/path], or http for a loopback host; no query, fragment or userinfo.
Result<void> check_issuer(std::string_view iss) {
  const auto bad = [] { return fail(Errc::invalid_argument, "issuer: https://host[/path] (http only for loopback)"); };
  std::string_view rest;
  bool http = false;
  if (iss.starts_with("https://")) {
    rest = iss.substr(8);
  } else if (iss.starts_with("http://")) {
    rest = iss.substr(7);
    http = true;
  } else {
    return bad();
  }
  if (rest.empty() || iss.find_first_of("?#@ ") != std::string_view::npos || iss.ends_with("/")) return bad();
  if (http) {
    const auto host = rest.substr(0, rest.find_first_of(":/"));
    const bool loopback = host == "localhost" || host.starts_with("127.") || rest.starts_with("[::1]");
    if (!loopback) return bad();
  }
  return {};
}

}  // namespace

Result<AuthorizationServer> AuthorizationServer::create(OAuthStore& store, UserStore& users, KeySet signing_keys,
                                                        SecretBytes server_key, OAuthOptions options,
                                                        const Clock* clock, OAuthObserver observer) {
  if (auto ok = check_issuer(options.issuer); !ok) return std::unexpected(ok.error());
  if (options.code_ttl < 1 || options.code_ttl > 60) return fail(Errc::invalid_argument, "code_ttl: 1..60 seconds");
  if (options.leeway < 0 || options.leeway > 300) return fail(Errc::invalid_argument, "leeway: 0..300 seconds");
  if (options.assertion_max_lifetime < 1 || options.assertion_max_lifetime > 3600)
    return fail(Errc::invalid_argument, "assertion_max_lifetime: 1..3600 seconds");
  if (options.max_token_ttl <= 0) return fail(Errc::invalid_argument, "max_token_ttl: at least 1 second");
  if (auto ok = dpop_verifier(options, clock ? *clock : SystemClock::instance()); !ok)
    return std::unexpected(ok.error());
  if (options.client_cache_ttl < 0 || options.client_cache_ttl > 60)
    return fail(Errc::invalid_argument, "client_cache_ttl: 0..60 seconds");
  const Clock& c = clock ? *clock : SystemClock::instance();
  auto keys = SigningKeys::fixed(signing_keys, options.issuer, c);
  if (!keys) return std::unexpected(keys.error());
  auto hasher = oauth::SecretHasher::create(server_key);
  if (!hasher) return std::unexpected(hasher.error());
  return AuthorizationServer(std::make_unique<Impl>(store, users, std::move(*keys), std::move(*hasher),
                                                    std::move(options), c, std::move(observer)));
}

AuthorizationServer::AuthorizationServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuthorizationServer::AuthorizationServer(AuthorizationServer&&) noexcept = default;
AuthorizationServer::~AuthorizationServer() = default;

const OAuthOptions& AuthorizationServer::options() const noexcept { return impl_->options; }
void AuthorizationServer::set_not_before(std::int64_t t) { impl_->not_before.store(t); }
boost::json::object AuthorizationServer::metadata() const {
  const auto& dpop = impl_->dpop;
  return oauth::server_metadata(impl_->options.issuer, dpop ? dpop->options().algorithms : std::vector<Algorithm>{});
}
std::string AuthorizationServer::jwks_json() const { return impl_->keys_now()->keys.jwks_json(); }
std::int64_t AuthorizationServer::jwks_max_age() const { return impl_->signing.max_age(); }

Result<void> AuthorizationServer::set_key_ring(std::shared_ptr<const KeyRing> ring) {
  // A superseded key must stay published as long as the tokens it signed live.
  if (ring && ring->policy().max_token_ttl < impl_->options.max_token_ttl)
    return fail(Errc::invalid_argument, "key ring: its max_token_ttl is below the server's (a key would retire "
                                        "before the tokens it signed expire)");
  return impl_->signing.set_ring(std::move(ring));
}

// ---- clients ---------------------------------------------------------------------------

Result<NewClient> AuthorizationServer::add_client(const ClientSettings& settings) {
  if (auto ok = oauth::check_settings(settings); !ok) return std::unexpected(ok.error());
  if (settings.access_ttl > impl_->options.max_token_ttl)
    return fail(Errc::invalid_argument, "access_ttl: at most the server's max_token_ttl (" +
                                            std::to_string(impl_->options.max_token_ttl) + " s)");
  NewClient out;
  out.client.settings = settings;
  ClientRecord rec;
  rec.name = settings.name;
  rec.settings_json = oauth::encode_settings(settings);
  rec.created_at = rec.updated_at = impl_->now();
  for (int attempt = 0; attempt < 5; ++attempt) {
    rec.client_id = oauth::make_client_id(settings.name);
    if (!settings.public_client) {
      out.secret = oauth::new_client_secret();
      const auto s = out.secret->reveal(SecretAccess{});
      rec.secret_hash = impl_->hasher.hash(rec.client_id, {reinterpret_cast<const char*>(s.data()), s.size()});
    }
    auto put = impl_->store.put_client(rec, true);
    if (!put) return std::unexpected(put.error());
    if (*put) {
      out.client.client_id = rec.client_id;
      out.client.has_secret = !rec.secret_hash.empty();
      out.client.created_at = out.client.updated_at = rec.created_at;
      return out;
    }
  }
  return fail(Errc::internal, "could not make a unique client_id");
}

namespace {
Client to_client(const LoadedClient& c) {
  return Client{c.record.client_id, c.settings, !c.record.secret_hash.empty(), c.record.created_at,
                c.record.updated_at};
}
}  // namespace

Result<std::vector<Client>> AuthorizationServer::clients() {
  auto list = impl_->store.list_clients();
  if (!list) return std::unexpected(list.error());
  std::vector<Client> out;
  for (auto& rec : *list) {
    auto s = oauth::decode_settings(rec.settings_json, rec.name);
    if (!s) return std::unexpected(s.error());
    out.push_back(to_client(LoadedClient{std::move(rec), std::move(*s)}));
  }
  return out;
}

Result<Client> AuthorizationServer::client(std::string_view client_id) {
  auto c = impl_->load_client(client_id);
  if (!c) return std::unexpected(c.error());
  if (!*c) return fail(Errc::invalid_client, "no such client");
  return to_client(**c);
}

Result<void> AuthorizationServer::remove_client(std::string_view client_id) {
  auto removed = impl_->store.remove_client(client_id);
  impl_->client_cache.erase(client_id);
  if (!removed) return std::unexpected(removed.error());
  if (!*removed) return fail(Errc::invalid_client, "no such client");
  return {};
}

Result<SecretBytes> AuthorizationServer::rotate_secret(std::string_view client_id) {
  auto c = impl_->load_client(client_id);
  if (!c) return std::unexpected(c.error());
  if (!*c) return fail(Errc::invalid_client, "no such client");
  if ((*c)->settings.public_client) return fail(Errc::invalid_argument, "a public client has no secret");
  auto secret = oauth::new_client_secret();
  const auto s = secret.reveal(SecretAccess{});
  auto rec = (*c)->record;
  rec.secret_hash = impl_->hasher.hash(rec.client_id, {reinterpret_cast<const char*>(s.data()), s.size()});
  rec.updated_at = impl_->now();
  auto put = impl_->store.put_client(rec, false);
  impl_->client_cache.erase(client_id);
  if (!put) return std::unexpected(put.error());
  if (!*put) return fail(Errc::invalid_client, "no such client");
  return secret;
}

// ---- device grants -----------------------------------------------------------------------

Result<std::vector<GrantInfo>> AuthorizationServer::grants(std::string_view user) {
  auto rec = impl_->users.get(user);
  if (!rec) return std::unexpected(rec.error());
  std::vector<GrantInfo> out;
  if (!*rec || (*rec)->disabled) return out;
  auto list = impl_->store.list_grants(user, impl_->now());
  if (!list) return std::unexpected(list.error());
  for (const auto& g : *list) {
    if (g.generation != (*rec)->generation || g.revoked) continue;
    auto c = impl_->load_client(g.client_id);
    if (!c) return std::unexpected(c.error());
    if (!*c) continue;  // the client is gone: its grants are dead
    out.push_back(GrantInfo{g.family_id, g.client_id, (*c)->record.name, g.scope, g.created_at, g.last_used_at,
                            g.client_info_json});
  }
  return out;
}

Result<void> AuthorizationServer::revoke_grant(std::string_view user, std::string_view family_id) {
  auto list = grants(user);
  if (!list) return std::unexpected(list.error());
  const auto it = std::find_if(list->begin(), list->end(), [&](const GrantInfo& g) { return g.family_id == family_id; });
  if (it == list->end()) return fail(Errc::session_not_found, "no such grant");
  return impl_->end_family(family_id);
}

// ---- shared steps --------------------------------------------------------------------------

oauth::AssertionPolicy AuthorizationServer::Impl::assertion_policy() const {
  return oauth::AssertionPolicy{options.issuer, oauth::endpoint(options.issuer, oauth::kTokenPath), options.leeway,
                                options.assertion_max_lifetime};
}

Result<std::optional<LoadedClient>> AuthorizationServer::Impl::load_client(std::string_view client_id) {
  if (!oauth::valid_client_id(client_id)) return std::optional<LoadedClient>();
  auto rec = store.get_client(client_id);
  if (!rec) return std::unexpected(rec.error());
  if (!*rec) return std::optional<LoadedClient>();
  auto s = oauth::decode_settings((*rec)->settings_json, (*rec)->name);
  if (!s) return std::unexpected(s.error());
  LoadedClient c{std::move(**rec), std::move(*s)};
  if (!c.settings.jwks_json.empty()) c.inline_keys.emplace(oauth::client_keys(c.settings));
  return std::optional<LoadedClient>(std::move(c));
}

Result<std::shared_ptr<const LoadedClient>> AuthorizationServer::Impl::cached_client(std::string_view client_id) {
  const auto t = now();  // before the read: an entry is never older than the TTL says
  if (auto hit = client_cache.get(client_id, t)) return hit;
  auto c = load_client(client_id);
  if (!c) return std::unexpected(c.error());
  if (!*c) return std::shared_ptr<const LoadedClient>();
  auto shared = std::make_shared<const LoadedClient>(std::move(**c));
  client_cache.put(shared, t);
  return shared;
}

Result<void> AuthorizationServer::Impl::check_user(std::string_view user, std::uint64_t generation) {
  auto rec = users.get(user);
  if (!rec) return std::unexpected(rec.error());
  if (!*rec || (*rec)->disabled || (*rec)->generation != generation)
    return fail(Errc::invalid_grant, "the user's credentials changed or the account is disabled");
  return {};
}

Result<void> AuthorizationServer::Impl::end_family(std::string_view family_id) {
  const auto t = now();
  auto was = store.revoke_grant(family_id, t, kTombstoneTtl);
  if (!was) return std::unexpected(was.error());
  if (!*was) return {};  // never created: nothing was issued, nothing to announce
  for (const auto& a : (*was)->access) {
    if (a.expires_at <= t) continue;
    if (auto ok = store.deny_jti(a.jti, a.expires_at); !ok) return std::unexpected(ok.error());
  }
  return announce_family(**was, t);
}

Result<void> AuthorizationServer::Impl::announce(const RevocationEvent& e) const {
  if (!options.revocations) return {};
  auto c = options.revocations->append(e);
  if (!c) {
    const std::string id = e.type == RevocationEvent::Type::jti ? "jti " + e.jti : "grant " + e.grant;
    return fail(Errc::store_unavailable,
                "revocation feed: " + id + " is revoked but its event was not appended: " + c.error().message);
  }
  return {};
}

Result<void> AuthorizationServer::Impl::announce_family(const GrantRecord& g, std::int64_t t) const {
  for (const auto& a : g.access) {
    if (a.expires_at <= t) continue;
    if (auto ok = announce({.type = RevocationEvent::Type::jti, .jti = a.jti, .exp = a.expires_at}); !ok) return ok;
  }
  return announce({.type = RevocationEvent::Type::grant, .sub = g.user, .grant = g.family_id});
}

}  // namespace tessera
