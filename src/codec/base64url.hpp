// Strict base64url (RFC 4648 §5) as JOSE and PASETO use it: no padding, no characters outside
// the URL-safe alphabet, no whitespace, and non-canonical trailing bits rejected.
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/error.hpp"

namespace tessera::codec {

std::string base64url_encode(std::span<const std::uint8_t> data);
std::string base64url_encode(std::string_view data);
// Appends to out (no reallocation if out has the capacity).
void base64url_encode_append(std::span<const std::uint8_t> data, std::string& out);
std::size_t base64url_encoded_size(std::size_t n) noexcept;

// Errc::malformed on any deviation from the canonical unpadded encoding.
Result<std::vector<std::uint8_t>> base64url_decode(std::string_view text);
Result<std::string> base64url_decode_string(std::string_view text);
// Decodes into out (resized); returns false instead of an Error, for hot paths.
bool base64url_decode_into(std::string_view text, std::string& out);

std::string hex_encode(std::span<const std::uint8_t> data);
Result<std::vector<std::uint8_t>> hex_decode(std::string_view text);

}  // namespace tessera::codec
