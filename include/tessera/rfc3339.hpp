// RFC 3339 date-time (the "date-time" production of §5.6) <-> Unix seconds, for PASETO's
// exp/nbf/iat claims. Strict: four-digit year, two-digit fields, 'T' or 't' between date and
// time, a mandatory offset ("Z", "z" or "+hh:mm"/"-hh:mm"; "-00:00" is read as UTC), an
// optional fraction of a second of at least one digit (truncated towards the earlier second).
// Leap seconds (":60") are rejected: Unix time cannot name them, and no issuer needs one.
// Input longer than 64 characters is rejected before it is looked at.
// No locale, no strptime: the calendar arithmetic is std::chrono's civil calendar.
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tessera/error.hpp"

namespace tessera::token {

inline constexpr std::size_t kMaxRfc3339Chars = 64;
// The representable range: 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
inline constexpr std::int64_t kMinRfc3339Seconds = -62'167'219'200;
inline constexpr std::int64_t kMaxRfc3339Seconds = 253'402'300'799;

// Errc::malformed for anything that is not a valid date-time (with the reason in the message).
// An offset may carry the instant just outside the range above (e.g. 0000-01-01T00:00:00+01:00);
// it is still returned, as the exact Unix time it names.
Result<std::int64_t> parse_rfc3339(std::string_view text);

// "YYYY-MM-DDTHH:MM:SS+00:00" (the form of the official PASETO vectors).
// Errc::invalid_argument outside [kMinRfc3339Seconds, kMaxRfc3339Seconds].
Result<std::string> format_rfc3339(std::int64_t unix_seconds);

}  // namespace tessera::token
