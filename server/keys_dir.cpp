// The data directory (keys_dir.hpp): creates DIR (0700), DIR/keys (0700), a first signing key
// of each group that has none (key_files.hpp), and device-cookie.key, oauth.key and bff.key (0600) when
// missing, then loads them.
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

#include "server/key_files.hpp"
#include "server/private_file.hpp"

#include "tessera/device_cookie.hpp"
#include "tessera/clock.hpp"

namespace tessera::server {
namespace {

constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;

// The secret key files: one line of base64url of kDeviceKeyBytes random bytes each.
constexpr const char* kDeviceKeyFile = "device-cookie.key";
constexpr const char* kOauthKeyFile = "oauth.key";
constexpr const char* kBffKeyFile = "bff.key";

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

}  // namespace

Result<DataDir> open_data_dir(const std::string& path) {
  if (path.empty()) return fail(Errc::io_error, "empty data directory path");
  DataDir out;
  if (auto ok = ensure_dir(path, out.created); !ok) return std::unexpected(ok.error());
  const std::string keys_dir = (std::filesystem::path(path) / "keys").string();
  if (auto ok = ensure_dir(keys_dir, out.created); !ok) return std::unexpected(ok.error());

  // The signing keys (key_files.hpp): a group without any key file gets its first-start key.
  auto made = create_missing_keys(keys_dir, SystemClock::instance().now());
  if (!made) return std::unexpected(made.error());
  out.created = out.created || *made;
  auto files = load_key_files(keys_dir);
  if (!files) return std::unexpected(files.error());
  for (auto& f : *files) {
    if (auto ok = out.signing_keys.add(f.entry.key); !ok)
      return fail(Errc::invalid_key, fmt::format("{}/{}: {}", keys_dir, f.name, ok.error().message));
  }
  out.key_files = std::move(*files);
  auto device_key = open_secret_key(keys_dir, kDeviceKeyFile, out.created);
  if (!device_key) return std::unexpected(device_key.error());
  out.device_cookie_key = std::move(*device_key);
  auto oauth_key = open_secret_key(keys_dir, kOauthKeyFile, out.created);
  if (!oauth_key) return std::unexpected(oauth_key.error());
  out.oauth_key = std::move(*oauth_key);
  // Added later than the others: making it in an existing directory is not a first start.
  bool bff_created = false;
  auto bff_key = open_secret_key(keys_dir, kBffKeyFile, bff_created);
  if (!bff_key) return std::unexpected(bff_key.error());
  out.bff_key = std::move(*bff_key);
  return out;
}

}  // namespace tessera::server
