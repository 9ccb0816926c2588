// HmacKey: a pre-keyed HMAC (OpenSSL EVP_MAC); hmac_once: one MAC (libsodium for SHA-256,
// OpenSSL for the others). HmacKey's key schedule runs once in create();
// each call takes a keyed context from a small lock-free per-key pool (re-initialised to
// the keyed state, which is cheaper than a full EVP_MAC_CTX_dup) or duplicates the template
// when the pool is empty. Pooled contexts are freed, and their key state wiped, with the key.
#include <array>
#include <atomic>
#include <cstdlib>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>

#include "crypto/crypto.hpp"
#include "crypto/pkey_impl.hpp"

namespace tessera::crypto {

namespace {

using MacCtxPtr = detail::OsslPtr<EVP_MAC_CTX, EVP_MAC_CTX_free>;

EVP_MAC* cached_hmac() noexcept {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

const char* digest_name(Hash h) noexcept {
  switch (h) {
    case Hash::sha256: return "SHA2-256";
    case Hash::sha384: return "SHA2-384";
    case Hash::sha512: return "SHA2-512";
  }
  return "";
}

constexpr std::size_t pool_size = 16;

// A start slot per thread (threads numbered in order of first use), so threads sharing a key
// mostly touch different slots.
std::size_t thread_slot() noexcept {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t slot = next.fetch_add(1, std::memory_order_relaxed);
  return slot;
}

}  // namespace

struct HmacKey::Impl {
  Hash hash = Hash::sha256;
  MacCtxPtr keyed;  // template: initialised with the key, never updated
  mutable std::array<std::atomic<EVP_MAC_CTX*>, pool_size> pool{};

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    for (auto& slot : pool) EVP_MAC_CTX_free(slot.exchange(nullptr));
  }

  // A context in the keyed initial state, ready for update(); nullptr on allocation failure.
  EVP_MAC_CTX* acquire() const noexcept {
    const std::size_t start = thread_slot();
    for (std::size_t i = 0; i < pool_size; ++i) {
      auto& slot = pool[(start + i) % pool_size];
      if (slot.load(std::memory_order_relaxed) == nullptr) continue;
      if (EVP_MAC_CTX* ctx = slot.exchange(nullptr, std::memory_order_acquire)) {
        // A null key re-initialises HMAC to the stored keyed state.
        if (EVP_MAC_init(ctx, nullptr, 0, nullptr) == 1) return ctx;
        EVP_MAC_CTX_free(ctx);
        break;
      }
    }
    return EVP_MAC_CTX_dup(keyed.get());
  }

  void release(EVP_MAC_CTX* ctx) const noexcept {
    const std::size_t start = thread_slot();
    for (std::size_t i = 0; i < pool_size; ++i) {
      auto& slot = pool[(start + i) % pool_size];
      EVP_MAC_CTX* expected = nullptr;
      if (slot.compare_exchange_strong(expected, ctx, std::memory_order_release,
                                       std::memory_order_relaxed))
        return;
    }
    EVP_MAC_CTX_free(ctx);
  }
};

namespace {

// The key rule both HMAC entry points share (invariant 3: a key shorter than the hash output
// is refused).
Result<void> check_key(Hash h, const SecretBytes& key) {
  const std::size_t need = hash_size(h);
  if (need == 0) return fail(Errc::invalid_argument, "unknown hash");
  if (key.size() < need) return fail(Errc::key_too_short, "HMAC key shorter than the hash output");
  return {};
}

// An OpenSSL context initialised with key for h.
Result<MacCtxPtr> keyed_context(Hash h, const SecretBytes& key) {
  if (auto ok = check_key(h, key); !ok) return std::unexpected(std::move(ok.error()));
  EVP_MAC* mac = cached_hmac();
  if (mac == nullptr) return fail(Errc::internal, "HMAC unavailable");
  MacCtxPtr ctx(EVP_MAC_CTX_new(mac));
  if (!ctx) return fail(Errc::internal, "EVP_MAC_CTX_new failed");
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest_name(h)), 0),
      OSSL_PARAM_construct_end()};
  const auto k = key.reveal(SecretAccess{});
  if (EVP_MAC_init(ctx.get(), k.data(), k.size(), params) != 1) return fail(Errc::internal, "EVP_MAC_init failed");
  return ctx;
}

}  // namespace

Result<HmacKey> HmacKey::create(Hash h, const SecretBytes& key) {
  auto ctx = keyed_context(h, key);
  if (!ctx) return std::unexpected(std::move(ctx.error()));
  auto impl = std::make_shared<Impl>();
  impl->hash = h;
  impl->keyed = std::move(*ctx);
  return HmacKey(std::move(impl));
}

Result<Bytes> hmac_once(Hash h, const SecretBytes& key, ByteView data) {
  if (h == Hash::sha256) {
    // libsodium's HMAC-SHA-256: the same function without OpenSSL 3's per-context provider
    // set-up, which costs more than the MAC itself on a short message.
    if (auto ok = check_key(h, key); !ok) return std::unexpected(std::move(ok.error()));
    detail::ensure_sodium();
    const auto k = key.reveal(SecretAccess{});
    crypto_auth_hmacsha256_state st;
    Bytes out(crypto_auth_hmacsha256_BYTES);
    crypto_auth_hmacsha256_init(&st, k.data(), k.size());
    crypto_auth_hmacsha256_update(&st, data.data(), data.size());
    crypto_auth_hmacsha256_final(&st, out.data());
    sodium_memzero(&st, sizeof st);
    return out;
  }
  auto ctx = keyed_context(h, key);
  if (!ctx) return std::unexpected(std::move(ctx.error()));
  Bytes out(hash_size(h));
  std::size_t len = 0;
  if (EVP_MAC_update(ctx->get(), data.data(), data.size()) != 1 ||
      EVP_MAC_final(ctx->get(), out.data(), &len, out.size()) != 1 || len != out.size())
    std::abort();  // allocation failure or a broken OpenSSL: never return a wrong MAC
  return out;
}

Hash HmacKey::hash() const noexcept { return impl_->hash; }

std::size_t HmacKey::compute(ByteView data, std::span<std::uint8_t> out) const {
  const std::size_t n = hash_size(impl_->hash);
  if (out.size() < n) std::abort();  // caller contract violated
  EVP_MAC_CTX* ctx = impl_->acquire();
  std::size_t len = 0;
  // Failures here are allocation failures or a broken OpenSSL: never return a wrong MAC.
  if (ctx == nullptr || EVP_MAC_update(ctx, data.data(), data.size()) != 1 ||
      EVP_MAC_final(ctx, out.data(), &len, out.size()) != 1 || len != n)
    std::abort();
  impl_->release(ctx);
  return len;
}

Bytes HmacKey::compute(ByteView data) const {
  Bytes out(hash_size(impl_->hash));
  compute(data, out);
  return out;
}

bool HmacKey::verify(ByteView data, ByteView tag) const {
  std::array<std::uint8_t, 64> mac{};
  const std::size_t n = compute(data, mac);
  const bool ok = constant_time_equal(ByteView(mac.data(), n), tag);
  secure_zero(mac.data(), mac.size());
  return ok;
}

}  // namespace tessera::crypto
