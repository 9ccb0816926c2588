// A resource server's remote key set (tessera/remote_key_set.hpp): the one cache of remote
// JWKS (keys/remote_key_sets.hpp) over one URL.
#include "tessera/remote_key_set.hpp"

#include <utility>

#include "keys/remote_key_sets.hpp"
#include "tessera/https_key_set_fetcher.hpp"

namespace tessera {

struct RemoteKeySet::State {
  State(std::string u, std::shared_ptr<KeySetFetcher> f, const Clock& clock, RemoteKeySetRules rules)
      : url(std::move(u)), fetcher(std::move(f)), cache(*fetcher, clock, rules) {}
  const std::string url;
  const std::shared_ptr<KeySetFetcher> fetcher;
  keys::RemoteKeySets cache;
};

Result<std::shared_ptr<RemoteKeySet>> RemoteKeySet::create(RemoteKeySetOptions options) {
  if (!secure_or_loopback_url(options.jwks_uri))
    return fail(Errc::invalid_argument, "jwks_uri " + options.jwks_uri + ": not https (nor http on loopback)");
  if (auto ok = keys::check_rules(options.rules); !ok) return std::unexpected(ok.error());
  if (!options.clock) return fail(Errc::invalid_argument, "remote key set: no clock");
  auto fetcher = options.fetcher;
  if (!fetcher) {
    auto f = HttpsKeySetFetcher::create(options.ca_file, options.timeout, /*allow_loopback_http=*/true);
    if (!f) return std::unexpected(std::move(f.error()));
    fetcher = std::move(*f);
  }
  auto state = std::make_unique<State>(std::move(options.jwks_uri), std::move(fetcher), *options.clock, options.rules);
  return std::shared_ptr<RemoteKeySet>(new RemoteKeySet(std::move(state)));
}

RemoteKeySet::RemoteKeySet(std::unique_ptr<State> state) : state_(std::move(state)) {}
RemoteKeySet::~RemoteKeySet() = default;

Result<KeySet> RemoteKeySet::keys_for(std::string_view kid) {
  auto set = state_->cache.keys_for(state_->url, kid);
  if (!set) return set;
  if (!kid.empty() && set->find(kid) == nullptr)
    return fail(Errc::key_not_found, "jwks_uri " + state_->url + ": no key with that kid (after any refetch allowed)");
  return set;
}

Result<void> RemoteKeySet::prefetch() {
  auto set = keys_for("");
  if (!set) return std::unexpected(std::move(set.error()));
  return {};
}

}  // namespace tessera
