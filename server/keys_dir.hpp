// The data directory: created on first start (mode 0700) with keys/ holding an Ed25519 and an
// ES256 signing key as private JWK files (mode 0600, kid = RFC 7638 thumbprint) and the device
// cookie key (keys/device-cookie.key: 32 random bytes as one line of base64url, mode 0600).
#pragma once

#include <string>

#include "tessera/error.hpp"
#include "tessera/keys.hpp"
#include "tessera/secret.hpp"

namespace tessera::server {

struct DataDir {
  bool created = false;    // true when this call created the directory or the keys
  KeySet signing_keys;     // private keys, Ed25519 first
  std::string jwks_json;   // their public halves, {"keys":[...]}: what /.well-known/jwks.json serves
  SecretBytes device_cookie_key;  // kDeviceKeyBytes bytes: the MAC key of device cookies
};

// Creates what is missing and loads the keys. Errors: io_error (cannot create/read/write),
// invalid_key (a key file that does not parse or is not a private signing key, or a device
// cookie key file that is not exactly one line of base64url of 32 bytes).
Result<DataDir> open_data_dir(const std::string& path);

}  // namespace tessera::server
