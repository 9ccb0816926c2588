// `tessera paseto encrypt|decrypt|sign|verify`: issue and check PASETO tokens (v4, v3, v2)
// with keys held in PASERK files. decrypt/verify print the verified claims as one line of JSON.
#include <boost/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "io.hpp"
#include "paserk_file.hpp"
#include "tessera/paseto_claims.hpp"

namespace tessera::cli {
namespace {

struct IssueOptions {
  std::string key_file;
  std::string footer;
  std::string implicit;
  std::string expires_in;
  std::string claims;
  std::string claims_file;
};

struct CheckOptions {
  std::string key_file;
  std::string implicit;
  PolicyOptions policy;
  std::string footer_out;
  std::string token;
};

enum class Op { encrypt, sign };

void run_issue(Op op, const IssueOptions& o, bool have_claims, bool have_file) {
  if (have_file && o.claims_file == "-" && o.key_file == "-")
    usage_error(Errc::invalid_argument, "--key and --claims-file cannot both read stdin");
  PasetoBuilder builder;
  builder.claims(read_claims_arg(o.claims, have_claims, o.claims_file, have_file));
  const PaserkFile f = load_paserk_file(o.key_file);
  if (!o.expires_in.empty()) builder.expires_in(parse_duration(o.expires_in));
  if (!o.footer.empty()) builder.footer(o.footer);
  if (!o.implicit.empty()) builder.implicit(o.implicit);

  Result<std::string> token = fail(Errc::internal);
  if (op == Op::encrypt) {
    if (!f.local) usage_error(Errc::wrong_key_type, "paseto encrypt needs a local key (kN.local)");
    token = builder.encrypt(*f.local);
  } else {
    if (!f.secret) usage_error(Errc::wrong_key_type, "paseto sign needs a secret key (kN.secret)");
    token = builder.sign(*f.secret);
  }
  if (!token) {
    // Claims of the wrong type, an implicit assertion with v2: the caller's input.
    usage_error(token.error());
  }
  write_stdout(*token + "\n");
}

void run_check(Op op, const CheckOptions& o) {
  if (o.key_file == "-" && o.token == "-")
    usage_error(Errc::invalid_argument, "--key and TOKEN cannot both read stdin");
  const std::string token = read_token_arg(o.token);
  const PaserkFile f = load_paserk_file(o.key_file);

  PasetoVerifier::Builder builder(build_policy(o.policy));
  if (!o.implicit.empty()) builder.implicit(o.implicit);
  const PasetoVerifier verifier = builder.build();

  Result<VerifiedPaseto> verified = fail(Errc::internal);
  if (op == Op::encrypt) {
    if (!f.local) usage_error(Errc::wrong_key_type, "paseto decrypt needs a local key (kN.local)");
    verified = verifier.decrypt(*f.local, token);
  } else {
    if (!f.pub) usage_error(Errc::wrong_key_type, "paseto verify needs a public or secret key (kN.public / kN.secret)");
    verified = verifier.verify(*f.pub, token);
  }
  if (!verified) check_failed(verified.error());
  std::string out = boost::json::serialize(verified->claims().json()) + "\n";
  if (o.footer_out == "-") {
    out += verified->footer() + "\n";
  } else if (!o.footer_out.empty()) {
    write_secret_file(o.footer_out, verified->footer());
  }
  write_stdout(out);
}

constexpr const char* kCheckFooter =
    "Checks, in order: the token's version and purpose match the key, authentication (tag or\n"
    "signature over header, payload, footer and --implicit), then the claims: exp (an RFC 3339\n"
    "string) is required and must not be past (unless --allow-missing-exp), nbf and iat must not\n"
    "be in the future, all with --leeway seconds of tolerance.\n"
    "Issuer: without --iss it is NOT checked. Audience: without --aud, a token that carries aud is\n"
    "REJECTED (invalid_audience); with --aud the token must carry it.\n"
    "Output: the verified claims as one line of JSON; with --footer-out -, the footer on a second line.\n"
    "Exit codes: 0 valid; 1 invalid token: one stderr line `error: <code>` (e.g. bad_signature,\n"
    "wrong_key_type, token_expired, invalid_issuer, malformed); 2 usage or I/O error, or an\n"
    "unusable key file.";

void add_issue(CLI::App* parent, Op op) {
  const bool enc = op == Op::encrypt;
  auto o = std::make_shared<IssueOptions>();
  auto* cmd = parent->add_subcommand(enc ? "encrypt" : "sign",
                                     enc ? "Encrypt claims into a vN.local token and print it"
                                         : "Sign claims into a vN.public token and print it");
  cmd->add_option("--key", o->key_file,
                  enc ? "Local key file (PASERK kN.local); - reads stdin" : "Secret key file (PASERK kN.secret); - reads stdin")
      ->type_name("FILE")
      ->required();
  cmd->add_option("--footer", o->footer, "Footer (authenticated, NOT encrypted), e.g. {\"kid\":\"k4.lid...\"}")
      ->type_name("STR");
  cmd->add_option("--implicit", o->implicit, "Implicit assertion (authenticated, not sent; v3/v4 only)")
      ->type_name("STR");
  cmd->add_option("--expires-in", o->expires_in,
                  "Set iat=now and exp=now+DURATION (RFC 3339); DURATION is seconds or N with s/m/h/d")
      ->type_name("DURATION");
  auto* claims = cmd->add_option("--claims", o->claims, "Claims as a JSON object")->type_name("JSON");
  auto* file = cmd->add_option("--claims-file", o->claims_file, "Read the claims JSON object from FILE; - reads stdin")
                   ->type_name("FILE");
  claims->excludes(file);
  cmd->footer(
      "Exactly one of --claims and --claims-file is required. exp, nbf and iat must be RFC 3339\n"
      "strings (e.g. 2030-01-01T00:00:00+00:00).\n"
      "Exit codes: 0 printed; 2 usage or I/O error (claims not a JSON object or with a registered\n"
      "claim of the wrong type, a key of the wrong purpose, --implicit with v2, unusable key file).");
  cmd->callback([op, o, claims, file] { run_issue(op, *o, claims->count() > 0, file->count() > 0); });
}

void add_check(CLI::App* parent, Op op) {
  const bool enc = op == Op::encrypt;
  auto o = std::make_shared<CheckOptions>();
  auto* cmd = parent->add_subcommand(enc ? "decrypt" : "verify",
                                     enc ? "Decrypt a vN.local token, check its claims, print them"
                                         : "Verify a vN.public token, check its claims, print them");
  cmd->add_option("--key", o->key_file,
                  enc ? "Local key file (PASERK kN.local); - reads stdin"
                      : "Public or secret key file (PASERK kN.public / kN.secret); - reads stdin")
      ->type_name("FILE")
      ->required();
  cmd->add_option("--implicit", o->implicit, "Implicit assertion the token was made with")->type_name("STR");
  add_policy_options(cmd, o->policy);
  cmd->add_option("--footer-out", o->footer_out, "Write the verified footer to FILE (- : stdout, after the claims)")
      ->type_name("FILE");
  cmd->add_option("TOKEN", o->token, "The token; - reads it from stdin")->type_name("TOKEN")->required();
  cmd->footer(kCheckFooter);
  cmd->callback([op, o] { run_check(op, *o); });
}

}  // namespace

void add_paseto_commands(CLI::App& app) {
  auto* paseto = app.add_subcommand("paseto", "Encrypt, decrypt, sign and verify PASETO tokens (v4, v3, v2)");
  paseto->require_subcommand(1);
  add_issue(paseto, Op::encrypt);
  add_check(paseto, Op::encrypt);
  add_issue(paseto, Op::sign);
  add_check(paseto, Op::sign);
}

}  // namespace tessera::cli
