// make_static_verification_keys (tessera/authenticator.hpp): a pinned KeySet. A kid the set
// does not select is key_not_found (there is nothing to refetch); an empty kid gets the whole
// set (the verifier tries the keys that allow the token's algorithm).
#include "tessera/authenticator.hpp"

namespace tessera {
namespace {

class StaticKeys final : public VerificationKeys {
 public:
  explicit StaticKeys(KeySet keys) : keys_(std::move(keys)) {}
  Result<KeySet> keys_for(std::string_view kid) override {
    if (keys_.empty()) return fail(Errc::store_unavailable, "no verification keys");
    if (!kid.empty() && !keys_.select_by_token_kid(kid)) return fail(Errc::key_not_found, "no key with that kid");
    return keys_;
  }

 private:
  const KeySet keys_;
};

}  // namespace

std::shared_ptr<VerificationKeys> make_static_verification_keys(KeySet keys) {
  return std::make_shared<StaticKeys>(std::move(keys));
}

}  // namespace tessera
