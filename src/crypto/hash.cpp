// SHA-2 digests (and SHA-1 for naming only) through OpenSSL, with each EVP_MD fetched once per process.
#include <cstdlib>

#include <openssl/evp.h>

#include "crypto/crypto.hpp"
#include "crypto/pkey_impl.hpp"

namespace tessera::crypto {

namespace detail {

const EVP_MD* cached_md(Hash h) noexcept {
  // Function-local statics: fetched once, thread-safe initialisation, kept for the process.
  static const EVP_MD* const md256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  static const EVP_MD* const md384 = EVP_MD_fetch(nullptr, "SHA2-384", nullptr);
  static const EVP_MD* const md512 = EVP_MD_fetch(nullptr, "SHA2-512", nullptr);
  switch (h) {
    case Hash::sha256: return md256;
    case Hash::sha384: return md384;
    case Hash::sha512: return md512;
  }
  return nullptr;
}

}  // namespace detail

std::size_t hash_size(Hash h) noexcept {
  switch (h) {
    case Hash::sha256: return 32;
    case Hash::sha384: return 48;
    case Hash::sha512: return 64;
  }
  return 0;
}

Bytes digest(Hash h, ByteView data) {
  const EVP_MD* md = detail::cached_md(h);
  Bytes out(hash_size(h));
  unsigned int len = 0;
  // Only fails on allocation failure or a broken OpenSSL install; there is no sane fallback.
  if (md == nullptr || EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1 ||
      len != out.size())
    std::abort();
  return out;
}

Bytes sha256(ByteView data) { return digest(Hash::sha256, data); }

Bytes sha1_for_naming(ByteView data) {
  static const EVP_MD* const md1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  Bytes out(20);
  unsigned int len = 0;
  if (md1 == nullptr || EVP_Digest(data.data(), data.size(), out.data(), &len, md1, nullptr) != 1 || len != out.size())
    std::abort();
  return out;
}

}  // namespace tessera::crypto
