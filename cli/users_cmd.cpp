// `tessera users add|passwd|disable|list`: manage the accounts `tessera serve` logs in, in the
// store the server uses (the same --config / --data / --store settings and TESSERA_* variables).
// Every rule (username syntax, password length, Argon2id parameters, revoking sessions on a
// reset) lives in AuthService; this file only reads input and prints results.
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>

#include <boost/json.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "tessera/wiped.hpp"
#include "io.hpp"
#include "server_settings.hpp"
#include "server/keys_dir.hpp"
#include "tessera/auth_service.hpp"
#include "tessera/password.hpp"
#include "tessera/session.hpp"
#include "tessera/user_store.hpp"
#include "tessera/rfc3339.hpp"

namespace tessera::cli {
namespace {

struct UsersOptions {
  ServerSettings settings;
  std::string user;
  bool password_stdin = false;
  bool json = false;
};

// Service and store failures are exit 1 with the message (the operator's own request).
template <class T>
T or_fail(Result<T> r) {
  if (!r) check_failed_verbose(r.error());
  if constexpr (!std::is_void_v<T>) return std::move(*r);
}

server::Services open_accounts(UsersOptions& o) { return open_cli_services(o.settings, "tessera users"); }

// ---- password input -------------------------------------------------------------------------------

// A password read from the terminal or stdin; wiped when it goes.
struct Password {
  Wiped<std::string> value;
};

// One line from stdin without its "\n" or "\r\n". More than kMaxPasswordLength bytes is
// weak_password (the service's bound) without reading the rest.
void read_line(Password& out) {
  out.value.reserve(kMaxPasswordLength + 2);
  for (;;) {
    char c = 0;
    const ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n < 0) {
      if (errno == EINTR) continue;
      usage_error(Errc::io_error, std::string("cannot read the password from stdin: ") + std::strerror(errno));
    }
    if (n == 0 || c == '\n') break;
    if (out.value.size() > kMaxPasswordLength) {
      check_failed_verbose(Error{Errc::weak_password, "password longer than " +
                                                          std::to_string(kMaxPasswordLength) + " bytes"});
    }
    out.value.push_back(c);
  }
  if (!out.value.empty() && out.value.back() == '\r') out.value.pop_back();
}

// Terminal echo off while a password is typed; restored on return, exception or a signal.
termios g_saved_termios{};

extern "C" void restore_echo_and_reraise(int sig) {
  ::tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_termios);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

class EchoOff {
 public:
  EchoOff() {
    if (::tcgetattr(STDIN_FILENO, &g_saved_termios) != 0)
      usage_error(Errc::io_error, std::string("cannot read terminal settings: ") + std::strerror(errno));
    struct sigaction sa {};
    sa.sa_handler = restore_echo_and_reraise;
    sigemptyset(&sa.sa_mask);
    for (std::size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &sa, &old_[i]);
    termios quiet = g_saved_termios;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;
  ~EchoOff() {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_termios);
    for (std::size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &old_[i], nullptr);
  }

 private:
  static constexpr std::array<int, 4> kSignals = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  std::array<struct sigaction, 4> old_{};
};

void prompt(const std::string& text, Password& out) {
  std::fputs(text.c_str(), stderr);
  std::fflush(stderr);
  const EchoOff quiet;
  read_line(out);
}

// --password-stdin, or stdin not a terminal: one line. A terminal: asked twice, must match.
void read_password(const UsersOptions& o, Password& out) {
  if (o.password_stdin || !::isatty(STDIN_FILENO)) {
    read_line(out);
    return;
  }
  Password again;
  prompt("New password for " + o.user + ": ", out);
  prompt("Repeat the password: ", again);
  if (out.value != again.value) check_failed_verbose(Error{Errc::invalid_argument, "the passwords do not match"});
}

// ---- commands ---------------------------------------------------------------------------------------

std::string utc(std::int64_t t) {
  auto s = token::format_rfc3339(t);
  if (!s) return std::to_string(t);
  if (s->ends_with("+00:00")) s->replace(s->size() - 6, 6, "Z");
  return *s;
}

void run_add(UsersOptions& o) {
  auto a = open_accounts(o);
  Password pw;
  read_password(o, pw);
  or_fail(a.auth->add_user(o.user, pw.value));
  write_stdout("user " + o.user + " added\n");
}

void run_passwd(UsersOptions& o) {
  auto a = open_accounts(o);
  Password pw;
  read_password(o, pw);
  const auto n = or_fail(a.auth->reset_password(o.user, pw.value));
  write_stdout("password changed for " + o.user + "; " + std::to_string(n) + " sessions revoked\n");
}

void run_disable(UsersOptions& o) {
  auto a = open_accounts(o);
  const auto n = or_fail(a.auth->disable_user(o.user));
  write_stdout(o.user + " disabled; " + std::to_string(n) + " sessions revoked\n");
}

void run_list(UsersOptions& o) {
  auto a = open_accounts(o);
  const auto users = or_fail(a.auth->users());
  std::string out;
  if (o.json) {
    boost::json::array list;
    for (const auto& u : users)
      list.push_back(boost::json::object{{"username", u.username},
                                         {"disabled", u.disabled},
                                         {"created_at", u.created_at},
                                         {"updated_at", u.updated_at}});
    out = boost::json::serialize(list) + "\n";
  } else {
    for (const auto& u : users)
      out += u.username + (u.disabled ? "\tdisabled" : "\tactive") + "\tcreated " + utc(u.created_at) + "\n";
  }
  write_stdout(out);
}

// A users subcommand with the server's settings in their own help group.
CLI::App* add_users_subcommand(CLI::App* users, const std::string& name, const std::string& description,
                               const std::shared_ptr<UsersOptions>& o) {
  auto* cmd = users->add_subcommand(name, description);
  add_server_settings(*cmd, o->settings, "--config, --data, --store, the argon2 and session ones");
  return cmd;
}

constexpr const char* kExitFooter =
    "Exit codes: 0 done; 1 user_exists, user_not_found, weak_password, invalid_argument (bad\n"
    "username, passwords differ) or store_unavailable, as `error: <code>: <message>`;\n"
    "2 usage, configuration or I/O error.";

}  // namespace

void add_users_commands(CLI::App& app) {
  auto* users = app.add_subcommand("users", "Add, change, disable and list the accounts `tessera serve` logs in");
  users->require_subcommand(1);

  const auto password_help =
      "Read the password from one line of stdin (the default when stdin is not a terminal; "
      "on a terminal it is asked twice, without echo)";

  auto add_o = std::make_shared<UsersOptions>();
  auto* add = add_users_subcommand(users, "add", "Create a user; prints `user USER added`", add_o);
  add->add_option("USER", add_o->user, "1-64 characters of A-Z a-z 0-9 . _ @ + -")->required();
  add->add_flag("--password-stdin", add_o->password_stdin, password_help);
  add->footer(kExitFooter);
  add->callback([add_o] { run_add(*add_o); });

  auto pw_o = std::make_shared<UsersOptions>();
  auto* passwd = add_users_subcommand(
      users, "passwd", "Set a user's password and revoke all their sessions; prints how many", pw_o);
  passwd->add_option("USER", pw_o->user, "The user")->required();
  passwd->add_flag("--password-stdin", pw_o->password_stdin, password_help);
  passwd->footer(kExitFooter);
  passwd->callback([pw_o] { run_passwd(*pw_o); });

  auto dis_o = std::make_shared<UsersOptions>();
  auto* disable = add_users_subcommand(
      users, "disable", "Disable a user (logins fail) and revoke all their sessions; prints how many", dis_o);
  disable->add_option("USER", dis_o->user, "The user")->required();
  disable->footer(kExitFooter);
  disable->callback([dis_o] { run_disable(*dis_o); });

  auto list_o = std::make_shared<UsersOptions>();
  auto* list = add_users_subcommand(users, "list", "List users: USER<TAB>active|disabled<TAB>created TIME", list_o);
  list->add_flag("--json", list_o->json,
                 "Print a JSON array of {username, disabled, created_at, updated_at} (Unix seconds)");
  list->footer("Exit codes: 0 listed; 1 store_unavailable; 2 usage, configuration or I/O error.");
  list->callback([list_o] { run_list(*list_o); });
}

}  // namespace tessera::cli
