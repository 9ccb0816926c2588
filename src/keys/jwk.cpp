// JWK (RFC 7517 / 7518 / 8037) reading and writing, and the RFC 7638 thumbprint.
#include <algorithm>
#include <utility>

#include "codec/base64url.hpp"
#include "codec/json.hpp"
#include "keys/key_build.hpp"

namespace tessera {
namespace json = boost::json;
namespace {

template <class T>
std::unexpected<Error> pass(Result<T>& r) {
  return std::unexpected(std::move(r.error()));
}

// ---- reading -----------------------------------------------------------------------------

// A base64url member: nullopt if absent, wrong_type if not a string, malformed if not strict
// base64url, invalid_key if present but empty.
Result<std::optional<crypto::Bytes>> bytes_member(const json::object& o, std::string_view name) {
  auto s = codec::get_string(o, name);
  if (!s) return pass(s);
  if (!*s) return std::optional<crypto::Bytes>{};
  auto b = codec::base64url_decode(**s);
  if (!b) return fail(Errc::malformed, std::string(name) + " is not base64url");
  if (b->empty()) return fail(Errc::invalid_key, std::string(name) + " is empty");
  return std::optional<crypto::Bytes>{std::move(*b)};
}

Result<crypto::Bytes> required_bytes(const json::object& o, std::string_view name,
                                     std::size_t exact_size = 0) {
  auto b = bytes_member(o, name);
  if (!b) return pass(b);
  if (!*b) return fail(Errc::invalid_key, std::string(name) + " is missing");
  if (exact_size != 0 && (*b)->size() != exact_size)
    return fail(Errc::invalid_key, std::string(name) + " has the wrong length");
  return std::move(**b);
}

Result<std::optional<SecretBytes>> secret_member(const json::object& o, std::string_view name,
                                                 std::size_t exact_size = 0) {
  auto b = bytes_member(o, name);
  if (!b) return pass(b);
  if (!*b) return std::optional<SecretBytes>{};
  crypto::Bytes& raw = **b;
  std::optional<SecretBytes> out;
  if (exact_size == 0 || raw.size() == exact_size) out.emplace(raw);
  crypto::secure_zero(raw.data(), raw.size());
  if (!out) return fail(Errc::invalid_key, std::string(name) + " has the wrong length");
  return out;
}

Result<std::string_view> required_string(const json::object& o, std::string_view name) {
  auto s = codec::get_string(o, name);
  if (!s) return pass(s);
  if (!*s) return fail(Errc::invalid_key, std::string(name) + " is missing");
  return **s;
}

// kid, use, alg, key_ops.
Result<void> read_parameters(const json::object& o, Key::Impl& impl) {
  auto kid = codec::get_string(o, "kid");
  if (!kid) return pass(kid);
  if (*kid) impl.kid = std::string(**kid);
  auto use = codec::get_string(o, "use");
  if (!use) return pass(use);
  if (*use) impl.use = std::string(**use);
  auto alg = codec::get_string(o, "alg");
  if (!alg) return pass(alg);
  if (*alg) {
    if (auto a = parse_algorithm(**alg)) impl.alg = *a;
    else impl.foreign_alg = std::string(**alg);
  }
  if (const json::value* ops = o.if_contains("key_ops")) {
    if (!ops->is_array()) return fail(Errc::wrong_type, "key_ops is not an array");
    std::vector<std::string> list;
    for (const json::value& op : ops->get_array()) {
      if (!op.is_string()) return fail(Errc::wrong_type, "key_ops holds a non-string");
      std::string name(op.get_string().data(), op.get_string().size());
      if (std::find(list.begin(), list.end(), name) != list.end())
        return fail(Errc::invalid_key, "key_ops repeats a value");
      list.push_back(std::move(name));
    }
    impl.key_ops = std::move(list);
  }
  return {};
}

Result<crypto::PKey> read_rsa(const json::object& o) {
  if (o.contains("oth")) return fail(Errc::unsupported, "multi-prime RSA keys are not supported");
  crypto::RsaComponents c;
  auto n = required_bytes(o, "n");
  if (!n) return pass(n);
  auto e = required_bytes(o, "e");
  if (!e) return pass(e);
  c.n = std::move(*n);
  c.e = std::move(*e);
  std::optional<SecretBytes>* priv[] = {&c.d, &c.p, &c.q, &c.dp, &c.dq, &c.qi};
  const char* names[] = {"d", "p", "q", "dp", "dq", "qi"};
  int crt = 0;
  for (std::size_t i = 0; i < 6; ++i) {
    auto s = secret_member(o, names[i]);
    if (!s) return pass(s);
    *priv[i] = std::move(*s);
    if (i > 0 && priv[i]->has_value()) ++crt;
  }
  if (crt != 0 && (crt != 5 || !c.d)) return fail(Errc::invalid_key, "incomplete RSA private key");
  return crypto::PKey::from_rsa(c);
}

Result<crypto::PKey> read_ec(const json::object& o) {
  auto crv = required_string(o, "crv");
  if (!crv) return pass(crv);
  crypto::EcComponents c;
  std::size_t len = 0;
  if (*crv == "P-256") c.curve = crypto::KeyKind::ec_p256, len = 32;
  else if (*crv == "P-384") c.curve = crypto::KeyKind::ec_p384, len = 48;
  else if (*crv == "P-521") c.curve = crypto::KeyKind::ec_p521, len = 66;
  else return fail(Errc::unsupported, "unsupported EC curve");
  auto x = required_bytes(o, "x", len);
  if (!x) return pass(x);
  auto y = required_bytes(o, "y", len);
  if (!y) return pass(y);
  auto d = secret_member(o, "d", len);
  if (!d) return pass(d);
  c.x = std::move(*x);
  c.y = std::move(*y);
  c.d = std::move(*d);
  return crypto::PKey::from_ec(c);
}

Result<crypto::PKey> read_okp(const json::object& o) {
  auto crv = required_string(o, "crv");
  if (!crv) return pass(crv);
  if (*crv != "Ed25519") return fail(Errc::unsupported, "unsupported OKP curve");
  crypto::OkpComponents c;
  auto x = required_bytes(o, "x", 32);
  if (!x) return pass(x);
  auto d = secret_member(o, "d", 32);
  if (!d) return pass(d);
  c.x = std::move(*x);
  c.d = std::move(*d);
  return crypto::PKey::from_okp(c);
}

// ---- writing -----------------------------------------------------------------------------

void put(json::object& o, std::string_view name, crypto::ByteView bytes) {
  o[name] = std::string_view(codec::base64url_encode(bytes));
}

void put_secret(json::object& o, std::string_view name, const std::optional<SecretBytes>& s) {
  if (!s) return;
  std::string enc = codec::base64url_encode(s->reveal(SecretAccess{}));
  o[name] = std::string_view(enc);
  crypto::secure_zero(enc.data(), enc.size());
}

std::string_view curve_name(crypto::KeyKind kind) noexcept {
  switch (kind) {
    case crypto::KeyKind::ec_p256: return "P-256";
    case crypto::KeyKind::ec_p384: return "P-384";
    case crypto::KeyKind::ec_p521: return "P-521";
    case crypto::KeyKind::ed25519: return "Ed25519";
    default: return "";
  }
}

void wipe_value(json::value& v) noexcept {
  if (v.is_string()) {
    json::string& s = v.get_string();
    crypto::secure_zero(s.data(), s.size());
  } else if (v.is_array()) {
    for (json::value& e : v.get_array()) wipe_value(e);
  } else if (v.is_object()) {
    keys::detail::wipe_json(v.get_object());
  }
}

}  // namespace

namespace keys::detail {

Result<void> add_material_members(const Key::Impl& impl, bool include_private, json::object& out) {
  if (impl.secret) {
    if (!include_private) return fail(Errc::invalid_argument, "a secret key has no public form");
    put_secret(out, "k", impl.secret);
    return {};
  }
  const bool priv = include_private && impl.pkey->has_private();
  const crypto::PKey key = priv ? *impl.pkey : impl.pkey->public_only();
  switch (key.kind()) {
    case crypto::KeyKind::rsa: {
      auto c = key.rsa_components();
      if (!c) return pass(c);
      put(out, "n", c->n);
      put(out, "e", c->e);
      for (auto [name, member] : {std::pair{"d", &c->d}, {"p", &c->p}, {"q", &c->q},
                                  {"dp", &c->dp}, {"dq", &c->dq}, {"qi", &c->qi}})
        put_secret(out, name, *member);
      return {};
    }
    case crypto::KeyKind::ed25519: {
      auto c = key.okp_components();
      if (!c) return pass(c);
      out["crv"] = curve_name(key.kind());
      put(out, "x", c->x);
      put_secret(out, "d", c->d);
      return {};
    }
    default: {
      auto c = key.ec_components();
      if (!c) return pass(c);
      out["crv"] = curve_name(key.kind());
      put(out, "x", c->x);
      put(out, "y", c->y);
      put_secret(out, "d", c->d);
      return {};
    }
  }
}

Result<std::string> thumbprint(const Key::Impl& impl) {
  // RFC 7638 §3.2: the required members only, in lexicographic order, no whitespace. Every
  // value is a base64url string or a fixed name, so none needs JSON escaping.
  json::object members;
  auto added = add_material_members(impl, impl.secret.has_value(), members);
  if (!added) return pass(added);
  members["kty"] = std::string_view(impl.kty);
  std::vector<std::string_view> names;
  for (const auto& m : members) names.emplace_back(m.key().data(), m.key().size());
  std::sort(names.begin(), names.end());
  std::string canon = "{";
  for (std::string_view name : names) {
    const json::string& v = members.if_contains(name)->get_string();
    if (canon.size() > 1) canon += ',';
    canon.append("\"").append(name).append("\":\"").append(v.data(), v.size()).append("\"");
  }
  canon += '}';
  const crypto::Bytes digest = crypto::sha256(crypto::as_bytes(canon));
  crypto::secure_zero(canon.data(), canon.size());
  wipe_json(members);
  return codec::base64url_encode(digest);
}

void wipe_json(json::object& o) noexcept {
  for (auto& m : o) wipe_value(m.value());
}

}  // namespace keys::detail

Result<Key> Key::from_jwk(std::string_view text) {
  auto o = codec::parse_json_object(text);
  if (!o) return pass(o);
  return from_jwk(*o);
}

Result<Key> Key::from_jwk(const json::object& jwk) {
  auto kty = required_string(jwk, "kty");
  if (!kty) return pass(kty);
  Impl impl;
  auto params = read_parameters(jwk, impl);
  if (!params) return pass(params);
  Result<crypto::PKey> pk = fail(Errc::unsupported, "unsupported kty");
  if (*kty == "oct") {
    auto k = secret_member(jwk, "k");
    if (!k) return pass(k);
    if (!*k) return fail(Errc::invalid_key, "k is missing");
    impl.secret = std::move(**k);
    return keys::detail::finish(std::move(impl), false);
  }
  if (*kty == "RSA") pk = read_rsa(jwk);
  else if (*kty == "EC") pk = read_ec(jwk);
  else if (*kty == "OKP") pk = read_okp(jwk);
  if (!pk) return pass(pk);
  impl.pkey = std::move(*pk);
  return keys::detail::finish(std::move(impl), false);
}

Result<json::object> Key::to_jwk(bool include_private) const {
  const Impl& k = *impl_;
  if (k.secret && !include_private)
    return fail(Errc::invalid_argument, "a secret key has no public form");
  json::object o;
  o["kty"] = std::string_view(k.kty);
  if (!k.kid.empty()) o["kid"] = std::string_view(k.kid);
  if (k.use) o["use"] = std::string_view(*k.use);
  if (k.key_ops) {
    json::array ops;
    for (const auto& op : *k.key_ops) ops.emplace_back(std::string_view(op));
    o["key_ops"] = std::move(ops);
  }
  if (k.alg) o["alg"] = alg_name(*k.alg);
  else if (k.foreign_alg) o["alg"] = std::string_view(*k.foreign_alg);
  auto added = keys::detail::add_material_members(k, include_private, o);
  if (!added) {
    keys::detail::wipe_json(o);
    return pass(added);
  }
  return o;
}

Result<std::string> Key::to_jwk_json(bool include_private) const {
  auto o = to_jwk(include_private);
  if (!o) return pass(o);
  std::string text = codec::to_json(*o);
  keys::detail::wipe_json(*o);
  return text;
}

}  // namespace tessera
