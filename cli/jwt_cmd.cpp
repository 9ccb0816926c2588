// `tessera jwt sign|verify|decode` and `tessera jws verify`: issue JWTs, verify them (signature
// and claims policy), verify bare JWS signatures, and decode tokens UNVERIFIED for debugging.
// Tokens are printed only to stdout by `jwt sign`, never echoed anywhere else.
#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tessera/json.hpp"  // strict JSON (duplicates, depth)
#include "commands.hpp"
#include "common.hpp"
#include "io.hpp"
#include "tessera/jws.hpp"
#include "tessera/jwt.hpp"
#include "tessera/validator.hpp"

namespace tessera::cli {
namespace {

struct SignOptions {
  std::string key_file;
  std::string alg;
  std::string kid;
  std::string typ;
  std::string expires_in;
  std::string claims;
  std::string claims_file;
};

struct VerifyOptions {
  std::string key_file;
  std::vector<std::string> algs;
  PolicyOptions policy;
  std::string typ;
  std::string token;
};

struct JwsVerifyOptions {
  std::string key_file;
  std::vector<std::string> algs;
  std::string token;
};

struct DecodeOptions {
  std::string token;
};

void run_sign(const SignOptions& o, bool have_claims, bool have_file, bool have_kid) {
  if (have_file && o.claims_file == "-" && o.key_file == "-")
    usage_error(Errc::invalid_argument, "--key and --claims-file cannot both read stdin");
  boost::json::object claims = read_claims_arg(o.claims, have_claims, o.claims_file, have_file);
  const LoadedKeys loaded = load_key_file(o.key_file);

  std::optional<Key> relabelled;
  const Key* key = loaded.keys.primary();
  if (have_kid) {
    if (loaded.keys.any_kid_selects_the_key()) {
      // One unnamed key (PEM, or a JWK without kid): --kid names it, and the same file
      // verifies the token whatever kid it carries.
      relabelled = key->with_kid(o.kid);
      key = &*relabelled;
    } else {  // a JWKS, or a JWK with its own kid: --kid selects, strictly
      key = loaded.keys.find(o.kid);
      if (!key)
        check_failed_verbose(
            Error{Errc::key_not_found, "no key with kid \"" + o.kid + "\" in " + o.key_file});
    }
  }

  JwtBuilder builder;
  builder.claims(std::move(claims));
  if (!o.expires_in.empty()) builder.expires_in(parse_duration(o.expires_in));
  if (!o.alg.empty()) builder.algorithm(parse_alg_arg(o.alg));
  if (!o.typ.empty()) builder.type(o.typ);

  auto token = builder.sign(*key);
  if (!token) {
    switch (token.error().code) {
      case Errc::wrong_type:  // a registered claim of the wrong type in --claims
      case Errc::malformed:
      case Errc::invalid_argument:
        usage_error(token.error());
      default:  // alg_not_allowed, key_not_permitted, ...
        check_failed_verbose(token.error());
    }
  }
  token->push_back('\n');
  write_stdout(*token);
}

void one_stdin(const std::string& key_file, const std::string& token) {
  if (key_file == "-" && token == "-")
    usage_error(Errc::invalid_argument, "--key and TOKEN cannot both read stdin");
}

void run_verify(const VerifyOptions& o) {
  one_stdin(o.key_file, o.token);
  const std::string token = read_token_arg(o.token);
  const std::vector<Algorithm> algs = parse_alg_args(o.algs);
  LoadedKeys loaded = load_key_file(o.key_file);

  JwtVerifier::Builder builder(std::move(loaded.keys), build_policy(o.policy));
  if (!algs.empty()) builder.allow_algorithms(algs);
  if (!o.typ.empty()) builder.expect_type(o.typ);
  auto verifier = builder.build();
  if (!verifier) usage_error(verifier.error());
  auto jwt = verifier->verify(token);
  if (!jwt) check_failed(jwt.error());
  write_stdout(boost::json::serialize(jwt->claims().json()) + "\n");
}

void run_jws_verify(const JwsVerifyOptions& o) {
  one_stdin(o.key_file, o.token);
  const std::string token = read_token_arg(o.token);
  const std::vector<Algorithm> algs = parse_alg_args(o.algs);
  LoadedKeys loaded = load_key_file(o.key_file);
  const JwsVerifier verifier(std::move(loaded.keys), algs);
  auto jws = verifier.verify(token);
  if (!jws) check_failed(jws.error());
  write_stdout(jws->payload());
}

void run_decode(const DecodeOptions& o) {
  const std::string token = read_token_arg(o.token);
  auto decoded = decode_unverified_for_debugging(token);
  if (!decoded) check_failed(decoded.error());
  boost::json::object out;
  out["header"] = std::move(decoded->header);
  out["payload"] = std::move(decoded->payload);
  std::fputs("UNVERIFIED \xe2\x80\x94 signature not checked\n", stderr);
  std::fflush(stderr);
  write_stdout(boost::json::serialize(out) + "\n");
}

constexpr const char* kVerifyFooter =
    "Checks, in order: signature (the key decides the algorithm; --alg only narrows it), header typ\n"
    "(with --typ), then the claims: exp is required and must not be past (unless --allow-missing-exp),\n"
    "nbf and iat must not be in the future, all with --leeway seconds of tolerance.\n"
    "Issuer: without --iss it is NOT checked; with --iss the token's iss must equal one of them.\n"
    "Audience: without --aud, a token that carries an aud claim is REJECTED (invalid_audience), as\n"
    "RFC 7519 4.1.3 requires; with --aud the token must carry aud and it must contain AUD.\n"
    "A JWKS key file, or a JWK with a kid, selects the key by the token's kid (unknown kid:\n"
    "key_not_found); a PEM key or a JWK without kid is one unnamed key and verifies whatever kid\n"
    "the token carries (the key still decides the algorithm).\n"
    "Output: the verified claims as one line of JSON.\n"
    "Exit codes: 0 valid; 1 invalid token, printed as one stderr line `error: <code>` (e.g.\n"
    "token_expired, bad_signature, alg_not_allowed, key_not_found, invalid_issuer, invalid_audience,\n"
    "missing_claim, malformed); 2 usage or I/O error, or an unusable key file.";

}  // namespace

void add_jwt_commands(CLI::App& app) {
  auto* jwt = app.add_subcommand("jwt", "Sign, verify and decode JWTs");
  jwt->require_subcommand(1);

  // ---- jwt sign
  auto so = std::make_shared<SignOptions>();
  auto* sign = jwt->add_subcommand("sign", "Sign a JWT and print it (followed by a newline)");
  sign->add_option("--key", so->key_file,
                   "Private key file: PEM, JWK or JWKS (a JWKS signs with its first key); - reads stdin")
      ->type_name("FILE")
      ->required();
  sign->add_option("--alg", so->alg, "Algorithm; must be one the key allows (default: the key's default)")
      ->type_name("ALG");
  sign->add_option("--kid", so->kid,
                   "Put KID in the token's header. PEM or kid-less JWK: names the key; JWKS or a JWK "
                   "with a kid: selects the key with this kid (no match: key_not_found)")
      ->type_name("KID");
  sign->add_option("--typ", so->typ, "Header typ, e.g. JWT or at+jwt (default: none)")->type_name("TYP");
  sign->add_option("--expires-in", so->expires_in,
                   "Set iat=now and exp=now+DURATION (overriding the claims); DURATION is seconds or "
                   "N with a unit s/m/h/d, e.g. 90, 15m, 1h, 7d")
      ->type_name("DURATION");
  auto* claims_opt = sign->add_option("--claims", so->claims, "Claims as a JSON object")->type_name("JSON");
  auto* claims_file_opt = sign->add_option("--claims-file", so->claims_file,
                                           "Read the claims JSON object from FILE; - reads stdin")
                              ->type_name("FILE");
  claims_opt->excludes(claims_file_opt);
  auto* sign_kid_opt = sign->get_option("--kid");
  sign->footer(
      "Exactly one of --claims and --claims-file is required.\n"
      "Exit codes: 0 signed; 1 signing refused: `error: <code>: <message>` (alg_not_allowed,\n"
      "key_not_permitted, key_not_found for an unknown --kid); 2 usage or I/O error, claims that\n"
      "are not a JSON object or have a registered claim of the wrong type, or an unusable key file.");
  sign->callback([so, claims_opt, claims_file_opt, sign_kid_opt] {
    run_sign(*so, claims_opt->count() > 0, claims_file_opt->count() > 0, sign_kid_opt->count() > 0);
  });

  // ---- jwt verify
  auto vo = std::make_shared<VerifyOptions>();
  auto* verify = jwt->add_subcommand("verify", "Verify a JWT's signature and claims; print its claims");
  verify->add_option("--key", vo->key_file, "Key file: PEM, JWK or JWKS; - reads stdin")
      ->type_name("FILE")
      ->required();
  verify
      ->add_option("--alg", vo->algs, "Accept only this algorithm (repeatable; default: what the key allows)")
      ->type_name("ALG");
  add_policy_options(verify, vo->policy);
  verify->add_option("--typ", vo->typ, "Required header typ (case-insensitive, application/ prefix ignored)")
      ->type_name("TYP");
  verify->add_option("TOKEN", vo->token, "The JWT; - reads it from stdin")->type_name("TOKEN")->required();
  verify->footer(kVerifyFooter);
  verify->callback([vo] { run_verify(*vo); });

  // ---- jwt decode
  auto dopt = std::make_shared<DecodeOptions>();
  auto* decode = jwt->add_subcommand("decode", "Decode a JWT WITHOUT verifying it (debugging only)");
  decode->add_option("TOKEN", dopt->token, "The JWT; - reads it from stdin")->type_name("TOKEN")->required();
  decode->footer(
      "Prints `UNVERIFIED — signature not checked` on stderr, then {\"header\":...,\"payload\":...} as\n"
      "one line of JSON on stdout (a non-JSON payload is shown as a string). Nothing is checked:\n"
      "never trust this output.\n"
      "Exit codes: 0 decoded; 1 malformed token (`error: <code>`); 2 usage or I/O error.");
  decode->callback([dopt] { run_decode(*dopt); });

  // ---- jws verify
  auto* jws = app.add_subcommand("jws", "Verify JWS signatures over arbitrary payloads");
  jws->require_subcommand(1);
  auto jo = std::make_shared<JwsVerifyOptions>();
  auto* jverify = jws->add_subcommand("verify", "Verify a JWS compact signature and print the payload bytes");
  jverify->add_option("--key", jo->key_file, "Key file: PEM, JWK or JWKS; - reads stdin")
      ->type_name("FILE")
      ->required();
  jverify
      ->add_option("--alg", jo->algs, "Accept only this algorithm (repeatable; default: what the key allows)")
      ->type_name("ALG");
  jverify->add_option("TOKEN", jo->token, "The JWS; - reads it from stdin")->type_name("TOKEN")->required();
  jverify->footer(
      "Checks the signature only (no claims). Prints the payload exactly, with no added newline.\n"
      "Exit codes: 0 valid; 1 invalid (`error: <code>`, e.g. bad_signature, alg_not_allowed,\n"
      "key_not_found, malformed); 2 usage or I/O error, or an unusable key file.");
  jverify->callback([jo] { run_jws_verify(*jo); });
}

}  // namespace tessera::cli
