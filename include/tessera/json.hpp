// Strict JSON parsing for untrusted input (tokens, keys, footers) on top of Boost.JSON:
// bounded size and depth, duplicate member names rejected, UTF-8 validated.
// Plus small typed accessors that turn wrong types into Errc::wrong_type.
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "tessera/error.hpp"

namespace tessera::codec {

struct JsonLimits {
  std::size_t max_bytes = 64 * 1024;
  std::size_t max_depth = 16;  // nesting of arrays/objects; the top-level object is depth 1
};

// Parses text into a value. Errors: malformed, token_too_large (over max_bytes),
// json_too_deep, duplicate_member.
Result<boost::json::value> parse_json(std::string_view text, const JsonLimits& limits = {},
                                      boost::json::storage_ptr sp = {});
// As parse_json, and the top level must be an object (else wrong_type).
Result<boost::json::object> parse_json_object(std::string_view text,
                                              const JsonLimits& limits = {},
                                              boost::json::storage_ptr sp = {});

// Typed member access: nullopt if absent, wrong_type if present with another type.
Result<std::optional<std::string_view>> get_string(const boost::json::object& o,
                                                   std::string_view name);
// Integer seconds (a JSON integer, or a JSON number with no fraction within int64).
Result<std::optional<std::int64_t>> get_int(const boost::json::object& o, std::string_view name);
// The same conversion for a value in hand; name is for the error message.
Result<std::int64_t> numeric_date(const boost::json::value& v, std::string_view name);

std::string to_json(const boost::json::value& v);

}  // namespace tessera::codec
