// UnknownUserCost (unknown_user.hpp): the dummy hash an unknown user's login is verified
// against, kept at the parameters of the stored hashes.
#include "service/unknown_user.hpp"

#include <map>
#include <utility>

namespace tessera::service {
namespace {

// A fixed string: its hash is public knowledge and protects nothing; only its cost matters.
constexpr std::string_view kDummyPassword = "tessera: no such user, same cost";

std::shared_ptr<const std::string> make_dummy(const PasswordParams& p) {
  auto h = hash_password(kDummyPassword, p);
  if (!h) h = hash_password(kDummyPassword, PasswordParams{});
  return std::make_shared<const std::string>(h ? std::move(*h) : std::string());
}

}  // namespace

// The first dummy is made on first use, so that building a service costs no hashing.
UnknownUserCost::UnknownUserCost(const PasswordParams& configured) : params_(configured) {}

void UnknownUserCost::use(const PasswordParams& p) {
  {
    MutexLock lock(mu_);
    if (params_ == p) return;
  }
  auto dummy = make_dummy(p);  // tens of milliseconds: not under the lock
  MutexLock lock(mu_);
  params_ = p;
  hash_ = std::move(dummy);
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
  PasswordParams p;
  {
    MutexLock lock(mu_);
    dummy = hash_;
    p = params_;
  }
  if (!dummy) {
    dummy = make_dummy(p);
    MutexLock lock(mu_);
    if (!hash_ && params_ == p) hash_ = dummy;
  }
  (void)verify_password(*dummy, password);
}

PasswordParams UnknownUserCost::params() const {
  MutexLock lock(mu_);
  return params_;
}

}  // namespace tessera::service
