// `tessera advise`: the decision runbook (docs/advise.md). Asks the questions it was not given
// (when stdin is a terminal), then prints the recommendation advise() makes (cli/advise/) as
// text or JSON. This file only asks, parses and prints.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include <boost/json.hpp>

#include "advise/runbook.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "io.hpp"

namespace tessera::cli {
namespace {

namespace json = boost::json;
using namespace advise;

struct AdviseOptions {
  std::string client, standards, browser, revocation, verifiers, minter;
  bool json = false;
};

// Asks on stdout, reads one line; repeats until parse() accepts it (EOF: usage error).
template <class Parse>
auto ask(const std::string& question, Parse parse) -> decltype(parse(std::string_view{})) {
  for (;;) {
    std::fputs((question + " ").c_str(), stdout);
    std::fflush(stdout);
    std::string line;
    if (!std::getline(std::cin, line)) usage_error(Errc::invalid_argument, "no answer to: " + question);
    if (auto v = parse(line)) return v;
    std::fputs("  (one of the choices in brackets, please)\n", stdout);
  }
}

template <class T, class Parse>
void take(const std::string& flag, const std::string& text, std::optional<T>& out, Parse parse) {
  if (text.empty()) return;
  out = parse(text);
  if (!out) usage_error(Errc::invalid_argument, flag + ": \"" + text + "\" is not one of the choices (see --help)");
}

Answers answers_of(const AdviseOptions& o) {
  Answers a;
  take("--client", o.client, a.client, parse_client);
  take("--standards", o.standards, a.standards, parse_yes_no);
  take("--browser-holds-token", o.browser, a.browser_holds_token, parse_yes_no);
  take("--immediate-revocation", o.revocation, a.immediate_revocation, parse_yes_no);
  take("--verifiers", o.verifiers, a.verifiers, parse_verifiers);
  take("--minter", o.minter, a.minter, parse_minter);
  return a;
}

void ask_missing(Answers& a) {
  if (!a.client)
    a.client = ask("Who is the client? [browser-app / spa / native / service / partner]", parse_client);
  if (!a.standards)
    a.standards = ask("Are standards (OAuth / OpenID Connect interop) or an external IdP needed? [yes / no]",
                      parse_yes_no);
  if (!a.browser_holds_token && (a.client == ClientKind::spa || a.client == ClientKind::browser_app))
    a.browser_holds_token = ask("Must JavaScript in the browser hold the token itself? [yes / no]", parse_yes_no);
  if (!a.immediate_revocation)
    a.immediate_revocation =
        ask("Must a revocation stop the very next request (not minutes later)? [yes / no]", parse_yes_no);
  if (!a.verifiers)
    a.verifiers = ask("Who verifies the tokens: the service that mints them, a few services you run, or many "
                      "(or ones you do not run)? [one / few / many]",
                      parse_verifiers);
  if (!a.minter)
    a.minter = ask("Who mints them? [tessera / self / external]", parse_minter);
}

json::array strings(const std::vector<std::string>& v) {
  json::array out;
  for (const auto& s : v) out.emplace_back(s);
  return out;
}

std::string to_json(const Answers& given, const Recommendation& r) {
  const Answers a = with_defaults(given);
  json::object answers{{"client", name_of(*a.client)},
                       {"standards", *a.standards},
                       {"browser_holds_token", *a.browser_holds_token},
                       {"immediate_revocation", *a.immediate_revocation},
                       {"verifiers", name_of(*a.verifiers)},
                       {"minter", name_of(*a.minter)}};
  json::array commands;
  for (const auto& c : r.commands) {
    json::array argv{"tessera"};
    for (const auto& arg : c.argv) argv.emplace_back(arg);
    commands.push_back(json::object{{"comment", c.comment}, {"line", shell_line(c)}, {"argv", std::move(argv)}});
  }
  json::object o{{"model", name_of(r.model)},
                 {"title", title_of(r.model)},
                 {"token_format", r.token_format.empty() ? json::value(nullptr) : json::value(r.token_format)},
                 {"answers", std::move(answers)},
                 {"assumed", strings(r.assumed)},
                 {"tensions", strings(r.tensions)},
                 {"reasons", strings(r.reasons)},
                 {"pitfalls", strings(r.pitfalls)},
                 {"commands", std::move(commands)},
                 {"notes", strings(r.notes)}};
  return json::serialize(o) + "\n";
}

void section(std::string& out, const std::string& title, const std::vector<std::string>& items) {
  if (items.empty()) return;
  out += "\n" + title + "\n";
  for (const auto& s : items) out += "  - " + s + "\n";
}

std::string to_text(const Recommendation& r) {
  std::string out = "Recommended: " + std::string(title_of(r.model));
  if (r.token_format == "jwt") out += " (JWT access tokens)";
  if (r.token_format == "paseto") out += " (PASETO v4.public access tokens)";
  out += "\n";
  if (!r.assumed.empty()) {
    out += "Assumed (not answered):";
    for (const auto& s : r.assumed) out += " " + s;
    out += "\n";
  }
  section(out, "Your answers pull in different directions:", r.tensions);
  section(out, "Why:", r.reasons);
  section(out, "Watch for:", r.pitfalls);
  if (!r.commands.empty()) {
    out += "\nConfiguration (replace the example.com names and paths):\n";
    for (const auto& c : r.commands) out += "  # " + c.comment + "\n  " + shell_line(c) + "\n";
  }
  section(out, "Also:", r.notes);
  return out;
}

void run_advise(const AdviseOptions& o) {
  Answers a = answers_of(o);
  const bool all_given = a.client && a.standards && a.browser_holds_token && a.immediate_revocation && a.verifiers &&
                         a.minter;
  if (!all_given && isatty(STDIN_FILENO) == 1) ask_missing(a);
  if (!a.client) usage_error(Errc::invalid_argument, "--client is required when stdin is not a terminal");
  const Recommendation r = advise::advise(a);
  write_stdout(o.json ? to_json(a, r) : to_text(r));
}

}  // namespace

void add_advise_command(CLI::App& app) {
  auto o = std::make_shared<AdviseOptions>();
  auto* cmd = app.add_subcommand(
      "advise", "The decision runbook: which token model fits a client, why, its pitfalls and the tessera "
                "configuration (docs/advise.md)");
  cmd->add_option("--client", o->client, "Who is the client")
      ->check(CLI::IsMember({"browser-app", "spa", "native", "mobile", "service", "partner", "third-party"}));
  cmd->add_option("--standards", o->standards, "OAuth / OIDC interop or an external IdP needed (default: yes for "
                                               "partner or an external minter, else no)")
      ->check(CLI::IsMember({"yes", "no"}));
  cmd->add_option("--browser-holds-token", o->browser, "Must JavaScript in the browser hold the token (default no)")
      ->check(CLI::IsMember({"yes", "no"}));
  cmd->add_option("--immediate-revocation", o->revocation,
                  "Must a revocation stop the very next request (default no)")
      ->check(CLI::IsMember({"yes", "no"}));
  cmd->add_option("--verifiers", o->verifiers,
                  "Who verifies tokens: one (the minting service), few (services you run; the default), many "
                  "(or ones you do not run; the default for partner)")
      ->check(CLI::IsMember({"one", "few", "many"}));
  cmd->add_option("--minter", o->minter, "Who mints tokens: tessera (default), self (the service), external (an IdP)")
      ->check(CLI::IsMember({"tessera", "self", "external"}));
  cmd->add_flag("--json", o->json,
                "Print {model, title, token_format, answers, assumed, tensions, reasons, pitfalls, commands, notes}");
  cmd->footer(
      "Asks the questions not given as flags when stdin is a terminal; otherwise unanswered ones take their\n"
      "defaults (listed as assumed) and --client is required.\n"
      "Models: session_cookie, bff_cookie, access_refresh (token_format jwt or paseto), opaque_introspection,\n"
      "paseto_local.\n"
      "Exit codes: 0 advice printed; 2 usage error (an unknown answer, no --client without a terminal).");
  cmd->callback([o] { run_advise(*o); });
}

}  // namespace tessera::cli
