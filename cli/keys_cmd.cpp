// `tessera keys generate` and `tessera keys public`: create keys and publish their public half.
// The generated private key is the only secret this tool ever prints.
#include <boost/json.hpp>
#include <memory>
#include <string>

#include "commands.hpp"
#include "common.hpp"
#include "io.hpp"
#include "tessera/keys.hpp"

namespace tessera::cli {
namespace {

struct GenerateOptions {
  std::string type;
  std::string kid;
  std::string format = "jwk";
  std::string out;
};

struct PublicOptions {
  std::string file;
};

void run_generate(const GenerateOptions& o) {
  const auto spec = parse_key_spec(o.type);
  if (!spec) usage_error(Errc::invalid_argument, "unknown key type \"" + o.type + "\"");
  const bool symmetric = o.type.starts_with("hs");
  if (symmetric && o.format == "pem")
    usage_error(Errc::invalid_argument,
                "--format pem is not available for HMAC (hs*) keys; use --format jwk");

  auto key = Key::generate(*spec, o.kid);
  if (!key) usage_error(key.error());

  Result<std::string> text = o.format == "pem" ? key->to_pem(true) : key->to_jwk_json(true);
  if (!text) usage_error(text.error());
  if (text->empty() || text->back() != '\n') text->push_back('\n');

  if (o.out.empty()) {
    write_stdout(*text);
  } else {
    write_secret_file(o.out, *text);
  }
}

void run_public(const PublicOptions& o) {
  const LoadedKeys loaded = load_key_file(o.file);
  for (const Key& key : loaded.keys.keys()) {
    if (key.is_symmetric())
      usage_error(Errc::unsupported,
                  "key \"" + key.kid() + "\" is a secret (oct) key: it has no public form");
  }

  std::string out;
  if (loaded.is_jwks) {
    boost::json::array public_keys;
    for (const Key& key : loaded.keys.keys()) {
      auto jwk = key.to_jwk(false);
      if (!jwk) usage_error(jwk.error());
      public_keys.emplace_back(std::move(*jwk));
    }
    boost::json::object jwks;
    jwks["keys"] = std::move(public_keys);
    out = boost::json::serialize(jwks);
  } else {
    auto jwk = loaded.keys.keys().front().to_jwk_json(false);
    if (!jwk) usage_error(jwk.error());
    out = std::move(*jwk);
  }
  out.push_back('\n');
  write_stdout(out);
}

}  // namespace

void add_keys_commands(CLI::App& app) {
  auto* keys = app.add_subcommand("keys", "Generate keys and print public keys");
  keys->require_subcommand(1);

  auto gen_opts = std::make_shared<GenerateOptions>();
  auto* gen =
      keys->add_subcommand("generate", "Generate a new random key and print (or write) the PRIVATE key");
  gen->add_option("--type", gen_opts->type, "Key type")
      ->type_name("TYPE")
      ->required()
      ->check(CLI::IsMember(
          {"hs256", "hs384", "hs512", "rsa2048", "rsa3072", "rsa4096", "p256", "p384", "p521", "ed25519"}));
  gen->add_option("--kid", gen_opts->kid, "Key id (default: the RFC 7638 JWK thumbprint)")->type_name("KID");
  gen->add_option("--format", gen_opts->format,
                  "Output format: jwk (private JWK, default) or pem (PKCS#8; asymmetric types only)")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"jwk", "pem"}));
  gen->add_option("--out", gen_opts->out,
                  "Write the key to FILE (created or replaced with mode 0600) instead of stdout")
      ->type_name("FILE");
  gen->footer(
      "The output contains the private key (HMAC: the secret). Keep it private.\n"
      "Exit codes: 0 key generated; 2 usage or I/O error (e.g. --format pem with an hs* type).");
  gen->callback([gen_opts] { run_generate(*gen_opts); });

  auto pub_opts = std::make_shared<PublicOptions>();
  auto* pub =
      keys->add_subcommand("public", "Print the public JWK of a key file, or the public JWKS of a JWKS file");
  pub->add_option("FILE", pub_opts->file, "Key file: PEM, JWK or JWKS; - reads stdin")
      ->type_name("FILE")
      ->required();
  pub->footer(
      "Output: one line of JSON with public members only. Secret (oct/HMAC) keys have no public form.\n"
      "Exit codes: 0 printed; 2 usage or I/O error, unusable key file, or a secret (oct) key.");
  pub->callback([pub_opts] { run_public(*pub_opts); });
}

}  // namespace tessera::cli
