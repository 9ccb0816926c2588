// Internal: what a login of an unknown user costs. AuthService verifies the password against
// a dummy Argon2id hash, so that the answer takes as long as for a known user; this class
// keeps that dummy made with the parameters the *stored* hashes use, which are not always the
// configured ones: right after a parameter change every stored hash still has the old ones
// until its user logs in and is re-hashed.
//
//  - observe(encoded): called with every stored hash a login reads; the dummy follows the
//    parameters most recently seen (a new dummy is made outside the lock, once per change; if
//    it cannot be made, the previous dummy and parameters stay).
//  - learn(hashes): at start, the parameters most of the given stored hashes use.
//  - verify(password): one Argon2id verification against the current dummy.
// Thread safety: all methods are thread-safe.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/mutex.hpp"
#include "tessera/password.hpp"

namespace tessera::service {

class UnknownUserCost {
 public:
  // Makes the first dummy with the configured parameters, once; fails if it cannot (so that no
  // login is ever verified against a missing dummy, which would answer an unknown user fast).
  static Result<std::unique_ptr<UnknownUserCost>> create(const PasswordParams& configured);
  UnknownUserCost(const PasswordParams& configured, std::shared_ptr<const std::string> dummy);

  void observe(std::string_view stored_hash);
  void learn(std::span<const std::string> stored_hashes);
  void verify(std::string_view password) const;
  PasswordParams params() const;

 private:
  void use(const PasswordParams& p);

  mutable Mutex mu_;
  PasswordParams params_ GUARDED_BY(mu_);
  std::shared_ptr<const std::string> hash_ GUARDED_BY(mu_);  // the dummy, made with params_; never null
};

}  // namespace tessera::service
