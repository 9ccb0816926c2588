// A SessionManager comes only from SessionManager::create(), which validates the options once.
// EXPECT: private within this context|is private|no matching function for call to .*SessionManager::SessionManager
#include "tessera/session.hpp"

void misuse(tessera::SessionStore& store) {
#ifdef TESSERA_CONTROL
  auto manager = tessera::SessionManager::create(store, tessera::SessionOptions{});
  (void)manager;  // only whether it compiles matters
#else
  tessera::SessionManager manager(store, tessera::SessionOptions{});
  (void)manager;
#endif
}
