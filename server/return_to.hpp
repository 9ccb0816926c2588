// Where the login form may send the browser afterwards: only a path on this origin. A return_to
// that a browser could read as another origin ("//evil", "/\evil", "https://evil",
// "javascript:..."), or that holds a backslash, a control character, a space or a non-ASCII
// byte, or is longer than kMaxReturnTo, is refused and the login goes to "/".
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tessera::server {

inline constexpr std::size_t kMaxReturnTo = 2048;

// True when return_to is a same-origin relative path: starts with "/" but not "//" or "/\",
// and holds only printable ASCII other than the backslash.
bool is_local_return_to(std::string_view return_to) noexcept;

// return_to when it is local, else "/".
std::string safe_return_to(std::string_view return_to);

}  // namespace tessera::server
