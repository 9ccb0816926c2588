// The TLS policy of `tessera serve` (docs/server.md "TLS"): TLS 1.3 with OpenSSL's (all AEAD)
// suites, and TLS 1.2 only with ECDHE key exchange and an AEAD cipher (AES-GCM or
// ChaCha20-Poly1305). No CBC, no static RSA, no TLS 1.1 or older.
#pragma once

#include <string>

#include <boost/asio/ssl/context.hpp>

#include "tessera/error.hpp"

namespace tessera::server {

// The TLS 1.2 cipher list (OpenSSL names).
inline constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// Applies the policy to ctx and loads the certificate chain and key (PEM files).
// invalid_argument when a file cannot be loaded or the key does not match the certificate.
Result<void> setup_tls(boost::asio::ssl::context& ctx, const std::string& cert_file, const std::string& key_file);

}  // namespace tessera::server
