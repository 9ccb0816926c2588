// Request helpers (server/request.hpp).
#include "server/request.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include <boost/url/parse.hpp>

#include "server/client_ip.hpp"
#include "server/request_body.hpp"
#include "server/response.hpp"
#include "tessera/cookie.hpp"

namespace tessera::server {
namespace {

constexpr std::size_t kMaxUserAgent = 256;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string_view> header(const Request& msg, http::field f) {
  auto it = msg.find(f);
  if (it == msg.end()) return std::nullopt;
  return it->value();
}

std::optional<std::string_view> header(const Request& msg, std::string_view name) {
  auto it = msg.find(name);
  if (it == msg.end()) return std::nullopt;
  return it->value();
}

std::string media_type(std::string_view content_type) {
  return lower(trim(content_type.substr(0, content_type.find(';'))));
}

std::expected<std::vector<std::string>, Response> read_fields(Exchange& x, const std::vector<std::string_view>& names,
                                                              bool allow_form, std::size_t max_body_bytes) {
  const auto& msg = x.in.msg;
  const auto ct = header(msg, http::field::content_type);
  const std::string type = ct ? media_type(*ct) : std::string();
  auto fields = parse_body_fields(type, msg.body(), names, allow_form, max_body_bytes);
  if (fields) return std::move(*fields);
  if (fields.error().unsupported_media_type)
    return std::unexpected(error_response(x, "unsupported_media_type", fields.error().why));
  return std::unexpected(error_response(x, "malformed", fields.error().why));
}

std::optional<std::string> query_param(const Request& msg, std::string_view name) {
  // parse_origin_form needs a NUL-terminated input (see request_body.cpp).
  const std::string target(msg.target());
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  std::optional<std::string> out;
  for (auto p : url->encoded_params()) {
    if (p.key.decode(opts) != name) continue;
    if (out) return std::nullopt;
    out = p.has_value ? p.value.decode(opts) : std::string();
  }
  return out;
}

ClientInfo client_info(const Incoming& in, bool trust_proxy) {
  ClientInfo c;
  c.ip = in.peer_ip;
  if (trust_proxy) {
    // The last X-Forwarded-For entry: the address the trusted proxy saw.
    std::string_view last;
    for (auto it = in.msg.begin(); it != in.msg.end(); ++it)
      if (beast::iequals(it->name_string(), "X-Forwarded-For")) last = it->value();
    if (const auto comma = last.rfind(','); comma != std::string_view::npos) last = last.substr(comma + 1);
    if (auto ip = normalize_ip(trim(last))) c.ip = std::move(*ip);
  }
  if (auto ua = header(in.msg, http::field::user_agent)) c.user_agent = std::string(ua->substr(0, kMaxUserAgent));
  return c;
}

std::optional<std::string> request_cookie(const Request& msg, std::string_view name) {
  std::string cookie_header;
  for (auto it = msg.begin(); it != msg.end(); ++it) {
    if (it->name() != http::field::cookie) continue;
    if (!cookie_header.empty()) cookie_header += "; ";
    cookie_header += it->value();
  }
  if (cookie_header.empty()) return std::nullopt;
  auto cookies = parse_cookie_header(cookie_header);
  if (!cookies) return std::nullopt;
  return find_cookie(*cookies, name);
}

bool same_origin(const Request& msg, std::string_view public_origin) {
  std::vector<std::string> allowed;
  if (!public_origin.empty()) {
    allowed.emplace_back(public_origin);
  } else if (auto host = header(msg, http::field::host)) {
    allowed.push_back("http://" + std::string(*host));
    allowed.push_back("https://" + std::string(*host));
  }
  return same_origin_request(header(msg, "Sec-Fetch-Site"), header(msg, http::field::origin), allowed, true);
}

}  // namespace tessera::server
