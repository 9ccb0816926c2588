// Reading an OAuth request (server/oauth_request.hpp).
#include "server/oauth_request.hpp"

#include <array>
#include <cstdint>

#include <boost/url/parse_query.hpp>
#include <boost/url/pct_string_view.hpp>

namespace tessera::server {
namespace {

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// "Scheme rest": the rest after the scheme and its spaces, when the scheme is `scheme`.
std::optional<std::string_view> after_scheme(std::optional<std::string_view> header, std::string_view scheme) {
  if (!header) return std::nullopt;
  std::string_view h = *header;
  const auto space = h.find(' ');
  if (space == std::string_view::npos) {  // "Basic" alone: the scheme without credentials
    if (iequals_ascii(h, scheme)) return std::string_view();
    return std::nullopt;
  }
  if (!iequals_ascii(h.substr(0, space), scheme)) return std::nullopt;
  h.remove_prefix(space);
  while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
  while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.remove_suffix(1);
  return h;
}

// Strict RFC 4648 §4 base64: the standard alphabet, padded to a multiple of 4, no whitespace,
// and the unused bits of the last group zero (so that each byte string has one encoding).
std::optional<std::string> base64_decode(std::string_view in) {
  static constexpr auto kTable = [] {
    std::array<std::int8_t, 256> t{};
    t.fill(-1);
    constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < alphabet.size(); ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    return t;
  }();
  if (in.empty() || in.size() % 4 != 0) return std::nullopt;
  std::size_t pad = 0;
  if (in.ends_with("==")) pad = 2;
  else if (in.ends_with('=')) pad = 1;
  const std::string_view body = in.substr(0, in.size() - pad);
  std::string out;
  out.reserve(body.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : body) {
    const std::int8_t v = kTable[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;  // non-canonical trailing bits
  return out;
}

// Percent-decoding with '+' as a space; nullopt for a bad escape.
std::optional<std::string> form_decode(std::string_view s) {
  const std::string copy(s);  // NUL-terminated, as for parse_query below
  auto pct = boost::urls::make_pct_string_view(copy);
  if (!pct) return std::nullopt;
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  return pct->decode(opts);
}

}  // namespace

std::optional<FormParams> parse_form_params(std::string_view text) {
  FormParams out;
  if (text.empty()) return out;
  // Only printable ASCII is valid in a query or form (everything else is percent-encoded); this
  // also keeps a raw NUL from ending the text early for parse_query below.
  for (unsigned char c : text)
    if (c < 0x21 || c > 0x7e) return std::nullopt;
  // Boost.URL 1.81's parse_query reads its input up to a NUL (request_body.cpp): a terminated copy.
  const std::string copy(text);
  auto params = boost::urls::parse_query(copy);
  if (!params) return std::nullopt;
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  for (auto p : *params) {
    std::string key = p.key.decode(opts);
    std::string value = p.has_value ? p.value.decode(opts) : std::string();
    if (key.empty() && value.empty()) continue;  // "a=1&&b=2", a trailing '&'
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

BasicCredentials parse_basic_credentials(std::optional<std::string_view> header) {
  BasicCredentials c;
  const auto rest = after_scheme(header, "Basic");
  if (!rest) return c;
  c.present = true;
  c.malformed = true;
  const auto decoded = base64_decode(*rest);
  if (!decoded) return c;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos || colon == 0) return c;
  auto id = form_decode(std::string_view(*decoded).substr(0, colon));
  auto secret = form_decode(std::string_view(*decoded).substr(colon + 1));
  if (!id || !secret || id->empty()) return c;
  c.malformed = false;
  c.id = std::move(*id);
  c.secret = std::move(*secret);
  return c;
}

bool has_scheme(std::optional<std::string_view> header, std::string_view scheme) {
  return after_scheme(header, scheme).has_value();
}

std::optional<std::string> parse_bearer_token(std::optional<std::string_view> header) {
  return parse_token(header, "Bearer");
}

std::optional<std::string> parse_token(std::optional<std::string_view> header, std::string_view scheme) {
  const auto rest = after_scheme(header, scheme);
  if (!rest || rest->empty()) return std::nullopt;
  // token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
  std::size_t i = 0;
  const std::string_view t = *rest;
  auto token_char = [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
           ch == '.' || ch == '_' || ch == '~' || ch == '+' || ch == '/';
  };
  while (i < t.size() && token_char(t[i])) ++i;
  if (i == 0) return std::nullopt;
  while (i < t.size() && t[i] == '=') ++i;
  if (i != t.size()) return std::nullopt;
  return std::string(t);
}

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace tessera::server
