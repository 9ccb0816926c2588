// open_services (services.hpp).
#include "server/services.hpp"

#include <utility>

namespace tessera::server {

Result<Services> open_services(const ServerConfig& cfg, std::shared_ptr<const DeviceCookies> device_cookies) {
  auto store = open_account_store(cfg.store_uri());
  if (!store) return std::unexpected(std::move(store.error()));
  Services s;
  s.store = std::move(*store);
  auto sessions = SessionManager::create(s.store->sessions(), cfg.session);
  if (!sessions) return std::unexpected(std::move(sessions.error()));
  s.sessions = std::make_unique<SessionManager>(std::move(*sessions));
  AuthOptions ao = cfg.auth;
  ao.device_cookies = std::move(device_cookies);
  auto auth = AuthService::create(*s.sessions, *s.store, std::move(ao));
  if (!auth) return std::unexpected(std::move(auth.error()));
  s.auth = std::make_unique<AuthService>(std::move(*auth));
  return s;
}

}  // namespace tessera::server
