// local_url and print_what_now (server/first_start.hpp).
#include "server/first_start.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <string_view>
#include <system_error>

namespace tessera::server {
namespace {

// A word for a POSIX shell: as is when it holds only safe characters, else in single quotes.
std::string shell_word(const std::string& s) {
  const bool safe = !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("/._-+:,=@%").find(static_cast<char>(c)) != std::string_view::npos;
  });
  if (safe) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The command that runs this binary again from any directory: the absolute path of the
// running executable (/proc/self/exe), since `tessera` is usually not on PATH (scripts/run.sh
// runs build/tessera). Falls back to "tessera" when the link cannot be read.
std::string self_command() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec || exe.empty() ? std::string("tessera") : shell_word(exe.string());
}

// A path for a command that may be run from another directory: absolute, quoted if needed.
std::string absolute_word(const std::string& path) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  return shell_word(ec ? path : abs.lexically_normal().string());
}

}  // namespace

// The URL this machine reaches the listener at: a wildcard bind is reached on loopback.
std::string local_url(tcp::endpoint bound, bool tls) {
  if (bound.address().is_unspecified())
    bound.address(bound.address().is_v6() ? asio::ip::address(asio::ip::address_v6::loopback())
                                          : asio::ip::address(asio::ip::address_v4::loopback()));
  return endpoint_url(bound, tls);
}

// The lines that tell a first-time user what to do next (standard error). The commands work
// as printed from any directory: the binary, the data directory and the config file are
// absolute paths.
void print_what_now(const ServerConfig& cfg, const tcp::endpoint& bound, bool tls, bool created,
                    const std::optional<tcp::endpoint>& metrics) {
  // The metrics line first: whoever waits for "listening on" has seen both.
  if (metrics) std::fprintf(stderr, "tessera: metrics on %s/metrics\n", endpoint_url(*metrics, false).c_str());
  std::fprintf(stderr, "tessera: listening on %s\n", endpoint_url(bound, tls).c_str());
  if (!created) return;
  const std::string url = local_url(bound, tls);
  // The settings as this server resolved them (flags beat the file and the environment).
  std::string where = cfg.config_file.empty() ? "" : "--config " + absolute_word(cfg.config_file) + " ";
  where += "--data " + absolute_word(cfg.data);
  if (cfg.store != "sqlite") where += " --store " + shell_word(cfg.store);
  const std::string insecure = tls ? "-k " : "";
  std::fprintf(stderr,
               "tessera: first start: created %s (signing keys in %s/keys). Next:\n"
               "  add a user:      printf '%%s\\n' 'correct horse battery staple' | %s users add alice --password-stdin %s\n"
               "  log in:          curl %s-si -c jar -H 'Content-Type: application/json' -d '{\"username\":\"alice\",\"password\":\"correct horse battery staple\"}' %s/login\n"
               "  see the session: curl %s-s -b jar %s/session\n",
               cfg.data.c_str(), cfg.data.c_str(), self_command().c_str(), where.c_str(), insecure.c_str(), url.c_str(), insecure.c_str(),
               url.c_str());
}

}  // namespace tessera::server
