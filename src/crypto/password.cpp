// Password hashing with Argon2id (include/tessera/password.hpp), on libsodium's
// crypto_pwhash_str_alg / crypto_pwhash_str_verify / crypto_pwhash_str_needs_rehash.
// The password is handed to libsodium by pointer and length and never copied here; the only
// buffers are the encoded string (public: algorithm, parameters, salt, hash).
// Thread safety: free functions over libsodium, which is thread-safe after sodium_init().
#include "tessera/password.hpp"

#include <sodium.h>

#include <charconv>
#include <optional>
#include <string>

#include "crypto/pkey_impl.hpp"

namespace tessera {
namespace {

constexpr std::string_view kArgon2idPrefix = "$argon2id$";

bool params_in_range(const PasswordParams& p) noexcept {
  return p.ops_limit >= crypto_pwhash_OPSLIMIT_MIN && p.ops_limit <= crypto_pwhash_OPSLIMIT_MAX &&
         p.mem_limit >= crypto_pwhash_MEMLIMIT_MIN && p.mem_limit <= crypto_pwhash_MEMLIMIT_MAX;
}

// encoded as a NUL-terminated string for libsodium; nullopt when it cannot be an Argon2id
// string (wrong prefix, an embedded NUL, longer than libsodium's limit).
std::optional<std::string> c_string(std::string_view encoded) {
  if (!encoded.starts_with(kArgon2idPrefix) || encoded.size() >= crypto_pwhash_STRBYTES ||
      encoded.find('\0') != std::string_view::npos)
    return std::nullopt;
  return std::string(encoded);
}

}  // namespace

Result<std::string> hash_password(std::string_view password, const PasswordParams& params) {
  if (!params_in_range(params))
    return fail(Errc::invalid_argument, "password: ops_limit or mem_limit outside libsodium's limits");
  if (password.size() > crypto_pwhash_PASSWD_MAX) return fail(Errc::invalid_argument, "password: too long");
  crypto::detail::ensure_sodium();
  char out[crypto_pwhash_STRBYTES] = {};
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params.ops_limit, params.mem_limit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    return fail(Errc::internal, "password: hashing failed (out of memory)");
  return std::string(out);
}

Result<bool> verify_password(std::string_view encoded, std::string_view password) {
  auto str = c_string(encoded);
  // needs_rehash decodes the whole string (parameters, salt, hash) and answers -1 when it
  // cannot: the one way to tell "malformed" from "wrong password", which verify does not.
  if (!str || crypto_pwhash_str_needs_rehash(str->c_str(), crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN) < 0)
    return fail(Errc::malformed, "password: not an Argon2id hash string");
  if (password.size() > crypto_pwhash_PASSWD_MAX) return false;
  crypto::detail::ensure_sodium();
  return crypto_pwhash_str_verify(str->c_str(), password.data(), password.size()) == 0;
}

std::optional<PasswordParams> password_params(std::string_view encoded) {
  // "$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>"
  if (!encoded.starts_with(kArgon2idPrefix)) return std::nullopt;
  std::string_view rest = encoded.substr(kArgon2idPrefix.size());
  const auto field = [&rest](std::string_view name, char end) -> std::optional<std::uint64_t> {
    if (!rest.starts_with(name)) return std::nullopt;
    rest.remove_prefix(name.size());
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), v);
    if (ec != std::errc{} || p == rest.data() + rest.size() || *p != end) return std::nullopt;
    rest.remove_prefix(static_cast<std::size_t>(p - rest.data()) + 1);
    return v;
  };
  const auto version = field("v=", '$');
  const auto m = field("m=", ','), t = field("t=", ','), lanes = field("p=", '$');
  if (!version || !m || !t || !lanes || *m > (std::uint64_t{1} << 42)) return std::nullopt;
  PasswordParams out{*t, static_cast<std::size_t>(*m) * 1024u};
  // libsodium must agree that these are the string's parameters (it decodes it whole).
  if (password_needs_rehash(encoded, out)) return std::nullopt;
  return out;
}

bool password_needs_rehash(std::string_view encoded, const PasswordParams& params) {
  auto str = c_string(encoded);
  if (!str || !params_in_range(params)) return true;
  crypto::detail::ensure_sodium();
  return crypto_pwhash_str_needs_rehash(str->c_str(), params.ops_limit, params.mem_limit) != 0;
}

}  // namespace tessera
