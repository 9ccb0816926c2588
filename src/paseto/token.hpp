// Private to src/paseto: the token layout shared by all versions (header check, strict
// splitting and base64url decoding, assembly) and the per-version operations that token.cpp
// dispatches to (v4.cpp, v3.cpp, v2.cpp).
// Thread safety: pure functions over immutable keys.
#pragma once

#include <array>
#include <initializer_list>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "crypto/crypto.hpp"
#include "paseto/key_data.hpp"
#include "tessera/paseto.hpp"

namespace tessera::paseto::detail {

// LE64 of the PAE encoding (top bit cleared), for callers that stream PAE into a MAC.
void pae_le64(std::uint64_t n, std::array<std::uint8_t, 8>& out) noexcept;

// A token whose header matched the expected version and purpose, with its parts decoded.
struct ParsedToken {
  std::string header;  // e.g. "v4.local."
  std::string body;    // decoded payload part (nonce || ciphertext || tag, or message || signature)
  std::string footer;  // decoded footer, empty when absent
};

// Checks the size limit (token_too_large, before any decoding), the layout
// "vN.purpose.payload[.footer]" (malformed), that the header is for (v, p) (wrong_key_type when
// it names another known version or purpose; malformed when unknown), strict base64url, and that
// the body holds at least min_body bytes (malformed).
Result<ParsedToken> parse_token(std::string_view token, Version v, Purpose p, std::size_t max_token_bytes,
                                std::size_t min_body);

// header || b64(body) [ || "." || b64(footer) ]
std::string build_token(std::string_view header, crypto::ByteView body, std::string_view footer);
// The same with the body given as consecutive parts (nonce, ciphertext, tag / message, signature).
std::string build_token(std::string_view header, std::initializer_list<crypto::ByteView> body_parts,
                        std::string_view footer);

// A fixed-size buffer for derived keys, wiped on destruction.
template <std::size_t N>
using WipedArray = crypto::Wiped<std::array<std::uint8_t, N>>;


// ---- per-version operations (keys already checked for version and kind) --------------------
// nonce: v4/v3 the 32-byte nonce; v2 the 24-byte random input to the BLAKE2b nonce derivation.
Result<std::string> v4_encrypt(const KeyData& k, std::string_view m, std::string_view f, std::string_view i,
                               crypto::ByteView nonce);
Result<std::string> v4_decrypt(const KeyData& k, const ParsedToken& t, std::string_view i);
Result<std::string> v4_sign(const KeyData& k, std::string_view m, std::string_view f, std::string_view i);
Result<std::string> v4_verify(const KeyData& k, const ParsedToken& t, std::string_view i);

Result<std::string> v3_encrypt(const KeyData& k, std::string_view m, std::string_view f, std::string_view i,
                               crypto::ByteView nonce);
Result<std::string> v3_decrypt(const KeyData& k, const ParsedToken& t, std::string_view i);
Result<std::string> v3_sign(const KeyData& k, std::string_view m, std::string_view f, std::string_view i);
Result<std::string> v3_verify(const KeyData& k, const ParsedToken& t, std::string_view i);

// v2 has no implicit assertion (token.cpp refuses a non-empty one before calling these).
Result<std::string> v2_encrypt(const KeyData& k, std::string_view m, std::string_view f, crypto::ByteView nonce);
Result<std::string> v2_decrypt(const KeyData& k, const ParsedToken& t);
Result<std::string> v2_sign(const KeyData& k, std::string_view m, std::string_view f);
Result<std::string> v2_verify(const KeyData& k, const ParsedToken& t);

// Body sizes: nonce and tag/signature lengths.
inline constexpr std::size_t kV4LocalOverhead = 32 + 32;
inline constexpr std::size_t kV3LocalOverhead = 32 + 48;
inline constexpr std::size_t kV2LocalOverhead = 24 + 16;
inline constexpr std::size_t kEd25519SigBytes = 64;
inline constexpr std::size_t kV3SigBytes = 96;

}  // namespace tessera::paseto::detail
