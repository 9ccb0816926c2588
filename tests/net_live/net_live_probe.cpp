// The resource server's side of a real `tessera serve` (run by tests/net_live_feed.sh, ctest
// net_live_feed): discovery, the remote key set (the token's kid found, a junk kid not),
// introspection (active, then inactive after the revoke), the revocation-feed subscriber (a
// revoked JWT's jti reaches the deny list; prints how long after the revoke was sent), and the
// feed going down (the server stopped) leaving the deny list unfresh after max_stale.
//   usage: net_live_probe ISSUER API_ID API_SECRET BATCH_ID BATCH_SECRET SERVER_PID
// Exit 0 when every check held; each failure is printed.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "codec/base64url.hpp"
#include "codec/json.hpp"
#include "net/client_auth.hpp"
#include "tessera/deny_list.hpp"
#include "tessera/introspection_client.hpp"
#include "tessera/issuer_discovery.hpp"
#include "tessera/remote_key_set.hpp"
#include "tessera/revocation_subscriber.hpp"

using namespace tessera;
using Ms = std::chrono::duration<double, std::milli>;

namespace {

int failures = 0;
void check(bool ok, const std::string& what) {
  std::printf("%s: %s\n", ok ? "ok" : "FAIL", what.c_str());
  if (!ok) ++failures;
}

// Polls pred for up to 20 s (a generous bound: a hang fails, timing is not asserted).
template <class Pred>
bool eventually(Pred pred) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

std::int64_t now() { return SystemClock::instance().now(); }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: net_live_probe ISSUER API_ID API_SECRET BATCH_ID BATCH_SECRET SERVER_PID\n");
    return 2;
  }
  const std::string issuer = argv[1];
  const ClientCredentials api{argv[2], SecretBytes(std::string_view(argv[3]))};
  const ClientCredentials batch{argv[4], SecretBytes(std::string_view(argv[5]))};
  const pid_t server = static_cast<pid_t>(std::stol(argv[6]));

  auto client = HttpClient::create({.ca_file = {}, .timeout = std::chrono::milliseconds(5000)});
  if (!client) return std::printf("FAIL: %s\n", client.error().message.c_str()), 1;
  std::shared_ptr<HttpClient> http = std::move(*client);

  auto ep = discover_issuer(issuer, *http);
  if (!ep) return std::printf("FAIL: discovery: %s\n", ep.error().message.c_str()), 1;
  check(ep->jwks_uri.starts_with(issuer) && ep->introspection_endpoint == issuer + "/oauth2/introspect" &&
            ep->revocation_feed == issuer + "/oauth2/revocations",
        "discovery: jwks_uri, introspection_endpoint, feed");

  auto keys = RemoteKeySet::create({.jwks_uri = ep->jwks_uri});
  if (!keys) return std::printf("FAIL: key set: %s\n", keys.error().message.c_str()), 1;
  auto warm = (*keys)->prefetch();
  check(bool(warm), "remote key set: prefetch" + (warm ? std::string() : ": " + warm.error().message));

  auto deny = *DenyList::create({.max_token_ttl = 3600, .max_stale = 2, .max_entries = 1000});
  auto sub = RevocationFeedSubscriber::start({.feed_url = ep->revocation_feed, .client = api}, http, deny);
  if (!sub) return std::printf("FAIL: subscriber: %s\n", sub.error().message.c_str()), 1;
  check(eventually([&] { return deny->fresh(now()); }), "subscriber: the deny list is fresh after the first answer");

  // A JWT access token for the batch client, for our audience.
  const std::string form = "application/x-www-form-urlencoded";
  auto tok = http->send({.method = "POST", .url = issuer + "/oauth2/token",
                         .headers = {{"Authorization", tessera::basic_authorization(batch)}, {"Content-Type", form}},
                         .body = net::form_body({{"grant_type", "client_credentials"}, {"scope", "reports"}})});
  if (!tok || tok->status != 200) return std::printf("FAIL: token: %s\n", tok ? tok->body.c_str() : tok.error().message.c_str()), 1;
  auto body = *codec::parse_json_object(tok->body);
  const std::string at(body["access_token"].as_string());
  const auto dot1 = at.find('.');
  const auto dot2 = at.find('.', dot1 + 1);
  auto header = codec::parse_json_object(codec::base64url_decode_string(at.substr(0, dot1)).value_or(""));
  auto claims = codec::parse_json_object(codec::base64url_decode_string(at.substr(dot1 + 1, dot2 - dot1 - 1)).value_or(""));
  if (!header || !claims) return std::printf("FAIL: the access token is not a JWT\n"), 1;
  const std::string kid((*header)["kid"].as_string());
  const std::string jti((*claims)["jti"].as_string());

  auto k = (*keys)->keys_for(kid);
  check(k && k->find(kid) != nullptr, "remote key set: the token's kid is among the issuer's keys");
  auto junk = (*keys)->keys_for("no-such-kid");
  check(!junk && junk.error().code == Errc::key_not_found, "remote key set: a junk kid is key_not_found");

  auto introspector = *HttpIntrospector::create({.endpoint = ep->introspection_endpoint, .client = api}, http);
  auto before = introspector->introspect(at);
  check(before && before->active && before->jti == jti, "introspection: the token is active, with its jti");
  check(!deny->is_revoked(jti, "", "", 0, now()), "deny list: the token is not revoked yet");

  const auto sent = std::chrono::steady_clock::now();
  auto revoked = http->send({.method = "POST", .url = issuer + "/oauth2/revoke",
                             .headers = {{"Authorization", tessera::basic_authorization(batch)}, {"Content-Type", form}},
                             .body = net::form_body({{"token", at}})});
  check(revoked && revoked->status == 200, "revoke: 200");
  const bool applied = eventually([&] { return deny->is_revoked(jti, "", "", 0, now()); });
  check(applied, "subscriber: the revoked jti reached the deny list");
  if (applied) std::printf("measure: revoke sent -> deny list %.1f ms\n", Ms(std::chrono::steady_clock::now() - sent).count());
  auto after = introspector->introspect(at);
  check(after && !after->active, "introspection: inactive after the revoke");

  // The feed goes down: no answer for longer than max_stale (2 s) leaves the list unfresh.
  ::kill(server, SIGTERM);
  check(eventually([&] { return !deny->fresh(now()); }), "feed down past max_stale: the deny list is not fresh");
  check(eventually([&] { return (*sub)->stats().errors > 0; }), "subscriber: the failing feed is counted");
  const auto stopping = std::chrono::steady_clock::now();
  sub->reset();
  std::printf("measure: stop + join %.1f ms\n", Ms(std::chrono::steady_clock::now() - stopping).count());
  std::printf("%s\n", failures ? "net_live_probe: FAILED" : "net_live_probe: ok");
  return failures ? 1 : 0;
}
