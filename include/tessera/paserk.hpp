// PASERK: Platform-Agnostic Serialized Keys for the PASETO keys of paseto.hpp (k2, k3, k4).
//
//   kN.local / kN.public / kN.secret   a key in plain form (base64url of the raw key)
//   kN.lid / kN.pid / kN.sid           the key's identifier, for footers ("kid")
//   kN.local-wrap.pie / secret-wrap.pie a key encrypted under a LocalKey of the same version
//   kN.local-pw / kN.secret-pw         a key encrypted under a password
//   kN.seal                            a local key encrypted to a public key
//
// Raw key sizes: local 32 bytes; public k2/k4 32 (Ed25519), k3 49 (compressed P-384 point);
// secret k2/k4 64 (Ed25519 seed || public key), k3 48 (P-384 scalar).
//
// Every parse names the version it expects. Errors:
//   wrong_key_type  the PASERK is of another version (k3 given, k4 expected) or another type
//                   (a kN.public given where a kN.local is expected); a key of another version
//                   than the wrapping / sealing key
//   malformed       not a PASERK, bad base64url, wrong length
//   token_too_large longer than kMaxPaserkBytes (refused before decoding)
//   bad_signature   authentication failed: wrong wrapping key, password or sealing key, or a
//                   tampered PASERK (tags are checked in constant time, before decrypting)
//   unsupported     password parameters outside PasswordLimits (see below); an unknown wrap
//                   protocol (only "pie" exists); id_of on a version other than k2/k3/k4
//   invalid_key     the decoded bytes are not a usable key (e.g. a P-384 x not on the curve,
//                   an Ed25519 secret key whose public half does not match its seed); a key of
//                   the wrong length given to encode_bytes
// The tampered-tag vectors of the official suite partly have non-canonical base64url bodies:
// the strict decoder refuses those as malformed before the tag is looked at.
// Thread safety: all functions are thread-safe; no state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "tessera/error.hpp"
#include "tessera/paseto.hpp"
#include "tessera/secret.hpp"

namespace tessera::paserk {

using paseto::LocalKey;
using paseto::PublicKey;
using paseto::SecretKey;
using paseto::Version;

// Longest PASERK accepted by any parser here (the longest valid one, k3.secret-pw, is ~200).
inline constexpr std::size_t kMaxPaserkBytes = 1024;

// ---- plain keys ---------------------------------------------------------------------------
Result<std::string> to_paserk(const LocalKey& key);   // "k4.local.<b64>"
Result<std::string> to_paserk(const SecretKey& key);  // "k4.secret.<b64>"
Result<std::string> to_paserk(const PublicKey& key);  // "k4.public.<b64>"

Result<LocalKey> local_from_paserk(std::string_view paserk, Version expected);
Result<SecretKey> secret_from_paserk(std::string_view paserk, Version expected);
Result<PublicKey> public_from_paserk(std::string_view paserk, Version expected);

// ---- identifiers ----------------------------------------------------------------------------
// kN.lid / kN.pid / kN.sid: h || base64url(H(h || to_paserk(key))) with h = "kN.lid." etc.;
// H = BLAKE2b with a 33-byte output for k2/k4, the first 33 bytes of SHA-384 for k3.
Result<std::string> lid(const LocalKey& key);
Result<std::string> pid(const PublicKey& key);
Result<std::string> sid(const SecretKey& key);

// ---- byte level -------------------------------------------------------------------------
// The same encodings over raw bytes, with only the length checked (no point or key
// validation): for tools and for keys the typed classes would refuse.
enum class KeyType { local, public_, secret };
Result<std::string> encode_bytes(Version v, KeyType type, std::span<const std::uint8_t> key);
Result<SecretBytes> decode_bytes(std::string_view paserk, Version expected, KeyType type);
// The identifier (kN.lid / pid / sid) of a kN.local / public / secret PASERK string, which
// is parsed and length-checked first.
Result<std::string> id_of(std::string_view paserk);

// ---- symmetric wrapping (the "pie" protocol) -------------------------------------------------
// The wrapping key and the wrapped key must be of the same version (else wrong_key_type).
// k2/k4: XChaCha20 + keyed BLAKE2b; k3: AES-256-CTR + HMAC-SHA384. Randomized.
Result<std::string> wrap_local(const LocalKey& wrapping_key, const LocalKey& key);    // kN.local-wrap.pie.
Result<std::string> wrap_secret(const LocalKey& wrapping_key, const SecretKey& key);  // kN.secret-wrap.pie.
// The version expected is the wrapping key's.
Result<LocalKey> unwrap_local(const LocalKey& wrapping_key, std::string_view paserk);
Result<SecretKey> unwrap_secret(const LocalKey& wrapping_key, std::string_view paserk);

// ---- password wrapping ---------------------------------------------------------------------
// k2/k4: Argon2id (libsodium; memlimit in bytes, opslimit, parallelism which libsodium only
// supports as 1) -> XChaCha20 + BLAKE2b. k3: PBKDF2-SHA384 (iterations) -> AES-256-CTR +
// HMAC-SHA384. The parameters are stored in the PASERK; the fields of the other family are
// ignored. Defaults: Argon2id 64 MiB, 2 passes, parallelism 1 (libsodium's "interactive");
// PBKDF2 200,000 iterations.
struct PasswordOptions {
  std::uint64_t memlimit = 64ull * 1024 * 1024;
  std::uint32_t opslimit = 2;
  std::uint32_t parallelism = 1;
  std::uint32_t iterations = 200'000;
};

// Upper bounds on the work a PASERK may demand, enforced on unwrap BEFORE any key derivation
// (so a hostile PASERK cannot exhaust memory or CPU) and on wrap (so what we write we can
// read back). Defaults: memlimit <= 1 GiB, opslimit <= 16, iterations <= 10,000,000.
// Lower bounds are fixed: memlimit >= 8 KiB, opslimit >= 1, iterations >= 1, parallelism == 1.
// Out of range: unsupported (on unwrap), invalid_argument (on wrap).
struct PasswordLimits {
  std::uint64_t max_memlimit = 1024ull * 1024 * 1024;
  std::uint32_t max_opslimit = 16;
  std::uint32_t max_iterations = 10'000'000;
};

Result<std::string> password_wrap_local(const SecretBytes& password, const LocalKey& key,
                                        const PasswordOptions& options = {}, const PasswordLimits& limits = {});
Result<std::string> password_wrap_secret(const SecretBytes& password, const SecretKey& key,
                                         const PasswordOptions& options = {}, const PasswordLimits& limits = {});
Result<LocalKey> password_unwrap_local(const SecretBytes& password, std::string_view paserk, Version expected,
                                       const PasswordLimits& limits = {});
Result<SecretKey> password_unwrap_secret(const SecretBytes& password, std::string_view paserk, Version expected,
                                         const PasswordLimits& limits = {});

// ---- sealing (public-key encryption of a local key) --------------------------------------------
// k2/k4: the Ed25519 key pair is converted to X25519; an ephemeral X25519 key agrees a secret
// from which BLAKE2b derives the XChaCha20 key and nonce and the BLAKE2b tag key.
// k3: ephemeral P-384 ECDH; SHA-384 derives the AES-256-CTR key and nonce and the HMAC-SHA384
// tag key. The sealing key and the sealed key must be of the same version. Randomized.
Result<std::string> seal(const PublicKey& sealing_key, const LocalKey& key);  // kN.seal.
// The version expected is the sealing key's.
Result<LocalKey> unseal(const SecretKey& sealing_key, std::string_view paserk);

}  // namespace tessera::paserk
