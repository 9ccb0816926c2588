// One table of what the server answers for an error, used by every layer that answers (the
// handlers, the router's 404/405, the transport's refusals in http.cpp): the HTTP status, the
// public code and the fixed public message. Library messages name which check failed; they go
// to the log, never to the client (DESIGN.md: clients are told the code only).
// Thread safety: pure functions over constant data.
#pragma once

#include <ostream>  // before Beast: boost::core::string_view needs it
#include <string_view>

#include <boost/beast/http/status.hpp>

#include "tessera/error.hpp"

namespace tessera::server {

struct PublicError {
  boost::beast::http::status status;
  std::string_view code;     // what the client sees in {"error": ...}
  std::string_view message;  // the fixed text sent with it
};

// The answer for a public code ("not_found", "unauthenticated", "headers_too_large", ...);
// an unknown code is answered as 500 "internal".
PublicError public_error(std::string_view code);

// The answer for a library error: its code as the client may see it (the JSON family of
// errors is "malformed", an account gone under a live session is "invalid_credentials",
// anything the table does not know is 500 "internal").
PublicError public_error(Errc code);

}  // namespace tessera::server
