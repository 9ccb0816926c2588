// `tessera advise` (cli/advise/): one test per scenario of the runbook (each client kind, the
// defaults, the conflicts), asserting the model and the key configuration (the gateway line
// wherever an API verifies tokens); every printed command line is parsed by the real CLI parser
// (a gateway line also passes the gateway's config check), and every `clients add` it prints is
// run against a scratch SQLite store, so the advice only names flags and values Tessera accepts.
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "advise/runbook.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "gateway/config.hpp"

namespace tessera::cli::advise {
namespace {

Answers ask(ClientKind k) {
  Answers a;
  a.client = k;
  return a;
}

bool has(const std::vector<std::string>& v, std::string_view needle) {
  return std::any_of(v.begin(), v.end(), [&](const std::string& s) { return s.find(needle) != std::string::npos; });
}

// The command whose argv starts with these words, or nullptr.
const Command* find(const Recommendation& r, std::vector<std::string> prefix) {
  for (const auto& c : r.commands)
    if (c.argv.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), c.argv.begin())) return &c;
  return nullptr;
}

// The value after flag in c (empty: absent); "" for a flag without value is "present".
std::string value_of(const Command& c, std::string_view flag) {
  for (std::size_t i = 0; i < c.argv.size(); ++i)
    if (c.argv[i] == flag) return i + 1 < c.argv.size() && !c.argv[i + 1].starts_with("--") ? c.argv[i + 1] : "present";
  return "";
}

// The tessera app that stops once the whole command line is parsed and validated: the root's
// pre_callback runs after every option's conversion and check, before any command's callback.
struct Parsed {};
struct ParseOnlyApp : CLI::App {
  ParseOnlyApp() : CLI::App("tessera") {}
  void pre_callback() override { throw Parsed{}; }
};

// The tessera app as main.cpp builds it.
void build_app(CLI::App& app, int& exit_code) {
  app.require_subcommand(1);
  add_keys_commands(app);
  add_jwt_commands(app);
  add_paseto_commands(app);
  add_sessions_commands(app);
  add_users_commands(app);
  add_clients_commands(app);
  add_store_commands(app);
  add_serve_command(app, exit_code);
  add_gateway_command(app, exit_code);
  add_advise_command(app);
  add_doctor_command(app, exit_code);
}

void parse(CLI::App& app, const std::vector<std::string>& argv) {
  std::vector<const char*> args{"tessera"};
  for (const auto& a : argv) args.push_back(a.c_str());
  app.parse(static_cast<int>(args.size()), args.data());
}

// A `tessera gateway` line also passes the checks its command makes after parsing (required
// settings, flags that go in pairs), as `tessera gateway` would before starting.
void expect_gateway_config_valid(const Command& c) {
  CLI::App app{"gateway"};
  gateway::GatewayConfig cfg;
  gateway::add_gateway_options(app, cfg);
  parse(app, std::vector<std::string>(c.argv.begin() + 1, c.argv.end()));
  if (auto ok = gateway::load_gateway_config(app, cfg); !ok) ADD_FAILURE() << shell_line(c) << ": " << ok.error().message;
}

// Every command line of r parses with the real parser (nothing runs).
void expect_commands_parse(const Recommendation& r) {
  ASSERT_FALSE(r.commands.empty());
  for (const auto& c : r.commands) {
    ParseOnlyApp app;
    int exit_code = 0;
    build_app(app, exit_code);
    try {
      parse(app, c.argv);
      ADD_FAILURE() << shell_line(c) << ": parsing did not finish";
    } catch (const Parsed&) {
      if (c.argv[0] == "gateway") expect_gateway_config_valid(c);
    } catch (const CLI::ParseError& e) {
      ADD_FAILURE() << shell_line(c) << ": " << e.what();
    }
  }
}

// Every `clients add` of r runs for real against a scratch SQLite store.
void expect_clients_accepted(const Recommendation& r) {
  char dir[] = "/tmp/tessera-advise-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  for (const auto& c : r.commands) {
    if (c.argv.size() < 2 || c.argv[0] != "clients") continue;
    CLI::App app{"tessera"};
    int exit_code = 0;
    build_app(app, exit_code);
    auto argv = c.argv;
    argv.insert(argv.end(), {"--data", dir, "--store", "sqlite", "--json"});
    try {
      parse(app, argv);
    } catch (const Failure& f) {
      ADD_FAILURE() << shell_line(c) << ": " << failure_line(f);
    } catch (const CLI::ParseError& e) {
      ADD_FAILURE() << shell_line(c) << ": " << e.what();
    }
  }
  std::filesystem::remove_all(dir);
}

// The gateway line in front of the API: the issuer and audience it checks, and the C++
// alternative named in the notes.
const Command* expect_gateway(const Recommendation& r, std::string_view issuer) {
  const Command* g = find(r, {"gateway"});
  EXPECT_NE(g, nullptr);
  if (g == nullptr) return nullptr;
  EXPECT_EQ(value_of(*g, "--issuer"), issuer);
  EXPECT_EQ(value_of(*g, "--audience"), "https://api.example.com");
  EXPECT_EQ(value_of(*g, "--upstream"), "http://127.0.0.1:9000");
  EXPECT_TRUE(has(r.notes, "Authenticator"));
  return g;
}

// The gateway introspects and follows the revocation feed as the `api-gateway` client printed.
void expect_gateway_client(const Recommendation& r, const Command& g) {
  EXPECT_EQ(value_of(g, "--client-id"), "$API_GATEWAY_CLIENT_ID");
  EXPECT_NE(value_of(g, "--client-secret-file"), "");
  const Command* api = find(r, {"clients", "add", "api-gateway"});
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(value_of(*api, "--grant"), "client_credentials");
  EXPECT_EQ(value_of(*api, "--resource"), "https://api.example.com");
}

void expect_valid(const Recommendation& r) {
  expect_commands_parse(r);
  expect_clients_accepted(r);
}

TEST(Advise, BrowserAppGetsSessionCookie) {
  const auto r = advise(ask(ClientKind::browser_app));
  EXPECT_EQ(r.model, Model::session_cookie);
  EXPECT_TRUE(r.tensions.empty());
  const Command* serve = find(r, {"serve"});
  ASSERT_NE(serve, nullptr);
  EXPECT_EQ(value_of(*serve, "--public-origin"), "https://app.example.com");
  EXPECT_EQ(value_of(*serve, "--session-idle-timeout"), "1800");
  EXPECT_EQ(value_of(*serve, "--session-absolute-timeout"), "43200");
  EXPECT_NE(value_of(*serve, "--tls-cert"), "");
  EXPECT_TRUE(has(r.pitfalls, "CSRF"));
  EXPECT_EQ(find(r, {"gateway"}), nullptr);  // no token: nothing for a gateway to check
  expect_valid(r);
}

TEST(Advise, BrowserAppWithExternalIdpGetsBffAtThatIssuer) {
  Answers a = ask(ClientKind::browser_app);
  a.minter = Minter::external;
  const auto r = advise(a);
  EXPECT_EQ(r.model, Model::bff_cookie);
  const Command* serve = find(r, {"serve"});
  ASSERT_NE(serve, nullptr);
  EXPECT_EQ(value_of(*serve, "--bff-issuer"), "https://idp.example.com");
  EXPECT_EQ(find(r, {"clients", "add"}), nullptr);  // the client is registered at the IdP
  EXPECT_TRUE(has(r.notes, "/bff/callback"));
  const Command* g = expect_gateway(r, "https://idp.example.com");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(value_of(*g, "--client-id"), "");  // the IdP has no Tessera client for it, nor a revocation feed
  expect_valid(r);
}

TEST(Advise, SpaGetsBffByDefault) {
  const auto r = advise(ask(ClientKind::spa));
  EXPECT_EQ(r.model, Model::bff_cookie);
  EXPECT_TRUE(has(r.assumed, "--browser-holds-token no"));
  const Command* client = find(r, {"clients", "add"});
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(value_of(*client, "--redirect-uri"), "https://app.example.com/bff/callback");
  EXPECT_EQ(value_of(*client, "--public"), "");  // confidential
  EXPECT_EQ(value_of(*client, "--token-format"), "");
  const Command* serve = find(r, {"serve"});
  ASSERT_NE(serve, nullptr);
  EXPECT_EQ(value_of(*serve, "--bff-client"), "$BFF_CLIENT_ID");
  EXPECT_NE(value_of(*serve, "--bff-client-secret-file"), "");
  EXPECT_NE(value_of(*serve, "--bff-upstream"), "");
  EXPECT_TRUE(has(r.pitfalls, "X-CSRF"));
  const Command* g = expect_gateway(r, "https://auth.example.com");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ("api=" + value_of(*g, "--public-url"), value_of(*serve, "--bff-upstream"));  // the BFF calls the gateway
  EXPECT_EQ(value_of(*g, "--client-id"), "");  // signed tokens, revocation by expiry: no client needed
  EXPECT_EQ(value_of(*g, "--require-dpop"), "");
  expect_valid(r);
}

TEST(Advise, SpaBffWithImmediateRevocationGetsOpaqueTokensAndAnIntrospectingApi) {
  Answers a = ask(ClientKind::spa);
  a.browser_holds_token = false;
  a.immediate_revocation = true;
  const auto r = advise(a);
  EXPECT_EQ(r.model, Model::bff_cookie);
  EXPECT_TRUE(r.tensions.empty());
  const Command* client = find(r, {"clients", "add", "app-bff"});
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(value_of(*client, "--token-format"), "opaque");
  const Command* g = expect_gateway(r, "https://auth.example.com");
  ASSERT_NE(g, nullptr);
  expect_gateway_client(r, *g);  // opaque tokens: the gateway must introspect
  expect_valid(r);
}

TEST(Advise, SpaHoldingTheTokenGetsDpopBoundPublicClient) {
  Answers a = ask(ClientKind::spa);
  a.browser_holds_token = true;
  const auto r = advise(a);
  EXPECT_EQ(r.model, Model::access_refresh);
  EXPECT_TRUE(r.tensions.empty());
  const Command* client = find(r, {"clients", "add", "spa"});
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(value_of(*client, "--public"), "present");
  EXPECT_EQ(value_of(*client, "--require-dpop"), "present");
  EXPECT_EQ(value_of(*client, "--access-ttl"), "300");
  EXPECT_TRUE(has(r.pitfalls, "localStorage"));
  const Command* g = expect_gateway(r, "https://auth.example.com");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(value_of(*g, "--require-dpop"), "present");
  expect_gateway_client(r, *g);  // the revocation feed
  expect_valid(r);
}

TEST(Advise, SpaHoldingTheTokenWithImmediateRevocationExplainsTheTension) {
  Answers a = ask(ClientKind::spa);
  a.browser_holds_token = true;
  a.immediate_revocation = true;
  const auto r = advise(a);
  EXPECT_EQ(r.model, Model::opaque_introspection);
  ASSERT_EQ(r.tensions.size(), 1u);
  EXPECT_NE(r.tensions[0].find("BFF"), std::string::npos);
  EXPECT_NE(r.tensions[0].find("XSS"), std::string::npos);
  const Command* client = find(r, {"clients", "add", "spa"});
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(value_of(*client, "--token-format"), "opaque");
  const Command* g = expect_gateway(r, "https://auth.example.com");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(value_of(*g, "--require-dpop"), "present");
  expect_gateway_client(r, *g);
  expect_valid(r);
}

TEST(Advise, NativeAppGetsPkceDpopAndRotatingRefresh) {
  Answers a = ask(ClientKind::native);
  a.standards = true;
  const auto r = advise(a);
  EXPECT_EQ(r.model, Model::access_refresh);
  EXPECT_EQ(r.token_format, "jwt");
  const Command* client = find(r, {"clients", "add", "mobile-app"});
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(value_of(*client, "--public"), "present");
  EXPECT_EQ(value_of(*client, "--redirect-uri"), "com.example.app:/oauth2redirect");
  EXPECT_EQ(value_of(*client, "--require-dpop"), "present");
  EXPECT_EQ(value_of(*client, "--token-format"), "jwt");
  const Command* serve = find(r, {"serve"});
  ASSERT_NE(serve, nullptr);
  EXPECT_EQ(value_of(*serve, "--issuer"), "https://auth.example.com");
  EXPECT_EQ(value_of(*serve, "--max-token-ttl"), "3600");
  const Command* g = expect_gateway(r, "https://auth.example.com");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(value_of(*g, "--require-dpop"), "present");
  expect_gateway_client(r, *g);
  expect_valid(r);
}

TEST(Advise, NativeAppWithoutStandardsGetsPaseto) {
  const auto r = advise(ask(ClientKind::native));
  EXPECT_EQ(r.model, Model::access_refresh);
  EXPECT_EQ(r.token_format, "paseto");
  EXPECT_EQ(value_of(*find(r, {"clients", "add", "mobile-app"}), "--token-format"), "paseto");
  expect_valid(r);
}

TEST(Advise, ServiceToServiceGetsClientCredentials) {
  const auto r = advise(ask(ClientKind::service));
  EXPECT_EQ(r.model, Model::access_refresh);
  EXPECT_EQ(r.token_format, "paseto");
  const Command* client = find(r, {"clients", "add", "billing-worker"});
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(value_of(*client, "--grant"), "client_credentials");
  EXPECT_EQ(value_of(*client, "--public"), "");
  const Command* g = expect_gateway(r, "https://auth.example.com");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(value_of(*g, "--scope"), value_of(*client, "--scope"));  // the API requires what the caller asks for
  EXPECT_EQ(value_of(*g, "--require-dpop"), "");
  expect_gateway_client(r, *g);
  expect_valid(r);
}

TEST(Advise, ServiceWithManyVerifiersGetsJwt) {
  Answers a = ask(ClientKind::service);
  a.verifiers = Verifiers::many;
  const auto r = advise(a);
  EXPECT_EQ(r.token_format, "jwt");
  expect_valid(r);
}

TEST(Advise, OneSelfMintingServiceGetsPasetoLocal) {
  Answers a = ask(ClientKind::service);
  a.minter = Minter::self;
  a.verifiers = Verifiers::one;
  const auto r = advise(a);
  EXPECT_EQ(r.model, Model::paseto_local);
  const Command* key = find(r, {"keys", "generate"});
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(value_of(*key, "--type"), "v4.local");
  ASSERT_NE(find(r, {"paseto", "encrypt"}), nullptr);
  EXPECT_TRUE(has(r.pitfalls, "symmetric"));
  EXPECT_EQ(find(r, {"gateway"}), nullptr);
  expect_valid(r);
}

TEST(Advise, SelfMintingServiceWithSeveralVerifiersSignsWithV4Public) {
  Answers a = ask(ClientKind::service);
  a.minter = Minter::self;
  a.verifiers = Verifiers::few;
  const auto r = advise(a);
  EXPECT_EQ(r.model, Model::access_refresh);
  const Command* key = find(r, {"keys", "generate"});
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(value_of(*key, "--type"), "v4.public");
  ASSERT_NE(find(r, {"paseto", "sign"}), nullptr);
  EXPECT_EQ(find(r, {"gateway"}), nullptr);  // no issuer metadata for the gateway to read
  EXPECT_TRUE(has(r.notes, "Authenticator"));
  expect_valid(r);
}

TEST(Advise, SelfMintedLocalTokenWithImmediateRevocationExplainsTheTension) {
  Answers a = ask(ClientKind::service);
  a.minter = Minter::self;
  a.verifiers = Verifiers::one;
  a.immediate_revocation = true;
  const auto r = advise(a);
  EXPECT_EQ(r.model, Model::paseto_local);
  EXPECT_TRUE(has(r.tensions, "cannot be recalled"));
}

TEST(Advise, PartnerGetsJwtWithConsent) {
  const auto r = advise(ask(ClientKind::partner));
  EXPECT_EQ(r.model, Model::access_refresh);
  EXPECT_EQ(r.token_format, "jwt");  // partners assume standards and verifiers we do not run
  const Command* client = find(r, {"clients", "add", "partner-co"});
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(value_of(*client, "--first-party"), "");
  EXPECT_EQ(value_of(*client, "--public"), "");
  expect_valid(r);
}

TEST(Advise, PartnerWithImmediateRevocationGetsOpaqueAndTheManyVerifiersTension) {
  Answers a = ask(ClientKind::partner);
  a.immediate_revocation = true;
  const auto r = advise(a);
  EXPECT_EQ(r.model, Model::opaque_introspection);
  EXPECT_TRUE(has(r.tensions, "many verifiers"));
  EXPECT_EQ(value_of(*find(r, {"clients", "add", "partner-co"}), "--token-format"), "opaque");
  const Command* g = expect_gateway(r, "https://auth.example.com");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(value_of(*g, "--scope"), "orders:read");
  expect_gateway_client(r, *g);
  expect_valid(r);
}

TEST(Advise, ImmediateRevocationForAServiceGetsOpaque) {
  Answers a = ask(ClientKind::service);
  a.immediate_revocation = true;
  const auto r = advise(a);
  EXPECT_EQ(r.model, Model::opaque_introspection);
  EXPECT_TRUE(r.tensions.empty());
  expect_valid(r);
}

TEST(Advise, BrowserAppThatWantsTheTokenInJavascriptIsToldItIsAnSpa) {
  Answers a = ask(ClientKind::browser_app);
  a.browser_holds_token = true;
  const auto r = advise(a);
  EXPECT_EQ(r.model, Model::session_cookie);
  EXPECT_TRUE(has(r.tensions, "--client spa"));
}

TEST(Advise, ExternalIdpWithoutStandardsIsATension) {
  Answers a = ask(ClientKind::spa);
  a.minter = Minter::external;
  a.standards = false;
  const auto r = advise(a);
  EXPECT_EQ(r.model, Model::bff_cookie);
  EXPECT_TRUE(has(r.tensions, "external identity provider"));
  EXPECT_EQ(value_of(*find(r, {"serve"}), "--bff-issuer"), "https://idp.example.com");
}

TEST(Advise, SelfMintingForANativeAppIsATensionAndTesseraMints) {
  Answers a = ask(ClientKind::native);
  a.minter = Minter::self;
  const auto r = advise(a);
  EXPECT_EQ(r.model, Model::access_refresh);
  EXPECT_TRUE(has(r.tensions, "authorization server"));
  EXPECT_NE(find(r, {"clients", "add", "mobile-app"}), nullptr);
}

TEST(Advise, BrowserHoldsTokenIsIgnoredForAServiceAndSaysSo) {
  Answers a = ask(ClientKind::service);
  a.browser_holds_token = true;
  const auto r = advise(a);
  EXPECT_TRUE(has(r.tensions, "does not apply"));
}

TEST(Advise, NamesRoundTripAndBadOnesAreRefused) {
  for (auto k : {ClientKind::browser_app, ClientKind::spa, ClientKind::native, ClientKind::service, ClientKind::partner})
    EXPECT_EQ(parse_client(name_of(k)), k);
  EXPECT_EQ(parse_client("mobile"), ClientKind::native);
  EXPECT_FALSE(parse_client("desktop"));
  EXPECT_FALSE(parse_yes_no("maybe"));
  EXPECT_FALSE(parse_verifiers("several"));
  EXPECT_FALSE(parse_minter("me"));
}

TEST(Advise, ShellLineQuotesWhatTheShellWouldSplit) {
  Command c{"", {"paseto", "sign", "--claims", R"({"sub":"it's"})", "--bff-client", "$ID"}};
  EXPECT_EQ(shell_line(c), R"(tessera paseto sign --claims '{"sub":"it'\''s"}' --bff-client "$ID")");
}

}  // namespace
}  // namespace tessera::cli::advise
