// Entry point of the `tessera` command-line tool: builds the CLI11 app and is the single place
// where failures become output and exit codes (0 ok, 1 invalid token / failed check,
// 2 usage or I/O error; see common.hpp).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "commands.hpp"
#include "common.hpp"

namespace {

constexpr const char* kFooter =
    "Exit codes:\n"
    "  0  success (token valid, key written, ...)\n"
    "  1  invalid token or failed check; stderr is one line `error: <code>` (jwt sign, users and\n"
    "     store commands add `: <message>`), where <code> is a stable name such as token_expired, bad_signature,\n"
    "     alg_not_allowed, key_not_found, user_exists\n"
    "  2  usage or I/O error, or an unusable key file (`error: <code>: <message>`)\n"
    "Run `tessera <command> --help` for each command's options.";

void print_error_line(const std::string& line) {
  std::fflush(stdout);
  std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  namespace cli = tessera::cli;
  CLI::App app{
      "tessera: issue, verify and inspect JWTs, JWS, PASETO tokens, their keys, sessions and users; run the "
      "auth server and the gateway in front of an API",
      "tessera"};
  app.set_version_flag("--version", "tessera 0.1.0");
  app.require_subcommand(1);
  app.footer(kFooter);
  cli::add_keys_commands(app);
  cli::add_jwt_commands(app);
  cli::add_paseto_commands(app);
  cli::add_sessions_commands(app);
  cli::add_users_commands(app);
  cli::add_clients_commands(app);
  cli::add_store_commands(app);
  int exit_code = cli::kExitOk;  // set by serve, gateway and doctor
  cli::add_serve_command(app, exit_code);
  cli::add_gateway_command(app, exit_code);
  cli::add_advise_command(app);
  cli::add_doctor_command(app, exit_code);

  try {
    app.parse(argc, argv);
    return exit_code;
  } catch (const cli::Failure& failure) {
    print_error_line(cli::failure_line(failure));
    return failure.exit_code();
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with exit code 0: let CLI11 print them.
    if (e.get_exit_code() == 0) return app.exit(e);
    std::string line = "error: invalid_argument: ";
    line += e.what();
    line += " (see --help)";
    print_error_line(line);
    return cli::kExitUsage;
  } catch (const std::exception& e) {
    print_error_line(std::string("error: internal: ") + e.what());
    return cli::kExitUsage;
  }
}
