// KeySet (building, lookup, JWKS) and load_key_set.
#include <algorithm>
#include <utility>

#include "codec/json.hpp"
#include "keys/key_build.hpp"

namespace tessera {
namespace json = boost::json;
namespace {

// Key files and JWKS documents may hold many keys; allow more than a single token's JSON.
constexpr codec::JsonLimits kKeyFileLimits{1024 * 1024, 16};

// A key taken from a file or JWKS entry without a kid is named by its thumbprint.
Result<Key> with_default_kid(Result<Key> key) {
  if (!key || !key->kid().empty()) return key;
  std::string tp = key->thumbprint();
  if (tp.empty()) return fail(Errc::invalid_key, "cannot compute the key thumbprint");
  return key->with_kid(std::move(tp));
}

Result<KeySet> from_jwks_object(const json::object& jwks) {
  const json::value* keys = jwks.if_contains("keys");
  if (!keys) return fail(Errc::invalid_key, "JWKS has no keys member");
  if (!keys->is_array()) return fail(Errc::wrong_type, "JWKS keys is not an array");
  KeySet set;
  for (const json::value& entry : keys->get_array()) {
    if (!entry.is_object()) return fail(Errc::wrong_type, "JWKS entry is not an object");
    auto key = with_default_kid(Key::from_jwk(entry.get_object()));
    if (!key) return std::unexpected(std::move(key.error()));
    auto added = set.add(std::move(*key));
    if (!added) return std::unexpected(std::move(added.error()));
  }
  return set;
}

}  // namespace

Result<void> KeySet::add(Key key, bool make_primary) {
  // Every key in a set has a kid, so that a token's kid (even "") can only ever select a
  // key by a name the key set gave it.
  auto named = with_default_kid(std::move(key));
  if (!named) return std::unexpected(std::move(named.error()));
  if (find(named->kid())) return fail(Errc::invalid_argument, "duplicate kid in key set");
  any_kid_ = false;  // several keys, or one added by name: select strictly by kid
  keys_.push_back(std::move(*named));
  if (make_primary) primary_ = keys_.size() - 1;
  return {};
}

Result<void> KeySet::set_primary(std::string_view kid) {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i].kid() == kid) {
      primary_ = i;
      return {};
    }
  }
  return fail(Errc::key_not_found, "no key with that kid");
}

const Key* KeySet::primary() const noexcept {
  return primary_ < keys_.size() ? &keys_[primary_] : nullptr;
}

const Key* KeySet::find(std::string_view kid) const noexcept {
  for (const Key& k : keys_)
    if (k.kid() == kid) return &k;
  return nullptr;
}

const Key* KeySet::select_by_token_kid(std::string_view kid) const noexcept {
  if (const Key* k = find(kid)) return k;
  return any_kid_selects_the_key() ? &keys_.front() : nullptr;
}

Result<KeySet> KeySet::single_key(Key key) {
  KeySet set;
  auto added = set.add(std::move(key));
  if (!added) return std::unexpected(std::move(added.error()));
  set.any_kid_ = true;
  return set;
}

Result<KeySet> KeySet::from_jwks(std::string_view text) {
  auto o = codec::parse_json_object(text, kKeyFileLimits);
  if (!o) return std::unexpected(std::move(o.error()));
  return from_jwks_object(*o);
}

Result<json::object> KeySet::to_jwks(bool include_private) const {
  json::array arr;
  for (const Key& k : keys_) {
    if (k.is_symmetric() && !include_private) continue;  // a secret has no public form
    auto jwk = k.to_jwk(include_private);
    if (!jwk) {
      for (json::value& v : arr) keys::detail::wipe_json(v.get_object());
      return std::unexpected(std::move(jwk.error()));
    }
    arr.emplace_back(std::move(*jwk));
  }
  json::object out;
  out["keys"] = std::move(arr);
  return out;
}

Result<std::string> KeySet::to_jwks_json(bool include_private) const {
  auto o = to_jwks(include_private);
  if (!o) return std::unexpected(std::move(o.error()));
  std::string text = codec::to_json(*o);
  keys::detail::wipe_json(*o);
  return text;
}

Result<KeySet> load_key_set(std::string_view text) {
  if (text.find("-----BEGIN") != std::string_view::npos) {
    auto key = Key::from_pem(text);
    if (!key) return std::unexpected(std::move(key.error()));
    return KeySet::single_key(std::move(*key));  // a PEM key has no name: any kid selects it
  }
  auto o = codec::parse_json_object(text, kKeyFileLimits);
  if (!o) return std::unexpected(std::move(o.error()));
  if (o->contains("keys")) return from_jwks_object(*o);
  auto key = Key::from_jwk(*o);
  if (!key) return std::unexpected(std::move(key.error()));
  // A JWK without "kid" is an unnamed single key (any kid selects it); one with a kid names
  // itself, and a token naming another key is not for it (node jose's importJWK drops the kid
  // and accepts; we keep the name the file gives).
  if (key->kid().empty()) return KeySet::single_key(std::move(*key));
  KeySet set;
  auto added = set.add(std::move(*key));
  if (!added) return std::unexpected(std::move(added.error()));
  return set;
}

}  // namespace tessera
