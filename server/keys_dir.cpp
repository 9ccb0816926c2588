// The data directory (keys_dir.hpp): creates DIR (0700), DIR/keys (0700) and, on first start,
// keys/ed25519.jwk and keys/es256.jwk (private JWKs, 0600) and keys/device-cookie.key (0600),
// then loads them.
// A key is written to a temporary name, fsynced, then linked to its final name (link() never
// replaces an existing file, so two instances starting at once agree on one key, and a crash
// never leaves a half-written key under the final name).
#include "server/keys_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include <fmt/format.h>

#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"
#include "tessera/device_cookie.hpp"

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
};

constexpr const char* kDeviceKeyFile = "device-cookie.key";

std::string errno_text(int err) { return std::strerror(err); }

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// Creates path (mode 0700) if missing, its parents with the default mode. Sets created.
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

Result<void> write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Errc::io_error, fmt::format("cannot write {}: {}", path, errno_text(errno)));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

void fsync_dir(const std::string& dir) {
  const Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());
}

// Writes bytes to `final_path` (mode 0600) unless it exists. Sets created when this call wrote it.
Result<void> write_new_key_file(const std::string& dir, const std::string& final_path, std::string_view bytes,
                                bool& created) {
  std::string tmp;
  int raw = -1;
  for (int attempt = 0; attempt < 16 && raw < 0; ++attempt) {
    tmp = fmt::format("{}.tmp-{}-{}", final_path, ::getpid(), attempt);
    raw = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (raw < 0 && errno != EEXIST)
      return fail(Errc::io_error, fmt::format("cannot create {}: {}", tmp, errno_text(errno)));
  }
  if (raw < 0) return fail(Errc::io_error, fmt::format("cannot create a temporary file next to {}", final_path));
  Fd fd(raw);
  auto written = write_all(fd.get(), bytes, tmp);
  if (written && ::fsync(fd.get()) != 0)
    written = fail(Errc::io_error, fmt::format("cannot sync {}: {}", tmp, errno_text(errno)));
  if (written && ::close(fd.release()) != 0)
    written = fail(Errc::io_error, fmt::format("cannot close {}: {}", tmp, errno_text(errno)));
  if (!written) {
    ::unlink(tmp.c_str());
    return written;
  }
  // link() fails with EEXIST instead of replacing: another process made the key first, use it.
  if (::link(tmp.c_str(), final_path.c_str()) == 0) {
    created = true;
  } else if (errno == EEXIST) {
    // keep theirs
  } else if (errno == EPERM || errno == ENOTSUP || errno == EMLINK || errno == ENOSYS) {
    // A file system without hard links: rename (may replace a key created concurrently).
    if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
      const int err = errno;
      ::unlink(tmp.c_str());
      return fail(Errc::io_error, fmt::format("cannot rename {} to {}: {}", tmp, final_path, errno_text(err)));
    }
    fsync_dir(dir);
    created = true;
    return {};
  } else {
    const int err = errno;
    ::unlink(tmp.c_str());
    return fail(Errc::io_error, fmt::format("cannot link {} to {}: {}", tmp, final_path, errno_text(err)));
  }
  ::unlink(tmp.c_str());
  fsync_dir(dir);
  return {};
}

Result<std::string> read_key_file(const std::string& path) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return fail(Errc::io_error, fmt::format("cannot open {}: {}", path, errno_text(errno)));
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Errc::io_error, fmt::format("cannot read {}: {}", path, errno_text(errno)));
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > kMaxKeyFileBytes) return fail(Errc::invalid_key, fmt::format("{} is too large", path));
  }
  return text;
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
  if (key.kty() != kf.kty || key.default_algorithm() != kf.alg)
    return fail(Errc::invalid_key, fmt::format("{}: not an {} key", path, alg_name(kf.alg)));
  return key;
}

// The device cookie key: exactly one line of canonical base64url of kDeviceKeyBytes bytes.
Result<SecretBytes> load_device_key(const std::string& path) {
  auto text = read_key_file(path);
  if (!text) return std::unexpected(text.error());
  std::string_view line(*text);
  if (line.ends_with('\n')) line.remove_suffix(1);
  std::string bytes;
  const bool ok = codec::base64url_decode_into(line, bytes) && bytes.size() == kDeviceKeyBytes;
  SecretBytes key{std::string_view(bytes)};
  crypto::secure_zero(bytes.data(), bytes.size());
  crypto::secure_zero(text->data(), text->size());
  if (!ok) return fail(Errc::invalid_key, fmt::format("{}: not one line of base64url of 32 bytes", path));
  return key;
}

// Creates the device cookie key file if missing (same atomic write as the signing keys).
Result<SecretBytes> open_device_key(const std::string& keys_dir, bool& created) {
  const std::string file = keys_dir + "/" + kDeviceKeyFile;
  if (::access(file.c_str(), F_OK) != 0) {
    if (errno != ENOENT) return fail(Errc::io_error, fmt::format("cannot access {}: {}", file, errno_text(errno)));
    auto raw = crypto::random_bytes(kDeviceKeyBytes);
    std::string text = codec::base64url_encode(raw) + '\n';
    crypto::secure_zero(raw.data(), raw.size());
    auto ok = write_new_key_file(keys_dir, file, text, created);
    crypto::secure_zero(text.data(), text.size());
    if (!ok) return std::unexpected(ok.error());
  }
  return load_device_key(file);
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
      auto key = Key::generate(kf.spec);
      if (!key) return std::unexpected(key.error());
      auto jwk = key->to_jwk_json(true);
      if (!jwk) return std::unexpected(jwk.error());
      *jwk += '\n';
      if (auto ok = write_new_key_file(keys_dir, file, *jwk, out.created); !ok) return std::unexpected(ok.error());
    }
    auto key = load_key(file, kf);
    if (!key) return std::unexpected(key.error());
    if (auto ok = out.signing_keys.add(std::move(*key)); !ok)
      return fail(Errc::invalid_key, fmt::format("{}: {}", file, ok.error().message));
  }
  auto device_key = open_device_key(keys_dir, out.created);
  if (!device_key) return std::unexpected(device_key.error());
  out.device_cookie_key = std::move(*device_key);
  auto jwks = out.signing_keys.to_jwks_json(false);
  if (!jwks) return std::unexpected(jwks.error());
  out.jwks_json = std::move(*jwks);
  return out;
}

}  // namespace tessera::server
