// PASETO public and secret keys come only from their factories too.
// EXPECT: no matching function for call to .*(Public|Secret)Key|no matching constructor
#include <memory>

#include "tessera/paseto.hpp"

void misuse() {
#ifdef TESSERA_CONTROL
  auto key = tessera::paseto::SecretKey::generate(tessera::paseto::Version::v4);
  (void)key;  // only whether it compiles matters
#else
  tessera::paseto::PublicKey pk{std::shared_ptr<const tessera::paseto::detail::KeyData>{}};
  tessera::paseto::SecretKey sk{nullptr};
  (void)pk;
  (void)sk;
#endif
}
