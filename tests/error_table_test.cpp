// The server's one error table (server/error_table.hpp): every library code and every code the
// server uses itself has one status and one fixed public message.
#include "server/error_table.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tessera::server {
namespace {

using boost::beast::http::status;

TEST(ErrorTable, LibraryCodes) {
  EXPECT_EQ(public_error(Errc::invalid_credentials).status, status::unauthorized);
  EXPECT_EQ(public_error(Errc::session_revoked).status, status::unauthorized);
  EXPECT_EQ(public_error(Errc::csrf_failed).status, status::forbidden);
  EXPECT_EQ(public_error(Errc::credentials_changed).status, status::conflict);
  EXPECT_EQ(public_error(Errc::throttled).status, status::too_many_requests);
  EXPECT_EQ(public_error(Errc::store_unavailable).status, status::service_unavailable);
  EXPECT_EQ(public_error(Errc::store_epoch_mismatch).status, status::service_unavailable);
  EXPECT_EQ(public_error(Errc::weak_password).status, status::bad_request);
  // The JSON family is one public code; an account gone under a live session says no more
  // than a wrong password; what the table does not know is internal, never a library message.
  for (auto c : {Errc::malformed, Errc::wrong_type, Errc::duplicate_member, Errc::json_too_deep, Errc::token_too_large})
    EXPECT_EQ(public_error(c).code, "malformed");
  EXPECT_EQ(public_error(Errc::user_not_found).code, "invalid_credentials");
  EXPECT_EQ(public_error(Errc::bad_signature).status, status::internal_server_error);
  EXPECT_EQ(public_error(Errc::bad_signature).code, "internal");
}

TEST(ErrorTable, OAuthCodesAreTheProtocolsErrorValues) {
  // RFC 6749 §5.2 (400, invalid_client 401), RFC 6750 §3.1 (invalid_token 401,
  // insufficient_scope 403); the public code is code_name(), so the protocol value goes out as is.
  const std::pair<Errc, status> cases[] = {
      {Errc::invalid_request, status::bad_request},        {Errc::invalid_client, status::unauthorized},
      {Errc::invalid_grant, status::bad_request},          {Errc::unauthorized_client, status::bad_request},
      {Errc::unsupported_grant_type, status::bad_request}, {Errc::unsupported_response_type, status::bad_request},
      {Errc::invalid_scope, status::bad_request},          {Errc::invalid_target, status::bad_request},
      {Errc::access_denied, status::forbidden},            {Errc::login_required, status::unauthorized},
      {Errc::consent_required, status::forbidden},         {Errc::invalid_token, status::unauthorized},
      {Errc::insufficient_scope, status::forbidden},
      // RFC 9449 §5, §8: at the token endpoint
      {Errc::invalid_dpop_proof, status::bad_request},     {Errc::use_dpop_nonce, status::bad_request},
  };
  for (const auto& [code, st] : cases) {
    const auto pe = public_error(code);
    EXPECT_EQ(pe.status, st) << code_name(code);
    EXPECT_EQ(pe.code, code_name(code));
    EXPECT_FALSE(pe.message.empty()) << code_name(code);
  }
}

TEST(ErrorTable, ServerCodes) {
  const std::pair<const char*, status> cases[] = {
      {"not_found", status::not_found},
      {"method_not_allowed", status::method_not_allowed},
      {"unauthenticated", status::unauthorized},
      {"request_timeout", status::request_timeout},
      {"body_too_large", status::payload_too_large},
      {"headers_too_large", status::request_header_fields_too_large},
      {"unsupported_media_type", status::unsupported_media_type},
      {"overloaded", status::service_unavailable},
      {"malformed", status::bad_request},
      {"bad_gateway", status::bad_gateway},
      {"gateway_timeout", status::gateway_timeout},
  };
  for (const auto& [code, st] : cases) {
    const auto pe = public_error(code);
    EXPECT_EQ(pe.status, st) << code;
    EXPECT_EQ(pe.code, code);
    EXPECT_FALSE(pe.message.empty()) << code;
  }
  EXPECT_EQ(public_error("no-such-code").status, status::internal_server_error);
  EXPECT_EQ(public_error("no-such-code").code, "internal");
}

}  // namespace
}  // namespace tessera::server
