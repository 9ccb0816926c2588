// A session's CSRF secret is a secret type: it is neither set from nor read as a std::string.
// EXPECT: no match for .*operator=|conversion from .*SecretBytes|could not convert
#include <string>

#include "tessera/session_store.hpp"

void misuse(tessera::SessionRecord& r) {
#ifdef TESSERA_CONTROL
  r.csrf_secret = tessera::SecretBytes(std::string_view("secret"));
#else
  r.csrf_secret = std::string("secret");
  std::string leaked = r.csrf_secret;
  (void)leaked;
#endif
}
