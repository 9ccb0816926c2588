// The data directory: created on first start (mode 0700) with keys/ holding an Ed25519 and an
// ES256 signing key as private JWK files (mode 0600, kid = RFC 7638 thumbprint).
#pragma once

#include <string>

#include "tessera/error.hpp"
#include "tessera/keys.hpp"

namespace tessera::server {

struct DataDir {
  bool created = false;    // true when this call created the directory or the keys
  KeySet signing_keys;     // private keys, Ed25519 first
  std::string jwks_json;   // their public halves, {"keys":[...]}: what /.well-known/jwks.json serves
};

// Creates what is missing and loads the keys. Errors: io_error (cannot create/read/write),
// invalid_key (a key file that does not parse or is not a private signing key).
Result<DataDir> open_data_dir(const std::string& path);

}  // namespace tessera::server
