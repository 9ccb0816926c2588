// Internal to src/keys: the steps every Key factory shares (key.cpp, jwk.cpp, key_set.cpp).
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "keys/key_impl.hpp"

namespace tessera::keys::detail {

// Completes a Key from its material and JWK parameters (kid, alg / foreign_alg, use,
// key_ops, and exactly one of secret / pkey): checks that alg fits the key, that RSA moduli
// have >= 2048 bits and HMAC secrets are long enough, fills kty, algorithms and the
// permissions, and builds every HMAC / signing / verifying context. With
// kid_from_thumbprint, an empty kid becomes the RFC 7638 thumbprint.
Result<Key> finish(Key::Impl impl, bool kid_from_thumbprint);

// RFC 7638 thumbprint (SHA-256, base64url) of the key material in impl.
Result<std::string> thumbprint(const Key::Impl& impl);

// Adds the key-type members of the JWK (crv/x/y, n/e, k; and the private members when
// include_private and present) to out.
Result<void> add_material_members(const Key::Impl& impl, bool include_private,
                                  boost::json::object& out);

// Overwrites every string in o (recursively) before it is freed; for JSON holding secrets.
void wipe_json(boost::json::object& o) noexcept;

}  // namespace tessera::keys::detail
