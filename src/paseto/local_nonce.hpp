// Private to libtessera (used by the vector tests): vN.local encryption with a caller-chosen
// nonce, so the official test vectors can be reproduced byte for byte. Never use it to issue
// tokens: paseto::encrypt draws the nonce from the CSPRNG.
// Thread safety: as paseto::encrypt.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "tessera/paseto.hpp"

namespace tessera::paseto::detail {

// nonce: v4/v3 the 32-byte nonce n; v2 the 24-byte random input that BLAKE2b turns into the
// nonce (what the vectors call "nonce"). Wrong length: invalid_argument.
Result<std::string> encrypt_with_nonce(const LocalKey& key, std::string_view payload, std::string_view footer,
                                       std::string_view implicit, std::span<const std::uint8_t> nonce);

}  // namespace tessera::paseto::detail
