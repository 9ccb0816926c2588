// The remembered store epoch (epoch_file.hpp): DIR/store-epoch, written like the signing keys
// (O_EXCL temporary file, mode 0600, fsync) but renamed over the old file, since it changes.
#include "server/epoch_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "tessera/store_epoch.hpp"

namespace tessera::server {
namespace {

constexpr std::size_t kMaxFileBytes = 256;

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
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

}  // namespace

std::string epoch_file_path(const std::string& data_dir) { return data_dir + "/store-epoch"; }

Result<std::optional<std::string>> read_local_epoch(const std::string& data_dir) {
  const std::string path = epoch_file_path(data_dir);
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::optional<std::string>{};
    return fail(Errc::io_error, fmt::format("cannot open {}: {}", path, errno_text(errno)));
  }
  std::string text;
  char buf[128];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Errc::io_error, fmt::format("cannot read {}: {}", path, errno_text(errno)));
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > kMaxFileBytes) return fail(Errc::io_error, fmt::format("{} is too large", path));
  }
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!valid_epoch_id(text)) return fail(Errc::io_error, fmt::format("{} does not hold a store epoch id", path));
  return std::optional<std::string>(std::move(text));
}

Result<void> write_local_epoch(const std::string& data_dir, const std::string& id) {
  if (!valid_epoch_id(id)) return fail(Errc::invalid_argument, "not a store epoch id");
  const std::string path = epoch_file_path(data_dir);
  std::string tmp;
  int raw = -1;
  for (int attempt = 0; attempt < 16 && raw < 0; ++attempt) {
    tmp = fmt::format("{}.tmp-{}-{}", path, ::getpid(), attempt);
    raw = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (raw < 0 && errno != EEXIST) return fail(Errc::io_error, fmt::format("cannot create {}: {}", tmp, errno_text(errno)));
  }
  if (raw < 0) return fail(Errc::io_error, fmt::format("cannot create a temporary file next to {}", path));
  Fd fd(raw);
  const std::string bytes = id + "\n";
  std::string_view rest = bytes;
  Result<void> ok;
  while (ok && !rest.empty()) {
    const ssize_t n = ::write(fd.get(), rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ok = fail(Errc::io_error, fmt::format("cannot write {}: {}", tmp, errno_text(errno)));
    else rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (ok && ::fsync(fd.get()) != 0) ok = fail(Errc::io_error, fmt::format("cannot sync {}: {}", tmp, errno_text(errno)));
  if (ok && ::close(fd.release()) != 0)
    ok = fail(Errc::io_error, fmt::format("cannot close {}: {}", tmp, errno_text(errno)));
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0)
    ok = fail(Errc::io_error, fmt::format("cannot rename {} to {}: {}", tmp, path, errno_text(errno)));
  if (!ok) {
    ::unlink(tmp.c_str());
    return ok;
  }
  const Fd dir(::open(data_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) ::fsync(dir.get());
  return {};
}

}  // namespace tessera::server
