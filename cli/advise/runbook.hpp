// The decision runbook of `tessera advise` (docs/advise.md) as a pure function: the answers to
// five questions in, a Recommendation out (the model, why, what to watch for, the tensions
// between answers, and the `tessera` command lines that implement it). No I/O: the command
// (cli/advise_cmd.cpp) asks the questions and prints; tests call advise() directly.
// Thread safety: plain values and a pure function.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::cli::advise {

// Who is the client.
enum class ClientKind { browser_app, spa, native, service, partner };
// How many verify the tokens: one (the service that mints them), a few services we run, many
// (or services we do not run).
enum class Verifiers { one, few, many };
// Who mints the tokens: Tessera, the service itself, an external identity provider.
enum class Minter { tessera, self, external };

struct Answers {
  std::optional<ClientKind> client;
  std::optional<bool> standards;             // OAuth / OIDC interoperability or an external IdP needed
  std::optional<bool> browser_holds_token;   // must JavaScript in the browser hold the token
  std::optional<bool> immediate_revocation;  // must a revocation stop the very next request
  std::optional<Verifiers> verifiers;
  std::optional<Minter> minter;
};

// The defaults for unanswered questions (client has none: it must be answered).
Answers with_defaults(const Answers& a);

enum class Model { session_cookie, bff_cookie, access_refresh, opaque_introspection, paseto_local };

struct Command {
  std::string comment;            // what it does, one line
  std::vector<std::string> argv;  // the arguments after `tessera`
};

struct Recommendation {
  Model model = Model::session_cookie;
  std::string token_format;  // access_refresh: "jwt" or "paseto" (v4.public); opaque: "opaque"; else empty
  std::vector<std::string> reasons;
  std::vector<std::string> pitfalls;
  std::vector<std::string> tensions;  // answers that pull different ways, and what each way costs
  std::vector<std::string> assumed;   // unanswered questions and the answer assumed
  std::vector<Command> commands;
  std::vector<std::string> notes;     // configuration that is not a `tessera` command line
};

// REQUIRES: a.client is set.
Recommendation advise(const Answers& a);

// Names as the flags spell them ("browser-app", "spa", ...; "one", "few", "many"; "tessera",
// "self", "external") and the model's machine name ("session_cookie", ...) and title.
std::string_view name_of(ClientKind k);
std::string_view name_of(Verifiers v);
std::string_view name_of(Minter m);
std::string_view name_of(Model m);
std::string_view title_of(Model m);
std::optional<ClientKind> parse_client(std::string_view s);
std::optional<Verifiers> parse_verifiers(std::string_view s);
std::optional<Minter> parse_minter(std::string_view s);
std::optional<bool> parse_yes_no(std::string_view s);

// A command line as a POSIX shell reads it: "tessera" and each argument, quoted when needed.
std::string shell_line(const Command& c);

}  // namespace tessera::cli::advise
