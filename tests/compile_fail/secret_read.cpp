// Reading secret bytes needs an explicit SecretAccess{} (greppable): reveal() without it, or with
// a braced {} that hides the name, does not compile.
// EXPECT: no matching function for call to .*reveal|could not convert|explicit
#include "tessera/secret.hpp"

std::size_t misuse(const tessera::SecretBytes& s) {
#ifdef TESSERA_CONTROL
  return s.reveal(tessera::SecretAccess{}).size();
#else
  return s.reveal({}).size() + s.reveal().size();
#endif
}
