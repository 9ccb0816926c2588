// Key: factories (generate, PEM, raw secret), accessors, and keys::sign / keys::verify.
// Every context a key needs is built here once, in detail::finish().
#include <algorithm>
#include <array>
#include <utility>

#include "keys/key_build.hpp"
#include "passkey.hpp"

namespace tessera {
namespace {

std::size_t index_of(Algorithm alg) noexcept { return static_cast<std::size_t>(alg); }

std::optional<crypto::Hash> hmac_hash(Algorithm alg) noexcept {
  switch (alg) {
    case Algorithm::HS256: return crypto::Hash::sha256;
    case Algorithm::HS384: return crypto::Hash::sha384;
    case Algorithm::HS512: return crypto::Hash::sha512;
    default: return std::nullopt;
  }
}

std::optional<crypto::SigScheme> sig_scheme(Algorithm alg) noexcept {
  using S = crypto::SigScheme;
  switch (alg) {
    case Algorithm::RS256: return S::rsa_pkcs1_sha256;
    case Algorithm::RS384: return S::rsa_pkcs1_sha384;
    case Algorithm::RS512: return S::rsa_pkcs1_sha512;
    case Algorithm::PS256: return S::rsa_pss_sha256;
    case Algorithm::PS384: return S::rsa_pss_sha384;
    case Algorithm::PS512: return S::rsa_pss_sha512;
    case Algorithm::ES256: return S::ecdsa_p256_sha256;
    case Algorithm::ES384: return S::ecdsa_p384_sha384;
    case Algorithm::ES512: return S::ecdsa_p521_sha512;
    case Algorithm::EdDSA: return S::ed25519;
    default: return std::nullopt;
  }
}

// Algorithms a key of this kind may ever be used with, in preference order.
std::vector<Algorithm> candidates(crypto::KeyKind kind) {
  using A = Algorithm;
  switch (kind) {
    case crypto::KeyKind::rsa: return {A::RS256, A::RS384, A::RS512, A::PS256, A::PS384, A::PS512};
    case crypto::KeyKind::ec_p256: return {A::ES256};
    case crypto::KeyKind::ec_p384: return {A::ES384};
    case crypto::KeyKind::ec_p521: return {A::ES512};
    case crypto::KeyKind::ed25519: return {A::EdDSA};
  }
  return {};
}

std::string_view kty_of(crypto::KeyKind kind) noexcept {
  switch (kind) {
    case crypto::KeyKind::rsa: return "RSA";
    case crypto::KeyKind::ed25519: return "OKP";
    default: return "EC";
  }
}

bool ops_allow(const Key::Impl& k, std::string_view op) {
  if (!k.key_ops) return true;
  return std::find(k.key_ops->begin(), k.key_ops->end(), op) != k.key_ops->end();
}

// Algorithms for an oct key; checks the secret is long enough for each.
Result<std::vector<Algorithm>> oct_algorithms(const Key::Impl& k) {
  const std::size_t n = k.secret->size();
  if (k.alg) {
    const auto h = hmac_hash(*k.alg);
    if (!h) return fail(Errc::invalid_key, "alg does not fit an oct key");
    if (n < crypto::hash_size(*h)) return fail(Errc::key_too_short, "HMAC secret shorter than the hash");
    return std::vector<Algorithm>{*k.alg};
  }
  if (k.foreign_alg) return std::vector<Algorithm>{};  // not an HMAC key (e.g. A128KW)
  if (n < 32) return fail(Errc::key_too_short, "HMAC secret shorter than 32 bytes");
  std::vector<Algorithm> algs;
  if (n >= 64) algs.push_back(Algorithm::HS512);
  if (n >= 48) algs.push_back(Algorithm::HS384);
  algs.push_back(Algorithm::HS256);
  return algs;
}

Result<std::vector<Algorithm>> pkey_algorithms(const Key::Impl& k) {
  const auto kind = k.pkey->kind();
  if (kind == crypto::KeyKind::rsa && k.pkey->bits() < 2048)
    return fail(Errc::invalid_key, "RSA modulus shorter than 2048 bits");
  auto all = candidates(kind);
  if (k.alg) {
    if (std::find(all.begin(), all.end(), *k.alg) == all.end())
      return fail(Errc::invalid_key, "alg does not fit the key type or curve");
    return std::vector<Algorithm>{*k.alg};
  }
  if (k.foreign_alg) return std::vector<Algorithm>{};
  return all;
}

// The HMAC algorithm of an hs* spec; its secret is as long as the hash.
std::optional<Algorithm> hs_spec_alg(KeySpec spec) noexcept {
  switch (spec) {
    case KeySpec::hs256: return Algorithm::HS256;
    case KeySpec::hs384: return Algorithm::HS384;
    case KeySpec::hs512: return Algorithm::HS512;
    default: return std::nullopt;
  }
}

}  // namespace

namespace keys::detail {

Result<Key> finish(Key::Impl impl, bool kid_from_thumbprint) {
  if (impl.secret.has_value() == impl.pkey.has_value())
    return fail(Errc::internal, "key needs exactly one kind of material");
  bool has_private = true;
  Result<std::vector<Algorithm>> algs;
  if (impl.secret) {
    impl.kty = "oct";
    algs = oct_algorithms(impl);
  } else {
    impl.kty = std::string(kty_of(impl.pkey->kind()));
    has_private = impl.pkey->has_private();
    algs = pkey_algorithms(impl);
  }
  if (!algs) return std::unexpected(std::move(algs.error()));
  impl.algorithms = std::move(*algs);

  const bool use_ok = !impl.use || *impl.use == "sig";
  const bool usable = use_ok && !impl.algorithms.empty();
  impl.sign_permitted = usable && has_private && ops_allow(impl, "sign");
  impl.verify_permitted = usable && ops_allow(impl, "verify");

  for (const Algorithm a : impl.algorithms) {
    const std::size_t i = index_of(a);
    if (const auto h = hmac_hash(a)) {
      if (!impl.sign_permitted && !impl.verify_permitted) continue;
      auto mac = crypto::HmacKey::create(*h, *impl.secret);
      if (!mac) return std::unexpected(std::move(mac.error()));
      impl.macs[i] = std::move(*mac);
    } else if (const auto scheme = sig_scheme(a)) {
      if (impl.sign_permitted) {
        auto s = crypto::Signer::create(*impl.pkey, *scheme);
        if (!s) return std::unexpected(std::move(s.error()));
        impl.signers[i] = std::move(*s);
      }
      if (impl.verify_permitted) {
        auto v = crypto::Verifier::create(*impl.pkey, *scheme);
        if (!v) return std::unexpected(std::move(v.error()));
        impl.verifiers[i] = std::move(*v);
      }
    }
  }

  if (impl.kid.empty() && kid_from_thumbprint) {
    auto tp = thumbprint(impl);
    if (!tp) return std::unexpected(std::move(tp.error()));
    impl.kid = std::move(*tp);
  }
  return Key(internal_passkey(), std::make_shared<const Key::Impl>(std::move(impl)));
}

}  // namespace keys::detail

// ---- factories -------------------------------------------------------------------------

Result<Key> Key::generate(KeySpec spec, std::string kid) {
  Impl impl;
  impl.kid = std::move(kid);
  if (const auto hs = hs_spec_alg(spec)) {
    const std::size_t len = crypto::hash_size(*hmac_hash(*hs));
    std::array<std::uint8_t, 64> buf{};
    crypto::random_bytes(std::span<std::uint8_t>(buf.data(), len));
    impl.secret.emplace(std::span<const std::uint8_t>(buf.data(), len));
    crypto::secure_zero(buf.data(), buf.size());
    impl.alg = *hs;
    return keys::detail::finish(std::move(impl), true);
  }
  Result<crypto::PKey> pk = fail(Errc::invalid_argument, "unknown key spec");
  switch (spec) {
    case KeySpec::rsa2048: pk = crypto::PKey::generate_rsa(2048); break;
    case KeySpec::rsa3072: pk = crypto::PKey::generate_rsa(3072); break;
    case KeySpec::rsa4096: pk = crypto::PKey::generate_rsa(4096); break;
    case KeySpec::p256:
      pk = crypto::PKey::generate_ec(crypto::KeyKind::ec_p256);
      impl.alg = Algorithm::ES256;
      break;
    case KeySpec::p384:
      pk = crypto::PKey::generate_ec(crypto::KeyKind::ec_p384);
      impl.alg = Algorithm::ES384;
      break;
    case KeySpec::p521:
      pk = crypto::PKey::generate_ec(crypto::KeyKind::ec_p521);
      impl.alg = Algorithm::ES512;
      break;
    case KeySpec::ed25519:
      pk = crypto::PKey::generate_ed25519();
      impl.alg = Algorithm::EdDSA;
      break;
    default: break;
  }
  if (!pk) return std::unexpected(std::move(pk.error()));
  impl.pkey = std::move(*pk);
  return keys::detail::finish(std::move(impl), true);
}

Result<Key> Key::from_pem(std::string_view pem, std::string kid) {
  auto pk = crypto::PKey::from_pem(pem);
  if (!pk) return std::unexpected(std::move(pk.error()));
  Impl impl;
  impl.kid = std::move(kid);
  impl.pkey = std::move(*pk);
  return keys::detail::finish(std::move(impl), true);
}

Result<Key> Key::from_secret(const SecretBytes& secret, Algorithm alg, std::string kid) {
  if (!hmac_hash(alg)) return fail(Errc::invalid_argument, "a raw secret is only an HMAC key");
  Impl impl;
  impl.kid = std::move(kid);
  impl.alg = alg;
  impl.secret = secret;
  return keys::detail::finish(std::move(impl), true);
}

// ---- accessors -------------------------------------------------------------------------

const std::string& Key::kid() const noexcept { return impl_->kid; }

Key Key::with_kid(std::string kid) const {
  auto copy = std::make_shared<Impl>(*impl_);  // PKey and contexts are shared handles
  copy->kid = std::move(kid);
  return Key(internal_passkey(), std::move(copy));
}

std::string_view Key::kty() const noexcept { return impl_->kty; }
bool Key::is_symmetric() const noexcept { return impl_->secret.has_value(); }
bool Key::has_private() const noexcept {
  return impl_->secret.has_value() || (impl_->pkey && impl_->pkey->has_private());
}
std::span<const Algorithm> Key::algorithms() const noexcept { return impl_->algorithms; }
bool Key::allows(Algorithm alg) const noexcept {
  return std::find(impl_->algorithms.begin(), impl_->algorithms.end(), alg) !=
         impl_->algorithms.end();
}
bool Key::can_sign() const noexcept { return impl_->sign_permitted; }
bool Key::can_verify() const noexcept { return impl_->verify_permitted; }

Algorithm Key::default_algorithm() const noexcept {
  if (impl_->alg) return *impl_->alg;
  if (!impl_->algorithms.empty()) return impl_->algorithms.front();
  return Algorithm::HS256;  // a key binding no algorithm; it cannot sign or verify anyway
}

// ---- conversions -----------------------------------------------------------------------

Result<Key> Key::public_key() const {
  if (!impl_->pkey) return fail(Errc::unsupported, "a secret key has no public half");
  Impl impl;
  impl.kid = impl_->kid;
  impl.alg = impl_->alg;
  impl.foreign_alg = impl_->foreign_alg;
  impl.use = impl_->use;
  impl.key_ops = impl_->key_ops;
  impl.pkey = impl_->pkey->public_only();
  return keys::detail::finish(std::move(impl), false);
}

Result<std::string> Key::to_pem(bool include_private) const {
  if (!impl_->pkey) return fail(Errc::unsupported, "a secret key has no PEM form");
  if (!include_private) return impl_->pkey->to_pem_public();
  if (!impl_->pkey->has_private()) return fail(Errc::invalid_argument, "key has no private half");
  return impl_->pkey->to_pem_private();
}

std::string Key::thumbprint() const {
  auto tp = keys::detail::thumbprint(*impl_);
  return tp ? std::move(*tp) : std::string();
}

// ---- the two operations the token layers use -------------------------------------------

namespace keys {

Result<crypto::Bytes> sign(const Key& key, Algorithm alg, crypto::ByteView data) {
  const auto& k = key.impl();
  // A key that may not do this at all says so whatever alg is asked for.
  if (!k.sign_permitted) return fail(Errc::key_not_permitted, "key may not sign");
  if (!key.allows(alg)) return fail(Errc::alg_not_allowed, "algorithm not allowed for this key");
  const std::size_t i = index_of(alg);
  if (k.macs[i]) return k.macs[i]->compute(data);
  if (k.signers[i]) return k.signers[i]->sign(data);
  return fail(Errc::internal, "no signing context for an allowed algorithm");
}

Result<void> verify(const Key& key, Algorithm alg, crypto::ByteView data,
                    crypto::ByteView signature) {
  const auto& k = key.impl();
  // A key that may not do this at all says so whatever alg is asked for.
  if (!k.verify_permitted) return fail(Errc::key_not_permitted, "key may not verify");
  if (!key.allows(alg)) return fail(Errc::alg_not_allowed, "algorithm not allowed for this key");
  const std::size_t i = index_of(alg);
  if (k.macs[i]) {
    if (!k.macs[i]->verify(data, signature)) return fail(Errc::bad_signature, "bad signature");
    return {};
  }
  if (k.verifiers[i]) return k.verifiers[i]->verify(data, signature);
  return fail(Errc::internal, "no verifying context for an allowed algorithm");
}

}  // namespace keys
}  // namespace tessera
