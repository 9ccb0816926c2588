// Private to the PASERK sources (paserk_*.cpp): header building and parsing, key sizes and a
// the wiping buffer for temporaries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "crypto/crypto.hpp"
#include "tessera/paserk.hpp"

namespace tessera::paserk::detail {

using crypto::Bytes;
using crypto::ByteView;

// Temporaries that hold key bytes are crypto::Wiped (wiped on every return path).
using crypto::Wiped;

// k2 and k4 use libsodium primitives (BLAKE2b, XChaCha20, X25519); k3 the NIST ones.
inline bool uses_sodium(Version v) noexcept { return v != Version::v3; }

// "k4.local." for (v4, "local"); type may contain a dot ("local-wrap.pie").
std::string header(Version v, std::string_view type);

// Raw key sizes.
constexpr std::size_t kLocalKeyBytes = 32;
std::size_t public_key_size(Version v) noexcept;  // 32 or 49
std::size_t secret_key_size(Version v) noexcept;  // 64 or 48
std::size_t key_size(Version v, KeyType t) noexcept;
std::string_view type_name(KeyType t) noexcept;   // "local" / "public" / "secret"

// The version number and first type segment of a PASERK ("k4.local-wrap.pie.x" -> 4,
// "local-wrap"), with the rest left for open(). Reads only the prefix, so there is no length
// limit here: callers check kMaxPaserkBytes (after the version, so that a long PASERK of
// another version is reported as wrong_key_type).
struct Header {
  int version = 0;
  std::string_view type;  // first segment
  std::string_view rest;  // everything after "kN."
};
Result<Header> parse_header(std::string_view paserk);

// Checks the PASERK's version and full type (e.g. "local-wrap.pie"), then decodes its body.
// token_too_large, malformed, wrong_key_type, unsupported (an unknown wrap protocol).
Result<Bytes> open(std::string_view paserk, Version expected, std::string_view type);

// base64url of the concatenation of parts, appended to out.
void append_b64(std::string& out, std::initializer_list<ByteView> parts);

// Big-endian integers of the password PASERKs.
void put_be(Bytes& out, std::uint64_t value, std::size_t width);
std::uint64_t get_be(ByteView in) noexcept;

}  // namespace tessera::paserk::detail
