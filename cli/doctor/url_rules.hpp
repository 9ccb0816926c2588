// `tessera doctor --url`: what a running server answers (its metadata, its JWKS, the headers of
// its login page, the cookie of a login) and the rules over those answers (docs/doctor.md).
// probe() does the HTTP(S) calls; check_url() is pure, so each rule is tested on crafted answers.
// Thread safety: probe blocks; check_url is pure.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "doctor/finding.hpp"

namespace tessera::cli::doctor {

struct Seen {
  std::string url;
  std::string error;  // the call failed (no answer): why
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The values of a header (case-insensitive name), in order.
  std::vector<std::string> header(std::string_view name) const;
};

struct UrlFacts {
  std::string issuer;             // as given (--url)
  Seen metadata;                  // GET /.well-known/openid-configuration
  std::optional<Seen> jwks;       // GET the metadata's jwks_uri
  Seen login_page;                // GET /login
  std::optional<Seen> login;      // POST /login (only with --user)
};

struct ProbeOptions {
  std::string issuer;
  std::string ca_file;      // PEM CAs trusted besides the system's
  std::string user;         // empty: no login
  std::string password;
  int timeout_ms = 5000;
};

UrlFacts probe(const ProbeOptions& o);

// Rules: url_tls, metadata (reachable, issuer exact, endpoints https), jwks (reachable, no
// private or symmetric key, RSA >= 2048, Cache-Control max-age present and bounded),
// headers (nosniff, CSP, framing, HSTS on https), cookie (Secure, HttpOnly, SameSite,
// __Host- prefix on the login's Set-Cookie).
Findings check_url(const UrlFacts& facts);

}  // namespace tessera::cli::doctor
