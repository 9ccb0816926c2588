// A VerifiedJws comes only out of JwsVerifier: its constructor is private.
// EXPECT: private within this context|no matching function for call to .*VerifiedJws|could not convert
#include <string>

#include "tessera/jws.hpp"

void misuse(const tessera::JwsVerifier& verifier) {
#ifdef TESSERA_CONTROL
  auto v = verifier.verify("a.b.c");
  (void)v;  // only whether it compiles matters
#else
  tessera::VerifiedJws v{boost::json::object{}, std::string("forged"), std::string("kid"), tessera::Algorithm::HS256};
  (void)v;
#endif
}
