// prepare_upstream_request / prepare_client_response (gateway/forwarding.hpp).
#include "gateway/forwarding.hpp"

#include <array>
#include <string>
#include <vector>

#include <boost/beast/core/string.hpp>

namespace tessera::gateway {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

constexpr std::array<std::string_view, 9> kHopByHop = {"Connection", "Keep-Alive",        "Proxy-Connection",
                                                       "Proxy-Authenticate", "Proxy-Authorization", "TE",
                                                       "Trailer",    "Transfer-Encoding", "Upgrade"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Every field whose name is in names (any case) or is named by a Connection field, then the
// fixed hop-by-hop list.
template <class Fields>
void drop_hop_by_hop(Fields& fields) {
  std::vector<std::string> named;
  for (auto it = fields.find(http::field::connection); it != fields.end() && it->name() == http::field::connection;
       ++it) {
    std::string_view v = it->value();
    while (!v.empty()) {
      const auto comma = v.find(',');
      const std::string_view token = trim(v.substr(0, comma));
      if (!token.empty()) named.emplace_back(token);
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  for (const auto& n : named) fields.erase(n);
  for (std::string_view n : kHopByHop) fields.erase(n);
}

// Appends value to a comma-separated list field (all its fields joined into one).
template <class Fields>
void append_list(Fields& fields, std::string_view name, std::string_view value) {
  std::string v;
  for (auto [it, end] = fields.equal_range(name); it != end; ++it) {
    v += it->value();
    v += ", ";
  }
  v += value;
  fields.erase(name);
  fields.set(name, v);
}

std::string joined_scopes(const Principal& p) {
  std::string s;
  for (const auto& scope : p.scopes) {
    if (!s.empty()) s += ' ';
    s += scope;
  }
  return s;
}

}  // namespace

bool is_tessera_field(std::string_view name) noexcept {
  constexpr std::string_view kPrefix = "x-tessera-";
  return name.size() >= kPrefix.size() && beast::iequals(name.substr(0, kPrefix.size()), kPrefix);
}

void prepare_upstream_request(server::Request& req, const Principal& principal, const ForwardInfo& info) {
  drop_hop_by_hop(req);
  req.erase(http::field::authorization);
  req.erase("DPoP");
  std::vector<std::string> tessera;
  for (const auto& f : req)
    if (is_tessera_field(f.name_string())) tessera.emplace_back(f.name_string());
  for (const auto& n : tessera) req.erase(n);
  req.set("X-Tessera-Subject", principal.subject);
  req.set("X-Tessera-Client", principal.client_id);
  req.set("X-Tessera-Scope", joined_scopes(principal));
  req.set("X-Tessera-Request-Id", info.request_id);
  append_list(req, "X-Forwarded-For", info.peer_ip);
  append_list(req, "X-Forwarded-Proto", info.tls ? "https" : "http");
  if (!info.base_path.empty()) {
    std::string target(info.base_path);
    target += req.target();
    req.target(target);
  }
  req.version(11);
  req.keep_alive(true);
  req.prepare_payload();
}

void prepare_client_response(server::Response& res) { drop_hop_by_hop(res); }

}  // namespace tessera::gateway
