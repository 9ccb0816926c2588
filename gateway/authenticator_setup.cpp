// make_gateway_authenticator (gateway/authenticator_setup.hpp).
#include "gateway/authenticator_setup.hpp"

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

#include <boost/json/object.hpp>
#include <fmt/format.h>

#include "tessera/client_credentials.hpp"
#include "tessera/deny_list.hpp"
#include "tessera/dpop.hpp"
#include "tessera/http_client.hpp"
#include "tessera/introspection_client.hpp"
#include "tessera/issuer_discovery.hpp"
#include "tessera/remote_key_set.hpp"
#include "tessera/revocation_subscriber.hpp"

namespace tessera::gateway {
namespace {

namespace json = boost::json;
using server::LogLevel;

// DPoP proofs' jtis remembered (the in-memory replay cache refuses new proofs when full of
// live ones: fail closed). A proof lives max_age + leeway (65 s by default).
constexpr std::size_t kReplayEntries = 1'000'000;
// How long the start waits for the revocation feed's first answer before listening anyway
// (requests get 503 until it answers).
constexpr std::chrono::seconds kFeedStartWait{10};

Result<SecretBytes> read_secret(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::invalid_argument, fmt::format("cannot read --client-secret-file {}", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string s = std::move(ss).str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  if (s.empty()) return fail(Errc::invalid_argument, fmt::format("--client-secret-file {} is empty", path));
  SecretBytes secret(s);
  std::fill(s.begin(), s.end(), '\0');
  return secret;
}

class Wired final : public GatewayAuth {
 public:
  std::optional<Authenticator> auth;
  std::unique_ptr<RevocationFeedSubscriber> subscriber;

  const Authenticator& authenticator() const override { return *auth; }
  void stop() override {
    if (subscriber) subscriber->stop();
  }
};

}  // namespace

Result<std::unique_ptr<GatewayAuth>> make_gateway_authenticator(const GatewayConfig& cfg, server::Logger& log) {
  auto http_client = HttpClient::create(HttpClientOptions{.ca_file = cfg.ca_file});
  if (!http_client) return std::unexpected(http_client.error());
  std::shared_ptr<HttpClient> http = std::move(*http_client);
  auto endpoints = discover_issuer(cfg.issuer, *http);
  if (!endpoints) return std::unexpected(endpoints.error());

  AuthenticatorOptions o;
  o.issuer = cfg.issuer;
  o.audiences = cfg.audiences;
  o.leeway = cfg.leeway;
  o.introspection_cache_ttl = cfg.introspection_cache;
  o.require_dpop = cfg.require_dpop;

  auto keys = RemoteKeySet::create(RemoteKeySetOptions{.jwks_uri = endpoints->jwks_uri, .ca_file = cfg.ca_file});
  if (!keys) return std::unexpected(keys.error());
  if (auto warm = (*keys)->prefetch(); !warm) return std::unexpected(warm.error());
  o.keys = *keys;

  DpopOptions dpop;
  dpop.leeway = std::max<std::int64_t>(dpop.leeway, cfg.leeway);
  auto verifier = DpopVerifier::create(dpop, make_memory_dpop_replay_cache(kReplayEntries, SystemClock::instance()));
  if (!verifier) return std::unexpected(verifier.error());
  o.dpop = std::make_shared<const DpopVerifier>(std::move(*verifier));

  auto wired = std::make_unique<Wired>();
  if (!cfg.client_id.empty()) {
    auto secret = read_secret(cfg.client_secret_file);
    if (!secret) return std::unexpected(secret.error());
    const ClientCredentials client{cfg.client_id, std::move(*secret)};
    if (!endpoints->introspection_endpoint.empty()) {
      auto introspector = HttpIntrospector::create(
          HttpIntrospectorOptions{.endpoint = endpoints->introspection_endpoint, .client = client}, http);
      if (!introspector) return std::unexpected(introspector.error());
      o.introspector = *introspector;
    }
    DenyListOptions deny_options;
    deny_options.max_stale = cfg.feed_max_stale;
    auto deny = DenyList::create(deny_options);
    if (!deny) return std::unexpected(deny.error());
    RevocationSubscriberOptions sub{.feed_url = endpoints->revocation_feed, .client = client};
    sub.on_error = [&log](const Error& e) {
      log.log(LogLevel::warn, "revocation feed", json::object{{"error", e.name()}, {"detail", e.message}});
    };
    auto subscriber = RevocationFeedSubscriber::start(std::move(sub), http, *deny);
    if (!subscriber) return std::unexpected(subscriber.error());
    wired->subscriber = std::move(*subscriber);
    o.revocations = *deny;
    // Listen once the feed has answered (bounded): until then every token would get 503.
    const auto deadline = std::chrono::steady_clock::now() + kFeedStartWait;
    while (!(*deny)->fresh(SystemClock::instance().now()) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!(*deny)->fresh(SystemClock::instance().now()))
      log.log(LogLevel::warn, "revocation feed not answering yet",
              json::object{{"feed", endpoints->revocation_feed}, {"effect", "503 until it answers"}});
  }
  const bool introspects = o.introspector != nullptr;
  auto auth = Authenticator::create(std::move(o));
  if (!auth) return std::unexpected(auth.error());
  wired->auth.emplace(std::move(*auth));
  log.log(LogLevel::info, "issuer",
          json::object{{"issuer", endpoints->issuer},
                       {"jwks_uri", endpoints->jwks_uri},
                       {"introspection", !introspects ? json::value(nullptr) : json::value(endpoints->introspection_endpoint)},
                       {"revocation_feed", cfg.client_id.empty() ? json::value(nullptr) : json::value(endpoints->revocation_feed)}});
  return std::unique_ptr<GatewayAuth>(std::move(wired));
}

}  // namespace tessera::gateway
