// setup_tls (server/tls.hpp).
#include "server/tls.hpp"

// Asio's ssl::context has no call for a minimum version or a cipher list: those two settings
// go through its native SSL_CTX (TLS is transport, not a crypto primitive of src/crypto/).
#include <openssl/ssl.h>

namespace tessera::server {

namespace asio = boost::asio;

Result<void> setup_tls(asio::ssl::context& ctx, const std::string& cert_file, const std::string& key_file) {
  boost::system::error_code ec;
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                      asio::ssl::context::single_dh_use,
                  ec);
  if (ec) return fail(Errc::invalid_argument, "TLS options: " + ec.message());
  SSL_CTX* native = ctx.native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1)
    return fail(Errc::invalid_argument, "TLS: cannot set the minimum protocol version");
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1)
    return fail(Errc::invalid_argument, "TLS: cannot set the TLS 1.2 cipher list");
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  ctx.use_certificate_chain_file(cert_file, ec);
  if (ec) return fail(Errc::invalid_argument, "cannot load --tls-cert " + cert_file + ": " + ec.message());
  ctx.use_private_key_file(key_file, asio::ssl::context::pem, ec);
  if (ec) return fail(Errc::invalid_argument, "cannot load --tls-key " + key_file + ": " + ec.message());
  if (SSL_CTX_check_private_key(native) != 1)
    return fail(Errc::invalid_argument, "--tls-key does not match --tls-cert");
  return {};
}

}  // namespace tessera::server
