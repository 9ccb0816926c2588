// The data directory: created on first start (mode 0700) with keys/ holding the signing keys as
// private JWK files (mode 0600; key_files.hpp: their names, timestamps and rotation): Ed25519
// (used for JWT EdDSA and PASETO v4.public, so its kid is always its PASERK id k4.pid...,
// whatever its file says), ES256 and RS256 (kid = RFC 7638 thumbprint); and two secret keys, each 32 random bytes as one line of base64url (mode
// 0600): keys/device-cookie.key (device cookies), keys/oauth.key (the OAuth server's key) and keys/bff.key
// (the BFF's sealing key, docs/bff.md).
// A missing secret file, or a group without any signing key file, is generated, also in a data
// directory made by an older version.
// Thread safety: open_data_dir is safe to call concurrently (even from two processes).
#pragma once

#include <string>
#include <vector>

#include "server/key_files.hpp"
#include "tessera/error.hpp"
#include "tessera/keys.hpp"
#include "tessera/secret.hpp"

namespace tessera::server {

struct DataDir {
  bool created = false;    // true when this call created the directory or the keys
  KeySet signing_keys;     // every signing key file's private key: ed25519.jwk, es256.jwk, rs256.jwk first
  std::vector<KeyFile> key_files;  // the same with their timestamps (key_ring_of makes the schedule)
  SecretBytes device_cookie_key;  // kDeviceKeyBytes bytes: the MAC key of device cookies
  SecretBytes oauth_key;          // kDeviceKeyBytes bytes: the OAuth server's key (keys/oauth.key)
  SecretBytes bff_key;            // kDeviceKeyBytes bytes: the BFF's v4.local key (keys/bff.key): sign-in records, tokens at rest
};

// Creates what is missing and loads the keys. Errors: io_error (cannot create/read/write),
// invalid_key (a key file that does not parse or is not a private signing key of its type, or a
// secret key file that is not exactly one line of base64url of 32 bytes).
Result<DataDir> open_data_dir(const std::string& path);

}  // namespace tessera::server
