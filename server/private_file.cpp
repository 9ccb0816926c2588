// write_private_file / read_small_file (private_file.hpp).
#include "server/private_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

namespace tessera::server {
namespace {

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

// The temporary file, written and synced; its name in tmp.
Result<void> write_temporary(const std::string& path, std::string_view bytes, std::string& tmp) {
  int raw = -1;
  for (int attempt = 0; attempt < 16 && raw < 0; ++attempt) {
    tmp = fmt::format("{}.tmp-{}-{}", path, ::getpid(), attempt);
    raw = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (raw < 0 && errno != EEXIST) return fail(Errc::io_error, fmt::format("cannot create {}: {}", tmp, errno_text(errno)));
  }
  if (raw < 0) return fail(Errc::io_error, fmt::format("cannot create a temporary file next to {}", path));
  Fd fd(raw);
  auto written = write_all(fd.get(), bytes, tmp);
  if (written && ::fsync(fd.get()) != 0)
    written = fail(Errc::io_error, fmt::format("cannot sync {}: {}", tmp, errno_text(errno)));
  if (written && ::close(fd.release()) != 0)
    written = fail(Errc::io_error, fmt::format("cannot close {}: {}", tmp, errno_text(errno)));
  if (!written) ::unlink(tmp.c_str());
  return written;
}

Result<bool> rename_into_place(const std::string& dir, const std::string& tmp, const std::string& path) {
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return fail(Errc::io_error, fmt::format("cannot rename {} to {}: {}", tmp, path, errno_text(err)));
  }
  fsync_dir(dir);
  return true;
}

}  // namespace

Result<bool> write_private_file(const std::string& dir, const std::string& path, std::string_view bytes,
                                Placement placement) {
  std::string tmp;
  if (auto w = write_temporary(path, bytes, tmp); !w) return std::unexpected(std::move(w.error()));
  if (placement == Placement::replace) return rename_into_place(dir, tmp, path);
  // link() fails with EEXIST instead of replacing: another process made the file first, keep it.
  bool created = false;
  if (::link(tmp.c_str(), path.c_str()) == 0) {
    created = true;
  } else if (errno == EPERM || errno == ENOTSUP || errno == EMLINK || errno == ENOSYS) {
    // A file system without hard links: rename (may replace a file created concurrently).
    return rename_into_place(dir, tmp, path);
  } else if (errno != EEXIST) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return fail(Errc::io_error, fmt::format("cannot link {} to {}: {}", tmp, path, errno_text(err)));
  }
  ::unlink(tmp.c_str());
  fsync_dir(dir);
  return created;
}

Result<std::optional<std::string>> read_small_file(const std::string& path, std::size_t max_bytes, Errc too_large_code) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::optional<std::string>{};
    return fail(Errc::io_error, fmt::format("cannot open {}: {}", path, errno_text(errno)));
  }
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
    if (text.size() > max_bytes) return fail(too_large_code, fmt::format("{} is too large", path));
  }
  return std::optional<std::string>(std::move(text));
}

}  // namespace tessera::server
