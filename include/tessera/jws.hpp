// JWS compact serialization (RFC 7515): sign any payload, verify against a key set.
//
// Verification rules (DESIGN.md invariants 1, 2, 7):
//  - the algorithm comes from the key: the header's alg must be one the selected key allows
//    (and, if given, one of the verifier's allowed algorithms); "none" never verifies;
//  - kid only selects among configured keys (no match: key_not_found); without a kid, the keys
//    that allow the header's alg are tried in order;
//  - jku, x5u, jwk and x5c are ignored; a crit header naming anything is crit_unsupported
//    (Tessera implements no JWS extensions, RFC 7797 b64 included);
//  - the token is refused before decoding when over max_token_bytes; header and payload
//    JSON are depth-bounded and duplicate member names are rejected.
// Thread safety: JwsVerifier is immutable; verify() is const and thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "tessera/error.hpp"
#include "tessera/keys.hpp"

namespace tessera {

inline constexpr std::size_t kDefaultMaxTokenBytes = 64 * 1024;

struct JwsSignOptions {
  std::optional<Algorithm> alg;           // default: key.default_algorithm()
  bool include_kid = true;                // put key.kid() in the header
  std::optional<std::string> typ;
  boost::json::object extra_header;       // further protected header members
};

// Signs payload (any bytes) with key. Errors: alg_not_allowed, key_not_permitted.
Result<std::string> jws_sign(const Key& key, std::string_view payload, const JwsSignOptions& options = {});

// Only JwsVerifier makes one (private constructor, like VerifiedJwt).
class VerifiedJws {
 public:
  const boost::json::object& header() const noexcept { return header_; }
  const std::string& payload() const noexcept { return payload_; }
  const std::string& key_id() const noexcept { return kid_; }  // of the key that verified
  Algorithm algorithm() const noexcept { return alg_; }

 private:
  friend class JwsVerifier;
  VerifiedJws(boost::json::object header, std::string payload, std::string kid, Algorithm alg)
      : header_(std::move(header)), payload_(std::move(payload)), kid_(std::move(kid)), alg_(alg) {}
  boost::json::object header_;
  std::string payload_;
  std::string kid_;
  Algorithm alg_;
};

class JwsVerifier {
 public:
  // allowed: further restricts the keys' own algorithms (empty = what each key allows).
  explicit JwsVerifier(KeySet keys, std::vector<Algorithm> allowed = {},
                       std::size_t max_token_bytes = kDefaultMaxTokenBytes);
  Result<VerifiedJws> verify(std::string_view token) const;
  // RFC 7515 Appendix F detached content: the token's payload part is empty and the payload
  // bytes are given here (any other token is malformed).
  Result<VerifiedJws> verify_detached(std::string_view token, std::string_view payload) const;

  const KeySet& keys() const noexcept { return keys_; }

 private:
  friend class JwtVerifier;
  struct Checked {  // what verify_parts() returns to JwtVerifier
    std::shared_ptr<const boost::json::object> header;
    std::string_view payload_b64;
    const Key* key;
    Algorithm alg;
  };
  // detached_payload_b64: the encoded payload for a detached-content token, else null.
  Result<Checked> verify_parts(std::string_view token, const std::string* detached_payload_b64 = nullptr) const;

  KeySet keys_;
  std::vector<Algorithm> allowed_;
  std::size_t max_token_bytes_;
};

}  // namespace tessera
