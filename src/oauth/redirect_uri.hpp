// Redirect URIs: what a client may register and how a request's redirect_uri is matched.
//
// Registration (check_redirect_uri): an absolute URI without a fragment, of one of
//  - https://host[:port]/...                     (web clients)
//  - http://127.0.0.1[:port]/... or http://[::1][:port]/...  (native apps, RFC 8252 §7.3;
//    "localhost" is refused, §8.3)
//  - a private-use scheme with a dot, e.g. com.example.app:/cb (native apps, RFC 8252 §7.1)
// Matching (redirect_uri_matches): the exact string; the one exception is an http loopback
// IP literal, where the port may differ (RFC 8252 §7.3). Nothing else is normalised.
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/error.hpp"

namespace tessera::oauth {

// invalid_argument with a message saying what is wrong.
Result<void> check_redirect_uri(std::string_view uri);
bool redirect_uri_matches(std::string_view registered, std::string_view presented);

// uri with the parameters appended to its query (application/x-www-form-urlencoded, '&' when
// it has a query already).
std::string append_query(std::string_view uri, const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace tessera::oauth
