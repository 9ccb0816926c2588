// The shared TLS client setup (tls_client_context.hpp).
#include "net/tls_client_context.hpp"

namespace tessera::net {

namespace ssl = boost::asio::ssl;

Result<void> setup_tls_client_context(ssl::context& ctx, const std::string& ca_file, std::string_view ca_setting) {
  boost::system::error_code ec;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                      ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                  ec);
  if (!ec) ctx.set_default_verify_paths(ec);
  if (ec) return fail(Errc::invalid_argument, "TLS client context: " + ec.message());
  if (!ca_file.empty()) {
    ctx.load_verify_file(ca_file, ec);
    if (ec) return fail(Errc::invalid_argument, std::string(ca_setting) + " " + ca_file + ": " + ec.message());
  }
  ctx.set_verify_mode(ssl::verify_peer);
  return {};
}

}  // namespace tessera::net
