// An ignored Result<void> does not compile either (a failed revoke that nobody looks at).
// EXPECT: ignoring returned value of type .*Result<void>.*nodiscard
#include "tessera/keys.hpp"

void misuse(tessera::KeySet& set, tessera::Key key) {
#ifdef TESSERA_CONTROL
  if (!set.add(std::move(key))) return;
#else
  set.add(std::move(key));
#endif
}
