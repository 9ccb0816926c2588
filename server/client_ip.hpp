// Client IP addresses as the server keys them (login throttle counters, session records, logs):
// one spelling per address, whichever way it reached us.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tessera::server {

// The canonical text of an IP address literal, or nullopt when text is not one:
//   IPv4-mapped IPv6 (::ffff:127.0.0.1, ::FFFF:7f00:1)  -> 127.0.0.1
//   a zone id (fe80::1%eth0, fe80::1%25eth0)             -> dropped: fe80::1
//   IPv6                                                -> RFC 5952 text: lower case, leading
//                                                          zeros dropped, the longest run of
//                                                          two or more zero groups as "::"
//   IPv4                                                -> dotted decimal (inet_pton's strict
//                                                          form: no leading zeros, no shorthand)
// Applied to the TCP peer address and to the X-Forwarded-For entry the server trusts.
std::optional<std::string> normalize_ip(std::string_view text);

}  // namespace tessera::server
