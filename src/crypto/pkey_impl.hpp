// Private to src/crypto: the representation behind PKey (an owned EVP_PKEY plus, for Ed25519,
// the raw keys libsodium needs), small unique_ptr deleters for OpenSSL objects, and the
// cached EVP_MD lookup shared by hash.cpp, hmac.cpp and signature.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include <openssl/bn.h>
#include <openssl/evp.h>

#include "crypto/crypto.hpp"

namespace tessera::crypto {

namespace detail {

template <class T, void (*Free)(T*)>
struct OsslDeleter {
  void operator()(T* p) const noexcept { Free(p); }
};
template <class T, void (*Free)(T*)>
using OsslPtr = std::unique_ptr<T, OsslDeleter<T, Free>>;

using PkeyPtr = OsslPtr<EVP_PKEY, EVP_PKEY_free>;
using PkeyCtxPtr = OsslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using MdCtxPtr = OsslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using BnPtr = OsslPtr<BIGNUM, BN_free>;              // public values
using SecretBnPtr = OsslPtr<BIGNUM, BN_clear_free>;  // private values: wiped on free

// The process-wide EVP_MD for h, fetched once; never null after a successful fetch
// (returns nullptr only if the default provider lacks the digest, which is a broken install).
const EVP_MD* cached_md(Hash h) noexcept;

// sodium_init() once per process (aborts if libsodium cannot initialise).
void ensure_sodium() noexcept;

// Coordinate / scalar length in bytes for an EC kind (32, 48, 66); 0 for non-EC kinds.
std::size_t ec_field_size(KeyKind k) noexcept;

}  // namespace detail

struct PKey::Impl {
  detail::PkeyPtr pkey;  // always set
  KeyKind kind = KeyKind::rsa;
  bool has_private = false;
  int bits = 0;
  // Ed25519 only: the 32-byte public key and, for a private key, the 32-byte seed.
  std::array<std::uint8_t, 32> ed_public{};
  SecretBytes ed_seed;
};

}  // namespace tessera::crypto
