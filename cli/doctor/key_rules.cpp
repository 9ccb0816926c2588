// The key rules of `tessera doctor` (key_rules.hpp).
#include "doctor/key_rules.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace tessera::cli::doctor {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0;
  return static_cast<unsigned>(st.st_mode & 07777);
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

KeyDirFacts read_key_dir(const std::string& keys_dir) {
  KeyDirFacts f;
  f.path = keys_dir;
  std::error_code ec;
  if (!fs::is_directory(keys_dir, ec)) return f;
  f.exists = true;
  for (const auto& entry : fs::directory_iterator(keys_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".jwk")) {
      KeyFileFacts k;
      k.name = name;
      k.mode = mode_of(entry.path());
      boost::system::error_code jec;
      const json::value v = json::parse(read_all(entry.path()), jec);
      if (!jec && v.is_object()) {
        const auto& o = v.as_object();
        k.kty = member(o, "kty");
        k.alg = member(o, "alg");
        k.crv = member(o, "crv");
        // base64url without padding: 4 characters carry 3 bytes.
        const std::string n = member(o, "n");
        k.rsa_bits = static_cast<std::int64_t>(n.size() * 6 / 8 * 8);
      }
      f.keys.push_back(std::move(k));
    } else if (name.ends_with(".key")) {
      SecretFileFacts s;
      s.name = name;
      s.mode = mode_of(entry.path());
      std::string line = read_all(entry.path());
      if (const auto nl = line.find('\n'); nl != std::string::npos) line.resize(nl);
      s.fingerprint = line.empty() ? 0 : std::hash<std::string>{}(line);
      f.secrets.push_back(std::move(s));
    }
  }
  std::sort(f.keys.begin(), f.keys.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::sort(f.secrets.begin(), f.secrets.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return f;
}

Findings check_key_dir(const KeyDirFacts& f) {
  Findings out;
  if (!f.exists) {
    add(out, Severity::info, "keys",
        fmt::format("no key directory {} yet: tessera serve creates its keys on first start", f.path));
    return out;
  }
  for (const auto& k : f.keys) {
    if (k.kty == "RSA" && k.rsa_bits < 2048)
      add(out, Severity::error, "key_size", fmt::format("{}: an RSA key of {} bits", k.name, k.rsa_bits),
          "remove it and run `tessera keys rotate --alg RS256` (Tessera makes 2048-bit or larger keys)");
    else if (k.kty == "RSA" && k.rsa_bits < 3072)
      add(out, Severity::info, "key_size", fmt::format("{}: RSA {} bits (fine until about 2030)", k.name, k.rsa_bits));
    if (k.kty == "oct")
      add(out, Severity::error, "shared_symmetric_key",
          fmt::format("{}: a symmetric (oct) key among the signing keys: every verifier would hold the secret "
                      "and could mint tokens",
                      k.name),
          "remove it: Tessera signs with ES256, EdDSA and RS256 keys only; verifiers use the public JWKS");
    else if (k.kty.empty())
      add(out, Severity::error, "keys", fmt::format("{}: not a JSON key object", k.name),
          "restore it from a backup or remove it and run `tessera keys rotate`");
    if ((k.mode & 077) != 0)
      add(out, Severity::error, "key_files_mode",
          fmt::format("{}: mode {:04o}: the private key is readable by other users", k.name, k.mode),
          fmt::format("chmod 600 {}/{}", f.path, k.name));
  }
  for (const auto& s : f.secrets) {
    if ((s.mode & 077) != 0)
      add(out, Severity::error, "key_files_mode",
          fmt::format("{}: mode {:04o}: the secret is readable by other users", s.name, s.mode),
          fmt::format("chmod 600 {}/{}", f.path, s.name));
  }
  for (std::size_t i = 0; i < f.secrets.size(); ++i)
    for (std::size_t j = i + 1; j < f.secrets.size(); ++j)
      if (f.secrets[i].fingerprint != 0 && f.secrets[i].fingerprint == f.secrets[j].fingerprint)
        add(out, Severity::error, "shared_symmetric_key",
            fmt::format("{} and {} hold the same secret: one key serves two purposes", f.secrets[i].name,
                        f.secrets[j].name),
            fmt::format("remove {}/{} and restart: a fresh one is generated (its users sign in again)", f.path,
                        f.secrets[j].name));
  return out;
}

Findings check_secret_file(const std::string& path) {
  Findings out;
  const unsigned mode = mode_of(path);
  if (mode != 0 && (mode & 077) != 0)
    add(out, Severity::error, "key_files_mode",
        fmt::format("{}: mode {:04o}: the BFF's client secret is readable by other users", path, mode),
        fmt::format("chmod 600 {}", path));
  return out;
}

}  // namespace tessera::cli::doctor
