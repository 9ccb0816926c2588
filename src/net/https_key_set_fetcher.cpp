// The HTTPS KeySetFetcher (tessera/https_key_set_fetcher.hpp).
#include "tessera/https_key_set_fetcher.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

#include <boost/url/parse.hpp>


namespace tessera {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool json_content_type(std::string_view value) {
  auto v = lower(value.substr(0, value.find(';')));
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
  return v == "application/json" || v == "application/jwk-set+json";
}

}  // namespace

std::optional<std::int64_t> cache_control_max_age(std::string_view cache_control) {
  const auto v = lower(cache_control);
  const auto at = v.find("max-age=");
  if (at == std::string::npos || (at > 0 && v[at - 1] != ' ' && v[at - 1] != ',')) return std::nullopt;
  std::string_view digits(v);
  digits.remove_prefix(at + 8);
  if (!digits.empty() && digits.front() == '"') digits.remove_prefix(1);
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || n < 0) return std::nullopt;
  return n;
}

Result<std::unique_ptr<HttpsKeySetFetcher>> HttpsKeySetFetcher::create(std::string ca_file,
                                                                       std::chrono::milliseconds timeout,
                                                                       bool allow_loopback_http) {
  auto client = HttpClient::create({.ca_file = std::move(ca_file), .timeout = timeout, .max_body_bytes = kMaxRemoteKeySetBytes});
  if (!client) return std::unexpected(std::move(client.error()));
  return std::make_unique<HttpsKeySetFetcher>(std::shared_ptr<HttpClient>(std::move(*client)), timeout, allow_loopback_http);
}

HttpsKeySetFetcher::HttpsKeySetFetcher(std::shared_ptr<HttpClient> client, std::chrono::milliseconds timeout,
                                       bool allow_loopback_http)
    : client_(std::move(client)), timeout_(timeout), allow_loopback_http_(allow_loopback_http) {}

Result<FetchedKeySet> HttpsKeySetFetcher::fetch(std::string_view https_url) {
  const auto bad = [&](std::string why) { return fail(Errc::invalid_argument, "jwks_uri " + std::string(https_url) + ": " + why); };
  auto u = boost::urls::parse_absolute_uri(https_url);
  if (!u) return bad("not an absolute URI");
  if (u->scheme_id() != boost::urls::scheme::https && !(allow_loopback_http_ && secure_or_loopback_url(https_url)))
    return bad("not https");
  const std::string where = "jwks_uri " + std::string(u->encoded_host_and_port());
  auto res = client_->send({.method = "GET", .url = std::string(https_url),
                            .headers = {{"Accept", "application/jwk-set+json, application/json"}}, .body = {}},
                           timeout_, kMaxRemoteKeySetBytes);
  if (!res) {
    if (res.error().code == Errc::invalid_argument) return std::unexpected(std::move(res.error()));
    return fail(Errc::io_error, "jwks_uri " + res.error().message);
  }
  if (res->status != 200)
    return fail(Errc::io_error, where + ": status " + std::to_string(res->status) +
                                    " (only 200 is accepted; redirects are not followed)");
  if (!json_content_type(res->header("Content-Type"))) return fail(Errc::io_error, where + ": Content-Type is not JSON");
  return FetchedKeySet{std::move(res->body), cache_control_max_age(res->header("Cache-Control"))};
}

}  // namespace tessera
