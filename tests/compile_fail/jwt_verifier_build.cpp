// JwtVerifier::Builder::build() can fail (an empty key set), so it returns a Result that must be
// looked at: using it as a JwtVerifier directly does not compile.
// EXPECT: conversion from .*Result.*JwtVerifier|no member named .*verify|has no member named .verify
#include "tessera/jwt.hpp"

void misuse(tessera::KeySet keys, tessera::ClaimsValidator validator) {
#ifdef TESSERA_CONTROL
  auto verifier = tessera::JwtVerifier::Builder(std::move(keys), std::move(validator)).build();
  if (verifier) (void)verifier->verify("a.b.c");  // only whether it compiles matters
#else
  (void)tessera::JwtVerifier::Builder(std::move(keys), std::move(validator)).build().verify("a.b.c");
#endif
}
