// UnknownUserCost (unknown_user.hpp): the dummy hash an unknown user's login is verified
// against, kept at the parameters of the stored hashes.
#include "service/unknown_user.hpp"

#include <map>
#include <utility>

namespace tessera::service {
namespace {

// A fixed string: its hash is public knowledge and protects nothing; only its cost matters.
constexpr std::string_view kDummyPassword = "tessera: no such user, same cost";

Result<std::shared_ptr<const std::string>> make_dummy(const PasswordParams& p) {
  auto h = hash_password(kDummyPassword, p);
  if (!h) return std::unexpected(std::move(h.error()));
  return std::make_shared<const std::string>(std::move(*h));
}

}  // namespace

// The first dummy is made here, once: a service that could not make it is not built.
Result<std::unique_ptr<UnknownUserCost>> UnknownUserCost::create(const PasswordParams& configured) {
  auto dummy = make_dummy(configured);
  if (!dummy) return std::unexpected(Error{dummy.error().code, "unknown-user dummy hash: " + dummy.error().message});
  return std::make_unique<UnknownUserCost>(configured, std::move(*dummy));
}

UnknownUserCost::UnknownUserCost(const PasswordParams& configured, std::shared_ptr<const std::string> dummy)
    : params_(configured), hash_(std::move(dummy)) {}

void UnknownUserCost::use(const PasswordParams& p) {
  {
    MutexLock lock(mu_);
    if (params_ == p) return;
  }
  auto dummy = make_dummy(p);  // tens of milliseconds: not under the lock
  if (!dummy) return;          // keep the dummy we have: never none
  MutexLock lock(mu_);
  params_ = p;
  hash_ = std::move(*dummy);
}

void UnknownUserCost::observe(std::string_view stored_hash) {
  if (auto p = password_params(stored_hash)) use(*p);
}

void UnknownUserCost::learn(std::span<const std::string> stored_hashes) {
  std::map<std::pair<std::uint64_t, std::size_t>, std::size_t> count;
  for (const auto& h : stored_hashes)
    if (auto p = password_params(h)) ++count[{p->ops_limit, p->mem_limit}];
  if (count.empty()) return;
  auto most = count.begin();
  for (auto it = count.begin(); it != count.end(); ++it)
    if (it->second > most->second) most = it;
  use(PasswordParams{most->first.first, most->first.second});
}

void UnknownUserCost::verify(std::string_view password) const {
  std::shared_ptr<const std::string> dummy;
  {
    MutexLock lock(mu_);
    dummy = hash_;
  }
  // Only the time it takes matters: the dummy never matches a real login.
  (void)verify_password(*dummy, password);
}

PasswordParams UnknownUserCost::params() const {
  MutexLock lock(mu_);
  return params_;
}

}  // namespace tessera::service
