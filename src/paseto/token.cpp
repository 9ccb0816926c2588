// The token layer shared by every PASETO version: headers, parsing and assembly of
// "vN.purpose.payload[.footer]", and the public encrypt / decrypt / sign / verify entry points,
// which check the key fits the token and then dispatch to v4.cpp, v3.cpp or v2.cpp.
#include <array>
#include <optional>

#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"
#include "paseto/key_data.hpp"
#include "paseto/local_nonce.hpp"
#include "paseto/token.hpp"
#include "tessera/paseto.hpp"

namespace tessera::paseto {

std::string_view version_name(Version v) noexcept {
  switch (v) {
    case Version::v2: return "v2";
    case Version::v3: return "v3";
    case Version::v4: return "v4";
  }
  return "";
}

std::string header(Version v, Purpose p) {
  std::string h(version_name(v));
  h += p == Purpose::local ? ".local." : ".public.";
  return h;
}

namespace detail {

namespace {

std::optional<Version> parse_version(std::string_view s) {
  if (s == "v4") return Version::v4;
  if (s == "v3") return Version::v3;
  if (s == "v2") return Version::v2;
  return std::nullopt;
}

std::optional<Purpose> parse_purpose(std::string_view s) {
  if (s == "local") return Purpose::local;
  if (s == "public") return Purpose::public_;
  return std::nullopt;
}

// The pieces of a token, not yet decoded.
struct Split {
  Version version;
  Purpose purpose;
  std::string_view payload;
  std::string_view footer;  // empty when absent
};

Result<Split> split(std::string_view token, std::size_t max_token_bytes) {
  if (token.size() > max_token_bytes) return fail(Errc::token_too_large, "PASETO token over the size limit");
  std::array<std::string_view, 4> parts{};
  std::size_t count = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = token.find('.', start);
    if (count == parts.size()) return fail(Errc::malformed, "PASETO token has too many parts");
    parts[count++] = token.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (count < 3) return fail(Errc::malformed, "PASETO token has too few parts");
  const auto v = parse_version(parts[0]);
  const auto p = parse_purpose(parts[1]);
  if (!v || !p) return fail(Errc::malformed, "unknown PASETO header");
  if (count == 4 && parts[3].empty()) return fail(Errc::malformed, "empty PASETO footer part");
  return Split{*v, *p, parts[2], count == 4 ? parts[3] : std::string_view{}};
}

std::size_t min_body(Version v, Purpose p) {
  if (p == Purpose::public_) return v == Version::v3 ? kV3SigBytes : kEd25519SigBytes;
  switch (v) {
    case Version::v2: return kV2LocalOverhead;
    case Version::v3: return kV3LocalOverhead;
    case Version::v4: return kV4LocalOverhead;
  }
  return 0;
}

// Key handles are built only by keys.cpp and paserk*, but the constructors are public: a
// KeyData of the wrong kind behind a handle is refused rather than misused.
Result<void> check_kind(const KeyData& k, KeyKind want) {
  if (k.kind != want) return fail(Errc::wrong_key_type, "key data of the wrong kind");
  return {};
}

Result<void> check_implicit(Version v, std::string_view implicit) {
  if (v == Version::v2 && !implicit.empty())
    return fail(Errc::invalid_argument, "v2 has no implicit assertions");
  return {};
}

}  // namespace

Result<ParsedToken> parse_token(std::string_view token, Version v, Purpose p, std::size_t max_token_bytes,
                                std::size_t min_body_bytes) {
  auto s = split(token, max_token_bytes);
  if (!s) return std::unexpected(s.error());
  if (s->version != v || s->purpose != p)
    return fail(Errc::wrong_key_type, "the token is " + header(s->version, s->purpose) + " but the key is for " +
                                          header(v, p));
  ParsedToken out;
  out.header = header(v, p);
  if (!codec::base64url_decode_into(s->payload, out.body))
    return fail(Errc::malformed, "PASETO payload is not canonical base64url");
  if (!codec::base64url_decode_into(s->footer, out.footer))
    return fail(Errc::malformed, "PASETO footer is not canonical base64url");
  if (out.body.size() < min_body_bytes) return fail(Errc::malformed, "PASETO payload too short");
  return out;
}

std::string build_token(std::string_view hdr, crypto::ByteView body, std::string_view footer) {
  std::string out;
  out.reserve(hdr.size() + codec::base64url_encoded_size(body.size()) + 1 +
              codec::base64url_encoded_size(footer.size()));
  out.append(hdr);
  codec::base64url_encode_append(body, out);
  if (!footer.empty()) {
    out.push_back('.');
    codec::base64url_encode_append(crypto::as_bytes(footer), out);
  }
  return out;
}

std::string build_token(std::string_view hdr, std::initializer_list<crypto::ByteView> body_parts,
                        std::string_view footer) {
  crypto::Bytes body;
  std::size_t total = 0;
  for (const auto part : body_parts) total += part.size();
  body.reserve(total);
  for (const auto part : body_parts) body.insert(body.end(), part.begin(), part.end());
  return build_token(hdr, body, footer);
}

Result<std::string> encrypt_with_nonce(const LocalKey& key, std::string_view payload, std::string_view footer,
                                       std::string_view implicit, std::span<const std::uint8_t> nonce) {
  const KeyData& k = key.data();
  if (auto r = check_kind(k, KeyKind::local); !r) return std::unexpected(r.error());
  if (auto r = check_implicit(k.version, implicit); !r) return std::unexpected(r.error());
  const std::size_t want = k.version == Version::v2 ? 24 : 32;
  if (nonce.size() != want) return fail(Errc::invalid_argument, "nonce has the wrong length");
  switch (k.version) {
    case Version::v4: return v4_encrypt(k, payload, footer, implicit, nonce);
    case Version::v3: return v3_encrypt(k, payload, footer, implicit, nonce);
    case Version::v2: return v2_encrypt(k, payload, footer, nonce);
  }
  return fail(Errc::internal, "unknown PASETO version");
}

}  // namespace detail

Result<std::string> encrypt(const LocalKey& key, std::string_view payload, std::string_view footer,
                            std::string_view implicit) {
  std::array<std::uint8_t, 32> nonce{};
  const std::size_t n = key.version() == Version::v2 ? 24 : 32;
  crypto::random_bytes(std::span<std::uint8_t>(nonce.data(), n));
  return detail::encrypt_with_nonce(key, payload, footer, implicit, std::span<const std::uint8_t>(nonce.data(), n));
}

Result<std::string> decrypt(const LocalKey& key, std::string_view token, std::string_view implicit,
                            std::size_t max_token_bytes) {
  const detail::KeyData& k = key.data();
  if (auto r = detail::check_kind(k, detail::KeyKind::local); !r) return std::unexpected(r.error());
  if (auto r = detail::check_implicit(k.version, implicit); !r) return std::unexpected(r.error());
  auto t = detail::parse_token(token, k.version, Purpose::local, max_token_bytes,
                               detail::min_body(k.version, Purpose::local));
  if (!t) return std::unexpected(t.error());
  switch (k.version) {
    case Version::v4: return detail::v4_decrypt(k, *t, implicit);
    case Version::v3: return detail::v3_decrypt(k, *t, implicit);
    case Version::v2: return detail::v2_decrypt(k, *t);
  }
  return fail(Errc::internal, "unknown PASETO version");
}

Result<std::string> sign(const SecretKey& key, std::string_view payload, std::string_view footer,
                         std::string_view implicit) {
  const detail::KeyData& k = key.data();
  if (auto r = detail::check_kind(k, detail::KeyKind::secret); !r) return std::unexpected(r.error());
  if (auto r = detail::check_implicit(k.version, implicit); !r) return std::unexpected(r.error());
  switch (k.version) {
    case Version::v4: return detail::v4_sign(k, payload, footer, implicit);
    case Version::v3: return detail::v3_sign(k, payload, footer, implicit);
    case Version::v2: return detail::v2_sign(k, payload, footer);
  }
  return fail(Errc::internal, "unknown PASETO version");
}

Result<std::string> verify(const PublicKey& key, std::string_view token, std::string_view implicit,
                           std::size_t max_token_bytes) {
  const detail::KeyData& k = key.data();
  if (auto r = detail::check_kind(k, detail::KeyKind::public_); !r) return std::unexpected(r.error());
  if (auto r = detail::check_implicit(k.version, implicit); !r) return std::unexpected(r.error());
  auto t = detail::parse_token(token, k.version, Purpose::public_, max_token_bytes,
                               detail::min_body(k.version, Purpose::public_));
  if (!t) return std::unexpected(t.error());
  switch (k.version) {
    case Version::v4: return detail::v4_verify(k, *t, implicit);
    case Version::v3: return detail::v3_verify(k, *t, implicit);
    case Version::v2: return detail::v2_verify(k, *t);
  }
  return fail(Errc::internal, "unknown PASETO version");
}

Result<std::string> footer_unverified(std::string_view token, std::size_t max_token_bytes) {
  auto s = detail::split(token, max_token_bytes);
  if (!s) return std::unexpected(s.error());
  std::string footer;
  if (!codec::base64url_decode_into(s->footer, footer))
    return fail(Errc::malformed, "PASETO footer is not canonical base64url");
  return footer;
}

}  // namespace tessera::paseto
