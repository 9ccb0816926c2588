// PASETO keys come only from their factories: the handle constructors are not public.
// EXPECT: no matching function for call to .*LocalKey|no matching constructor
#include "tessera/paseto.hpp"

void misuse() {
#ifdef TESSERA_CONTROL
  auto key = tessera::paseto::LocalKey::generate(tessera::paseto::Version::v4);
  (void)key;  // only whether it compiles matters
#else
  tessera::paseto::LocalKey key{nullptr};
  (void)key;
#endif
}
