// PASETO key files for the `tessera` CLI: a file holds one PASERK string (kN.local, kN.secret
// or kN.public). Loading detects the version and type from the PASERK header.
// Every failure throws cli::Failure with exit code 2 (an unusable key file is a usage error).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tessera/paseto.hpp"

namespace tessera::cli {

// True when the (trimmed) text starts like a PASERK: "k2.", "k3." or "k4.".
bool looks_like_paserk(std::string_view text);

struct PaserkFile {
  paseto::Version version;
  std::optional<paseto::LocalKey> local;
  std::optional<paseto::SecretKey> secret;
  std::optional<paseto::PublicKey> pub;  // set for kN.public, and derived for kN.secret
};

PaserkFile parse_paserk_file(std::string_view text, const std::string& path);
PaserkFile load_paserk_file(const std::string& path);

// "v4.local" -> a fresh key, as its PASERK string (kN.local / kN.secret).
std::string generate_paserk(std::string_view type);

}  // namespace tessera::cli
