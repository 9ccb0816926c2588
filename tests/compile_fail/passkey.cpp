// The passkey that key constructors take can be made only inside src/.
// EXPECT: private within this context|is private
#include "tessera/keys.hpp"

void misuse() {
#ifdef TESSERA_CONTROL
  auto key = tessera::Key::generate(tessera::KeySpec::hs256);
  (void)key;  // only whether it compiles matters
#else
  tessera::Key key{tessera::Passkey{}, nullptr};
  (void)key;
#endif
}
