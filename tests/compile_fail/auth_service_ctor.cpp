// An AuthService comes only from AuthService::create(), which makes the unknown-user dummy hash
// once and fails if it cannot (so that an unknown user's login never gets cheaper).
// EXPECT: private within this context|is private|no matching function for call to .*AuthService::AuthService
#include "tessera/auth_service.hpp"

void misuse(tessera::SessionManager& sessions, tessera::AccountStore& accounts) {
#ifdef TESSERA_CONTROL
  auto service = tessera::AuthService::create(sessions, accounts, tessera::AuthOptions{});
  (void)service;  // only whether it compiles matters
#else
  tessera::AuthService service(sessions, accounts, tessera::AuthOptions{});
  (void)service;
#endif
}
