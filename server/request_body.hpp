// Request body parsing for `tessera serve`: the named string fields of a JSON object or of an
// application/x-www-form-urlencoded form. Pure (no Beast types), so that fuzz/ can drive it.
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::server {

// Why a body was refused: the public detail, and whether the media type (415) rather than the
// content (400 malformed) is at fault.
struct BodyRefusal {
  bool unsupported_media_type = false;
  std::string why;
};

// The fields `names`, in that order. media_type is lower-case without parameters ("" if no
// Content-Type). JSON: an object (strict: size / depth bounds, no duplicate names) whose every
// named member is a non-empty string. Form (only when allow_form): each named field exactly once.
std::expected<std::vector<std::string>, BodyRefusal> parse_body_fields(std::string_view media_type,
                                                                       std::string_view body,
                                                                       const std::vector<std::string_view>& names,
                                                                       bool allow_form, std::size_t max_body_bytes);

}  // namespace tessera::server
