// Shared pieces of the `tessera` CLI: the Failure exception that carries an exit code to the
// single error boundary in main.cpp, key-file loading and --alg parsing.
//
// Exit codes (the CLI contract): 0 success / valid, 1 invalid token or failed check,
// 2 usage or I/O error (bad arguments, unreadable files, unusable key files).
#pragma once

#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>

#include "tessera/error.hpp"
#include "tessera/validator.hpp"
#include "tessera/keys.hpp"

namespace tessera::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitUsage = 2;

// Thrown by command handlers; main() prints `error: <code>[: <message>]` and exits.
class Failure : public std::exception {
 public:
  Failure(int exit_code, Error error, bool show_message)
      : exit_code_(exit_code), error_(std::move(error)), show_message_(show_message) {}
  int exit_code() const noexcept { return exit_code_; }
  const Error& error() const noexcept { return error_; }
  bool show_message() const noexcept { return show_message_; }
  const char* what() const noexcept override { return "tessera cli failure"; }

 private:
  int exit_code_;
  Error error_;
  bool show_message_;
};

// Exit 2 with `error: <code>: <message>`.
[[noreturn]] void usage_error(Errc code, std::string message);
[[noreturn]] void usage_error(const Error& error);
// Exit 1 with `error: <code>` only: verification details stay out of the output
// (error.hpp: front ends show callers only the code).
[[noreturn]] void check_failed(const Error& error);
// Exit 1 with `error: <code>: <message>` (signing with the operator's own key).
[[noreturn]] void check_failed_verbose(const Error& error);

// The single stderr line for a failure (no trailing newline; newlines in messages flattened).
std::string failure_line(const Failure& failure);

struct LoadedKeys {
  KeySet keys;
  bool from_pem = false;  // PEM files carry no kid (the library assigns the thumbprint)
  bool is_jwks = false;   // the file was a JWKS ({"keys": [...]})
};
// Reads and parses a key file (PEM, JWK or JWKS; "-" = stdin). Any failure exits 2.
LoadedKeys load_key_file(const std::string& path);
// The same in two steps, for commands that also accept PASETO (PASERK) key files.
std::string read_key_file(const std::string& path);
LoadedKeys parse_key_file(const std::string& text, const std::string& path);

// The claims of a sign/encrypt command: exactly one of --claims JSON / --claims-file FILE|-.
// Must be a JSON object (strict parse: duplicates and deep nesting refused); else exit 2.
boost::json::object read_claims_arg(const std::string& claims, bool have_claims, const std::string& claims_file,
                                    bool have_file);

// The claims policy options shared by `jwt verify` and `paseto decrypt|verify`.
struct PolicyOptions {
  std::vector<std::string> issuers;  // empty: issuer not checked
  std::string audience;              // empty: a token carrying aud is rejected
  std::int64_t leeway = 60;
  std::vector<std::string> required;
  std::optional<std::int64_t> max_age;
  bool allow_missing_exp = false;
};
// Registers --iss, --aud, --leeway, --require, --max-age and --allow-missing-exp on cmd.
void add_policy_options(CLI::App* cmd, PolicyOptions& o);
// The ClaimsValidator those options describe (exit 2 if they are inconsistent).
ClaimsValidator build_policy(const PolicyOptions& o);

// "RS256" etc.; unknown names (including "none") exit 2.
Algorithm parse_alg_arg(std::string_view name);
std::vector<Algorithm> parse_alg_args(const std::vector<std::string>& names);

}  // namespace tessera::cli
