// Reading a request of `tessera serve`: headers, the media type, the named body fields, a query
// parameter, the client (address after --trust-proxy, user agent), a cookie and the same-origin
// headers.
// Thread safety: plain functions over the request they are given.
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http.hpp"
#include "server/router.hpp"
#include "tessera/session_store.hpp"

namespace tessera::server {

// The value of a header (the first, if repeated), if present.
std::optional<std::string_view> header(const Request& msg, http::field f);
std::optional<std::string_view> header(const Request& msg, std::string_view name);

// The media type of a Content-Type value, lower-case, parameters dropped.
std::string media_type(std::string_view content_type);

// The named string members of the body, in the order of `names` (JSON; a form too when
// allow_form; server/request_body.hpp), or the response to send: 415 unsupported_media_type or
// 400 malformed with the reason.
std::expected<std::vector<std::string>, Response> read_fields(Exchange& x, const std::vector<std::string_view>& names,
                                                              bool allow_form, std::size_t max_body_bytes);

// The decoded value of the query parameter name in the request target ("+" as a space); nullopt
// when it is absent, given more than once, or the target is not a valid origin-form.
std::optional<std::string> query_param(const Request& msg, std::string_view name);

// The client as the server keys it: the peer address, or with trust_proxy the last
// X-Forwarded-For entry when it is an IP address (normalised, server/client_ip.hpp); the
// User-Agent cut to 256 bytes.
ClientInfo client_info(const Incoming& in, bool trust_proxy);

// The value of the cookie called name in the request's Cookie header(s), if any. A header that
// cannot be parsed counts as no cookie at all.
std::optional<std::string> request_cookie(const Request& msg, std::string_view name);

// Whether the same-origin headers (Sec-Fetch-Site, Origin) allow the request, when the client
// sent them (tessera/cookie.hpp same_origin_request). The allowed origin is public_origin, or
// when empty http:// and https:// with the request's Host.
bool same_origin(const Request& msg, std::string_view public_origin);

}  // namespace tessera::server
