// The data directory (keys_dir.hpp): creates DIR (0700), DIR/keys (0700) and whichever of
// keys/ed25519.jwk, es256.jwk, rs256.jwk (private JWKs, 0600), device-cookie.key and oauth.key
// (0600) is missing, then loads them.
// A key is written like every private file (private_file.hpp), linked to its final name:
// link() never replaces an existing file, so two instances starting at once agree on one key.
#include "server/keys_dir.hpp"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include <fmt/format.h>

#include "server/private_file.hpp"

#include "tessera/device_cookie.hpp"
#include "tessera/paseto_jwk.hpp"

namespace tessera::server {
namespace {

constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;

struct KeyFile {
  const char* name;
  KeySpec spec;
  Algorithm alg;
  std::string_view kty;
};
constexpr KeyFile kKeyFiles[] = {
    {"ed25519.jwk", KeySpec::ed25519, Algorithm::EdDSA, "OKP"},  // first: the primary
    {"es256.jwk", KeySpec::p256, Algorithm::ES256, "EC"},
    {"rs256.jwk", KeySpec::rsa2048, Algorithm::RS256, "RSA"},
};

// The secret key files: one line of base64url of kDeviceKeyBytes random bytes each.
constexpr const char* kDeviceKeyFile = "device-cookie.key";
constexpr const char* kOauthKeyFile = "oauth.key";

std::string errno_text(int err) { return std::strerror(err); }

Result<void> ensure_dir(const std::string& path, bool& created) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) return fail(Errc::io_error, fmt::format("{} exists and is not a directory", path));
    return {};
  }
  if (errno != ENOENT) return fail(Errc::io_error, fmt::format("cannot stat {}: {}", path, errno_text(errno)));
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) return fail(Errc::io_error, fmt::format("cannot create {}: {}", parent.string(), ec.message()));
  }
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
    return fail(Errc::io_error, fmt::format("cannot create {}: {}", path, errno_text(errno)));
  created = true;
  return {};
}

// Writes a key file (mode 0600) unless it exists; sets created when this call wrote it.
Result<void> write_new_key_file(const std::string& dir, const std::string& final_path, std::string_view bytes,
                                bool& created) {
  auto w = write_private_file(dir, final_path, bytes, Placement::create_only);
  if (!w) return std::unexpected(std::move(w.error()));
  if (*w) created = true;
  return {};
}

Result<std::string> read_key_file(const std::string& path) {
  auto text = read_small_file(path, kMaxKeyFileBytes, Errc::invalid_key);
  if (!text) return std::unexpected(std::move(text.error()));
  if (!*text) return fail(Errc::io_error, fmt::format("cannot open {}: {}", path, std::strerror(ENOENT)));
  return std::move(**text);
}

// One private signing key of the expected type, or invalid_key.
Result<Key> load_key(const std::string& path, const KeyFile& kf) {
  auto text = read_key_file(path);
  if (!text) return std::unexpected(text.error());
  auto set = load_key_set(*text);
  if (!set) return fail(Errc::invalid_key, fmt::format("{}: {}", path, set.error().message));
  if (set->size() != 1) return fail(Errc::invalid_key, fmt::format("{}: expected exactly one key", path));
  const Key& key = set->keys().front();
  if (key.is_symmetric() || !key.has_private() || !key.can_sign())
    return fail(Errc::invalid_key, fmt::format("{}: not a private signing key", path));
  // Bound to its one algorithm (the JWK's alg), as published in the JWKS.
  if (key.kty() != kf.kty || key.algorithms().size() != 1 || key.algorithms().front() != kf.alg)
    return fail(Errc::invalid_key, fmt::format("{}: not an {} key", path, alg_name(kf.alg)));
  return key;
}

// A secret key file (device_cookie.hpp: one line of base64url of kDeviceKeyBytes bytes).
Result<SecretBytes> load_secret_key(const std::string& path) {
  auto text = read_key_file(path);
  if (!text) return std::unexpected(text.error());
  auto key = parse_device_key_text(*text);
  if (!key) return fail(Errc::invalid_key, fmt::format("{}: {}", path, key.error().message));
  return key;
}

// Creates the secret key file keys_dir/name if missing (same atomic write as the signing keys),
// then loads it.
Result<SecretBytes> open_secret_key(const std::string& keys_dir, const char* name, bool& created) {
  const std::string file = keys_dir + "/" + name;
  if (::access(file.c_str(), F_OK) != 0) {
    if (errno != ENOENT) return fail(Errc::io_error, fmt::format("cannot access {}: {}", file, errno_text(errno)));
    std::string text = new_device_key_text();
    auto ok = write_new_key_file(keys_dir, file, text, created);
    ::explicit_bzero(text.data(), text.size());
    if (!ok) return std::unexpected(ok.error());
  }
  return load_secret_key(file);
}

// The kid a key gets: Ed25519 keys serve PASETO v4.public too, so they are named by their
// PASERK id (k4.pid...), which is also what v4.public footers carry; other keys keep theirs.
Result<Key> named(Key key) {
  if (key.kty() != "OKP") return key;
  auto pid = paseto::v4_pid(key);
  if (!pid) return std::unexpected(pid.error());
  if (key.kid() == *pid) return key;
  return key.with_kid(std::move(*pid));
}

// A new key for kf as its file holds it: a private JWK bound to kf.alg (its "alg" member; an RSA
// key would otherwise allow every RS and PS algorithm), newline-terminated.
Result<std::string> new_key_jwk(const KeyFile& kf) {
  auto key = Key::generate(kf.spec);
  if (!key) return std::unexpected(key.error());
  auto jwk = key->to_jwk(true);
  if (!jwk) return std::unexpected(jwk.error());
  (*jwk)["alg"] = alg_name(kf.alg);
  auto bound = Key::from_jwk(*jwk);
  if (bound) bound = named(std::move(*bound));
  if (!bound) return std::unexpected(bound.error());
  auto text = bound->to_jwk_json(true);
  if (!text) return std::unexpected(text.error());
  *text += '\n';
  return text;
}

}  // namespace

Result<DataDir> open_data_dir(const std::string& path) {
  if (path.empty()) return fail(Errc::io_error, "empty data directory path");
  DataDir out;
  if (auto ok = ensure_dir(path, out.created); !ok) return std::unexpected(ok.error());
  const std::string keys_dir = (std::filesystem::path(path) / "keys").string();
  if (auto ok = ensure_dir(keys_dir, out.created); !ok) return std::unexpected(ok.error());

  for (const KeyFile& kf : kKeyFiles) {
    const std::string file = keys_dir + "/" + kf.name;
    if (::access(file.c_str(), F_OK) != 0) {
      if (errno != ENOENT) return fail(Errc::io_error, fmt::format("cannot access {}: {}", file, errno_text(errno)));
      auto jwk = new_key_jwk(kf);
      if (!jwk) return std::unexpected(jwk.error());
      if (auto ok = write_new_key_file(keys_dir, file, *jwk, out.created); !ok) return std::unexpected(ok.error());
    }
    auto key = load_key(file, kf);
    if (key) key = named(std::move(*key));
    if (!key) return std::unexpected(key.error());
    if (auto ok = out.signing_keys.add(std::move(*key)); !ok)
      return fail(Errc::invalid_key, fmt::format("{}: {}", file, ok.error().message));
  }
  auto device_key = open_secret_key(keys_dir, kDeviceKeyFile, out.created);
  if (!device_key) return std::unexpected(device_key.error());
  out.device_cookie_key = std::move(*device_key);
  auto oauth_key = open_secret_key(keys_dir, kOauthKeyFile, out.created);
  if (!oauth_key) return std::unexpected(oauth_key.error());
  out.oauth_key = std::move(*oauth_key);
  auto jwks = out.signing_keys.to_jwks_json(false);
  if (!jwks) return std::unexpected(jwks.error());
  out.jwks_json = std::move(*jwks);
  return out;
}

}  // namespace tessera::server
