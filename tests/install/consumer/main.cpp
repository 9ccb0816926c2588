// Uses the installed libtessera only through <tessera/...> and tessera::tessera: generates an
// Ed25519 key, signs a JWT with it, verifies the token, checks that a tampered one fails, and
// opens a SQLite session store at argv[1] (so the store code, SQLite and hiredis are linked in).
// Prints "consumer: ok" and exits 0 on success.   usage: consumer DB_PATH
#include <cstdio>
#include <string>
#include <type_traits>
#include <utility>

#include "tessera/jwt.hpp"
#include "tessera/keys.hpp"
#include "tessera/session_store.hpp"
#include "tessera/validator.hpp"

namespace {

int fail(const char* step, const tessera::Error& e) {
  std::fprintf(stderr, "consumer: %s: %.*s: %s\n", step, static_cast<int>(e.name().size()), e.name().data(),
               e.message.c_str());
  return 1;
}

// build() gives a JwtVerifier (or, should it become fallible, a Result of one).
template <class Built>
const tessera::JwtVerifier* as_verifier(const Built& built) {
  if constexpr (std::is_same_v<Built, tessera::JwtVerifier>) {
    return &built;
  } else {
    if (!built) {
      fail("verifier", built.error());
      return nullptr;
    }
    return &*built;
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tessera;
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer DB_PATH\n");
    return 2;
  }
  auto key = Key::generate(KeySpec::ed25519, "k1");
  if (!key) return fail("generate", key.error());
  KeySet keys;
  if (auto added = keys.add(std::move(*key)); !added) return fail("add", added.error());

  auto token = JwtBuilder().issuer("https://issuer.example").subject("alice").expires_in(300).sign(keys);
  if (!token) return fail("sign", token.error());

  auto validator = ClaimsValidator::Builder().expect_issuer("https://issuer.example").ignore_audience().build();
  if (!validator) return fail("validator", validator.error());
  auto built = JwtVerifier::Builder(keys, *validator).allow_algorithms({Algorithm::EdDSA}).build();
  const JwtVerifier* verifier = as_verifier(built);
  if (!verifier) return 1;

  auto verified = verifier->verify(*token);
  if (!verified) return fail("verify", verified.error());
  if (verified->claims().subject() != std::string_view("alice") || verified->key_id() != "k1") {
    std::fprintf(stderr, "consumer: verified token has the wrong subject or kid\n");
    return 1;
  }
  std::string tampered = *token;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  if (verifier->verify(tampered)) {
    std::fprintf(stderr, "consumer: a tampered token verified\n");
    return 1;
  }
  auto store = open_session_store(std::string("sqlite:") + argv[1]);
  if (!store) return fail("open_session_store", store.error());
  std::printf("consumer: ok (%zu-byte EdDSA JWT signed and verified, SQLite session store opened)\n", token->size());
  return 0;
}
