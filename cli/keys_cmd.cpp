// `tessera keys generate|public|id` (rotate|list: keys_schedule_cmd.cpp): create JOSE and PASETO keys, publish their public half, name them.
// The generated private key is the only secret this tool ever prints.
#include <boost/json.hpp>
#include <memory>
#include <string>

#include "commands.hpp"
#include "common.hpp"
#include "io.hpp"
#include "paserk_file.hpp"
#include "tessera/keys.hpp"
#include "tessera/paserk.hpp"

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

bool is_paseto_type(std::string_view type) { return type.starts_with("v"); }

template <class T>
T or_usage(Result<T> r) {
  if (!r) usage_error(r.error());
  return std::move(*r);
}

void run_generate(const GenerateOptions& o, bool kid_given, bool format_given) {
  if (is_paseto_type(o.type)) {
    if (kid_given || format_given)
      usage_error(Errc::invalid_argument,
                  "--kid and --format are for JOSE keys; PASETO keys are written as PASERK and named by "
                  "their lid/sid (tessera keys id)");
    const std::string text = generate_paserk(o.type) + "\n";
    if (o.out.empty()) {
      write_stdout(text);
    } else {
      write_secret_file(o.out, text);
    }
    return;
  }
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
  const std::string text = read_key_file(o.file);
  if (looks_like_paserk(text)) {
    const PaserkFile f = parse_paserk_file(text, o.file);
    if (!f.pub) usage_error(Errc::unsupported, "a local (symmetric) PASETO key has no public form");
    write_stdout(or_usage(paserk::to_paserk(*f.pub)) + "\n");
    return;
  }
  const LoadedKeys loaded = parse_key_file(text, o.file);
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

// PASERK: the key's lid / sid / pid. JOSE key files: each key's RFC 7638 thumbprint.
void run_id(const PublicOptions& o) {
  const std::string text = read_key_file(o.file);
  if (looks_like_paserk(text)) {
    const PaserkFile f = parse_paserk_file(text, o.file);
    const std::string id = f.local ? or_usage(paserk::lid(*f.local))
                           : f.secret ? or_usage(paserk::sid(*f.secret))
                                      : or_usage(paserk::pid(*f.pub));
    write_stdout(id + "\n");
    return;
  }
  const LoadedKeys loaded = parse_key_file(text, o.file);
  std::string out;
  for (const Key& key : loaded.keys.keys()) out += key.thumbprint() + "\n";
  write_stdout(out);
}

}  // namespace

void add_keys_commands(CLI::App& app) {
  auto* keys = app.add_subcommand("keys", "Generate keys, print public keys and key ids; rotate and list the server's signing keys");
  keys->require_subcommand(1);

  auto gen_opts = std::make_shared<GenerateOptions>();
  auto* gen =
      keys->add_subcommand("generate", "Generate a new random key and print (or write) the PRIVATE key");
  gen->add_option("--type", gen_opts->type, "Key type")
      ->type_name("TYPE")
      ->required()
      ->check(CLI::IsMember(
          {"hs256", "hs384", "hs512", "rsa2048", "rsa3072", "rsa4096", "p256", "p384", "p521", "ed25519",
           "v4.local", "v4.public", "v3.local", "v3.public", "v2.local", "v2.public"}));
  gen->add_option("--kid", gen_opts->kid, "Key id (default: the RFC 7638 JWK thumbprint)")->type_name("KID");
  gen->add_option("--format", gen_opts->format,
                  "Output format: jwk (private JWK, default) or pem (PKCS#8; asymmetric types only)")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"jwk", "pem"}));
  gen->add_option("--out", gen_opts->out,
                  "Write the key to FILE (created or replaced with mode 0600) instead of stdout")
      ->type_name("FILE");
  gen->footer(
      "JOSE types (hs*, rsa*, p*, ed25519) print a private JWK (or PEM). PASETO types (vN.local,\n"
      "vN.public) print a PASERK: kN.local.<key> or kN.secret.<key> (v2 is legacy: prefer v4).\n"
      "The output contains the private key (HMAC / local: the secret). Keep it private.\n"
      "Exit codes: 0 key generated; 2 usage or I/O error (e.g. --format pem with an hs* type).");
  auto* kid_opt = gen->get_option("--kid");
  auto* format_opt = gen->get_option("--format");
  gen->callback([gen_opts, kid_opt, format_opt] {
    run_generate(*gen_opts, kid_opt->count() > 0, format_opt->count() > 0);
  });

  auto pub_opts = std::make_shared<PublicOptions>();
  auto* pub =
      keys->add_subcommand("public", "Print the public JWK of a key file, or the public JWKS of a JWKS file");
  pub->add_option("FILE", pub_opts->file, "Key file: PEM, JWK or JWKS; - reads stdin")
      ->type_name("FILE")
      ->required();
  pub->footer(
      "Output: one line of JSON with public members only; for a PASERK kN.secret / kN.public file,\n"
      "the kN.public PASERK. Secret (oct/HMAC) and PASETO local keys have no public form.\n"
      "Exit codes: 0 printed; 2 usage or I/O error, unusable key file, or a symmetric key.");
  pub->callback([pub_opts] { run_public(*pub_opts); });

  auto id_opts = std::make_shared<PublicOptions>();
  auto* id = keys->add_subcommand("id", "Print a key's identifier: PASERK lid/sid/pid, or JOSE thumbprints");
  id->add_option("FILE", id_opts->file, "Key file: PASERK, PEM, JWK or JWKS; - reads stdin")
      ->type_name("FILE")
      ->required();
  id->footer(
      "PASERK files: kN.lid for a local key, kN.sid for a secret key, kN.pid for a public key (the\n"
      "value to put in a footer's kid). JOSE files: the RFC 7638 thumbprint of each key, one a line.\n"
      "Exit codes: 0 printed; 2 usage or I/O error, or an unusable key file.");
  id->callback([id_opts] { run_id(*id_opts); });

  add_key_schedule_commands(*keys);
}

}  // namespace tessera::cli
