// open_services (services.hpp).
#include "server/services.hpp"

#include <utility>

#include "tessera/https_key_set_fetcher.hpp"

namespace tessera::server {

std::int64_t feed_retention(std::int64_t max_token_ttl) { return max_token_ttl + OAuthOptions{}.leeway; }

Result<Services> open_services(const ServerConfig& cfg, std::shared_ptr<const DeviceCookies> device_cookies) {
  auto store = open_account_store(cfg.store_uri());
  if (!store) return std::unexpected(std::move(store.error()));
  // The server signs with OAuthOptions' default max_token_ttl (a configured one, where the
  // configuration has it, goes here and into open_oauth's options alike).
  auto revocations = open_revocation_log(cfg.store_uri(), feed_retention(cfg.keys.max_token_ttl));
  if (!revocations) return std::unexpected(std::move(revocations.error()));
  Services s;
  s.revocations = std::move(*revocations);
  s.store = std::move(*store);
  auto sessions = SessionManager::create(s.store->sessions(), cfg.session);
  if (!sessions) return std::unexpected(std::move(sessions.error()));
  s.sessions = std::make_unique<SessionManager>(std::move(*sessions));
  AuthOptions ao = cfg.auth;
  ao.device_cookies = std::move(device_cookies);
  ao.revocations = s.revocations.get();
  auto auth = AuthService::create(*s.sessions, *s.store, std::move(ao));
  if (!auth) return std::unexpected(std::move(auth.error()));
  s.auth = std::make_unique<AuthService>(std::move(*auth));
  return s;
}

Result<void> open_oauth(Services& s, const ServerConfig& cfg, KeySet signing_keys, SecretBytes server_key,
                        std::string issuer, const Clock* clock, OAuthObserver observer,
                        std::unique_ptr<KeySetFetcher> key_set_fetcher) {
  auto store = open_oauth_store(cfg.store_uri());
  if (!store) return std::unexpected(std::move(store.error()));
  OAuthOptions options;
  options.issuer = std::move(issuer);
  options.key_set_fetcher = key_set_fetcher.get();
  // DPoP is always on: the replay cache lives in the same store, shared by every instance;
  // nonces (if configured) come from the OAuth key every instance shares.
  auto replay = open_dpop_replay_cache(cfg.store_uri());
  if (!replay) return std::unexpected(std::move(replay.error()));
  options.dpop_replay = std::move(*replay);
  if (cfg.dpop_nonce) {
    auto nonces = DpopNonces::derive(server_key);
    if (!nonces) return std::unexpected(std::move(nonces.error()));
    options.dpop_nonces = std::make_shared<const DpopNonces>(std::move(*nonces));
  }
  options.max_token_ttl = cfg.keys.max_token_ttl;
  options.revocations = s.revocations.get();
  auto server = AuthorizationServer::create(**store, s.store->users(), std::move(signing_keys), std::move(server_key),
                                            std::move(options), clock, std::move(observer));
  if (!server) return std::unexpected(std::move(server.error()));
  s.oauth_store = std::move(*store);
  s.key_set_fetcher = std::move(key_set_fetcher);
  s.oauth = std::make_unique<AuthorizationServer>(std::move(*server));
  return {};
}

Result<std::unique_ptr<KeySetFetcher>> make_key_set_fetcher(const ServerConfig& cfg) {
  auto f = HttpsKeySetFetcher::create(cfg.oauth_ca_file);
  if (!f) return std::unexpected(std::move(f.error()));
  return std::unique_ptr<KeySetFetcher>(std::move(*f));
}

}  // namespace tessera::server
