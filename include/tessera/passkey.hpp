// Passkey: a constructor argument that only libtessera's own sources (src/) can make. Public
// handles whose constructor takes one (Key, paseto::LocalKey / PublicKey / SecretKey) therefore
// come only from their factories (generate, from_jwk, from_bytes, ...): `Key{nullptr}` and its
// like do not compile outside src/ (tests/compile_fail/ checks it).
// Thread safety: an empty value.
#pragma once

namespace tessera {

namespace detail {
struct PasskeyFactory;  // defined in src/passkey.hpp only
}

class Passkey {
 private:
  friend struct detail::PasskeyFactory;
  explicit Passkey() = default;
};

}  // namespace tessera
