// A client's settings (ClientSettings, tessera/authorization_server.hpp): the rules a
// registration must follow, and the JSON they are stored as (ClientRecord::settings_json).
//
// check_settings enforces (invalid_argument, the message naming the setting):
//  - name non-empty (at most 200 bytes);
//  - redirect URIs per redirect_uri.hpp; at least one when authorization_code is a grant;
//  - grants within {authorization_code, refresh_token, client_credentials}, at least one;
//    refresh_token only with authorization_code; public clients never client_credentials;
//  - scopes are RFC 6749 §3.3 tokens; audiences and resources non-empty strings;
//  - access_ttl > 0, refresh_idle_ttl > 0, refresh_absolute_ttl >= refresh_idle_ttl,
//    refresh_reuse_grace 0..60;
//  - id_token_alg one of ES256, EdDSA, RS256;
//  - jwks_json a key set of public asymmetric keys, jwks_uri an https URI; not both; only
//    for confidential clients (private_key_jwt).
// decode_settings is strict: an unknown member, a missing one or a wrong type is
// store_unavailable (a stored record that does not parse is a broken store, never a default);
// the one exception is require_dpop, absent in clients stored before DPoP (false).
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "tessera/authorization_server.hpp"

namespace tessera::oauth {

Result<void> check_settings(const ClientSettings& s);
// Everything but the name (which ClientRecord keeps on its own).
std::string encode_settings(const ClientSettings& s);
Result<ClientSettings> decode_settings(std::string_view json, std::string_view name);

// The client's registered keys for private_key_jwt (check_settings accepted them); a set of
// one key verifies whatever kid a token names (KeySet::single_key).
Result<KeySet> client_keys(const ClientSettings& s);

bool has_grant(const ClientSettings& s, std::string_view grant);

}  // namespace tessera::oauth
