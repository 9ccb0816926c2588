// open_bff (open_bff.hpp).
#include "server/bff/open_bff.hpp"

#include <utility>

#include "server/private_file.hpp"
#include "tessera/bff_token_vault.hpp"
#include "tessera/paseto.hpp"

namespace tessera::server::bff {
namespace {

constexpr std::size_t kMaxSecretFileBytes = 4096;

// The first line of the secret file, without its line ending.
Result<std::string> read_secret(const std::string& path) {
  auto text = read_small_file(path, kMaxSecretFileBytes, Errc::invalid_argument);
  if (!text) return std::unexpected(text.error());
  if (!*text) return fail(Errc::invalid_argument, "bff_client_secret_file: " + path + " does not exist");
  std::string line = (*text)->substr(0, (*text)->find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return fail(Errc::invalid_argument, "bff_client_secret_file: " + path + " holds no secret");
  return line;
}

}  // namespace

Result<BffParts> open_bff(const ServerConfig& cfg, SessionManager& sessions, SessionStore& store,
                          const SecretBytes& key, const std::string& default_issuer, const std::string& origin) {
  auto secret = read_secret(cfg.bff_client_secret_file);
  if (!secret) return std::unexpected(secret.error());
  auto local = paseto::LocalKey::from_bytes(paseto::Version::v4, key);
  if (!local) return std::unexpected(local.error());
  auto vault = tessera::bff::TokenVault::create(*local);
  if (!vault) return std::unexpected(vault.error());

  BffParts p;
  auto http = HttpClient::create({.ca_file = cfg.oauth_ca_file,
                                  .timeout = std::chrono::duration_cast<std::chrono::milliseconds>(cfg.bff_timeout),
                                  .max_body_bytes = HttpClientOptions{}.max_body_bytes});
  if (!http) return std::unexpected(http.error());
  p.http = std::move(*http);
  const std::string issuer = cfg.bff_issuer.empty() ? default_issuer : cfg.bff_issuer;
  p.issuer = std::make_unique<IssuerClient>(*p.http, issuer, cfg.bff_client, std::move(*secret));
  p.sessions = std::make_unique<BffSessions>(sessions, store, std::move(*vault),
                                             cfg.bff_timeout.count() + kLeaseMarginSeconds);
  BffSettings settings{issuer, cfg.bff_client, origin + "/bff/callback", {}};
  for (const auto& item : cfg.bff_upstreams) {
    auto u = parse_bff_upstream(item);
    if (!u) return std::unexpected(u.error());
    settings.upstreams.emplace_back(u->name, u->url);
  }
  p.service = std::make_unique<BffService>(std::move(settings), *p.issuer, *p.http, *p.sessions, std::move(*local));
  return p;
}

}  // namespace tessera::server::bff
