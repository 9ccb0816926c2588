// `tessera doctor`'s checks of the data directory's keys (docs/doctor.md, docs/keys.md): what
// each key file holds (read as JSON, never loaded as a key) and its permissions, then the rules
// as a pure function over those facts.
// Thread safety: read_key_dir reads files; check_key_dir is pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "doctor/finding.hpp"

namespace tessera::cli::doctor {

struct KeyFileFacts {
  std::string name;      // file name within keys/
  std::string kty;       // JWK kty ("" when the file is not a JSON object)
  std::string alg;
  std::string crv;
  std::int64_t rsa_bits = 0;  // RSA: the modulus size
  unsigned mode = 0600;
};

struct SecretFileFacts {
  std::string name;      // oauth.key, device-cookie.key
  unsigned mode = 0600;
  std::size_t fingerprint = 0;  // std::hash of the first line: tells two equal secrets apart
                                // without keeping either (0: empty file)
};

struct KeyDirFacts {
  bool exists = false;
  std::string path;
  std::vector<KeyFileFacts> keys;
  std::vector<SecretFileFacts> secrets;
};

KeyDirFacts read_key_dir(const std::string& keys_dir);

// Rules: key_size (RSA < 2048 error, < 3072 info), shared_symmetric_key (an oct key among the
// signing keys; one secret used for two purposes), key_files_mode (readable by others), keys
// (no data directory yet: info).
Findings check_key_dir(const KeyDirFacts& facts);

// The BFF's client secret file (--bff-client-secret-file): key_files_mode when others may read it.
Findings check_secret_file(const std::string& path);

}  // namespace tessera::cli::doctor
