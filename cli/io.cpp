// File, stdin and stdout handling plus duration parsing for the `tessera` CLI (see io.hpp).
#include "io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <limits>

#include "common.hpp"

namespace tessera::cli {
namespace {

constexpr std::size_t kMaxTokenInputBytes = 1024 * 1024;

std::string errno_text(int err) {
  return std::strerror(err);
}

// Reads fd to EOF; returns false (and sets err) on a read error, sets too_big past max_bytes.
bool read_fd(int fd, std::size_t max_bytes, std::string& out, bool& too_big, int& err) {
  char buf[16384];
  too_big = false;
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      return false;
    }
    if (n == 0) return true;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      too_big = true;
      return true;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
}

void write_all(int fd, std::string_view bytes, const std::string& where) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      usage_error(Errc::io_error, "cannot write " + where + ": " + errno_text(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

std::string read_input(const std::string& path, std::size_t max_bytes, std::string_view what) {
  const bool is_stdin = path == "-";
  const std::string name = is_stdin ? std::string("stdin") : path;
  int fd = STDIN_FILENO;
  if (!is_stdin) {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      usage_error(Errc::io_error, "cannot open " + std::string(what) + " " + name + ": " + errno_text(errno));
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      ::close(fd);
      usage_error(Errc::io_error, "cannot read " + std::string(what) + " " + name + ": is a directory");
    }
  }
  std::string out;
  bool too_big = false;
  int err = 0;
  const bool ok = read_fd(fd, max_bytes, out, too_big, err);
  if (!is_stdin) ::close(fd);
  if (!ok)
    usage_error(Errc::io_error, "cannot read " + std::string(what) + " " + name + ": " + errno_text(err));
  if (too_big)
    usage_error(Errc::io_error,
                std::string(what) + " " + name + " is over " + std::to_string(max_bytes) + " bytes");
  return out;
}

std::string read_token_arg(const std::string& arg) {
  if (arg != "-") return arg;
  std::string out;
  bool too_big = false;
  int err = 0;
  if (!read_fd(STDIN_FILENO, kMaxTokenInputBytes, out, too_big, err))
    usage_error(Errc::io_error, "cannot read token from stdin: " + errno_text(err));
  if (too_big) check_failed(Error{Errc::token_too_large, "token on stdin over the size limit"});
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ' ||
                          out.back() == '\t' || out.back() == '\v' || out.back() == '\f'))
    out.pop_back();
  return out;
}

void write_stdout(std::string_view bytes) {
  std::fflush(stdout);  // nothing should be buffered there, but keep the order right
  write_all(STDOUT_FILENO, bytes, "stdout");
}

void write_secret_file(const std::string& path, std::string_view bytes) {
  if (path == "-") {
    write_stdout(bytes);
    return;
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) usage_error(Errc::io_error, "cannot create " + path + ": " + errno_text(errno));
  // O_CREAT's mode does not apply to an existing file (and umask may add to it): force 0600
  // before any secret byte is written.
  if (::fchmod(fd, S_IRUSR | S_IWUSR) != 0) {
    const int err = errno;
    ::close(fd);
    usage_error(Errc::io_error, "cannot set mode 0600 on " + path + ": " + errno_text(err));
  }
  try {
    write_all(fd, bytes, path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0) usage_error(Errc::io_error, "cannot write " + path + ": " + errno_text(errno));
}

std::int64_t parse_duration(std::string_view text) {
  const std::string shown(text);
  std::int64_t unit = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 's':
        unit = 1;
        text.remove_suffix(1);
        break;
      case 'm':
        unit = 60;
        text.remove_suffix(1);
        break;
      case 'h':
        unit = 3600;
        text.remove_suffix(1);
        break;
      case 'd':
        unit = 86400;
        text.remove_suffix(1);
        break;
      default:
        break;
    }
  }
  std::int64_t n = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, n);
  const bool digits_only = !text.empty() && text.front() != '-' && text.front() != '+';
  // Cap at ~100 years so now + duration cannot overflow.
  constexpr std::int64_t kMaxSeconds = std::int64_t{100} * 366 * 86400;
  if (!digits_only || ec != std::errc{} || ptr != end || n <= 0 || n > kMaxSeconds / unit)
    usage_error(
        Errc::invalid_argument,
        "invalid duration \"" + shown + "\" (positive integer seconds, or with a unit: 90s, 15m, 1h, 7d)");
  return n * unit;
}

}  // namespace tessera::cli
