// PASETO key files: PASERK parsing and generation for the CLI (see paserk_file.hpp).
#include "paserk_file.hpp"

#include "common.hpp"
#include "io.hpp"
#include "tessera/paserk.hpp"

namespace tessera::cli {
namespace {

constexpr std::size_t kMaxPaserkFileBytes = 4096;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::optional<paseto::Version> version_of(std::string_view paserk) {
  if (paserk.starts_with("k2.")) return paseto::Version::v2;
  if (paserk.starts_with("k3.")) return paseto::Version::v3;
  if (paserk.starts_with("k4.")) return paseto::Version::v4;
  return std::nullopt;
}

template <class T>
T must(Result<T> r, const std::string& path) {
  if (!r) usage_error(r.error().code, "cannot load PASETO key file " + path + ": " + r.error().message);
  return std::move(*r);
}

}  // namespace

bool looks_like_paserk(std::string_view text) { return version_of(trim(text)).has_value(); }

PaserkFile parse_paserk_file(std::string_view text, const std::string& path) {
  const std::string_view paserk = trim(text);
  const auto version = version_of(paserk);
  if (!version) usage_error(Errc::malformed, path + " does not hold a PASERK key (k2./k3./k4.)");
  PaserkFile f{*version, std::nullopt, std::nullopt, std::nullopt};
  const std::string_view type = paserk.substr(3, paserk.find('.', 3) == std::string_view::npos
                                                     ? std::string_view::npos
                                                     : paserk.find('.', 3) - 3);
  if (type == "local") {
    f.local = must(paserk::local_from_paserk(paserk, *version), path);
  } else if (type == "secret") {
    f.secret = must(paserk::secret_from_paserk(paserk, *version), path);
    f.pub = f.secret->public_key();
  } else if (type == "public") {
    f.pub = must(paserk::public_from_paserk(paserk, *version), path);
  } else {
    usage_error(Errc::unsupported, path + ": PASERK type \"" + std::string(type) +
                                       "\" is not a key file type (local, secret or public)");
  }
  return f;
}

PaserkFile load_paserk_file(const std::string& path) {
  return parse_paserk_file(read_input(path, kMaxPaserkFileBytes, "key file"), path);
}

std::string generate_paserk(std::string_view type) {
  const auto dot = type.find('.');
  const std::string_view v = type.substr(0, dot), purpose = type.substr(dot + 1);
  paseto::Version version = paseto::Version::v4;
  if (v == "v2") version = paseto::Version::v2;
  else if (v == "v3") version = paseto::Version::v3;
  else if (v != "v4") usage_error(Errc::invalid_argument, "unknown PASETO key type " + std::string(type));
  if (purpose == "local") {
    auto key = paseto::LocalKey::generate(version);
    if (!key) usage_error(key.error());
    auto text = paserk::to_paserk(*key);
    if (!text) usage_error(text.error());
    return *text;
  }
  if (purpose == "public") {
    auto key = paseto::SecretKey::generate(version);
    if (!key) usage_error(key.error());
    auto text = paserk::to_paserk(*key);
    if (!text) usage_error(text.error());
    return *text;
  }
  usage_error(Errc::invalid_argument, "unknown PASETO key type " + std::string(type));
}

}  // namespace tessera::cli
