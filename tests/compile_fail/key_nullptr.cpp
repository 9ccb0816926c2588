// Public key handles come only from factories: Key{nullptr} does not compile outside src/.
// EXPECT: no matching function for call to .*Key|no matching constructor
#include "tessera/keys.hpp"

void misuse() {
#ifdef TESSERA_CONTROL
  auto key = tessera::Key::generate(tessera::KeySpec::hs256);
  (void)key;  // only whether it compiles matters
#else
  tessera::Key key{nullptr};
  (void)key;
#endif
}
