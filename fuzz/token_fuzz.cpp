// Fuzz target for everything that parses untrusted input: JWS/JWT verification, JWK/JWKS/PEM
// key loading, PASETO decrypt/verify, the footer-kid reader, PASERK parsing, device cookies and
// the strict JSON and base64url codecs. The rule under test: bad input gets an error code (or,
// for a device cookie, "untrusted"), never a crash, a hang or undefined behaviour (build with
// sanitizers).
//
// A libFuzzer target (clang 16, scripts/fuzz.sh); seeds come from fuzz/seeds.cpp. See
// docs/fuzzing.md.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "codec/base64url.hpp"
#include "codec/json.hpp"
#include "tessera/device_cookie.hpp"
#include "tessera/jwt.hpp"
#include "tessera/paserk.hpp"
#include "tessera/paseto_claims.hpp"

namespace {
using namespace tessera;

struct Targets {
  KeySet jose;
  paseto::LocalKey local = paseto::LocalKey::generate(paseto::Version::v4).value();
  paseto::SecretKey secret = paseto::SecretKey::generate(paseto::Version::v4).value();
  std::optional<JwtVerifier> jwt;
  std::optional<PasetoVerifier> pv;
  DeviceCookies device = DeviceCookies::create(SecretBytes(std::string(kDeviceKeyBytes, 'k'))).value();

  Targets() {
    (void)jose.add(Key::generate(KeySpec::hs256, "hs").value());
    (void)jose.add(Key::generate(KeySpec::p256, "ec").value());
    (void)jose.add(Key::generate(KeySpec::ed25519, "ed").value());
    auto v = ClaimsValidator::Builder().ignore_issuer().ignore_audience().build().value();
    jwt = JwtVerifier::Builder(jose, v).build().value();
    pv = PasetoVerifier::Builder(v).build();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Targets t;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)t.jwt->verify(in);
  (void)decode_unverified_for_debugging(in);
  (void)load_key_set(in);
  (void)t.pv->decrypt(t.local, in);
  (void)t.pv->verify(t.secret.public_key(), in);
  (void)paseto::footer_kid(in);
  (void)paserk::local_from_paserk(in, paseto::Version::v4);
  (void)paserk::public_from_paserk(in, paseto::Version::v3);
  (void)paserk::unwrap_local(t.local, in);
  (void)t.device.verify(in, "alice", 1'800'000'000);
  (void)codec::parse_json(in);
  (void)codec::base64url_decode(in);
  return 0;
}
