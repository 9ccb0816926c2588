// Client authentication at the token, introspection and revocation endpoints (RFC 6749 §2.3,
// RFC 7523 §2.2). Exactly one method per request (two at once: invalid_request):
//   client_secret_basic  Authorization: Basic (ClientAuth::basic)
//   client_secret_post   client_id + client_secret in the form
//   private_key_jwt      client_assertion_type + client_assertion (client_id optional)
//   none                 client_id alone: public clients only
// A confidential client must use its registered family: private_key_jwt when it registered
// keys (inline, or at a jwks_uri fetched through RemoteKeySets), a secret otherwise. A public
// client never presents a secret. Every failure is invalid_client (the same answer whatever
// failed; the message says which for the logs).
#include "oauth/client_settings.hpp"
#include "oauth/params.hpp"
#include "service/authorization_server_impl.hpp"

namespace tessera {

namespace {
Error bad_client(std::string why) { return Error(Errc::invalid_client, std::move(why)); }
}  // namespace

Result<std::shared_ptr<const LoadedClient>> AuthorizationServer::Impl::authenticate_client(const Params& form, const ClientAuth& auth) {
  if (auth.malformed_basic) return std::unexpected(bad_client("malformed Basic credentials"));
  const auto form_id = oauth::param(form, "client_id");
  const auto form_secret = oauth::param(form, "client_secret");
  const auto assertion_type = oauth::param(form, "client_assertion_type");
  const auto assertion = oauth::param(form, "client_assertion");
  const int methods = (auth.basic ? 1 : 0) + (form_secret ? 1 : 0) + ((assertion || assertion_type) ? 1 : 0);
  if (methods > 1) return fail(Errc::invalid_request, "more than one client authentication method");

  // Which client.
  std::string client_id;
  if (auth.basic) {
    client_id = auth.basic->first;
    if (form_id && *form_id != client_id) return fail(Errc::invalid_request, "client_id differs from the Basic user");
  } else if (form_id) {
    client_id = std::string(*form_id);
  } else if (assertion) {
    auto iss = oauth::assertion_issuer_unverified(*assertion);
    if (!iss) return std::unexpected(bad_client("client assertion without a readable iss"));
    client_id = std::move(*iss);
  } else {
    return std::unexpected(bad_client("no client authentication"));
  }
  auto loaded = cached_client(client_id);
  if (!loaded) return std::unexpected(loaded.error());
  if (!*loaded) return std::unexpected(bad_client("unknown client " + client_id));
  const LoadedClient& c = **loaded;
  const bool uses_keys = !c.settings.jwks_json.empty() || !c.settings.jwks_uri.empty();

  if (assertion || assertion_type) {  // private_key_jwt
    if (!assertion || !assertion_type || *assertion_type != oauth::kJwtBearerAssertion)
      return std::unexpected(bad_client("client_assertion_type must be jwt-bearer, with client_assertion"));
    if (c.settings.public_client || !uses_keys)
      return std::unexpected(bad_client("client " + client_id + " has no registered keys"));
    KeySet fetched;
    const KeySet* client_keys = nullptr;
    if (c.inline_keys) {
      if (!*c.inline_keys) return fail(Errc::store_unavailable, "client keys do not parse");
      client_keys = &**c.inline_keys;
    } else if (!remote_keys) {
      return std::unexpected(bad_client("client " + client_id + " has a jwks_uri and this server fetches no remote keys"));
    } else {
      auto r = remote_keys->keys_for(c.settings.jwks_uri, oauth::assertion_kid_unverified(*assertion));
      // No usable keys at the client's jwks_uri: the client cannot authenticate (not our outage).
      if (!r) return std::unexpected(bad_client(r.error().message));
      fetched = std::move(*r);
      client_keys = &fetched;
    }
    auto ok = oauth::verify_client_assertion(*assertion, client_id, *client_keys, assertion_policy(), clock);
    if (!ok) return std::unexpected(ok.error());
    auto denied = store.is_denied(ok->jti, now());
    if (!denied) return std::unexpected(denied.error());
    if (*denied) return std::unexpected(bad_client("client assertion jti used before"));
    if (auto d = store.deny_jti(ok->jti, ok->expires_at); !d) return std::unexpected(d.error());
    return std::move(*loaded);
  }

  std::optional<std::string_view> secret;
  if (auth.basic) secret = auth.basic->second;
  else if (form_secret) secret = *form_secret;
  if (c.settings.public_client) {
    if (secret || auth.basic) return std::unexpected(bad_client("a public client must not present a secret"));
    return std::move(*loaded);
  }
  if (uses_keys) return std::unexpected(bad_client("client " + client_id + " must authenticate with private_key_jwt"));
  if (!secret) return std::unexpected(bad_client("client " + client_id + " is confidential: secret required"));
  if (!hasher.verify(client_id, *secret, c.record.secret_hash))
    return std::unexpected(bad_client("wrong secret for client " + client_id));
  return std::move(*loaded);
}

Result<std::string> AuthorizationServer::authenticate_feed_client(const Params& params, const ClientAuth& auth) {
  if (auto ok = oauth::check_no_repeats(params); !ok) return std::unexpected(ok.error());
  auto authenticated = impl_->authenticate_client(params, auth);
  if (!authenticated) return std::unexpected(authenticated.error());
  const auto& caller = *authenticated;
  if (caller->settings.public_client)
    return fail(Errc::invalid_client, "only confidential clients may read the revocation feed");
  if (caller->settings.resources.empty())
    return fail(Errc::access_denied, "client " + caller->id() + " is not a resource server (no resources)");
  return caller->id();
}

}  // namespace tessera
