// Failure helpers, key-file loading and --alg parsing for the `tessera` CLI (see common.hpp).
#include "common.hpp"

#include "tessera/json.hpp"

#include <utility>

#include <boost/json.hpp>

#include "io.hpp"

namespace tessera::cli {
namespace {

constexpr std::size_t kMaxKeyFileBytes = 1024 * 1024;

// Same rule as load_key_set(): PEM is text containing "-----BEGIN".
bool looks_like_pem(std::string_view text) { return text.find("-----BEGIN") != std::string_view::npos; }

// A JWKS is a JSON object with a "keys" member. Only used to choose the output shape; the
// library does the strict parse.
bool looks_like_jwks(std::string_view text) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  return !ec && value.is_object() && value.as_object().contains("keys");
}

std::string all_alg_names() {
  std::string names;
  for (std::size_t i = 0; i < kAlgorithmCount; ++i) {
    if (i) names += ", ";
    names += alg_name(static_cast<Algorithm>(i));
  }
  return names;
}

}  // namespace

void usage_error(Errc code, std::string message) {
  throw Failure(kExitUsage, Error{code, std::move(message)}, true);
}
void usage_error(const Error& error) {
  throw Failure(kExitUsage, error, true);
}
void check_failed(const Error& error) {
  throw Failure(kExitCheckFailed, error, false);
}
void check_failed_verbose(const Error& error) {
  throw Failure(kExitCheckFailed, error, true);
}

std::string failure_line(const Failure& failure) {
  std::string line = "error: ";
  line += failure.error().name();
  if (failure.show_message() && !failure.error().message.empty()) {
    line += ": ";
    for (char c : failure.error().message) line += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return line;
}

LoadedKeys load_key_file(const std::string& path) {
  return parse_key_file(read_input(path, kMaxKeyFileBytes, "key file"), path);
}

std::string read_key_file(const std::string& path) { return read_input(path, kMaxKeyFileBytes, "key file"); }

LoadedKeys parse_key_file(const std::string& text, const std::string& path) {
  auto keys = load_key_set(text);
  if (!keys) usage_error(keys.error().code, "cannot load key file " + path + ": " + keys.error().message);
  if (keys->empty()) usage_error(Errc::invalid_key, "key file " + path + " holds no key");
  LoadedKeys loaded{std::move(*keys), looks_like_pem(text), false};
  loaded.is_jwks = !loaded.from_pem && looks_like_jwks(text);
  return loaded;
}

boost::json::object read_claims_arg(const std::string& claims, bool have_claims, const std::string& claims_file,
                                    bool have_file) {
  constexpr std::size_t kMaxClaimsBytes = 1024 * 1024;
  if (have_claims == have_file) usage_error(Errc::invalid_argument, "give exactly one of --claims and --claims-file");
  const std::string text = have_claims ? claims : read_input(claims_file, kMaxClaimsBytes, "claims file");
  auto object = codec::parse_json_object(text, {kMaxClaimsBytes, 16});
  if (!object) {
    const std::string why = object.error().code == Errc::wrong_type
                                ? "claims must be a JSON object"
                                : "claims are not valid JSON: " + object.error().message;
    usage_error(object.error().code, why);
  }
  return std::move(*object);
}

void add_policy_options(CLI::App* cmd, PolicyOptions& o) {
  cmd->add_option("--iss", o.issuers, "Expected issuer (repeatable: any one matches; default: not checked)")
      ->type_name("ISS");
  cmd->add_option("--aud", o.audience, "Expected audience (default: tokens that carry aud are rejected)")
      ->type_name("AUD");
  cmd->add_option("--leeway", o.leeway, "Clock skew tolerance in seconds (default 60)")
      ->type_name("SECONDS")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--require", o.required, "Claim that must be present (repeatable)")->type_name("CLAIM");
  cmd->add_option("--max-age", o.max_age, "Require iat, and reject tokens issued more than SECONDS ago")
      ->type_name("SECONDS")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--allow-missing-exp", o.allow_missing_exp, "Accept tokens without exp");
}

ClaimsValidator build_policy(const PolicyOptions& o) {
  ClaimsValidator::Builder policy;
  if (o.issuers.empty()) {
    policy.ignore_issuer();
  } else {
    policy.expect_issuers(o.issuers);
  }
  if (!o.audience.empty()) policy.expect_audience(o.audience);
  policy.leeway(o.leeway);
  if (o.max_age) policy.max_age(*o.max_age);
  for (const auto& name : o.required) policy.require_claim(name);
  if (o.allow_missing_exp) policy.allow_missing_expiration();
  auto validator = policy.build();
  if (!validator) usage_error(validator.error());
  return std::move(*validator);
}

Algorithm parse_alg_arg(std::string_view name) {
  if (auto alg = parse_algorithm(name)) return *alg;
  usage_error(Errc::invalid_argument,
              "unknown algorithm \"" + std::string(name) + "\" (known: " + all_alg_names() + ")");
}

std::vector<Algorithm> parse_alg_args(const std::vector<std::string>& names) {
  std::vector<Algorithm> algs;
  algs.reserve(names.size());
  for (const auto& name : names) algs.push_back(parse_alg_arg(name));
  return algs;
}

}  // namespace tessera::cli
