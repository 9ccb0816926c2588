// Reading OAuth request parameters (a query string or form body, already decoded): every
// parameter at most once (RFC 6749 §3.1), and a parameter without a value is as if omitted.
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "tessera/authorization_server.hpp"

namespace tessera::oauth {

// invalid_request naming the first parameter that occurs more than once.
Result<void> check_no_repeats(const Params& params);
// How often name occurs (with any value).
std::size_t count_param(const Params& params, std::string_view name);
// The value of name, nullopt if absent or empty. REQUIRES: no repeats (check_no_repeats).
std::optional<std::string_view> param(const Params& params, std::string_view name);

}  // namespace tessera::oauth
