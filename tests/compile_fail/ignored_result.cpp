// An ignored Result does not compile (Result is [[nodiscard]]; the build has -Werror=unused-result).
// EXPECT: ignoring returned value of type .*Result.*nodiscard
#include "tessera/keys.hpp"

void misuse() {
#ifdef TESSERA_CONTROL
  (void)tessera::Key::generate(tessera::KeySpec::hs256);  // explicit: safe to ignore here
#else
  tessera::Key::generate(tessera::KeySpec::hs256);
#endif
}
