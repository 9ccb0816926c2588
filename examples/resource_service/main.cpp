// resource_service: a tiny HTTP API (Boost.Beast) whose routes are protected by libtessera's
// Authenticator (README.md). Routes:
//   GET /health   no token needed
//   GET /hello    any valid access token: "hello SUBJECT (client CLIENT)"
//   GET /orders   a token with scope orders:read (else 403 insufficient_scope)
// Usage: resource_service --listen 127.0.0.1:9000 --issuer URL --audience AUD [--ca-file PEM]
// The issuer's keys come from its JWKS, found by discovery and cached (RemoteKeySet: refetched on
// an unknown kid, so key rotation needs nothing here). One request at a time: an example, not a
// production server.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <tessera/authenticator.hpp>
#include <tessera/http_client.hpp>
#include <tessera/issuer_discovery.hpp>
#include <tessera/remote_key_set.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Args {
  std::string listen = "127.0.0.1:9000", issuer, audience, ca_file;
};

[[noreturn]] void die(const std::string& what, const tessera::Error& e) {
  std::fprintf(stderr, "resource_service: %s: %s\n", what.c_str(), e.message.c_str());
  std::exit(2);
}

http::response<http::string_body> reply(http::status status, std::string body) {
  http::response<http::string_body> res{status, 11};
  res.set(http::field::content_type, "text/plain");
  res.body() = std::move(body) + "\n";
  return res;
}

// The whole protection: authenticate, then the route's scopes.
http::response<http::string_body> handle(const tessera::Authenticator& auth, const std::string& base,
                                         const http::request<http::string_body>& req) {
  const std::string path(req.target().substr(0, req.target().find('?')));
  if (path == "/health") return reply(http::status::ok, "ok");
  if (path != "/hello" && path != "/orders") return reply(http::status::not_found, "not found");

  std::vector<std::pair<std::string_view, std::string_view>> headers;
  for (const auto& h : req) headers.emplace_back(h.name_string(), h.value());
  const std::string url = base + std::string(req.target());
  auto who = auth.authenticate({std::string_view(req.method_string()), url, headers});
  if (!who) {
    std::fprintf(stderr, "refused %s: %s\n", path.c_str(), std::string(who.error().error.name()).c_str());
    auto res = reply(static_cast<http::status>(who.error().status), "unauthorized");
    res.set(http::field::www_authenticate, who.error().www_authenticate);
    return res;
  }
  if (path == "/orders") {
    const std::vector<std::string> need{"orders:read"};
    if (auto ok = auth.require_scopes(*who, need); !ok) {
      auto res = reply(static_cast<http::status>(ok.error().status), "forbidden");
      res.set(http::field::www_authenticate, ok.error().www_authenticate);
      return res;
    }
    return reply(http::status::ok, "orders of " + who->subject);
  }
  return reply(http::status::ok, "hello " + who->subject + " (client " + who->client_id + ")");
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--listen") a.listen = v;
    else if (k == "--issuer") a.issuer = v;
    else if (k == "--audience") a.audience = v;
    else if (k == "--ca-file") a.ca_file = v;
  }
  // Where the issuer's keys are (OpenID metadata, exact issuer), then its JWKS, cached.
  tessera::HttpClientOptions http_options;
  http_options.ca_file = a.ca_file;
  auto http = tessera::HttpClient::create(http_options);
  if (!http) die("--ca-file", http.error());
  auto issuer = tessera::discover_issuer(a.issuer, **http);
  if (!issuer) die("discovery of " + a.issuer, issuer.error());
  tessera::RemoteKeySetOptions key_options;
  key_options.jwks_uri = issuer->jwks_uri;
  key_options.ca_file = a.ca_file;
  auto keys = tessera::RemoteKeySet::create(key_options);
  if (!keys) die("jwks_uri", keys.error());
  if (auto ok = (*keys)->prefetch(); !ok) die("fetching " + issuer->jwks_uri, ok.error());

  tessera::AuthenticatorOptions o;
  o.issuer = a.issuer;
  o.audiences = {a.audience};
  o.keys = *keys;
  auto auth = tessera::Authenticator::create(std::move(o));
  if (!auth) die("authenticator", auth.error());

  asio::io_context io;
  const auto colon = a.listen.rfind(':');
  tcp::acceptor acceptor(io, {asio::ip::make_address(a.listen.substr(0, colon)),
                              static_cast<unsigned short>(std::stoi(a.listen.substr(colon + 1)))});
  const std::string base = "http://" + a.listen;
  std::printf("resource_service: listening on %s\n", base.c_str());
  std::fflush(stdout);
  for (;;) {
    tcp::socket socket = acceptor.accept();
    beast::flat_buffer buffer;
    beast::error_code ec;
    for (;;) {
      http::request<http::string_body> req;
      http::read(socket, buffer, req, ec);
      if (ec) break;
      auto res = handle(*auth, base, req);
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      http::write(socket, res, ec);
      if (ec || !req.keep_alive()) break;
    }
    socket.shutdown(tcp::socket::shutdown_both, ec);
  }
}
