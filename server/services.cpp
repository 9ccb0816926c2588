// open_services (services.hpp).
#include "server/services.hpp"

#include <utility>

namespace tessera::server {

Result<Services> open_services(const ServerConfig& cfg, std::shared_ptr<const DeviceCookies> device_cookies) {
  auto store = open_account_store(cfg.store_uri());
  if (!store) return std::unexpected(std::move(store.error()));
  Services s;
  s.store = std::move(*store);
  s.sessions = std::make_unique<SessionManager>(s.store->sessions(), cfg.session);
  AuthOptions ao = cfg.auth;
  ao.device_cookies = std::move(device_cookies);
  s.auth = std::make_unique<AuthService>(*s.sessions, *s.store, std::move(ao));
  return s;
}

}  // namespace tessera::server
