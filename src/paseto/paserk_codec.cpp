// PASERK plain keys (kN.local / public / secret) and identifiers (kN.lid / pid / sid), plus
// the header parsing shared by the other paserk_*.cpp files.
#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "codec/base64url.hpp"
#include "crypto/kex.hpp"
#include "crypto/sym.hpp"
#include "paseto/paserk_impl.hpp"

namespace tessera::paserk {

namespace detail {

std::string header(Version v, std::string_view type) {
  std::string h;
  h.reserve(4 + type.size());
  h.push_back('k');
  h.push_back(static_cast<char>('0' + static_cast<int>(v)));
  h.push_back('.');
  h.append(type);
  h.push_back('.');
  return h;
}

std::size_t public_key_size(Version v) noexcept { return v == Version::v3 ? 49 : 32; }
std::size_t secret_key_size(Version v) noexcept { return v == Version::v3 ? 48 : 64; }

std::size_t key_size(Version v, KeyType t) noexcept {
  switch (t) {
    case KeyType::local: return kLocalKeyBytes;
    case KeyType::public_: return public_key_size(v);
    case KeyType::secret: return secret_key_size(v);
  }
  return 0;
}

std::string_view type_name(KeyType t) noexcept {
  switch (t) {
    case KeyType::local: return "local";
    case KeyType::public_: return "public";
    case KeyType::secret: return "secret";
  }
  return "";
}

namespace {
constexpr std::array<std::string_view, 11> kKnownTypes = {
    "local", "public", "secret", "lid", "pid", "sid", "local-wrap", "secret-wrap", "local-pw", "secret-pw", "seal"};

bool known_type(std::string_view t) noexcept {
  for (std::string_view k : kKnownTypes)
    if (k == t) return true;
  return false;
}
}  // namespace

Result<Header> parse_header(std::string_view paserk) {
  if (paserk.size() < 3 || paserk[0] != 'k') return fail(Errc::malformed, "not a PASERK");
  std::size_t i = 1;
  int version = 0;
  while (i < paserk.size() && i <= 3 && paserk[i] >= '0' && paserk[i] <= '9') {
    version = version * 10 + (paserk[i] - '0');
    ++i;
  }
  if (i == 1 || i > 3 || i >= paserk.size() || paserk[i] != '.') return fail(Errc::malformed, "not a PASERK");
  Header h;
  h.version = version;
  h.rest = paserk.substr(i + 1);
  // Only the first few characters are looked at: the longest type name is 11 characters.
  const std::size_t dot = h.rest.substr(0, 16).find('.');
  if (dot == std::string_view::npos) return fail(Errc::malformed, "PASERK without a known type");
  h.type = h.rest.substr(0, dot);
  if (!known_type(h.type)) return fail(Errc::malformed, "unknown PASERK type");
  return h;
}

Result<Bytes> open(std::string_view paserk, Version expected, std::string_view type) {
  auto h = parse_header(paserk);
  if (!h) return std::unexpected(std::move(h.error()));
  if (h->version != static_cast<int>(expected))
    return fail(Errc::wrong_key_type, "PASERK of another version");
  if (paserk.size() > kMaxPaserkBytes) return fail(Errc::token_too_large, "PASERK longer than the limit");
  const std::string_view rest = h->rest;
  if (rest.size() <= type.size() || !rest.starts_with(type) || rest[type.size()] != '.') {
    // Same first segment but a different protocol: "k4.local-wrap.xyz." when "pie" is wanted.
    if (type.starts_with(h->type) && type.size() > h->type.size() && type[h->type.size()] == '.')
      return fail(Errc::unsupported, "unsupported PASERK wrapping protocol");
    return fail(Errc::wrong_key_type, "PASERK of another type");
  }
  auto body = codec::base64url_decode(rest.substr(type.size() + 1));
  if (!body) return fail(Errc::malformed, "PASERK body is not base64url");
  return std::move(*body);
}

void append_b64(std::string& out, std::initializer_list<ByteView> parts) {
  Wiped<Bytes> all;  // the parts of plain keys are secret
  std::size_t n = 0;
  for (ByteView p : parts) n += p.size();
  all.reserve(n);
  for (ByteView p : parts) all.insert(all.end(), p.begin(), p.end());
  codec::base64url_encode_append(all, out);
}

void put_be(Bytes& out, std::uint64_t value, std::size_t width) {
  for (std::size_t i = width; i-- > 0;) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

std::uint64_t get_be(ByteView in) noexcept {
  std::uint64_t v = 0;
  for (std::uint8_t b : in) v = (v << 8) | b;
  return v;
}

}  // namespace detail

using detail::Bytes;
using detail::ByteView;
using detail::Wiped;

// ---- byte level -------------------------------------------------------------------------

Result<std::string> encode_bytes(Version v, KeyType type, std::span<const std::uint8_t> key) {
  if (key.size() != detail::key_size(v, type))
    return fail(Errc::invalid_key, "key of the wrong length for this PASERK type");
  std::string out = detail::header(v, detail::type_name(type));
  detail::append_b64(out, {key});
  return out;
}

Result<SecretBytes> decode_bytes(std::string_view paserk, Version expected, KeyType type) {
  auto body = detail::open(paserk, expected, detail::type_name(type));
  if (!body) return std::unexpected(std::move(body.error()));
  const Wiped<Bytes> key(std::move(*body));
  if (key.size() != detail::key_size(expected, type)) return fail(Errc::malformed, "PASERK key of the wrong length");
  return SecretBytes(ByteView(key));
}

namespace {

// h || base64url(H(h || paserk)) with h = "kN.<id_type>.".
Result<std::string> make_id(Version v, std::string_view id_type, std::string_view paserk) {
  std::string h = detail::header(v, id_type);
  const ByteView parts[] = {crypto::as_bytes(h), crypto::as_bytes(paserk)};
  std::array<std::uint8_t, 33> digest{};
  if (detail::uses_sodium(v)) {
    auto r = crypto::blake2b(std::span<std::uint8_t>(digest), ByteView{}, parts);
    if (!r) return std::unexpected(std::move(r.error()));
  } else {
    const auto full = crypto::sha384_parts(parts);
    std::copy_n(full.begin(), digest.size(), digest.begin());
  }
  codec::base64url_encode_append(digest, h);
  return h;
}

std::string_view id_type_for(std::string_view key_type) noexcept {
  if (key_type == "local") return "lid";
  if (key_type == "public") return "pid";
  if (key_type == "secret") return "sid";
  return {};
}

Result<Version> known_version(int n) {
  switch (n) {
    case 2: return Version::v2;
    case 3: return Version::v3;
    case 4: return Version::v4;
    default: return fail(Errc::unsupported, "unsupported PASERK version");
  }
}

}  // namespace

Result<std::string> id_of(std::string_view paserk) {
  auto h = detail::parse_header(paserk);
  if (!h) return std::unexpected(std::move(h.error()));
  if (paserk.size() > kMaxPaserkBytes) return fail(Errc::token_too_large, "PASERK longer than the limit");
  auto v = known_version(h->version);
  if (!v) return std::unexpected(std::move(v.error()));
  const std::string_view id_type = id_type_for(h->type);
  if (id_type.empty()) return fail(Errc::wrong_key_type, "identifiers exist only for local, public and secret PASERKs");
  const KeyType kt = h->type == "local" ? KeyType::local : h->type == "public" ? KeyType::public_ : KeyType::secret;
  auto check = decode_bytes(paserk, *v, kt);  // validates the body and its length
  if (!check) return std::unexpected(std::move(check.error()));
  return make_id(*v, id_type, paserk);
}

// ---- typed keys ----------------------------------------------------------------------------

Result<std::string> to_paserk(const LocalKey& key) {
  return encode_bytes(key.version(), KeyType::local, key.bytes().reveal(SecretAccess{}));
}

Result<std::string> to_paserk(const SecretKey& key) {
  return encode_bytes(key.version(), KeyType::secret, key.bytes().reveal(SecretAccess{}));
}

Result<std::string> to_paserk(const PublicKey& key) {
  const std::string raw = key.bytes();
  return encode_bytes(key.version(), KeyType::public_, crypto::as_bytes(raw));
}

Result<LocalKey> local_from_paserk(std::string_view paserk, Version expected) {
  auto raw = decode_bytes(paserk, expected, KeyType::local);
  if (!raw) return std::unexpected(std::move(raw.error()));
  return LocalKey::from_bytes(expected, *raw);
}

Result<SecretKey> secret_from_paserk(std::string_view paserk, Version expected) {
  auto raw = decode_bytes(paserk, expected, KeyType::secret);
  if (!raw) return std::unexpected(std::move(raw.error()));
  return SecretKey::from_bytes(expected, *raw);
}

Result<PublicKey> public_from_paserk(std::string_view paserk, Version expected) {
  auto raw = decode_bytes(paserk, expected, KeyType::public_);
  if (!raw) return std::unexpected(std::move(raw.error()));
  return PublicKey::from_bytes(expected, raw->reveal(SecretAccess{}));
}

Result<std::string> lid(const LocalKey& key) {
  auto p = to_paserk(key);
  if (!p) return p;
  const Wiped<std::string> paserk(std::move(*p));
  return make_id(key.version(), "lid", paserk);
}

Result<std::string> sid(const SecretKey& key) {
  auto p = to_paserk(key);
  if (!p) return p;
  const Wiped<std::string> paserk(std::move(*p));
  return make_id(key.version(), "sid", paserk);
}

Result<std::string> pid(const PublicKey& key) {
  auto p = to_paserk(key);
  if (!p) return p;
  return make_id(key.version(), "pid", *p);
}

}  // namespace tessera::paserk
